// What the viewer page's server tells the browser up front, so that the first image does not wait for the viewer's
// code to arrive and ask (issue 6, time to first image): which image the viewer opens on, and where its code is.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FirstInstance } from '@/app/_components/viewer/archive';
import type { Db } from '@/prisma/db';

/**
 * The image the viewer opens on: its first series by Series Number, that series' first instance by Instance
 * Number, as the viewer orders them (app/_components/viewer/archive.ts loadSeries). A hint only: the viewer uses
 * the bytes fetched ahead only if its own QIDO-RS listing starts with the same image. None for a multi-frame
 * image (one request for many image ids: left to the viewer) or a study the sandbox does not hold.
 */
export async function firstInstance(db: Db, sandboxId: string, studyUid: string): Promise<FirstInstance | undefined> {
  const instance = await db.instance.findFirst({
    where: { sandboxId, series: { study: { sandboxId, studyInstanceUid: studyUid } } },
    orderBy: [
      { series: { seriesNumber: { sort: 'asc', nulls: 'first' } } },
      { series: { createdAt: 'asc' } },
      { instanceNumber: { sort: 'asc', nulls: 'first' } },
      { receivedAt: 'asc' },
    ],
    select: { sopInstanceUid: true, numberOfFrames: true, series: { select: { seriesInstanceUid: true } } },
  });
  if (!instance || (instance.numberOfFrames ?? 1) > 1) return undefined;
  return { study: studyUid, series: instance.series.seriesInstanceUid, sop: instance.sopInstanceUid };
}

let chunks: string[] | undefined;

/**
 * The script chunks of the viewer (Cornerstone: a few MB), from the build's react-loadable-manifest.json, where
 * next/dynamic's imports are listed with their files. Next preloads them for `ssr: true` dynamics only; the viewer
 * is `ssr: false`, so without this the browser asks for them only once the page's own scripts have run.
 * Production builds only; none if the manifest is missing or not as expected.
 */
export function viewerChunks(distDir = process.env.PACSLAB_DIST_DIR || '.next'): string[] {
  if (process.env.NODE_ENV !== 'production') return [];
  if (chunks) return chunks;
  try {
    const manifest = JSON.parse(readFileSync(resolve(process.cwd(), distDir, 'react-loadable-manifest.json'), 'utf8')) as Record<string, { files?: unknown }>;
    const key = Object.keys(manifest).find((k) => k.startsWith('app/sandbox/viewer/ViewerLoader.tsx -> ') && k.endsWith('/viewer/Viewer'));
    const files = key && Array.isArray(manifest[key].files) ? (manifest[key].files as unknown[]) : [];
    chunks = files.filter((f): f is string => typeof f === 'string' && /^static\/chunks\/[\w.-]+\.js$/.test(f)).map((f) => `/_next/${f}`);
  } catch {
    chunks = [];
  }
  return chunks;
}
