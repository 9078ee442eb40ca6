import '@fontsource-variable/inter';
import './globals.css';
import type { Metadata, Viewport } from 'next';
import { SiteHeader } from './_components/SiteHeader';

export const metadata: Metadata = {
  title: { default: 'PACS Lab', template: '%s · PACS Lab' },
  description: 'ARRT registry preparation with a real, hands-on mini-PACS: lessons, registry-style questions and a live DICOM network.',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#0e7a84' };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="flex min-h-screen flex-col font-sans">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2">
          Skip to content
        </a>
        <SiteHeader />
        <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 pb-16 pt-6 sm:px-6">
          {children}
        </main>
        <footer className="border-t border-slate-200 bg-white">
          <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-2 px-4 py-4 text-xs text-slate-500 sm:px-6">
            <span>PACS Lab · learning material, not for clinical use</span>
            <a className="hover:text-slate-700" href="/api/health">System status</a>
          </div>
        </footer>
      </body>
    </html>
  );
}
