// Codec bench: for a generated CT series and a DX, per codec: achieved ratio (native pixel bytes / stored),
// max and mean absolute error, PSNR, and transcode time per image, next to DCMTK's dcmcjpeg / dcmcjpls on the
// same files. Prints a markdown table.
//
//   npx tsx sim/compression/codecs.bench.ts [--slices 300] [--every 1] [--no-dcmtk]
//
// --every N measures every Nth CT slice only (ratios and errors are then over that sample). Times are wall clock
// on whatever else the machine is doing; our figures include decoding nothing (native input) and writing the
// Part 10 file; DCMTK's include starting one process per file, which is how scripts use it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateStudy } from '../modality/generate';
import { syntheticImage } from './syntheticImage';
import { compareImages, decodeImage, transcode, TranscodeError, type CodecId, type DecodedImage, type TranscodeOptions } from './transcode';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const slices = arg('slices', 300);
const every = Math.max(1, arg('every', 1));
const withDcmtk = !args.includes('--no-dcmtk');

interface Run {
  label: string;
  ours?: { id: CodecId; opts?: TranscodeOptions };
  dcmtk?: { tool: string; args: string[] };
}

const RUNS: Run[] = [
  { label: 'RLE', ours: { id: 'rle' } },
  { label: 'JPEG Lossless SV1', ours: { id: 'jpeg-lossless' } },
  { label: 'JPEG-LS lossless', ours: { id: 'jpeg-ls' } },
  { label: 'JPEG 2000 lossless', ours: { id: 'j2k' } },
  { label: 'HTJ2K lossless', ours: { id: 'htj2k' } },
  { label: 'JPEG-LS near, NEAR 2', ours: { id: 'jpeg-ls-near', opts: { near: 2 } } },
  { label: 'JPEG-LS near, NEAR 5', ours: { id: 'jpeg-ls-near', opts: { near: 5 } } },
  { label: 'JPEG 2000 lossy 10:1', ours: { id: 'j2k-lossy', opts: { ratio: 10 } } },
  { label: 'JPEG 2000 lossy 20:1', ours: { id: 'j2k-lossy', opts: { ratio: 20 } } },
  { label: 'HTJ2K lossy (fixed step)', ours: { id: 'htj2k-lossy' } },
  { label: 'DCMTK dcmcjpeg +e1 (lossless SV1, .70)', dcmtk: { tool: 'dcmcjpeg', args: ['+e1'] } },
  { label: 'DCMTK dcmcjpeg +el (lossless process 14, .57)', dcmtk: { tool: 'dcmcjpeg', args: ['+el'] } },
  { label: 'DCMTK dcmcjpeg +ee +q 90 (extended, lossy)', dcmtk: { tool: 'dcmcjpeg', args: ['+ee', '+q', '90'] } },
  { label: 'DCMTK dcmcjpeg +ee +q 75 (extended, lossy)', dcmtk: { tool: 'dcmcjpeg', args: ['+ee', '+q', '75'] } },
  { label: 'DCMTK dcmcjpls (lossless)', dcmtk: { tool: 'dcmcjpls', args: [] } },
  { label: 'DCMTK dcmcjpls +en +md 2 (near-lossless)', dcmtk: { tool: 'dcmcjpls', args: ['+en', '+md', '2'] } },
];

interface Row {
  label: string;
  ratio: string;
  maxErr: string;
  meanErr: string;
  psnr: string;
  ms: string;
  note?: string;
}

function fmt(n: number, digits: number): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '∞';
}

async function measure(name: string, files: Buffer[], work: string): Promise<Row[]> {
  const originals: DecodedImage[] = [];
  for (const f of files) originals.push(await decodeImage(f));
  const rows: Row[] = [];
  for (const run of RUNS) {
    if (run.dcmtk && !withDcmtk) continue;
    let native = 0;
    let stored = 0;
    let max = 0;
    let sumAbs = 0;
    let sumSq = 0;
    let samples = 0;
    let ms = 0;
    let note: string | undefined;
    try {
      for (let i = 0; i < files.length; i++) {
        let out: Buffer;
        if (run.ours) {
          const r = await transcode(files[i], run.ours.id, run.ours.opts);
          ms += r.ms;
          out = r.bytes;
        } else {
          const inPath = join(work, 'in.dcm');
          const outPath = join(work, 'out.dcm');
          writeFileSync(inPath, files[i]);
          const t = performance.now();
          const p = spawnSync(run.dcmtk!.tool, [...run.dcmtk!.args, inPath, outPath], { encoding: 'utf8' });
          ms += performance.now() - t;
          if (p.status !== 0) throw new Error(`${run.dcmtk!.tool} failed: ${(p.stderr || p.stdout).trim().split('\n')[0]}`);
          out = readFileSync(outPath);
        }
        const decoded = await decodeImage(out);
        // in modality values: DCMTK's lossy JPEG rescales a CT's stored values and moves Rescale Intercept
        const c = await compareImages(originals[i], decoded, { space: 'modality' });
        const n = decoded.pixel.rows * decoded.pixel.columns * decoded.pixel.samplesPerPixel * decoded.pixel.numberOfFrames;
        native += (c.ratio * decoded.storedPixelBytes);
        stored += decoded.storedPixelBytes;
        max = Math.max(max, c.maxAbsError);
        sumAbs += c.meanAbsError * n;
        // PSNR over the whole set from the pooled MSE
        const mse = Number.isFinite(c.psnr) ? (2 ** Math.min(originals[i].pixel.bitsStored, 31) - 1) ** 2 / 10 ** (c.psnr / 10) : 0;
        sumSq += mse * n;
        samples += n;
      }
    } catch (e) {
      note = e instanceof TranscodeError ? `refused: ${e.message}` : (e as Error).message;
    }
    if (note) {
      rows.push({ label: run.label, ratio: '–', maxErr: '–', meanErr: '–', psnr: '–', ms: '–', note });
      continue;
    }
    const peak = 2 ** originals[0].pixel.bitsStored - 1;
    const mse = sumSq / samples;
    rows.push({
      label: run.label,
      ratio: `${(native / stored).toFixed(2)}:1`,
      maxErr: String(max),
      meanErr: fmt(sumAbs / samples, 3),
      psnr: mse === 0 ? '∞' : fmt(10 * Math.log10((peak * peak) / mse), 1),
      ms: fmt(ms / files.length, 1),
    });
    console.error(`  ${name}: ${run.label} done`);
  }
  return rows;
}

function table(title: string, rows: Row[]): string {
  const lines = [`### ${title}`, '', '| codec | ratio | max abs err | mean abs err | PSNR dB | ms/image |', '| --- | ---: | ---: | ---: | ---: | ---: |'];
  for (const r of rows) lines.push(`| ${r.label}${r.note ? ` (${r.note})` : ''} | ${r.ratio} | ${r.maxErr} | ${r.meanErr} | ${r.psnr} | ${r.ms} |`);
  return lines.join('\n');
}

const work = mkdtempSync(join(tmpdir(), 'pacslab-codecs-bench-'));
try {
  const t0 = performance.now();
  const ct = generateStudy({ protocolId: 'ct-chest', seed: 1, slices, patient: { patientName: 'BENCH^CT', patientId: 'B1' } });
  const ctFiles = ct.images.filter((_, i) => i % every === 0).map((im) => im.bytes);
  console.error(`CT: ${ct.images.length} slices generated in ${((performance.now() - t0) / 1000).toFixed(1)} s; measuring ${ctFiles.length}`);
  let dxFiles: Buffer[];
  let dxTitle: string;
  try {
    const dx = generateStudy({ protocolId: 'dx-chest-pa', seed: 1, patient: { patientName: 'BENCH^DX', patientId: 'B2' } });
    dxFiles = dx.images.map((im) => im.bytes);
    dxTitle = `DX chest PA (generated, ${dx.images.length} image)`;
  } catch (e) {
    // the DX generator is written by another helper; until it exists, a synthetic 14-bit 2048² stand-in
    dxFiles = [syntheticImage({ rows: 2048, columns: 2048, bitsStored: 14, noise: 40 })];
    dxTitle = `DX stand-in: synthetic 14-bit 2048×2048 (generateStudy dx-chest-pa failed: ${(e as Error).message})`;
  }
  const dxInfo = (await decodeImage(dxFiles[0])).pixel;
  const ctInfo = (await decodeImage(ctFiles[0])).pixel;
  const ctRows = await measure('CT', ctFiles, work);
  const dxRows = await measure('DX', dxFiles, work);
  console.log(table(`CT chest, ${ctFiles.length} of ${ct.images.length} slices, ${ctInfo.rows}×${ctInfo.columns}, ${ctInfo.bitsStored}-bit in ${ctInfo.bitsAllocated}`, ctRows));
  console.log('');
  console.log(table(`${dxTitle}, ${dxInfo.rows}×${dxInfo.columns}, ${dxInfo.bitsStored}-bit in ${dxInfo.bitsAllocated}`, dxRows));
  console.log('');
  console.log(`Ratio: native pixel bytes / stored pixel bytes. Errors in modality values (after Rescale Slope/Intercept). PSNR peak 2^BitsStored−1. Wall clock ${((performance.now() - t0) / 1000).toFixed(0)} s, Node ${process.version}.`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
