// Cornerstone3D set-up for the browser, once per page (React StrictMode runs effects twice): the core and the DICOM
// image loader (wadouri: Part 10 files from WADO-RS, decoded by its wasm codecs in web workers) first; the tools
// (tools.ts) by a separate dynamic import once the first image is drawn.
import { cache, init as coreInit, setUseCPURendering } from '@cornerstonejs/core';
import { init as loaderInit } from '@cornerstonejs/dicom-image-loader';
import type { Toolkit } from './tools';

/** Every instance is asked for as it is stored: the archive sends its files byte for byte (PS3.18 8.7.3.5.2). */
export const PART10_ACCEPT = 'application/dicom; transfer-syntax=*';

let ready: Promise<void> | null = null;

function webgl2Works(): boolean {
  try {
    return Boolean(document.createElement('canvas').getContext('webgl2'));
  } catch {
    return false;
  }
}

export function initCornerstone(): Promise<void> {
  ready ??= (async () => {
    // without WebGL2 (an old or locked-down browser) Cornerstone draws on the CPU instead
    if (!webgl2Works()) setUseCPURendering(true);
    coreInit();
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
