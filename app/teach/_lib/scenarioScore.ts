// A fault-scenario assignment's score when its hints cost ("hints cost" policy): 100 for a fix without hints, less
// the instructor's per-hint cost for each hint taken in the fixing attempt, never below 0; not fixed (yet): 0.
// Pure, so it is tested on its own; the scenario page, the student's list and the cohort dashboard all use it.

export const FULL_SCORE = 100;
export const DEFAULT_HINT_COST = 10;

export function scenarioScore({ fixed, hints, cost }: { fixed: boolean; hints: number; cost: number }): number {
  if (!fixed) return 0;
  return Math.max(0, FULL_SCORE - Math.max(0, hints) * Math.max(0, cost));
}

/** The score the student would get by fixing it now, and after one more hint (what the scenario page tells them). */
export function scoreIfFixed(hintsTaken: number, cost: number): { now: number; afterNextHint: number } {
  return { now: scenarioScore({ fixed: true, hints: hintsTaken, cost }), afterNextHint: scenarioScore({ fixed: true, hints: hintsTaken + 1, cost }) };
}
