// The options an instructor set on a fault-scenario assignment (hint policy, time budget), for the scenario page:
// an attempt is "assigned" when one of the student's cohorts has an opened assignment of that scenario that the
// student has not yet passed, and that is given to them (the whole cohort, or they are one of its chosen students).
// Several such assignments: the strictest hint policy (then the dearest hint) and the shortest budget win.
import type { Db } from '@/prisma/db';
import { assignmentStatus, forStudent, scenarioTarget, type HintPolicy } from './assignmentStatus';

export interface AssignedScenario {
  assignmentId: string;
  title: string;
  cohort: string;
  hints: HintPolicy;
  /** hints=cost: the points of the assignment score (out of 100) each hint costs */
  cost: number;
  minutes: number;
  opensAt: Date;
  dueAt: Date;
}

const STRICTNESS: Record<HintPolicy, number> = { allowed: 0, cost: 1, none: 2 };

export async function assignedScenario(db: Db, userId: string, scenarioId: string, now: Date): Promise<AssignedScenario | null> {
  const enrollments = await db.enrollment.findMany({
    where: { userId },
    select: { cohort: { select: { name: true, assignments: { where: { kind: 'scenario', opensAt: { lte: now }, ...forStudent(userId) }, orderBy: { dueAt: 'asc' } } } } },
  });
  const open = enrollments.flatMap((e) =>
    e.cohort.assignments.flatMap((a) => {
      const t = scenarioTarget(a.target);
      return t && t.id === scenarioId ? [{ assignmentId: a.id, title: a.title, cohort: e.cohort.name, hints: t.hints, cost: t.cost, minutes: t.minutes, dueAt: a.dueAt, opensAt: a.opensAt }] : [];
    }),
  );
  if (!open.length) return null;
  const passed = await db.scenarioAttempt.findMany({ where: { userId, scenarioId, status: 'passed' }, select: { startedAt: true } });
  const pending = open.filter((a) => !passed.some((p) => p.startedAt >= a.opensAt));
  if (!pending.length) return null;
  const strictest = pending.reduce((x, y) => (STRICTNESS[y.hints] > STRICTNESS[x.hints] || (y.hints === x.hints && y.cost > x.cost) ? y : x));
  return {
    assignmentId: strictest.assignmentId,
    title: strictest.title,
    cohort: strictest.cohort,
    hints: strictest.hints,
    cost: strictest.cost,
    minutes: Math.min(...pending.map((a) => a.minutes)),
    opensAt: strictest.opensAt,
    dueAt: strictest.dueAt,
  };
}

/**
 * Why a hint is refused for this attempt: its scenario is assigned to the student with "no hints". Null when a hint
 * may be taken (or when the attempt is not theirs: takeHint answers that with 404/403 itself).
 */
export async function hintRefusal(db: Db, userId: string, attemptId: string, now: Date): Promise<string | null> {
  const attempt = await db.scenarioAttempt.findUnique({ where: { id: attemptId.slice(0, 64) }, select: { userId: true, scenarioId: true } });
  if (!attempt || attempt.userId !== userId) return null;
  const a = await assignedScenario(db, userId, attempt.scenarioId, now);
  return a?.hints === 'none' ? `No hints for this one: your assignment “${a.title}” (${a.cohort}) is set to no hints. Work from the symptoms, the network log and the consoles.` : null;
}

export interface ScenarioScore {
  title: string;
  cohort: string;
  /** points per hint */
  cost: number;
  /** the assignment score out of 100 (scenarioScore.ts): 0 until fixed */
  score: number;
  fixed: boolean;
}

/**
 * The student's score in an opened "hints cost" assignment of this scenario given to them (the earliest due when
 * several), whether or not it is fixed yet: what the scenario page shows after an attempt. Null when there is none.
 */
export async function scenarioAssignmentScore(db: Db, userId: string, scenarioId: string, now: Date): Promise<ScenarioScore | null> {
  const enrollments = await db.enrollment.findMany({
    where: { userId },
    select: { cohort: { select: { name: true, assignments: { where: { kind: 'scenario', opensAt: { lte: now }, ...forStudent(userId) }, orderBy: { dueAt: 'asc' } } } } },
  });
  const costed = enrollments
    .flatMap((e) => e.cohort.assignments.map((a) => ({ a, cohort: e.cohort.name, t: scenarioTarget(a.target) })))
    .filter((x) => x.t?.id === scenarioId && x.t.hints === 'cost')
    .sort((x, y) => x.a.dueAt.getTime() - y.a.dueAt.getTime())[0];
  if (!costed) return null;
  const runs = await db.scenarioAttempt.findMany({ where: { userId, scenarioId }, select: { scenarioId: true, status: true, startedAt: true, finishedAt: true, hints: true } });
  const status = assignmentStatus(costed.a, { lessons: new Map(), practice: [], mocks: [], scenarios: runs.map((r) => ({ ...r, hints: Array.isArray(r.hints) ? r.hints.length : 0 })) }, now);
  return { title: costed.a.title, cohort: costed.cohort, cost: costed.t!.cost, score: status.score ?? 0, fixed: Boolean(status.completedAt) };
}
