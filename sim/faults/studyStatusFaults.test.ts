// study-unverified against the real listener and a real database: the exam arrives over real C-STORE with a
// mistyped accession and is held unverified; reconciling it with the right order (the PACS console's "Split series
// out to an order" for every series, sim/archive/corrections.ts) and verifying it passes; verifying it as it is, or
// scanning the patient again, does not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDb } from '../../prisma/testing';
import { startSandboxHarness, type SandboxHarness } from '../testing/sandboxHarness';
import { splitSeriesToOrder } from '../archive/corrections';
import { nextStudyStatus, type StudyAction } from '../archive/studyStatus';
import { acquire } from '../modality/acquire';
import { createSendJobs, runSendJob } from '../modality/sendQueue';
import { checkFault, clearFault, injectFault } from './engine';
import { mistype } from './studyStatusFaults';

let harness: SandboxHarness;
let t: TestDb;
let sandboxId: string;

beforeAll(async () => {
  harness = await startSandboxHarness();
  ({ t, sandboxId } = harness);
}, 60_000);

afterAll(async () => {
  await harness?.close();
});

type Undo = { acquisitionId: string; orderId: string; accessionNumber: string; wrongAccession: string; studyInstanceUid: string };
const failing = (r: { results: { id: string; passed: boolean }[] }) => r.results.filter((c) => !c.passed).map((c) => c.id).sort();

/** What the PACS console's status buttons do (app/sandbox/pacs/actions.ts): the one transition function, then a conditional update. */
async function studyAction(studyInstanceUid: string, action: StudyAction) {
  const study = await t.db.study.findUniqueOrThrow({ where: { sandboxId_studyInstanceUid: { sandboxId, studyInstanceUid } } });
  const next = nextStudyStatus(study.status, action);
  if (!next.ok) throw new Error(next.error);
  await t.db.study.updateMany({ where: { id: study.id, status: study.status }, data: { status: next.status } });
}

describe('mistype', () => {
  it('swaps the last two characters, or changes the last digit when they are equal', () => {
    expect(mistype('A20261128-0012')).toBe('A20261128-0021');
    expect(mistype('A1011')).toBe('A1012');
    expect(mistype('XY')).toBe('YX');
  });
});

describe('study-unverified', () => {
  it('held unverified under a typo; reconciled with the right order and verified, every check passes', async () => {
    const inj = await injectFault(t.db, sandboxId, 'study-unverified', { modalityAe: 'CT1', slices: 3 });
    const u = inj.undo as Undo;
    expect(u.wrongAccession).not.toBe(u.accessionNumber);
    // the symptom: the images arrived over C-STORE under the typo, the study is unverified, no order matches it
    const held = await t.db.study.findUniqueOrThrow({ where: { sandboxId_studyInstanceUid: { sandboxId, studyInstanceUid: u.studyInstanceUid } }, include: { series: true } });
    expect(held.status).toBe('unverified');
    expect(held.accessionNumber).toBe(u.wrongAccession);
    expect(await t.db.order.count({ where: { sandboxId, accessionNumber: u.wrongAccession } })).toBe(0);
    expect(await t.db.dimseLog.count({ where: { command: 'C-STORE-RQ', status: 0, association: { sandboxId, callingAe: 'CT1' } } })).toBeGreaterThanOrEqual(3);
    expect(failing(await checkFault(t.db, inj.id))).toEqual(['no-orphan', 'reconciled', 'verified']);

    // the fix: every series to the order, then verify
    const r = await splitSeriesToOrder(t.db, sandboxId, { seriesUids: held.series.map((s) => s.seriesInstanceUid), orderId: u.orderId, reason: 'accession typo at the scanner', actorId: null }, { archiveDir: harness.archiveDir });
    expect(r.removedStudyUid).toBe(u.studyInstanceUid);
    const reconciled = await t.db.study.findUniqueOrThrow({ where: { sandboxId_studyInstanceUid: { sandboxId, studyInstanceUid: r.studyInstanceUid } } });
    expect(reconciled.accessionNumber).toBe(u.accessionNumber);
    expect(failing(await checkFault(t.db, inj.id))).toEqual(['verified']);
    await studyAction(r.studyInstanceUid, 'verify');
    const after = await checkFault(t.db, inj.id);
    expect(after.results.map((c) => [c.id, c.passed])).toEqual([['reconciled', true], ['no-orphan', true], ['verified', true], ['sent-once', true], ['no-rescan', true]]);
    expect(after.injection.status).toBe('fixed');
    await clearFault(t.db, inj.id);
  }, 60_000);

  it('wrong fixes: verifying the study as it is, or scanning the patient again from the worklist, do not pass', async () => {
    const inj = await injectFault(t.db, sandboxId, 'study-unverified', { modalityAe: 'DX1' });
    const u = inj.undo as Undo;
    await studyAction(u.studyInstanceUid, 'verify');
    // verified, but still under the typo: no study of the order is verified, and the RIS cannot link it
    expect(failing(await checkFault(t.db, inj.id))).toEqual(['no-orphan', 'reconciled', 'verified']);

    // a second exam for the same order, sent with the right accession: a re-scan, and the typo study stays behind
    const order = await t.db.order.findUniqueOrThrow({ where: { id: u.orderId } });
    const again = await acquire(t.db, {
      sandboxId, modalityAe: 'DX1', protocolId: 'dx-chest-pa', seed: 9,
      source: { kind: 'worklist', orderId: order.id, item: { patientName: order.patientName, patientId: order.patientId, accessionNumber: order.accessionNumber, studyInstanceUid: order.studyInstanceUid } as never },
    });
    const [job] = await createSendJobs(t.db, again.id);
    expect((await runSendJob(t.db, job.id)).status).toBe('done');
    const r = await checkFault(t.db, inj.id);
    expect(failing(r)).toEqual(['no-orphan', 'no-rescan', 'reconciled', 'verified']);
    expect(r.results.find((c) => c.id === 'no-rescan')!.detail).toMatch(/re-scan/);
    await clearFault(t.db, inj.id);
  }, 60_000);
});
