import { describe, expect, it } from 'vitest';
import { nextOrderStatus } from './orderStatus';

describe('order status transitions', () => {
  it('follows the scheduled workflow: scheduled → in-progress → completed', () => {
    expect(nextOrderStatus('scheduled', 'mpps-in-progress')).toEqual({ ok: true, status: 'in-progress' });
    expect(nextOrderStatus('in-progress', 'mpps-completed')).toEqual({ ok: true, status: 'completed' });
  });

  it('discontinues, and a discontinued order may be rescheduled or cancelled', () => {
    expect(nextOrderStatus('in-progress', 'mpps-discontinued')).toEqual({ ok: true, status: 'discontinued' });
    expect(nextOrderStatus('discontinued', 'reschedule')).toEqual({ ok: true, status: 'scheduled' });
    expect(nextOrderStatus('discontinued', 'cancel')).toEqual({ ok: true, status: 'cancelled' });
  });

  it('keeps an order in progress when a second MPPS starts for it', () => {
    expect(nextOrderStatus('in-progress', 'mpps-in-progress')).toEqual({ ok: true, status: 'in-progress' });
  });

  it('refuses what the workflow does not allow', () => {
    expect(nextOrderStatus('completed', 'mpps-in-progress').ok).toBe(false);
    expect(nextOrderStatus('cancelled', 'mpps-in-progress').ok).toBe(false);
    expect(nextOrderStatus('scheduled', 'mpps-completed').ok).toBe(false);
    expect(nextOrderStatus('completed', 'cancel').ok).toBe(false);
    expect(nextOrderStatus('in-progress', 'cancel').ok).toBe(false);
    expect(nextOrderStatus('bogus', 'cancel')).toEqual({ ok: false, reason: 'unknown order status "bogus"' });
  });

  it('ends the order as reported when the report is signed, and nothing moves a reported order', () => {
    expect(nextOrderStatus('completed', 'report-signed')).toEqual({ ok: true, status: 'reported' });
    expect(nextOrderStatus('in-progress', 'report-signed')).toEqual({ ok: true, status: 'reported' });
    expect(nextOrderStatus('scheduled', 'report-signed')).toEqual({ ok: true, status: 'reported' });
    expect(nextOrderStatus('cancelled', 'report-signed').ok).toBe(false);
    expect(nextOrderStatus('discontinued', 'report-signed').ok).toBe(false);
    expect(nextOrderStatus('reported', 'report-signed').ok).toBe(false);
    for (const e of ['mpps-in-progress', 'mpps-completed', 'mpps-discontinued', 'cancel', 'reschedule'] as const) expect(nextOrderStatus('reported', e).ok).toBe(false);
  });
});
