// The cohort dashboard's tables as header + rows: one definition for the page and its CSV export, so the two
// cannot drift apart.
import { CATEGORIES, type CategoryId } from '@/content/schema';
import type { Cell } from './csv';
import type { CohortDashboard } from './cohorts';
import type { AssignmentStatus } from './assignmentStatus';

/** minutes with one decimal (CSV) */
const min = (ms: number | null) => (ms === null ? null : Math.round(ms / 6000) / 10);

export const TABLES = ['students', 'assignments', 'readiness', 'mock-scores', 'missed', 'scenarios', 'student-scenarios'] as const;
export type TableName = (typeof TABLES)[number];

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);

/** A student's cell for an assignment: its state, "not assigned" when it is given to other chosen students. */
const stateCell = (x: AssignmentStatus | null) => (x ? x.state : NOT_ASSIGNED);
export const NOT_ASSIGNED = 'not assigned';

/** Who an assignment is given to, in words: "whole cohort" or the chosen students' names. */
export function givenTo(a: { chosen: { name: string; email: string }[] | null }): string {
  return a.chosen ? a.chosen.map((s) => s.name || s.email).join('; ') : 'whole cohort';
}

export function table(d: CohortDashboard, name: TableName): { header: string[]; rows: Cell[][] } {
  const cats: CategoryId[] = d.readiness.map((r) => r.category);
  switch (name) {
    case 'students':
      return {
        header: ['Name', 'E-mail', 'Lessons done', 'Items answered', 'Accuracy %', ...cats.map((c) => `${CATEGORIES[c].label} mastery %`), 'Best mock %', 'Last activity', ...d.assignments.map((a) => a.title)],
        rows: d.students.map((s) => [s.name, s.email, s.lessons, s.answered, s.accuracy, ...cats.map((c) => s.mastery[c] ?? null), s.mockBest, day(s.lastActive), ...s.statuses.map(stateCell)]),
      };
    case 'assignments':
      return {
        header: ['Assignment', 'Kind', 'Opens', 'Due', 'Done', 'Late', 'In progress', 'Missing', 'Open', 'Not open yet', 'Students given it', 'Given to'],
        rows: d.assignments.map((a) => [a.title, a.kind, a.opensAt, a.dueAt, a.counts.done, a.counts.late, a.counts['in-progress'], a.counts.missing, a.counts.open, a.counts.upcoming, a.assigned, givenTo(a)]),
      };
    case 'readiness':
      return { header: ['Category', 'Students mastered % (≥70% of the bank)', 'Mean mastery %'], rows: d.readiness.map((r) => [r.label, r.mastered, r.meanMastery]) };
    case 'mock-scores':
      return { header: ['Score band %', 'Mock exams'], rows: d.mockBands.map((b) => [b.band, b.count]) };
    case 'missed':
      return {
        header: ['Item', 'Category', 'Answered', 'Wrong', 'Wrong %', 'Most chosen distractor', 'Chosen'],
        rows: d.missed.map((m) => [m.questionId, m.category, m.answered, m.wrong, m.wrongShare, m.distractor, m.distractorCount]),
      };
    case 'scenarios':
      return {
        header: ['Scenario', 'Id', 'Assigned', 'Done', 'In progress', 'Gave up', 'Not started', 'Median time to fix (min)', 'Median hints', 'Most-failed check', 'Failed', 'Median score (hints cost)'],
        rows: d.scenarios.map((s) => [s.title, s.scenarioId, s.assigned, s.done, s.inProgress, s.gaveUp, s.notStarted, min(s.medianFixMs), s.medianHints, s.mostFailedCheck, s.mostFailedCount, s.medianScore]),
      };
    case 'student-scenarios':
      return {
        header: ['Name', 'E-mail', 'Scenario', 'Status', 'Attempts', 'Time to fix (min)', 'Hints', 'First started', 'Score (hints cost)'],
        rows: d.studentScenarios.map((s) => [s.name, s.email, s.title, s.state, s.attempts, min(s.fixMs), s.hints, s.firstStarted, s.score]),
      };
  }
}
