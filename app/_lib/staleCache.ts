// Stale-while-revalidate over TtlCache: a value past its refresh age is still served, and read again in the
// background (one read per key at a time) for the next caller; a value is never served past its time to live, and a
// background read that finds nothing (or fails) forgets it. For values whose reading is asynchronous and would make a
// request wait behind everything else the process has in hand (session.ts: the viewer behind a Cookie header).
import { TtlCache } from './ttlCache';

export class StaleWhileRevalidate<V> {
  private readonly cache: TtlCache<V>;
  private readonly inFlight = new Set<string>();

  constructor(
    ttlMs: number,
    private readonly refreshAfterMs: number,
    maxEntries: number,
  ) {
    this.cache = new TtlCache<V>(ttlMs, maxEntries);
  }

  /** The value for `key`, if one is fresh enough; starts `read` in the background when it is getting old. */
  get(key: string, read: () => Promise<V | null>, now = Date.now()): V | undefined {
    const hit = this.cache.entry(key, now);
    if (!hit) return undefined;
    if (hit.ageMs >= this.refreshAfterMs && !this.inFlight.has(key)) {
      this.inFlight.add(key);
      read()
        .then((v) => (v === null ? this.cache.delete(key) : this.cache.set(key, v)))
        .catch(() => this.cache.delete(key))
        .finally(() => this.inFlight.delete(key));
    }
    return hit.value;
  }

  set(key: string, value: V, now = Date.now()): void {
    this.cache.set(key, value, now);
  }

  delete(key: string): void {
    this.cache.delete(key);
  }
}
