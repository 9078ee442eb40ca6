'use client';
import { TabNav, type Tab } from '@/app/_components/TabNav';
import { ClipboardList, Images, Network, Send } from 'lucide-react';

export function ScannerTabs({ ae }: { ae: string }) {
  const base = `/sandbox/modality/${ae}`;
  const tabs: Tab[] = [
    { href: base, label: 'Worklist', icon: ClipboardList, match: (p: string) => p === base },
    { href: `${base}/exams`, label: 'Exams', icon: Images, match: (p: string) => p.startsWith(`${base}/exams`) },
    { href: `${base}/queue`, label: 'Send queue', icon: Send, match: (p: string) => p.startsWith(`${base}/queue`) },
    { href: `${base}/network`, label: 'Network', icon: Network, match: (p: string) => p.startsWith(`${base}/network`) },
  ];
  return <TabNav label={`Scanner console ${ae}`} tabs={tabs} />;
}
