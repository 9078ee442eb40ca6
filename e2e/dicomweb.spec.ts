// DICOMweb end to end: a study sent with DCMTK's storescu to the real DICOM listener is found by QIDO-RS,
// retrieved byte for byte by WADO-RS, rendered as a PNG, and readable from another origin (CORS for the demo).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { PNG } from 'pngjs';
import { storedFile } from './dicom';
import { E2E } from './env';

const CT_SMALL = '/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm';
const STUDY = '1.3.6.1.4.1.5962.1.2.1.20040119072730.12322';
const SOP = '1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322';

test('a study stored with storescu is found by QIDO-RS, retrieved by WADO-RS and rendered', async ({ request }) => {
  execFileSync('storescu', ['-aet', 'CT1', '-aec', 'PACS', '127.0.0.1', String(E2E.dicomPort), CT_SMALL], {
    env: { ...process.env, TCP_NODELAY: '1' },
    timeout: 30_000,
  });

  const qido = await request.get(`/dicomweb/PACS/studies?PatientName=CompressedSamples*&includefield=00081030`);
  expect(qido.status()).toBe(200);
  expect(qido.headers()['content-type']).toBe('application/dicom+json');
  expect(qido.headers()['access-control-allow-origin']).toBe('*');
  const studies = (await qido.json()) as Record<string, { Value?: unknown[] }>[];
  const study = studies.find((s) => s['0020000D']?.Value?.[0] === STUDY)!;
  expect(study['00100010'].Value).toEqual([{ Alphabetic: 'CompressedSamples^CT1' }]);
  expect(study['00080061'].Value).toEqual(['CT']);

  const series = (await (await request.get(`/dicomweb/PACS/studies/${STUDY}/series`)).json()) as Record<string, { Value?: unknown[] }>[];
  const seriesUid = String(series[0]['0020000E'].Value![0]);
  const instanceUrl = `/dicomweb/PACS/studies/${STUDY}/series/${seriesUid}/instances/${SOP}`;

  const wado = await request.get(instanceUrl, { headers: { accept: 'multipart/related; type="application/dicom"; transfer-syntax=*' } });
  expect(wado.status()).toBe(200);
  const contentType = wado.headers()['content-type'];
  const boundary = /boundary=([^;]+)/.exec(contentType)![1];
  const body = await wado.body();
  const start = body.indexOf('\r\n\r\n') + 4;
  const end = body.indexOf(`\r\n--${boundary}--`);
  const file = body.subarray(start, end);
  // WADO-RS sends the stored file byte for byte (storescu re-encodes what it sends, so compare with the archive's file)
  expect(Buffer.compare(file, storedFile(SOP))).toBe(0);
  // and DCMTK reads it as the CT image that was sent
  const tmp = join(E2E.dir, 'wado-retrieved.dcm');
  writeFileSync(tmp, file);
  expect(execFileSync('dcmdump', ['-q', '+P', '0010,0010', tmp]).toString()).toContain('CompressedSamples^CT1');

  const metadata = await request.get(`/dicomweb/PACS/studies/${STUDY}/series/${seriesUid}/metadata`);
  expect(metadata.status()).toBe(200);
  const [meta] = (await metadata.json()) as Record<string, { Value?: unknown[]; BulkDataURI?: string }>[];
  expect(meta['00280010'].Value).toEqual([128]);
  expect(meta['7FE00010'].BulkDataURI).toContain(`${instanceUrl}/bulkdata/7FE00010`);

  const frame = await request.get(`${instanceUrl}/frames/1`, { headers: { accept: 'multipart/related; type=application/octet-stream; transfer-syntax=*' } });
  expect(frame.status()).toBe(200);
  expect((await frame.body()).length).toBeGreaterThan(128 * 128 * 2);

  const rendered = await request.get(`${instanceUrl}/rendered`, { headers: { accept: 'image/png' } });
  expect(rendered.status()).toBe(200);
  expect(rendered.headers()['content-type']).toBe('image/png');
  const png = PNG.sync.read(await rendered.body());
  expect([png.width, png.height]).toEqual([128, 128]);
  const greys = new Set(png.data.filter((_, i) => i % 4 === 0));
  expect(greys.size).toBeGreaterThan(20);
});

test('the demo answers a CORS preflight; an unknown AE is a 404 with a message', async ({ request }) => {
  const pre = await request.fetch('/dicomweb/PACS/studies', {
    method: 'OPTIONS',
    headers: { origin: 'http://ohif.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'accept' },
  });
  expect(pre.status()).toBe(204);
  expect(pre.headers()['access-control-allow-origin']).toBe('*');
  expect(pre.headers()['access-control-allow-headers']).toMatch(/Accept/i);
  const unknown = await request.get('/dicomweb/NOSUCHAE/studies');
  expect(unknown.status()).toBe(404);
  expect((await unknown.json()).error).toMatch(/No archive with AE title "NOSUCHAE"/);
});
