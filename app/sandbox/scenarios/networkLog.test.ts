// An attempt keeps a copy of its sandbox's network log (issue 8): real DCMTK C-ECHO and C-STORE to the student's own
// archive during the attempt are in the copy taken when it ends (give up), with each DIMSE status and its meaning;
// an association from before the attempt is not; the sandbox's reset (next Start) clears the log, not the copy;
// an attempt a reset abandons gets its copy too.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDb } from '@/prisma/testing';
import { startSandboxHarness, type SandboxHarness } from '@/sim/testing/sandboxHarness';
import { PYDICOM_TEST_FILES, runDcmtk } from '@/sim/testing/dcmtk';
import { eventually } from '@/sim/testing/eventually';
import { ensureUserSandbox, resetSandbox } from '@/sim/sandboxes';
import { networkLogOf, snapshotNetworkLog } from '@/sim/networkLogSnapshot';
import { giveUp, startAttempt } from './attempts';

let harness: SandboxHarness;
let t: TestDb;
let port: number;
let own: Awaited<ReturnType<typeof ensureUserSandbox>>;

const echo = (called: string) => runDcmtk('echoscu', ['-aet', 'CT1', '-aec', called, '127.0.0.1', String(port)], { timeoutMs: 30_000 });
const store = (called: string) => runDcmtk('storescu', ['-aet', 'CT1', '-aec', called, '127.0.0.1', String(port), join(PYDICOM_TEST_FILES, 'CT_small.dcm')], { timeoutMs: 60_000 });
const listener = () => ({ host: '127.0.0.1', port });
const resetOpts = () => ({ listener: listener(), archiveDir: harness.archiveDir, modalityDir: harness.storeDir });

beforeAll(async () => {
  harness = await startSandboxHarness();
  ({ t } = harness);
  port = harness.services.port;
  await t.db.user.create({ data: { id: 'ann', name: 'Ann', email: 'ann@test' } });
  own = await ensureUserSandbox(t.db, 'ann', listener());
}, 60_000);

afterAll(async () => {
  await harness?.close();
});

describe('the network log an attempt keeps', () => {
  it('has the C-ECHO and C-STORE made during the attempt, not those before, and outlives the reset', async () => {
    const sandboxId = own.sandbox.id;
    expect((await echo(own.aes.archive)).code).toBe(0);
    const before = await eventually(() => t.db.associationLog.findFirstOrThrow({ where: { sandboxId, callingAe: 'CT1' } }));
    await new Promise((r) => setTimeout(r, 30));

    const attempt = await startAttempt(t.db, sandboxId, 'ann', 'send-failed-wrong-port');
    expect(attempt.startedAt.getTime()).toBeGreaterThan(before.startedAt.getTime());
    const e = await echo(own.aes.archive);
    expect(e.code, e.stdout + e.stderr).toBe(0);
    const s = await store(own.aes.archive);
    expect(s.code, s.stdout + s.stderr).toBe(0);
    await eventually(async () => expect(await t.db.dimseLog.count({ where: { command: 'C-STORE-RQ', association: { sandboxId } } })).toBe(1));

    const ended = await giveUp(t.db, attempt.id, 'ann');
    const log = networkLogOf(ended);
    expect(log).not.toBeNull();
    expect(log!.since).toBe(attempt.startedAt.toISOString());
    expect(log!.truncated).toBe(false);
    // nothing from before the attempt
    expect(log!.associations.every((a) => a.at >= attempt.startedAt.toISOString())).toBe(true);
    // the scanner's worklist query and MPPS to the RIS when Start injected the fault, then our two to the archive
    expect(log!.associations.some((a) => a.calledAe === own.aes.worklist)).toBe(true);
    const toArchive = log!.associations.filter((a) => a.calledAe === own.aes.archive);
    expect(toArchive).toHaveLength(2);
    const [echoAssoc, storeAssoc] = toArchive;
    expect(echoAssoc).toMatchObject({ callingAe: 'CT1', calledAe: own.aes.archive, outcome: 'released', requests: 1 });
    expect(echoAssoc.dimse).toMatchObject([{ command: 'C-ECHO-RQ', status: 0, meaning: expect.stringMatching(/success/i) }]);
    expect(storeAssoc.dimse).toMatchObject([{ command: 'C-STORE-RQ', status: 0 }]);
    expect(storeAssoc.dimse[0].sopInstanceUid).toMatch(/^[\d.]+$/);
    expect(log!.totals.associations).toBe(log!.associations.length);

    // the next Start resets the sandbox: its log is gone, the attempt's copy is not
    await resetSandbox(t.db, sandboxId, resetOpts());
    expect(await t.db.associationLog.count({ where: { sandboxId } })).toBe(0);
    const kept = await t.db.scenarioAttempt.findUniqueOrThrow({ where: { id: attempt.id } });
    expect(networkLogOf(kept)).toEqual(log);
  });

  it('an attempt a reset abandons keeps its copy; the caps keep the newest and say so', async () => {
    const sandboxId = own.sandbox.id;
    const attempt = await startAttempt(t.db, sandboxId, 'ann', 'send-failed-wrong-port');
    expect((await echo(own.aes.archive)).code).toBe(0);
    expect((await echo(own.aes.archive)).code).toBe(0);
    await eventually(async () => expect(await t.db.associationLog.count({ where: { sandboxId, calledAe: own.aes.archive } })).toBe(2));

    const capped = await snapshotNetworkLog(t.db, sandboxId, attempt.startedAt, { associations: 1 });
    expect(capped.truncated).toBe(true);
    expect(capped.totals.associations).toBeGreaterThanOrEqual(2);
    expect(capped.associations).toHaveLength(1);
    const newest = await t.db.associationLog.findFirstOrThrow({ where: { sandboxId }, orderBy: { startedAt: 'desc' } });
    expect(capped.associations[0].at).toBe(newest.startedAt.toISOString());

    await resetSandbox(t.db, sandboxId, resetOpts());
    const ended = await t.db.scenarioAttempt.findUniqueOrThrow({ where: { id: attempt.id } });
    expect(ended.status).toBe('abandoned');
    expect(networkLogOf(ended)!.associations.filter((a) => a.calledAe === own.aes.archive).map((a) => a.dimse[0]?.command)).toEqual(['C-ECHO-RQ', 'C-ECHO-RQ']);
    // a stored value of another shape reads as "no copy", not as an error
    expect(networkLogOf({ networkLog: { version: 9 } })).toBeNull();
    expect(networkLogOf({ networkLog: null })).toBeNull();
  });
});
