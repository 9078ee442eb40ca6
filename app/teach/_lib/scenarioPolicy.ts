// The options an instructor set on a fault-scenario assignment (hint policy, time budget), for the scenario page:
// an attempt is "assigned" when one of the student's cohorts has an opened assignment of that scenario that the
// student has not yet passed. Several such assignments: the strictest hint policy and the shortest budget win.
import type { Db } from '@/prisma/db';
import { scenarioTarget, type HintPolicy } from './assignmentStatus';

export interface AssignedScenario {
  assignmentId: string;
  title: string;
  cohort: string;
  hints: HintPolicy;
  minutes: number;
  dueAt: Date;
}

const STRICTNESS: Record<HintPolicy, number> = { allowed: 0, cost: 1, none: 2 };

export async function assignedScenario(db: Db, userId: string, scenarioId: string, now: Date): Promise<AssignedScenario | null> {
  const enrollments = await db.enrollment.findMany({
    where: { userId },
    select: { cohort: { select: { name: true, assignments: { where: { kind: 'scenario', opensAt: { lte: now } }, orderBy: { dueAt: 'asc' } } } } },
  });
  const open = enrollments.flatMap((e) =>
    e.cohort.assignments.flatMap((a) => {
      const t = scenarioTarget(a.target);
      return t && t.id === scenarioId ? [{ assignmentId: a.id, title: a.title, cohort: e.cohort.name, hints: t.hints, minutes: t.minutes, dueAt: a.dueAt, opensAt: a.opensAt }] : [];
    }),
  );
  if (!open.length) return null;
  const passed = await db.scenarioAttempt.findMany({ where: { userId, scenarioId, status: 'passed' }, select: { startedAt: true } });
  const pending = open.filter((a) => !passed.some((p) => p.startedAt >= a.opensAt));
  if (!pending.length) return null;
  const strictest = pending.reduce((x, y) => (STRICTNESS[y.hints] > STRICTNESS[x.hints] ? y : x));
  return {
    assignmentId: strictest.assignmentId,
    title: strictest.title,
    cohort: strictest.cohort,
    hints: strictest.hints,
    minutes: Math.min(...pending.map((a) => a.minutes)),
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
