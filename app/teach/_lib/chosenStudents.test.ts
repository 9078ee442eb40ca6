// Assignments to chosen students over a real database (SQLite, or PostgreSQL with TEST_DATABASE_URL): the form's
// checks (at least one, every one in this cohort: 422 naming who is not), who sees it, the dashboard's statuses,
// counts and CSV ("not assigned" is not missing), the scenario policy only for them, the clean-up when a student
// leaves (removed or moved; the assignment of a last chosen student is deleted, audited), and the refusals of
// Remove, Move and Delete (which the cohort page shows beside the button): nothing changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@/prisma/testing';
import { HttpError } from '@/app/_lib/errors';
import { cohortDashboard, createAssignment, createCohort, deleteAssignment, formValuesOf, joinCohort, moveStudent, myAssignments, removeStudent, updateAssignment } from './cohorts';
import { assignedScenario, hintRefusal, scenarioAssignmentScore } from './scenarioPolicy';
import { NOT_ASSIGNED, table } from './tables';

let t: TestDb;
let cohortId = '';
let otherCohortId = '';
let bobCohortId = '';
let sandboxId = '';
const ann = { id: 'inst-ann', role: 'instructor' as const };
const bob = { id: 'inst-bob', role: 'instructor' as const };
const sam = { id: 'stu-sam', role: 'student' as const, name: 'Sam Rivera' };
const kim = { id: 'stu-kim', role: 'student' as const, name: 'Kim Park' };
const lee = { id: 'stu-lee', role: 'student' as const, name: 'Lee Chen' };
const zoe = { id: 'stu-zoe', role: 'student' as const, name: 'Zoe Outside' };
const SCENARIO = 'send-failed-wrong-port';
const at = (s: string) => new Date(`2027-03-${s}Z`);
const dates = { opensAt: '2027-03-01T08:00', dueAt: '2027-03-08T23:59' };
const practice = { kind: 'practice' as const, lesson: '', category: '', size: 10, mockSize: 20, title: '', ...dates };

async function refusal(p: Promise<unknown>): Promise<{ status: number | 'ok'; message?: string; fields?: Record<string, string[]> }> {
  try {
    await p;
    return { status: 'ok' };
  } catch (e) {
    if (e instanceof HttpError) return { status: e.status, message: e.message, fields: e.details };
    throw e;
  }
}

beforeAll(async () => {
  t = await createTestDb();
  for (const u of [ann, bob, sam, kim, lee, zoe]) await t.db.user.create({ data: { id: u.id, name: 'name' in u ? u.name : u.id, email: `${u.id}@school.edu`, role: u.role } });
  sandboxId = (await t.db.sandbox.create({ data: { slug: 'chosen-test', name: 'Chosen test' } })).id;
  const c = await createCohort(t.db, ann, { name: 'RAD 230', term: 'Spring 2027' });
  cohortId = c.id;
  otherCohortId = (await createCohort(t.db, ann, { name: 'RAD 231', term: 'Spring 2027' })).id;
  bobCohortId = (await createCohort(t.db, bob, { name: 'Bob’s', term: 'Spring 2027' })).id;
  for (const s of [sam, kim, lee]) await joinCohort(t.db, s, c.joinCode);
});
afterAll(async () => t?.drop());

describe('assignments to chosen students', () => {
  it('the form: at least one student when chosen; each must be in this cohort (422 naming them)', async () => {
    const none = await refusal(createAssignment(t.db, ann, cohortId, { ...practice, audience: 'chosen', students: [] }));
    expect(none).toMatchObject({ status: 422, fields: { students: ['Tick at least one student, or choose the whole cohort.'] } });
    const stranger = await refusal(createAssignment(t.db, ann, cohortId, { ...practice, audience: 'chosen', students: [sam.id, zoe.id] }));
    expect(stranger).toMatchObject({ status: 422, message: `Zoe Outside (${zoe.id}@school.edu) is not in this cohort.` });
    expect(stranger.fields?.students).toEqual([`Zoe Outside (${zoe.id}@school.edu) is not in this cohort.`]);
    const unknown = await refusal(createAssignment(t.db, ann, cohortId, { ...practice, audience: 'chosen', students: 'no-such-user,' + zoe.id }));
    expect(unknown).toMatchObject({ status: 422, message: '2 of the chosen students are not in this cohort.' });
    expect(unknown.fields?.students).toHaveLength(2);
    expect(await t.db.assignment.count({ where: { cohortId } })).toBe(0);
    // another instructor's cohort: 403 before anything else
    expect((await refusal(createAssignment(t.db, bob, cohortId, { ...practice, audience: 'chosen', students: [sam.id] }))).status).toBe(403);
  });

  it('chosen students see it on their home page and get its scenario policy; the others do not', async () => {
    // the form sends the ticks comma-joined
    const p = await createAssignment(t.db, ann, cohortId, { ...practice, audience: 'chosen', students: `${sam.id},${kim.id},${sam.id}` }, 0, 'chosen1');
    expect((await t.db.assignmentStudent.findMany({ where: { assignmentId: p.id }, select: { userId: true }, orderBy: { userId: 'asc' } })).map((r) => r.userId)).toEqual([kim.id, sam.id]);
    expect(formValuesOf({ ...p, chosen: [{ userId: kim.id }, { userId: sam.id }] })).toMatchObject({ audience: 'chosen', students: `${kim.id},${sam.id}` });
    await createAssignment(t.db, ann, cohortId, { ...practice, kind: 'mock', title: 'Everyone’s mock' });
    await createAssignment(t.db, ann, cohortId, { ...practice, kind: 'scenario', scenario: SCENARIO, hints: 'none', minutes: '20', audience: 'chosen', students: [lee.id] });
    const when = at('02T00:00:00');
    const titles = async (who: { id: string; role: 'student' }) => (await myAssignments(t.db, who, when)).items.map((i) => i.title).sort();
    expect(await titles(sam)).toEqual(['Everyone’s mock', 'Practice: 10 items, all categories']);
    expect(await titles(kim)).toEqual(['Everyone’s mock', 'Practice: 10 items, all categories']);
    expect(await titles(lee)).toEqual(['Everyone’s mock', expect.stringMatching(/^Scenario: /)]);
    // the scenario's "no hints" applies to Lee only: Sam may take hints on his own attempt
    expect(await assignedScenario(t.db, lee.id, SCENARIO, when)).toMatchObject({ hints: 'none', minutes: 20 });
    expect(await assignedScenario(t.db, sam.id, SCENARIO, when)).toBeNull();
    const samRun = await t.db.scenarioAttempt.create({ data: { userId: sam.id, sandboxId, scenarioId: SCENARIO, status: 'in-progress', injectionIds: [], hints: [], checks: [], startedAt: when } });
    expect(await hintRefusal(t.db, sam.id, samRun.id, when)).toBeNull();
    const leeRun = await t.db.scenarioAttempt.create({ data: { userId: lee.id, sandboxId, scenarioId: SCENARIO, status: 'in-progress', injectionIds: [], hints: [], checks: [], startedAt: when } });
    expect(await hintRefusal(t.db, lee.id, leeRun.id, when)).toMatch(/no hints/);
  });

  it('the dashboard: others are "not assigned", not missing; counts, "3 students: …", scenario not-started and CSV count only the chosen', async () => {
    const d = await cohortDashboard(t.db, ann, cohortId, at('10T00:00:00'));
    const i = d.assignments.findIndex((a) => a.kind === 'practice');
    const j = d.assignments.findIndex((a) => a.kind === 'scenario');
    const m = d.assignments.findIndex((a) => a.kind === 'mock');
    expect(d.assignments[i]).toMatchObject({ assigned: 2, chosen: [{ userId: kim.id, name: 'Kim Park' }, { userId: sam.id, name: 'Sam Rivera' }] });
    expect(d.assignments[i].counts).toMatchObject({ missing: 2 });
    expect(d.assignments[j]).toMatchObject({ assigned: 1, chosen: [{ userId: lee.id }], counts: { 'in-progress': 1, missing: 0 } });
    expect(d.assignments[m]).toMatchObject({ assigned: 3, chosen: null, counts: { missing: 3 } });
    const lees = d.students.find((s) => s.userId === lee.id)!;
    expect(lees.statuses[i]).toBeNull();
    expect(lees.statuses[j]).toMatchObject({ state: 'in-progress' });
    expect(d.students.find((s) => s.userId === sam.id)!.statuses[j]).toBeNull();
    // the scenario is given to Lee alone, who started it: nobody "not started" (Sam played it on his own)
    expect(d.scenarios.find((s) => s.scenarioId === SCENARIO)).toMatchObject({ assigned: true, notStarted: 0, inProgress: 2 });
    const csv = table(d, 'students');
    const leeRow = csv.rows.find((r) => r[0] === 'Lee Chen')!;
    expect(leeRow[leeRow.length - 3 + i]).toBe(NOT_ASSIGNED);
    const assignments = table(d, 'assignments');
    expect(assignments.header.slice(-2)).toEqual(['Students given it', 'Given to']);
    expect(assignments.rows[i].slice(-2)).toEqual([2, 'Kim Park; Sam Rivera']);
    expect(assignments.rows[m].slice(-2)).toEqual([3, 'whole cohort']);
  });

  it('an edit changes who it is given to (checked the same way; audited); back to the whole cohort drops the rows', async () => {
    const a = (await t.db.assignment.findFirst({ where: { cohortId, kind: 'practice' } }))!;
    const form = { ...formValuesOf(a), ...dates };
    expect(await refusal(updateAssignment(t.db, ann, a.id, { ...form, audience: 'chosen', students: zoe.id }))).toMatchObject({ status: 422, message: expect.stringMatching(/Zoe Outside .* is not in this cohort/) });
    await updateAssignment(t.db, ann, a.id, { ...form, audience: 'chosen', students: `${lee.id},${kim.id}` });
    expect((await t.db.assignmentStudent.findMany({ where: { assignmentId: a.id }, orderBy: { userId: 'asc' } })).map((r) => r.userId)).toEqual([kim.id, lee.id]);
    const audit = await t.db.auditEvent.findFirst({ where: { action: 'assignment.update' }, orderBy: { at: 'desc' } });
    expect(audit?.detail).toMatchObject({ before: { students: [kim.id, sam.id] }, after: { students: [kim.id, lee.id] } });
    await updateAssignment(t.db, ann, a.id, { ...form, audience: 'cohort', students: `${lee.id}` });
    expect(await t.db.assignmentStudent.count({ where: { assignmentId: a.id } })).toBe(0);
    await updateAssignment(t.db, ann, a.id, { ...form, audience: 'chosen', students: [kim.id, sam.id] });
  });

  it('Remove, Move and Delete refuse in words and change nothing: not your cohort 403, not in it 404, same cohort 422, gone 404', async () => {
    const before = await t.db.enrollment.count();
    expect(await refusal(removeStudent(t.db, bob, cohortId, sam.id))).toMatchObject({ status: 403, message: 'This cohort belongs to another instructor.' });
    expect(await refusal(removeStudent(t.db, sam, cohortId, kim.id))).toMatchObject({ status: 403 });
    expect(await refusal(removeStudent(t.db, ann, cohortId, zoe.id))).toMatchObject({ status: 404, message: expect.stringMatching(/not in this cohort/) });
    expect(await refusal(moveStudent(t.db, ann, cohortId, bobCohortId, sam.id))).toMatchObject({ status: 403, message: 'This cohort belongs to another instructor.' });
    expect(await refusal(moveStudent(t.db, bob, cohortId, bobCohortId, sam.id))).toMatchObject({ status: 403 });
    expect(await refusal(moveStudent(t.db, ann, cohortId, cohortId, sam.id))).toMatchObject({ status: 422, message: expect.stringMatching(/already in this cohort/) });
    expect(await refusal(moveStudent(t.db, ann, cohortId, '', sam.id))).toMatchObject({ status: 422 });
    expect(await refusal(moveStudent(t.db, ann, cohortId, otherCohortId, zoe.id))).toMatchObject({ status: 404, message: expect.stringMatching(/not in this cohort/) });
    expect(await t.db.enrollment.count()).toBe(before);
    const a = (await t.db.assignment.findFirst({ where: { cohortId, kind: 'mock' } }))!;
    expect(await refusal(deleteAssignment(t.db, bob, a.id))).toMatchObject({ status: 403 });
    expect(await refusal(deleteAssignment(t.db, ann, 'no-such-assignment'))).toMatchObject({ status: 404, message: expect.stringMatching(/already gone/) });
    expect(await t.db.assignment.count({ where: { id: a.id } })).toBe(1);
    expect(await t.db.assignmentStudent.count()).toBe(3);
  });

  it('a student who leaves is dropped from the chosen students; an assignment left with none is deleted, audited', async () => {
    const practiceA = (await t.db.assignment.findFirst({ where: { cohortId, kind: 'practice' } }))!; // Kim and Sam
    const scenarioA = (await t.db.assignment.findFirst({ where: { cohortId, kind: 'scenario' } }))!; // Lee alone
    // Kim is moved: no longer chosen for the practice set, which stays Sam's
    const moved = await moveStudent(t.db, ann, cohortId, otherCohortId, kim.id);
    expect(moved).toEqual({ emptied: [], to: 'RAD 231' });
    expect((await t.db.assignmentStudent.findMany({ where: { assignmentId: practiceA.id } })).map((r) => r.userId)).toEqual([sam.id]);
    expect((await myAssignments(t.db, kim, at('02T00:00:00'))).items).toEqual([]);
    // Lee is removed: the scenario was given to Lee alone, so it goes (not silently the whole cohort's)
    const removed = await removeStudent(t.db, ann, cohortId, lee.id);
    expect(removed.emptied.map((a) => a.id)).toEqual([scenarioA.id]);
    expect(await t.db.assignment.count({ where: { id: scenarioA.id } })).toBe(0);
    expect(await t.db.auditEvent.findFirst({ where: { action: 'assignment.delete', reason: 'its last chosen student left the cohort' } })).toMatchObject({ actorId: ann.id, detail: { id: scenarioA.id, userId: lee.id } });
    expect((await t.db.auditEvent.findFirst({ where: { action: 'cohort.remove' }, orderBy: { at: 'desc' } }))?.detail).toMatchObject({ userId: lee.id, deletedAssignments: [scenarioA.id] });
    // Sam still sees the practice set; the cohort's dashboard has the two assignments left
    expect((await myAssignments(t.db, sam, at('02T00:00:00'))).items.map((i) => i.kind).sort()).toEqual(['mock', 'practice']);
    const d = await cohortDashboard(t.db, ann, cohortId, at('10T00:00:00'));
    expect(d.assignments.map((a) => [a.kind, a.assigned])).toEqual(expect.arrayContaining([['practice', 1], ['mock', 1]]));
    expect(d.assignments).toHaveLength(2);
  });

  it('hints cost: a number per hint (checked), the score on the dashboard, its CSV and the scenario page', async () => {
    const form = { ...practice, kind: 'scenario' as const, scenario: SCENARIO, hints: 'cost', minutes: '', audience: 'chosen' as const, students: [sam.id] };
    expect(await refusal(createAssignment(t.db, ann, cohortId, { ...form, hintCost: '0' }))).toMatchObject({ status: 422, fields: { hintCost: ['Enter whole points from 1 to 100 per hint, or leave it empty for 10.'] } });
    const a = await createAssignment(t.db, ann, cohortId, { ...form, hintCost: '15' });
    expect(a.target).toMatch(/&hints=cost&minutes=\d+&cost=15$/);
    expect(formValuesOf(a)).toMatchObject({ hints: 'cost', hintCost: '15' });
    const when = at('02T01:00:00');
    expect(await assignedScenario(t.db, sam.id, SCENARIO, when)).toMatchObject({ hints: 'cost', cost: 15 });
    expect(await scenarioAssignmentScore(t.db, sam.id, SCENARIO, when)).toMatchObject({ score: 0, fixed: false, cost: 15 });
    // Sam's running attempt is fixed with 2 hints: 100 − 2 × 15
    const hints = [1, 2].map((step) => ({ faultId: 'send-wrong-port', step, at: at('02T00:10:00').toISOString() }));
    await t.db.scenarioAttempt.updateMany({ where: { userId: sam.id, scenarioId: SCENARIO }, data: { status: 'passed', finishedAt: at('02T00:20:00'), hints } });
    expect(await scenarioAssignmentScore(t.db, sam.id, SCENARIO, when)).toMatchObject({ score: 70, fixed: true });
    const d = await cohortDashboard(t.db, ann, cohortId, when);
    expect(d.studentScenarios.find((r) => r.userId === sam.id)).toMatchObject({ hints: 2, score: 70 });
    expect(d.scenarios.find((r) => r.scenarioId === SCENARIO)).toMatchObject({ medianScore: 70, notStarted: 0 });
    expect(table(d, 'student-scenarios').rows.find((r) => r[0] === 'Sam Rivera')!.at(-1)).toBe(70);
    expect(table(d, 'scenarios').rows.find((r) => r[1] === SCENARIO)!.at(-1)).toBe(70);
    const i = d.assignments.findIndex((x) => x.id === a.id);
    expect(d.students.find((s) => s.userId === sam.id)!.statuses[i]).toMatchObject({ state: 'done', score: 70 });
    expect((await myAssignments(t.db, sam, when)).items.find((x) => x.id === a.id)!.status.score).toBe(70);
  });
});
