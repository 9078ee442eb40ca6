// The correction tools on a real archive: studies stored over real C-STORE, corrected with mergeStudies /
// moveSeries / splitSeriesToOrder, then checked in the index, in the stored files (corrected identifiers, the old
// values in the Original Attributes Sequence, pixel data and private tags byte-identical) and over a real C-GET
// retrieve (DCMTK getscu), which hands out the corrected files. Bad input and unsafe corrections are refused in
// words and change nothing.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDb } from '../../prisma/testing';
import { parseDatasetHeader } from '../dicom/datasetHeader';
import { splitPart10 } from '../dicom/part10';
import { store } from '../dimse/client';
import { generateStudy, type GenerateRequest } from '../modality/generate';
import { createOrder } from '../ris/orders';
import { runDcmtk } from '../testing/dcmtk';
import { startSandboxHarness, type SandboxHarness } from '../testing/sandboxHarness';
import { CorrectionError, mergeStudies, moveSeries, splitSeriesToOrder } from './corrections';
import { topLevelElements } from './rewriteHeader';

let h: SandboxHarness;
let t: TestDb;
let sandboxId: string;
const tmp = mkdtempSync(join(tmpdir(), 'pacslab-corr-'));

beforeAll(async () => {
  h = await startSandboxHarness();
  ({ t, sandboxId } = h);
}, 60_000);
afterAll(async () => {
  await h?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const patient = { patientName: 'TANAKA^YUKI', patientId: 'CORR001', patientBirthDate: '19800101', patientSex: 'F' as const };
const opts = () => ({ archiveDir: h.archiveDir });

/** Generates a CT study, adds a private block to every image, sends it over C-STORE; returns the sent files' bytes. */
async function sendStudy(req: Omit<GenerateRequest, 'protocolId' | 'slices'>, slices = 2) {
  const study = generateStudy({ protocolId: 'ct-chest', slices, ...req });
  const dir = mkdtempSync(join(tmp, 'send-'));
  const sent = new Map<string, Buffer>();
  const files = study.images.map((img, i) => {
    // a private creator and element before the pixel data: must survive every correction unchanged
    const priv = Buffer.concat([
      Buffer.from([0x09, 0x00, 0x10, 0x00, 0x4c, 0x4f, 0x08, 0x00]), Buffer.from('ACME 1.0', 'latin1'),
      Buffer.from([0x09, 0x00, 0x01, 0x10, 0x4c, 0x4f, 0x06, 0x00]), Buffer.from('SECRET', 'latin1'),
    ]);
    const p = splitPart10(img.bytes);
    // insert after the last (0008,xxxx) element: walk the top level to find where group 0009 belongs
    const els = [...topLevelElements(img.bytes).entries()];
    const before = els.filter(([tag]) => tag < 0x00090010).reduce((n, [, b]) => n + b.length, 0);
    const bytes = Buffer.concat([img.bytes.subarray(0, p.datasetOffset + before), priv, img.bytes.subarray(p.datasetOffset + before)]);
    const f = join(dir, `${i}.dcm`);
    writeFileSync(f, bytes);
    sent.set(img.sopInstanceUid, bytes);
    return f;
  });
  const r = await store({ host: '127.0.0.1', port: h.services.port, callingAe: 'CT1', calledAe: 'PACS', timeoutMs: 10_000 }, files);
  expect(r.every((x) => x.category === 'success')).toBe(true);
  return { studyUid: study.studyInstanceUid, seriesUid: study.images[0].seriesInstanceUid, sent };
}

function headerOf(bytes: Buffer) {
  const p = splitPart10(bytes);
  return parseDatasetHeader(bytes.subarray(p.datasetOffset), p.transferSyntaxUid!);
}

describe('mergeStudies', () => {
  it('moves every series into the target, rewrites each file (old values kept, pixels and private tags identical), removes the source, audits', async () => {
    const order = await createOrder(t.db, sandboxId, { ...patient, requestedProcedureDescription: 'CT CHEST', modality: 'CT', scheduledStationAeTitle: 'CT1', scheduledStartDate: '20261128', scheduledStartTime: '0900' }, { actorId: null });
    const a = await sendStudy({ seed: 1, patient, study: { studyInstanceUid: order.studyInstanceUid, accessionNumber: order.accessionNumber, studyDescription: 'CT CHEST' } });
    const b = await sendStudy({ seed: 2, patient: { ...patient, patientName: 'TANAKA^Y' } }); // re-registered: no accession, another UID
    await expect(mergeStudies(t.db, sandboxId, { sourceStudyUid: b.studyUid, targetStudyUid: a.studyUid, reason: 'x', actorId: null }, opts())).rejects.toThrow(/say why/);

    const r = await mergeStudies(t.db, sandboxId, { sourceStudyUid: b.studyUid, targetStudyUid: a.studyUid, reason: 'second half registered by hand', actorId: null }, opts());
    expect(r).toEqual({ studyInstanceUid: a.studyUid, series: 1, instances: 2, removedStudyUid: b.studyUid });
    expect(await t.db.study.count({ where: { sandboxId, studyInstanceUid: b.studyUid } })).toBe(0);
    const moved = await t.db.instance.findMany({ where: { sopInstanceUid: { in: [...b.sent.keys()] } }, include: { series: { include: { study: true } } } });
    expect(moved).toHaveLength(2);
    for (const i of moved) {
      expect(i.series.study.studyInstanceUid).toBe(a.studyUid);
      expect(i.filePath).toBe(`${sandboxId}/${a.studyUid}/${b.seriesUid}/${i.sopInstanceUid}.dcm`);
      const file = readFileSync(join(h.archiveDir, i.filePath));
      expect(BigInt(file.length)).toBe(i.fileSize);
      expect(headerOf(file)).toMatchObject({ StudyInstanceUID: a.studyUid, AccessionNumber: order.accessionNumber, PatientName: 'TANAKA^YUKI', StudyDescription: 'CT CHEST' });
      const before = topLevelElements(b.sent.get(i.sopInstanceUid)!);
      const after = topLevelElements(file);
      for (const tag of [0x7fe00010, 0x00090010, 0x00091001, 0x0020000e, 0x00080018]) expect(after.get(tag)!.equals(before.get(tag)!), tag.toString(16)).toBe(true);
      expect(after.has(0x04000561)).toBe(true);
    }
    // the old files and their emptied folders are gone from the disk
    expect(() => readdirSync(join(h.archiveDir, sandboxId, b.studyUid))).toThrow(/ENOENT/);
    const audit = await t.db.auditEvent.findFirstOrThrow({ where: { action: 'study.merge', target: `study:${a.studyUid}` } });
    expect(audit.reason).toBe('second half registered by hand');
    expect(audit.detail).toMatchObject({ from: b.studyUid, to: a.studyUid, instances: 2, previous: { StudyInstanceUID: b.studyUid, AccessionNumber: '', PatientName: 'TANAKA^Y' } });

    // a real retrieve (C-GET, DCMTK getscu) hands out the corrected files with the Original Attributes Sequence
    const out = mkdtempSync(join(tmp, 'get-'));
    const g = await runDcmtk('getscu', ['-aet', 'VIEWER1', '-aec', 'PACS', '-S', '-k', 'QueryRetrieveLevel=STUDY', '-k', `StudyInstanceUID=${a.studyUid}`, '-od', out, '127.0.0.1', String(h.services.port)], { timeoutMs: 30_000 });
    expect(g.code, g.stderr).toBe(0);
    const got = readdirSync(out).map((f) => readFileSync(join(out, f)));
    expect(got).toHaveLength(4);
    for (const f of got) expect(headerOf(f)).toMatchObject({ StudyInstanceUID: a.studyUid, AccessionNumber: order.accessionNumber });
    const dump = await runDcmtk('dcmdump', ['-M', '-q', join(out, readdirSync(out).find((f) => [...b.sent.keys()].some((u) => f.includes(u)))!)]);
    expect(dump.stdout).toMatch(/\(0400,0565\) CS \[CORRECT\]/);
    expect(dump.stdout).toContain(`(0020,000d) UI [${b.studyUid}]`);
  }, 60_000);

  it('refuses unknown studies, a merge into itself, and two patients, changing nothing', async () => {
    const x = await sendStudy({ seed: 3, patient: { patientName: 'ONE^PATIENT', patientId: 'CORR010' } }, 1);
    const y = await sendStudy({ seed: 4, patient: { patientName: 'TWO^PATIENT', patientId: 'CORR011' } }, 1);
    const err = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as CorrectionError);
    expect((await err(mergeStudies(t.db, sandboxId, { sourceStudyUid: '1.2.3', targetStudyUid: x.studyUid, reason: 'test', actorId: null }, opts())))?.message).toBe('there is no study 1.2.3 in this archive');
    expect((await err(mergeStudies(t.db, sandboxId, { sourceStudyUid: 'abc', targetStudyUid: x.studyUid, reason: 'test', actorId: null }, opts())))?.kind).toBe('invalid');
    expect((await err(mergeStudies(t.db, sandboxId, { sourceStudyUid: x.studyUid, targetStudyUid: x.studyUid, reason: 'test', actorId: null }, opts())))?.message).toMatch(/cannot be merged into itself/);
    const other = await err(mergeStudies(t.db, sandboxId, { sourceStudyUid: x.studyUid, targetStudyUid: y.studyUid, reason: 'test', actorId: null }, opts()));
    expect(other?.kind).toBe('conflict');
    expect(other?.message).toMatch(/different patients .*wrong-patient correction/);
    expect(await t.db.study.count({ where: { sandboxId, studyInstanceUid: { in: [x.studyUid, y.studyUid] } } })).toBe(2);
    const file = await t.db.instance.findFirstOrThrow({ where: { series: { seriesInstanceUid: x.seriesUid } } });
    expect(file.filePath.startsWith(`${sandboxId}/${x.studyUid}/`)).toBe(true);
    // the stored data set is still exactly what was sent (the archive writes its own File Meta Information)
    const dataset = (b: Buffer) => b.subarray(splitPart10(b).datasetOffset);
    expect(dataset(readFileSync(join(h.archiveDir, file.filePath))).equals(dataset(x.sent.get(file.sopInstanceUid)!))).toBe(true);
  }, 60_000);
});

describe('moveSeries and splitSeriesToOrder', () => {
  it('splits a series out to its order (new study from the order), then moves it back; an emptied study goes away', async () => {
    const pt = { patientName: 'SILVA^ANA', patientId: 'CORR020', patientBirthDate: '19700505', patientSex: 'F' as const };
    const chest = await createOrder(t.db, sandboxId, { ...pt, requestedProcedureDescription: 'CT CHEST', modality: 'CT', scheduledStationAeTitle: 'CT1', scheduledStartDate: '20261128', scheduledStartTime: '1000' }, { actorId: null });
    const abd = await createOrder(t.db, sandboxId, { ...pt, requestedProcedureDescription: 'CT ABDOMEN', modality: 'CT', scheduledStationAeTitle: 'CT1', scheduledStartDate: '20261128', scheduledStartTime: '1000' }, { actorId: null });
    const st = { studyInstanceUid: chest.studyInstanceUid, accessionNumber: chest.accessionNumber, studyDescription: 'CT CHEST' };
    const s1 = await sendStudy({ seed: 5, patient: pt, study: st }, 1);
    const s2 = await sendStudy({ seed: 6, patient: pt, study: st }, 1);
    expect(s1.studyUid).toBe(s2.studyUid);

    await expect(splitSeriesToOrder(t.db, sandboxId, { seriesUids: [s2.seriesUid], accessionNumber: 'NOPE', reason: 'split', actorId: null }, opts())).rejects.toThrow('there is no order NOPE in this RIS');
    await expect(splitSeriesToOrder(t.db, sandboxId, { seriesUids: ['1.2.3.4'], orderId: abd.id, reason: 'split', actorId: null }, opts())).rejects.toThrow('there is no series 1.2.3.4 in this archive');
    await expect(splitSeriesToOrder(t.db, sandboxId, { seriesUids: [s2.seriesUid], accessionNumber: chest.accessionNumber, reason: 'split', actorId: 'u1' }, opts())).rejects.toThrow(/already in the study of order/);

    const r = await splitSeriesToOrder(t.db, sandboxId, { seriesUids: [s2.seriesUid], orderId: abd.id, reason: 'abdomen under the chest order', actorId: null }, opts());
    expect(r).toEqual({ studyInstanceUid: abd.studyInstanceUid, series: 1, instances: 1, removedStudyUid: null });
    const created = await t.db.study.findUniqueOrThrow({ where: { sandboxId_studyInstanceUid: { sandboxId, studyInstanceUid: abd.studyInstanceUid } }, include: { patient: true } });
    expect(created).toMatchObject({ accessionNumber: abd.accessionNumber, studyDescription: 'CT ABDOMEN', status: 'received', patient: { patientId: 'CORR020' } });
    const inst = await t.db.instance.findFirstOrThrow({ where: { series: { seriesInstanceUid: s2.seriesUid } } });
    expect(headerOf(readFileSync(join(h.archiveDir, inst.filePath)))).toMatchObject({ StudyInstanceUID: abd.studyInstanceUid, AccessionNumber: abd.accessionNumber, StudyDescription: 'CT ABDOMEN' });
    expect((await t.db.auditEvent.findMany({ where: { action: 'study.split' } })).map((a) => a.target).sort()).toEqual([`study:${abd.studyInstanceUid}`, `study:${chest.studyInstanceUid}`].sort());

    // moving it back empties the abdomen study, which goes away
    await expect(moveSeries(t.db, sandboxId, { seriesUid: s2.seriesUid, targetStudyUid: abd.studyInstanceUid, reason: 'same place', actorId: null }, opts())).rejects.toThrow(/already in study/);
    const back = await moveSeries(t.db, sandboxId, { seriesUid: s2.seriesUid, targetStudyUid: chest.studyInstanceUid, reason: 'back to chest', actorId: null }, opts());
    expect(back.removedStudyUid).toBe(abd.studyInstanceUid);
    const again = await t.db.instance.findFirstOrThrow({ where: { series: { seriesInstanceUid: s2.seriesUid } } });
    const file = readFileSync(join(h.archiveDir, again.filePath));
    expect(headerOf(file)).toMatchObject({ StudyInstanceUID: chest.studyInstanceUid, AccessionNumber: chest.accessionNumber });
    // two corrections, two items, pixel data still the bytes that were sent
    expect(topLevelElements(file).get(0x7fe00010)!.equals(topLevelElements(s2.sent.get(again.sopInstanceUid)!).get(0x7fe00010)!)).toBe(true);
    const dump = await runDcmtk('dcmdump', ['-M', '-q', join(h.archiveDir, again.filePath)]);
    expect(dump.stdout.match(/\(0400,0565\) CS \[CORRECT\]/g)).toHaveLength(2);
  }, 60_000);

  it('refuses to remove a study that has a report', async () => {
    const pt = { patientName: 'REPORT^KEEP', patientId: 'CORR030' };
    const a = await sendStudy({ seed: 7, patient: pt }, 1);
    const b = await sendStudy({ seed: 8, patient: pt }, 1);
    const src = await t.db.study.findUniqueOrThrow({ where: { sandboxId_studyInstanceUid: { sandboxId, studyInstanceUid: b.studyUid } } });
    await t.db.report.create({ data: { sandboxId, studyRefId: src.id, studyInstanceUid: b.studyUid, authorId: 'someone', findings: 'normal' } });
    await expect(mergeStudies(t.db, sandboxId, { sourceStudyUid: b.studyUid, targetStudyUid: a.studyUid, reason: 'merge it', actorId: null }, opts())).rejects.toThrow(/already has a report/);
    expect(await t.db.report.count({ where: { studyRefId: src.id } })).toBe(1);
  }, 60_000);
});

