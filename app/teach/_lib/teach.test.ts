// The pure parts of teaching: assignment status, CSV escaping and join codes.
import { describe, expect, it } from 'vitest';
import { assignmentHref, assignmentStatus, practiceTarget, scenarioTarget, scenarioTargetString, type ScenarioRun, type StudentActivity } from './assignmentStatus';
import { median } from './scenarioFigures';
import { csvCell, toCsv } from './csv';
import { newJoinCode, normalizeJoinCode } from './joinCode';

const d = (s: string) => new Date(`2027-03-${s}Z`);
const none: StudentActivity = { lessons: new Map(), practice: [], mocks: [] };
const opensAt = d('01T09:00:00');
const dueAt = d('08T23:59:00');

describe('assignmentStatus', () => {
  it('lesson: done when completed by the due date, late after it, missing when never and past due', () => {
    const a = { kind: 'lesson', target: 'dicom-basics', opensAt, dueAt };
    expect(assignmentStatus(a, { ...none, lessons: new Map([['dicom-basics', d('05T10:00:00')]]) }, d('06T00:00:00')).state).toBe('done');
    expect(assignmentStatus(a, { ...none, lessons: new Map([['dicom-basics', d('09T10:00:00')]]) }, d('10T00:00:00')).state).toBe('late');
    expect(assignmentStatus(a, none, d('09T00:00:00')).state).toBe('missing');
    expect(assignmentStatus(a, none, d('02T00:00:00')).state).toBe('open');
    expect(assignmentStatus(a, none, d('01T08:00:00')).state).toBe('upcoming');
    // a lesson finished before it was assigned still counts
    expect(assignmentStatus(a, { ...none, lessons: new Map([['dicom-basics', d('01T01:00:00')]]) }, d('02T00:00:00')).state).toBe('done');
  });

  it('practice: needs `size` distinct items of the assigned set answered after opening', () => {
    const a = { kind: 'practice', target: 'category=safety&size=3&set=abc', opensAt, dueAt };
    const r = (q: string, at: string, setKey = 'set:abc') => ({ setKey, questionId: q, answeredAt: d(at) });
    const two = { ...none, practice: [r('q1', '02T10:00:00'), r('q1', '02T10:01:00'), r('q2', '02T10:02:00'), r('q3', '02T10:03:00', 'set:other'), r('q4', '01T08:00:00')] };
    const s = assignmentStatus(a, two, d('03T00:00:00'));
    expect(s).toMatchObject({ state: 'open', done: 2, of: 3, completedAt: null });
    const three = { ...two, practice: [...two.practice, r('q5', '09T10:00:00')] };
    expect(assignmentStatus(a, three, d('10T00:00:00'))).toMatchObject({ state: 'late', done: 3, completedAt: d('09T10:00:00') });
    expect(assignmentStatus(a, two, d('10T00:00:00')).state).toBe('missing');
  });

  it('mock: a submitted mock of at least that length after opening', () => {
    const a = { kind: 'mock', target: '50', opensAt, dueAt };
    expect(assignmentStatus(a, { ...none, mocks: [{ submittedAt: d('03T10:00:00'), items: 20 }] }, d('04T00:00:00')).state).toBe('open');
    expect(assignmentStatus(a, { ...none, mocks: [{ submittedAt: d('03T10:00:00'), items: 50 }] }, d('04T00:00:00')).state).toBe('done');
    expect(assignmentStatus(a, { ...none, mocks: [{ submittedAt: d('01T08:00:00'), items: 50 }] }, d('09T00:00:00')).state).toBe('missing');
  });

  it('scenario: done when an attempt started after opening passed, in progress while one runs', () => {
    const a = { kind: 'scenario', target: 'id=split-study&hints=none&minutes=25', opensAt, dueAt };
    const run = (status: string, start: string, end: string | null, scenarioId = 'split-study'): ScenarioRun => ({ scenarioId, status, startedAt: d(start), finishedAt: end ? d(end) : null, hints: 0 });
    expect(assignmentStatus(a, none, d('02T00:00:00')).state).toBe('open');
    expect(assignmentStatus(a, { ...none, scenarios: [] }, d('01T08:00:00')).state).toBe('upcoming');
    expect(assignmentStatus(a, { ...none, scenarios: [run('in-progress', '02T10:00:00', null)] }, d('02T10:05:00')).state).toBe('in-progress');
    // running past the due date is still in progress, not missing
    expect(assignmentStatus(a, { ...none, scenarios: [run('in-progress', '08T23:00:00', null)] }, d('09T01:00:00')).state).toBe('in-progress');
    expect(assignmentStatus(a, { ...none, scenarios: [run('abandoned', '02T10:00:00', '02T10:30:00')] }, d('09T01:00:00')).state).toBe('missing');
    const passed = [run('abandoned', '02T10:00:00', '02T10:30:00'), run('passed', '03T10:00:00', '03T10:12:00'), run('in-progress', '04T10:00:00', null)];
    expect(assignmentStatus(a, { ...none, scenarios: passed }, d('05T00:00:00'))).toMatchObject({ state: 'done', completedAt: d('03T10:12:00'), done: 1, of: 1 });
    expect(assignmentStatus(a, { ...none, scenarios: [run('passed', '08T23:50:00', '09T00:10:00')] }, d('10T00:00:00')).state).toBe('late');
    // passed before the assignment opened, or another scenario: not this assignment
    expect(assignmentStatus(a, { ...none, scenarios: [run('passed', '01T08:00:00', '01T08:20:00'), run('passed', '02T10:00:00', '02T10:05:00', 'other')] }, d('02T12:00:00')).state).toBe('open');
    expect(assignmentHref(a)).toBe('/sandbox/scenarios/split-study');
  });

  it('parses a scenario target', () => {
    // hints that cost: 10 points each unless the target says otherwise
    expect(scenarioTarget('id=split-study&hints=cost&minutes=25')).toEqual({ id: 'split-study', hints: 'cost', minutes: 25, cost: 10 });
    expect(scenarioTarget('id=split-study&hints=cost&minutes=25&cost=15')).toEqual({ id: 'split-study', hints: 'cost', minutes: 25, cost: 15 });
    expect(scenarioTarget('id=split-study&hints=cost&minutes=25&cost=0')).toBeNull();
    expect(scenarioTargetString({ id: 'split-study', hints: 'none', minutes: 9 })).toBe('id=split-study&hints=none&minutes=9');
    expect(scenarioTargetString({ id: 'split-study', hints: 'cost', minutes: 9, cost: 25 })).toBe('id=split-study&hints=cost&minutes=9&cost=25');
    for (const bad of ['id=split-study&hints=maybe&minutes=25', 'id=Split_Study&hints=none&minutes=25', 'id=x&hints=none&minutes=0', 'id=x&hints=none', 'split-study']) expect(scenarioTarget(bad)).toBeNull();
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });

  it('parses a practice target', () => {
    expect(practiceTarget('category=safety&size=20&set=k3x')).toEqual({ category: 'safety', size: 20, set: 'k3x' });
    expect(practiceTarget('size=20')).toBeNull();
  });
});

describe('csv', () => {
  it('quotes commas, quotes and line breaks, and defuses formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('Smith, Ana')).toBe('"Smith, Ana"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-5')).toBe("'-5");
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(null)).toBe('');
    expect(csvCell(new Date('2027-03-01T00:00:00Z'))).toBe('2027-03-01T00:00:00.000Z');
    expect(toCsv(['a', 'b'], [[1, 'x,y']])).toBe('a,b\r\n1,"x,y"\r\n');
  });
});

describe('join codes', () => {
  it('are XXXX-XXXX without look-alike characters, and typing is forgiven', () => {
    const code = newJoinCode();
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(code).not.toMatch(/[01OIL]/);
    expect(normalizeJoinCode(` ${code.toLowerCase().replace('-', '')} `)).toBe(code);
    expect(normalizeJoinCode('K7Q2-9XL0')).toBeNull();
  });
});
