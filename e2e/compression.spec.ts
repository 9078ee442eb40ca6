// The compression lab on an image stored with storescu: lossless gives back every pixel, lossy trades error for
// size, and bad requests are answered with a 4xx that says why.
import { expect, test } from '@playwright/test';
import { SAMPLES, storescu } from './dicom';
import { shot } from './helpers';

test('a stored CT image compressed losslessly (error 0) and lossy (ratio > 5, error > 0)', async ({ page }) => {
  const sent = storescu('CT1', 'PACS', [`${SAMPLES}/CT_small.dcm`]);
  expect(sent.status, sent.out).toBe(0);

  await page.goto('/sandbox/compression');
  await expect(page.getByRole('heading', { name: 'Compression lab' })).toBeVisible();
  // the shared archive holds more studies than the list shows: find the sample by name
  await page.getByRole('search', { name: 'Find a study' }).getByLabel('Patient name').fill('CompressedSamples');
  await page.getByRole('search', { name: 'Find a study' }).getByRole('button', { name: 'Find' }).click();
  await expect(page).toHaveURL(/name=CompressedSamples/);
  await page.getByTestId('lab-studies').getByRole('link', { name: /CompressedSamples.*CT/ }).first().click();
  await expect(page.getByTestId('lab-policy')).toContainText('pending primary reading');

  const codec = page.getByRole('combobox', { name: 'Codec' });
  await codec.selectOption('jpeg-ls');
  await page.getByRole('button', { name: 'Compress this image' }).click();
  const result = page.getByTestId('lab-result');
  await expect(result).toContainText('JPEG-LS lossless: lossless');
  await expect(page.getByTestId('metric-max')).toHaveText('0');
  await expect(page.getByTestId('metric-psnr')).toContainText('identical');
  expect(Number(await page.getByTestId('metric-ratio').getAttribute('data-value'))).toBeGreaterThan(1.5);
  await expect(result).toContainText('same SOP Instance UID');

  await codec.selectOption('j2k-lossy');
  await page.getByLabel('Target ratio (N:1)').fill('10');
  await page.getByRole('button', { name: 'Compress this image' }).click();
  await expect(result).toContainText('JPEG 2000 lossy: lossy');
  expect(Number(await page.getByTestId('metric-ratio').getAttribute('data-value'))).toBeGreaterThan(5);
  expect(Number(await page.getByTestId('metric-max').getAttribute('data-value'))).toBeGreaterThan(0);
  await expect(result).toContainText('new SOP Instance UID');
  for (const alt of ['Original', 'Compressed, decoded']) {
    expect(await result.getByAltText(alt).evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(100);
  }

  await page.getByRole('button', { name: 'Compare codecs' }).click();
  const sweep = page.getByTestId('lab-sweep');
  await expect(sweep.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '13', { timeout: 30_000 });
  await expect(sweep.locator('.recharts-scatter-symbol').first()).toBeVisible();
  await expect(sweep).toContainText('HTJ2K lossless');
  await shot(page, 'compression-lab');
});

test('bad requests get a 4xx with a message', async ({ request }) => {
  const bad = await request.post('/sandbox/compression/compress', { data: { instanceId: 'x', codec: 'webp' } });
  expect(bad.status()).toBe(422);
  expect((await bad.json()).details.codec.join(' ')).toMatch(/one of explicit/);
  const missing = await request.post('/sandbox/compression/compress', { data: { instanceId: 'nosuchimage', codec: 'rle' } });
  expect(missing.status()).toBe(404);
  expect((await missing.json()).error).toMatch(/No such image/);
  const notJson = await request.post('/sandbox/compression/compress', { data: 'x', headers: { 'content-type': 'text/plain' } });
  expect(notJson.status()).toBe(415);
});
