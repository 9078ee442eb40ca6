// Seeds one cohort of 300 students with a term's activity and times the cohort dashboard's server-side work
// (every query and figure behind /teach/cohorts/[id]; React's render of the tables is not included).
//   npx tsx app/teach/seed-cohort.bench.ts                      (SQLite in a temp folder)
//   TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test npx tsx app/teach/seed-cohort.bench.ts
// A term: 15 weeks; per student about 8 of the lessons, 20 practice sets of 20 items (400 answers) and 3
// submitted 50-item mock exams, 5 fault-scenario attempts (hints and checks); 8 assignments (2 lessons, 3 practice
// sets, 1 mock, 2 fault scenarios).
//   KEEP=1 keeps the seeded database and prints its URL; BENCH_DATABASE_URL=<that URL> times it again without
//   seeding (EXPLAIN ANALYZE on the same data, or a before/after of one change).
import { performance } from 'node:perf_hooks';
import { createTestDb } from '@/prisma/testing';
import { createDb, providerOf } from '@/prisma/db';
import { loadScenarios } from '@/content/scenarios';
import { seededRandom } from '@/content/exam-blueprint';
import { allLessons, questionBank } from '@/app/_lib/content';
import { cohortDashboard } from './_lib/cohorts';

const STUDENTS = Number(process.env.STUDENTS ?? 300);
const reuse = process.env.BENCH_DATABASE_URL;
const t = reuse ? { db: createDb(reuse), url: reuse, provider: providerOf(reuse), drop: async () => undefined } : await createTestDb();
const db = t.db;
const rnd = seededRandom(42);
const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
const termStart = new Date('2027-01-11T08:00:00Z');
const WEEK = 7 * 86_400_000;
const at = (week: number) => new Date(termStart.getTime() + week * WEEK + Math.floor(rnd() * WEEK));
const bank = [...questionBank().values()].filter((q) => !q.id.startsWith('check-'));
const lessons = allLessons();

const seedStart = performance.now();
const scenarios = loadScenarios().slice(0, 4);
/** A term of activity for STUDENTS students; returns the number of practice answers. */
async function seed(): Promise<number> {
  await db.user.create({ data: { id: 'inst', name: 'Instructor', email: 'inst@bench.test', role: 'instructor' } });
  const created = await db.cohort.create({ data: { name: 'Bench cohort', term: 'Spring 2027', joinCode: 'BNCH-2027', instructorId: 'inst' } });
  const assignments = [
    { kind: 'lesson', target: lessons[0].slug, title: 'Lesson 1', week: 1 },
    { kind: 'lesson', target: lessons[1].slug, title: 'Lesson 2', week: 2 },
    { kind: 'practice', target: 'size=20&set=s0', title: 'Practice 1', week: 3 },
    { kind: 'practice', target: 'size=20&set=s5', title: 'Practice 2', week: 6 },
    { kind: 'practice', target: 'size=20&set=s10', title: 'Practice 3', week: 9 },
    { kind: 'mock', target: '50', title: 'Mock 1', week: 12 },
    { kind: 'scenario', target: `id=${scenarios[0].id}&hints=allowed&minutes=${scenarios[0].timeBudgetMinutes}`, title: 'Scenario 1', week: 4 },
    { kind: 'scenario', target: `id=${scenarios[1].id}&hints=none&minutes=30`, title: 'Scenario 2', week: 8 },
  ];
  const sandbox = await db.sandbox.create({ data: { slug: 'bench', name: 'Bench' } });
  await db.assignment.createMany({
    data: assignments.map((a) => ({ cohortId: created.id, kind: a.kind, target: a.target, title: a.title, opensAt: new Date(termStart.getTime() + a.week * WEEK), dueAt: new Date(termStart.getTime() + (a.week + 1) * WEEK), createdById: 'inst' })),
  });

  let answers = 0;
  for (let s = 0; s < STUDENTS; s++) {
    const id = `stu${s}`;
    const skill = 0.45 + rnd() * 0.45;
    await db.user.create({ data: { id, name: `Student ${s}`, email: `${id}@bench.test` } });
    await db.enrollment.create({ data: { cohortId: created.id, userId: id, joinedAt: termStart } });
    await db.lessonProgress.createMany({ data: lessons.filter(() => rnd() < 0.8).map((l) => ({ userId: id, lessonSlug: l.slug, completedAt: at(Math.floor(rnd() * 14)) })) });
    const responses: { attemptId: string; questionId: string; answer: string; correct: boolean; answeredAt: Date }[] = [];
    for (let set = 0; set < 20; set++) {
      const week = Math.min(14, Math.floor(set * 0.7));
      const attempt = await db.quizAttempt.create({ data: { userId: id, mode: 'practice', setKey: `set:s${set}`, startedAt: at(week) }, select: { id: true, startedAt: true } });
      for (let i = 0; i < 20; i++) {
        const q = pick(bank);
        const ok = rnd() < skill;
        const wrong = q.options.find((o) => !q.key.includes(o.id))?.id ?? 'a';
        responses.push({ attemptId: attempt.id, questionId: q.id, answer: JSON.stringify(ok ? q.key : [wrong]), correct: ok, answeredAt: new Date(attempt.startedAt.getTime() + i * 40_000) });
      }
    }
    await db.response.createMany({ data: responses });
    answers += responses.length;
    for (let m = 0; m < 3; m++) {
      const startedAt = at(10 + m * 2);
      // 50 distinct items, as a real mock exam draws them (sampleForm never repeats an item in one exam)
      const form = [...bank];
      for (let i = 0; i < 50; i++) {
        const j = i + Math.floor(rnd() * (form.length - i));
        [form[i], form[j]] = [form[j], form[i]];
      }
      const items = form.slice(0, 50).map((q, position) => {
        const ok = rnd() < skill;
        return { position, questionId: q.id, answer: JSON.stringify(ok ? q.key : [q.options.find((o) => !q.key.includes(o.id))?.id ?? 'a']), correct: ok };
      });
      const correct = items.filter((i) => i.correct).length;
      await db.quizAttempt.create({
        data: { userId: id, mode: 'mock', startedAt, submittedAt: new Date(startedAt.getTime() + 3_000_000), timeLimitSec: 3600, result: { correct, total: 50, percent: Math.round((100 * correct) / 50) }, items: { create: items } },
      });
    }
    // five scenario attempts: most pass after a failing check or two, some are given up, a few hints each
    for (let k = 0; k < 5; k++) {
      const sc = scenarios[k % scenarios.length];
      const startedAt = at(4 + k * 2);
      const failing = Math.floor(rnd() * 3);
      const status = rnd() < 0.8 ? 'passed' : 'abandoned';
      const check = (passed: boolean) => ({ at: startedAt.toISOString(), passed, results: sc.faults.flatMap((f) => [1, 2, 3].map((n) => ({ faultId: f.faultId, id: `c${n}`, label: `${f.faultId} check ${n}`, passed: passed || n !== 1 + Math.floor(rnd() * 3), detail: 'bench' }))) });
      await db.scenarioAttempt.create({
        data: {
          userId: id,
          sandboxId: sandbox.id,
          scenarioId: sc.id,
          status,
          injectionIds: [],
          hints: Array.from({ length: Math.floor(rnd() * 4) }, (_, n) => ({ faultId: sc.faults[0].faultId, step: n + 1, at: startedAt.toISOString() })),
          checks: [...Array.from({ length: failing }, () => check(false)), ...(status === 'passed' ? [check(true)] : [])],
          startedAt,
          finishedAt: new Date(startedAt.getTime() + (4 + Math.floor(rnd() * 30)) * 60_000),
        },
      });
    }
  }
  return answers;
}

const answers = reuse ? Number(process.env.ANSWERS ?? STUDENTS * 400) : await seed();
const seedMs = performance.now() - seedStart;
// a live PostgreSQL has table statistics (autovacuum analyzes after large inserts); right after seeding it has none,
// and its plans (nested loops for 120,000 rows estimated at 1,250) would be timed instead of the real ones
if (t.provider === 'postgresql') await db.$executeRawUnsafe('ANALYZE');

const now = new Date(termStart.getTime() + 15 * WEEK);
const cohort = (await db.cohort.findUniqueOrThrow({ where: { joinCode: 'BNCH-2027' } }));
// PROFILE=1: reading every answer into JS, on its own: what the dashboard did before it counted in the database
// (most of that time is Prisma materialising rows, not the SQL)
if (process.env.PROFILE) {
  const ids = (await db.enrollment.findMany({ where: { cohortId: cohort.id }, select: { userId: true } })).map((e) => e.userId);
  for (const [name, q] of Object.entries({
    attempts: () => db.quizAttempt.findMany({ where: { userId: { in: ids } }, select: { id: true, userId: true, mode: true, setKey: true, submittedAt: true, result: true } }),
    responses: () => db.response.findMany({ where: { attempt: { userId: { in: ids } } }, select: { attemptId: true, questionId: true, correct: true, answer: true, answeredAt: true } }),
    mockItems: () => db.attemptItem.findMany({ where: { attempt: { userId: { in: ids }, mode: 'mock', submittedAt: { not: null } } }, select: { attemptId: true, questionId: true, answer: true, correct: true } }),
  })) {
    const t0 = performance.now();
    await q();
    console.log(name, Math.round(performance.now() - t0), 'ms');
  }
}
const times: number[] = [];
let d = await cohortDashboard(db, { id: 'inst', role: 'instructor' }, cohort.id, now); // warm-up
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  d = await cohortDashboard(db, { id: 'inst', role: 'instructor' }, cohort.id, now);
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
console.log(
  JSON.stringify(
    {
      provider: t.provider,
      students: d.students.length,
      practiceAnswers: answers,
      mockItems: STUDENTS * 150,
      seedSeconds: Math.round(seedMs / 100) / 10,
      dashboardMs: { median: Math.round(times[2]), min: Math.round(times[0]), max: Math.round(times[4]) },
      check: { assignmentsDone: d.assignments.map((a) => a.counts.done), mockExams: d.mockBands.reduce((n, b) => n + b.count, 0), scenariosFixed: d.scenarios.map((x) => x.done) },
    },
    null,
    2,
  ),
);
if (process.env.KEEP && !reuse) console.log(`kept: BENCH_DATABASE_URL=${t.url}`);
else await t.drop();
