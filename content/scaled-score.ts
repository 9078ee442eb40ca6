// An ESTIMATE of the registry's scaled score from percent correct on a PACS Lab mock exam.
//
// ARRT reports a scaled score from 1 to 99 and a candidate passes at 75 (ARRT, Exam Results / "How scores are
// reported"). The raw score needed for 75 differs from form to form: ARRT sets it by standard setting and keeps
// it equal in difficulty across forms by equating, and it does not publish a percent-correct cut. So this is not
// ARRT's scale: we assume the cut sits at PASS_PERCENT correct and map linearly on each side of it
// (0% -> 1, PASS_PERCENT -> 75, 100% -> 99). Every place that shows the number says it is an estimate.

/** Assumed percent correct at the passing standard (a planning figure, not an ARRT number). */
export const PASS_PERCENT = 65;
export const PASSING_SCALED = 75;

export function estimateScaledScore(percentCorrect: number): number {
  const p = Math.min(100, Math.max(0, percentCorrect));
  const scaled = p <= PASS_PERCENT ? 1 + ((PASSING_SCALED - 1) * p) / PASS_PERCENT : PASSING_SCALED + ((99 - PASSING_SCALED) * (p - PASS_PERCENT)) / (100 - PASS_PERCENT);
  // never round a fail up to the pass mark
  const rounded = Math.round(scaled);
  return p < PASS_PERCENT && rounded >= PASSING_SCALED ? PASSING_SCALED - 1 : Math.min(99, Math.max(1, rounded));
}

export function passesEstimate(percentCorrect: number): boolean {
  return estimateScaledScore(percentCorrect) >= PASSING_SCALED;
}
