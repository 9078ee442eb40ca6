// The fault-scenario figures of the teaching dashboards, from a cohort's ScenarioAttempt rows: pure, so they are
// tested with the dashboard over real rows. A few attempts per student are read as rows (hints and checks are JSON
// lists), unlike the answers, which are counted in SQL.
// Time to fix: the student's first passed attempt, start to the passing "Check my fix"; hints: the hints taken in
// that attempt (the latest attempt's when none passed). Most-failed check: the check that failed most often over
// every "Check my fix" of the cohort's attempts at that scenario. Score: for a student given the scenario by an
// assignment whose hints cost (scenarioScore.ts), that assignment's score (the first such assignment by due date).
import { findScenario } from '@/content/scenarios';
import { scenarioTarget, type ScenarioRun } from './assignmentStatus';
import { scenarioScore } from './scenarioScore';

export interface ScenarioAttemptFigures {
  userId: string;
  scenarioId: string;
  /** in-progress | passed | abandoned */
  status: string;
  startedAt: Date;
  finishedAt: Date | null;
  /** hints taken */
  hints: number;
}

/** How many times a check (by its label) failed in the "Check my fix" runs of a scenario's attempts. */
export interface FailedCheckCount {
  scenarioId: string;
  label: string;
  n: number;
}

export type ScenarioState = 'passed' | 'in-progress' | 'gave-up';

export interface StudentScenarioRow {
  userId: string;
  name: string;
  email: string;
  scenarioId: string;
  title: string;
  state: ScenarioState;
  attempts: number;
  /** first passed attempt: start to pass, in ms */
  fixMs: number | null;
  hints: number;
  firstStarted: Date;
  /** the assignment score out of 100 when the student's assignment of it has "hints cost"; null otherwise */
  score: number | null;
}

export interface CohortScenarioRow {
  scenarioId: string;
  title: string;
  /** assigned to the cohort (by one or more assignments) */
  assigned: boolean;
  done: number;
  inProgress: number;
  gaveUp: number;
  notStarted: number;
  medianFixMs: number | null;
  medianHints: number | null;
  mostFailedCheck: string;
  mostFailedCount: number;
  /** median assignment score of the students who started it, when it is assigned with "hints cost" */
  medianScore: number | null;
}

/** A scenario assignment whose hints cost points, with the students it is given to (null: the whole cohort). */
export interface CostedAssignment {
  scenarioId: string;
  opensAt: Date;
  cost: number;
  targets: Set<string> | null;
}

/** The cohort's "hints cost" scenario assignments, earliest due first. */
export function costedAssignments(assignments: { kind: string; target: string; opensAt: Date; dueAt: Date; targets: Set<string> | null }[]): CostedAssignment[] {
  return [...assignments]
    .sort((x, y) => x.dueAt.getTime() - y.dueAt.getTime())
    .flatMap((a) => {
      const t = a.kind === 'scenario' ? scenarioTarget(a.target) : null;
      return t?.hints === 'cost' ? [{ scenarioId: t.id, opensAt: a.opensAt, cost: t.cost, targets: a.targets }] : [];
    });
}

/** A student's score for a scenario: from the first attempt started after the assignment opened that passed (0 if none). */
function scoreOf(userId: string, scenarioId: string, attempts: ScenarioAttemptFigures[], costed: CostedAssignment[]): number | null {
  const a = costed.find((c) => c.scenarioId === scenarioId && (!c.targets || c.targets.has(userId)));
  if (!a) return null;
  const passed = attempts
    .filter((x) => x.status === 'passed' && x.finishedAt && x.startedAt >= a.opensAt)
    .sort((x, y) => x.finishedAt!.getTime() - y.finishedAt!.getTime())[0];
  return scenarioScore({ fixed: Boolean(passed), hints: passed?.hints ?? 0, cost: a.cost });
}

export const scenarioRunOf = (r: ScenarioAttemptFigures): ScenarioRun => ({ scenarioId: r.scenarioId, status: r.status, startedAt: r.startedAt, finishedAt: r.finishedAt, hints: r.hints });

export function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const titleOf = (id: string) => findScenario(id)?.title ?? id;

/** One row per student and scenario they have started (attempts in start order). */
export function studentScenarioRows(students: { userId: string; name: string; email: string }[], attempts: ScenarioAttemptFigures[], costed: CostedAssignment[] = []): StudentScenarioRow[] {
  // student → scenario → attempts
  const byUser = new Map<string, Map<string, ScenarioAttemptFigures[]>>();
  for (const a of attempts) {
    const mine = byUser.get(a.userId) ?? new Map<string, ScenarioAttemptFigures[]>();
    mine.set(a.scenarioId, [...(mine.get(a.scenarioId) ?? []), a]);
    byUser.set(a.userId, mine);
  }
  const rows: StudentScenarioRow[] = [];
  for (const s of students) {
    for (const list of byUser.get(s.userId)?.values() ?? []) {
      const sorted = [...list].sort((x, y) => x.startedAt.getTime() - y.startedAt.getTime());
      const passed = sorted.find((a) => a.status === 'passed' && a.finishedAt);
      const running = sorted.some((a) => a.status === 'in-progress');
      const latest = sorted.at(-1)!;
      rows.push({
        userId: s.userId,
        name: s.name,
        email: s.email,
        scenarioId: latest.scenarioId,
        title: titleOf(latest.scenarioId),
        state: passed ? 'passed' : running ? 'in-progress' : 'gave-up',
        attempts: sorted.length,
        fixMs: passed ? passed.finishedAt!.getTime() - passed.startedAt.getTime() : null,
        hints: (passed ?? latest).hints,
        firstStarted: sorted[0].startedAt,
        score: scoreOf(s.userId, latest.scenarioId, sorted, costed),
      });
    }
  }
  return rows.sort((x, y) => (x.name === y.name ? (x.title < y.title ? -1 : 1) : x.name < y.name ? -1 : 1));
}

/**
 * One row per scenario assigned to the cohort or played by one of its students (`studentIds`). Not started: of the
 * students it is given to (every assignment's chosen students, or the whole cohort if one is the whole cohort's;
 * the whole cohort for a scenario played but not assigned), those with no attempt.
 */
export function cohortScenarioRows(
  studentIds: string[],
  assignments: { kind: string; target: string; opensAt: Date; dueAt: Date; targets?: Set<string> | null }[],
  attempts: ScenarioAttemptFigures[],
  failedChecks: FailedCheckCount[],
): CohortScenarioRow[] {
  const audience = new Map<string, Set<string> | null>();
  for (const a of assignments) {
    const id = a.kind === 'scenario' ? scenarioTarget(a.target)?.id : undefined;
    if (!id) continue;
    const soFar = audience.has(id) ? audience.get(id)! : new Set<string>();
    audience.set(id, !a.targets || !soFar ? null : new Set([...soFar, ...a.targets]));
  }
  const assigned = new Set(audience.keys());
  const ids = [...new Set([...assigned, ...attempts.map((a) => a.scenarioId)])];
  const perStudent = studentScenarioRows(
    [...new Set(attempts.map((a) => a.userId))].map((userId) => ({ userId, name: userId, email: '' })),
    attempts,
    costedAssignments(assignments.map((a) => ({ ...a, targets: a.targets ?? null }))),
  );
  return ids
    .map((id) => {
      const rows = perStudent.filter((r) => r.scenarioId === id);
      // most failures first; equal counts by label, so the figure is stable
      const { label: check, n: count } = failedChecks
        .filter((f) => f.scenarioId === id)
        .sort((x, y) => y.n - x.n || (x.label < y.label ? -1 : 1))[0] ?? { label: '', n: 0 };
      const passed = rows.filter((r) => r.state === 'passed');
      const given = audience.get(id) ?? null;
      const started = new Set(rows.map((r) => r.userId));
      const scores = rows.flatMap((r) => (r.score === null ? [] : [r.score]));
      return {
        scenarioId: id,
        title: titleOf(id),
        assigned: assigned.has(id),
        done: passed.length,
        inProgress: rows.filter((r) => r.state === 'in-progress').length,
        gaveUp: rows.filter((r) => r.state === 'gave-up').length,
        notStarted: (given ? [...given] : studentIds).filter((u) => !started.has(u)).length,
        medianFixMs: median(passed.map((r) => r.fixMs!)),
        medianHints: median(passed.map((r) => r.hints)),
        mostFailedCheck: check,
        mostFailedCount: count,
        medianScore: median(scores),
      };
    })
    .sort((x, y) => Number(y.assigned) - Number(x.assigned) || (x.title < y.title ? -1 : 1));
}
