// Split study and merged study against the real listener and a real database: inject (the exam goes over real
// C-STORE), see the symptom over real C-FIND, fix it with the correction functions the PACS console's server
// actions call, and see every check pass; and wrong fixes (sending the exam again, deleting the second study,
// moving the series to a study without the order) that do not pass. Clean-up removes what inject stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDb } from '../../prisma/testing';
import { mergeStudies, moveSeries, splitSeriesToOrder } from '../archive/corrections';
import { find } from '../dimse/client';
import { generateStudy } from '../modality/generate';
import { store } from '../dimse/client';
import { startSandboxHarness, type SandboxHarness } from '../testing/sandboxHarness';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkFault, clearFault, injectFault } from './engine';

let harness: SandboxHarness;
let t: TestDb;
let sandboxId: string;
let port: number;
const previousArchiveDir = process.env.ARCHIVE_DIR;

beforeAll(async () => {
  harness = await startSandboxHarness();
  ({ t, sandboxId } = harness);
  port = harness.services.port;
  // the checks read the stored files where the web app does: ARCHIVE_DIR
  process.env.ARCHIVE_DIR = harness.archiveDir;
}, 60_000);

afterAll(async () => {
  if (previousArchiveDir === undefined) delete process.env.ARCHIVE_DIR;
  else process.env.ARCHIVE_DIR = previousArchiveDir;
  await harness?.close();
});

type Undo = { patientId: string; series: { seriesUid: string; accessionNumber: string; studyUid: string; orderId: string }[]; sopInstanceUids: string[]; sentStudyUids: string[]; createdOrderIds: string[] };
const undoOf = (i: { undo: unknown }) => i.undo as Undo;
const failing = (r: { results: { id: string; passed: boolean }[] }) => r.results.filter((c) => !c.passed).map((c) => c.id).sort();
const opts = () => ({ archiveDir: harness.archiveDir });

/** The studies of a patient as a viewer's C-FIND sees them (Study Root, STUDY level). */
async function studiesOverCFind(patientId: string) {
  const r = await find({ host: '127.0.0.1', port, callingAe: 'VIEWER1', calledAe: 'PACS', timeoutMs: 10_000 }, 'study', {
    QueryRetrieveLevel: 'STUDY', PatientID: patientId, StudyInstanceUID: '', AccessionNumber: '', NumberOfStudyRelatedInstances: '',
  });
  expect(r.final.category).toBe('success');
  return r.matches.map((m) => ({ uid: String(m.StudyInstanceUID), accession: String(m.AccessionNumber ?? ''), instances: Number(m.NumberOfStudyRelatedInstances) }));
}

describe('split-study', () => {
  it('two studies for one exam over C-FIND; merging the stray study into the order\'s study passes every check', async () => {
    const inj = await injectFault(t.db, sandboxId, 'split-study', { slices: 2 });
    const u = undoOf(inj);
    const order = u.series[0];
    // the symptom, over real DICOM: two studies for the patient, only one with the accession
    const before = await studiesOverCFind(u.patientId);
    expect(before).toHaveLength(2);
    expect(before.filter((s) => s.accession === order.accessionNumber)).toEqual([{ uid: order.studyUid, accession: order.accessionNumber, instances: 2 }]);
    const stray = before.find((s) => s.uid !== order.studyUid)!;
    expect(stray.accession).toBe('');
    const first = await checkFault(t.db, inj.id);
    expect(failing(first)).toEqual(['audited', 'no-stray-study', 'series-placed']);
    expect(first.results.find((r) => r.id === 'files-agree')!.passed).toBe(true);

    // the fix, through the function the console's "Merge" action calls
    const r = await mergeStudies(t.db, sandboxId, { sourceStudyUid: stray.uid, targetStudyUid: order.studyUid, reason: 'second half of the CT chest was registered by hand', actorId: null }, opts());
    expect(r).toEqual({ studyInstanceUid: order.studyUid, series: 1, instances: 2, removedStudyUid: stray.uid });
    expect(await studiesOverCFind(u.patientId)).toEqual([{ uid: order.studyUid, accession: order.accessionNumber, instances: 4 }]);
    const after = await checkFault(t.db, inj.id);
    expect(failing(after)).toEqual([]);
    expect(after.injection.status).toBe('fixed');
    expect(after.results.find((x) => x.id === 'audited')!.detail).toMatch(/registered by hand/);

    // clean-up deletes what inject stored: the study, its files and the order it booked
    await clearFault(t.db, inj.id);
    expect(await t.db.instance.count({ where: { sopInstanceUid: { in: u.sopInstanceUids } } })).toBe(0);
    expect(await t.db.study.count({ where: { sandboxId, studyInstanceUid: order.studyUid } })).toBe(0);
    expect(await t.db.order.count({ where: { id: { in: u.createdOrderIds } } })).toBe(0);
    expect(await studiesOverCFind(u.patientId)).toEqual([]);
  }, 90_000);

  it('wrong fixes: scanning again under the order doubles the images; deleting the stray study then loses them', async () => {
    const inj = await injectFault(t.db, sandboxId, 'split-study', { slices: 2 });
    const u = undoOf(inj);
    const order = await t.db.order.findUniqueOrThrow({ where: { id: u.series[0].orderId } });
    // "send everything again": a new acquisition of the whole exam under the order (new SOP Instance UIDs)
    const again = generateStudy({ protocolId: 'ct-chest', seed: 7, slices: 4, patient: { patientName: order.patientName, patientId: order.patientId }, study: { studyInstanceUid: order.studyInstanceUid, accessionNumber: order.accessionNumber } });
    const dir = mkdtempSync(join(tmpdir(), 'pacslab-resend-'));
    try {
      const files = again.images.map((img, i) => {
        const f = join(dir, `${i}.dcm`);
        writeFileSync(f, img.bytes);
        return f;
      });
      const res = await store({ host: '127.0.0.1', port, callingAe: 'CT1', calledAe: 'PACS', timeoutMs: 10_000 }, files);
      expect(res.every((x) => x.category === 'success')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(failing(await checkFault(t.db, inj.id))).toEqual(['audited', 'no-duplicates', 'no-stray-study', 'series-placed']);
    // ...and then deleting the stray study to "tidy up": its images are lost
    await t.db.study.delete({ where: { sandboxId_studyInstanceUid: { sandboxId, studyInstanceUid: u.sentStudyUids[1] } } });
    const r = await checkFault(t.db, inj.id);
    expect(failing(r)).toEqual(['audited', 'no-duplicates', 'nothing-lost', 'series-placed']);
    expect(r.results.find((x) => x.id === 'nothing-lost')!.detail).toBe('2 of 4 images are in the archive: deleting a study deletes its images');
    await clearFault(t.db, inj.id);
  }, 90_000);

  it('wrong direction: merging the order\'s study into the stray one leaves no study for the accession', async () => {
    const inj = await injectFault(t.db, sandboxId, 'split-study', { slices: 1 });
    const u = undoOf(inj);
    await mergeStudies(t.db, sandboxId, { sourceStudyUid: u.series[0].studyUid, targetStudyUid: u.sentStudyUids[1], reason: 'merge the wrong way', actorId: null }, opts());
    const r = await checkFault(t.db, inj.id);
    expect(failing(r)).toEqual(['audited', 'no-stray-study', 'series-placed']);
    await clearFault(t.db, inj.id);
    expect(await t.db.study.count({ where: { sandboxId, studyInstanceUid: { in: u.sentStudyUids } } })).toBe(0);
  }, 90_000);
});

describe('merged-study', () => {
  it('one study holds two orders\' exams; splitting the abdomen out to its order passes every check', async () => {
    const inj = await injectFault(t.db, sandboxId, 'merged-study', { slices: 2 });
    const u = undoOf(inj);
    const [chest, abdomen] = u.series;
    const before = await studiesOverCFind(u.patientId);
    expect(before).toEqual([{ uid: chest.studyUid, accession: chest.accessionNumber, instances: 4 }]);
    expect(failing(await checkFault(t.db, inj.id))).toEqual(['audited', 'series-placed']);

    const r = await splitSeriesToOrder(t.db, sandboxId, { seriesUids: [abdomen.seriesUid], accessionNumber: abdomen.accessionNumber, reason: 'abdomen acquired under the chest order', actorId: null }, opts());
    expect(r).toMatchObject({ studyInstanceUid: abdomen.studyUid, series: 1, instances: 2, removedStudyUid: null });
    const after = await studiesOverCFind(u.patientId);
    expect(after.sort((a, b) => a.accession.localeCompare(b.accession))).toEqual(
      [{ uid: chest.studyUid, accession: chest.accessionNumber, instances: 2 }, { uid: abdomen.studyUid, accession: abdomen.accessionNumber, instances: 2 }].sort((a, b) => a.accession.localeCompare(b.accession)),
    );
    const study = await t.db.study.findUniqueOrThrow({ where: { sandboxId_studyInstanceUid: { sandboxId, studyInstanceUid: abdomen.studyUid } } });
    expect(study.studyDescription).toBe('CT ABDOMEN WITH CONTRAST');
    const c = await checkFault(t.db, inj.id);
    expect(failing(c)).toEqual([]);
    expect(c.injection.status).toBe('fixed');
    await clearFault(t.db, inj.id);
    expect(await studiesOverCFind(u.patientId)).toEqual([]);
    expect(await t.db.order.count({ where: { id: { in: u.createdOrderIds } } })).toBe(0);
  }, 90_000);

  it('wrong fix: moving the abdomen series into some other study of the patient does not pass', async () => {
    const inj = await injectFault(t.db, sandboxId, 'merged-study', { slices: 1 });
    const u = undoOf(inj);
    const [chest, abdomen] = u.series;
    // first split correctly, then "undo" by moving the series back into the chest study
    await splitSeriesToOrder(t.db, sandboxId, { seriesUids: [abdomen.seriesUid], orderId: abdomen.orderId, reason: 'split', actorId: null }, opts());
    await moveSeries(t.db, sandboxId, { seriesUid: abdomen.seriesUid, targetStudyUid: chest.studyUid, reason: 'back again', actorId: null }, opts());
    const r = await checkFault(t.db, inj.id);
    expect(failing(r)).toEqual(['series-placed']);
    expect(r.results.find((x) => x.id === 'series-placed')!.detail).toMatch(/the abdomen series is in study/);
    await clearFault(t.db, inj.id);
  }, 90_000);
});
