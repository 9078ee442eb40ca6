import Link from 'next/link';
import { notFound } from 'next/navigation';
import { MODALITY_NAMES, SCANNERS, scannerContext } from '../../_lib/modality';
import { ScannerTabs } from './ScannerTabs';
import { SandboxTag } from '../../SandboxTag';

export const dynamic = 'force-dynamic';

export default async function ScannerLayout({ children, params }: { children: React.ReactNode; params: Promise<{ ae: string }> }) {
  const { ae } = await params;
  const ctx = await scannerContext(ae);
  if (!ctx) notFound();
  const { config } = ctx;
  return (
    <div>
      <div className="flex flex-wrap items-end justify-between gap-3 border-b border-slate-200 pb-3">
        <div>
          <p className="text-xs font-semibold uppercase tracking-wide text-brand-700">
            <SandboxTag /> · {MODALITY_NAMES[config.modality] ?? config.modality} · calling AE <span className="font-mono">{config.localAeTitle}</span>
          </p>
          <h1 className="text-2xl font-semibold tracking-tight">Scanner console {ae}</h1>
          <nav aria-label="Other scanners" className="mt-1 flex gap-2 text-xs">
            {SCANNERS.filter((s) => s !== ae).map((s) => (
              <Link key={s} href={`/sandbox/modality/${s}`} className="font-mono text-slate-500 hover:text-brand-700 hover:underline">{s}</Link>
            ))}
          </nav>
        </div>
        <ScannerTabs ae={ae} />
      </div>
      <div className="mt-5">{children}</div>
    </div>
  );
}
