// The viewer displays every output of the transcoder (issue 10, "Done when"). A generated CT slice (12 bits in 16) is
// written in every codec of sim/compression/transcode.ts CODECS that takes it; JPEG baseline takes 8-bit samples only
// (PS3.5 8.2.1), so a generated 8-bit US image stands in for it. Each output is a study of its own, sent to the
// archive in its own transfer syntax (DCMTK's storescu proposing it; HTJ2K, which Debian 12's DCMTK 3.6.7 predates,
// with our own C-STORE SCU, byte for byte), then opened in the viewer: an image is drawn, no error overlay, no console
// error, and the lossy banner (Lossy Image Compression "01", PS3.3 C.7.6.1.1.5) shows exactly for the lossy outputs,
// naming the method (C.7.6.1.1.5.1 defined terms) and the ratio from the header. On the Node side DCMTK's dcmdump reads
// every output and dicom3tools' dciodvfy finds no error in it (HTJ2K: dcmdump only, Debian 12's dciodvfy predates it;
// sim/compression/transcode.test.ts checks the same on the pydicom samples and synthetic images).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { CODECS, transcode, TranscodeError, type CodecId, type CodecSpec } from '@/sim/compression/transcode';
import { newUid } from '@/sim/dicom/part10';
import { store } from '@/sim/dimse/client';
import { writeStudy } from '@/sim/modality/generate';
import { dcmtk, storescu } from './dicom';
import { E2E } from './env';
import { shot } from './helpers';

// ---------------------------------------------------------------------------------------------------- Node side

/**
 * The storescu option that proposes each codec's own transfer syntax (besides the uncompressed ones), so the archive
 * receives the file as written; null: DCMTK 3.6.7 does not know the syntax (HTJ2K, PS3.5 A.4.11, added in 2023).
 */
const STORESCU_PROPOSE: Record<CodecId, string | null> = {
  explicit: '-xe',
  implicit: '-xi',
  rle: '-xr',
  'jpeg-lossless': '-xs',
  'jpeg-ls': '-xt',
  'jpeg-ls-near': '-xu',
  j2k: '-xv',
  'j2k-lossy': '-xw',
  htj2k: null,
  'htj2k-rpcl': null,
  'htj2k-lossy': null,
  'jpeg-baseline': '-xy',
};

interface Input {
  name: string;
  path: string;
  instanceNumber: number;
}

interface Output {
  codec: CodecSpec;
  input: string;
  path: string;
  study: string;
  sop: string;
  instanceNumber: number;
}

interface Prepared {
  outputs: Map<CodecId, Output>;
  /** why each input was refused, per codec (e.g. JPEG baseline on 12-bit CT) */
  refusals: Map<CodecId, string[]>;
}

/** An attribute's value as dcmdump prints it (`[value]`; -Un: UIDs as numbers, not names), or undefined. */
function dumped(path: string, tag: string): string | undefined {
  const r = spawnSync('dcmdump', ['-q', '-Un', '-s', '+P', tag, path], { encoding: 'utf8' });
  return /\[([^\]]*)\]/.exec(r.stdout)?.[1];
}

/** Generates the inputs, transcodes one image per codec (each in a new study) and sends every output to PACS. */
async function prepare(): Promise<Prepared> {
  const dir = mkdtempSync(join(E2E.dir, 'codecs-viewer-'));
  const patient = { patientName: 'CODECS^VIEWER', patientId: `CODEC-${Date.now().toString(36)}` };
  const ct = await writeStudy({ protocolId: 'ct-chest', seed: 10, slices: 3, patient }, join(dir, 'ct'));
  const us = await writeStudy({ protocolId: 'us-abdomen', seed: 10, patient }, join(dir, 'us'));
  const inputs: Input[] = [
    { name: 'CT (12-bit)', path: ct.files[1].path, instanceNumber: ct.files[1].image.instanceNumber },
    { name: 'US (8-bit)', path: us.files[0].path, instanceNumber: us.files[0].image.instanceNumber },
  ];
  const outputs = new Map<CodecId, Output>();
  const refusals = new Map<CodecId, string[]>();
  for (const codec of CODECS) {
    const refused: string[] = [];
    for (const input of inputs) {
      // new Study, Series and SOP Instance UIDs before transcoding: a lossless output keeps the SOP Instance UID of
      // its source (PS3.3 C.7.6.1.1.5), so copies of one slice in several syntaxes could not coexist otherwise
      const source = join(dir, `${codec.id}-source.dcm`);
      copyFileSync(input.path, source);
      const study = newUid();
      const edit = dcmtk('dcmodify', [
        '-nb',
        ...['-m', `StudyInstanceUID=${study}`, '-m', `SeriesInstanceUID=${newUid()}`, '-m', `SOPInstanceUID=${newUid()}`],
        ...['-m', `StudyDescription=Codec ${codec.label}`, '-m', `SeriesDescription=${codec.label}`],
        source,
      ]);
      expect(edit.status, `dcmodify ${codec.id}: ${edit.out}`).toBe(0);
      let r;
      try {
        r = await transcode(readFileSync(source), codec.id);
      } catch (e) {
        // only the documented refusal (JPEG baseline on more than 8 bits) moves on to the next input
        if (e instanceof TranscodeError && e.kind === 'bit-depth') {
          refused.push(`${input.name}: ${e.message}`);
          continue;
        }
        throw e;
      }
      const path = join(dir, `${codec.id}.dcm`);
      writeFileSync(path, r.bytes);
      outputs.set(codec.id, { codec, input: input.name, path, study, sop: r.sopInstanceUid, instanceNumber: input.instanceNumber });
      break;
    }
    if (refused.length) refusals.set(codec.id, refused);
  }

  // send each output proposing its own syntax
  const htj2k: string[] = [];
  for (const o of outputs.values()) {
    const propose = STORESCU_PROPOSE[o.codec.id];
    if (propose === null) {
      htj2k.push(o.path);
      continue;
    }
    const sent = storescu('CT1', 'PACS', [o.path], [propose]);
    expect(sent.status, `storescu ${propose} ${o.codec.id}: ${sent.out}`).toBe(0);
  }
  if (htj2k.length) {
    const results = await store({ host: '127.0.0.1', port: E2E.dicomPort, callingAe: 'CT1', calledAe: 'PACS', timeoutMs: 30_000 }, htj2k);
    expect(results).toHaveLength(htj2k.length);
    for (const r of results) expect(r.category, `C-STORE ${r.file}: ${r.meaning}`).toBe('success');
  }
  return { outputs, refusals };
}

/** The files the archive wrote, by SOP Instance UID (ARCHIVE_DIR/{sandbox}/{study}/{series}/{sop}.dcm). */
function storedFiles(sops: Set<string>): Map<string, string> {
  const found = new Map<string, string>();
  for (const d of readdirSync(join(E2E.dir, 'archive'), { recursive: true, withFileTypes: true })) {
    const sop = d.name.replace(/\.dcm$/, '');
    if (d.isFile() && sops.has(sop)) found.set(sop, join(d.parentPath, d.name));
  }
  return found;
}

// ------------------------------------------------------------------------------------------------- browser side

interface CanvasStats {
  width: number;
  height: number;
  lit: number;
  greys: number;
}

/** What the viewport's canvas shows now (as e2e/viewer.spec.ts reads it). */
async function canvasStats(page: Page, cell = 0): Promise<CanvasStats> {
  return page.evaluate((c) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`[data-testid="viewport-${c}"] canvas`);
    if (!canvas) return { width: 0, height: 0, lit: 0, greys: 0 };
    const { data, width, height } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let lit = 0;
    const greys = new Set<number>();
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] > 8) lit++;
      greys.add(data[i]);
    }
    return { width, height, lit, greys: greys.size };
  }, cell);
}

async function expectNotBlank(page: Page, what: string, cell = 0) {
  await expect
    .poll(async () => {
      const s = await canvasStats(page, cell);
      return s.width > 0 && s.lit > s.width * s.height * 0.02 && s.greys > 16;
    }, { timeout: 20_000, message: `viewport ${cell} shows the ${what} image` })
    .toBe(true);
}

function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    // Cornerstone's own copy of dcmjs logs, at error level, that Pixel Data read in Implicit VR has no VR of its own
    // and is taken as OW: which is what PS3.5 A.1 says it is. A remark about a correct file, not an error.
    if (m.type() === 'error' && m.text() !== 'Invalid vr type ox - using OW') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** The ratio as the banner prints it: the first value of (0028,2112) to one decimal (Viewer.tsx lossyOf). */
function bannerRatio(path: string): string {
  const ratio = Number((dumped(path, '0028,2112') ?? '').split('\\')[0]);
  expect(ratio, `${path}: Lossy Image Compression Ratio`).toBeGreaterThan(1);
  return String(Number(ratio.toFixed(1)));
}

// ------------------------------------------------------------------------------------------------------- tests

// once per worker (a failed test restarts the worker, which prepares again with new UIDs)
let prepared: Prepared;
test.beforeAll(async () => {
  test.setTimeout(120_000);
  prepared = await prepare();
});

test('every codec has an output (JPEG baseline from the 8-bit US: it refuses 12-bit CT, saying why)', async () => {
  const { outputs, refusals } = prepared;
  expect([...outputs.keys()].sort()).toEqual(CODECS.map((c) => c.id).sort());
  expect(outputs.get('jpeg-baseline')!.input).toBe('US (8-bit)');
  expect(refusals.get('jpeg-baseline')?.join(' ')).toMatch(/CT \(12-bit\): JPEG baseline needs 8-bit samples/);
  for (const [id, o] of outputs) if (id !== 'jpeg-baseline') expect(o.input, id).toBe('CT (12-bit)');
});

test('DCMTK dcmdump reads every output; dciodvfy finds no error (not HTJ2K: Debian 12’s predates it)', async () => {
  const { outputs } = prepared;
  for (const o of outputs.values()) {
    const dump = spawnSync('dcmdump', ['-q', o.path], { encoding: 'utf8' });
    expect(dump.status, `dcmdump ${o.codec.id}: ${dump.stderr}`).toBe(0);
    expect(dump.stderr, `dcmdump ${o.codec.id}`).toBe('');
    expect(dumped(o.path, '0002,0010'), o.codec.id).toBe(o.codec.transferSyntaxUid);
    if (o.codec.id.startsWith('htj2k')) continue;
    const errors = spawnSync('dciodvfy', [o.path], { encoding: 'utf8' })
      .stderr.split('\n')
      .filter((l) => l.startsWith('Error'));
    expect(errors, `dciodvfy ${o.codec.id} (${o.input})`).toEqual([]);
  }
});

test('the archive keeps every output in its own transfer syntax', async () => {
  const { outputs } = prepared;
  const stored = storedFiles(new Set([...outputs.values()].map((o) => o.sop)));
  for (const o of outputs.values()) {
    const path = stored.get(o.sop);
    expect(path, `${o.codec.id}: stored file of ${o.sop}`).toBeTruthy();
    expect(dumped(path!, '0002,0010'), `${o.codec.id} as stored`).toBe(o.codec.transferSyntaxUid);
  }
});

// one page for all of them: the viewer's code is loaded once, as it is for a user going from study to study
test('the viewer shows every output: an image, no error, and the lossy banner exactly for the lossy ones', async ({ page }) => {
  test.setTimeout(300_000);
  const errors = consoleErrors(page);
  const { outputs } = prepared;
  for (const codec of CODECS) {
    const o = outputs.get(codec.id)!;
    await test.step(`${codec.label} (${codec.transferSyntaxUid})${codec.lossy ? `, lossy banner naming ${codec.method}` : ', no lossy banner'}`, async () => {
      await page.goto(`/sandbox/viewer?study=${o.study}`);
      await expect(page.getByTestId('viewer')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
      await expectNotBlank(page, codec.label);
      // the overlay's instance number comes from the image's own header, read in the same step as its lossy attributes
      await expect(page.getByTestId('overlay-image-0')).toContainText(`Im 1/1 (#${o.instanceNumber})`);
      // no "This image could not be shown" (Next's route announcer is an alert too: look inside the viewer)
      await expect(page.getByTestId('viewer').getByRole('alert')).toHaveCount(0);
      const banner = page.getByTestId('lossy-0');
      if (codec.lossy) {
        await expect(banner).toContainText('LOSSY COMPRESSED');
        await expect(banner).toContainText(codec.method!);
        await expect(banner).toContainText(`ratio ${bannerRatio(o.path)}:1`);
      } else {
        await expect(banner).toHaveCount(0);
      }
      await shot(page, `codec-${codec.id}`);
      expect(errors, `console errors after ${codec.id}`).toEqual([]);
    });
  }
});
