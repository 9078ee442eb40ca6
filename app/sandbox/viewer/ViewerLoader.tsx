'use client';
// Cornerstone3D touches window, WebGL and web workers as it loads: the viewer runs in the browser only.
import dynamic from 'next/dynamic';
import { useEffect, useMemo } from 'react';
import { Loader2 } from 'lucide-react';
import { openStudy, prefetchInstance, type FirstInstance } from '@/app/_components/viewer/archive';

// The viewer's code (Cornerstone: the bulk of the time to first image) is preloaded by the page's HTML
// (page.tsx viewerChunks). It is *run* when next/dynamic renders it, during hydration, after this component has
// sent the archive its requests: running it takes the main thread for a few hundred ms, and the requests should
// be on the wire meanwhile rather than wait for it.
const load = () => import('@/app/_components/viewer/Viewer').then((m) => m.Viewer);

const Viewer = dynamic(load, {
  ssr: false,
  loading: () => (
    <div className="fixed inset-x-0 bottom-0 top-14 z-30 grid place-items-center bg-slate-950 text-sm text-slate-400">
      <span className="flex items-center gap-2"><Loader2 className="h-5 w-5 animate-spin" aria-hidden /> Starting the viewer…</span>
    </div>
  ),
});

export function ViewerLoader({ studyUid, ae = 'PACS', first }: { studyUid: string; ae?: string; first?: FirstInstance }) {
  // ask the archive for the study, and for the image it opens on (the server named it), while the viewer's code
  // (Cornerstone, a few MB) downloads: both off the critical path to the first image
  const opened = useMemo(() => (typeof window === 'undefined' ? undefined : openStudy(`/dicomweb/${encodeURIComponent(ae)}`, studyUid, ae)), [studyUid, ae]);
  // (keyed by its UIDs: the props object is a new one on every server render; the viewer's own base, `/dicomweb/${ae}`,
  // gives the same image id as the viewer's)
  const [fStudy, fSeries, fSop] = [first?.study, first?.series, first?.sop];
  const prefetched = useMemo(
    () => (typeof window === 'undefined' || !fStudy || !fSeries || !fSop ? undefined : prefetchInstance(`/dicomweb/${ae}`, { study: fStudy, series: fSeries, sop: fSop })),
    [ae, fStudy, fSeries, fSop],
  );
  useEffect(() => {
    opened?.catch(() => undefined); // the viewer shows the error
  }, [opened]);
  return <Viewer studyUid={studyUid} ae={ae} opened={opened} prefetched={prefetched} />;
}
