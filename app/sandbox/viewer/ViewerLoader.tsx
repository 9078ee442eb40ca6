'use client';
// Cornerstone3D touches window, WebGL and web workers as it loads: the viewer runs in the browser only.
import dynamic from 'next/dynamic';
import { useEffect, useMemo } from 'react';
import { Loader2 } from 'lucide-react';
import { openStudy } from '@/app/_components/viewer/archive';

const load = () => import('@/app/_components/viewer/Viewer').then((m) => m.Viewer);
// start downloading the viewer's code (Cornerstone: the bulk of the time to first image) as soon as this module
// runs, rather than after hydration; webpack shares the one request with next/dynamic below
if (typeof window !== 'undefined') void load().catch(() => undefined);

const Viewer = dynamic(load, {
  ssr: false,
  loading: () => (
    <div className="fixed inset-x-0 bottom-0 top-14 z-30 grid place-items-center bg-slate-950 text-sm text-slate-400">
      <span className="flex items-center gap-2"><Loader2 className="h-5 w-5 animate-spin" aria-hidden /> Starting the viewer…</span>
    </div>
  ),
});

export function ViewerLoader({ studyUid, ae = 'PACS' }: { studyUid: string; ae?: string }) {
  // ask the archive for the study while the viewer's code (Cornerstone, a few MB) downloads: off the critical path
  const opened = useMemo(() => (typeof window === 'undefined' ? undefined : openStudy(`/dicomweb/${encodeURIComponent(ae)}`, studyUid, ae)), [studyUid, ae]);
  useEffect(() => {
    opened?.catch(() => undefined); // the viewer shows the error
  }, [opened]);
  return <Viewer studyUid={studyUid} ae={ae} opened={opened} />;
}
