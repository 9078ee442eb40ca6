import { describe, expect, it } from 'vitest';
import { StaleWhileRevalidate } from './staleCache';

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('StaleWhileRevalidate', () => {
  it('serves a young value without reading it again', () => {
    const c = new StaleWhileRevalidate<string>(5000, 2500, 10);
    let reads = 0;
    c.set('k', 'v', 0);
    expect(c.get('k', async () => (reads++, 'new'), 2499)).toBe('v');
    expect(reads).toBe(0);
  });

  it('serves an old value at once and reads it again in the background, once at a time', async () => {
    const c = new StaleWhileRevalidate<string>(5000, 2500, 10);
    let reads = 0;
    let release!: () => void;
    const read = () => new Promise<string>((resolve) => ((reads += 1), (release = () => resolve('new'))));
    c.set('k', 'old', 0);
    expect(c.get('k', read, 3000)).toBe('old');
    expect(c.get('k', read, 3001)).toBe('old');
    expect(reads).toBe(1);
    release();
    await settle();
    // the re-read value is young again: served, and not read a third time
    expect(c.get('k', read, Date.now())).toBe('new');
    expect(reads).toBe(1);
  });

  it('forgets a value whose background read finds nothing, or fails', async () => {
    const c = new StaleWhileRevalidate<string>(5000, 2500, 10);
    c.set('gone', 'v', 0);
    c.set('broken', 'v', 0);
    expect(c.get('gone', async () => null, 3000)).toBe('v');
    expect(c.get('broken', async () => Promise.reject(new Error('database down')), 3000)).toBe('v');
    await settle();
    expect(c.get('gone', async () => 'x', 3001)).toBeUndefined();
    expect(c.get('broken', async () => 'x', 3001)).toBeUndefined();
  });

  it('never serves a value past its time to live', () => {
    const c = new StaleWhileRevalidate<string>(5000, 2500, 10);
    let reads = 0;
    c.set('k', 'v', 0);
    expect(c.get('k', async () => (reads++, 'new'), 5000)).toBeUndefined();
    expect(reads).toBe(0);
  });
});
