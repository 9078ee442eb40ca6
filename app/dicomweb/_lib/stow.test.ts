import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitPart10 } from '@/sim/dicom/part10';
import type { DicomJson } from './dicomJson';
import { handleDicomWeb } from './dicomWebService';
import { STOW_SOURCE_AE } from './stow';
import { BASE, get, multipartBody, parts, sample, startHarness, stow, value, type Harness } from './testing';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

const dataset = (file: Buffer) => file.subarray(splitPart10(file).datasetOffset);
const sopOf = (file: Buffer) => splitPart10(file).meta.get(0x0003)!;

function items(body: DicomJson, tag: '00081198' | '00081199'): DicomJson[] {
  return (body[tag]?.Value ?? []) as DicomJson[];
}

describe('STOW-RS', () => {
  it('stores every instance (200), data set byte for byte, indexed, and retrievable', async () => {
    const files = [sample('CT_small.dcm'), sample('JPEG2000.dcm'), sample('SC_rgb_rle_2frame.dcm')];
    const res = await stow(h.ctx, files);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/dicom+json');
    const body = (await res.json()) as DicomJson;
    expect(body['00081198']).toBeUndefined();
    const refs = items(body, '00081199');
    expect(refs.map((r) => value(r, '00081155'))).toEqual(files.map(sopOf));
    expect(value(refs[0], '00081150')).toBe('1.2.840.10008.5.1.4.1.1.2');
    expect(String(value(refs[0], '00081190'))).toMatch(new RegExp(`^${BASE}/studies/[\\d.]+/series/[\\d.]+/instances/${sopOf(files[0]).replace(/\./g, '\\.')}$`));
    for (const f of files) {
      const row = await h.t.db.instance.findFirstOrThrow({ where: { sandboxId: h.ctx.sandboxId, sopInstanceUid: sopOf(f) } });
      expect(row.sourceAe).toBe(STOW_SOURCE_AE);
      expect(row.transferSyntaxUid).toBe(splitPart10(f).transferSyntaxUid);
      const stored = readFileSync(join(h.archiveDir, ...row.filePath.split('/')));
      // the data set is the one sent, untouched; the file meta is the archive's, as for C-STORE
      expect(Buffer.compare(dataset(stored), dataset(f))).toBe(0);
      expect(Number(row.fileSize)).toBe(stored.length);
      // and WADO-RS gives back exactly the stored file
      const [p] = await parts(await get(h.ctx, String(value(refs[files.indexOf(f)], '00081190')).slice(BASE.length + 1)));
      expect(Buffer.compare(p.body, stored)).toBe(0);
    }
  });

  it('keeps the first copy of a duplicate and answers success (DUPLICATE_POLICY=keep-first)', async () => {
    const res = await stow(h.ctx, [sample('CT_small.dcm')]);
    expect(res.status).toBe(200);
    expect(await h.t.db.instance.count({ where: { sandboxId: h.ctx.sandboxId, sopInstanceUid: sopOf(sample('CT_small.dcm')) } })).toBe(1);
  });

  it('answers 202 when some fail, listing each failure with its reason', async () => {
    const ok = sample('MR_small.dcm');
    const notPart10 = Buffer.from('this is not a DICOM file at all');
    const rtDose = sample('rtdose.dcm'); // RT Dose is not an image storage SOP class the archive takes
    const res = await stow(h.ctx, [ok, notPart10, rtDose]);
    expect(res.status).toBe(202);
    const body = (await res.json()) as DicomJson;
    expect(items(body, '00081199').map((r) => value(r, '00081155'))).toEqual([sopOf(ok)]);
    const failed = items(body, '00081198');
    expect(failed.map((f) => value(f, '00081197'))).toEqual([0xc000, 0x0122]);
    expect(value(failed[1], '00081155')).toBe(sopOf(rtDose));
    expect(res.headers.get('warning')).toMatch(/not a DICOM Part 10 file/);
  });

  it('answers 409 when all fail: quota exhausted (A700)', async () => {
    const small = await h.sandbox('quota');
    await h.t.db.sandbox.update({ where: { id: small.sandboxId }, data: { storageQuotaBytes: 1000n } });
    const res = await stow(small, [sample('CT_small.dcm')]);
    expect(res.status).toBe(409);
    expect(items((await res.json()) as DicomJson, '00081198').map((f) => value(f, '00081197'))).toEqual([0xa700]);
    expect(await h.t.db.instance.count({ where: { sandboxId: small.sandboxId } })).toBe(0);
  });

  it('refuses instances of another study when storing to studies/{study} (A900)', async () => {
    const res = await stow(h.ctx, [sample('CT_small.dcm')], 'studies/1.2.3.4.5');
    expect(res.status).toBe(409);
    const [f] = items((await res.json()) as DicomJson, '00081198');
    expect(value(f, '00081197')).toBe(0xa900);
  });

  it('answers 409 with A900 when the file meta names another SOP instance than the data set', async () => {
    const f = Buffer.from(sample('MR_small.dcm'));
    const uid = sopOf(f);
    const at = f.indexOf(Buffer.from(uid, 'latin1'));
    f.write('9', at + uid.length - 1, 'latin1'); // change the last digit of (0002,0003) only
    const res = await stow(h.ctx, [f]);
    expect(res.status).toBe(409);
    expect(items((await res.json()) as DicomJson, '00081198').map((x) => value(x, '00081197'))).toEqual([0xa900]);
  });

  const post = (headers: Record<string, string>, body: Buffer | string) =>
    handleDicomWeb(h.ctx, new Request(`${BASE}/studies`, { method: 'POST', headers, body: typeof body === 'string' ? body : new Uint8Array(body) }), ['studies']);

  it('answers 415 for a body that is not multipart/related application/dicom', async () => {
    expect((await post({ 'content-type': 'application/dicom' }, sample('CT_small.dcm'))).status).toBe(415);
    const json = await post({ 'content-type': 'multipart/related; type="application/dicom+json"; boundary=x' }, '--x--');
    expect(json.status).toBe(415);
    expect((await json.json()).error).toMatch(/application\/dicom/);
  });

  it('answers 400 for a malformed multipart body, and 413 beyond the size cap', async () => {
    const type = 'multipart/related; type="application/dicom"; boundary=test-boundary-1234';
    expect((await post({ 'content-type': 'multipart/related; type="application/dicom"' }, 'x')).status).toBe(400);
    expect((await post({ 'content-type': type }, 'no delimiter here')).status).toBe(400);
    const truncated = multipartBody([sample('CT_small.dcm')]).subarray(0, 5000);
    const r = await post({ 'content-type': type }, truncated);
    expect(r.status).toBe(400);
    expect((await r.json()).error).toMatch(/malformed/);
    expect((await post({ 'content-type': type }, '--test-boundary-1234--\r\n')).status).toBe(400);
    const capped = await handleDicomWeb(
      { ...h.ctx, maxStowBytes: 1000 },
      new Request(`${BASE}/studies`, { method: 'POST', headers: { 'content-type': type }, body: new Uint8Array(multipartBody([sample('CT_small.dcm')])) }),
      ['studies'],
    );
    expect(capped.status).toBe(413);
  });
});
