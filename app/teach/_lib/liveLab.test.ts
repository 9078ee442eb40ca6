// The live lab over a real database (SQLite, or PostgreSQL with TEST_DATABASE_URL): each enrolled student's own
// sandbox as it is now (running scenario, hints, last check, active faults, last network error), and the
// instructor's further fault — injected, checked and cleared through the real fault engine — with every refusal:
// another instructor's cohort (403), a student not in the cohort (404), a student without a sandbox (409), an
// unknown fault (422), a fault of another sandbox (404).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@/prisma/testing';
import { startDicomServices, type DicomServices } from '@/sim/startDicomServices';
import { HttpError } from '@/app/_lib/errors';
import { ensureUserSandbox } from '@/sim/sandboxes';
import { createCohort, joinCohort } from './cohorts';
import { actOnStudentFault, injectIntoStudent, liveLab } from './liveLab';

let t: TestDb;
let cohortId = '';
let samSandbox = '';
const ann = { id: 'lab-ann', role: 'instructor' as const };
const bob = { id: 'lab-bob', role: 'instructor' as const };
const sam = { id: 'lab-sam', role: 'student' as const };
const kim = { id: 'lab-kim', role: 'student' as const };
const out = { id: 'lab-out', role: 'student' as const };
let services: DicomServices;
let archiveDir = '';

async function status(p: Promise<unknown>): Promise<number | 'ok'> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof HttpError) return e.status;
    throw e;
  }
}

beforeAll(async () => {
  t = await createTestDb();
  // the real listener: a fault's inject works the scanner's worklist over DICOM, as in a class
  archiveDir = mkdtempSync(join(tmpdir(), 'pacslab-lab-'));
  services = await startDicomServices({ db: t.db, host: '127.0.0.1', port: 0, archiveDir, databaseUrl: t.url });
  const listener = { host: '127.0.0.1', port: services.port };
  for (const u of [ann, bob, sam, kim, out]) await t.db.user.create({ data: { id: u.id, name: u.id.replace('lab-', ''), email: `${u.id}@school.edu`, role: u.role } });
  const c = await createCohort(t.db, ann, { name: 'RAD 230', term: 'Spring 2027' });
  cohortId = c.id;
  for (const s of [sam, kim]) await joinCohort(t.db, s, c.joinCode);
  samSandbox = (await ensureUserSandbox(t.db, sam.id, listener)).sandbox.id;
  await ensureUserSandbox(t.db, out.id, listener);
  const now = Date.now();
  await t.db.scenarioAttempt.create({
    data: {
      userId: sam.id, sandboxId: samSandbox, scenarioId: 'send-failed-wrong-port', status: 'in-progress', injectionIds: [],
      hints: [{ faultId: 'send-wrong-port', step: 1, at: new Date(now).toISOString() }],
      checks: [{ at: new Date(now).toISOString(), results: [{ id: 'a', label: 'The destination is right', passed: false, detail: '' }, { id: 'b', label: 'No re-scan', passed: true, detail: '' }] }],
      startedAt: new Date(now - 5 * 60_000),
    },
  });
  await t.db.associationLog.create({ data: { sandboxId: samSandbox, callingAe: 'CT9', calledAe: 'PACS_X', outcome: 'rejected', rejectReason: 'rejected-permanent, service-user: calling-AE-title-not-recognized (3)' } });
}, 60_000);
afterAll(async () => {
  await services?.close();
  await t?.drop();
  if (archiveDir) rmSync(archiveDir, { recursive: true, force: true });
});

describe('live lab', () => {
  it("shows each student's own sandbox: the running scenario, hints, the last check, the last network error", async () => {
    const { rows } = await liveLab(t.db, ann, cohortId);
    expect(rows.map((r) => r.userId)).toEqual([kim.id, sam.id]);
    const [k, s] = rows;
    expect(k).toMatchObject({ sandbox: null, attempt: null, faults: [], lastError: null });
    expect(s.sandbox?.archiveAe).toMatch(/^PACS_[A-Z2-9]{4}$/);
    expect(s.attempt).toMatchObject({ scenarioId: 'send-failed-wrong-port', hints: 1, budgetMinutes: 10, lastCheck: { passed: 1, total: 2, failing: ['The destination is right'] } });
    expect(s.lastError).toMatchObject({ where: 'CT9 → PACS_X (rejected)', text: expect.stringContaining('calling-AE-title-not-recognized') });
    expect(await status(liveLab(t.db, bob, cohortId))).toBe(403);
    expect(await status(liveLab(t.db, sam, cohortId))).toBe(403);
  });

  it('injects a further fault into one student’s sandbox, checks it and clears it; refuses everything else', async () => {
    expect(await status(injectIntoStudent(t.db, bob, cohortId, sam.id, 'worklist-missing'))).toBe(403);
    expect(await status(injectIntoStudent(t.db, ann, cohortId, out.id, 'worklist-missing'))).toBe(404);
    expect(await status(injectIntoStudent(t.db, ann, cohortId, kim.id, 'worklist-missing'))).toBe(409);
    expect(await status(injectIntoStudent(t.db, ann, cohortId, sam.id, 'no-such-fault'))).toBe(422);

    const injection = await injectIntoStudent(t.db, ann, cohortId, sam.id, 'worklist-missing');
    expect(injection).toMatchObject({ sandboxId: samSandbox, status: 'active', injectedById: ann.id });
    // the same fault twice is a conflict, in words
    expect(await status(injectIntoStudent(t.db, ann, cohortId, sam.id, 'worklist-missing'))).toBe(409);
    const { rows } = await liveLab(t.db, ann, cohortId);
    expect(rows.find((r) => r.userId === sam.id)!.faults).toMatchObject([{ id: injection.id, faultId: 'worklist-missing', byInstructor: true }]);

    const checked = await actOnStudentFault(t.db, ann, cohortId, sam.id, injection.id, 'check');
    expect(checked.check?.passed).toBe(false);
    expect(await status(actOnStudentFault(t.db, ann, cohortId, kim.id, injection.id, 'clear'))).toBe(409);
    expect(await status(actOnStudentFault(t.db, bob, cohortId, sam.id, injection.id, 'clear'))).toBe(403);
    const cleared = await actOnStudentFault(t.db, ann, cohortId, sam.id, injection.id, 'clear');
    expect(cleared.cleared?.status).toBe('cleared');
    expect((await liveLab(t.db, ann, cohortId)).rows.find((r) => r.userId === sam.id)!.faults).toEqual([]);
    const audit = await t.db.auditEvent.findMany({ where: { actorId: ann.id, action: { startsWith: 'fault.' } } });
    expect(audit.map((a) => a.action).sort()).toEqual(['fault.clear', 'fault.inject']);
  });
});
