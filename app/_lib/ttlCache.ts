// A small in-process map whose entries expire after a fixed time, bounded in size (the oldest entry goes first).
// For values that are cheap to be a few seconds stale and costly to recompute on every request.
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; until: number; at: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  get(key: string, now = Date.now()): V | undefined {
    return this.entry(key, now)?.value;
  }

  /** The value with its age (ms since it was set), for a caller that refreshes values before they expire. */
  entry(key: string, now = Date.now()): { value: V; ageMs: number } | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.until <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return { value: hit.value, ageMs: now - hit.at };
  }

  set(key: string, value: V, now = Date.now()): void {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      // Map keeps insertion order: drop expired entries, then the oldest if still full
      for (const [k, e] of this.entries) if (e.until <= now) this.entries.delete(k);
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(key, { value, until: now + this.ttlMs, at: now });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
