import { describe, expect, it } from 'vitest';
import { FAULT_STATUSES, nextFaultState } from './faultState';

describe('nextFaultState', () => {
  it('active → fixed on a passing check, active or fixed → cleared on clean-up', () => {
    expect(nextFaultState('active', 'fix')).toEqual({ ok: true, status: 'fixed' });
    expect(nextFaultState('active', 'clear')).toEqual({ ok: true, status: 'cleared' });
    expect(nextFaultState('fixed', 'clear')).toEqual({ ok: true, status: 'cleared' });
  });

  it('never goes back: fixed stays fixed, cleared is final', () => {
    expect(nextFaultState('fixed', 'fix')).toEqual({ ok: false, reason: 'a fault that is fixed cannot be marked fixed' });
    expect(nextFaultState('cleared', 'fix')).toEqual({ ok: false, reason: 'a fault that is cleared cannot be marked fixed' });
    expect(nextFaultState('cleared', 'clear')).toEqual({ ok: false, reason: 'a fault that is cleared cannot be cleared' });
  });

  it('refuses a status it does not know', () => {
    expect(nextFaultState('broken', 'clear')).toEqual({ ok: false, reason: 'unknown fault status "broken"' });
  });

  it('every status and event has an answer (total function)', () => {
    for (const s of FAULT_STATUSES) for (const e of ['fix', 'clear'] as const) expect(typeof nextFaultState(s, e).ok).toBe('boolean');
  });
});
