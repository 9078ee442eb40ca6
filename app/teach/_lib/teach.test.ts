// The pure parts of teaching: assignment status, CSV escaping and join codes.
import { describe, expect, it } from 'vitest';
import { assignmentStatus, practiceTarget, type StudentActivity } from './assignmentStatus';
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
