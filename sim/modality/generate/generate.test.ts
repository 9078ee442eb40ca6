import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isValidUid } from '@/sim/dicom/uid';
import { runDcmtk } from '@/sim/testing/dcmtk';
import { dxExposure } from './dx';
import { asksNoContrast, generateStudy, GenerateError, PROTOCOLS, protocolsFor, suggestProtocol, writeStudy, type GenerateRequest } from './index';
import { readBack } from './preview';

const NOW = new Date(2026, 10, 28, 9, 30, 0);
const req = (protocolId: string, extra: Partial<GenerateRequest> = {}): GenerateRequest => ({
  protocolId,
  seed: 42,
  now: NOW,
  patient: { patientName: 'DOE^JANE', patientId: 'PL0001', patientBirthDate: '19800131', patientSex: 'F' },
  study: {
    accessionNumber: 'ACC0042',
    referringPhysicianName: 'WELBY^MARCUS',
    requestedProcedureId: 'RP42',
    requestedProcedureDescription: 'Requested thing',
    scheduledProcedureStepId: 'SPS42',
    scheduledProcedureStepDescription: 'Scheduled thing',
  },
  performedProcedureStepId: 'PPS42',
  ...extra,
});
const small = (p: (typeof PROTOCOLS)[number]) => (p.modality === 'CT' ? { slices: 3 } : {});

const tmp = mkdtempSync(join(tmpdir(), 'pacslab-generate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const str = (v: unknown) => (typeof v === 'object' && v && 'Alphabetic' in v ? (v as { Alphabetic: string }).Alphabetic : String(v ?? ''));

describe('protocols', () => {
  it('covers the four modalities with unique ids', () => {
    expect(new Set(PROTOCOLS.map((p) => p.id)).size).toBe(PROTOCOLS.length);
    for (const m of ['CT', 'DX', 'MR', 'US'] as const) expect(protocolsFor(m).length).toBeGreaterThan(0);
    expect(protocolsFor('MR').every((p) => p.modality === 'MR')).toBe(true);
  });

  it('suggests the protocol a requested procedure names, with the contrast phase it asks for', () => {
    const pick = (m: Parameters<typeof suggestProtocol>[0], d: string) => suggestProtocol(m, d)?.id;
    expect(pick('CT', 'CT CHEST WITHOUT CONTRAST')).toBe('ct-chest-wo');
    expect(pick('CT', 'CT CHEST W/O CONTRAST')).toBe('ct-chest-wo');
    expect(pick('CT', 'CT CHEST WITH CONTRAST')).toBe('ct-chest');
    expect(pick('CT', 'CT THORAX WITH AND WITHOUT CONTRAST')).toBe('ct-chest');
    expect(pick('CT', 'CT HEAD WITHOUT CONTRAST')).toBe('ct-head');
    expect(pick('CT', 'CT ABDOMEN PELVIS WITH CONTRAST')).toBe('ct-abdomen');
    expect(pick('CT', 'CT ABDOMEN PELVIS WITHOUT CONTRAST')).toBe('ct-abdomen-wo');
    expect(pick('CT', 'CT KUB STONE PROTOCOL WO')).toBe('ct-abdomen-wo');
    expect(pick('CT', 'CT HEAD WITH CONTRAST')).toBe('ct-head');
    expect(pick('CT', 'CT CHEST ABDOMEN PELVIS WITH CONTRAST')).toBe('ct-chest');
    expect(pick('DX', 'XR CHEST PA AND LATERAL')).toBe('dx-chest-pa');
    expect(pick('DX', 'XR CHEST LATERAL')).toBe('dx-chest-lat');
    expect(pick('DX', 'XR LATERAL HAND')).toBe('dx-hand');
    expect(pick('MR', 'MR KNEE WITHOUT CONTRAST RIGHT')).toBe('mr-knee');
    expect(pick('MR', 'MR BRAIN WITH AND WITHOUT CONTRAST')).toBe('mr-brain');
    expect(pick('US', 'US ABDOMEN RUQ')).toBe('us-abdomen');
    expect(pick('US', 'ECHOCARDIOGRAM COMPLETE')).toBe('us-cardiac-cine');
    expect(pick('CT', 'CT KNEE')).toBeUndefined();
    expect(pick('CT', '')).toBeUndefined();
    expect(asksNoContrast('CT HEAD WO')).toBe(true);
    expect(asksNoContrast('CT HEAD W/WO')).toBe(false);
    expect(asksNoContrast('CT WORKUP CHEST')).toBe(false);
  });
});

describe('determinism', () => {
  it('same request and seed give identical bytes, UIDs included; another seed gives other bytes and UIDs', () => {
    for (const id of ['ct-chest', 'dx-hand', 'us-abdomen', 'mr-knee']) {
      const p = PROTOCOLS.find((x) => x.id === id)!;
      const a = generateStudy(req(id, small(p)));
      const b = generateStudy(req(id, small(p)));
      const c = generateStudy(req(id, { ...small(p), seed: 43 }));
      expect(a.images.length).toBe(b.images.length);
      a.images.forEach((im, i) => expect(im.bytes.equals(b.images[i].bytes), `${id} image ${i}`).toBe(true));
      expect(a.studyInstanceUid).toBe(b.studyInstanceUid);
      expect(c.studyInstanceUid).not.toBe(a.studyInstanceUid);
      expect(c.images[0].sopInstanceUid).not.toBe(a.images[0].sopInstanceUid);
      expect(c.images[0].bytes.equals(a.images[0].bytes)).toBe(false);
    }
  });

  it('keeps a given Study Instance UID and derives valid, distinct UIDs otherwise', () => {
    const given = generateStudy(req('us-abdomen', { study: { studyInstanceUid: '1.2.826.0.1.3680043.2.1125.42' } }));
    expect(given.studyInstanceUid).toBe('1.2.826.0.1.3680043.2.1125.42');
    const s = generateStudy(req('mr-brain'));
    const uids = [s.studyInstanceUid, ...s.images.map((i) => i.sopInstanceUid), ...new Set(s.images.map((i) => i.seriesInstanceUid))];
    for (const u of uids) expect(isValidUid(u), u).toBe(true);
    expect(new Set(uids).size).toBe(uids.length);
  });
});

describe('validation', () => {
  it('refuses bad requests with a clear message', () => {
    expect(() => generateStudy(req('ct-lung'))).toThrow(/unknown protocol "ct-lung"/);
    expect(() => generateStudy(req('ct-chest', { slices: 0 }))).toThrow(GenerateError);
    expect(() => generateStudy(req('ct-chest', { slices: 1001 }))).toThrow(/slices: at most 1000/);
    expect(() => generateStudy(req('dx-hand', { slices: 5 }))).toThrow(/CT protocols only/);
    expect(() => generateStudy(req('dx-hand', { seed: 1.5 }))).toThrow(/seed/);
    expect(() => generateStudy(req('dx-hand', { study: { accessionNumber: 'A'.repeat(17) } }))).toThrow(/accessionNumber: at most 16/);
    expect(() => generateStudy(req('dx-hand', { study: { studyInstanceUid: '1.02.3' } }))).toThrow(/not a valid UID/);
  });
});

describe('objects', () => {
  it('carry the common modules and the IHE Scheduled Workflow attributes', () => {
    for (const p of PROTOCOLS) {
      const s = generateStudy(req(p.id, { ...small(p), patient: { patientName: 'MÜLLER^JÜRGEN', patientId: 'PL0001' } }));
      const { first, values, meta } = readBack(s.images[0].bytes);
      expect(meta['00020010'].Value?.[0]).toBe('1.2.840.10008.1.2.1');
      expect(first('00080005')).toBe('ISO_IR 192');
      expect(str(first('00100010'))).toBe('MÜLLER^JÜRGEN'); // UTF-8 round trip
      expect(first('00080016')).toBe(s.images[0].sopClassUid);
      expect(first('00080018')).toBe(s.images[0].sopInstanceUid);
      expect(first('0020000D')).toBe(s.studyInstanceUid);
      expect(first('00080060')).toBe(p.modality);
      expect(first('00080070')).toBe('PACS Lab');
      expect(first('00081090')).toBeTruthy();
      expect(first('00081010')).toBeTruthy();
      expect(first('00080050')).toBe('ACC0042');
      expect(str(first('00080090'))).toBe('WELBY^MARCUS');
      expect(first('00400253')).toBe('PPS42');
      expect(first('00400244')).toBe('20261128');
      expect(first('00400245')).toMatch(/^\d{6}/);
      expect(first('00400254')).toBe(p.label);
      const item = values('00400275')[0] as Record<string, { Value?: unknown[] }>;
      expect(item['00401001'].Value?.[0]).toBe('RP42');
      expect(item['00400009'].Value?.[0]).toBe('SPS42');
      expect(item['00400007'].Value?.[0]).toBe('Scheduled thing');
      expect(item['00321060'].Value?.[0]).toBe('Requested thing');
      expect(item['00080050'].Value?.[0]).toBe('ACC0042');
    }
  });

  it('CT: Hounsfield rescale, positions monotonic along z, window presets, an anatomy in HU', () => {
    const s = generateStudy(req('ct-chest', { slices: 24 }));
    expect(s.images).toHaveLength(24);
    const z: number[] = [];
    for (const im of s.images) {
      const { first, values } = readBack(im.bytes);
      expect(first('00281052')).toBe(-1024);
      expect(first('00281053')).toBe(1);
      expect(first('00281054')).toBe('HU');
      expect(values('00200037')).toEqual([1, 0, 0, 0, 1, 0]);
      const pos = values('00200032') as number[];
      expect(first('00201041')).toBeCloseTo(pos[2], 6);
      z.push(pos[2]);
      expect(values('00281050').length).toBe(3);
      expect(values('00281055')).toEqual(['MEDIASTINUM', 'LUNG', 'BONE']);
      expect(first('00180060')).toBeGreaterThan(0); // KVP
      expect((first('7FE00010') as ArrayBuffer).byteLength).toBe(512 * 512 * 2);
    }
    const steps = z.slice(1).map((v, i) => z[i] - v);
    const spacing = readBack(s.images[0].bytes).first('00180088') as number;
    for (const d of steps) expect(d).toBeCloseTo(spacing, 2);
    expect(spacing).toBeGreaterThan(0);
    // a mid-chest slice: lung (about −850 HU), contrast blood and bone (≥ 700 HU)
    const mid = readBack(s.images[12].bytes);
    const px = new Uint16Array(mid.first('7FE00010') as ArrayBuffer);
    const hu = Array.from(px, (v) => v - 1024);
    const lung = hu.filter((h) => h > -900 && h < -780).length;
    const bone = hu.filter((h) => h >= 700).length;
    expect(lung).toBeGreaterThan(20_000);
    expect(bone).toBeGreaterThan(300);
  });

  it('CT without contrast: blood at its native ~40 HU, and no Contrast/Bolus module', () => {
    const enhancedBlood = (id: string) => {
      const s = generateStudy(req(id, { slices: 24 }));
      const mid = readBack(s.images[12].bytes);
      const px = new Uint16Array(mid.first('7FE00010') as ArrayBuffer);
      // contrast-filled heart chambers and aorta (~220 HU), not marrow or the table (~250) nor soft tissue (≤ ~110)
      return { count: Array.from(px).filter((v) => v - 1024 >= 195 && v - 1024 <= 232).length, agent: mid.first('00180010'), route: mid.first('00181040') };
    };
    const withContrast = enhancedBlood('ct-chest');
    const without = enhancedBlood('ct-chest-wo');
    expect(withContrast.count).toBeGreaterThan(2000);
    expect(without.count).toBeLessThan(withContrast.count / 5);
    expect(withContrast.agent).toBe('IOHEXOL 350 MGI/ML');
    expect(withContrast.route).toBe('IV');
    expect(without.agent).toBeUndefined();
    const agentOf = (id: string) => readBack(generateStudy(req(id, { slices: 3 })).images[1].bytes).first('00180010');
    expect(agentOf('ct-abdomen')).toBe('IOHEXOL 350 MGI/ML');
    expect(agentOf('ct-abdomen-wo')).toBeUndefined();
    expect(agentOf('ct-head')).toBeUndefined();
  });

  it('DX: IEC 62494-1 exposure index, target and deviation index agree; the seed sometimes misses the target', () => {
    for (const id of ['dx-chest-pa', 'dx-hand']) {
      const { first, values } = readBack(generateStudy(req(id)).images[0].bytes);
      const ei = first('00181411') as number;
      const target = first('00181412') as number;
      const di = first('00181413') as number;
      expect(Math.abs(di - 10 * Math.log10(ei / target))).toBeLessThan(0.01);
      expect(first('00080068')).toBe('FOR PRESENTATION');
      expect(first('00280101')).toBeGreaterThanOrEqual(12);
      expect(values('00181164').length).toBe(2);
      expect(first('00185101')).toBe('PA');
    }
    const dis = Array.from({ length: 200 }, (_, seed) => dxExposure(400, seed).di);
    expect(dis.some((d) => Math.abs(d) > 2)).toBe(true);
    expect(dis.filter((d) => Math.abs(d) <= 1).length).toBeGreaterThan(80);
    for (let seed = 0; seed < 200; seed++) {
      const { ei, di } = dxExposure(400, seed);
      expect(Math.abs(di - 10 * Math.log10(ei / 400))).toBeLessThan(0.006);
    }
  });

  it('MR brain: three series with different contrast; FLAIR is an inversion recovery', () => {
    const s = generateStudy(req('mr-brain'));
    const bySeries = new Map<string, typeof s.images>();
    for (const im of s.images) bySeries.set(im.seriesInstanceUid, [...(bySeries.get(im.seriesInstanceUid) ?? []), im]);
    expect(bySeries.size).toBe(3);
    const firsts = [...bySeries.values()].map((imgs) => readBack(imgs[0].bytes));
    expect(firsts.map((r) => r.first('0008103E'))).toEqual(['Ax T1 SE', 'Ax T2 TSE', 'Ax T2 FLAIR']);
    expect(new Set(firsts.map((r) => r.first('00180080'))).size).toBe(3);
    expect(firsts[2].values('00180020')).toEqual(['SE', 'IR']);
    expect(firsts[2].first('00180082')).toBeGreaterThan(0);
    for (const r of firsts) {
      expect(r.first('00280010')).toBe(256);
      expect(r.first('00280011')).toBe(256);
    }
  });

  it('US: single frames, and a cine whose NumberOfFrames matches the pixel data', () => {
    const single = generateStudy(req('us-abdomen'));
    for (const im of single.images) {
      const r = readBack(im.bytes);
      expect(im.sopClassUid).toBe('1.2.840.10008.5.1.4.1.1.6.1');
      expect(r.first('00280008')).toBeUndefined();
      expect((r.first('7FE00010') as ArrayBuffer).byteLength).toBe((r.first('00280010') as number) * (r.first('00280011') as number));
    }
    const cine = generateStudy(req('us-cardiac-cine'));
    const r = readBack(cine.images[0].bytes);
    expect(cine.images[0].sopClassUid).toBe('1.2.840.10008.5.1.4.1.1.3.1');
    const frames = Number(r.first('00280008'));
    expect(frames).toBeGreaterThanOrEqual(24);
    expect(frames).toBeLessThanOrEqual(40);
    expect((r.first('7FE00010') as ArrayBuffer).byteLength).toBe(frames * (r.first('00280010') as number) * (r.first('00280011') as number));
    expect(r.first('00280009')).toBe(0x00181063); // Frame Increment Pointer → Frame Time (AT)
    expect(r.first('00181063')).toBeGreaterThan(0);
    // frames differ (the heart beats)
    const px = new Uint8Array(r.first('7FE00010') as ArrayBuffer);
    const n = 640 * 480;
    expect(Buffer.from(px.subarray(0, n)).equals(Buffer.from(px.subarray(8 * n, 9 * n)))).toBe(false);
  });

  it('writeStudy writes one file per image, names sorting in acquisition order', async () => {
    const dir = join(tmp, 'write');
    const r = await writeStudy(req('mr-brain'), dir);
    const names = readdirSync(dir);
    expect(names).toHaveLength(60);
    expect([...names].sort()).toEqual(r.files.map((f) => f.path.slice(dir.length + 1)));
    expect(r.files[0].image).not.toHaveProperty('bytes');
  });
});

const hasDciodvfy = spawnSync('sh', ['-c', 'command -v dciodvfy']).status === 0;
if (!hasDciodvfy) console.warn('dciodvfy is not installed (Debian package dicom3tools): the IOD validation test is skipped');

describe.skipIf(!hasDciodvfy)('dciodvfy (dicom3tools) finds no error in any protocol', () => {
  for (const p of PROTOCOLS) {
    it(p.id, async () => {
      const dir = join(tmp, `v-${p.id}`);
      const r = await writeStudy(req(p.id, small(p)), dir);
      const problems: string[] = [];
      for (const f of r.files) {
        const out = spawnSync('dciodvfy', [f.path], { encoding: 'utf8' });
        const lines = `${out.stdout}\n${out.stderr}`.split('\n');
        problems.push(...lines.filter((l) => l.startsWith('Error')).map((l) => `${f.path}: ${l}`));
        const warnings = lines.filter((l) => l.startsWith('Warning'));
        if (warnings.length) console.warn(`${f.path}:\n  ${warnings.join('\n  ')}`);
      }
      expect(problems).toEqual([]);
    }, 60_000);
  }
});

describe('DCMTK', () => {
  it('dcmdump reads a generated file', async () => {
    const dir = join(tmp, 'dcmdump');
    const r = await writeStudy(req('ct-head', { slices: 1 }), dir);
    const out = await runDcmtk('dcmdump', ['+E', r.files[0].path]);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('(0028,0010) US 512');
    expect(out.stdout).toContain('CTImageStorage');
    expect(out.stderr).not.toMatch(/E:/);
  });
});
