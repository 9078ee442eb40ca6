// Fault-scenario assignments over a real database (SQLite, or PostgreSQL with TEST_DATABASE_URL): the form's
// checks on create and edit, the status each student gets from real ScenarioAttempt rows (not started, in progress,
// done, late, missing), the dashboard's scenario figures and CSV tables, the student's list, the hint policy the
// scenario page applies, and who may read which scenario results.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@/prisma/testing';
import { findScenario, loadScenarios } from '@/content/scenarios';
import { HttpError } from '@/app/_lib/errors';
import { cohortDashboard, createAssignment, createCohort, formValuesOf, joinCohort, myAssignments, studentScenarios, updateAssignment } from './cohorts';
import { assignedScenario, hintRefusal } from './scenarioPolicy';
import { table } from './tables';

let t: TestDb;
let sandboxId = '';
let cohortId = '';
const ann = { id: 'inst-ann', role: 'instructor' as const };
const bob = { id: 'inst-bob', role: 'instructor' as const };
const sam = { id: 'stu-sam', role: 'student' as const };
const kim = { id: 'stu-kim', role: 'student' as const };
const lee = { id: 'stu-lee', role: 'student' as const };
const zoe = { id: 'stu-zoe', role: 'student' as const };
const SCENARIO = 'send-failed-wrong-port';
const OTHER = loadScenarios().find((s) => s.id !== SCENARIO)!.id;
const at = (s: string) => new Date(`2027-03-${s}Z`);
const MIN = 60_000;
const base = { lesson: '', category: '', size: 10, mockSize: 20, title: '' };

async function status(p: Promise<unknown>): Promise<number | 'ok'> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof HttpError) return e.status;
    throw e;
  }
}

const hint = (n: number) => Array.from({ length: n }, (_, i) => ({ faultId: 'send-wrong-port', step: i + 1, at: at('02T10:00:00').toISOString() }));
const check = (passed: boolean, failed: string[]) => ({
  at: at('02T10:00:00').toISOString(),
  passed,
  results: [...failed.map((label, i) => ({ faultId: 'send-wrong-port', id: `c${i}`, label, passed: false, detail: 'no' })), { faultId: 'send-wrong-port', id: 'ok', label: 'Echo works', passed: true, detail: 'yes' }],
});

async function attempt(userId: string, scenarioId: string, status: 'in-progress' | 'passed' | 'abandoned', startedAt: Date, minutes: number | null, hints = 0, checks: unknown[] = []) {
  return t.db.scenarioAttempt.create({
    data: { userId, sandboxId, scenarioId, status, injectionIds: [], hints: hint(hints), checks: checks as never, startedAt, finishedAt: minutes === null ? null : new Date(startedAt.getTime() + minutes * MIN) },
  });
}

beforeAll(async () => {
  t = await createTestDb();
  for (const u of [ann, bob, sam, kim, lee, zoe]) await t.db.user.create({ data: { id: u.id, name: u.id, email: `${u.id}@school.edu`, role: u.role } });
  sandboxId = (await t.db.sandbox.create({ data: { slug: 'scenario-test', name: 'Scenario test' } })).id;
  const c = await createCohort(t.db, ann, { name: 'RAD 220', term: 'Spring 2027' });
  cohortId = c.id;
  for (const s of [sam, kim, lee]) await joinCohort(t.db, s, c.joinCode);
});
afterAll(async () => t?.drop());

describe('scenario assignments', () => {
  it('are checked like the other kinds: a known scenario, a hint policy, whole minutes; the budget defaults to the scenario’s', async () => {
    const bad = await createAssignment(t.db, ann, cohortId, { ...base, kind: 'scenario', scenario: 'no-such-scenario', hints: 'sometimes', minutes: '0', opensAt: '2027-03-01T08:00', dueAt: '2027-03-01T07:00' }).catch((e: HttpError) => e);
    expect(bad).toMatchObject({ status: 422 });
    expect(Object.keys((bad as HttpError).details ?? {}).sort()).toEqual(['dueAt', 'hints', 'minutes', 'scenario']);
    expect((bad as HttpError).details?.scenario).toEqual(['Choose a fault scenario.']);
    expect(await status(createAssignment(t.db, ann, cohortId, { ...base, kind: 'scenario', scenario: SCENARIO, hints: 'none', minutes: '2.5', opensAt: '2027-03-01T08:00', dueAt: '2027-03-08T23:59' }))).toBe(422);
    expect(await status(createAssignment(t.db, bob, cohortId, { ...base, kind: 'scenario', scenario: SCENARIO, hints: 'none', minutes: '', opensAt: '2027-03-01T08:00', dueAt: '2027-03-08T23:59' }))).toBe(403);

    const a = await createAssignment(t.db, ann, cohortId, { ...base, kind: 'scenario', scenario: SCENARIO, hints: 'allowed', minutes: '', opensAt: '2027-03-01T08:00', dueAt: '2027-03-08T23:59' });
    expect(a).toMatchObject({ kind: 'scenario', target: `id=${SCENARIO}&hints=allowed&minutes=${findScenario(SCENARIO)!.timeBudgetMinutes}`, title: `Scenario: ${findScenario(SCENARIO)!.title}` });
    expect(formValuesOf(a)).toMatchObject({ kind: 'scenario', scenario: SCENARIO, hints: 'allowed', minutes: String(findScenario(SCENARIO)!.timeBudgetMinutes), title: '' });
  });

  it('edits keep the kind, take the same checks, and are audited', async () => {
    const a = (await t.db.assignment.findFirst({ where: { cohortId, kind: 'scenario' } }))!;
    const form = { title: '', scenario: SCENARIO, hints: 'none', minutes: '25', opensAt: '2027-03-01T08:00', dueAt: '2027-03-08T23:59' };
    expect(await status(updateAssignment(t.db, bob, a.id, form))).toBe(403);
    expect(await status(updateAssignment(t.db, sam, a.id, form))).toBe(403);
    const bad = await updateAssignment(t.db, ann, a.id, { ...form, minutes: '999', scenario: '' }).catch((e: HttpError) => e);
    expect(Object.keys((bad as HttpError).details ?? {}).sort()).toEqual(['minutes', 'scenario']);
    const edited = await updateAssignment(t.db, ann, a.id, { ...form, kind: 'lesson' });
    expect(edited).toMatchObject({ kind: 'scenario', target: `id=${SCENARIO}&hints=none&minutes=25` });
    expect(formValuesOf(edited)).toMatchObject({ hints: 'none', minutes: '25', title: '' });
    const named = await updateAssignment(t.db, ann, a.id, { ...form, title: 'Week 3 lab: wrong port' });
    expect(formValuesOf(named).title).toBe('Week 3 lab: wrong port');
    const audit = await t.db.auditEvent.findFirst({ where: { action: 'assignment.update', target: `cohort:${cohortId}` }, orderBy: { at: 'asc' } });
    expect(audit?.detail).toMatchObject({ id: a.id, kind: 'scenario', after: { target: `id=${SCENARIO}&hints=none&minutes=25` } });
  });

  it('status from real attempts: not started, in progress, done, late, missing; attempts before opening do not count', async () => {
    const a = (await t.db.assignment.findFirst({ where: { cohortId, kind: 'scenario' } }))!;
    const during = at('05T12:00:00');
    const states = async (now: Date) => {
      const d = await cohortDashboard(t.db, ann, cohortId, now);
      const i = d.assignments.findIndex((x) => x.id === a.id);
      return Object.fromEntries(d.students.map((s) => [s.userId, s.statuses[i]?.state]));
    };
    expect(await states(during)).toEqual({ [sam.id]: 'open', [kim.id]: 'open', [lee.id]: 'open' });

    // sam passed it once before it opened (does not count), then starts again: in progress
    await attempt(sam.id, SCENARIO, 'passed', at('01T07:00:00'), 5, 0);
    const running = await attempt(sam.id, SCENARIO, 'in-progress', at('02T09:00:00'), null, 1, [check(false, ['Sends to the archive port', 'Sends to the archive port'])]);
    // kim passes another scenario (does not count) and gives this one up
    await attempt(kim.id, OTHER, 'passed', at('02T09:00:00'), 30, 2, [check(false, ['Other check']), check(true, [])]);
    await attempt(kim.id, SCENARIO, 'abandoned', at('03T09:00:00'), 4, 3, [check(false, ['Images stored once'])]);
    expect(await states(during)).toEqual({ [sam.id]: 'in-progress', [kim.id]: 'open', [lee.id]: 'open' });

    // sam passes the running attempt in 12 minutes with 1 hint: done; kim passes after the due date: late; lee: missing
    await t.db.scenarioAttempt.update({ where: { id: running.id }, data: { status: 'passed', finishedAt: new Date(running.startedAt.getTime() + 12 * MIN), checks: [check(false, ['Sends to the archive port', 'Sends to the archive port']), check(true, [])] } });
    await attempt(kim.id, SCENARIO, 'passed', at('09T10:00:00'), 20, 3, [check(false, ['Images stored once']), check(true, [])]);
    const after = at('10T00:00:00');
    expect(await states(after)).toEqual({ [sam.id]: 'done', [kim.id]: 'late', [lee.id]: 'missing' });
    // still running past the due date: in progress, not missing (it will be late)
    const leeRun = await attempt(lee.id, SCENARIO, 'in-progress', at('09T12:00:00'), null);
    expect((await states(after))[lee.id]).toBe('in-progress');
    await t.db.scenarioAttempt.delete({ where: { id: leeRun.id } });

    const d = await cohortDashboard(t.db, ann, cohortId, after);
    expect(d.assignments.find((x) => x.id === a.id)!.counts).toMatchObject({ done: 1, late: 1, missing: 1, 'in-progress': 0 });
  });

  it('the dashboard’s scenario figures: per scenario and per student, with CSV tables', async () => {
    const d = await cohortDashboard(t.db, ann, cohortId, at('10T00:00:00'));
    const row = d.scenarios.find((s) => s.scenarioId === SCENARIO)!;
    // sam: first pass (before the assignment opened) 5 min, 0 hints; kim: passed in 20 min with 3 hints
    expect(row).toMatchObject({ assigned: true, done: 2, inProgress: 0, gaveUp: 0, notStarted: 1, medianFixMs: 12.5 * MIN, medianHints: 1.5, mostFailedCheck: 'Images stored once', mostFailedCount: 2 });
    // played, not assigned: listed after the assigned ones
    expect(d.scenarios.map((s) => s.scenarioId)).toEqual([SCENARIO, OTHER]);
    expect(d.scenarios[1]).toMatchObject({ assigned: false, done: 1, notStarted: 2, medianFixMs: 30 * MIN, medianHints: 2, mostFailedCheck: 'Other check', mostFailedCount: 1 });
    const byStudent = d.studentScenarios.map((s) => [s.userId, s.scenarioId, s.state, s.attempts, s.fixMs, s.hints]);
    expect(byStudent.filter((r) => r[0] === kim.id).sort()).toEqual([
      [kim.id, OTHER, 'passed', 1, 30 * MIN, 2],
      [kim.id, SCENARIO, 'passed', 2, 20 * MIN, 3],
    ].sort());
    expect(byStudent.filter((r) => r[0] !== kim.id)).toEqual([[sam.id, SCENARIO, 'passed', 2, 5 * MIN, 0]]);
    const csv = table(d, 'scenarios');
    expect(csv.header).toContain('Median time to fix (min)');
    expect(csv.rows[0]).toEqual([findScenario(SCENARIO)!.title, SCENARIO, true, 2, 0, 0, 1, 12.5, 1.5, 'Images stored once', 2, null]);
    expect(table(d, 'student-scenarios').rows.find((r) => r[0] === sam.id)).toEqual([sam.id, `${sam.id}@school.edu`, findScenario(SCENARIO)!.title, 'passed', 2, 5, 0, at('01T07:00:00'), null]);
    expect(table(d, 'assignments').header).toContain('In progress');
  });

  it('the student’s list shows the scenario with its options and where to start it', async () => {
    const mine = await myAssignments(t.db, sam, at('05T00:00:00'));
    const item = mine.items.find((x) => x.kind === 'scenario')!;
    expect(item).toMatchObject({ href: `/sandbox/scenarios/${SCENARIO}`, scenario: { id: SCENARIO, hints: 'none', minutes: 25 }, status: { state: 'done' } });
    expect((await myAssignments(t.db, lee, at('05T00:00:00'))).items.find((x) => x.kind === 'scenario')!.status.state).toBe('open');
  });

  it('the hint policy applies to an assigned attempt until the student has passed it', async () => {
    const now = at('05T00:00:00');
    expect(await assignedScenario(t.db, lee.id, SCENARIO, now)).toMatchObject({ hints: 'none', minutes: 25, cohort: 'RAD 220' });
    expect(await assignedScenario(t.db, lee.id, SCENARIO, at('01T07:00:00'))).toBeNull(); // not open yet
    expect(await assignedScenario(t.db, lee.id, OTHER, now)).toBeNull();
    expect(await assignedScenario(t.db, sam.id, SCENARIO, now)).toBeNull(); // passed already
    expect(await assignedScenario(t.db, zoe.id, SCENARIO, now)).toBeNull(); // not in the cohort
    const run = await attempt(lee.id, SCENARIO, 'in-progress', at('05T00:00:00'), null);
    expect(await hintRefusal(t.db, lee.id, run.id, now)).toMatch(/no hints/);
    expect(await hintRefusal(t.db, kim.id, run.id, now)).toBeNull(); // not kim's: takeHint refuses it with 403
    // a stricter second assignment wins; a laxer one does not relax it
    await createAssignment(t.db, ann, cohortId, { ...base, kind: 'scenario', scenario: SCENARIO, hints: 'cost', minutes: '40', opensAt: '2027-03-01T08:00', dueAt: '2027-03-20T23:59' });
    expect(await assignedScenario(t.db, lee.id, SCENARIO, now)).toMatchObject({ hints: 'none', minutes: 25 });
    await t.db.scenarioAttempt.update({ where: { id: run.id }, data: { status: 'passed', finishedAt: at('05T00:10:00') } });
    expect(await hintRefusal(t.db, lee.id, run.id, now)).toBeNull();
  });

  it('scenario results: a student sees only their own, an instructor only their cohorts’', async () => {
    expect((await studentScenarios(t.db, sam, sam.id)).map((r) => r.scenarioId)).toEqual([SCENARIO]);
    expect(await status(studentScenarios(t.db, sam, kim.id))).toBe(403);
    expect(await status(studentScenarios(t.db, bob, kim.id))).toBe(403);
    expect((await studentScenarios(t.db, ann, kim.id)).map((r) => r.fixMs).sort()).toEqual([20 * MIN, 30 * MIN]);
    expect(await status(cohortDashboard(t.db, bob, cohortId, at('05T00:00:00')))).toBe(403);
    expect(await status(cohortDashboard(t.db, sam, cohortId, at('05T00:00:00')))).toBe(403);
  });
});
