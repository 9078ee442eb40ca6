// Every fault of the catalogue against our real DICOM services on a real socket and a real database: inject it,
// see the symptom over real DICOM (the scanner's send fails with the expected error, the worklist query lacks
// the order), apply the intended fix with the functions the consoles use and see every check pass; and a wrong
// "fix" (sending everything again, re-scanning, registering by hand, discontinuing) that does not pass.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDb } from '../../prisma/testing';
import { startSandboxHarness, type SandboxHarness } from '../testing/sandboxHarness';
import { acquire, endExam } from '../modality/acquire';
import { getModalityConsole, peerFor, saveDestination } from '../modality/config';
import { createSendJobs, retrySendJob, runSendJob } from '../modality/sendQueue';
import { imagePath } from '../modality/store';
import { store } from '../dimse/client';
import { eventually } from '../testing/eventually';
import { localDicomDate, queryWorklist } from '../modality/worklist';
import { rescheduleOrder } from '../ris/orders';
import type { DicomServices } from '../startDicomServices';
import { activeFaults, checkFault, clearFault, injectFault, listFaults } from './engine';
import { saveRemoteNode, setStorageQuota } from './fixTools';

let harness: SandboxHarness;
let t: TestDb;
let services: DicomServices;
let sandboxId: string;
const today = localDicomDate(new Date());

beforeAll(async () => {
  harness = await startSandboxHarness();
  ({ t, services, sandboxId } = harness);
}, 60_000);

afterAll(async () => {
  await harness?.close();
});

type Undo = { acquisitionId: string; orderId: string | null; accessionNumber: string; destinationId?: string };
const undoOf = (i: { undo: unknown }) => i.undo as Undo;
/** The send job the injection's exam went out on (the one the student sees failed in the queue). */
const jobOf = async (u: Undo) => t.db.sendJob.findFirstOrThrow({ where: { acquisitionId: u.acquisitionId }, orderBy: { createdAt: 'asc' } });
const failing = (r: { results: { id: string; passed: boolean }[] }) => r.results.filter((c) => !c.passed).map((c) => c.id).sort();

async function archiveDest(ae: string) {
  return (await getModalityConsole(t.db, sandboxId, ae))!.destinations.find((d) => d.role === 'archive')!;
}

async function manualScan(ae: string, acqId: string) {
  const a = await t.db.acquisition.findUniqueOrThrow({ where: { id: acqId } });
  const protocolId = { CT1: 'ct-head', DX1: 'dx-chest-pa', MR1: 'mr-knee', US1: 'us-abdomen' }[ae]!;
  return acquire(t.db, { sandboxId, modalityAe: ae, source: { kind: 'manual', patient: { patientName: a.patientName, patientId: a.patientId } }, protocolId, slices: ae === 'CT1' ? 3 : undefined, seed: 2 });
}

describe('catalogue and engine', () => {
  it('lists at least the five faults of this issue, with symptom, lesson and three hints each', () => {
    const ids = listFaults().map((f) => f.id);
    expect(ids).toEqual(expect.arrayContaining(['send-wrong-port', 'send-ae-mismatch', 'send-storage-full', 'worklist-missing', 'mpps-in-progress']));
    for (const f of listFaults()) expect(f.hints).toHaveLength(3);
  });

  it('refuses an unknown fault, bad params and an unknown sandbox with a clear error, and changes nothing', async () => {
    await expect(injectFault(t.db, sandboxId, 'no-such-fault')).rejects.toThrow(/there is no fault "no-such-fault": choose one of send-wrong-port/);
    await expect(injectFault(t.db, sandboxId, 'send-wrong-port', { mode: 'sideways' })).rejects.toThrow(/send-wrong-port: mode: mode is port or host/);
    await expect(injectFault(t.db, sandboxId, 'send-wrong-port', { slices: 0 })).rejects.toThrow(/slices/);
    await expect(injectFault(t.db, 'nope', 'send-wrong-port')).rejects.toThrow(/sandbox nope does not exist/);
    await expect(checkFault(t.db, 'nope')).rejects.toThrow(/no fault injection nope/);
    expect(await t.db.faultInjection.count()).toBe(0);
  });
});

describe('send-wrong-port', () => {
  it('connection refused; fixed by correcting the port and pressing Retry: every image once', async () => {
    const inj = await injectFault(t.db, sandboxId, 'send-wrong-port', { modalityAe: 'CT1', slices: 3 }, null);
    const u = undoOf(inj);
    const job = await jobOf(u);
    expect(job.status).toBe('failed');
    expect(job.errorKind).toBe('connection-refused');
    expect(job.error).toMatch(/^Connection refused by 127\.0\.0\.1:\d+ — nothing listens on that port/);
    expect(await activeFaults(t.db, sandboxId)).toHaveLength(1);

    const before = await checkFault(t.db, inj.id);
    expect(before.passed).toBe(false);
    expect(before.injection.status).toBe('active');
    expect(failing(before)).toEqual(['destination', 'images-archived']);

    const d = await archiveDest('CT1');
    await saveDestination(t.db, sandboxId, 'CT1', { id: d.id, role: 'archive', name: d.name, aeTitle: 'PACS', host: '127.0.0.1', port: services.port });
    expect((await retrySendJob(t.db, job.id)).status).toBe('done');
    const after = await checkFault(t.db, inj.id);
    expect(after.results.map((r) => [r.id, r.passed])).toEqual([['destination', true], ['images-archived', true], ['sent-once', true], ['no-rescan', true]]);
    expect(after.injection.status).toBe('fixed');
    expect(after.injection.fixedAt).not.toBeNull();
    expect(after.injection.lastCheck).toEqual(after.results);

    const cleared = await clearFault(t.db, inj.id);
    expect(cleared.status).toBe('cleared');
    expect((await clearFault(t.db, inj.id)).clearedAt).toEqual(cleared.clearedAt); // idempotent
    const audit = await t.db.auditEvent.findMany({ where: { target: `fault:${inj.id}` }, orderBy: { at: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['fault.inject', 'fault.clear']);
    await expect(checkFault(t.db, inj.id)).rejects.toThrow(/was cleared/);
  }, 60_000);

  it('wrong fix: correcting the port but sending the exam again as a new job stores duplicates and does not pass', async () => {
    const inj = await injectFault(t.db, sandboxId, 'send-wrong-port', { modalityAe: 'CT1', mode: 'host' });
    const u = undoOf(inj);
    const job = await jobOf(u);
    expect(job.errorKind).toBe('connection-refused');
    expect(job.error).toMatch(/^Connection refused by 127\.0\.0\.2:/);
    const d = await archiveDest('CT1');
    await saveDestination(t.db, sandboxId, 'CT1', { id: d.id, role: 'archive', name: d.name, aeTitle: 'PACS', host: '127.0.0.1', port: services.port });
    // "Send" again from the acquisition, then Retry the old job too: every image goes twice
    const [again] = await createSendJobs(t.db, u.acquisitionId);
    expect((await runSendJob(t.db, again.id)).status).toBe('done');
    expect((await retrySendJob(t.db, job.id)).status).toBe('done');
    const r = await checkFault(t.db, inj.id);
    expect(failing(r)).toEqual(['sent-once']);
    expect(r.results.find((c) => c.id === 'sent-once')!.detail).toMatch(/reached the archive more than once/);
    expect(r.injection.status).toBe('active');
    await clearFault(t.db, inj.id);
  }, 60_000);
});

describe('send-wrong-port, re-sent from outside the queue', () => {
  it("wrong fix: re-sending the scanner's files with another client is caught in the archive's network log", async () => {
    const inj = await injectFault(t.db, sandboxId, 'send-wrong-port', { modalityAe: 'DX1' });
    const u = undoOf(inj);
    const job = await jobOf(u);
    expect(job.errorKind).toBe('connection-refused');
    const d = await archiveDest('DX1');
    await saveDestination(t.db, sandboxId, 'DX1', { id: d.id, role: 'archive', name: d.name, aeTitle: 'PACS', host: '127.0.0.1', port: services.port });
    expect((await retrySendJob(t.db, job.id)).status).toBe('done');
    expect((await checkFault(t.db, inj.id)).passed).toBe(true);
    // the same files once more, by a C-STORE client that is not the scanner's queue (as storescu would)
    const acq = await t.db.acquisition.findUniqueOrThrow({ where: { id: u.acquisitionId }, include: { images: true } });
    const results = await store({ host: '127.0.0.1', port: services.port, callingAe: 'DX1', calledAe: 'PACS', timeoutMs: 10_000 }, acq.images.map((i) => imagePath(acq.folder, i.file)));
    expect(results.every((r) => r.category === 'success')).toBe(true);
    const r = await eventually(async () => {
      const c = await checkFault(t.db, inj.id);
      if (!failing(c).includes('sent-once')) throw new Error('the network log has not caught up yet');
      return c;
    });
    expect(failing(r)).toEqual(['sent-once']);
    expect(r.injection.status).toBe('fixed'); // fixed stays fixed (faultState): the check records what changed since
    await clearFault(t.db, inj.id);
  }, 60_000);
});

describe('send-ae-mismatch', () => {
  it('called AE wrong → rejected with reason 7; fixed by the right AE title and Retry', async () => {
    const inj = await injectFault(t.db, sandboxId, 'send-ae-mismatch', { modalityAe: 'DX1', mode: 'called-ae' });
    const job = await jobOf(undoOf(inj));
    expect(job.errorKind).toBe('association-rejected');
    expect(job.error).toBe('Association rejected by PACS1: called AE title not recognized (permanent) — check the destination AE title (PACS1) against the PACS\'s own');
    expect(failing(await checkFault(t.db, inj.id))).toEqual(['called-ae', 'destination', 'images-archived']);
    const d = await archiveDest('DX1');
    await saveDestination(t.db, sandboxId, 'DX1', { id: d.id, role: 'archive', name: d.name, aeTitle: 'PACS', host: d.host, port: d.port });
    expect((await retrySendJob(t.db, job.id)).status).toBe('done');
    const r = await checkFault(t.db, inj.id);
    expect(failing(r)).toEqual([]);
    expect(r.injection.status).toBe('fixed');
    await clearFault(t.db, inj.id);
  }, 60_000);

  it('scanner unknown to the PACS → rejected with reason 3; re-registering it and sending everything again does not pass, Retry alone would', async () => {
    const inj = await injectFault(t.db, sandboxId, 'send-ae-mismatch', { modalityAe: 'DX1', mode: 'unregistered' });
    const u = undoOf(inj);
    const job = await jobOf(u);
    expect(job.errorKind).toBe('association-rejected');
    expect(job.error).toMatch(/^Association rejected by PACS: calling AE title not recognized \(permanent\) — check this scanner's AE title \(DX1\)/);
    expect(failing(await checkFault(t.db, inj.id))).toEqual(['images-archived', 'scanner-known']);
    await saveRemoteNode(t.db, sandboxId, { aeTitle: 'DX1', role: 'modality', host: '127.0.0.1', port: 11121, description: 'Simulated digital radiography room' }, { actorId: null, reason: 'test' });
    const [again] = await createSendJobs(t.db, u.acquisitionId);
    await runSendJob(t.db, again.id);
    await retrySendJob(t.db, job.id);
    const r = await checkFault(t.db, inj.id);
    expect(failing(r)).toEqual(['sent-once']);
    await clearFault(t.db, inj.id);
    expect(await t.db.dicomNode.count({ where: { sandboxId, aeTitle: 'DX1' } })).toBe(1);
  }, 60_000);

  it('scanner renamed in the node table (CT1 → CT01): rejected with reason 3; clear puts the node back', async () => {
    const inj = await injectFault(t.db, sandboxId, 'send-ae-mismatch', { modalityAe: 'CT1', mode: 'renamed' });
    const job = await jobOf(undoOf(inj));
    expect(job.error).toMatch(/calling AE title not recognized/);
    expect(await t.db.dicomNode.findUnique({ where: { sandboxId_aeTitle: { sandboxId, aeTitle: 'CT01' } } })).not.toBeNull();
    await clearFault(t.db, inj.id);
    expect(await t.db.dicomNode.findUnique({ where: { sandboxId_aeTitle: { sandboxId, aeTitle: 'CT01' } } })).toBeNull();
    expect(await t.db.dicomNode.findUnique({ where: { sandboxId_aeTitle: { sandboxId, aeTitle: 'CT1' } } })).not.toBeNull();
  }, 60_000);
});

describe('send-storage-full', () => {
  it('A700 on every image; fixed by raising the quota and Retry, with no re-scan', async () => {
    const inj = await injectFault(t.db, sandboxId, 'send-storage-full', { modalityAe: 'US1' });
    const job = await jobOf(undoOf(inj));
    expect(job.status).toBe('failed');
    expect(job.errorKind).toBe('dimse-failure');
    expect(job.error).toMatch(/^C-STORE failed: 0xA700 /);
    expect(failing(await checkFault(t.db, inj.id))).toEqual(['images-archived', 'space']);
    await setStorageQuota(t.db, sandboxId, 2n ** 31n, { actorId: null, reason: 'test' });
    expect((await retrySendJob(t.db, job.id)).status).toBe('done');
    const r = await checkFault(t.db, inj.id);
    expect(failing(r)).toEqual([]);
    expect(r.injection.status).toBe('fixed');
    await clearFault(t.db, inj.id);
  }, 60_000);

  it('wrong fix: raising the quota and scanning the patient again does not pass', async () => {
    const inj = await injectFault(t.db, sandboxId, 'send-storage-full', { modalityAe: 'US1' });
    const u = undoOf(inj);
    await setStorageQuota(t.db, sandboxId, 2n ** 31n, { actorId: null, reason: 'test' });
    const rescan = await manualScan('US1', u.acquisitionId);
    const [j] = await createSendJobs(t.db, rescan.id);
    expect((await runSendJob(t.db, j.id)).status).toBe('done');
    const r = await checkFault(t.db, inj.id);
    expect(failing(r)).toEqual(['images-archived', 'no-rescan']);
    await clearFault(t.db, inj.id);
    // clean-up never lowers a quota someone raised
    expect((await t.db.sandbox.findUniqueOrThrow({ where: { id: sandboxId } })).storageQuotaBytes).toBe(2n ** 31n);
  }, 60_000);
});

describe('worklist-missing', () => {
  async function ctWorklist() {
    const c = (await getModalityConsole(t.db, sandboxId, 'CT1'))!;
    return (await queryWorklist(peerFor(c.config, c.destinations.find((d) => d.role === 'worklist')!), {})).items.map((i) => i.accessionNumber);
  }

  it("the order moved to tomorrow is not on the scanner's MWL; rescheduling it to today fixes it", async () => {
    const on = await ctWorklist();
    const inj = await injectFault(t.db, sandboxId, 'worklist-missing', { modalityAe: 'CT1', mode: 'date' });
    const acc = (inj.undo as { accessionNumber: string }).accessionNumber;
    expect(on).toContain(acc);
    expect(await ctWorklist()).not.toContain(acc); // the symptom, over real C-FIND
    await expect(injectFault(t.db, sandboxId, 'worklist-missing', { modalityAe: 'CT1' })).rejects.toThrow(/worklist-missing is already active in sandbox demo \(injection .+\): clear it first/);
    expect(failing(await checkFault(t.db, inj.id))).toEqual(['on-worklist']);
    const order = await t.db.order.findFirstOrThrow({ where: { sandboxId, accessionNumber: acc } });
    expect(order.scheduledStartDate).not.toBe(today);
    await rescheduleOrder(t.db, sandboxId, acc, { scheduledStartDate: today, scheduledStartTime: order.scheduledStartTime }, { actorId: null, reason: 'test' });
    expect(await ctWorklist()).toContain(acc);
    const r = await checkFault(t.db, inj.id);
    expect(failing(r)).toEqual([]);
    expect(r.injection.status).toBe('fixed');
    await clearFault(t.db, inj.id);
  }, 60_000);

  it('wrong fixes: registering the patient by hand, or rescheduling to the wrong station, do not pass; clear puts the order back', async () => {
    const inj = await injectFault(t.db, sandboxId, 'worklist-missing', { modalityAe: 'CT1', mode: 'station' });
    const u = inj.undo as { accessionNumber: string; patientId: string; station: string };
    const order = await t.db.order.findFirstOrThrow({ where: { sandboxId, accessionNumber: u.accessionNumber } });
    expect(order.scheduledStationAeTitle).toBe('CT2');
    expect(await ctWorklist()).not.toContain(u.accessionNumber);
    await acquire(t.db, { sandboxId, modalityAe: 'CT1', source: { kind: 'manual', patient: { patientName: order.patientName, patientId: order.patientId } }, protocolId: 'ct-head', slices: 3, seed: 3 });
    await rescheduleOrder(t.db, sandboxId, u.accessionNumber, { scheduledStartDate: today, scheduledStartTime: order.scheduledStartTime, scheduledStationAeTitle: 'MR1' }, { actorId: null });
    expect(failing(await checkFault(t.db, inj.id))).toEqual(['no-hand-registration', 'on-worklist']);
    await clearFault(t.db, inj.id);
    expect(await ctWorklist()).toContain(u.accessionNumber);
  }, 60_000);
});

describe('mpps-in-progress', () => {
  it('images in but the order stuck in progress; completing the exam at the scanner (MPPS N-SET) fixes it', async () => {
    const inj = await injectFault(t.db, sandboxId, 'mpps-in-progress', { modalityAe: 'MR1' });
    const u = undoOf(inj);
    expect((await t.db.order.findUniqueOrThrow({ where: { id: u.orderId! } })).status).toBe('in-progress');
    expect(failing(await checkFault(t.db, inj.id))).toEqual(['mpps-completed', 'order-completed']);
    const ended = await endExam(t.db, u.acquisitionId, { status: 'COMPLETED' });
    expect(ended.mppsStatus).toBe('COMPLETED');
    const r = await checkFault(t.db, inj.id);
    expect(failing(r)).toEqual([]);
    expect(r.injection.status).toBe('fixed');
    await clearFault(t.db, inj.id);
  }, 60_000);

  it('wrong fix: discontinuing the step does not complete the order', async () => {
    const inj = await injectFault(t.db, sandboxId, 'mpps-in-progress', { modalityAe: 'MR1' });
    const u = undoOf(inj);
    await endExam(t.db, u.acquisitionId, { status: 'DISCONTINUED', reason: '110501' });
    const r = await checkFault(t.db, inj.id);
    expect(failing(r)).toEqual(['mpps-completed', 'order-completed']);
    expect(r.results.find((c) => c.id === 'order-completed')!.detail).toMatch(/is discontinued$/);
    await clearFault(t.db, inj.id);
    expect(await activeFaults(t.db, sandboxId)).toEqual([]);
  }, 60_000);
});
