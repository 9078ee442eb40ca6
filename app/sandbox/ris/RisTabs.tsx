'use client';
import { TabNav, type Tab } from '@/app/_components/TabNav';
import { ArrowRightLeft, BookOpenCheck, ClipboardList, ListChecks } from 'lucide-react';

const tabs: Tab[] = [
  { href: '/sandbox/ris', label: 'Orders', icon: ClipboardList, match: (p: string) => p === '/sandbox/ris' },
  { href: '/sandbox/ris/worklist', label: 'Worklist', icon: ListChecks, match: (p: string) => p.startsWith('/sandbox/ris/worklist') },
  { href: '/sandbox/ris/interfaces', label: 'Interfaces', icon: ArrowRightLeft, match: (p: string) => p.startsWith('/sandbox/ris/interfaces') },
  { href: '/sandbox/reading', label: 'Reading', icon: BookOpenCheck, match: (p: string) => p.startsWith('/sandbox/reading') },
];

export function RisTabs() {
  return <TabNav label="RIS console" tabs={tabs} />;
}

/** The RIS console's header and tabs, shared by /sandbox/ris and /sandbox/reading. */
export function RisHeader({ title, tag, children }: { title: string; tag?: React.ReactNode; children: React.ReactNode }) {
  return (
    <div>
      <div className="flex flex-wrap items-end justify-between gap-3 border-b border-slate-200 pb-3">
        <div>
          <p className="text-xs font-semibold uppercase tracking-wide text-brand-700">{tag ?? 'Worklist broker'}</p>
          <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
        </div>
        <RisTabs />
      </div>
      <div className="mt-5">{children}</div>
    </div>
  );
}
