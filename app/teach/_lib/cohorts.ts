// Cohorts, enrollments and assignments: the one data module behind the /teach pages, actions and CSV routes.
// Every read and write takes the viewer and checks it here, on the server: an admin may touch any cohort, an
// instructor only the cohorts they own (403 otherwise), a student only their own results.
import { z } from 'zod';
import type { Db } from '@/prisma/db';
import { Prisma } from '@/prisma/generated/sqlite/client';
import { CATEGORIES, type CategoryId } from '@/content/schema';
import { allLessons, questionBank } from '@/app/_lib/content';
import { fieldErrors, HttpError } from '@/app/_lib/errors';
import { hasRole } from '@/app/_lib/roles';
import type { Viewer } from '@/app/_lib/session';
import { DRILL_CHOICE, DrillError, drillScenario, findScenario, isDrillId, loadScenarios } from '@/content/scenarios';
import { assignmentHref, assignmentProgress, assignmentStatus, ASSIGNMENT_STATES, forStudent, HINT_POLICIES, practiceTarget, scenarioTarget, scenarioTargetString, statusOf, type AssignmentProgress, type AssignmentStatus, type HintPolicy, type StudentActivity } from './assignmentStatus';
import { cohortScenarioRows, costedAssignments, scenarioRunOf, studentScenarioRows, type CohortScenarioRow, type FailedCheckCount, type ScenarioAttemptFigures, type StudentScenarioRow } from './scenarioFigures';
import { newJoinCode, normalizeJoinCode } from './joinCode';
import { DEFAULT_HINT_COST } from './scenarioScore';

type Who = Pick<Viewer, 'id' | 'role'>;

/** The cohort if `who` may manage it: 404 if there is none, 403 if it is another instructor's. */
export async function cohortFor(db: Db, who: Who, cohortId: string) {
  if (!hasRole(who.role, 'instructor')) throw new HttpError(403, 'Only instructors can see a cohort’s results.');
  const cohort = await db.cohort.findUnique({ where: { id: cohortId }, include: { instructor: { select: { name: true } } } });
  if (!cohort) throw new HttpError(404, 'There is no such cohort.');
  if (who.role !== 'admin' && cohort.instructorId !== who.id) throw new HttpError(403, 'This cohort belongs to another instructor.');
  return cohort;
}

export async function cohortsFor(db: Db, who: Who) {
  if (!hasRole(who.role, 'instructor')) throw new HttpError(403, 'Only instructors have cohorts.');
  return db.cohort.findMany({
    where: who.role === 'admin' ? {} : { instructorId: who.id },
    orderBy: { createdAt: 'desc' },
    include: { instructor: { select: { name: true } }, _count: { select: { enrollments: true, assignments: true } } },
  });
}

export const newCohortInput = z.object({
  name: z.string().trim().min(2, 'Name the cohort, e.g. RAD 210 Section A.').max(80, 'At most 80 characters.'),
  term: z.string().trim().min(2, 'Enter the term, e.g. Spring 2027.').max(40, 'At most 40 characters.'),
});

export async function createCohort(db: Db, who: Who, input: z.infer<typeof newCohortInput>) {
  if (!hasRole(who.role, 'instructor')) throw new HttpError(403, 'Only instructors can create a cohort.');
  for (let tries = 0; ; tries++) {
    try {
      const cohort = await db.cohort.create({ data: { ...input, joinCode: newJoinCode(), instructorId: who.id } });
      await db.auditEvent.create({ data: { actorId: who.id, action: 'cohort.create', target: `cohort:${cohort.id}`, detail: { ...input, joinCode: cohort.joinCode } } });
      return cohort;
    } catch (error) {
      // a join-code collision: draw again (a few times at most)
      if ((error as { code?: string }).code !== 'P2002' || tries >= 4) throw error;
    }
  }
}

/** A signed-in student joins by code; joining twice is harmless. */
export async function joinCohort(db: Db, who: Who, code: string) {
  const joinCode = normalizeJoinCode(code);
  const cohort = joinCode ? await db.cohort.findUnique({ where: { joinCode } }) : null;
  if (!cohort) throw new HttpError(404, 'No cohort has that join code. Check it with your instructor (it looks like K7Q2-9XMN).');
  await db.enrollment.upsert({ where: { cohortId_userId: { cohortId: cohort.id, userId: who.id } }, create: { cohortId: cohort.id, userId: who.id }, update: {} });
  return cohort;
}

type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

/** An assignment given to chosen students whose last chosen student left: deleted with them (see dropChosen). */
export interface EmptiedAssignment {
  id: string;
  title: string;
  kind: string;
  target: string;
}

/**
 * A student leaves a cohort: they are no longer a chosen student of its assignments. "No chosen students" means the
 * whole cohort, so an assignment whose last chosen student leaves would silently become the whole cohort's; it is
 * deleted instead (in the same transaction, audited), and the instructor is told so.
 */
async function dropChosen(tx: Tx, cohortId: string, userId: string): Promise<EmptiedAssignment[]> {
  const rows = await tx.assignmentStudent.findMany({ where: { userId, assignment: { cohortId } }, select: { assignmentId: true } });
  if (!rows.length) return [];
  const ids = rows.map((r) => r.assignmentId);
  await tx.assignmentStudent.deleteMany({ where: { userId, assignmentId: { in: ids } } });
  const emptied = await tx.assignment.findMany({ where: { id: { in: ids }, students: { none: {} } }, select: { id: true, title: true, kind: true, target: true }, orderBy: { dueAt: 'asc' } });
  if (emptied.length) await tx.assignment.deleteMany({ where: { id: { in: emptied.map((a) => a.id) } } });
  return emptied;
}

async function auditEmptied(tx: Tx, who: Who, cohortId: string, userId: string, emptied: EmptiedAssignment[]) {
  for (const a of emptied) {
    await tx.auditEvent.create({ data: { actorId: who.id, action: 'assignment.delete', target: `cohort:${cohortId}`, reason: 'its last chosen student left the cohort', detail: { id: a.id, kind: a.kind, target: a.target, userId } } });
  }
}

const notInCohort = () => new HttpError(404, 'That student is not in this cohort (already removed or moved?).');

/** Removes a student from a cohort, and from the chosen students of its assignments (one transaction). */
export async function removeStudent(db: Db, who: Who, cohortId: string, userId: string): Promise<{ emptied: EmptiedAssignment[] }> {
  await cohortFor(db, who, cohortId);
  return db.$transaction(async (tx) => {
    const { count } = await tx.enrollment.deleteMany({ where: { cohortId, userId } });
    if (!count) throw notInCohort();
    const emptied = await dropChosen(tx, cohortId, userId);
    await tx.auditEvent.create({ data: { actorId: who.id, action: 'cohort.remove', target: `cohort:${cohortId}`, detail: { userId, ...(emptied.length ? { deletedAssignments: emptied.map((a) => a.id) } : {}) } } });
    await auditEmptied(tx, who, cohortId, userId, emptied);
    return { emptied };
  });
}

/** Moves a student to another cohort the viewer also manages (both checked); the old cohort's assignments as removeStudent. */
export async function moveStudent(db: Db, who: Who, fromId: string, toId: string, userId: string): Promise<{ emptied: EmptiedAssignment[]; to: string }> {
  await cohortFor(db, who, fromId);
  if (!toId) throw new HttpError(422, 'Choose the cohort to move the student to.');
  if (fromId === toId) throw new HttpError(422, 'The student is already in this cohort: choose a different cohort.');
  const to = await cohortFor(db, who, toId);
  return db.$transaction(async (tx) => {
    const from = await tx.enrollment.findUnique({ where: { cohortId_userId: { cohortId: fromId, userId } } });
    if (!from) throw notInCohort();
    await tx.enrollment.delete({ where: { id: from.id } });
    await tx.enrollment.upsert({ where: { cohortId_userId: { cohortId: toId, userId } }, create: { cohortId: toId, userId }, update: {} });
    const emptied = await dropChosen(tx, fromId, userId);
    await tx.auditEvent.create({ data: { actorId: who.id, action: 'cohort.move', target: `cohort:${fromId}`, detail: { userId, to: toId, ...(emptied.length ? { deletedAssignments: emptied.map((a) => a.id) } : {}) } } });
    await auditEmptied(tx, who, fromId, userId, emptied);
    return { emptied, to: to.name };
  });
}

export const PRACTICE_SIZES = [10, 20, 30, 50] as const;
export const MOCK_SIZES = [20, 50] as const;

const dateTime = (what: string) => z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, `Choose the ${what} date and time.`);
export const newAssignmentInput = z
  .object({
    kind: z.enum(['lesson', 'practice', 'mock', 'scenario'], { message: 'Choose what to assign.' }),
    lesson: z.string().default(''),
    category: z.string().default(''),
    size: z.coerce.number().default(10),
    mockSize: z.coerce.number().default(20),
    /** a written scenario's id, or DRILL_CHOICE ("drill") with the drill's faults in `faults` */
    scenario: z.string().default(''),
    /** scenario=drill: the faults ticked (`fault-id` or `fault-id.mode`; the form sends them comma-joined) */
    faults: z
      .union([z.string(), z.array(z.string())])
      .default([])
      .transform((v) => [...new Set((typeof v === 'string' ? v.split(',') : v).map((x) => x.trim()).filter(Boolean))]),
    hints: z.string().default('allowed'),
    /** the scenario's time budget in minutes; empty: the scenario's own */
    minutes: z.string().trim().default(''),
    /** hints=cost: points of the assignment score each hint costs; empty: 10 */
    hintCost: z.string().trim().default(''),
    /** who it is for: the whole cohort, or the chosen `students` (user ids; the form sends them comma-joined) */
    audience: z.enum(['cohort', 'chosen'], { message: 'Choose the whole cohort or chosen students.' }).default('cohort'),
    students: z
      .union([z.string(), z.array(z.string())])
      .default([])
      .transform((v) => [...new Set((typeof v === 'string' ? v.split(',') : v).map((x) => x.trim()).filter(Boolean))]),
    title: z.string().trim().max(90, 'At most 90 characters.').default(''),
    opensAt: dateTime('opening'),
    dueAt: dateTime('due'),
  })
  .superRefine((v, ctx) => {
    const lessons = new Set(allLessons().map((l) => l.slug));
    if (v.kind === 'lesson' && !lessons.has(v.lesson)) ctx.addIssue({ code: 'custom', path: ['lesson'], message: 'Choose a lesson.' });
    if (v.kind === 'practice' && v.lesson && !lessons.has(v.lesson)) ctx.addIssue({ code: 'custom', path: ['lesson'], message: 'There is no such lesson.' });
    if (v.kind === 'practice' && v.category && !(v.category in CATEGORIES)) ctx.addIssue({ code: 'custom', path: ['category'], message: 'Choose an ARRT category.' });
    if (v.kind === 'practice' && !(PRACTICE_SIZES as readonly number[]).includes(v.size)) ctx.addIssue({ code: 'custom', path: ['size'], message: `Choose ${PRACTICE_SIZES.join(', ')} items.` });
    if (v.kind === 'mock' && !(MOCK_SIZES as readonly number[]).includes(v.mockSize)) ctx.addIssue({ code: 'custom', path: ['mockSize'], message: 'Choose a 20- or 50-item mock exam.' });
    if (v.kind === 'scenario') {
      if (v.scenario === DRILL_CHOICE) {
        // the faults must go together (content/scenarios/drill.ts): refused here, in a sentence, when saved
        const why = drillRefusal(v.faults);
        if (why) ctx.addIssue({ code: 'custom', path: ['faults'], message: why });
      } else if (!loadScenarios().some((x) => x.id === v.scenario)) ctx.addIssue({ code: 'custom', path: ['scenario'], message: 'Choose a fault scenario.' });
      if (!(HINT_POLICIES as readonly string[]).includes(v.hints)) ctx.addIssue({ code: 'custom', path: ['hints'], message: 'Choose whether hints are allowed.' });
      if (v.minutes && !(/^\d{1,3}$/.test(v.minutes) && Number(v.minutes) >= 1 && Number(v.minutes) <= 240)) {
        ctx.addIssue({ code: 'custom', path: ['minutes'], message: 'Enter whole minutes from 1 to 240, or leave it empty for the scenario’s own budget.' });
      }
      if (v.hints === 'cost' && v.hintCost && !(/^\d{1,3}$/.test(v.hintCost) && Number(v.hintCost) >= 1 && Number(v.hintCost) <= 100)) {
        ctx.addIssue({ code: 'custom', path: ['hintCost'], message: `Enter whole points from 1 to 100 per hint, or leave it empty for ${DEFAULT_HINT_COST}.` });
      }
    }
    if (v.audience === 'chosen' && !v.students.length) ctx.addIssue({ code: 'custom', path: ['students'], message: 'Tick at least one student, or choose the whole cohort.' });
    if (v.students.length > 1000) ctx.addIssue({ code: 'custom', path: ['students'], message: 'At most 1,000 students.' });
    if (v.dueAt <= v.opensAt) ctx.addIssue({ code: 'custom', path: ['dueAt'], message: 'The due date must be after the opening date.' });
  });

/** Why a fault drill of these faults cannot be assigned, in a sentence; null when it can. */
function drillRefusal(faults: string[]): string | null {
  try {
    drillScenario(faults);
    return null;
  } catch (e) {
    if (e instanceof DrillError) return e.message;
    throw e;
  }
}

/** The scenario a checked form names: the written one, or the fault drill of the ticked faults. */
const scenarioOf = (input: z.infer<typeof newAssignmentInput>) => (input.scenario === DRILL_CHOICE ? drillScenario(input.faults) : findScenario(input.scenario)!);

/** Form times are the instructor's wall clock; `tzOffsetMin` is their browser's getTimezoneOffset(). */
export function fromLocal(value: string, tzOffsetMin: number): Date {
  return new Date(new Date(`${value}:00Z`).getTime() + tzOffsetMin * 60_000);
}

/** What an assignment stores for the form's choice: the target and the title made from it. */
function targetOf(input: z.infer<typeof newAssignmentInput>, seed: string): { target: string; title: string } {
  if (input.kind === 'lesson') return { target: input.lesson, title: `Lesson: ${allLessons().find((l) => l.slug === input.lesson)!.frontmatter.title}` };
  if (input.kind === 'practice') {
    // the seed fixes the set, so every student gets the same items
    const target = new URLSearchParams({ ...(input.category ? { category: input.category } : {}), ...(input.lesson ? { lesson: input.lesson } : {}), size: String(input.size), set: seed }).toString();
    const scope = input.lesson ? allLessons().find((l) => l.slug === input.lesson)!.frontmatter.title : input.category ? CATEGORIES[input.category as CategoryId].label : 'all categories';
    return { target, title: `Practice: ${input.size} items, ${scope}` };
  }
  if (input.kind === 'scenario') {
    const s = scenarioOf(input);
    const minutes = input.minutes ? Number(input.minutes) : s.timeBudgetMinutes;
    const cost = input.hintCost ? Number(input.hintCost) : DEFAULT_HINT_COST;
    return { target: scenarioTargetString({ id: s.id, hints: input.hints as HintPolicy, minutes, cost }), title: `Scenario: ${s.title}` };
  }
  return { target: String(input.mockSize), title: `Mock exam: ${input.mockSize} items` };
}

/**
 * The form's fields for an existing assignment (the edit form starts from them). The title is left empty when it
 * is the one made from the target, so that changing the target renames it as a new assignment would be named.
 */
export function formValuesOf(a: { kind: string; target: string; title: string; chosen?: { userId: string }[] | null }): Record<string, string> {
  const v: Record<string, string> = { kind: a.kind, lesson: '', category: '', size: '10', mockSize: '20', scenario: '', faults: '', hints: 'allowed', minutes: '', hintCost: '', audience: a.chosen ? 'chosen' : 'cohort', students: (a.chosen ?? []).map((s) => s.userId).join(',') };
  if (a.kind === 'lesson') v.lesson = a.target;
  else if (a.kind === 'practice') {
    const t = practiceTarget(a.target);
    Object.assign(v, { lesson: t?.lesson ?? '', category: t?.category ?? '', size: String(t?.size ?? 10) });
  } else if (a.kind === 'mock') v.mockSize = a.target;
  else if (a.kind === 'scenario') {
    const t = scenarioTarget(a.target);
    const drill = t && isDrillId(t.id) ? findScenario(t.id) : undefined;
    Object.assign(v, { scenario: drill ? DRILL_CHOICE : (t?.id ?? ''), faults: drill ? t!.id.split('~').slice(1).join(',') : '', hints: t?.hints ?? 'allowed', minutes: t ? String(t.minutes) : '', hintCost: t?.hints === 'cost' ? String(t.cost) : '' });
  }
  const parsed = newAssignmentInput.safeParse({ ...v, audience: 'cohort', students: '', opensAt: '2000-01-01T00:00', dueAt: '2000-01-02T00:00' });
  const auto = parsed.success ? targetOf(parsed.data, practiceTarget(a.target)?.set ?? 'x').title : null;
  v.title = a.title === auto ? '' : a.title;
  return v;
}

/**
 * The chosen students of a form, checked against the cohort's roster: every one must be enrolled in this cohort
 * (422, naming each who is not). [] for the whole cohort.
 */
async function chosenOf(db: Db, cohortId: string, input: z.infer<typeof newAssignmentInput>): Promise<string[]> {
  if (input.audience !== 'chosen') return [];
  const enrolled = new Set((await db.enrollment.findMany({ where: { cohortId, userId: { in: input.students } }, select: { userId: true } })).map((e) => e.userId));
  const strangers = input.students.filter((id) => !enrolled.has(id));
  if (strangers.length) {
    const users = new Map((await db.user.findMany({ where: { id: { in: strangers } }, select: { id: true, name: true, email: true } })).map((u) => [u.id, u]));
    const messages = strangers.map((id) => {
      const u = users.get(id);
      return u ? `${u.name || u.email} (${u.email}) is not in this cohort.` : `“${id.slice(0, 40)}” is not a student of this cohort.`;
    });
    throw new HttpError(422, messages.length === 1 ? messages[0] : `${messages.length} of the chosen students are not in this cohort.`, { students: messages });
  }
  return input.students;
}

export async function createAssignment(db: Db, who: Who, cohortId: string, form: z.input<typeof newAssignmentInput>, tzOffsetMin = 0, seed = Math.floor(Math.random() * 2 ** 31).toString(36)) {
  await cohortFor(db, who, cohortId);
  const parsed = newAssignmentInput.safeParse(form);
  if (!parsed.success) throw new HttpError(422, 'Check the highlighted fields.', fieldErrors(parsed.error));
  const input = parsed.data;
  const chosen = await chosenOf(db, cohortId, input);
  const { target, title } = targetOf(input, seed);
  const assignment = await db.assignment.create({
    data: {
      cohortId, kind: input.kind, target, title: input.title || title, opensAt: fromLocal(input.opensAt, tzOffsetMin), dueAt: fromLocal(input.dueAt, tzOffsetMin), createdById: who.id,
      ...(chosen.length ? { students: { create: chosen.map((userId) => ({ userId })) } } : {}),
    },
  });
  await db.auditEvent.create({ data: { actorId: who.id, action: 'assignment.create', target: `cohort:${cohortId}`, detail: { id: assignment.id, kind: input.kind, target, ...(chosen.length ? { students: chosen } : {}) } } });
  return assignment;
}

/**
 * Edits an assignment's title, dates and target (another lesson, practice scope or size, mock length); its kind
 * stays. The form is checked with the same rules as a new one, for the assignment's kind (422 with field errors).
 * A practice set keeps its seed, so the items answered so far still count. Audited with the values before and after.
 */
export async function updateAssignment(db: Db, who: Who, assignmentId: string, form: Record<string, unknown>, tzOffsetMin = 0) {
  const a = await db.assignment.findUnique({ where: { id: assignmentId }, include: { students: { select: { userId: true } } } });
  if (!a) throw new HttpError(404, 'There is no such assignment (it may have been deleted).');
  await cohortFor(db, who, a.cohortId);
  const parsed = newAssignmentInput.safeParse({ ...form, kind: a.kind });
  if (!parsed.success) throw new HttpError(422, 'Check the highlighted fields.', fieldErrors(parsed.error));
  const input = parsed.data;
  const chosen = await chosenOf(db, a.cohortId, input);
  const seed = a.kind === 'practice' ? (practiceTarget(a.target)?.set ?? Math.floor(Math.random() * 2 ** 31).toString(36)) : '';
  const { target, title } = targetOf(input, seed);
  const data = { target, title: input.title || title, opensAt: fromLocal(input.opensAt, tzOffsetMin), dueAt: fromLocal(input.dueAt, tzOffsetMin) };
  const [, updated] = await db.$transaction([
    db.assignmentStudent.deleteMany({ where: { assignmentId: a.id } }),
    db.assignment.update({ where: { id: a.id }, data: { ...data, ...(chosen.length ? { students: { create: chosen.map((userId) => ({ userId })) } } : {}) } }),
  ]);
  const was = a.students.map((s) => s.userId).sort();
  const before = { target: a.target, title: a.title, opensAt: a.opensAt.toISOString(), dueAt: a.dueAt.toISOString(), students: was.length ? was : 'whole cohort' };
  const after = { target, title: data.title, opensAt: data.opensAt.toISOString(), dueAt: data.dueAt.toISOString(), students: chosen.length ? [...chosen].sort() : 'whole cohort' };
  await db.auditEvent.create({ data: { actorId: who.id, action: 'assignment.update', target: `cohort:${a.cohortId}`, detail: { id: a.id, kind: a.kind, before, after } } });
  return updated;
}

export async function deleteAssignment(db: Db, who: Who, assignmentId: string) {
  const a = await db.assignment.findUnique({ where: { id: assignmentId } });
  if (!a) throw new HttpError(404, 'That assignment is already gone (deleted, perhaps in another tab).');
  await cohortFor(db, who, a.cohortId);
  const { count } = await db.assignment.deleteMany({ where: { id: assignmentId } });
  if (!count) throw new HttpError(404, 'That assignment is already gone (deleted, perhaps in another tab).');
  await db.auditEvent.create({ data: { actorId: who.id, action: 'assignment.delete', target: `cohort:${a.cohortId}`, detail: { id: a.id, kind: a.kind, target: a.target } } });
  return a;
}

// ---------------------------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------------------------

/**
 * Everything the figures need for a set of students. Responses are read flat (no per-row relation) and joined
 * to their attempts here: for 300 students and 120k answers the nested select was most of the dashboard's time.
 */
async function activityOf(db: Db, userIds: string[]) {
  const [lessons, attempts, flat, mockItems] = await Promise.all([
    db.lessonProgress.findMany({ where: { userId: { in: userIds } }, select: { userId: true, lessonSlug: true, completedAt: true } }),
    db.quizAttempt.findMany({ where: { userId: { in: userIds } }, select: { id: true, userId: true, mode: true, setKey: true, submittedAt: true, result: true } }),
    db.response.findMany({ where: { attempt: { userId: { in: userIds } } }, select: { attemptId: true, questionId: true, correct: true, answer: true, answeredAt: true } }),
    db.attemptItem.findMany({ where: { attempt: { userId: { in: userIds }, mode: 'mock', submittedAt: { not: null } } }, select: { attemptId: true, questionId: true, answer: true, correct: true } }),
  ]);
  const byId = new Map(attempts.map((a) => [a.id, a]));
  const responses = flat.map((r) => ({ ...r, attempt: byId.get(r.attemptId)! })).filter((r) => r.attempt);
  const mockById = new Map(
    attempts.filter((a) => a.mode === 'mock' && a.submittedAt).map((a) => [a.id, { userId: a.userId, submittedAt: a.submittedAt, result: a.result, items: [] as { questionId: string; answer: string | null; correct: boolean | null }[] }]),
  );
  for (const item of mockItems) mockById.get(item.attemptId)?.items.push(item);
  return { lessons, responses, mocks: [...mockById.values()] };
}

export interface StudentRow {
  userId: string;
  name: string;
  email: string;
  joinedAt: Date;
  lessons: number;
  answered: number;
  accuracy: number | null;
  /** percent of the category's bank items whose latest answer was right (categories the bank covers) */
  mastery: Partial<Record<CategoryId, number>>;
  lastActive: Date | null;
  /** per assignment (the dashboard's order): its status, or null when it is given to chosen students and this is not one */
  statuses: (AssignmentStatus | null)[];
  mockBest: number | null;
}

export interface CohortDashboard {
  students: StudentRow[];
  assignments: {
    id: string;
    kind: string;
    target: string;
    title: string;
    opensAt: Date;
    dueAt: Date;
    href: string;
    /** the students it is given to: null for the whole cohort */
    chosen: { userId: string; name: string; email: string }[] | null;
    /** how many students it is given to (the counts add up to this) */
    assigned: number;
    counts: Record<string, number>;
  }[];
  /** per category: the share of students who have mastered at least MASTERED_AT percent of it */
  readiness: { category: CategoryId; label: string; mastered: number; meanMastery: number }[];
  /** submitted mock exams: one row per 10-point band */
  mockBands: { band: string; count: number }[];
  missed: { questionId: string; stem: string; category: string; answered: number; wrong: number; wrongShare: number; distractor: string; distractorCount: number }[];
  /** fault scenarios assigned to the cohort or played by its students: one row per scenario */
  scenarios: CohortScenarioRow[];
  /** per student and scenario played: status, time to fix, hints */
  studentScenarios: StudentScenarioRow[];
}

export const MASTERED_AT = 70;

function parseAnswer(answer: string | null): string[] {
  try {
    const v = JSON.parse(answer ?? '[]');
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}

// The dashboard counts in the database: a term of a 300-student cohort is ~165,000 answers, and reading them
// into JS (as activityOf does for one student) took most of a second; Prisma's per-row cost is the bulk of it,
// so each query below returns at most a few thousand rows. The SQL is portable between SQLite and PostgreSQL:
// quoted Prisma table/column names, CASE for booleans, window functions (SQLite ≥ 3.25), string_agg. Values come back
// differently (SQLite: counts as BigInt, computed times as ISO text; PostgreSQL: BigInt and Date), so they pass
// through num() and time().

const num = (v: unknown) => Number(v ?? 0);
const time = (v: unknown): Date | null => (v == null ? null : v instanceof Date ? v : new Date(typeof v === 'bigint' ? Number(v) : (v as string | number)));

const FIELD = '\u001f';
const ENTRY = '\u001e';

/** The answers of one set of rows (`uid`, `qid`, `ok`, `t`, `at`) grouped per student and item: the packed figures. */
function perItem(answers: Prisma.Sql) {
  return Prisma.sql`
    SELECT uid, qid, COUNT(*) AS n, SUM(CASE WHEN ok THEN 1 ELSE 0 END) AS c, SUM(t) AS nt, SUM(CASE WHEN ok THEN t ELSE 0 END) AS ct,
      CASE WHEN MAX(CASE WHEN ok THEN at END) = MAX(at) THEN 1 ELSE 0 END AS m, MAX(at) AS last
    FROM (${answers}) a GROUP BY uid, qid`;
}
const packed = Prisma.sql`string_agg(qid || ${FIELD} || n || ${FIELD} || c || ${FIELD} || nt || ${FIELD} || ct || ${FIELD} || m, ${ENTRY})`;

/** Answers as rows: practice, review and lesson-check responses, and the items of submitted mock exams (timed at the submission; `t` 0 when left unanswered). */
function answersOf(students: Prisma.Sql) {
  return Prisma.sql`
    SELECT q."userId" AS uid, r."questionId" AS qid, r."correct" AS ok, 1 AS t, r."answeredAt" AS at
    FROM "Response" r JOIN "QuizAttempt" q ON q."id" = r."attemptId"
    WHERE ${students}
    UNION ALL
    SELECT q."userId", i."questionId", i."correct", CASE WHEN i."answer" IS NOT NULL AND i."answer" <> '' THEN 1 ELSE 0 END, q."submittedAt"
    FROM "AttemptItem" i JOIN "QuizAttempt" q ON q."id" = i."attemptId"
    WHERE ${students} AND q."mode" = 'mock' AND q."submittedAt" IS NOT NULL`;
}

function providerOf(db: Db): 'sqlite' | 'postgresql' | 'unknown' {
  const p = (db as unknown as { _activeProvider?: string })._activeProvider;
  return p === 'sqlite' || p === 'postgresql' ? p : 'unknown';
}

/**
 * Per student of the cohort who has answered anything, one row: their answers grouped per item in the database,
 * packed into one string with string_agg (SQLite ≥ 3.44 and PostgreSQL): item, answers, right answers, answers and
 * right answers counted for the item's own figures (a mock item left unanswered is a wrong answer for the student
 * but not for the item), and whether the latest answer is right (its last right answer is as late as its last
 * answer: one item is not answered twice at one instant, as a mock exam holds an item once); and the time of the
 * student's last answer.
 * SQLite (no hash aggregation) groups each student's ~550 rows in a correlated subquery, about half the work of
 * sorting the whole cohort's; PostgreSQL hashes the whole cohort in one pass, whose plan does not depend on table
 * statistics (the correlated form fell to a sequential scan per student on a server without ANALYZE: 18 s).
 */
async function studentItems(db: Db, cohortId: string, userIds: string[]) {
  const rows =
    providerOf(db) === 'sqlite'
      ? await db.$queryRaw<{ uid: string; items: string | null; last: unknown }[]>`
          SELECT e."userId" AS uid,
            (SELECT ${packed} FROM (${perItem(answersOf(Prisma.sql`q."userId" = e."userId"`))}) b) AS items,
            (SELECT MAX(x.at) FROM (${answersOf(Prisma.sql`q."userId" = e."userId"`)}) x) AS last
          FROM "Enrollment" e WHERE e."cohortId" = ${cohortId}`
      : (await Promise.all(chunks(userIds, PG_PARTS).map((part) => studentItemsPg(db, part)))).flat();
  return rows.map((r) => ({
    uid: r.uid,
    last: time(r.last),
    items: (r.items ? r.items.split(ENTRY) : []).map((entry) => {
      const [qid, n, c, nt, ct, m] = entry.split(FIELD);
      return { qid, answered: Number(n), correct: Number(c), itemAnswered: Number(nt), itemCorrect: Number(ct), latestRight: m === '1' };
    }),
  }));
}

const PG_PARTS = 2;

function chunks<T>(xs: T[], parts: number): T[][] {
  const size = Math.max(1, Math.ceil(xs.length / parts));
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

/**
 * PostgreSQL: one part of the cohort's students at a time, the parts on their own connections at once (one query
 * runs on one core; the hash aggregation is most of the dashboard's time). ~48,000 (student, item) groups took
 * ~14 MB to hash: with PostgreSQL's default 4 MB work_mem both aggregations spilled to disk (EXPLAIN ANALYZE:
 * "Batches: 5 … Disk Usage", then an external merge sort); SET LOCAL raises it for this one transaction only.
 */
async function studentItemsPg(db: Db, userIds: string[]) {
  if (!userIds.length) return [];
  const [, rows] = await db.$transaction([
    db.$executeRaw`SET LOCAL work_mem = '64MB'`,
    db.$queryRaw<{ uid: string; items: string | null; last: unknown }[]>`
      SELECT uid, ${packed} AS items, MAX(last) AS last
      FROM (${perItem(answersOf(Prisma.sql`q."userId" IN (${Prisma.join(userIds)})`))}) b
      GROUP BY uid`,
  ]);
  return rows;
}

/** The wrong answers chosen for some items, counted per item and answer (as stored: a JSON array of option ids). */
async function wrongChoices(db: Db, cohortId: string, questionIds: string[]) {
  if (!questionIds.length) return [];
  const ids = Prisma.join(questionIds);
  const rows = await db.$queryRaw<{ qid: string; answer: string; n: unknown }[]>`
    SELECT qid, answer, COUNT(*) AS n FROM (
      SELECT r."questionId" AS qid, r."answer" AS answer
      FROM "Response" r
      JOIN "QuizAttempt" q ON q."id" = r."attemptId"
      JOIN "Enrollment" e ON e."userId" = q."userId" AND e."cohortId" = ${cohortId}
      WHERE r."questionId" IN (${ids}) AND NOT r."correct"
      UNION ALL
      SELECT i."questionId", i."answer"
      FROM "AttemptItem" i
      JOIN "QuizAttempt" q ON q."id" = i."attemptId"
      JOIN "Enrollment" e ON e."userId" = q."userId" AND e."cohortId" = ${cohortId}
      WHERE q."mode" = 'mock' AND q."submittedAt" IS NOT NULL AND i."questionId" IN (${ids})
        AND (i."correct" IS NULL OR NOT i."correct") AND i."answer" IS NOT NULL AND i."answer" <> '') x
    GROUP BY qid, answer`;
  return rows.map((r) => ({ qid: r.qid, answer: r.answer, n: num(r.n) }));
}

/**
 * A practice assignment per student: how many distinct items of its set were answered after it opened, and when
 * the size-th of them was first answered (what assignmentProgress works out from every answer).
 */
async function practiceProgress(db: Db, cohortId: string, a: { target: string; opensAt: Date }): Promise<Map<string, AssignmentProgress>> {
  const t = practiceTarget(a.target);
  if (!t) return new Map();
  const rows = await db.$queryRaw<{ uid: string; n: unknown; done: unknown }[]>`
    WITH firsts AS (
      SELECT q."userId" AS uid, r."questionId" AS qid, MIN(r."answeredAt") AS at
      FROM "Response" r
      JOIN "QuizAttempt" q ON q."id" = r."attemptId"
      JOIN "Enrollment" e ON e."userId" = q."userId" AND e."cohortId" = ${cohortId}
      WHERE q."mode" = 'practice' AND q."setKey" = ${`set:${t.set}`} AND r."answeredAt" >= ${a.opensAt}
      GROUP BY q."userId", r."questionId"),
    ranked AS (SELECT uid, at, ROW_NUMBER() OVER (PARTITION BY uid ORDER BY at) AS rn FROM firsts)
    SELECT uid, COUNT(*) AS n, MAX(CASE WHEN rn = ${t.size} THEN at END) AS done FROM ranked GROUP BY uid`;
  return new Map(rows.map((r) => [r.uid, { completedAt: time(r.done), done: Math.min(num(r.n), t.size), of: t.size }]));
}

export async function cohortDashboard(db: Db, who: Who, cohortId: string, now: Date): Promise<CohortDashboard> {
  await cohortFor(db, who, cohortId);
  const bank = questionBank();
  const bankCount = new Map<CategoryId, number>();
  for (const [id, q] of bank) if (!id.startsWith('check-')) bankCount.set(q.category, (bankCount.get(q.category) ?? 0) + 1);
  // only the categories the bank has items in (a category with none would read as 0% mastered)
  const cats = (Object.keys(CATEGORIES) as CategoryId[]).filter((c) => bankCount.get(c));

  const [enrollments, assignments] = await Promise.all([
    db.enrollment.findMany({ where: { cohortId }, select: { joinedAt: true, user: { select: { id: true, name: true, email: true } } } }),
    db.assignment.findMany({ where: { cohortId }, orderBy: { dueAt: 'asc' }, include: { students: { select: { userId: true } } } }),
  ]);
  const ids = enrollments.map((e) => e.user.id);
  // per assignment, its chosen students (null: the whole cohort); a student outside them is "not assigned"
  const targets = assignments.map((x) => (x.students.length ? new Set(x.students.map((s) => s.userId)) : null));
  const [lessons, mocks, figures, practice, scenarioAttempts, failedChecks] = await Promise.all([
    cohortLessons(db, cohortId),
    cohortMocks(db, cohortId),
    studentItems(db, cohortId, ids),
    Promise.all(assignments.map((x) => (x.kind === 'practice' ? practiceProgress(db, cohortId, x) : null))),
    scenarioAttemptsOf(db, inCohort(cohortId)),
    failedChecksOf(db, inCohort(cohortId)),
  ]);

  interface Acc { activity: StudentActivity; answered: number; correct: number; masteredIn: Map<CategoryId, number>; last: number; mockBest: number | null }
  const acc = new Map<string, Acc>(ids.map((id) => [id, { activity: { lessons: new Map(), practice: [], mocks: [] }, answered: 0, correct: 0, masteredIn: new Map(), last: 0, mockBest: null }]));
  for (const r of scenarioAttempts) (acc.get(r.userId)!.activity.scenarios ??= []).push(scenarioRunOf(r));
  for (const l of lessons) {
    const a = acc.get(l.userId)!;
    a.activity.lessons.set(l.lessonSlug, l.completedAt);
    a.last = Math.max(a.last, l.completedAt.getTime());
  }
  const missed = new Map<string, { answered: number; wrong: number; choices: Map<string, number> }>();
  for (const f of figures) {
    const a = acc.get(f.uid);
    if (!a) continue;
    if (f.last) a.last = Math.max(a.last, f.last.getTime());
    for (const x of f.items) {
      const q = bank.get(x.qid);
      if (!q || x.qid.startsWith('check-')) continue;
      a.answered += x.answered;
      a.correct += x.correct;
      if (x.latestRight) a.masteredIn.set(q.category, (a.masteredIn.get(q.category) ?? 0) + 1);
      if (!x.itemAnswered) continue;
      const m = missed.get(x.qid) ?? { answered: 0, wrong: 0, choices: new Map() };
      m.answered += x.itemAnswered;
      m.wrong += x.itemAnswered - x.itemCorrect;
      missed.set(x.qid, m);
    }
  }
  for (const m of mocks) {
    const a = acc.get(m.userId)!;
    const at = m.submittedAt!;
    a.last = Math.max(a.last, at.getTime());
    a.activity.mocks.push({ submittedAt: at, items: m.items });
    const percent = m.percent;
    if (typeof percent === 'number') a.mockBest = Math.max(a.mockBest ?? 0, percent);
  }

  const students: StudentRow[] = enrollments.map((e) => {
    const a = acc.get(e.user.id)!;
    const mastery = Object.fromEntries(cats.map((c) => [c, Math.round((1000 * (a.masteredIn.get(c) ?? 0)) / bankCount.get(c)!) / 10])) as Partial<Record<CategoryId, number>>;
    return {
      userId: e.user.id,
      name: e.user.name,
      email: e.user.email,
      joinedAt: e.joinedAt,
      lessons: a.activity.lessons.size,
      answered: a.answered,
      accuracy: a.answered ? Math.round((100 * a.correct) / a.answered) : null,
      mastery,
      lastActive: a.last ? new Date(a.last) : null,
      statuses: assignments.map((x, i) => (targets[i] && !targets[i].has(e.user.id) ? null : statusOf(x, practice[i]?.get(e.user.id) ?? assignmentProgress(x, a.activity), now))),
      mockBest: a.mockBest,
    };
  });

  const bands = Array.from({ length: 10 }, (_, i) => ({ band: i === 9 ? '90–100' : `${i * 10}–${i * 10 + 9}`, count: 0 }));
  for (const m of mocks) {
    const percent = m.percent;
    if (typeof percent === 'number') bands[Math.min(9, Math.floor(percent / 10))].count += 1;
  }

  // the 20 items missed most, then the wrong answers chosen for them
  const worst = [...missed]
    .filter(([, m]) => m.wrong > 0)
    .sort(([xq, x], [yq, y]) => y.wrong - x.wrong || Math.round((100 * y.wrong) / y.answered) - Math.round((100 * x.wrong) / x.answered) || (xq < yq ? -1 : 1))
    .slice(0, 20);
  for (const c of await wrongChoices(db, cohortId, worst.map(([qid]) => qid))) {
    const key = parseAnswer(c.answer).join(',');
    const m = missed.get(c.qid)!;
    if (key) m.choices.set(key, (m.choices.get(key) ?? 0) + c.n);
  }
  const missedRows = worst.map(([questionId, m]) => {
    const q = bank.get(questionId)!;
    // the distractor chosen most (equal counts: the first by option ids, so the figure is stable)
    const [choice, count] = [...m.choices].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))[0] ?? ['', 0];
    const text = choice
      .split(',')
      .map((id) => q.options.find((o) => o.id === id)?.text)
      .filter(Boolean)
      .join(' / ');
    return { questionId, stem: q.stem, category: CATEGORIES[q.category].label, answered: m.answered, wrong: m.wrong, wrongShare: Math.round((100 * m.wrong) / m.answered), distractor: text ? `${choice.toUpperCase()}: ${text}` : '', distractorCount: count };
  });

  return {
    students,
    assignments: assignments.map((x, i) => {
      const counts: Record<string, number> = Object.fromEntries(ASSIGNMENT_STATES.map((k) => [k, 0]));
      let assigned = 0;
      for (const s of students) {
        const st = s.statuses[i];
        if (!st) continue;
        counts[st.state] += 1;
        assigned += 1;
      }
      const chosen = targets[i] ? students.filter((s) => targets[i]!.has(s.userId)).map((s) => ({ userId: s.userId, name: s.name, email: s.email })).sort((p, q) => (p.name < q.name ? -1 : p.name > q.name ? 1 : 0)) : null;
      return { id: x.id, kind: x.kind, target: x.target, title: x.title, opensAt: x.opensAt, dueAt: x.dueAt, href: assignmentHref(x), chosen, assigned, counts };
    }),
    readiness: cats.map((c) => ({
      category: c,
      label: CATEGORIES[c].label,
      mastered: students.length ? Math.round((100 * students.filter((s) => (s.mastery[c] ?? 0) >= MASTERED_AT).length) / students.length) : 0,
      meanMastery: students.length ? Math.round((10 * students.reduce((n, s) => n + (s.mastery[c] ?? 0), 0)) / students.length) / 10 : 0,
    })),
    mockBands: bands,
    missed: missedRows,
    scenarios: cohortScenarioRows(ids, assignments.map((x, i) => ({ ...x, targets: targets[i] })), scenarioAttempts, failedChecks),
    studentScenarios: studentScenarioRows(students, scenarioAttempts, costedAssignments(assignments.map((x, i) => ({ ...x, targets: targets[i] })))),
  };
}

/** Every fault-scenario attempt of some students, with its hints and checks (a few per student: read as rows). */
// The fault-scenario attempts are read without their JSON lists: the hints are counted and the failed checks
// tallied in the database (json_each / jsonb_array_elements: the one place the two dialects differ). Reading 1,500
// attempts' hints and checks as JSON and parsing them was ~250 ms of the 300-student dashboard; this is ~40.

/** Every fault-scenario attempt of the students `students` selects (a condition on a."userId"), hints counted. */
async function scenarioAttemptsOf(db: Db, students: Prisma.Sql): Promise<ScenarioAttemptFigures[]> {
  const length = providerOf(db) === 'postgresql' ? Prisma.raw('jsonb_array_length') : Prisma.raw('json_array_length');
  const rows = await db.$queryRaw<{ userId: string; scenarioId: string; status: string; startedAt: unknown; finishedAt: unknown; hints: unknown }[]>`
    SELECT a."userId", a."scenarioId", a."status", a."startedAt", a."finishedAt", ${length}(a."hints") AS hints
    FROM "ScenarioAttempt" a WHERE ${students}`;
  return rows.map((r) => ({ userId: r.userId, scenarioId: r.scenarioId, status: r.status, startedAt: time(r.startedAt)!, finishedAt: time(r.finishedAt), hints: num(r.hints) }));
}

/** How often each check failed, per scenario, over every "Check my fix" of the selected students' attempts. */
async function failedChecksOf(db: Db, students: Prisma.Sql): Promise<FailedCheckCount[]> {
  const rows =
    providerOf(db) === 'postgresql'
      ? await db.$queryRaw<{ scenarioId: string; label: string; n: unknown }[]>`
          SELECT a."scenarioId", r->>'label' AS label, COUNT(*) AS n
          FROM "ScenarioAttempt" a, jsonb_array_elements(a."checks") c, jsonb_array_elements(c->'results') r
          WHERE ${students} AND r->>'passed' = 'false' GROUP BY a."scenarioId", r->>'label'`
      : await db.$queryRaw<{ scenarioId: string; label: string; n: unknown }[]>`
          SELECT a."scenarioId", json_extract(r.value, '$.label') AS label, COUNT(*) AS n
          FROM "ScenarioAttempt" a, json_each(a."checks") c, json_each(c.value, '$.results') r
          WHERE ${students} AND json_extract(r.value, '$.passed') = 0 GROUP BY a."scenarioId", json_extract(r.value, '$.label')`;
  return rows.map((r) => ({ scenarioId: r.scenarioId, label: String(r.label), n: num(r.n) }));
}

/** The cohort's completed lessons (read raw: Prisma's row mapping of ~2,000 rows with a 300-id IN list cost more than the query). */
async function cohortLessons(db: Db, cohortId: string) {
  const rows = await db.$queryRaw<{ userId: string; lessonSlug: string; completedAt: unknown }[]>`
    SELECT l."userId", l."lessonSlug", l."completedAt" FROM "LessonProgress" l
    WHERE l."userId" IN (SELECT "userId" FROM "Enrollment" WHERE "cohortId" = ${cohortId})`;
  return rows.map((r) => ({ userId: r.userId, lessonSlug: r.lessonSlug, completedAt: time(r.completedAt)! }));
}

/** The cohort's submitted mock exams: when, how many items, and the percent of the stored result. */
async function cohortMocks(db: Db, cohortId: string) {
  const rows = await db.$queryRaw<{ userId: string; submittedAt: unknown; result: unknown; items: unknown }[]>`
    SELECT q."userId", q."submittedAt", q."result", (SELECT COUNT(*) FROM "AttemptItem" i WHERE i."attemptId" = q."id") AS items
    FROM "QuizAttempt" q
    WHERE q."userId" IN (SELECT "userId" FROM "Enrollment" WHERE "cohortId" = ${cohortId}) AND q."mode" = 'mock' AND q."submittedAt" IS NOT NULL`;
  return rows.map((r) => {
    // a Json column comes back from a raw query as text (SQLite) or already parsed (PostgreSQL)
    const result = (typeof r.result === 'string' ? JSON.parse(r.result) : r.result) as { percent?: unknown } | null;
    return { userId: r.userId, submittedAt: time(r.submittedAt)!, items: num(r.items), percent: typeof result?.percent === 'number' ? result.percent : null };
  });
}

const inCohort = (cohortId: string) => Prisma.sql`a."userId" IN (SELECT "userId" FROM "Enrollment" WHERE "cohortId" = ${cohortId})`;
const isUser = (userId: string) => Prisma.sql`a."userId" = ${userId}`;

/** A student's own open assignments across their cohorts, with status (for /learn). */
export async function myAssignments(db: Db, who: Who, now: Date) {
  const enrollments = await db.enrollment.findMany({ where: { userId: who.id }, select: { cohort: { select: { name: true, assignments: { where: { opensAt: { lte: now }, ...forStudent(who.id) }, orderBy: { dueAt: 'asc' } } } } } });
  const list = enrollments.flatMap((e) => e.cohort.assignments.map((a) => ({ ...a, cohort: e.cohort.name })));
  if (!list.length) return { cohorts: enrollments.length, items: [] };
  const [{ lessons, responses, mocks }, scenarios] = await Promise.all([activityOf(db, [who.id]), scenarioAttemptsOf(db, isUser(who.id))]);
  const activity: StudentActivity = {
    lessons: new Map(lessons.map((l) => [l.lessonSlug, l.completedAt])),
    practice: responses.filter((r) => r.attempt.mode === 'practice').map((r) => ({ setKey: r.attempt.setKey, questionId: r.questionId, answeredAt: r.answeredAt })),
    mocks: mocks.map((m) => ({ submittedAt: m.submittedAt!, items: m.items.length })),
    scenarios: scenarios.map(scenarioRunOf),
  };
  return {
    cohorts: enrollments.length,
    items: list.map((a) => ({ id: a.id, kind: a.kind, title: a.title, cohort: a.cohort, dueAt: a.dueAt, href: assignmentHref(a), status: assignmentStatus(a, activity, now), scenario: a.kind === 'scenario' ? scenarioTarget(a.target) : null })),
  };
}

/** One student's figures: the student themself, or an instructor of one of their cohorts (or an admin). */
export async function canReadStudent(db: Db, who: Who, userId: string) {
  if (who.id !== userId && who.role !== 'admin') {
    if (!hasRole(who.role, 'instructor')) throw new HttpError(403, 'You can see only your own results.');
    const shared = await db.enrollment.findFirst({ where: { userId, cohort: { instructorId: who.id } }, select: { id: true } });
    if (!shared) throw new HttpError(403, 'This student is not in one of your cohorts.');
  }
  const user = await db.user.findUnique({ where: { id: userId }, select: { id: true, name: true, email: true } });
  if (!user) throw new HttpError(404, 'There is no such student.');
  return user;
}

export async function studentResults(db: Db, who: Who, userId: string, now: Date) {
  await canReadStudent(db, who, userId);
  const { lessons, responses, mocks } = await activityOf(db, [userId]);
  const answered = responses.length;
  const correct = responses.filter((r) => r.correct).length;
  return { userId, lessons: lessons.length, answered, accuracy: answered ? Math.round((100 * correct) / answered) : null, mocks: mocks.length, at: now };
}

/** One student's fault scenarios (time to fix, hints): the student themself, their instructor or an admin. */
export async function studentScenarios(db: Db, who: Who, userId: string) {
  const user = await canReadStudent(db, who, userId);
  return studentScenarioRows([{ userId: user.id, name: user.name, email: user.email }], await scenarioAttemptsOf(db, isUser(userId)));
}
