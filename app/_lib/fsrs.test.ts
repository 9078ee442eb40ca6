import { describe, expect, it } from 'vitest';
import { describeInterval, fromSnapshot, newCard, ratingFor, schedule, snapshot } from './fsrs';

const t0 = new Date('2027-03-01T09:00:00Z');
const minutes = (a: Date, b: Date) => (b.getTime() - a.getTime()) / 60_000;
const days = (a: Date, b: Date) => minutes(a, b) / 1440;

describe('FSRS scheduling wrapper', () => {
  it('a new card is due at once', () => {
    expect(newCard(t0).due.getTime()).toBe(t0.getTime());
  });

  it('a miss (Again) brings the item back within minutes, not days', () => {
    const c = schedule(newCard(t0), ratingFor(false), t0);
    expect(minutes(t0, c.due)).toBeGreaterThan(0);
    expect(minutes(t0, c.due)).toBeLessThanOrEqual(10);
    expect(c.reps).toBe(1);
    expect(c.lastReview?.getTime()).toBe(t0.getTime());
  });

  it('right answers push the next review further out each time; a lapse pulls it back', () => {
    let c = schedule(newCard(t0), 'again', t0);
    let at = new Date(t0.getTime() + 86_400_000); // the next day
    expect(c.due <= at).toBe(true);
    const gaps: number[] = [];
    for (let i = 0; i < 4; i++) {
      c = schedule(c, ratingFor(true), at);
      gaps.push(days(at, c.due));
      at = c.due;
    }
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThan(gaps[i - 1]);
    expect(gaps.at(-1)!).toBeGreaterThanOrEqual(3);
    const lapses = c.lapses;
    c = schedule(c, 'again', at);
    expect(c.lapses).toBe(lapses + 1);
    expect(days(at, c.due)).toBeLessThan(1);
  });

  it('Easy schedules later than Good, Good later than Hard', () => {
    const base = schedule(newCard(t0), 'again', t0);
    const at = new Date(t0.getTime() + 86_400_000);
    const [hard, good, easy] = (['hard', 'good', 'easy'] as const).map((r) => schedule(base, r, at).due.getTime());
    expect(hard).toBeLessThan(good);
    expect(good).toBeLessThan(easy);
  });

  it('is deterministic (no fuzz) and survives a JSON snapshot', () => {
    const a = schedule(schedule(newCard(t0), 'again', t0), 'good', new Date(t0.getTime() + 3_600_000));
    const b = schedule(schedule(newCard(t0), 'again', t0), 'good', new Date(t0.getTime() + 3_600_000));
    expect(a).toEqual(b);
    expect(fromSnapshot(JSON.parse(JSON.stringify(snapshot(a))))).toEqual(a);
  });

  it('describes intervals for people', () => {
    expect(describeInterval(t0, new Date(t0.getTime() + 10 * 60_000))).toBe('in 10 minutes');
    expect(describeInterval(t0, new Date(t0.getTime() + 3 * 86_400_000))).toBe('in 3 days');
  });
});
