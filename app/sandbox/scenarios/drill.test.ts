// Fault drills played as a student plays them, on a real test database and our real DICOM services on a real
// socket: every fault a drill may inject starts on its own (its order booked for the drill patient, the fault
// injected as in its written scenario), fails its first "Check my fix", and Give up clears it; a two-fault and a
// three-fault drill start, put both symptoms in place and clean up; the order's Reason stays within LO's 64.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDb } from '@/prisma/testing';
import { startSandboxHarness, type SandboxHarness } from '@/sim/testing/sandboxHarness';
import { activeFaults } from '@/sim/faults/engine';
import { sendsOwnOrder } from '@/sim/faults/catalogue';
import { drillScenario, faultDrillOptions, findScenario } from '@/content/scenarios';
import { checkAttempt, giveUp, injectionIdsOf, reasonFor, startAttempt } from './attempts';

let harness: SandboxHarness;
let t: TestDb;
let sandboxId: string;

beforeAll(async () => {
  harness = await startSandboxHarness();
  ({ t, sandboxId } = harness);
  await t.db.user.create({ data: { id: 'ann', name: 'ann', email: 'ann@test' } });
}, 60_000);

afterAll(async () => {
  await harness?.close();
});

/** Start the drill, check the story's patients got their orders, fail the first check, give up: nothing left. */
async function playAndGiveUp(keys: string[]) {
  const s = drillScenario(keys);
  const a = await startAttempt(t.db, sandboxId, 'ann', s.id);
  expect(a.scenarioId).toBe(s.id);
  expect(injectionIdsOf(a)).toHaveLength(keys.length);
  expect((await activeFaults(t.db, sandboxId)).map((f) => f.faultId).sort()).toEqual(s.faults.map((f) => f.faultId).sort());
  for (const [i, f] of s.faults.entries()) {
    const inj = await t.db.faultInjection.findUniqueOrThrow({ where: { id: injectionIdsOf(a)[i] } });
    if (sendsOwnOrder(f.faultId, f.params)) {
      expect((inj.params as { order?: { patientId: string } }).order?.patientId, s.id).toBe(f.order!.patientId);
      continue;
    }
    const order = await t.db.order.findUniqueOrThrow({ where: { sandboxId_accessionNumber: { sandboxId, accessionNumber: (inj.params as { accessionNumber: string }).accessionNumber } } });
    expect(order.patientId, s.id).toBe(f.order!.patientId);
    expect(order.reason.length).toBeLessThanOrEqual(64);
  }
  const first = await checkAttempt(t.db, a.id, 'ann');
  expect(first.passed, `${s.id} passes before any fix`).toBe(false);
  expect(new Set(first.record.results.filter((r) => !r.passed).map((r) => r.faultId))).toEqual(new Set(s.faults.map((f) => f.faultId)));
  expect((await giveUp(t.db, a.id, 'ann')).status).toBe('abandoned');
  expect(await activeFaults(t.db, sandboxId), s.id).toHaveLength(0);
  return s;
}

describe('fault drills in a sandbox', () => {
  it.each(faultDrillOptions().map((o) => [o.key]))('a drill of %s starts, fails its first check and gives up cleanly', async (key) => {
    await playAndGiveUp([key]);
  }, 90_000);

  it('a two-fault and a three-fault drill start with every fault in place and clean up', async () => {
    const two = await playAndGiveUp(['send-wrong-port.port', 'mpps-in-progress']);
    expect(two.title).toBe('Fault drill: MPPS in progress, wrong port');
    // the written "port-then-full" pair, as a drill, and a third fault on another scanner
    await playAndGiveUp(['send-storage-full', 'send-wrong-port.port', 'worklist-missing.date']);
  }, 180_000);

  it("a long drill title is cut short in the order's Reason (LO, 64 characters); a refused drill does not start", async () => {
    const s = findScenario('drill~network-stall~reading-filter-hides~worklist-missing.hl7-down')!;
    expect(s.title).toBe('Fault drill: network stall, reading filter, HL7 interface down');
    expect(reasonFor(s).length).toBeLessThanOrEqual(64);
    expect(reasonFor(s)).toMatch(/^Fault scenario: Fault drill: .*\.\.\.$/);
    expect(reasonFor({ title: 'Split study — half a CT chest' })).toBe('Fault scenario: Split study — half a CT chest');
    await expect(startAttempt(t.db, sandboxId, 'ann', 'drill~pacs-offline~split-study')).rejects.toThrow(/no such scenario/);
    await expect(startAttempt(t.db, sandboxId, 'ann', 'drill~split-study~pacs-offline')).rejects.toThrow(/no such scenario/);
  });
});
