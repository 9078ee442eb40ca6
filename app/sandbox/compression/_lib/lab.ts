// The compression lab's server side: read one stored image of the demo archive, transcode it in memory (the
// archive is never changed), and measure and render what the codec did. Inputs are checked with zod.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { z } from 'zod';
import { HttpError } from '@/app/_lib/errors';
import { readWhole } from '@/app/dicomweb/_lib/pixels';
import { renderPng } from '@/app/dicomweb/_lib/render';
import { getDb } from '@/prisma/db';
import { archiveDirFromEnv } from '@/sim/archive/archiveFiles';
import { CODEC_IDS, codecSpec, compareImages, decodeImage, sampleValues, transcode, TranscodeError, type DecodedImage } from '@/sim/compression/transcode';
import { currentSandbox } from '../../_lib/current';

export const compressRequest = z
  .object({
    instanceId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'an image id from the list'),
    codec: z.enum(CODEC_IDS, { message: `one of ${CODEC_IDS.join(', ')}` }),
    ratio: z.number().min(1, 'at least 1').max(1000, 'at most 1000').optional(),
    quality: z.number().int('a whole number').min(1, 'at least 1').max(100, 'at most 100').optional(),
    near: z.number().int('a whole number').min(1, 'at least 1').max(255, 'at most 255').optional(),
    /** false for a series run or a sweep: measurements only, no pictures */
    images: z.boolean().default(true),
  })
  .strict();
export type CompressRequest = z.infer<typeof compressRequest>;

export interface CompressResponse {
  instanceId: string;
  codec: string;
  label: string;
  transferSyntaxUid: string;
  lossy: boolean;
  ratio: number;
  bytesIn: number;
  bytesOut: number;
  maxAbsError: number;
  meanAbsError: number;
  /** null when identical (infinite PSNR) */
  psnr: number | null;
  ms: number;
  newSopInstanceUid: boolean;
  images?: { original: string; compressed: string; difference: string; differenceGain: number };
}

/** Site policy (configurable in principle; fixed here for the lab's note): what lossy compression may touch. */
export function lossyPolicy(study: { status: string }, modalities: string[]): { allowed: boolean; why: string } {
  if (modalities.includes('MG')) {
    return { allowed: false, why: 'Mammography: final interpretation is not done on irreversibly compressed images (ACR–AAPM–SIIM practice parameter), so this site never stores MG lossy.' };
  }
  if (study.status !== 'read') {
    return { allowed: false, why: `This study is ${study.status}: it is still pending primary reading, and the site does not apply lossy compression before the radiologist has read the original.` };
  }
  return { allowed: true, why: 'This study has been read. Lossy compression is allowed for long-term storage by policy where diagnostic quality is kept (professional standards permit it for interpretation only at ratios shown not to affect the diagnosis).' };
}

async function loadInstance(instanceId: string) {
  const sandbox = await currentSandbox();
  if (!sandbox) throw new HttpError(503, 'The demo sandbox does not exist yet: run npx pacslab db seed.');
  const inst = await getDb().instance.findFirst({ where: { id: instanceId, sandboxId: sandbox.id } });
  if (!inst) throw new HttpError(404, 'No such image in the demo archive (it may have been deleted): pick one from the list.');
  try {
    return { inst, bytes: await readFile(join(archiveDirFromEnv(), inst.filePath)) };
  } catch {
    throw new HttpError(410, 'The archive lists this image but its file is missing: run the archive reconcile job from the PACS console.');
  }
}

const VIEW = { width: 512, height: 512 };

function dataUrl(png: Buffer): string {
  return `data:image/png;base64,${png.toString('base64')}`;
}

/** |original − compressed| of frame 1, the largest error mapped to white (gain shown beside it). */
function differencePng(a: DecodedImage, b: DecodedImage): { png: Buffer; gain: number } {
  const { rows, columns, samplesPerPixel: spp } = a.pixel;
  const va = sampleValues(a);
  const vb = sampleValues(b);
  const n = rows * columns;
  const diff = new Float64Array(n);
  let max = 0;
  for (let i = 0; i < n; i++) {
    let d = 0;
    for (let s = 0; s < spp; s++) d = Math.max(d, Math.abs(va[i * spp + s] - vb[i * spp + s]));
    diff[i] = d;
    if (d > max) max = d;
  }
  const gain = max > 0 ? 255 / max : 0;
  const k = Math.min(1, VIEW.width / columns, VIEW.height / rows);
  const width = Math.max(1, Math.round(columns * k));
  const height = Math.max(1, Math.round(rows * k));
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // nearest-largest over the block, so a single bad pixel still shows when shrinking
      const y0 = Math.floor(y / k);
      const y1 = Math.max(y0 + 1, Math.floor((y + 1) / k));
      const x0 = Math.floor(x / k);
      const x1 = Math.max(x0 + 1, Math.floor((x + 1) / k));
      let d = 0;
      for (let yy = y0; yy < Math.min(y1, rows); yy++) for (let xx = x0; xx < Math.min(x1, columns); xx++) d = Math.max(d, diff[yy * columns + xx]);
      const v = Math.round(d * gain);
      const o = (y * width + x) * 4;
      png.data[o] = png.data[o + 1] = png.data[o + 2] = v;
      png.data[o + 3] = 255;
    }
  }
  return { png: PNG.sync.write(png, { colorType: 0 }), gain };
}

/** Compresses one stored image in memory and measures it against the stored original. */
export async function compressStoredImage(req: CompressRequest): Promise<CompressResponse> {
  const { inst, bytes } = await loadInstance(req.instanceId);
  const spec = codecSpec(req.codec)!;
  let result;
  try {
    result = await transcode(bytes, req.codec, { ratio: req.ratio, quality: req.quality, near: req.near });
  } catch (e) {
    if (e instanceof TranscodeError) throw new HttpError(422, e.message);
    throw e;
  }
  let original: DecodedImage;
  let compressed: DecodedImage;
  try {
    original = await decodeImage(bytes);
    compressed = await decodeImage(result.bytes);
  } catch (e) {
    if (e instanceof TranscodeError) throw new HttpError(422, e.message);
    throw e;
  }
  const c = await compareImages(original, compressed);
  const out: CompressResponse = {
    instanceId: inst.id,
    codec: spec.id,
    label: spec.label,
    transferSyntaxUid: result.transferSyntaxUid,
    lossy: result.lossy,
    ratio: result.ratio,
    bytesIn: bytes.length,
    bytesOut: result.bytes.length,
    maxAbsError: c.maxAbsError,
    meanAbsError: c.meanAbsError,
    psnr: Number.isFinite(c.psnr) ? c.psnr : null,
    ms: result.ms,
    newSopInstanceUid: result.sopInstanceUid !== result.sourceSopInstanceUid,
  };
  if (req.images) {
    const d = differencePng(original, compressed);
    out.images = {
      original: dataUrl(await renderPng(readWhole(bytes), 1, { viewport: VIEW })),
      // rendered from our decode (samples clamped to Bits Stored, see sim/compression/transcode.ts), so an
      // overshoot of the 12-bit range shows as white, as the codec meant, not wrapped to black
      compressed: dataUrl(await renderPng(readWhole((await transcode(result.bytes, 'explicit')).bytes), 1, { viewport: VIEW })),
      difference: dataUrl(d.png),
      differenceGain: d.gain,
    };
  }
  return out;
}
