import { describe, expect, it } from 'vitest';
import { estimateScaledScore, passesEstimate, PASS_PERCENT } from './scaled-score';

describe('estimateScaledScore', () => {
  it('maps 0% to 1, the assumed cut to 75 and 100% to 99', () => {
    expect(estimateScaledScore(0)).toBe(1);
    expect(estimateScaledScore(PASS_PERCENT)).toBe(75);
    expect(estimateScaledScore(100)).toBe(99);
  });

  it('is monotonic and stays within 1..99 even for out-of-range input', () => {
    let last = 0;
    for (let p = 0; p <= 100; p += 0.5) {
      const s = estimateScaledScore(p);
      expect(s).toBeGreaterThanOrEqual(last);
      last = s;
    }
    expect(estimateScaledScore(-5)).toBe(1);
    expect(estimateScaledScore(140)).toBe(99);
  });

  it('never rounds a fail up to the pass mark', () => {
    expect(estimateScaledScore(PASS_PERCENT - 0.1)).toBe(74);
    expect(passesEstimate(PASS_PERCENT - 0.1)).toBe(false);
    expect(passesEstimate(PASS_PERCENT)).toBe(true);
  });
});
