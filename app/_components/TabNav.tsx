'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { LucideIcon } from 'lucide-react';

export interface Tab {
  href: string;
  label: string;
  icon: LucideIcon;
  /** whether the tab is the current one for this path */
  match: (path: string) => boolean;
}

/** The segmented tab bar of the consoles (PACS, RIS). */
export function TabNav({ label, tabs }: { label: string; tabs: readonly Tab[] }) {
  const path = usePathname();
  return (
    <nav aria-label={label} className="flex gap-1 overflow-x-auto rounded-lg bg-slate-100 p-1">
      {tabs.map(({ href, label: text, icon: Icon, match }) => {
        const active = match(path);
        return (
          <Link key={href} href={href} aria-current={active ? 'page' : undefined}
            className={`inline-flex items-center gap-1.5 whitespace-nowrap rounded-md px-3 py-1.5 text-sm font-medium ${active ? 'bg-white text-slate-900 shadow-sm' : 'text-slate-600 hover:text-slate-900'}`}>
            <Icon className="h-4 w-4" aria-hidden /> {text}
          </Link>
        );
      })}
    </nav>
  );
}
