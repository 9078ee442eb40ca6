import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomJson } from './dicomJson';
import { get, sample, startHarness, stow, value, type Harness } from './testing';

let h: Harness;

const CT = { study: '1.3.6.1.4.1.5962.1.2.1.20040119072730.12322', sop: '1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322' };

beforeAll(async () => {
  h = await startHarness();
  const r = await stow(h.ctx, [sample('CT_small.dcm'), sample('MR_small.dcm'), sample('JPEG2000.dcm')]);
  expect(r.status, await r.clone().text()).toBe(200);
});

afterAll(async () => {
  await h?.close();
});

async function search(q: string): Promise<{ status: number; body: DicomJson[]; res: Response }> {
  const res = await get(h.ctx, q);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : [], res };
}

describe('QIDO-RS', () => {
  it('lists every study with the default attributes of PS3.18 Table 6.7.1-2 as DICOM JSON', async () => {
    const { status, body, res } = await search('studies');
    expect(status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/dicom+json');
    expect(body).toHaveLength(3);
    const ct = body.find((s) => value(s, '0020000D') === CT.study)!;
    expect(ct).toBeDefined();
    expect(ct['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: 'CompressedSamples^CT1' }] });
    expect(ct['00080061']).toEqual({ vr: 'CS', Value: ['CT'] });
    expect(ct['00201206']).toEqual({ vr: 'IS', Value: [1] });
    expect(ct['00201208']).toEqual({ vr: 'IS', Value: [1] });
    expect(ct['00080056']).toEqual({ vr: 'CS', Value: ['ONLINE'] });
    expect(ct['00081190']).toEqual({ vr: 'UR', Value: [`http://dicomweb.test/dicomweb/PACS/studies/${CT.study}`] });
    for (const tag of ['00080020', '00080030', '00080050', '00080090', '00100020', '00100030', '00100040', '00200010']) expect(ct[tag]?.vr).toBeTruthy();
    // keys are 8 upper-case hex digits, sorted
    expect(Object.keys(ct)).toEqual([...Object.keys(ct)].sort());
    expect(Object.keys(ct).every((k) => /^[0-9A-F]{8}$/.test(k))).toBe(true);
  });

  it('matches by keyword and by tag, with wildcards, ranges and computed keys', async () => {
    expect((await search('studies?PatientName=compressedsamples^c*')).body.map((s) => value(s, '0020000D'))).toEqual([CT.study]);
    expect((await search('studies?00100010=CompressedSamples^MR1')).body).toHaveLength(1);
    expect((await search('studies?ModalitiesInStudy=CT')).body).toHaveLength(1);
    expect((await search('studies?ModalitiesInStudy=CT,MR')).body).toHaveLength(2);
    expect((await search(`studies?StudyInstanceUID=${CT.study}`)).body).toHaveLength(1);
    const ctDate = value((await search(`studies?StudyInstanceUID=${CT.study}`)).body[0], '00080020') as string;
    expect((await search(`studies?StudyDate=${ctDate}-${ctDate}`)).body.map((s) => value(s, '0020000D'))).toContain(CT.study);
    expect((await search('studies?StudyDate=19000101-19001231')).status).toBe(204);
    expect((await search('studies?fuzzymatching=false&PatientName=*')).body).toHaveLength(3);
  });

  it('answers 204 with no body when nothing matches', async () => {
    const res = await get(h.ctx, 'studies?PatientID=nobody');
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
  });

  it('pages with limit and offset', async () => {
    const all = (await search('studies')).body.map((s) => value(s, '0020000D'));
    const p1 = (await search('studies?limit=2')).body.map((s) => value(s, '0020000D'));
    const p2 = (await search('studies?limit=2&offset=2')).body.map((s) => value(s, '0020000D'));
    expect(p1).toEqual(all.slice(0, 2));
    expect(p2).toEqual(all.slice(2));
    expect((await search('studies?offset=3')).status).toBe(204);
  });

  it('adds includefield attributes by keyword, tag or all, and warns about attributes it does not index', async () => {
    const { body, res } = await search(`studies?StudyInstanceUID=${CT.study}&includefield=IssuerOfPatientID,00080062&includefield=00080021`);
    expect(body[0]['00100021']).toEqual({ vr: 'LO' });
    expect(body[0]['00080062']).toEqual({ vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.2'] });
    expect(body[0]['00080021']).toBeUndefined();
    expect(res.headers.get('warning')).toMatch(/SeriesDate/);
    const all = (await search(`studies?StudyInstanceUID=${CT.study}&includefield=all`)).body[0];
    expect(all['00201200']).toEqual({ vr: 'IS', Value: [1] });
    expect(all['00080054']).toEqual({ vr: 'AE', Value: ['PACS'] });
  });

  it('searches series and instances in a study, and across studies (relational)', async () => {
    const series = (await search(`studies/${CT.study}/series`)).body;
    expect(series).toHaveLength(1);
    expect(value(series[0], '00080060')).toBe('CT');
    expect(value(series[0], '00201209')).toBe(1);
    const seriesUid = value(series[0], '0020000E') as string;
    const inst = (await search(`studies/${CT.study}/series/${seriesUid}/instances`)).body;
    expect(inst.map((i) => value(i, '00080018'))).toEqual([CT.sop]);
    expect(value(inst[0], '00280010')).toBe(128);
    expect(inst[0]['00081190'].Value![0]).toBe(`http://dicomweb.test/dicomweb/PACS/studies/${CT.study}/series/${seriesUid}/instances/${CT.sop}`);
    expect((await search(`studies/${CT.study}/instances`)).body.map((i) => value(i, '00080018'))).toEqual([CT.sop]);

    const allSeries = (await search('series')).body;
    expect(allSeries).toHaveLength(3);
    // relational series results carry the study attributes too
    expect(allSeries.every((s) => s['00100010'] && s['0020000D'])).toBe(true);
    expect((await search('series?Modality=MR')).body.map((s) => value(s, '00080060'))).toEqual(['MR']);
    expect((await search('series?PatientName=CompressedSamples^CT1')).body).toHaveLength(1);
    expect((await search('instances')).body).toHaveLength(3);
    expect((await search('instances?SOPClassUID=1.2.840.10008.5.1.4.1.1.2')).body.map((i) => value(i, '00080018'))).toEqual([CT.sop]);
    expect((await search('instances?limit=1&offset=1')).body).toHaveLength(1);
  });

  it.each([
    ['studies?limit=-1', /limit/],
    ['studies?offset=abc', /offset/],
    ['studies?Nonsense=1', /Nonsense/],
    ['studies?Modality=CT', /Modality.*series-level/],
    ['studies?StudyDate=2024-01-01', /StudyDate/],
    ['studies?includefield=NotAKeyword', /NotAKeyword/],
    ['studies?fuzzymatching=maybe', /fuzzymatching/],
    ['studies?PixelSpacing=1', /PixelSpacing/],
    ['studies/1.2.x/series', /not a valid UID/],
  ])('answers 400 naming the parameter: %s', async (q, message) => {
    const res = await get(h.ctx, q);
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(message);
  });
});
