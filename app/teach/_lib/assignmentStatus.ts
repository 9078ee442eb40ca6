// Whether a student has done an assignment, from what is stored: pure, so it is tested on its own.
// lesson: done when the lesson is completed (at any time: a lesson finished before it was assigned counts);
// practice: done when the assigned set has `size` distinct items answered after it opened;
// mock: done when a mock exam of at least that length was submitted after it opened;
// scenario: done when an attempt at the fault scenario started after it opened and passed (its checks all passed),
// in progress while such an attempt is running.
// Done after the due date is late; not done by the due date is missing (unless an attempt is still running).
import { z } from 'zod';
import { DEFAULT_HINT_COST, scenarioScore } from './scenarioScore';
import { DRILL_ID_PATTERN } from '@/content/scenarios/drillId';

export type AssignmentKind = 'lesson' | 'practice' | 'mock' | 'scenario';
export type AssignmentState = 'done' | 'late' | 'in-progress' | 'missing' | 'open' | 'upcoming';
export const ASSIGNMENT_STATES: readonly AssignmentState[] = ['done', 'late', 'in-progress', 'missing', 'open', 'upcoming'];

export interface AssignmentLike {
  kind: string;
  target: string;
  opensAt: Date;
  dueAt: Date;
}

export interface StudentActivity {
  /** lesson slug → when it was completed */
  lessons: Map<string, Date>;
  /** practice answers: the attempt's setKey ("set:<seed>"), the item and when */
  practice: { setKey: string | null; questionId: string; answeredAt: Date }[];
  /** submitted mock exams: when, and how many items */
  mocks: { submittedAt: Date; items: number }[];
  /** fault-scenario attempts (ScenarioAttempt rows): absent when the caller has none to give */
  scenarios?: ScenarioRun[];
}

export interface ScenarioRun {
  scenarioId: string;
  /** in-progress | passed | abandoned */
  status: string;
  startedAt: Date;
  finishedAt: Date | null;
  hints: number;
}

export interface AssignmentProgress {
  completedAt: Date | null;
  /** how far along: items answered of the set size, 0/1 for a lesson or mock */
  done: number;
  of: number;
  /** a scenario attempt is running (not yet passed) */
  inProgress?: boolean;
  /** a scenario assigned with "hints cost": the assignment score out of 100 (0 until fixed; see scenarioScore.ts) */
  score?: number;
}

export interface AssignmentStatus extends AssignmentProgress {
  state: AssignmentState;
}

/** The practice query an assignment stores (category, lesson, size, set), parsed; null if it is not one. */
export function practiceTarget(target: string): { category?: string; lesson?: string; size: number; set: string } | null {
  const q = new URLSearchParams(target);
  const size = Number(q.get('size') ?? '10');
  const set = q.get('set') ?? '';
  if (!Number.isInteger(size) || size < 1 || !/^[a-z0-9]{1,12}$/.test(set)) return null;
  return { ...(q.get('category') ? { category: q.get('category')! } : {}), ...(q.get('lesson') ? { lesson: q.get('lesson')! } : {}), size, set };
}

export const HINT_POLICIES = ['allowed', 'cost', 'none'] as const;
export type HintPolicy = (typeof HINT_POLICIES)[number];
export const HINT_POLICY_LABEL: Record<HintPolicy, string> = { allowed: 'hints allowed', cost: 'hints cost', none: 'no hints' };

/**
 * A fault-scenario assignment's target: a query string like the practice one, `id=<scenario id>&hints=<allowed |
 * cost | none>&minutes=<time budget>` (the Assignment table has no options column). `hints=cost`: hints may be
 * taken, each one costs `cost` points of the assignment's score (scenarioScore.ts; 10 when the target has none),
 * shown to the student before and after they take it and to the instructor on the dashboard.
 */
export const scenarioTargetSchema = z.object({
  /** a written scenario's id, or a fault drill's (`drill~<fault>~<fault>`, content/scenarios/drillId.ts) */
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/).or(z.string().regex(DRILL_ID_PATTERN)),
  hints: z.enum(HINT_POLICIES),
  minutes: z.coerce.number().int().min(1).max(240),
  cost: z.coerce.number().int().min(1).max(100).default(DEFAULT_HINT_COST),
});
export type ScenarioTarget = z.infer<typeof scenarioTargetSchema>;

/** The scenario query an assignment stores, parsed; null if it is not one. */
export function scenarioTarget(target: string): ScenarioTarget | null {
  const r = scenarioTargetSchema.safeParse(Object.fromEntries(new URLSearchParams(target)));
  return r.success ? r.data : null;
}

export function scenarioTargetString(t: z.input<typeof scenarioTargetSchema>): string {
  return new URLSearchParams({ id: t.id, hints: t.hints, minutes: String(t.minutes), ...(t.hints === 'cost' ? { cost: String(t.cost ?? DEFAULT_HINT_COST) } : {}) }).toString();
}

/**
 * The Prisma condition for the assignments a student is given: the whole cohort's (no chosen students) and those
 * they are chosen for (AssignmentStudent rows).
 */
export const forStudent = (userId: string) => ({ OR: [{ students: { none: {} } }, { students: { some: { userId } } }] });

/** Where a student goes to do the assignment. */
export function assignmentHref(a: { kind: string; target: string }): string {
  if (a.kind === 'lesson') return `/learn/${a.target}`;
  if (a.kind === 'practice') return `/practice?${a.target}`;
  if (a.kind === 'scenario') return `/sandbox/scenarios/${scenarioTarget(a.target)?.id ?? ''}`;
  return '/practice/mock';
}

/** How far a student is with an assignment, from their activity (the state then follows from the dates). */
export function assignmentProgress(a: AssignmentLike, s: StudentActivity): AssignmentProgress {
  let completedAt: Date | null = null;
  let done = 0;
  let of = 1;
  if (a.kind === 'lesson') {
    completedAt = s.lessons.get(a.target) ?? null;
    done = completedAt ? 1 : 0;
  } else if (a.kind === 'practice') {
    const t = practiceTarget(a.target);
    of = t?.size ?? 1;
    const seen = new Set<string>();
    const answers = s.practice
      .filter((r) => t && r.setKey === `set:${t.set}` && r.answeredAt >= a.opensAt)
      .sort((x, y) => x.answeredAt.getTime() - y.answeredAt.getTime());
    for (const r of answers) {
      if (seen.has(r.questionId)) continue;
      seen.add(r.questionId);
      if (seen.size === of) completedAt = r.answeredAt;
    }
    done = Math.min(seen.size, of);
  } else if (a.kind === 'mock') {
    const length = Number(a.target) || 0;
    const first = s.mocks
      .filter((m) => m.submittedAt >= a.opensAt && m.items >= length)
      .sort((x, y) => x.submittedAt.getTime() - y.submittedAt.getTime())[0];
    completedAt = first?.submittedAt ?? null;
    done = completedAt ? 1 : 0;
  } else if (a.kind === 'scenario') {
    const t = scenarioTarget(a.target);
    const mine = (s.scenarios ?? []).filter((r) => r.scenarioId === t?.id && r.startedAt >= a.opensAt);
    const passed = mine
      .filter((r) => r.status === 'passed' && r.finishedAt)
      .sort((x, y) => x.finishedAt!.getTime() - y.finishedAt!.getTime())[0];
    completedAt = passed?.finishedAt ?? null;
    done = completedAt ? 1 : 0;
    const score = t?.hints === 'cost' ? { score: scenarioScore({ fixed: Boolean(passed), hints: passed?.hints ?? 0, cost: t.cost }) } : {};
    if (!completedAt && mine.some((r) => r.status === 'in-progress')) return { completedAt, done, of, inProgress: true, ...score };
    return { completedAt, done, of, ...score };
  }
  return { completedAt, done, of };
}

/** The state for a given progress: done or late once completed, in progress while an attempt runs, else missing, open or upcoming by the dates. */
export function statusOf(a: Pick<AssignmentLike, 'opensAt' | 'dueAt'>, { completedAt, done, of, inProgress, score }: AssignmentProgress, now: Date): AssignmentStatus {
  let state: AssignmentState;
  if (completedAt) state = completedAt > a.dueAt ? 'late' : 'done';
  else if (inProgress) state = 'in-progress';
  else if (now > a.dueAt) state = 'missing';
  else if (now < a.opensAt) state = 'upcoming';
  else state = 'open';
  return { state, completedAt, done, of, ...(score === undefined ? {} : { score }) };
}

export function assignmentStatus(a: AssignmentLike, s: StudentActivity, now: Date): AssignmentStatus {
  return statusOf(a, assignmentProgress(a, s), now);
}
