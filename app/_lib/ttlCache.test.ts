import { describe, expect, it } from 'vitest';
import { TtlCache } from './ttlCache';

describe('TtlCache', () => {
  it('returns a value until its time is up, then forgets it', () => {
    const c = new TtlCache<number>(1000, 10);
    c.set('a', 1, 0);
    expect(c.get('a', 999)).toBe(1);
    expect(c.get('a', 1000)).toBeUndefined();
    expect(c.size).toBe(0);
    c.set('b', 2, 0);
    c.delete('b');
    expect(c.get('b', 1)).toBeUndefined();
  });

  it('stays within its size: expired entries go first, then the oldest', () => {
    const c = new TtlCache<number>(1000, 3);
    c.set('a', 1, 0);
    c.set('b', 2, 500);
    c.set('c', 3, 600);
    c.set('d', 4, 1200); // a has expired: it goes
    expect([c.get('a', 1200), c.get('b', 1200), c.get('d', 1200)]).toEqual([undefined, 2, 4]);
    c.set('e', 5, 1300); // full and nothing expired: the oldest (b) goes
    expect([c.get('b', 1300), c.get('c', 1300), c.get('e', 1300)]).toEqual([undefined, 3, 5]);
    expect(c.size).toBe(3);
  });

  it('tells the age of a value, from the time it was last set', () => {
    const c = new TtlCache<number>(1000, 10);
    c.set('a', 1, 100);
    expect(c.entry('a', 600)).toEqual({ value: 1, ageMs: 500 });
    c.set('a', 2, 700);
    expect(c.entry('a', 800)).toEqual({ value: 2, ageMs: 100 });
    expect(c.entry('a', 1700)).toBeUndefined();
  });
});
