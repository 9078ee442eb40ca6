// Writes PNG previews of generated images (run: npx tsx sim/modality/generate/preview.ts [outDir]) so a person
// can look at what the generator makes: CT slices in two windows, the radiographs, an MR slice per weighting,
// US frames.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import dcmjs from 'dcmjs';
import { PNG } from 'pngjs';
import { generateStudy, type GenerateRequest } from './index';

/** Parses a Part 10 file with dcmjs (the project's typings: tag → { vr, Value }). */
export function readBack(bytes: Buffer) {
  const ab = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(ab).set(bytes);
  const { meta, dict } = dcmjs.data.DicomMessage.readFile(ab);
  const values = (tag: string) => dict[tag]?.Value ?? [];
  return { meta, dict, values, first: (tag: string) => values(tag)[0] };
}

export function toPng(bytes: Buffer, opts: { center?: number; width?: number; frame?: number } = {}): Buffer {
  const { first } = readBack(bytes);
  const rows = first('00280010') as number;
  const cols = first('00280011') as number;
  const spp = (first('00280002') as number) ?? 1;
  const bits = first('00280100') as number;
  const raw = first('7FE00010') as ArrayBuffer;
  const slope = Number(first('00281053') ?? 1);
  const intercept = Number(first('00281052') ?? 0);
  const wc = opts.center ?? Number(first('00281050') ?? 128);
  const ww = opts.width ?? Number(first('00281051') ?? 256);
  const frameLen = rows * cols * spp * (bits / 8);
  const off = (opts.frame ?? 0) * frameLen;
  const png = new PNG({ width: cols, height: rows });
  const view = bits === 16 ? new Uint16Array(raw, off, rows * cols) : new Uint8Array(raw, off, rows * cols * spp);
  for (let i = 0; i < rows * cols; i++) {
    if (spp === 3) {
      for (let c = 0; c < 3; c++) png.data[i * 4 + c] = view[i * 3 + c];
    } else {
      const v = bits === 16 ? view[i] * slope + intercept : view[i];
      const g = bits === 8 && opts.center === undefined ? v : Math.max(0, Math.min(255, ((v - (wc - ww / 2)) / ww) * 255));
      png.data[i * 4] = png.data[i * 4 + 1] = png.data[i * 4 + 2] = g;
    }
    png.data[i * 4 + 3] = 255;
  }
  return PNG.sync.write(png);
}

/** Several PNGs side by side (downscaled by `step`), `cols` per row: one picture to look at. */
export function montage(pngs: Buffer[], cols: number, step = 2): Buffer {
  const imgs = pngs.map((b) => PNG.sync.read(b));
  const cw = Math.max(...imgs.map((i) => Math.ceil(i.width / step)));
  const ch = Math.max(...imgs.map((i) => Math.ceil(i.height / step)));
  const rows = Math.ceil(imgs.length / cols);
  const out = new PNG({ width: cw * cols, height: ch * rows });
  out.data.fill(40);
  imgs.forEach((img, k) => {
    const ox = (k % cols) * cw;
    const oy = Math.floor(k / cols) * ch;
    for (let y = 0; y < img.height; y += step) {
      for (let x = 0; x < img.width; x += step) {
        const s = (y * img.width + x) * 4;
        const d = ((oy + y / step) * out.width + ox + x / step) * 4;
        out.data[d] = img.data[s]; out.data[d + 1] = img.data[s + 1]; out.data[d + 2] = img.data[s + 2]; out.data[d + 3] = 255;
      }
    }
  });
  return PNG.sync.write(out);
}

if (process.argv[1]?.endsWith('preview.ts')) {
  const out = process.argv[2] ?? '/tmp/gen-previews';
  const only = process.argv[3];
  mkdirSync(out, { recursive: true });
  const base = (protocolId: string, extra: Partial<GenerateRequest> = {}): GenerateRequest => ({ protocolId, seed: 7, now: new Date(2026, 10, 28, 9, 30), patient: { patientName: 'DOE^JANE', patientId: 'PL0001' }, ...extra });
  const want = (id: string) => !only || id.startsWith(only);
  const groups = new Map<string, Buffer[]>();
  const save = (group: string, name: string, png: Buffer) => {
    writeFileSync(join(out, name), png);
    groups.set(group, [...(groups.get(group) ?? []), png]);
  };
  if (want('ct-chest')) {
    const s = generateStudy(base('ct-chest', { slices: 60 }));
    for (const k of [6, 15, 24, 30, 38, 48, 55]) {
      save('ct-chest', `ct-chest-${k}-soft.png`, toPng(s.images[k].bytes, { center: 40, width: 400 }));
      save('ct-chest-lung', `ct-chest-${k}-lung.png`, toPng(s.images[k].bytes, { center: -600, width: 1500 }));
    }
  }
  if (want('ct-head')) {
    const s = generateStudy(base('ct-head', { slices: 30 }));
    for (const k of [5, 10, 14, 17, 21, 25, 28]) save('ct-head', `ct-head-${k}.png`, toPng(s.images[k].bytes, { center: 40, width: 80 }));
  }
  if (want('ct-abdomen')) {
    const s = generateStudy(base('ct-abdomen', { slices: 40 }));
    for (const k of [3, 10, 16, 22, 30, 37]) save('ct-abdomen', `ct-abdomen-${k}.png`, toPng(s.images[k].bytes, { center: 40, width: 400 }));
  }
  for (const id of ['dx-chest-pa', 'dx-chest-lat', 'dx-hand']) {
    if (!want(id)) continue;
    const s = generateStudy(base(id));
    save(id, `${id}.png`, toPng(s.images[0].bytes));
  }
  if (want('mr-brain')) {
    const s = generateStudy(base('mr-brain'));
    for (const im of s.images.filter((i) => i.instanceNumber === 11 || i.instanceNumber === 5)) save('mr-brain', `mr-brain-s${im.seriesNumber}-${im.instanceNumber}.png`, toPng(im.bytes));
  }
  if (want('mr-knee')) {
    const s = generateStudy(base('mr-knee'));
    for (const im of s.images.filter((i) => i.instanceNumber % 4 === 1)) save('mr-knee', `mr-knee-${im.instanceNumber}.png`, toPng(im.bytes));
  }
  if (want('us-abdomen')) {
    const s = generateStudy(base('us-abdomen'));
    s.images.forEach((im, i) => save('us-abdomen', `us-abdomen-${i + 1}.png`, toPng(im.bytes)));
  }
  if (want('us-cardiac')) {
    const s = generateStudy(base('us-cardiac-cine'));
    for (const f of [0, 8, 16]) save('us-cardiac', `us-cardiac-f${f}.png`, toPng(s.images[0].bytes, { frame: f }));
  }
  for (const [g, pngs] of groups) if (pngs.length > 1) writeFileSync(join(out, `${g}-montage.png`), montage(pngs, 4, pngs.length > 4 ? 2 : 1));
  console.log(`previews in ${out}`);
}
