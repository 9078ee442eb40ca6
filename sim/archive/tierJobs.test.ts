// Tier jobs against real files and the real database: progress written to the row up to the totals, the result
// stored, one job at a time per sandbox (409 in words), a row a dead process left marked interrupted, failures
// recorded with their message.
import { describe, expect, it } from 'vitest';
import type { TestDb } from '../../prisma/testing';
import type { SandboxHarness } from '../testing/sandboxHarness';
import { INTERRUPTED_MESSAGE, jobPercent, latestTierJob, migrationResultOf, restoreResultOf, startTierJob, TierJobBusyError } from './tierJobs';
import { LATER, scanAndSendStudy, useTiersSandbox } from './tiersTestSetup';

let harness: SandboxHarness;
let t: TestDb;
let sandboxId: string;
useTiersSandbox(
  (h) => ({ t, sandboxId } = harness = h),
  () => t.db.tierJob.deleteMany({ where: { sandboxId } }),
);

async function sendStudy(): Promise<string> {
  const accessionNumber = await scanAndSendStudy(harness, { idPrefix: 'JOB', name: 'JOB^TEST' });
  return (await t.db.study.findFirstOrThrow({ where: { sandboxId, accessionNumber } })).studyInstanceUid;
}

describe('tier jobs', () => {
  it('a migration job runs in the background: progress up to the totals, the result stored; a second start is refused while it runs', async () => {
    const uids = [await sendStudy(), await sendStudy()];
    const { job, finished } = await startTierJob(t.db, sandboxId, { kind: 'migrate', actorId: null, options: { archiveDir: harness.archiveDir, now: LATER() } });
    expect(job.status).toBe('queued');
    await expect(startTierJob(t.db, sandboxId, { kind: 'restore', target: uids[0], options: { archiveDir: harness.archiveDir } })).rejects.toSatisfy(
      (e: unknown) => e instanceof TierJobBusyError && e.status === 409 && /a tier migration is (queued|running) in this sandbox.*wait for it to finish/.test(e.message),
    );
    const done = await finished;
    expect(done).toMatchObject({ status: 'done', error: '', studiesDone: 2, instancesDone: 4 });
    expect(done.studiesTotal).toBe(2);
    expect(done.instancesTotal).toBeGreaterThanOrEqual(4);
    expect(done.startedAt).not.toBeNull();
    expect(done.finishedAt).not.toBeNull();
    expect(jobPercent(done)).toBe(100);
    const latest = await latestTierJob(t.db, sandboxId, { kind: 'migrate' });
    expect(latest?.id).toBe(job.id);
    const r = migrationResultOf(latest!)!;
    expect(r.moved.map((m) => m.studyInstanceUid).sort()).toEqual([...uids].sort());
    expect(r.moved.every((m) => m.bytesAfter < m.bytesBefore)).toBe(true);
    expect(typeof r.cutoff).toBe('string');

    // once done, the next job may start: a restore, whose result is the restore's
    const back = await startTierJob(t.db, sandboxId, { kind: 'restore', target: uids[0], options: { archiveDir: harness.archiveDir } });
    const restored = await back.finished;
    expect(restored).toMatchObject({ status: 'done', studiesTotal: 1, studiesDone: 1, instancesTotal: 2, instancesDone: 2, target: uids[0] });
    expect(restoreResultOf(restored)).toMatchObject({ restored: 2 });
  });

  it('a row a dead process left running is marked interrupted, with why nothing is lost; then a job may start', async () => {
    const dead = await t.db.tierJob.create({ data: { sandboxId, kind: 'migrate', status: 'running', startedAt: new Date(Date.now() - 60_000), studiesTotal: 3, studiesDone: 1 } });
    // a job of another process with a fresh heartbeat is left alone
    const alive = await t.db.tierJob.create({ data: { sandboxId, kind: 'migrate', status: 'running', heartbeatAt: new Date() } });
    await latestTierJob(t.db, sandboxId);
    expect(await t.db.tierJob.findUniqueOrThrow({ where: { id: dead.id } })).toMatchObject({ status: 'interrupted', error: INTERRUPTED_MESSAGE });
    expect(INTERRUPTED_MESSAGE).toMatch(/written in full before the index is switched/);
    expect((await t.db.tierJob.findUniqueOrThrow({ where: { id: alive.id } })).status).toBe('running');
    await expect(startTierJob(t.db, sandboxId, { kind: 'migrate', options: { archiveDir: harness.archiveDir } })).rejects.toBeInstanceOf(TierJobBusyError);
    // its heartbeat stops: interrupted at the next start, which then runs
    await t.db.tierJob.update({ where: { id: alive.id }, data: { heartbeatAt: new Date(Date.now() - 60_000) } });
    const { finished } = await startTierJob(t.db, sandboxId, { kind: 'migrate', options: { archiveDir: harness.archiveDir } });
    expect((await finished).status).toBe('done');
    expect((await t.db.tierJob.findUniqueOrThrow({ where: { id: alive.id } })).status).toBe('interrupted');
  });

  it('a failure is recorded on the row with its message in words', async () => {
    const { finished } = await startTierJob(t.db, sandboxId, { kind: 'restore', target: '1.2.3.4.5', options: { archiveDir: harness.archiveDir } });
    const failed = await finished;
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/there is no study 1\.2\.3\.4\.5 in this archive/);
    expect(failed.finishedAt).not.toBeNull();
    await expect(startTierJob(t.db, sandboxId, { kind: 'restore' })).rejects.toThrow(/which study to restore/);
  });
});
