// Cohorts, enrollments and assignments: the one data module behind the /teach pages, actions and CSV routes.
// Every read and write takes the viewer and checks it here, on the server: an admin may touch any cohort, an
// instructor only the cohorts they own (403 otherwise), a student only their own results.
import { z } from 'zod';
import type { Db } from '@/prisma/db';
import { CATEGORIES, type CategoryId } from '@/content/schema';
import { allLessons, questionBank } from '@/app/_lib/content';
import { HttpError } from '@/app/_lib/errors';
import { hasRole } from '@/app/_lib/roles';
import type { Viewer } from '@/app/_lib/session';
import { assignmentHref, assignmentStatus, type AssignmentStatus, type StudentActivity } from './assignmentStatus';
import { newJoinCode, normalizeJoinCode } from './joinCode';

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

export async function removeStudent(db: Db, who: Who, cohortId: string, userId: string) {
  await cohortFor(db, who, cohortId);
  const { count } = await db.enrollment.deleteMany({ where: { cohortId, userId } });
  if (!count) throw new HttpError(404, 'That student is not in this cohort.');
  await db.auditEvent.create({ data: { actorId: who.id, action: 'cohort.remove', target: `cohort:${cohortId}`, detail: { userId } } });
}

/** Moves a student to another cohort the viewer also manages (both checked). */
export async function moveStudent(db: Db, who: Who, fromId: string, toId: string, userId: string) {
  if (fromId === toId) throw new HttpError(422, 'Choose a different cohort.');
  await cohortFor(db, who, fromId);
  await cohortFor(db, who, toId);
  const from = await db.enrollment.findUnique({ where: { cohortId_userId: { cohortId: fromId, userId } } });
  if (!from) throw new HttpError(404, 'That student is not in this cohort.');
  await db.$transaction([
    db.enrollment.delete({ where: { id: from.id } }),
    db.enrollment.upsert({ where: { cohortId_userId: { cohortId: toId, userId } }, create: { cohortId: toId, userId }, update: {} }),
  ]);
  await db.auditEvent.create({ data: { actorId: who.id, action: 'cohort.move', target: `cohort:${fromId}`, detail: { userId, to: toId } } });
}

export const PRACTICE_SIZES = [10, 20, 30, 50] as const;
export const MOCK_SIZES = [20, 50] as const;

const dateTime = (what: string) => z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, `Choose the ${what} date and time.`);
export const newAssignmentInput = z
  .object({
    kind: z.enum(['lesson', 'practice', 'mock'], { message: 'Choose what to assign.' }),
    lesson: z.string().default(''),
    category: z.string().default(''),
    size: z.coerce.number().default(10),
    mockSize: z.coerce.number().default(20),
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
    if (v.dueAt <= v.opensAt) ctx.addIssue({ code: 'custom', path: ['dueAt'], message: 'The due date must be after the opening date.' });
  });

/** Form times are the instructor's wall clock; `tzOffsetMin` is their browser's getTimezoneOffset(). */
export function fromLocal(value: string, tzOffsetMin: number): Date {
  return new Date(new Date(`${value}:00Z`).getTime() + tzOffsetMin * 60_000);
}

export async function createAssignment(db: Db, who: Who, cohortId: string, input: z.infer<typeof newAssignmentInput>, tzOffsetMin = 0, seed = Math.floor(Math.random() * 2 ** 31).toString(36)) {
  await cohortFor(db, who, cohortId);
  let target: string;
  let title: string;
  if (input.kind === 'lesson') {
    target = input.lesson;
    title = `Lesson: ${allLessons().find((l) => l.slug === input.lesson)!.frontmatter.title}`;
  } else if (input.kind === 'practice') {
    // the seed fixes the set, so every student gets the same items
    target = new URLSearchParams({ ...(input.category ? { category: input.category } : {}), ...(input.lesson ? { lesson: input.lesson } : {}), size: String(input.size), set: seed }).toString();
    const scope = input.lesson ? allLessons().find((l) => l.slug === input.lesson)!.frontmatter.title : input.category ? CATEGORIES[input.category as CategoryId].label : 'all categories';
    title = `Practice: ${input.size} items, ${scope}`;
  } else {
    target = String(input.mockSize);
    title = `Mock exam: ${input.mockSize} items`;
  }
  const assignment = await db.assignment.create({
    data: { cohortId, kind: input.kind, target, title: input.title || title, opensAt: fromLocal(input.opensAt, tzOffsetMin), dueAt: fromLocal(input.dueAt, tzOffsetMin), createdById: who.id },
  });
  await db.auditEvent.create({ data: { actorId: who.id, action: 'assignment.create', target: `cohort:${cohortId}`, detail: { id: assignment.id, kind: input.kind, target } } });
  return assignment;
}

export async function deleteAssignment(db: Db, who: Who, assignmentId: string) {
  const a = await db.assignment.findUnique({ where: { id: assignmentId } });
  if (!a) throw new HttpError(404, 'There is no such assignment.');
  await cohortFor(db, who, a.cohortId);
  await db.assignment.delete({ where: { id: assignmentId } });
  await db.auditEvent.create({ data: { actorId: who.id, action: 'assignment.delete', target: `cohort:${a.cohortId}`, detail: { id: a.id, kind: a.kind, target: a.target } } });
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
  statuses: AssignmentStatus[];
  mockBest: number | null;
}

export interface CohortDashboard {
  students: StudentRow[];
  assignments: { id: string; kind: string; target: string; title: string; opensAt: Date; dueAt: Date; href: string; counts: Record<string, number> }[];
  /** per category: the share of students who have mastered at least MASTERED_AT percent of it */
  readiness: { category: CategoryId; label: string; mastered: number; meanMastery: number }[];
  /** submitted mock exams: one row per 10-point band */
  mockBands: { band: string; count: number }[];
  missed: { questionId: string; stem: string; category: string; answered: number; wrong: number; wrongShare: number; distractor: string; distractorCount: number }[];
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

export async function cohortDashboard(db: Db, who: Who, cohortId: string, now: Date): Promise<CohortDashboard> {
  await cohortFor(db, who, cohortId);
  const [enrollments, assignments] = await Promise.all([
    db.enrollment.findMany({ where: { cohortId }, select: { joinedAt: true, user: { select: { id: true, name: true, email: true } } } }),
    db.assignment.findMany({ where: { cohortId }, orderBy: { dueAt: 'asc' } }),
  ]);
  const ids = enrollments.map((e) => e.user.id);
  const { lessons, responses, mocks } = await activityOf(db, ids);
  const bank = questionBank();
  const bankCount = new Map<CategoryId, number>();
  for (const [id, q] of bank) if (!id.startsWith('check-')) bankCount.set(q.category, (bankCount.get(q.category) ?? 0) + 1);
  // only the categories the bank has items in (a category with none would read as 0% mastered)
  const cats = (Object.keys(CATEGORIES) as CategoryId[]).filter((c) => bankCount.get(c));

  interface Acc { activity: StudentActivity; answered: number; correct: number; latest: Map<string, { ok: boolean; at: number }>; last: number; mockBest: number | null }
  const acc = new Map<string, Acc>(ids.map((id) => [id, { activity: { lessons: new Map(), practice: [], mocks: [] }, answered: 0, correct: 0, latest: new Map(), last: 0, mockBest: null }]));
  const missed = new Map<string, { answered: number; wrong: number; choices: Map<string, number> }>();
  const tally = (questionId: string, ok: boolean, answer: string | null) => {
    const m = missed.get(questionId) ?? { answered: 0, wrong: 0, choices: new Map() };
    m.answered += 1;
    if (!ok) {
      m.wrong += 1;
      const key = parseAnswer(answer).join(',');
      if (key) m.choices.set(key, (m.choices.get(key) ?? 0) + 1);
    }
    missed.set(questionId, m);
  };
  for (const l of lessons) {
    const a = acc.get(l.userId)!;
    a.activity.lessons.set(l.lessonSlug, l.completedAt);
    a.last = Math.max(a.last, l.completedAt.getTime());
  }
  for (const r of responses) {
    const a = acc.get(r.attempt.userId)!;
    const t = r.answeredAt.getTime();
    a.last = Math.max(a.last, t);
    if (!bank.has(r.questionId) || r.questionId.startsWith('check-')) continue;
    a.answered += 1;
    if (r.correct) a.correct += 1;
    const prev = a.latest.get(r.questionId);
    if (!prev || prev.at <= t) a.latest.set(r.questionId, { ok: r.correct, at: t });
    if (r.attempt.mode === 'practice') a.activity.practice.push({ setKey: r.attempt.setKey, questionId: r.questionId, answeredAt: r.answeredAt });
    tally(r.questionId, r.correct, r.answer);
  }
  for (const m of mocks) {
    const a = acc.get(m.userId)!;
    const at = m.submittedAt!;
    a.last = Math.max(a.last, at.getTime());
    a.activity.mocks.push({ submittedAt: at, items: m.items.length });
    const percent = (m.result as { percent?: number } | null)?.percent;
    if (typeof percent === 'number') a.mockBest = Math.max(a.mockBest ?? 0, percent);
    for (const item of m.items) {
      if (!bank.has(item.questionId)) continue;
      a.answered += 1;
      if (item.correct) a.correct += 1;
      const prev = a.latest.get(item.questionId);
      if (!prev || prev.at <= at.getTime()) a.latest.set(item.questionId, { ok: Boolean(item.correct), at: at.getTime() });
      if (item.answer) tally(item.questionId, Boolean(item.correct), item.answer);
    }
  }

  const students: StudentRow[] = enrollments.map((e) => {
    const a = acc.get(e.user.id)!;
    const masteredIn = new Map<CategoryId, number>();
    for (const [qid, v] of a.latest) if (v.ok) masteredIn.set(bank.get(qid)!.category, (masteredIn.get(bank.get(qid)!.category) ?? 0) + 1);
    const mastery = Object.fromEntries(cats.map((c) => [c, Math.round((1000 * (masteredIn.get(c) ?? 0)) / bankCount.get(c)!) / 10])) as Partial<Record<CategoryId, number>>;
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
      statuses: assignments.map((x) => assignmentStatus(x, a.activity, now)),
      mockBest: a.mockBest,
    };
  });

  const bands = Array.from({ length: 10 }, (_, i) => ({ band: i === 9 ? '90–100' : `${i * 10}–${i * 10 + 9}`, count: 0 }));
  for (const m of mocks) {
    const percent = (m.result as { percent?: number } | null)?.percent;
    if (typeof percent === 'number') bands[Math.min(9, Math.floor(percent / 10))].count += 1;
  }

  const missedRows = [...missed]
    .filter(([, m]) => m.wrong > 0)
    .map(([questionId, m]) => {
      const q = bank.get(questionId)!;
      const [choice, count] = [...m.choices].sort((x, y) => y[1] - x[1])[0] ?? ['', 0];
      const text = choice
        .split(',')
        .map((id) => q.options.find((o) => o.id === id)?.text)
        .filter(Boolean)
        .join(' / ');
      return { questionId, stem: q.stem, category: CATEGORIES[q.category].label, answered: m.answered, wrong: m.wrong, wrongShare: Math.round((100 * m.wrong) / m.answered), distractor: text ? `${choice.toUpperCase()}: ${text}` : '', distractorCount: count };
    })
    .sort((x, y) => y.wrong - x.wrong || y.wrongShare - x.wrongShare)
    .slice(0, 20);

  return {
    students,
    assignments: assignments.map((x, i) => {
      const counts: Record<string, number> = { done: 0, late: 0, missing: 0, open: 0, upcoming: 0 };
      for (const s of students) counts[s.statuses[i].state] += 1;
      return { id: x.id, kind: x.kind, target: x.target, title: x.title, opensAt: x.opensAt, dueAt: x.dueAt, href: assignmentHref(x), counts };
    }),
    readiness: cats.map((c) => ({
      category: c,
      label: CATEGORIES[c].label,
      mastered: students.length ? Math.round((100 * students.filter((s) => (s.mastery[c] ?? 0) >= MASTERED_AT).length) / students.length) : 0,
      meanMastery: students.length ? Math.round((10 * students.reduce((n, s) => n + (s.mastery[c] ?? 0), 0)) / students.length) / 10 : 0,
    })),
    mockBands: bands,
    missed: missedRows,
  };
}

/** A student's own open assignments across their cohorts, with status (for /learn). */
export async function myAssignments(db: Db, who: Who, now: Date) {
  const enrollments = await db.enrollment.findMany({ where: { userId: who.id }, select: { cohort: { select: { name: true, assignments: { where: { opensAt: { lte: now } }, orderBy: { dueAt: 'asc' } } } } } });
  const list = enrollments.flatMap((e) => e.cohort.assignments.map((a) => ({ ...a, cohort: e.cohort.name })));
  if (!list.length) return { cohorts: enrollments.length, items: [] };
  const { lessons, responses, mocks } = await activityOf(db, [who.id]);
  const activity: StudentActivity = {
    lessons: new Map(lessons.map((l) => [l.lessonSlug, l.completedAt])),
    practice: responses.filter((r) => r.attempt.mode === 'practice').map((r) => ({ setKey: r.attempt.setKey, questionId: r.questionId, answeredAt: r.answeredAt })),
    mocks: mocks.map((m) => ({ submittedAt: m.submittedAt!, items: m.items.length })),
  };
  return { cohorts: enrollments.length, items: list.map((a) => ({ id: a.id, title: a.title, cohort: a.cohort, dueAt: a.dueAt, href: assignmentHref(a), status: assignmentStatus(a, activity, now) })) };
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
