// A scenario attempt on a real test database and our real DICOM services on a real socket: Start injects the
// "send failed — wrong port" scenario (the exam's send is refused), a second Start is refused while it runs,
// hints are recorded step by step, a check before the fix fails and is recorded, the real fix (the right port,
// Retry) passes and clears the fault; Give up clears the fault and leaves the scanner as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDb } from '@/prisma/testing';
import { startSandboxHarness, type SandboxHarness } from '@/sim/testing/sandboxHarness';
import { getModalityConsole, saveDestination } from '@/sim/modality/config';
import { retrySendJob } from '@/sim/modality/sendQueue';
import { activeFaults } from '@/sim/faults/engine';
import { sendsOwnOrder } from '@/sim/faults/catalogue';
import { loadScenarios } from '@/content/scenarios';
import { checkAttempt, checksOf, formatDuration, giveUp, hintsOf, injectionIdsOf, nextHint, startAttempt, startInOwnSandbox, takeHint } from './attempts';

let harness: SandboxHarness;
let t: TestDb;
let sandboxId: string;

beforeAll(async () => {
  harness = await startSandboxHarness();
  ({ t, sandboxId } = harness);
  await t.db.user.createMany({ data: ['ann', 'bob'].map((id) => ({ id, name: id, email: `${id}@test` })) });
}, 60_000);

afterAll(async () => {
  await harness?.close();
});

const archiveDest = async () => (await getModalityConsole(t.db, sandboxId, 'CT1'))!.destinations.find((d) => d.role === 'archive' && d.isDefault)!;

describe('scenario attempts', () => {
  it('hands out hints fault by fault, three steps each', () => {
    const at = '2026-01-01T00:00:00Z';
    expect(nextHint(['a', 'b'], [])).toEqual({ faultId: 'a', step: 1 });
    expect(nextHint(['a', 'b'], [1, 2, 3].map((step) => ({ faultId: 'a', step, at })))).toEqual({ faultId: 'b', step: 1 });
    expect(nextHint(['a'], [1, 2, 3].map((step) => ({ faultId: 'a', step, at })))).toBeNull();
    expect(formatDuration(425_400)).toBe('7 min 05 s');
  });

  it('start → refused second start → hints → failing check → real fix → passing check, faults cleared', async () => {
    const a = await startAttempt(t.db, sandboxId, 'ann', 'send-failed-wrong-port');
    expect(a.status).toBe('in-progress');
    expect(injectionIdsOf(a)).toHaveLength(1);
    const [inj] = await activeFaults(t.db, sandboxId);
    expect(inj.id).toBe(injectionIdsOf(a)[0]);
    const acquisitionId = (inj.undo as { acquisitionId: string }).acquisitionId;
    const job = await t.db.sendJob.findFirstOrThrow({ where: { acquisitionId } });
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/Connection refused/);

    // one scenario at a time in a sandbox
    await expect(startAttempt(t.db, sandboxId, 'bob', 'archive-full')).rejects.toThrow(/Someone else is playing “Send failed — the CT that never arrived” in this sandbox/);
    await expect(startAttempt(t.db, sandboxId, 'ann', 'archive-full')).rejects.toThrow(/You already have/);
    await expect(startAttempt(t.db, sandboxId, 'ann', 'no-such-scenario')).rejects.toThrow(/no such scenario/);
    // only the student's own attempt
    await expect(takeHint(t.db, a.id, 'bob')).rejects.toThrow(/another student/);
    await expect(giveUp(t.db, a.id, 'bob')).rejects.toThrow(/another student/);

    const h = await takeHint(t.db, a.id, 'ann');
    expect(h).toMatchObject({ faultId: 'send-wrong-port', step: 1 });
    expect(h.text).toMatch(/Read the exact error/);
    await takeHint(t.db, a.id, 'ann');
    await takeHint(t.db, a.id, 'ann');
    await expect(takeHint(t.db, a.id, 'ann')).rejects.toThrow(/every hint/);

    const before = await checkAttempt(t.db, a.id, 'ann');
    expect(before.passed).toBe(false);
    expect(before.record.results.filter((r) => !r.passed).map((r) => r.id).sort()).toEqual(['destination', 'images-archived']);
    expect(before.attempt.status).toBe('in-progress');

    const d = await archiveDest();
    await saveDestination(t.db, sandboxId, 'CT1', { id: d.id, role: 'archive', name: d.name, aeTitle: d.aeTitle, host: '127.0.0.1', port: harness.services.port });
    expect((await retrySendJob(t.db, job.id)).status).toBe('done');

    const after = await checkAttempt(t.db, a.id, 'ann');
    expect(after.passed).toBe(true);
    expect(after.attempt.status).toBe('passed');
    expect(after.attempt.finishedAt).not.toBeNull();
    expect(checksOf(after.attempt).map((c) => c.passed)).toEqual([false, true]);
    expect(hintsOf(after.attempt).map((x) => x.step)).toEqual([1, 2, 3]);
    expect((await t.db.faultInjection.findUniqueOrThrow({ where: { id: inj.id } })).status).toBe('cleared');
    expect(await activeFaults(t.db, sandboxId)).toHaveLength(0);
    await expect(checkAttempt(t.db, a.id, 'ann')).rejects.toThrow(/already ended \(passed\)/);
  }, 90_000);

  it('Give up clears the fault: the scanner sends to the archive again', async () => {
    const good = await archiveDest();
    const a = await startAttempt(t.db, sandboxId, 'bob', 'send-failed-wrong-port');
    expect((await archiveDest()).port).not.toBe(good.port);
    const ended = await giveUp(t.db, a.id, 'bob');
    expect(ended.status).toBe('abandoned');
    expect(ended.finishedAt).not.toBeNull();
    expect((await archiveDest()).port).toBe(good.port);
    expect(await activeFaults(t.db, sandboxId)).toHaveLength(0);
  }, 90_000);

  it('every scenario starts on the seeded demo sandbox (each fault injects and shows its symptom) and gives up cleanly', async () => {
    for (const s of loadScenarios()) {
      const a = await startAttempt(t.db, sandboxId, 'ann', s.id);
      expect(injectionIdsOf(a), s.id).toHaveLength(s.faults.length);
      // each fault got the story's own patient, booked now on its scanner
      for (const [i, f] of s.faults.entries()) {
        const inj = await t.db.faultInjection.findUniqueOrThrow({ where: { id: injectionIdsOf(a)[i] } });
        if (sendsOwnOrder(f.faultId, f.params)) {
          // the HIS sent the story's order itself and the RIS never got it (worklist-missing, hl7-down)
          const u = inj.undo as { outboundId: string; accessionNumber: string };
          expect((await t.db.hl7Outbound.findUniqueOrThrow({ where: { id: u.outboundId } })).status, s.id).toBe('failed');
          expect(await t.db.order.count({ where: { sandboxId, accessionNumber: u.accessionNumber } }), s.id).toBe(0);
          expect((inj.params as { order?: { patientId: string } }).order?.patientId, s.id).toBe(f.order!.patientId);
          continue;
        }
        const order = await t.db.order.findUniqueOrThrow({ where: { sandboxId_accessionNumber: { sandboxId, accessionNumber: (inj.params as { accessionNumber: string }).accessionNumber } } });
        expect(order.patientId, s.id).toBe(f.order!.patientId);
      }
      const first = await checkAttempt(t.db, a.id, 'ann');
      expect(first.passed, `${s.id} passes before any fix`).toBe(false);
      expect((await giveUp(t.db, a.id, 'ann')).status).toBe('abandoned');
      expect(await activeFaults(t.db, sandboxId), s.id).toHaveLength(0);
    }
  }, 240_000);

  it('a start that cannot inject leaves nothing behind and says why', async () => {
    // the worklist-missing fault queries US1's worklist: take its worklist destination away
    await t.db.modalityDestination.deleteMany({ where: { sandboxId, modalityAe: 'US1', role: 'worklist' } });
    await expect(startAttempt(t.db, sandboxId, 'ann', 'patient-not-on-worklist')).rejects.toThrow(/US1 has no worklist destination/);
    // the order Start placed for the story's patient is cancelled again
    const orders = await t.db.order.findMany({ where: { sandboxId, patientId: 'SCN0005' }, orderBy: { createdAt: 'desc' } });
    expect(orders[0].status).toBe('cancelled');
    expect(await t.db.scenarioAttempt.count({ where: { status: 'in-progress' } })).toBe(0);
    expect(await activeFaults(t.db, sandboxId)).toHaveLength(0);
  }, 60_000);

  it("Start as the UI does it runs in the student's own sandbox, reset to a fresh state, and leaves the demo alone", async () => {
    const listener = { host: '127.0.0.1', port: harness.services.port };
    const opts = { listener, archiveDir: harness.archiveDir, modalityDir: harness.storeDir };
    const demoOrders = await t.db.order.count({ where: { sandboxId } });
    const first = await startInOwnSandbox(t.db, 'ann', 'send-failed-wrong-port', opts);
    const own = first.sandbox;
    expect(own.ownerId).toBe('ann');
    expect(own.id).not.toBe(sandboxId);
    expect(first.aes.archive).toMatch(/^PACS_[A-Z2-9]{4}$/);
    expect(first.attempt.sandboxId).toBe(own.id);
    const [inj] = await activeFaults(t.db, own.id);
    expect(inj.id).toBe(injectionIdsOf(first.attempt)[0]);
    // the fault broke the student's own CT1, which sends to their own archive AE
    const ct = (await getModalityConsole(t.db, own.id, 'CT1'))!.destinations.find((d) => d.role === 'archive')!;
    expect(ct.aeTitle).toBe(first.aes.archive);
    expect(ct.port).not.toBe(listener.port);
    expect(await activeFaults(t.db, sandboxId)).toHaveLength(0);
    expect(await t.db.order.count({ where: { sandboxId } })).toBe(demoOrders);
    // a second Start while it runs is refused, and resets nothing
    await expect(startInOwnSandbox(t.db, 'ann', 'archive-full', opts)).rejects.toThrow(/You already have/);
    expect(await t.db.acquisition.count({ where: { sandboxId: own.id } })).toBe(1);
    await giveUp(t.db, first.attempt.id, 'ann');

    // the next Start finds the same sandbox and resets it first: the last attempt's exam and order are gone
    const second = await startInOwnSandbox(t.db, 'ann', 'send-failed-wrong-port', opts);
    expect(second.sandbox.id).toBe(own.id);
    const acqs = await t.db.acquisition.findMany({ where: { sandboxId: own.id } });
    expect(acqs).toHaveLength(1);
    expect(acqs[0].id).not.toBe((inj.undo as { acquisitionId: string }).acquisitionId);
    expect(await t.db.auditEvent.count({ where: { action: 'sandbox.reset', target: `sandbox:${own.id}` } })).toBe(2);
    await giveUp(t.db, second.attempt.id, 'ann');
    await expect(startInOwnSandbox(t.db, 'ann', 'no-such-scenario', opts)).rejects.toThrow(/no such scenario/);
  }, 120_000);
});
