// Cohorts over a real database (SQLite, or PostgreSQL with TEST_DATABASE_URL): who may see what, joining,
// moving, and the dashboard's figures from real answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@/prisma/testing';
import { questionBank } from '@/app/_lib/content';
import { submitAnswer } from '@/app/_lib/answers';
import { HttpError } from '@/app/_lib/errors';
import { cohortDashboard, cohortFor, cohortsFor, createAssignment, createCohort, deleteAssignment, joinCohort, moveStudent, myAssignments, removeStudent, studentResults, updateAssignment } from './cohorts';

let t: TestDb;
const t0 = new Date('2027-03-01T09:00:00Z');
const ann = { id: 'inst-ann', role: 'instructor' as const };
const bob = { id: 'inst-bob', role: 'instructor' as const };
const admin = { id: 'admin', role: 'admin' as const };
const sam = { id: 'stu-sam', role: 'student' as const };
const kim = { id: 'stu-kim', role: 'student' as const };

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
  for (const u of [ann, bob, admin, sam, kim]) await t.db.user.create({ data: { id: u.id, name: u.id, email: `${u.id}@school.edu`, role: u.role } });
});
afterAll(async () => t?.drop());

describe('cohorts', () => {
  it('an instructor sees and manages only their own cohorts; an admin sees all; a student none', async () => {
    const a = await createCohort(t.db, ann, { name: 'RAD 210 A', term: 'Spring 2027' });
    const b = await createCohort(t.db, bob, { name: 'RAD 210 B', term: 'Spring 2027' });
    expect(a.joinCode).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect((await cohortsFor(t.db, ann)).map((c) => c.id)).toEqual([a.id]);
    expect((await cohortsFor(t.db, admin)).map((c) => c.id).sort()).toEqual([a.id, b.id].sort());
    expect(await status(cohortFor(t.db, bob, a.id))).toBe(403);
    expect(await status(cohortDashboard(t.db, bob, a.id, t0))).toBe(403);
    expect(await status(cohortFor(t.db, admin, a.id))).toBe('ok');
    expect(await status(cohortFor(t.db, sam, a.id))).toBe(403);
    expect(await status(cohortsFor(t.db, sam))).toBe(403);
    expect(await status(cohortFor(t.db, ann, 'nope'))).toBe(404);
    expect(await status(createCohort(t.db, sam, { name: 'Mine', term: 'x' }))).toBe(403);
  });

  it('students join by code; results are their own or their instructor’s to read', async () => {
    const a = (await cohortsFor(t.db, ann))[0];
    expect(await status(joinCohort(t.db, sam, 'ZZZZ-ZZZZ'))).toBe(404);
    await joinCohort(t.db, sam, a.joinCode.toLowerCase().replace('-', ''));
    await joinCohort(t.db, sam, a.joinCode);
    await joinCohort(t.db, kim, a.joinCode);
    expect(await t.db.enrollment.count({ where: { cohortId: a.id } })).toBe(2);
    expect(await status(studentResults(t.db, sam, sam.id, t0))).toBe('ok');
    expect(await status(studentResults(t.db, sam, kim.id, t0))).toBe(403);
    expect(await status(studentResults(t.db, ann, kim.id, t0))).toBe('ok');
    expect(await status(studentResults(t.db, bob, kim.id, t0))).toBe(403);
    expect(await status(removeStudent(t.db, bob, a.id, kim.id))).toBe(403);
  });

  it('an assigned practice set shows as done on the dashboard and the student’s list', async () => {
    const a = (await cohortsFor(t.db, ann))[0];
    await createAssignment(t.db, ann, a.id, { kind: 'practice', lesson: '', category: '', size: 10, mockSize: 20, title: '', opensAt: '2027-03-01T08:00', dueAt: '2027-03-08T23:59' }, 0, 'seed1');
    expect(await status(createAssignment(t.db, bob, a.id, { kind: 'mock', lesson: '', category: '', size: 10, mockSize: 20, title: '', opensAt: '2027-03-01T08:00', dueAt: '2027-03-08T23:59' }))).toBe(403);
    const items = [...questionBank().values()].filter((q) => !q.id.startsWith('check-') && q.type === 'single').slice(0, 10);
    for (const [i, q] of items.entries()) {
      const wrong = q.options.find((o) => !q.key.includes(o.id))!.id;
      await submitAnswer(t.db, sam.id, { questionId: q.id, answer: i < 7 ? [...q.key] : [wrong], mode: 'practice', set: 'seed1' }, new Date(t0.getTime() + i * 60_000));
    }
    const d = await cohortDashboard(t.db, ann, a.id, new Date('2027-03-02T00:00:00Z'));
    const s = d.students.find((x) => x.userId === sam.id)!;
    expect(s).toMatchObject({ answered: 10, accuracy: 70 });
    expect(s.statuses[0]).toMatchObject({ state: 'done', done: 10, of: 10 });
    expect(d.students.find((x) => x.userId === kim.id)!.statuses[0]?.state).toBe('open');
    expect(d.assignments[0].counts).toMatchObject({ done: 1, open: 1 });
    expect(d.missed).toHaveLength(3);
    expect(d.missed[0].distractor).toMatch(/^[A-F]: /);
    const mine = await myAssignments(t.db, sam, new Date('2027-03-02T00:00:00Z'));
    expect(mine.items.map((x) => x.status.state)).toEqual(['done']);
    expect(mine.items[0].href).toBe('/practice?size=10&set=seed1');
  });

  it('moves a student only between cohorts the instructor manages', async () => {
    const a = (await cohortsFor(t.db, ann))[0];
    const a2 = await createCohort(t.db, ann, { name: 'RAD 210 C', term: 'Spring 2027' });
    const b = (await cohortsFor(t.db, bob))[0];
    expect(await status(moveStudent(t.db, ann, a.id, b.id, kim.id))).toBe(403);
    await moveStudent(t.db, ann, a.id, a2.id, kim.id);
    expect(await t.db.enrollment.findMany({ where: { userId: kim.id }, select: { cohortId: true } })).toEqual([{ cohortId: a2.id }]);
    await removeStudent(t.db, ann, a2.id, kim.id);
    expect(await t.db.enrollment.count({ where: { userId: kim.id } })).toBe(0);
  });

  it('edits and deletes an assignment: its instructor only, checked like a new one, audited', async () => {
    const a = (await cohortsFor(t.db, ann))[0];
    const made = await createAssignment(t.db, ann, a.id, { kind: 'practice', lesson: '', category: '', size: 10, mockSize: 20, title: '', opensAt: '2027-03-01T08:00', dueAt: '2027-03-08T23:59' }, 0, 'seed2');
    const form = { title: 'Week 2 practice', category: 'safety', lesson: '', size: '20', mockSize: '20', opensAt: '2027-03-02T08:00', dueAt: '2027-03-09T23:59' };
    expect(await status(updateAssignment(t.db, bob, made.id, form))).toBe(403);
    expect(await status(updateAssignment(t.db, sam, made.id, form))).toBe(403);
    expect(await status(updateAssignment(t.db, ann, 'nope', form))).toBe(404);
    const bad = await updateAssignment(t.db, ann, made.id, { ...form, dueAt: '2027-03-01T08:00', size: '7' }).catch((e: HttpError) => e);
    expect(bad).toMatchObject({ status: 422 });
    expect(Object.keys((bad as HttpError).details ?? {}).sort()).toEqual(['dueAt', 'size']);
    // a kind cannot be changed by the form, nor a practice set's seed (the answers so far still count)
    const edited = await updateAssignment(t.db, ann, made.id, { ...form, kind: 'mock' }, 60);
    expect(edited).toMatchObject({ kind: 'practice', title: 'Week 2 practice', target: 'category=safety&size=20&set=seed2' });
    expect(edited.opensAt.toISOString()).toBe('2027-03-02T09:00:00.000Z');
    expect(edited.dueAt.toISOString()).toBe('2027-03-10T00:59:00.000Z');
    // an empty title is made from the target, as for a new assignment
    expect((await updateAssignment(t.db, ann, made.id, { ...form, title: '' })).title).toBe('Practice: 20 items, Safety');
    const audit = await t.db.auditEvent.findFirst({ where: { action: 'assignment.update' }, orderBy: { at: 'asc' } });
    expect(audit).toMatchObject({ actorId: ann.id, target: `cohort:${a.id}` });
    expect(audit!.detail).toMatchObject({ id: made.id, before: { target: 'size=10&set=seed2', title: 'Practice: 10 items, all categories' }, after: { target: 'category=safety&size=20&set=seed2', title: 'Week 2 practice' } });

    expect(await status(deleteAssignment(t.db, bob, made.id))).toBe(403);
    expect(await status(deleteAssignment(t.db, sam, made.id))).toBe(403);
    await deleteAssignment(t.db, ann, made.id);
    expect(await t.db.assignment.findUnique({ where: { id: made.id } })).toBeNull();
    expect((await t.db.auditEvent.findFirst({ where: { action: 'assignment.delete' } }))?.detail).toMatchObject({ id: made.id, kind: 'practice' });
    expect(await status(deleteAssignment(t.db, ann, made.id))).toBe(404);
  });
});
