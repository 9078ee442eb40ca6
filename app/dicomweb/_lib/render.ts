// Rendered resources and thumbnails (PS3.18 10.4.1.1.4, 8.3.5.1): a frame as a consumer-format image. Grey
// images go through the Modality LUT (Rescale Slope/Intercept) and the VOI LUT (the `window` parameter, else the
// image's first Window Center/Width, else the frame's min/max), MONOCHROME1 is inverted; RGB is shown as is
// (16-bit scaled to 8). PNG is the one output format: a client that accepts only image/jpeg gets a 406.
import { PNG } from 'pngjs';
import { parseAccept } from './accept';
import { DicomWebError } from './dicomWebError';
import { nativeFrame, type NativeFrame, type ReadInstance } from './pixels';

export type VoiFunction = 'linear' | 'linear-exact' | 'sigmoid';

export interface RenderOptions {
  window?: { center: number; width: number; fn: VoiFunction };
  viewport?: { width: number; height: number };
}

export const THUMBNAIL_SIZE = 128;

/** `window=center,width[,function]` and `viewport=vw,vh` (PS3.18 8.3.5.1.2, 8.3.5.1.3). */
export function parseRenderParams(params: URLSearchParams): RenderOptions {
  const out: RenderOptions = {};
  const w = params.get('window');
  if (w !== null) {
    const [c, wd, fn = 'linear'] = w.split(',').map((s) => s.trim());
    const center = Number(c);
    const width = Number(wd);
    if (!c || !wd || !Number.isFinite(center) || !Number.isFinite(width) || width <= 0 || !['linear', 'linear-exact', 'sigmoid'].includes(fn.toLowerCase())) {
      throw new DicomWebError(400, `Query parameter "window" must be center,width[,linear|linear-exact|sigmoid] with a positive width, not "${w}".`);
    }
    out.window = { center, width, fn: fn.toLowerCase() as VoiFunction };
  }
  const v = params.get('viewport');
  if (v !== null) {
    const [vw, vh] = v.split(',').map((s) => s.trim());
    const width = Number(vw);
    const height = Number(vh);
    if (!/^\d+$/.test(vw ?? '') || !/^\d+$/.test(vh ?? '') || width < 1 || height < 1 || width > 4096 || height > 4096) {
      throw new DicomWebError(400, `Query parameter "viewport" must be width,height in pixels (1 to 4096), not "${v}".`);
    }
    out.viewport = { width, height };
  }
  return out;
}

/** image/png when the client takes it (or anything); 406 otherwise. */
export function renderedMediaType(accept: string | null): 'image/png' {
  for (const r of parseAccept(accept)) {
    if (['image/png', 'image/*', '*/*'].includes(r.type)) return 'image/png';
    if (r.type === 'multipart/related' && (r.params.type ?? '').toLowerCase() === 'image/png') return 'image/png';
  }
  throw new DicomWebError(406, `Rendered images are sent as image/png only (JPEG output is not implemented); your Accept header (${accept}) does not allow it.`);
}

function sampleReader(f: NativeFrame): (i: number) => number {
  const { bitsAllocated: ba, bitsStored: bs, pixelRepresentation: pr } = f.info;
  const d = f.data;
  const mask = bs >= 32 ? 0xffffffff : (1 << bs) - 1;
  const signBit = bs >= 32 ? 0 : 1 << (bs - 1);
  const signed = (v: number) => {
    const m = v & mask;
    return pr === 1 && bs < 32 && m & signBit ? m - (1 << bs) : m;
  };
  if (ba === 8) return (i) => signed(d[i]);
  if (ba === 16) return (i) => signed(d.readUInt16LE(i * 2));
  if (ba === 32) return (i) => (pr === 1 ? d.readInt32LE(i * 4) : d.readUInt32LE(i * 4));
  throw new DicomWebError(406, `Rendering ${ba}-bit pixel data is not supported.`);
}

function voi(x: number, c: number, w: number, fn: VoiFunction): number {
  // PS3.3 C.11.2.1.2 (linear, linear-exact) and C.11.2.1.3.1 (sigmoid), output range 0..255
  if (fn === 'sigmoid') return 255 / (1 + Math.exp((-4 * (x - c)) / w));
  if (fn === 'linear-exact') return x <= c - w / 2 ? 0 : x > c + w / 2 ? 255 : ((x - c) / w + 0.5) * 255;
  if (w <= 1) return x <= c - 0.5 ? 0 : 255;
  if (x <= c - 0.5 - (w - 1) / 2) return 0;
  if (x > c - 0.5 + (w - 1) / 2) return 255;
  return ((x - (c - 0.5)) / (w - 1) + 0.5) * 255;
}

/** The frame as 8-bit RGBA at its own size. */
export function toRgba(f: NativeFrame, opts: RenderOptions): { rgba: Buffer; width: number; height: number; grey: boolean } {
  const { rows, columns, samplesPerPixel, photometric } = f.info;
  const n = rows * columns;
  const rgba = Buffer.alloc(n * 4);
  const read = sampleReader(f);
  if (samplesPerPixel === 1 && (photometric === 'MONOCHROME1' || photometric === 'MONOCHROME2')) {
    const slope = f.info.rescaleSlope || 1;
    const intercept = f.info.rescaleIntercept || 0;
    const values = new Float64Array(n);
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = read(i) * slope + intercept;
      values[i] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    let { center, width, fn } = opts.window ?? { center: NaN, width: NaN, fn: 'linear' as VoiFunction };
    if (!opts.window) {
      if (f.info.windowCenter !== undefined && f.info.windowWidth !== undefined) {
        center = f.info.windowCenter;
        width = f.info.windowWidth;
      } else {
        // no window in the image: stretch the frame's own range (linear-exact maps min→0, max→255)
        center = (min + max) / 2;
        width = Math.max(max - min, 1);
        fn = 'linear-exact';
      }
    }
    const invert = photometric === 'MONOCHROME1';
    for (let i = 0; i < n; i++) {
      let g = Math.round(voi(values[i], center, width, fn));
      if (invert) g = 255 - g;
      rgba[i * 4] = rgba[i * 4 + 1] = rgba[i * 4 + 2] = g;
      rgba[i * 4 + 3] = 255;
    }
    return { rgba, width: columns, height: rows, grey: true };
  }
  if (samplesPerPixel === 3 && (photometric === 'RGB' || photometric === 'YBR_FULL')) {
    const planar = f.info.planarConfiguration === 1;
    const shift = Math.max(0, f.info.bitsStored - 8);
    for (let i = 0; i < n; i++) {
      const s = (k: number) => read(planar ? k * n + i : i * 3 + k) >> shift;
      let [r, g, b] = [s(0), s(1), s(2)];
      if (photometric === 'YBR_FULL') {
        // PS3.3 C.7.6.3.1.2: YBR_FULL to RGB
        const [y, cb, cr] = [r, g, b];
        r = y + 1.402 * (cr - 128);
        g = y - 0.344136 * (cb - 128) - 0.714136 * (cr - 128);
        b = y + 1.772 * (cb - 128);
      }
      rgba[i * 4] = Math.max(0, Math.min(255, Math.round(r)));
      rgba[i * 4 + 1] = Math.max(0, Math.min(255, Math.round(g)));
      rgba[i * 4 + 2] = Math.max(0, Math.min(255, Math.round(b)));
      rgba[i * 4 + 3] = 255;
    }
    return { rgba, width: columns, height: rows, grey: false };
  }
  throw new DicomWebError(406, `Rendering ${samplesPerPixel}-sample ${photometric} images is not supported (MONOCHROME1/2, RGB and YBR_FULL are).`);
}

/** Fits width×height inside the viewport, keeping the aspect ratio; box-averaging when shrinking. */
export function scale(src: { rgba: Buffer; width: number; height: number }, viewport: { width: number; height: number }) {
  const k = Math.min(viewport.width / src.width, viewport.height / src.height);
  const width = Math.max(1, Math.round(src.width * k));
  const height = Math.max(1, Math.round(src.height * k));
  if (width === src.width && height === src.height) return src;
  const out = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor((y * src.height) / height);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * src.height) / height));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor((x * src.width) / width);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * src.width) / width));
      const acc = [0, 0, 0, 0];
      for (let yy = y0; yy < y1; yy++) {
        for (let xx = x0; xx < x1; xx++) {
          const o = (yy * src.width + xx) * 4;
          for (let c = 0; c < 4; c++) acc[c] += src.rgba[o + c];
        }
      }
      const cnt = (y1 - y0) * (x1 - x0);
      const o = (y * width + x) * 4;
      for (let c = 0; c < 4; c++) out[o + c] = Math.round(acc[c] / cnt);
    }
  }
  return { rgba: out, width, height };
}

/** Frame `n` of an instance as a PNG. */
export async function renderPng(r: ReadInstance, n: number, opts: RenderOptions): Promise<Buffer> {
  const frame = await nativeFrame(r, n);
  const full = toRgba(frame, opts);
  const img = opts.viewport ? scale(full, opts.viewport) : full;
  const png = new PNG({ width: img.width, height: img.height });
  img.rgba.copy(png.data);
  return PNG.sync.write(png, { colorType: full.grey ? 0 : 2 });
}
