// Opt-in timing marks for profiling ingest (PACSLAB_INGEST_TRACE=1): each mark adds the time since the previous
// mark to its stage, so one association's C-STORE cycle splits into receive / parse / file / index / respond.
// Meaningful with one association at a time (the benchmark's case); off, a mark is one boolean test.
import { performance } from 'node:perf_hooks';

const enabled = process.env.PACSLAB_INGEST_TRACE === '1';
const stages = new Map<string, { ms: number; n: number }>();
let last = 0;

export function traceMark(stage: string) {
  if (!enabled) return;
  const now = performance.now();
  if (last) {
    const s = stages.get(stage) ?? { ms: 0, n: 0 };
    s.ms += now - last;
    s.n++;
    stages.set(stage, s);
  }
  last = now;
}

/** Mean milliseconds per stage since the last reset, in stage-name order. */
export function traceSummary(): { stage: string; meanMs: number; count: number }[] {
  return [...stages].sort(([a], [b]) => a.localeCompare(b)).map(([stage, s]) => ({ stage, meanMs: s.ms / s.n, count: s.n }));
}

export function traceReset() {
  stages.clear();
  last = 0;
}

/** A new association starts: the summary then covers the last one (the benchmark's timed transfer, after its warm-up). */
export function traceAssociation() {
  if (enabled) traceReset();
}
