// Wrong patient (fault 10) against the real listener and a real database: inject (A's exam acquired from B's
// worklist item, MPPS reported, sent over real C-STORE), see the symptom over real C-FIND, fix it through the
// functions the PACS console's actions call, and see every check pass; and wrong fixes that do not pass.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDb } from '../../prisma/testing';
import { splitSeriesToOrder } from '../archive/corrections';
import { correctDemographics, KOS_SOP_CLASS, rejectInstances } from '../archive/patientCorrections';
import { find } from '../dimse/client';
import { startSandboxHarness, type SandboxHarness } from '../testing/sandboxHarness';
import { checkFault, clearFault, injectFault } from './engine';
import { scanFromWorklist, sendExam } from './exam';

let harness: SandboxHarness;
let t: TestDb;
let sandboxId: string;
const previousArchiveDir = process.env.ARCHIVE_DIR;

beforeAll(async () => {
  harness = await startSandboxHarness();
  ({ t, sandboxId } = harness);
  // the checks read the stored files where the web app does: ARCHIVE_DIR
  process.env.ARCHIVE_DIR = harness.archiveDir;
}, 60_000);

afterAll(async () => {
  if (previousArchiveDir === undefined) delete process.env.ARCHIVE_DIR;
  else process.env.ARCHIVE_DIR = previousArchiveDir;
  await harness?.close();
});

type Person = { orderId: string; accessionNumber: string; studyUid: string; patientId: string; patientName: string };
type Undo = { a: Person; b: Person; sopInstanceUids: string[]; createdOrderIds: string[] };
const undoOf = (i: { undo: unknown }) => i.undo as Undo;
const failing = (r: { results: { id: string; passed: boolean }[] }) => r.results.filter((c) => !c.passed).map((c) => c.id).sort();
const opts = () => ({ archiveDir: harness.archiveDir });
const ALL = ['audited', 'files-agree', 'nothing-duplicated', 'under-right-patient', 'wrong-record-clean'];

async function studiesOverCFind(patientId: string) {
  const r = await find({ host: '127.0.0.1', port: harness.services.port, callingAe: 'VIEWER1', calledAe: 'PACS', timeoutMs: 10_000 }, 'study', {
    QueryRetrieveLevel: 'STUDY', PatientID: patientId, PatientName: '', StudyInstanceUID: '', AccessionNumber: '', NumberOfStudyRelatedInstances: '',
  });
  expect(r.final.category).toBe('success');
  return r.matches.map((m) => ({ uid: String(m.StudyInstanceUID), accession: String(m.AccessionNumber ?? ''), name: String(m.PatientName ?? ''), instances: Number(m.NumberOfStudyRelatedInstances) }));
}

describe('wrong-patient', () => {
  it('A\'s exam is in B\'s record; correcting the demographics and splitting to A\'s order passes every check', async () => {
    const inj = await injectFault(t.db, sandboxId, 'wrong-patient', { slices: 2 });
    const u = undoOf(inj);
    // the symptom over real DICOM: B has a study under B's accession, A has none
    expect(await studiesOverCFind(u.b.patientId)).toEqual([{ uid: u.b.studyUid, accession: u.b.accessionNumber, name: u.b.patientName, instances: 2 }]);
    expect(await studiesOverCFind(u.a.patientId)).toEqual([]);
    const first = await checkFault(t.db, inj.id);
    expect(failing(first)).toEqual(ALL);

    // the fix through the console's actions: demographics to A (safety event), then split to A's order
    const a = await t.db.order.findUniqueOrThrow({ where: { id: u.a.orderId } });
    const d = await correctDemographics(t.db, sandboxId, { studyUid: u.b.studyUid, patient: { patientId: a.patientId, patientName: a.patientName, birthDate: a.patientBirthDate, sex: a.patientSex as 'F' }, reason: 'patient A scanned from B\'s worklist entry', actorId: null }, opts());
    expect(d.removedPatientId).toBe(u.b.patientId);
    // half done: the exam is A's, but still under B's accession and study
    expect(failing(await checkFault(t.db, inj.id))).toEqual(['files-agree', 'nothing-duplicated', 'under-right-patient']);
    const series = await t.db.series.findMany({ where: { sandboxId, study: { studyInstanceUid: u.b.studyUid } }, select: { seriesInstanceUid: true } });
    await splitSeriesToOrder(t.db, sandboxId, { seriesUids: series.map((s) => s.seriesInstanceUid), orderId: u.a.orderId, reason: 'move to patient A\'s own order', actorId: null }, opts());
    expect(await studiesOverCFind(u.b.patientId)).toEqual([]);
    expect(await studiesOverCFind(u.a.patientId)).toEqual([{ uid: u.a.studyUid, accession: u.a.accessionNumber, name: u.a.patientName, instances: 2 }]);
    const after = await checkFault(t.db, inj.id);
    expect(failing(after)).toEqual([]);
    expect(after.injection.status).toBe('fixed');

    await clearFault(t.db, inj.id);
    expect(await t.db.instance.count({ where: { sopInstanceUid: { in: u.sopInstanceUids } } })).toBe(0);
    expect(await studiesOverCFind(u.a.patientId)).toEqual([]);
  }, 120_000);

  it('rejecting with 113038 and acquiring again under A\'s order passes; the rejection note stays in B\'s study', async () => {
    const inj = await injectFault(t.db, sandboxId, 'wrong-patient', { slices: 2 });
    const u = undoOf(inj);
    const r = await rejectInstances(t.db, sandboxId, { studyUid: u.b.studyUid, code: '113038', reason: 'incorrect worklist entry: patient A scanned as B', actorId: null }, opts());
    expect(r.rejected).toBe(2);
    // rejected, not yet re-sent: A has nothing
    expect(failing(await checkFault(t.db, inj.id))).toEqual(['files-agree', 'nothing-duplicated', 'under-right-patient']);
    const acq = await scanFromWorklist(t.db, sandboxId, { modalityAe: 'CT1', accessionNumber: u.a.accessionNumber, slices: 2 }, true);
    await sendExam(t.db, acq.id);
    const c = await checkFault(t.db, inj.id);
    expect(failing(c)).toEqual([]);
    // B's study holds only the rejection note
    const left = await t.db.instance.findMany({ where: { sandboxId, series: { study: { studyInstanceUid: u.b.studyUid } } }, select: { sopClassUid: true } });
    expect(left).toEqual([{ sopClassUid: KOS_SOP_CLASS }]);
    await clearFault(t.db, inj.id);
  }, 120_000);

  it('wrong fixes: the wrong code, editing only the index, or deleting the study do not pass', async () => {
    const inj = await injectFault(t.db, sandboxId, 'wrong-patient', { slices: 1 });
    const u = undoOf(inj);
    // editing only the index: B's patient row renamed to A, the study re-labelled with A's accession
    const study = await t.db.study.findUniqueOrThrow({ where: { sandboxId_studyInstanceUid: { sandboxId, studyInstanceUid: u.b.studyUid } } });
    await t.db.patient.update({ where: { id: study.patientRefId }, data: { patientId: u.a.patientId, patientName: u.a.patientName } });
    await t.db.study.update({ where: { id: study.id }, data: { accessionNumber: u.a.accessionNumber, studyInstanceUid: u.a.studyUid } });
    const r = await checkFault(t.db, inj.id);
    expect(failing(r)).toEqual(['audited', 'files-agree']);
    expect(r.results.find((x) => x.id === 'files-agree')!.detail).toMatch(/disagree with the index/);
    // deleting the study without a rejection note: the images are simply gone
    await t.db.study.delete({ where: { id: study.id } });
    expect(failing(await checkFault(t.db, inj.id))).toEqual(['audited', 'files-agree', 'nothing-duplicated', 'under-right-patient']);
    await clearFault(t.db, inj.id);

    // rejecting for quality reasons is not the wrong-worklist correction
    const inj2 = await injectFault(t.db, sandboxId, 'wrong-patient', { slices: 1 });
    const u2 = undoOf(inj2);
    await rejectInstances(t.db, sandboxId, { studyUid: u2.b.studyUid, code: '113001', reason: 'blurred', actorId: null }, opts());
    const acq = await scanFromWorklist(t.db, sandboxId, { modalityAe: 'CT1', accessionNumber: u2.a.accessionNumber, slices: 1 }, true);
    await sendExam(t.db, acq.id);
    expect(failing(await checkFault(t.db, inj2.id))).toEqual(['audited', 'under-right-patient']);
    await clearFault(t.db, inj2.id);
  }, 120_000);
});
