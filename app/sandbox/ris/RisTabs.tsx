'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { BookOpenCheck, ClipboardList, ListChecks } from 'lucide-react';

const tabs = [
  { href: '/sandbox/ris', label: 'Orders', icon: ClipboardList, match: (p: string) => p === '/sandbox/ris' },
  { href: '/sandbox/ris/worklist', label: 'Worklist', icon: ListChecks, match: (p: string) => p.startsWith('/sandbox/ris/worklist') },
  { href: '/sandbox/reading', label: 'Reading', icon: BookOpenCheck, match: (p: string) => p.startsWith('/sandbox/reading') },
];

export function RisTabs() {
  const path = usePathname();
  return (
    <nav aria-label="RIS console" className="flex gap-1 overflow-x-auto rounded-lg bg-slate-100 p-1">
      {tabs.map(({ href, label, icon: Icon, match }) => {
        const active = match(path);
        return (
          <Link key={href} href={href} aria-current={active ? 'page' : undefined}
            className={`inline-flex items-center gap-1.5 whitespace-nowrap rounded-md px-3 py-1.5 text-sm font-medium ${active ? 'bg-white text-slate-900 shadow-sm' : 'text-slate-600 hover:text-slate-900'}`}>
            <Icon className="h-4 w-4" aria-hidden /> {label}
          </Link>
        );
      })}
    </nav>
  );
}

/** The RIS console's header and tabs, shared by /sandbox/ris and /sandbox/reading. */
export function RisHeader({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div>
      <div className="flex flex-wrap items-end justify-between gap-3 border-b border-slate-200 pb-3">
        <div>
          <p className="text-xs font-semibold uppercase tracking-wide text-brand-700">Demo sandbox · worklist broker AE RIS</p>
          <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
        </div>
        <RisTabs />
      </div>
      <div className="mt-5">{children}</div>
    </div>
  );
}
