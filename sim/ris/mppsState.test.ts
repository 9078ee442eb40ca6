import { describe, expect, it } from 'vitest';
import { initialMppsStatus, MAY_NO_LONGER_BE_UPDATED, nextMppsStatus } from './mppsState';

describe('MPPS state machine (PS3.4 F.1.5)', () => {
  it('creates a step only IN PROGRESS', () => {
    expect(initialMppsStatus('IN PROGRESS')).toEqual({ ok: true, status: 'IN PROGRESS', final: false });
    expect(initialMppsStatus('COMPLETED')).toMatchObject({ ok: false, status: 0x0106 });
    expect(initialMppsStatus(undefined)).toMatchObject({ ok: false, status: 0x0120 });
  });

  it('goes IN PROGRESS → COMPLETED or DISCONTINUED, and may stay IN PROGRESS', () => {
    expect(nextMppsStatus('IN PROGRESS', 'COMPLETED')).toEqual({ ok: true, status: 'COMPLETED', final: true });
    expect(nextMppsStatus('IN PROGRESS', 'DISCONTINUED')).toEqual({ ok: true, status: 'DISCONTINUED', final: true });
    expect(nextMppsStatus('IN PROGRESS', undefined)).toEqual({ ok: true, status: 'IN PROGRESS', final: false });
    expect(nextMppsStatus('IN PROGRESS', 'IN PROGRESS')).toEqual({ ok: true, status: 'IN PROGRESS', final: false });
  });

  it('refuses any update of a finished step with 0110 / Error ID A710', () => {
    for (const current of ['COMPLETED', 'DISCONTINUED']) {
      for (const requested of [undefined, 'IN PROGRESS', 'COMPLETED', 'DISCONTINUED']) {
        expect(nextMppsStatus(current, requested)).toEqual({ ok: false, status: 0x0110, errorId: 0xa710, errorComment: MAY_NO_LONGER_BE_UPDATED });
      }
    }
  });

  it('refuses an unknown status value with 0106', () => {
    expect(nextMppsStatus('IN PROGRESS', 'DONE')).toMatchObject({ ok: false, status: 0x0106 });
  });
});
