// The viewer end to end: studies sent with DCMTK's storescu to the real DICOM listener, opened in the Cornerstone3D
// viewer over the archive's DICOMweb, in Chromium. Pixels are read back from the viewport's canvas: not blank, and
// changed by a window preset and by a drag; scrolling changes the image; a length measurement is plausible in mm;
// the tag inspector finds Patient's Name (0010,0010) and Study Instance UID (0020,000D).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { writeStudy } from '@/sim/modality/generate';
import { SAMPLES, asOwnStudy, storescu } from './dicom';
import { E2E } from './env';
import { shot } from './helpers';

interface CanvasStats {
  width: number;
  height: number;
  /** pixels brighter than black */
  lit: number;
  /** distinct grey values */
  greys: number;
  hash: number;
}

/** What the viewport's canvas shows now (Cornerstone draws into a 2D canvas inside the viewport element). */
async function canvasStats(page: Page, cell = 0): Promise<CanvasStats> {
  return page.evaluate((c) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`[data-testid="viewport-${c}"] canvas`);
    if (!canvas) return { width: 0, height: 0, lit: 0, greys: 0, hash: 0 };
    const ctx = canvas.getContext('2d')!;
    const { data, width, height } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let lit = 0;
    let hash = 0;
    const greys = new Set<number>();
    for (let i = 0; i < data.length; i += 4) {
      const v = data[i];
      if (v > 8) lit++;
      greys.add(v);
      hash = (hash * 31 + v + (i & 0xff)) >>> 0;
    }
    return { width, height, lit, greys: greys.size, hash };
  }, cell);
}

async function expectNotBlank(page: Page, cell = 0) {
  await expect
    .poll(async () => {
      const s = await canvasStats(page, cell);
      return s.width > 0 && s.lit > s.width * s.height * 0.02 && s.greys > 16;
    }, { timeout: 20_000, message: `viewport ${cell} shows an image` })
    .toBe(true);
}

/** The drawn canvas settles a frame after an action: wait until its pixels differ from `before`. */
async function expectPixelsChange(page: Page, before: CanvasStats, what: string) {
  await expect.poll(async () => (await canvasStats(page)).hash, { message: `${what} changes the rendered pixels` }).not.toBe(before.hash);
}

function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

async function openViewer(page: Page, study: string) {
  await page.goto(`/sandbox/viewer?study=${study}`);
  await expect(page.getByTestId('viewer')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
  await expectNotBlank(page);
}

async function inspectTag(page: Page, query: string, tag: string, value: string) {
  const box = page.getByLabel('Search the header');
  await box.fill(query);
  await expect(page.getByTestId(`tag-value-${tag}`)).toHaveText(value);
}

test('a generated CT study: image, presets, drag, scroll, length in mm, tag inspector', async ({ page }) => {
  const errors = consoleErrors(page);
  const dir = mkdtempSync(join(E2E.dir, 'viewer-ct-'));
  const patient = { patientName: 'VIEWER^CHEST', patientId: `VIEW-${Date.now().toString(36)}` };
  const ct = await writeStudy({ protocolId: 'ct-chest', seed: 1, slices: 24, patient }, join(dir, 'now'));
  // a prior of the same patient, a year older, to compare with in a 1×2 layout
  const prior = await writeStudy({ protocolId: 'ct-chest', seed: 2, slices: 6, patient, now: new Date(Date.now() - 365 * 86_400_000) }, join(dir, 'prior'));
  const sent = storescu('CT1', 'PACS', [...ct.files, ...prior.files].map((f) => f.path));
  expect(sent.status, sent.out).toBe(0);

  // the page's HTML preloads every chunk of the viewer's code (a client-only dynamic import, which Next itself does
  // not preload: issue 6, time to first image), as the build's manifest lists them
  const manifest = JSON.parse(readFileSync(join(process.env.PACSLAB_DIST_DIR || '.next', 'react-loadable-manifest.json'), 'utf8')) as Record<string, { files: string[] }>;
  const viewerFiles = Object.entries(manifest).find(([k]) => k.includes('ViewerLoader') && k.includes('viewer/Viewer'))?.[1].files.filter((f) => f.endsWith('.js')) ?? [];
  expect(viewerFiles.length).toBeGreaterThan(0);
  const html = await (await page.request.get(`/sandbox/viewer?study=${ct.studyInstanceUid}`)).text();
  const preloaded = [...html.matchAll(/<link[^>]*rel="preload"[^>]*>/g)].map((m) => /href="([^"]+)"/.exec(m[0])?.[1]);
  for (const f of viewerFiles) expect(preloaded, `preload of ${f}`).toContain(`/_next/${f}`);

  await openViewer(page, ct.studyInstanceUid);
  await expect(page.getByTestId('overlay-patient-0')).toContainText('VIEWER, CHEST');
  await expect(page.getByTestId('overlay-image-0')).toContainText('Im 1/24');
  await expect(page.getByTestId('series-thumb').first()).toBeVisible();

  // a CT preset changes the rendered pixels and the W/L overlay
  let before = await canvasStats(page);
  await page.getByRole('button', { name: 'Lung', exact: true }).click();
  await expect(page.getByTestId('overlay-wl-0')).toContainText('W 1500 / L -600');
  await expectPixelsChange(page, before, 'the lung preset');

  // a drag with the window/level tool changes them again
  before = await canvasStats(page);
  const vp = (await page.getByTestId('viewport-0').boundingBox())!;
  const cx = vp.x + vp.width / 2;
  const cy = vp.y + vp.height / 2;
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  await page.mouse.move(cx + 60, cy + 40, { steps: 8 });
  await page.mouse.up();
  await expectPixelsChange(page, before, 'a window/level drag');
  await expect(page.getByTestId('overlay-wl-0')).not.toContainText('W 1500 / L -600');

  // scrolling: the wheel, the arrow keys and the slider change the image and the slice position
  const position = await page.getByTestId('overlay-position-0').textContent();
  await page.mouse.move(cx, cy);
  await page.mouse.wheel(0, 120);
  await expect(page.getByTestId('overlay-image-0')).toContainText('Im 2/24');
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('overlay-image-0')).toContainText('Im 3/24');
  await expect(page.getByTestId('overlay-position-0')).not.toHaveText(position!);
  await page.getByTestId('slider-0').fill('11');
  await expect(page.getByTestId('overlay-image-0')).toContainText('Im 12/24');
  await expectNotBlank(page);

  // a touchpad pinch (the browser sends it as Ctrl + wheel) zooms in instead of scrolling
  const zoomText = page.getByTestId('overlay-zoom-0');
  const zoomBefore = await zoomText.textContent();
  await page.mouse.move(cx, cy);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -240);
  await page.keyboard.up('Control');
  await expect(zoomText).not.toHaveText(zoomBefore!);
  await expect(page.getByTestId('overlay-image-0')).toContainText('Im 12/24');

  // a length across a known number of screen pixels: the image (512 px, Pixel Spacing from its header) is fitted
  // to the viewport, so the expected millimetres follow from the field of view and the drawn distance
  await page.getByRole('button', { name: 'Reset' }).click();
  await page.getByRole('button', { name: 'Length' }).click();
  const spacing = Number(/\\?([0-9.]+)\]/.exec(execFileSync('dcmdump', ['-q', '+P', '0028,0030', ct.files[0].path]).toString())![1]);
  const fovMm = 512 * spacing;
  // the viewport as it is now (panels may have opened since the first look), the image fitted to it after Reset
  const box = (await page.getByTestId('viewport-0').boundingBox())!;
  const mmPerCssPx = fovMm / Math.min(box.width, box.height);
  const drawn = 200;
  await page.mouse.move(cx - drawn / 2, cy);
  await page.mouse.down();
  await page.mouse.move(cx + drawn / 2, cy, { steps: 10 });
  await page.mouse.up();
  const item = page.getByTestId('measurements').getByText(/^Length [0-9.]+ mm/);
  await expect(item).toBeVisible();
  // the panel may show the length of an earlier point of the drag for a moment: wait for the final one
  const expected = drawn * mmPerCssPx;
  await expect
    .poll(async () => Math.abs(Number(/Length ([0-9.]+) mm/.exec((await item.textContent()) ?? '')?.[1] ?? NaN) / expected - 1), { timeout: 5_000 })
    .toBeLessThan(0.15);

  // the tag inspector: the header of the image on screen
  await page.getByRole('button', { name: 'Tags' }).click();
  await expect(page.getByTestId('tag-table')).toBeVisible();
  await inspectTag(page, '0010,0010', '00100010', 'VIEWER^CHEST');
  await inspectTag(page, '(0020,000D)', '0020000D', ct.studyInstanceUid);
  await inspectTag(page, 'SeriesInstanceUID', '0020000E', ct.files[0].image.seriesInstanceUid);
  await shot(page, 'viewer-ct');
  await page.keyboard.press('Escape');
  await page.getByLabel('Search the header').blur();
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toContainText('Cine play');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);

  // 1×2: the second viewport shows the prior study of the same patient
  await page.getByRole('button', { name: 'Tags' }).click();
  await page.getByRole('button', { name: '1×2' }).click();
  await expect(page.getByTestId('overlay-patient-1')).toContainText('(prior)');
  await expect(page.getByTestId('overlay-image-1')).toContainText('Im 1/6');
  await expectNotBlank(page, 1);
  await expectNotBlank(page, 0);
  // linked scrolling: the prior follows by slice position (24 slices against 6 over the same coverage)
  await page.keyboard.press('Home');
  await page.keyboard.press('PageDown');
  await expect(page.getByTestId('overlay-image-0')).toContainText('Im 11/24');
  // positions are known once the slices are loaded: wait for both series (the thumbnails count them)
  await expect(page.locator('[data-testid="series-thumb"][data-loaded="24"]')).toHaveCount(1);
  await expect(page.locator('[data-testid="series-thumb"][data-loaded="6"]')).toHaveCount(1);
  await page.getByTestId('link-scroll').click();
  await expect(page.getByTestId('overlay-linked-1')).toBeVisible();
  await page.keyboard.press('End');
  await expect(page.getByTestId('overlay-image-0')).toContainText('Im 24/24');
  // 130 mm further down from slice 11: the prior's nearest slice is its 4th (its slices are 46 mm apart); following by
  // index would have given its last
  await expect(page.getByTestId('overlay-image-1')).toContainText('Im 4/6');
  await page.keyboard.press('Home');
  await expect(page.getByTestId('overlay-image-1')).toContainText('Im 1/6');
  await page.keyboard.press('PageDown');
  await page.keyboard.press('PageDown');
  await expect(page.getByTestId('overlay-image-0')).toContainText('Im 21/24');
  await expect(page.getByTestId('overlay-image-1')).toContainText('Im 3/6');
  await shot(page, 'viewer-ct-prior');
  await page.keyboard.press('s');
  await expect(page.getByTestId('overlay-linked-1')).toHaveCount(0);
  await page.keyboard.press('End');
  await expect(page.getByTestId('overlay-image-0')).toContainText('Im 24/24');
  await expect(page.getByTestId('overlay-image-1')).toContainText('Im 3/6');
  expect(errors).toEqual([]);
});

test('a real JPEG 2000 (lossy) CT from Debian: displays, says it is lossy, windows, inspects', async ({ page }) => {
  const errors = consoleErrors(page);
  const dir = mkdtempSync(join(E2E.dir, 'viewer-j2k-'));
  const { path, study } = asOwnStudy(dir, '693_J2KI.dcm', 'CQ500-CT-310');
  // -xw: propose JPEG 2000 (lossy), the file's own syntax, besides the uncompressed ones
  const sent = storescu('CT1', 'PACS', [path], ['-xw']);
  expect(sent.status, sent.out).toBe(0);

  await openViewer(page, study);
  // Lossy Image Compression (0028,2110) = 01, ratio (0028,2112) 338.687…
  await expect(page.getByTestId('lossy-0')).toContainText('LOSSY');
  await expect(page.getByTestId('lossy-0')).toContainText('338.7:1');

  let before = await canvasStats(page);
  await page.getByRole('button', { name: 'Brain', exact: true }).click();
  await expect(page.getByTestId('overlay-wl-0')).toContainText('W 80 / L 40');
  await expectPixelsChange(page, before, 'the brain preset');

  before = await canvasStats(page);
  const vp = (await page.getByTestId('viewport-0').boundingBox())!;
  await page.mouse.move(vp.x + vp.width / 2, vp.y + vp.height / 2);
  await page.mouse.down();
  await page.mouse.move(vp.x + vp.width / 2 - 50, vp.y + vp.height / 2 + 70, { steps: 8 });
  await page.mouse.up();
  await expectPixelsChange(page, before, 'a window/level drag');

  // an ellipse in the middle of the head gives a mean and SD in Hounsfield units
  await page.getByRole('button', { name: 'Ellipse' }).click();
  await page.mouse.move(vp.x + vp.width / 2 - 30, vp.y + vp.height / 2 - 30);
  await page.mouse.down();
  await page.mouse.move(vp.x + vp.width / 2 + 30, vp.y + vp.height / 2 + 30, { steps: 8 });
  await page.mouse.up();
  await expect(page.getByTestId('measurements')).toContainText(/Ellipse mean -?[0-9.]+ HU, SD [0-9.]+ HU/);

  await page.keyboard.press('t');
  await inspectTag(page, '00100010', '00100010', 'CQ500-CT-310');
  await inspectTag(page, '0020000d', '0020000D', study);
  await inspectTag(page, 'LossyImageCompressionRatio', '00282112', '338.687338501292');
  await shot(page, 'viewer-j2k');
  expect(errors).toEqual([]);
});

test('every compressed transfer syntax of the Debian samples displays', async ({ page }) => {
  test.setTimeout(180_000); // six studies opened one after the other: ~5 s each on a quiet machine, far more on a busy one
  const errors = consoleErrors(page);
  const dir = mkdtempSync(join(E2E.dir, 'viewer-syntaxes-'));
  mkdirSync(dir, { recursive: true });
  // each with the storescu option that proposes its own transfer syntax (the archive keeps what it receives)
  const samples: [string, string][] = [
    ['MR_small_jp2klossless.dcm', '-xv'], // JPEG 2000 lossless (.90)
    ['MR_small_jpeg_ls_lossless.dcm', '-xt'], // JPEG-LS lossless (.80)
    ['MR_small_RLE.dcm', '-xr'], // RLE lossless (.5)
    ['SC_rgb_jpeg_gdcm.dcm', '-xs'], // JPEG lossless SV1 (.70), colour
    ['JPGExtended.dcm', '-xx'], // JPEG extended 12-bit (.51)
    ['SC_rgb_jpeg_dcmtk.dcm', '-xy'], // JPEG baseline colour (.50)
  ];
  const studies = samples.map(([f, flag], k) => {
    const s = asOwnStudy(dir, f, `SYNTAX^${k + 1}`);
    const sent = storescu('CT1', 'PACS', [s.path], [flag]);
    expect(sent.status, `${f}: ${sent.out}`).toBe(0);
    return s;
  });
  for (const [k, s] of studies.entries()) {
    await openViewer(page, s.study);
    // (Next's route announcer is an alert too: look inside the viewer)
    await expect(page.getByTestId('viewer').getByRole('alert')).toHaveCount(0);
    if (k === studies.length - 1) await shot(page, 'viewer-syntaxes');
  }
  expect(errors).toEqual([]);
});

test('the viewer lists the archive’s studies; the PACS console and the reading worklist link to it', async ({ page }) => {
  storescu('CT1', 'PACS', [`${SAMPLES}/CT_small.dcm`]);
  const study = '1.3.6.1.4.1.5962.1.2.1.20040119072730.12322';
  await page.goto('/sandbox/viewer?name=CompressedSamples'); // the picker searches like the PACS console
  await expect(page.getByRole('heading', { name: 'Viewer' })).toBeVisible();
  await expect(page.getByTestId('viewer-studies')).toContainText('CompressedSamples');
  await page.goto(`/sandbox/pacs/studies/${study}`);
  await expect(page.getByRole('link', { name: 'Open in viewer' })).toHaveAttribute('href', `/sandbox/viewer?study=${study}`);
  await page.goto('/sandbox/reading');
  await expect(page.getByRole('link', { name: 'Open in viewer' }).first()).toHaveAttribute('href', /\/sandbox\/viewer\?study=/);
  await page.goto('/sandbox/viewer?study=1.2.3.4.5.6.7.8.9');
  await expect(page.getByTestId('viewer-error')).toContainText('There is no study 1.2.3.4.5.6.7.8.9');
  await page.goto('/sandbox/viewer');
  await shot(page, 'viewer-picker');
});
