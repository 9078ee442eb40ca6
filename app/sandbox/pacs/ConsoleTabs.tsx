'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { Database, Network, Server } from 'lucide-react';

const tabs = [
  { href: '/sandbox/pacs', label: 'Studies', icon: Database, match: (p: string) => p === '/sandbox/pacs' || p.startsWith('/sandbox/pacs/studies') },
  { href: '/sandbox/pacs/network-log', label: 'Network log', icon: Network, match: (p: string) => p.startsWith('/sandbox/pacs/network-log') },
  { href: '/sandbox/pacs/nodes', label: 'DICOM nodes', icon: Server, match: (p: string) => p.startsWith('/sandbox/pacs/nodes') },
];

export function ConsoleTabs() {
  const path = usePathname();
  return (
    <nav aria-label="PACS console" className="flex gap-1 overflow-x-auto rounded-lg bg-slate-100 p-1">
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
