// pacs-offline and network-stall against the real listener on a real socket and a real database: inject, see the
// symptom over real DICOM (the scanner's send is rejected / times out, DCMTK's echoscu is rejected too, the RIS
// still answers), fix with the functions the consoles' actions call (startArchive; the send queue's Retry), see
// every check pass; and a wrong fix (sending the whole exam again) that does not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDb } from '../../prisma/testing';
import { startSandboxHarness, type SandboxHarness } from '../testing/sandboxHarness';
import { archiveServiceState, startArchive, stopArchive } from '../archive/archiveService';
import { getModalityConsole, peerFor } from '../modality/config';
import { createSendJobs, retrySendJob, runSendJob } from '../modality/sendQueue';
import { queryWorklist } from '../modality/worklist';
import { eventually } from '../testing/eventually';
import { runDcmtk } from '../testing/dcmtk';
import type { DicomServices } from '../startDicomServices';
import { checkFault, clearFault, injectFault } from './engine';

let harness: SandboxHarness;
let t: TestDb;
let services: DicomServices;
let sandboxId: string;

beforeAll(async () => {
  harness = await startSandboxHarness();
  ({ t, services, sandboxId } = harness);
}, 60_000);

afterAll(async () => {
  await harness?.close();
});

type Undo = { acquisitionId: string };
const jobOf = async (u: Undo) => t.db.sendJob.findFirstOrThrow({ where: { acquisitionId: u.acquisitionId }, orderBy: { createdAt: 'asc' } });
const failing = (r: { results: { id: string; passed: boolean }[] }) => r.results.filter((c) => !c.passed).map((c) => c.id).sort();
const admin = { actorId: null, reason: 'test' };

async function worklistOf(ae: string) {
  const c = (await getModalityConsole(t.db, sandboxId, ae))!;
  return queryWorklist(peerFor(c.config, c.destinations.find((d) => d.role === 'worklist')!), {});
}

describe('archive service state', () => {
  it('stop and start are idempotent and audited once each', async () => {
    expect((await archiveServiceState(t.db, sandboxId)).running).toBe(true);
    const stopped = await stopArchive(t.db, sandboxId, { actorId: null, reason: 'maintenance' });
    expect(stopped).toMatchObject({ running: false, stoppedReason: 'maintenance' });
    await stopArchive(t.db, sandboxId, { actorId: null, reason: 'again' });
    expect((await archiveServiceState(t.db, sandboxId)).stoppedReason).toBe('maintenance');
    expect((await startArchive(t.db, sandboxId, admin)).running).toBe(true);
    await startArchive(t.db, sandboxId, admin);
    const audit = await t.db.auditEvent.findMany({ where: { target: `sandbox:${sandboxId}`, action: { startsWith: 'archive.' } }, orderBy: { at: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['archive.stop', 'archive.start']);
    await expect(stopArchive(t.db, 'nope', admin)).rejects.toThrow(/sandbox nope does not exist/);
  });
});

describe('pacs-offline', () => {
  it('rejected (transient, congestion) while the RIS answers; fixed by starting the archive and Retry: every image once', async () => {
    const inj = await injectFault(t.db, sandboxId, 'pacs-offline', { modalityAe: 'CT1', slices: 3 });
    const job = await jobOf(inj.undo as Undo);
    expect(job.status).toBe('failed');
    expect(job.errorKind).toBe('association-rejected');
    expect(job.error).toMatch(/^Association rejected by PACS: temporary congestion \(transient\) — the PACS is busy or its service is stopped/);

    // the network log names the reason; the worklist on the same listener still works
    const rejected = await eventually(() => t.db.associationLog.findFirstOrThrow({ where: { sandboxId, calledAe: 'PACS', outcome: 'rejected' }, orderBy: { startedAt: 'desc' } }));
    expect(rejected.rejectReason).toMatch(/^rejected-transient, service-provider \(presentation\): temporary-congestion \(1\): the archive service is stopped: PACS is stopped since/);
    expect((await worklistOf('CT1')).items.length).toBeGreaterThan(0);

    // an independent client is turned away the same way (PS3.8 9.3.4: result 2, source 3, reason 1)
    const echo = await runDcmtk('echoscu', ['-aet', 'CT1', '-aec', 'PACS', '127.0.0.1', String(services.port)], { timeoutMs: 20_000 });
    expect(echo.code).not.toBe(0);
    expect(echo.stderr + echo.stdout).toMatch(/Rejected Transient|Temporary Congestion|Association Rejected/i);

    // Retry while stopped changes nothing
    expect((await retrySendJob(t.db, job.id)).status).toBe('failed');
    const before = await checkFault(t.db, inj.id);
    expect(failing(before)).toEqual(['archive-running', 'images-archived']);

    await startArchive(t.db, sandboxId, { actorId: null, reason: 'test: restart' });
    expect((await retrySendJob(t.db, job.id)).status).toBe('done');
    const after = await checkFault(t.db, inj.id);
    expect(after.results.map((r) => [r.id, r.passed])).toEqual([['archive-running', true], ['images-archived', true], ['sent-once', true], ['no-rescan', true]]);
    expect(after.injection.status).toBe('fixed');
    await clearFault(t.db, inj.id);
    expect((await archiveServiceState(t.db, sandboxId)).running).toBe(true);
  }, 60_000);

  it('wrong fix: starting the archive and sending the exam again as a new job stores duplicates; clear starts a stopped archive', async () => {
    const inj = await injectFault(t.db, sandboxId, 'pacs-offline', { modalityAe: 'DX1' });
    const u = inj.undo as Undo;
    const job = await jobOf(u);
    expect(job.errorKind).toBe('association-rejected');
    await expect(injectFault(t.db, sandboxId, 'network-stall', { modalityAe: 'CT1' })).rejects.toThrow(/archive service is stopped/);
    await startArchive(t.db, sandboxId, admin);
    const [again] = await createSendJobs(t.db, u.acquisitionId);
    expect((await runSendJob(t.db, again.id)).status).toBe('done');
    expect((await retrySendJob(t.db, job.id)).status).toBe('done');
    const r = await checkFault(t.db, inj.id);
    expect(failing(r)).toEqual(['sent-once']);
    expect(r.injection.status).toBe('active');
    await stopArchive(t.db, sandboxId, admin);
    await clearFault(t.db, inj.id);
    expect((await archiveServiceState(t.db, sandboxId)).running).toBe(true);
  }, 60_000);
});

describe('network-stall', () => {
  it('the archive goes quiet after one image: timeout for the rest, the stall in the network log; Retry delivers each image once', async () => {
    const inj = await injectFault(t.db, sandboxId, 'network-stall', { modalityAe: 'CT1', slices: 3, stallAfter: 1 });
    const u = inj.undo as Undo & { timeoutSeconds: number };
    expect(u.timeoutSeconds).toBe(10);
    const job = await jobOf(u);
    expect(job.status).toBe('failed');
    expect(job.errorKind).toBe('timeout');
    expect(job.error).toMatch(/^Timed out after 2 s waiting for the next C-STORE response from PACS at 127\.0\.0\.1:\d+/);
    expect([job.sent, job.failed, job.total]).toEqual([1, 2, 3]);
    const items = await t.db.sendItem.findMany({ where: { jobId: job.id, status: 'failed' } });
    expect(items.every((i) => /^Not sent: Timed out after 2 s/.test(i.message))).toBe(true);
    // once per injection: nothing stays armed
    expect((await archiveServiceState(t.db, sandboxId)).stallArmed).toBe(false);

    // the network log: the stalled association, aborted by the scanner, with the unanswered C-STORE
    const stalled = await eventually(async () => {
      const a = await t.db.associationLog.findFirstOrThrow({ where: { sandboxId, callingAe: 'CT1', calledAe: 'PACS', detail: { contains: 'network stall' } }, include: { dimse: { orderBy: { at: 'asc' } } } });
      if (!a.endedAt) throw new Error('not closed yet');
      return a;
    });
    expect(stalled.outcome).toBe('aborted');
    expect(stalled.detail).toMatch(/^network stall \(injected fault\): the archive stopped answering after 1 C-STORE response; then A-ABORT from the peer/);
    expect(stalled.dimse.map((d) => d.status)).toEqual([0, -1]);
    expect(stalled.dimse[1].statusMeaning).toMatch(/not answered: the network stalled/);

    const before = await checkFault(t.db, inj.id);
    expect(failing(before)).toEqual(['images-archived']);
    expect(before.results[0].detail).toMatch(/^1 of 3 images/);
    expect((await retrySendJob(t.db, job.id)).status).toBe('done'); // the stall does not come back
    const after = await checkFault(t.db, inj.id);
    expect(failing(after)).toEqual([]);
    expect(after.injection.status).toBe('fixed');
    await clearFault(t.db, inj.id);
    expect((await getModalityConsole(t.db, sandboxId, 'CT1'))!.config.timeoutSeconds).toBe(10);
  }, 60_000);

  it('wrong fix: sending the whole exam again stores the first image twice and does not pass', async () => {
    const inj = await injectFault(t.db, sandboxId, 'network-stall', { modalityAe: 'MR1', stallAfter: 1 });
    const u = inj.undo as Undo;
    expect((await jobOf(u)).errorKind).toBe('timeout');
    const [again] = await createSendJobs(t.db, u.acquisitionId);
    expect((await runSendJob(t.db, again.id)).status).toBe('done');
    const r = await checkFault(t.db, inj.id);
    expect(failing(r)).toEqual(['sent-once']);
    await clearFault(t.db, inj.id);
  }, 60_000);

  it('refuses a stall after the last image, and changes nothing', async () => {
    await expect(injectFault(t.db, sandboxId, 'network-stall', { modalityAe: 'CT1', slices: 2, stallAfter: 2 })).rejects.toThrow(/the stall must come before the last one/);
    expect(await t.db.faultInjection.count({ where: { faultId: 'network-stall', status: 'active' } })).toBe(0);
    expect((await archiveServiceState(t.db, sandboxId)).stallArmed).toBe(false);
  });
});
