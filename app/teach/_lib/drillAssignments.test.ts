// Fault-drill assignments over a real database (SQLite, or PostgreSQL with TEST_DATABASE_URL): the instructor ticks
// faults in the assignment form ("Scenario: Fault drill" and `faults`); the target stores the drill's id and the
// form's options, and round-trips through the form's parser; faults that cannot run together are refused with a
// sentence under the faults, on create and on edit, and nothing is saved; the student's list links to the drill,
// the scenario page's policy applies to it, and the dashboard and its CSV name it by its title.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@/prisma/testing';
import { drillScenario } from '@/content/scenarios';
import { HttpError } from '@/app/_lib/errors';
import { cohortDashboard, createAssignment, createCohort, formValuesOf, joinCohort, myAssignments, newAssignmentInput, updateAssignment } from './cohorts';
import { scenarioTarget } from './assignmentStatus';
import { assignedScenario } from './scenarioPolicy';
import { table } from './tables';

let t: TestDb;
let cohortId = '';
let sandboxId = '';
const ann = { id: 'inst-ann', role: 'instructor' as const };
const sam = { id: 'stu-sam', role: 'student' as const };
const kim = { id: 'stu-kim', role: 'student' as const };
const base = { kind: 'scenario' as const, lesson: '', category: '', size: 10, mockSize: 20, title: '', hints: 'allowed', minutes: '', opensAt: '2027-03-01T08:00', dueAt: '2027-03-08T23:59' };
const DRILL = drillScenario(['send-wrong-port.port', 'mpps-in-progress']);
const at = (s: string) => new Date(`2027-03-${s}Z`);

async function refusal(p: Promise<unknown>): Promise<HttpError> {
  const e = await p.then(() => null, (x: unknown) => x);
  if (!(e instanceof HttpError)) throw new Error(`expected a refusal, got ${String(e)}`);
  return e;
}

beforeAll(async () => {
  t = await createTestDb();
  for (const u of [ann, sam, kim]) await t.db.user.create({ data: { id: u.id, name: u.id, email: `${u.id}@school.edu`, role: u.role } });
  sandboxId = (await t.db.sandbox.create({ data: { slug: 'drill-test', name: 'Drill test' } })).id;
  const c = await createCohort(t.db, ann, { name: 'RAD 230', term: 'Spring 2027' });
  cohortId = c.id;
  for (const s of [sam, kim]) await joinCohort(t.db, s, c.joinCode);
});
afterAll(async () => t?.drop());

describe('fault-drill assignments', () => {
  it('store the drill id with the options; the budget is the drill’s; the form round-trips', async () => {
    // the form sends one `faults` field per tick: the action comma-joins them (actions.ts submitted())
    const a = await createAssignment(t.db, ann, cohortId, { ...base, scenario: 'drill', faults: 'send-wrong-port.port,mpps-in-progress', hints: 'cost', hintCost: '20' });
    expect(scenarioTarget(a.target)).toEqual({ id: DRILL.id, hints: 'cost', minutes: DRILL.timeBudgetMinutes, cost: 20 });
    expect(DRILL.timeBudgetMinutes).toBe(20);
    expect(a.title).toBe('Scenario: Fault drill: MPPS in progress, wrong port');
    const values = formValuesOf(a);
    expect(values).toMatchObject({ kind: 'scenario', scenario: 'drill', faults: 'mpps-in-progress,send-wrong-port.port', hints: 'cost', hintCost: '20', minutes: '20', title: '' });
    // what the edit form sends back parses to the same drill, as a list or comma-joined
    const parsed = newAssignmentInput.parse({ ...values, opensAt: base.opensAt, dueAt: base.dueAt });
    expect(parsed).toMatchObject({ scenario: 'drill', faults: ['mpps-in-progress', 'send-wrong-port.port'] });
    expect(newAssignmentInput.parse({ ...values, faults: ['send-wrong-port.port', 'mpps-in-progress'], opensAt: base.opensAt, dueAt: base.dueAt }).faults).toEqual(['send-wrong-port.port', 'mpps-in-progress']);
    const same = await updateAssignment(t.db, ann, a.id, { ...values, opensAt: base.opensAt, dueAt: base.dueAt });
    expect(same).toMatchObject({ target: a.target, title: a.title });
    // an edit to a written scenario and back to a drill of other faults
    const written = await updateAssignment(t.db, ann, a.id, { ...values, scenario: 'split-study', opensAt: base.opensAt, dueAt: base.dueAt });
    expect(scenarioTarget(written.target)?.id).toBe('split-study');
    expect(formValuesOf(written)).toMatchObject({ scenario: 'split-study', faults: '' });
    const other = await updateAssignment(t.db, ann, a.id, { ...values, faults: 'pacs-offline', minutes: '', opensAt: base.opensAt, dueAt: base.dueAt });
    expect(scenarioTarget(other.target)).toMatchObject({ id: 'drill~pacs-offline', minutes: drillScenario(['pacs-offline']).timeBudgetMinutes });
    expect(other.title).toBe('Scenario: Fault drill: PACS offline');
    await updateAssignment(t.db, ann, a.id, { ...values, opensAt: base.opensAt, dueAt: base.dueAt });
  });

  it('refuse faults that cannot run together, with the reason under the faults, on create and on edit', async () => {
    const before = await t.db.assignment.count();
    const clash = await refusal(createAssignment(t.db, ann, cohortId, { ...base, scenario: 'drill', faults: ['split-study', 'pacs-offline'] }));
    expect(clash.status).toBe(422);
    expect(clash.details?.faults).toEqual([
      '“Send failed — PACS offline” cannot go with “Split study — one exam under two studies”: it breaks the archive storing what it is sent (its service and its storage quota), which “Split study — one exam under two studies” needs working to be set up. Tick only one of them, or give them as two drills.',
    ]);
    expect((await refusal(createAssignment(t.db, ann, cohortId, { ...base, scenario: 'drill', faults: 'send-wrong-port.port,syntax-not-accepted' }))).details?.faults?.[0]).toMatch(/both break CT1's sends to the archive/);
    expect((await refusal(createAssignment(t.db, ann, cohortId, { ...base, scenario: 'drill', faults: 'worklist-missing.date,worklist-missing.hl7-down' }))).details?.faults?.[0]).toMatch(/one fault in two modes/);
    expect((await refusal(createAssignment(t.db, ann, cohortId, { ...base, scenario: 'drill', faults: '' }))).details).toEqual({ faults: ['Tick at least one fault for the drill.'] });
    expect((await refusal(createAssignment(t.db, ann, cohortId, { ...base, scenario: 'drill', faults: 'split-study,merged-study,mpps-in-progress,wrong-patient' }))).details?.faults?.[0]).toMatch(/At most 3 faults/);
    expect((await refusal(createAssignment(t.db, ann, cohortId, { ...base, scenario: 'drill', faults: 'printer-on-fire' }))).details?.faults).toEqual(['There is no fault “printer-on-fire” to drill: choose from the list.']);
    // a drill id typed in the Scenario field is not a written scenario
    expect((await refusal(createAssignment(t.db, ann, cohortId, { ...base, scenario: DRILL.id }))).details?.scenario).toEqual(['Choose a fault scenario.']);
    const a = (await t.db.assignment.findFirst({ where: { cohortId, kind: 'scenario' } }))!;
    const edit = await refusal(updateAssignment(t.db, ann, a.id, { ...formValuesOf(a), faults: 'pacs-offline,mpps-in-progress', opensAt: base.opensAt, dueAt: base.dueAt }));
    expect(edit.details?.faults?.[0]).toMatch(/^“Send failed — PACS offline” cannot go with “MPPS left IN PROGRESS”/);
    expect(await t.db.assignment.count()).toBe(before);
    expect((await t.db.assignment.findUniqueOrThrow({ where: { id: a.id } })).target).toBe(a.target);
  });

  it('the student’s list links to the drill; its hint policy and budget apply on the scenario page', async () => {
    const now = at('05T00:00:00');
    const item = (await myAssignments(t.db, sam, now)).items.find((x) => x.kind === 'scenario')!;
    expect(item).toMatchObject({ href: `/sandbox/scenarios/${DRILL.id}`, title: 'Scenario: Fault drill: MPPS in progress, wrong port', scenario: { id: DRILL.id, hints: 'cost', minutes: 20, cost: 20 }, status: { state: 'open' } });
    expect(await assignedScenario(t.db, sam.id, DRILL.id, now)).toMatchObject({ hints: 'cost', cost: 20, minutes: 20, cohort: 'RAD 230' });
  });

  it('the dashboard and its CSV name the drill by its title; a passed attempt completes the assignment', async () => {
    const startedAt = at('02T09:00:00');
    await t.db.scenarioAttempt.create({ data: { userId: sam.id, sandboxId, scenarioId: DRILL.id, status: 'passed', injectionIds: [], hints: [], checks: [], startedAt, finishedAt: new Date(startedAt.getTime() + 14 * 60_000) } });
    const d = await cohortDashboard(t.db, ann, cohortId, at('05T00:00:00'));
    expect(d.scenarios.find((s) => s.scenarioId === DRILL.id)).toMatchObject({ title: DRILL.title, assigned: true, done: 1, notStarted: 1, medianFixMs: 14 * 60_000 });
    expect(table(d, 'scenarios').rows.find((r) => r[1] === DRILL.id)?.[0]).toBe(DRILL.title);
    expect(table(d, 'student-scenarios').rows.find((r) => r[0] === sam.id)?.[2]).toBe(DRILL.title);
    expect((await myAssignments(t.db, sam, at('05T00:00:00'))).items.find((x) => x.kind === 'scenario')!.status).toMatchObject({ state: 'done', score: 100 });
  });
});
