// The cohort dashboard counts in the database (portable SQL on SQLite and PostgreSQL); these tests hold it to the
// straightforward version, which reads every answer and counts in JS (what cohortDashboard did before), over a
// real database with a varied cohort: practice, review and lesson-check answers, items outside the bank, mock
// exams with unanswered items, an unsubmitted mock, multi-option answers, lessons, and assignments of each kind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@/prisma/testing';
import type { Db } from '@/prisma/db';
import { CATEGORIES, type CategoryId } from '@/content/schema';
import { seededRandom } from '@/content/exam-blueprint';
import { allLessons, questionBank } from '@/app/_lib/content';
import { assignmentHref, assignmentStatus, type StudentActivity } from './assignmentStatus';
import { cohortDashboard, MASTERED_AT, type CohortDashboard } from './cohorts';

let t: TestDb;
const inst = { id: 'inst', role: 'instructor' as const };
const start = new Date('2027-01-11T08:00:00Z');
const DAY = 86_400_000;
const now = new Date(start.getTime() + 40 * DAY);
let cohortId = '';

/** The reference: every answer read into JS and counted there (ties broken as the SQL version documents). */
async function reference(db: Db, id: string, at: Date): Promise<Omit<CohortDashboard, 'scenarios' | 'studentScenarios'>> {
  const enrollments = await db.enrollment.findMany({ where: { cohortId: id }, select: { joinedAt: true, user: { select: { id: true, name: true, email: true } } } });
  const assignments = await db.assignment.findMany({ where: { cohortId: id }, orderBy: { dueAt: 'asc' }, include: { students: { select: { userId: true } } } });
  const given = (x: (typeof assignments)[number], uid: string) => !x.students.length || x.students.some((s) => s.userId === uid);
  const ids = enrollments.map((e) => e.user.id);
  const lessons = await db.lessonProgress.findMany({ where: { userId: { in: ids } } });
  const responses = await db.response.findMany({ where: { attempt: { userId: { in: ids } } }, include: { attempt: true }, orderBy: { answeredAt: 'asc' } });
  const mocks = await db.quizAttempt.findMany({ where: { userId: { in: ids }, mode: 'mock', submittedAt: { not: null } }, include: { items: true } });
  const runs = await db.scenarioAttempt.findMany({ where: { userId: { in: ids } } });
  const bank = questionBank();
  const bankCount = new Map<CategoryId, number>();
  for (const [qid, q] of bank) if (!qid.startsWith('check-')) bankCount.set(q.category, (bankCount.get(q.category) ?? 0) + 1);
  const cats = (Object.keys(CATEGORIES) as CategoryId[]).filter((c) => bankCount.get(c));
  const missed = new Map<string, { answered: number; wrong: number; choices: Map<string, number> }>();
  const tally = (qid: string, ok: boolean, answer: string | null) => {
    const m = missed.get(qid) ?? { answered: 0, wrong: 0, choices: new Map() };
    m.answered += 1;
    if (!ok) {
      m.wrong += 1;
      const key = (JSON.parse(answer ?? '[]') as string[]).join(',');
      if (key) m.choices.set(key, (m.choices.get(key) ?? 0) + 1);
    }
    missed.set(qid, m);
  };
  const students = enrollments.map((e) => {
    const uid = e.user.id;
    const activity: StudentActivity = {
      lessons: new Map(),
      practice: [],
      mocks: [],
      scenarios: runs.filter((r) => r.userId === uid).map((r) => ({ scenarioId: r.scenarioId, status: r.status, startedAt: r.startedAt, finishedAt: r.finishedAt, hints: (r.hints as unknown[]).length })),
    };
    let answered = 0;
    let correct = 0;
    let last = 0;
    let mockBest: number | null = null;
    const latest = new Map<string, { ok: boolean; at: number }>();
    for (const l of lessons.filter((x) => x.userId === uid)) {
      activity.lessons.set(l.lessonSlug, l.completedAt);
      last = Math.max(last, l.completedAt.getTime());
    }
    for (const r of responses.filter((x) => x.attempt.userId === uid)) {
      last = Math.max(last, r.answeredAt.getTime());
      if (!bank.has(r.questionId) || r.questionId.startsWith('check-')) continue;
      answered += 1;
      if (r.correct) correct += 1;
      latest.set(r.questionId, { ok: r.correct, at: r.answeredAt.getTime() });
      if (r.attempt.mode === 'practice') activity.practice.push({ setKey: r.attempt.setKey, questionId: r.questionId, answeredAt: r.answeredAt });
    }
    for (const m of mocks.filter((x) => x.userId === uid)) {
      const time = m.submittedAt!.getTime();
      last = Math.max(last, time);
      activity.mocks.push({ submittedAt: m.submittedAt!, items: m.items.length });
      const percent = (m.result as { percent?: number }).percent!;
      mockBest = Math.max(mockBest ?? 0, percent);
      for (const item of m.items) {
        if (!bank.has(item.questionId)) continue;
        answered += 1;
        if (item.correct) correct += 1;
        const prev = latest.get(item.questionId);
        if (!prev || prev.at <= time) latest.set(item.questionId, { ok: Boolean(item.correct), at: time });
      }
    }
    const masteredIn = new Map<CategoryId, number>();
    for (const [qid, v] of latest) if (v.ok) masteredIn.set(bank.get(qid)!.category, (masteredIn.get(bank.get(qid)!.category) ?? 0) + 1);
    return {
      userId: uid,
      name: e.user.name,
      email: e.user.email,
      joinedAt: e.joinedAt,
      lessons: activity.lessons.size,
      answered,
      accuracy: answered ? Math.round((100 * correct) / answered) : null,
      mastery: Object.fromEntries(cats.map((c) => [c, Math.round((1000 * (masteredIn.get(c) ?? 0)) / bankCount.get(c)!) / 10])),
      lastActive: last ? new Date(last) : null,
      statuses: assignments.map((x) => (given(x, uid) ? assignmentStatus(x, activity, at) : null)),
      mockBest,
    };
  });
  for (const r of responses) if (bank.has(r.questionId) && !r.questionId.startsWith('check-')) tally(r.questionId, r.correct, r.answer);
  for (const m of mocks) for (const item of m.items) if (bank.has(item.questionId) && item.answer) tally(item.questionId, Boolean(item.correct), item.answer);
  const bands = Array.from({ length: 10 }, (_, i) => ({ band: i === 9 ? '90–100' : `${i * 10}–${i * 10 + 9}`, count: 0 }));
  for (const m of mocks) bands[Math.min(9, Math.floor((m.result as { percent: number }).percent / 10))].count += 1;
  const share = (m: { wrong: number; answered: number }) => Math.round((100 * m.wrong) / m.answered);
  return {
    students,
    assignments: assignments.map((x, i) => {
      const counts: Record<string, number> = { done: 0, late: 0, 'in-progress': 0, missing: 0, open: 0, upcoming: 0 };
      for (const s of students) if (s.statuses[i]) counts[s.statuses[i].state] += 1;
      const chosen = x.students.length ? students.filter((s) => given(x, s.userId)).map((s) => ({ userId: s.userId, name: s.name, email: s.email })).sort((p, q) => (p.name < q.name ? -1 : p.name > q.name ? 1 : 0)) : null;
      return { id: x.id, kind: x.kind, target: x.target, title: x.title, opensAt: x.opensAt, dueAt: x.dueAt, href: assignmentHref(x), chosen, assigned: students.filter((s) => given(x, s.userId)).length, counts };
    }),
    readiness: cats.map((c) => ({
      category: c,
      label: CATEGORIES[c].label,
      mastered: Math.round((100 * students.filter((s) => (s.mastery[c] ?? 0) >= MASTERED_AT).length) / students.length),
      meanMastery: Math.round((10 * students.reduce((n, s) => n + (s.mastery[c] ?? 0), 0)) / students.length) / 10,
    })),
    mockBands: bands,
    missed: [...missed]
      .filter(([, m]) => m.wrong > 0)
      .sort(([xq, x], [yq, y]) => y.wrong - x.wrong || share(y) - share(x) || (xq < yq ? -1 : 1))
      .slice(0, 20)
      .map(([questionId, m]) => {
        const q = bank.get(questionId)!;
        const [choice, count] = [...m.choices].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))[0] ?? ['', 0];
        const text = choice
          .split(',')
          .map((o) => q.options.find((x) => x.id === o)?.text)
          .filter(Boolean)
          .join(' / ');
        return { questionId, stem: q.stem, category: CATEGORIES[q.category].label, answered: m.answered, wrong: m.wrong, wrongShare: share(m), distractor: text ? `${choice.toUpperCase()}: ${text}` : '', distractorCount: count };
      }),
  };
}

beforeAll(async () => {
  t = await createTestDb();
  const db = t.db;
  const rnd = seededRandom(7);
  const bank = [...questionBank().values()];
  const items = bank.filter((q) => !q.id.startsWith('check-'));
  const checks = bank.filter((q) => q.id.startsWith('check-'));
  const lessons = allLessons();
  const answer = (q: (typeof bank)[number], ok: boolean) => {
    if (ok) return [...q.key];
    const wrong = q.options.filter((o) => !q.key.includes(o.id)).map((o) => o.id);
    // sometimes two options (a multi-option answer), mostly one of the distractors
    return rnd() < 0.15 ? [...q.key.slice(0, 1), wrong[0]] : [wrong[Math.floor(rnd() * wrong.length)]];
  };
  await db.user.create({ data: { id: inst.id, name: 'Instructor', email: 'inst@school.edu', role: 'instructor' } });
  cohortId = (await db.cohort.create({ data: { name: 'RAD 210', term: 'Spring 2027', joinCode: 'TEST-2027', instructorId: inst.id } })).id;
  await db.assignment.createMany({
    data: [
      { kind: 'lesson', target: lessons[0].slug, title: 'Lesson', opensAt: new Date(start.getTime() + 2 * DAY), dueAt: new Date(start.getTime() + 9 * DAY) },
      { kind: 'practice', target: 'size=8&set=s1', title: 'Practice 1', opensAt: new Date(start.getTime() + 3 * DAY), dueAt: new Date(start.getTime() + 12 * DAY) },
      { kind: 'practice', target: 'size=5&set=s2', title: 'Practice 2', opensAt: new Date(start.getTime() + 14 * DAY), dueAt: new Date(start.getTime() + 20 * DAY) },
      { kind: 'practice', target: 'size=5&set=bad!', title: 'Broken target', opensAt: start, dueAt: new Date(start.getTime() + 5 * DAY) },
      { kind: 'mock', target: '20', title: 'Mock', opensAt: new Date(start.getTime() + 20 * DAY), dueAt: new Date(start.getTime() + 30 * DAY) },
      { kind: 'lesson', target: lessons[1].slug, title: 'Not open yet', opensAt: new Date(start.getTime() + 50 * DAY), dueAt: new Date(start.getTime() + 60 * DAY) },
      { kind: 'scenario', target: 'id=send-failed-wrong-port&hints=cost&minutes=15', title: 'Scenario', opensAt: new Date(start.getTime() + 5 * DAY), dueAt: new Date(start.getTime() + 25 * DAY) },
    ].map((a) => ({ ...a, cohortId })),
  });
  for (let s = 0; s < 14; s++) {
    const uid = `stu${s}`;
    const skill = 0.3 + rnd() * 0.6;
    await db.user.create({ data: { id: uid, name: `Student ${s}`, email: `${uid}@school.edu` } });
    await db.enrollment.create({ data: { cohortId, userId: uid, joinedAt: start } });
    if (s === 13) continue; // one student who has done nothing
    // fault-scenario attempts: passed in time, late, running, given up, or none
    if (s % 5 !== 4) {
      const sandboxId = (await db.sandbox.upsert({ where: { slug: 'dash' }, create: { slug: 'dash', name: 'Dashboard test' }, update: {} })).id;
      const began = new Date(start.getTime() + (4 + 3 * (s % 8)) * DAY);
      const status = (['passed', 'passed', 'in-progress', 'abandoned'] as const)[s % 4];
      await db.scenarioAttempt.create({
        data: { userId: uid, sandboxId, scenarioId: 'send-failed-wrong-port', status, injectionIds: [], hints: [], checks: [], startedAt: began, finishedAt: status === 'in-progress' ? null : new Date(began.getTime() + (5 + s) * 60_000) },
      });
    }
    await db.lessonProgress.createMany({ data: lessons.filter(() => rnd() < 0.5).map((l) => ({ userId: uid, lessonSlug: l.slug, completedAt: new Date(start.getTime() + rnd() * 35 * DAY) })) });
    // answers a few minutes apart, never two at one instant for one student
    let clock = start.getTime() + rnd() * DAY;
    const tick = () => (clock += 60_000 + Math.floor(rnd() * 5 * DAY) / 10);
    for (const [mode, setKey, pool, count] of [
      ['practice', 'set:s1', items.slice(0, 12), Math.floor(rnd() * 14)],
      ['practice', 'set:s2', items.slice(10, 18), Math.floor(rnd() * 9)],
      ['practice', 'set:other', items, 10],
      ['review', 'day', items.slice(0, 30), 6],
      ['lesson-check', lessons[0].slug, checks, 3],
    ] as const) {
      const attempt = await db.quizAttempt.create({ data: { userId: uid, mode, setKey, startedAt: new Date(clock) } });
      await db.response.createMany({
        data: Array.from({ length: count }, () => {
          const q = pool[Math.floor(rnd() * pool.length)];
          const ok = rnd() < skill;
          return { attemptId: attempt.id, questionId: q.id, answer: JSON.stringify(answer(q, ok)), correct: ok, answeredAt: new Date(tick()) };
        }),
      });
    }
    if (s % 4 === 0) {
      // an item no longer in the bank: counts for last activity only
      const attempt = await db.quizAttempt.create({ data: { userId: uid, mode: 'practice', setKey: 'set:old', startedAt: new Date(clock) } });
      await db.response.create({ data: { attemptId: attempt.id, questionId: 'retired-item', answer: '["a"]', correct: false, answeredAt: new Date(tick()) } });
    }
    for (let m = 0; m < 1 + (s % 3); m++) {
      const form = [...items].sort(() => rnd() - 0.5).slice(0, 20);
      const submitted = m < 1 + (s % 3) - (s % 5 === 0 ? 1 : 0);
      const graded = form.map((q, position) => {
        const skipped = rnd() < 0.1;
        const ok = !skipped && rnd() < skill;
        return { position, questionId: q.id, answer: skipped ? null : JSON.stringify(answer(q, ok)), correct: submitted ? ok : null };
      });
      const right = graded.filter((g) => g.correct).length;
      await db.quizAttempt.create({
        data: {
          userId: uid,
          mode: 'mock',
          startedAt: new Date(tick()),
          submittedAt: submitted ? new Date(tick()) : null,
          timeLimitSec: 1800,
          result: submitted ? { correct: right, total: 20, percent: Math.round((100 * right) / 20) } : undefined,
          items: { create: graded },
        },
      });
    }
  }
  // two assignments given to chosen students only (the rest of the cohort: not assigned)
  for (const [title, uids] of [['Practice 2', ['stu1', 'stu2', 'stu6', 'stu13']], ['Scenario', ['stu0', 'stu1', 'stu2', 'stu3', 'stu5']]] as const) {
    const a = (await db.assignment.findFirst({ where: { cohortId, title } }))!;
    await db.assignmentStudent.createMany({ data: uids.map((userId) => ({ assignmentId: a.id, userId })) });
  }
});
afterAll(async () => t?.drop());

describe('cohort dashboard counted in the database', () => {
  it('gives exactly the figures of counting every answer in JS', async () => {
    const { scenarios, studentScenarios, ...got } = await cohortDashboard(t.db, inst, cohortId, now);
    const want = await reference(t.db, cohortId, now);
    expect(scenarios).toHaveLength(1);
    expect(studentScenarios.length).toBeGreaterThan(5);
    expect(got.students).toHaveLength(14);
    expect(got.students.some((s) => s.answered > 0 && s.mockBest !== null)).toBe(true);
    expect(got.missed.length).toBeGreaterThan(5);
    expect(got).toEqual(want);
  });

  it('shows every assignment state the data has, and nothing for a student who has done nothing', async () => {
    const d = await cohortDashboard(t.db, inst, cohortId, now);
    const states = new Set(d.students.flatMap((s) => s.statuses.map((x) => x?.state)));
    for (const state of ['done', 'late', 'in-progress', 'missing', 'upcoming']) expect(states).toContain(state);
    expect(d.students.find((s) => s.userId === 'stu13')).toMatchObject({ lessons: 0, answered: 0, accuracy: null, lastActive: null, mockBest: null });
    // the broken practice target is never done, as before
    expect(d.assignments.find((a) => a.title === 'Broken target')!.counts.done).toBe(0);
    // chosen students: the others are not assigned (null) and not counted
    const i = d.assignments.findIndex((a) => a.title === 'Practice 2');
    expect(d.assignments[i]).toMatchObject({ assigned: 4, chosen: ['stu1', 'stu13', 'stu2', 'stu6'].map((u) => ({ userId: u, name: `Student ${u.slice(3)}`, email: `${u}@school.edu` })) });
    expect(Object.values(d.assignments[i].counts).reduce((n, c) => n + c, 0)).toBe(4);
    expect(d.students.filter((s) => s.statuses[i] === null)).toHaveLength(10);
    expect(d.assignments.find((a) => a.title === 'Lesson')).toMatchObject({ chosen: null, assigned: 14 });
    // the scenario (hints cost, 10 points each by default) is given to 5: the others are not counted as not started
    expect(d.scenarios[0].notStarted).toBe(5 - d.studentScenarios.filter((r) => ['stu0', 'stu1', 'stu2', 'stu3', 'stu5'].includes(r.userId)).length);
    expect(d.studentScenarios.filter((r) => r.score !== null).map((r) => r.userId).sort()).toEqual(d.studentScenarios.map((r) => r.userId).filter((u) => ['stu0', 'stu1', 'stu2', 'stu3', 'stu5'].includes(u)).sort());
  });
});
