// OHIF's DICOMweb data source against the archive (issue 3: "good enough that OHIF's DICOMweb data source pointed
// at it lists and opens studies"). The requests are OHIF v3's (extensions/default/src/DicomWebDataSource: the study
// list's query parameters as qido.js mapParams builds them, seriesInStudy's includefield, the series metadata),
// made by dicomweb-client, the library OHIF makes them with, in Chromium from a page of another origin, so the
// browser enforces CORS as for an OHIF deployed beside the archive. Each image is then fetched as Cornerstone's
// WADO-RS image loader fetches it for OHIF (same URL, same Accept), and the answer is read by that loader's own
// multipart code: the frame must be the stored one, in the transfer syntax the loader will decode it as.
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import extractMultipart from '@cornerstonejs/dicom-image-loader/wadors/extractMultipart';
import { asOwnStudy, storedFile, storescu } from './dicom';
import { E2E } from './env';

const CLIENT = join(process.cwd(), 'node_modules', 'dicomweb-client', 'build', 'dicomweb-client.js');
/** what Cornerstone's WADO-RS loader sends (dicom-image-loader imageLoader/wadors/loadImage.js) */
const CORNERSTONE_ACCEPT = 'multipart/related; type=application/octet-stream; transfer-syntax=*';

/** The samples, each sent with the storescu option that proposes its own transfer syntax (kept as received). */
const SAMPLES: { file: string; flag: string[]; syntax: string }[] = [
  { file: 'CT_small.dcm', flag: [], syntax: '1.2.840.10008.1.2.1' },
  { file: 'MR_small_jp2klossless.dcm', flag: ['-xv'], syntax: '1.2.840.10008.1.2.4.90' },
  { file: 'MR_small_jpeg_ls_lossless.dcm', flag: ['-xt'], syntax: '1.2.840.10008.1.2.4.80' },
  { file: 'MR_small_RLE.dcm', flag: ['-xr'], syntax: '1.2.840.10008.1.2.5' },
  { file: 'SC_rgb_jpeg_dcmtk.dcm', flag: ['-xy'], syntax: '1.2.840.10008.1.2.4.50' },
];

/**
 * Frame 1 of a single-frame Part 10 file in Explicit VR Little Endian, read here without any DICOM library: the
 * value of Pixel Data, or for encapsulated pixel data its fragments joined (PS3.5 A.4), the offset table skipped.
 */
function firstFrame(file: Buffer, encapsulated: boolean): Buffer {
  const tag = Buffer.from([0xe0, 0x7f, 0x10, 0x00]);
  const at = file.lastIndexOf(tag);
  expect(at, 'Pixel Data in the stored file').toBeGreaterThan(0);
  const vr = file.toString('latin1', at + 4, at + 6);
  const length = file.readUInt32LE(at + 8);
  if (!encapsulated) return file.subarray(at + 12, at + 12 + length);
  expect(length).toBe(0xffffffff);
  const parts: Buffer[] = [];
  let pos = at + 12;
  for (let item = 0; pos + 8 <= file.length; item++) {
    const [group, element, itemLength] = [file.readUInt16LE(pos), file.readUInt16LE(pos + 2), file.readUInt32LE(pos + 4)];
    pos += 8;
    if (group === 0xfffe && element === 0xe0dd) break; // sequence delimiter
    expect([group, element], `item ${item} of ${vr} pixel data`).toEqual([0xfffe, 0xe000]);
    if (item > 0) parts.push(file.subarray(pos, pos + itemLength)); // item 0: the Basic Offset Table
    pos += itemLength;
  }
  return Buffer.concat(parts);
}

interface Listed {
  studies: { uid: string; name: string; modalities: string; instances: number }[];
  byPatientId: number;
  byDateRange: number;
  series: Record<string, { uid: string; modality: string; instances: number }[]>;
  metadata: Record<string, { sop: string; seriesUid: string; tags: string[]; rows: number; columns: number }[]>;
  /** frame 1 of each study's instance, fetched as Cornerstone's loader does: status, Content-Type, body in base64 */
  frames: Record<string, { status: number; contentType: string; body: string }>;
}

test('OHIF lists the studies, their series and metadata, and gets every frame as its image loader asks', async ({ page }) => {
  test.setTimeout(120_000);
  const token = `OHIF${Date.now().toString(36).toUpperCase()}`;
  const dir = mkdtempSync(join(E2E.dir, 'ohif-'));
  const studies = SAMPLES.map((s, k) => {
    const own = asOwnStudy(dir, s.file, `${token}^${k + 1}`);
    const sent = storescu('CT1', 'PACS', [own.path], s.flag);
    expect(sent.status, `${s.file}: ${sent.out}`).toBe(0);
    return { ...s, study: own.study, patientId: own.patientId };
  });

  // OHIF served from an origin of its own (another port; on this host, as Chromium lets a page that is not a
  // secure context reach loopback only from loopback): nothing of the archive's may be read unless CORS allows it
  const ohif = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><meta charset="utf-8"><title>OHIF</title>'));
  await new Promise<void>((resolve) => ohif.listen(0, '127.0.0.1', resolve));
  let listed: Listed;
  try {
    await page.goto(`http://127.0.0.1:${(ohif.address() as AddressInfo).port}/`);
    await page.addScriptTag({ path: CLIENT });
    listed = await page.evaluate(
      async ({ url, token, patientId, accept }): Promise<Listed> => {
        type Json = Record<string, { Value?: unknown[] } | undefined>;
        const api = (window as unknown as { DICOMwebClient: { api: { DICOMwebClient: new (o: { url: string }) => Record<string, (o: unknown) => Promise<Json[]>> } } }).DICOMwebClient.api;
        const client = new api.DICOMwebClient({ url });
        const value = (j: Json, tag: string) => j[tag]?.Value?.[0];
        const text = (j: Json, tag: string) => {
          const v = value(j, tag);
          return typeof v === 'object' && v ? String((v as { Alphabetic?: string }).Alphabetic ?? '') : String(v ?? '');
        };
        // qido.js mapParams: the patient-name filter with wildcards, its limit, offset, fuzzymatching and includefield
        const includefield = '00081030,00080060,00080090,00100030';
        const page = { limit: 101, offset: 0, fuzzymatching: false, includefield };
        const found = await client.searchForStudies({ queryParams: { PatientName: `*${token}*`, ...page } });
        // the patient-ID filter goes by tag, not keyword, in mapParams; the date filter is a range
        const byId = await client.searchForStudies({ queryParams: { '00100020': `*${patientId}*`, ...page } });
        const byDate = await client.searchForStudies({ queryParams: { PatientName: `*${token}*`, StudyDate: '19700102-20991231', ...page } });
        const listed: Listed = { studies: [], byPatientId: byId.length, byDateRange: byDate.length, series: {}, metadata: {}, frames: {} };
        for (const s of found) {
          const uid = text(s, '0020000D');
          listed.studies.push({ uid, name: text(s, '00100010'), modalities: (s['00080061']?.Value ?? []).join('\\'), instances: Number(value(s, '00201208')) });
          // seriesInStudy
          const series = await client.searchForSeries({ studyInstanceUID: uid, queryParams: { includefield: '0008103E,00080021' } });
          listed.series[uid] = series.map((x) => ({ uid: text(x, '0020000E'), modality: text(x, '00080060'), instances: Number(value(x, '00201209')) }));
          listed.metadata[uid] = [];
          for (const x of listed.series[uid]) {
            const instances = await client.retrieveSeriesMetadata({ studyInstanceUID: uid, seriesInstanceUID: x.uid });
            for (const i of instances) {
              listed.metadata[uid].push({ sop: text(i, '00080018'), seriesUid: text(i, '0020000E'), tags: Object.keys(i), rows: Number(value(i, '00280010')), columns: Number(value(i, '00280011')) });
            }
          }
          // the first image, as Cornerstone's WADO-RS loader asks for it (wadors:{...}/frames/1)
          const m = listed.metadata[uid][0];
          if (!m) continue;
          const r = await fetch(`${url}/studies/${uid}/series/${m.seriesUid}/instances/${m.sop}/frames/1`, { headers: { Accept: accept } });
          const bytes = new Uint8Array(await r.arrayBuffer());
          let binary = '';
          for (let k = 0; k < bytes.length; k += 0x8000) binary += String.fromCharCode(...bytes.subarray(k, k + 0x8000));
          listed.frames[uid] = { status: r.status, contentType: r.headers.get('content-type') ?? '', body: btoa(binary) };
        }
        return listed;
      },
      { url: `${E2E.baseURL}/dicomweb/PACS`, token, patientId: studies[0].patientId, accept: CORNERSTONE_ACCEPT },
    );
  } finally {
    ohif.close();
  }

  expect(listed.studies.map((s) => s.uid).sort()).toEqual(studies.map((s) => s.study).sort());
  expect(listed.byPatientId).toBe(1);
  expect(listed.byDateRange).toBe(studies.length);
  for (const s of studies) {
    const study = listed.studies.find((x) => x.uid === s.study)!;
    expect(study.name).toMatch(new RegExp(`^${token}\\^\\d$`));
    expect(study.instances).toBe(1);
    expect(study.modalities).not.toBe('');
    expect(listed.series[s.study]).toHaveLength(1);
    expect(listed.series[s.study][0]).toMatchObject({ instances: 1, modality: study.modalities });
    const [meta] = listed.metadata[s.study];
    expect(meta.rows * meta.columns, `${s.file}: Rows × Columns`).toBeGreaterThan(0);
    // what Cornerstone needs to make an image of a frame (its WADO-RS metadata provider)
    for (const tag of ['00080016', '00080018', '00280002', '00280004', '00280010', '00280011', '00280100', '00280101', '00280103', '7FE00010']) {
      expect(meta.tags, `${s.file}: ${tag} in the metadata`).toContain(tag);
    }

    // the frame, read by Cornerstone's own multipart code
    const frame = listed.frames[s.study];
    const body = Buffer.from(frame.body, 'base64');
    expect(frame.status, `${s.file}: ${body.toString('utf8').slice(0, 300)}`).toBe(200);
    const part = extractMultipart(frame.contentType, body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer);
    // the loader decodes by the part's transfer-syntax parameter: the syntax the archive stored
    expect(/transfer-syntax=([0-9.]+)/.exec(part.contentType)?.[1], `${s.file}: ${part.contentType}`).toBe(s.syntax);
    const stored = firstFrame(storedFile(meta.sop), s.syntax !== '1.2.840.10008.1.2.1');
    expect(Buffer.compare(Buffer.from(part.pixelData as ArrayBuffer), stored), `${s.file}: frame 1 byte for byte`).toBe(0);
  }
});
