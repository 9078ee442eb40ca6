'use client';
import { TabNav, type Tab } from '@/app/_components/TabNav';
import { Archive, Database, Network, Server } from 'lucide-react';

const tabs: Tab[] = [
  { href: '/sandbox/pacs', label: 'Studies', icon: Database, match: (p: string) => p === '/sandbox/pacs' || p.startsWith('/sandbox/pacs/studies') },
  { href: '/sandbox/pacs/network-log', label: 'Network log', icon: Network, match: (p: string) => p.startsWith('/sandbox/pacs/network-log') },
  { href: '/sandbox/pacs/nodes', label: 'DICOM nodes', icon: Server, match: (p: string) => p.startsWith('/sandbox/pacs/nodes') },
  { href: '/sandbox/pacs/storage', label: 'Storage', icon: Archive, match: (p: string) => p.startsWith('/sandbox/pacs/storage') },
];

export function ConsoleTabs() {
  return <TabNav label="PACS console" tabs={tabs} />;
}
