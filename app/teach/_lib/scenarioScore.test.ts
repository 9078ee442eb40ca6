// The "hints cost" score of a fault-scenario assignment: pure, tested on its own; and the status that carries it.
import { describe, expect, it } from 'vitest';
import { DEFAULT_HINT_COST, FULL_SCORE, scenarioScore, scoreIfFixed } from './scenarioScore';
import { assignmentStatus, type StudentActivity } from './assignmentStatus';

describe('scenarioScore', () => {
  it('is 100 for a fix without hints, less the cost of each hint, never below 0; 0 when not fixed', () => {
    expect(FULL_SCORE).toBe(100);
    expect(DEFAULT_HINT_COST).toBe(10);
    expect(scenarioScore({ fixed: true, hints: 0, cost: 10 })).toBe(100);
    expect(scenarioScore({ fixed: true, hints: 3, cost: 10 })).toBe(70);
    expect(scenarioScore({ fixed: true, hints: 2, cost: 35 })).toBe(30);
    expect(scenarioScore({ fixed: true, hints: 9, cost: 15 })).toBe(0);
    expect(scenarioScore({ fixed: false, hints: 0, cost: 10 })).toBe(0);
    expect(scenarioScore({ fixed: false, hints: 1, cost: 10 })).toBe(0);
  });

  it('tells the student what a fix is worth now and after one more hint', () => {
    expect(scoreIfFixed(0, 10)).toEqual({ now: 100, afterNextHint: 90 });
    expect(scoreIfFixed(2, 40)).toEqual({ now: 20, afterNextHint: 0 });
    expect(scoreIfFixed(5, 40)).toEqual({ now: 0, afterNextHint: 0 });
  });

  it('rides on the status of a "hints cost" scenario assignment only, from the passing attempt after it opened', () => {
    const d = (s: string) => new Date(`2027-03-${s}Z`);
    const a = { kind: 'scenario', target: 'id=split-study&hints=cost&minutes=25&cost=15', opensAt: d('02T08:00:00'), dueAt: d('09T00:00:00') };
    const run = (status: string, start: string, end: string | null, hints: number) => ({ scenarioId: 'split-study', status, startedAt: d(start), finishedAt: end ? d(end) : null, hints });
    const none: StudentActivity = { lessons: new Map(), practice: [], mocks: [] };
    expect(assignmentStatus(a, none, d('03T00:00:00'))).toMatchObject({ state: 'open', score: 0 });
    // passed before it opened (no hints): does not count; the passing attempt after it took 2 hints
    const runs = [run('passed', '01T08:00:00', '01T08:10:00', 0), run('abandoned', '02T09:00:00', '02T09:30:00', 3), run('passed', '03T09:00:00', '03T09:20:00', 2)];
    expect(assignmentStatus(a, { ...none, scenarios: runs }, d('04T00:00:00'))).toMatchObject({ state: 'done', score: 70 });
    expect(assignmentStatus(a, { ...none, scenarios: [run('in-progress', '03T09:00:00', null, 1)] }, d('04T00:00:00'))).toMatchObject({ state: 'in-progress', score: 0 });
    // hints allowed: no score
    expect(assignmentStatus({ ...a, target: 'id=split-study&hints=allowed&minutes=25' }, { ...none, scenarios: runs }, d('04T00:00:00'))).not.toHaveProperty('score');
  });
});
