// Cornerstone3D set-up for the browser, once per page (React StrictMode runs effects twice): the core and the DICOM
// image loader (wadouri: Part 10 files from WADO-RS, decoded by its wasm codecs in web workers) first; the tools
// (tools.ts) by a separate dynamic import once the first image is drawn.
import { cache, getRenderingCapabilities, init as coreInit, setUseCPURendering } from '@cornerstonejs/core';
import { init as loaderInit, wadouri } from '@cornerstonejs/dicom-image-loader';
import { PART10_ACCEPT, type Prefetched } from './archive';
import type { Toolkit } from './tools';

export { PART10_ACCEPT };

let ready: Promise<void> | null = null;

export function initCornerstone(): Promise<void> {
  ready ??= (async () => {
    coreInit();
    // Cornerstone draws on the CPU instead without WebGL2 (an old or locked-down browser), and on a software
    // rasterizer (SwiftShader, llvmpipe: no GPU, e.g. a VM or a headless browser), where its WebGL path costs more
    // than drawing a stack image on the CPU: a context to create and a read-back of every frame (issue 6)
    const gpu = getRenderingCapabilities();
    if (!gpu.webgl2 || gpu.softwareRasterizer) setUseCPURendering(true);
    loaderInit({
      maxWebWorkers: Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2) - 1)),
      beforeSend: () => ({ Accept: PART10_ACCEPT }),
    });
    cache.setMaxCacheSize(1024 * 1024 * 1024);
  })();
  return ready;
}

let tools: Promise<Toolkit> | null = null;

/** The interaction tools, after initCornerstone (their own chunk: not needed to draw the first image). */
export function loadTools(): Promise<Toolkit> {
  tools ??= initCornerstone()
    .then(() => import('./tools'))
    .then((m) => m.initTools())
    .catch((e: unknown) => {
      tools = null; // a failed chunk download may be retried
      throw e;
    });
  return tools;
}

/**
 * Hands the bytes of an instance fetched ahead (the loader started it while this code downloaded) to the wadouri
 * loader's data set cache, so that loading `imageId` parses them instead of asking the archive again. After
 * initCornerstone (its loader init empties that cache). A failed prefetch falls back to an ordinary request.
 */
export function seedInstance(p: Prefetched): void {
  const { url } = wadouri.parseImageId(p.imageId);
  const cached = wadouri.dataSetCacheManager as unknown as { isLoaded(uri: string): boolean; load(uri: string, request: (uri: string) => Promise<ArrayBuffer>, imageId: string): Promise<unknown> };
  if (cached.isLoaded(url)) return;
  const request = (uri: string) =>
    p.bytes.then(async (b) => {
      if (b) return b;
      const r = await fetch(uri, { headers: { accept: PART10_ACCEPT } });
      if (!r.ok) throw new Error(`The archive answered ${r.status} for ${uri}.`);
      return r.arrayBuffer();
    });
  // the cache shares this one promise with the image load that follows (it is keyed by URL); a failure shows there
  cached.load(url, request, p.imageId).catch(() => undefined);
}
