// Per-student sandboxes on a real database and the real listener: creation is idempotent and every sandbox gets
// its own unambiguous code and AE titles (≤16 characters); DCMTK's echoscu and storescu reach a student's archive
// by its called AE and the images land in that sandbox, not the demo; an unknown calling AE is rejected; a reset
// takes the sandbox back to a fresh state (studies and their files, the scanner's exam and its files, the fault)
// and keeps its nodes and owner.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxHarness, type SandboxHarness } from './testing/sandboxHarness';
import { PYDICOM_TEST_FILES, runDcmtk } from './testing/dcmtk';
import { injectFault, activeFaults } from './faults/engine';
import { getModalityConsole, saveDestination } from './modality/config';
import { localDicomDate } from './ris/seedOrders';
import {
  CODE_ALPHABET,
  ensureUserSandbox,
  findUserSandbox,
  newSandboxCode,
  resetSandbox,
  sandboxCode,
  userSandboxAes,
} from './sandboxes';

let h: SandboxHarness;
let listener: { host: string; port: number };
const CT = join(PYDICOM_TEST_FILES, 'CT_small.dcm');

beforeAll(async () => {
  h = await startSandboxHarness();
  listener = { host: '127.0.0.1', port: h.services.port };
  await h.t.db.user.createMany({
    data: [
      { id: 'ada', name: 'Ada Lovelace', email: 'ada@test' },
      { id: 'bob', name: 'Bob', email: 'bob@test' },
      { id: 'cy', name: 'Cy', email: 'cy@test' },
      { id: 'dee', name: 'Dee', email: 'dee@test' },
    ],
  });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

const echo = (calling: string, called: string) => runDcmtk('echoscu', ['-v', '-aet', calling, '-aec', called, '127.0.0.1', String(listener.port)], { timeoutMs: 30_000 });
const storescu = (calling: string, called: string) => runDcmtk('storescu', ['-v', '-aet', calling, '-aec', called, '127.0.0.1', String(listener.port), CT], { timeoutMs: 60_000 });

describe('codes and AE titles', () => {
  it('draws 4 characters from an alphabet without 0/O/1/I/L, and AE titles of at most 16 characters', () => {
    expect(CODE_ALPHABET).not.toMatch(/[01OIL]/);
    for (let i = 0; i < 200; i++) {
      const code = newSandboxCode();
      expect(code).toMatch(new RegExp(`^[${CODE_ALPHABET}]{4}$`));
      const aes = userSandboxAes(code);
      expect(aes.archive.length).toBeLessThanOrEqual(16);
      expect(aes.worklist.length).toBeLessThanOrEqual(16);
    }
    expect(sandboxCode('u-K7Q2')).toBe('K7Q2');
    expect(sandboxCode('demo')).toBeNull();
    expect(sandboxCode('u-../x')).toBeNull();
  });
});

describe('ensureUserSandbox', () => {
  it("makes the user's sandbox once: owner, name, own archive and worklist AEs on the listener, the demo's peers, today's orders, scanners pointing at its own AEs", async () => {
    const first = await ensureUserSandbox(h.t.db, 'ada', listener);
    expect(first.created).toBe(true);
    const code = sandboxCode(first.sandbox.slug)!;
    expect(code).toBeTruthy();
    expect(first.sandbox.ownerId).toBe('ada');
    expect(first.sandbox.name).toBe("Ada Lovelace's sandbox");
    expect(first.aes).toEqual({ archive: `PACS_${code}`, worklist: `RIS_${code}` });

    const nodes = await h.t.db.dicomNode.findMany({ where: { sandboxId: first.sandbox.id }, orderBy: { aeTitle: 'asc' } });
    expect(nodes.map((n) => n.aeTitle).sort()).toEqual(['CT1', 'DX1', 'MR1', `PACS_${code}`, `RIS_${code}`, 'US1', 'VIEWER1'].sort());
    for (const n of nodes.filter((x) => x.local)) expect([n.host, n.port]).toEqual([listener.host, listener.port]);
    expect(nodes.filter((n) => n.local).map((n) => n.role).sort()).toEqual(['archive', 'worklist']);

    const orders = await h.t.db.order.count({ where: { sandboxId: first.sandbox.id, scheduledStartDate: localDicomDate(new Date()) } });
    expect(orders).toBeGreaterThanOrEqual(10);
    const ct = await getModalityConsole(h.t.db, first.sandbox.id, 'CT1');
    expect(ct!.destinations.map((d) => `${d.role}:${d.aeTitle}@${d.host}:${d.port}`).sort()).toEqual(
      [`archive:PACS_${code}`, `mpps:RIS_${code}`, `worklist:RIS_${code}`].map((x) => `${x}@127.0.0.1:${listener.port}`).sort(),
    );

    const again = await ensureUserSandbox(h.t.db, 'ada', listener);
    expect(again.created).toBe(false);
    expect(again.sandbox.id).toBe(first.sandbox.id);
    expect(again.aes).toEqual(first.aes);
    expect(await h.t.db.sandbox.count({ where: { ownerId: 'ada' } })).toBe(1);
    expect(await h.t.db.dicomNode.count({ where: { sandboxId: first.sandbox.id } })).toBe(7);
    expect(await h.t.db.order.count({ where: { sandboxId: first.sandbox.id } })).toBe(orders);
  });

  it('gives every user a different code, and draws again when a code or its AE titles are taken', async () => {
    const ada = (await findUserSandbox(h.t.db, 'ada'))!;
    const adaCode = sandboxCode(ada.slug)!;
    // BBBB's archive AE is a node someone named by hand in the demo; Ada's code is taken by her sandbox
    await h.t.db.dicomNode.create({ data: { sandboxId: h.sandboxId, aeTitle: 'PACS_BBBB', role: 'workstation', host: '10.0.0.9', port: 104 } });
    const drawn: string[] = [];
    const codes = [adaCode, 'BBBB', 'CCCC'];
    const bob = await ensureUserSandbox(h.t.db, 'bob', listener, () => {
      const c = codes.shift()!;
      drawn.push(c);
      return c;
    });
    expect(drawn).toEqual([adaCode, 'BBBB', 'CCCC']);
    expect(bob.sandbox.slug).toBe('u-CCCC');
    expect(bob.aes.archive).toBe('PACS_CCCC');
    await expect(ensureUserSandbox(h.t.db, 'nobody', listener)).rejects.toThrow(/there is no user nobody/);
  });

  it('makes one sandbox when the same user asks twice at once', async () => {
    const [a, b] = await Promise.all([ensureUserSandbox(h.t.db, 'cy', listener), ensureUserSandbox(h.t.db, 'cy', listener)]);
    expect(a.sandbox.id).toBe(b.sandbox.id);
    expect(await h.t.db.sandbox.count({ where: { ownerId: 'cy' } })).toBe(1);
  });
});

describe("a student's archive on the real listener", () => {
  it('answers C-ECHO on its archive and worklist AEs; rejects an unknown calling AE', async () => {
    const { aes } = await ensureUserSandbox(h.t.db, 'ada', listener);
    for (const called of [aes.archive, aes.worklist]) {
      const r = await echo('CT1', called);
      expect(r.code, r.stderr + r.stdout).toBe(0);
    }
    const rejected = await echo('NOBODY', aes.archive);
    expect(rejected.code).not.toBe(0);
    expect(rejected.stdout + rejected.stderr).toMatch(/Calling AE Title Not Recognized/i);
    const unknownCalled = await echo('CT1', 'PACS_ZZZZ');
    expect(unknownCalled.code).not.toBe(0);
    expect(unknownCalled.stdout + unknownCalled.stderr).toMatch(/Called AE Title Not Recognized/i);
  });

  it("stores a C-STORE to PACS_<code> in the student's sandbox and not in the demo", async () => {
    const { sandbox, aes } = await ensureUserSandbox(h.t.db, 'ada', listener);
    const demoBefore = await h.t.db.instance.count({ where: { sandboxId: h.sandboxId } });
    const r = await storescu('CT1', aes.archive);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const inst = await h.t.db.instance.findMany({ where: { sandboxId: sandbox.id } });
    expect(inst).toHaveLength(1);
    expect(inst[0].filePath.startsWith(`${sandbox.id}/`)).toBe(true);
    expect(existsSync(join(h.archiveDir, inst[0].filePath))).toBe(true);
    expect(await h.t.db.instance.count({ where: { sandboxId: h.sandboxId } })).toBe(demoBefore);
    // and another student's archive does not see it
    const bob = (await findUserSandbox(h.t.db, 'bob'))!;
    expect(await h.t.db.instance.count({ where: { sandboxId: bob.id } })).toBe(0);
  });
});

describe('resetSandbox', () => {
  it('removes studies and their files, the scanner exam and its files, clears the fault, re-seeds orders and scanner settings, keeps nodes and owner', async () => {
    const { sandbox, aes } = await ensureUserSandbox(h.t.db, 'ada', listener);
    const sandboxId = sandbox.id;
    // state to throw away: a stored study (above), a student's own node, an edited scanner, a fault with its exam
    await h.t.db.dicomNode.create({ data: { sandboxId, aeTitle: 'MYWS', role: 'workstation', host: '127.0.0.1', port: 11199, description: 'my workstation' } });
    const mr = (await getModalityConsole(h.t.db, sandboxId, 'MR1'))!;
    const mrArchive = mr.destinations.find((d) => d.role === 'archive')!;
    await saveDestination(h.t.db, sandboxId, 'MR1', { id: mrArchive.id, role: 'archive', name: 'Main PACS', aeTitle: 'WRONG', host: '127.0.0.1', port: 1, isDefault: true });
    const fault = await injectFault(h.t.db, sandboxId, 'send-wrong-port', { slices: 2 }, 'ada');
    const acq = await h.t.db.acquisition.findFirstOrThrow({ where: { sandboxId } });
    const scannerFolder = join(h.storeDir, ...acq.folder.split('/'));
    expect(existsSync(scannerFolder)).toBe(true);
    const stored = await h.t.db.instance.findFirstOrThrow({ where: { sandboxId } });
    expect(existsSync(join(h.archiveDir, stored.filePath))).toBe(true);
    await h.t.db.scenarioAttempt.create({ data: { userId: 'ada', sandboxId, scenarioId: 'x', injectionIds: [fault.id], hints: [], checks: [] } });
    const nodesBefore = await h.t.db.dicomNode.findMany({ where: { sandboxId }, orderBy: { aeTitle: 'asc' } });
    const demoStudies = await h.t.db.study.count({ where: { sandboxId: h.sandboxId } });

    const r = await resetSandbox(h.t.db, sandboxId, { archiveDir: h.archiveDir, modalityDir: h.storeDir, listener, actorId: 'ada' });
    expect(r).toMatchObject({ clearedFaults: 1, studies: 1, instances: 1 });

    const db = h.t.db;
    expect(await db.study.count({ where: { sandboxId } })).toBe(0);
    expect(await db.instance.count({ where: { sandboxId } })).toBe(0);
    expect(await db.patient.count({ where: { sandboxId } })).toBe(0);
    expect(existsSync(join(h.archiveDir, stored.filePath))).toBe(false);
    expect(existsSync(join(h.archiveDir, sandboxId))).toBe(false);
    expect(await db.acquisition.count({ where: { sandboxId } })).toBe(0);
    expect(await db.sendJob.count({ where: { sandboxId } })).toBe(0);
    expect(existsSync(scannerFolder)).toBe(false);
    expect(await activeFaults(db, sandboxId)).toHaveLength(0);
    expect((await db.faultInjection.findUniqueOrThrow({ where: { id: fault.id } })).status).toBe('cleared');
    expect(await db.scenarioAttempt.count({ where: { sandboxId, status: 'in-progress' } })).toBe(0);
    expect(await db.associationLog.count({ where: { sandboxId } })).toBe(0);
    // today's orders again (the fault's exam had started one: it is scheduled again), scanners as new
    const today = localDicomDate(new Date());
    const orders = await db.order.findMany({ where: { sandboxId } });
    expect(orders.length).toBeGreaterThanOrEqual(10);
    expect(orders.every((o) => o.status === 'scheduled' && o.scheduledStartDate === today)).toBe(true);
    for (const ae of ['CT1', 'MR1']) {
      const archive = (await getModalityConsole(db, sandboxId, ae))!.destinations.find((d) => d.role === 'archive')!;
      expect(`${archive.aeTitle}@${archive.host}:${archive.port}`).toBe(`${aes.archive}@127.0.0.1:${listener.port}`);
    }
    // nodes and owner kept, the student's own node too
    const nodesAfter = await db.dicomNode.findMany({ where: { sandboxId }, orderBy: { aeTitle: 'asc' } });
    expect(nodesAfter.map((n) => n.id)).toEqual(nodesBefore.map((n) => n.id));
    expect(nodesAfter.map((n) => n.aeTitle)).toContain('MYWS');
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: sandboxId } })).ownerId).toBe('ada');
    expect(await db.study.count({ where: { sandboxId: h.sandboxId } })).toBe(demoStudies);
    expect(await db.auditEvent.count({ where: { action: 'sandbox.reset', target: `sandbox:${sandboxId}` } })).toBe(1);

    // and the archive takes the same image again, into a fresh folder
    const again = await storescu('CT1', aes.archive);
    expect(again.code, again.stderr + again.stdout).toBe(0);
    expect(await db.instance.count({ where: { sandboxId } })).toBe(1);
  }, 120_000);

  it('never resets the shared demo, and says so', async () => {
    await expect(resetSandbox(h.t.db, h.sandboxId, { archiveDir: h.archiveDir, modalityDir: h.storeDir, listener })).rejects.toThrow(/demo sandbox is never reset/);
    await expect(resetSandbox(h.t.db, 'nope', { archiveDir: h.archiveDir, modalityDir: h.storeDir, listener })).rejects.toThrow(/there is no sandbox nope/);
  });
});
