import { describe, expect, it } from 'vitest';
import { actionsFor, nextStudyStatus, STUDY_ACTIONS, STUDY_STATUSES } from './studyStatus';

describe('study status', () => {
  it('follows the QC workflow: received → verified → read, with hold and release', () => {
    expect(nextStudyStatus('received', 'verify')).toEqual({ ok: true, status: 'verified' });
    expect(nextStudyStatus('verified', 'mark-read')).toEqual({ ok: true, status: 'read' });
    expect(nextStudyStatus('received', 'hold')).toEqual({ ok: true, status: 'hold' });
    expect(nextStudyStatus('hold', 'release')).toEqual({ ok: true, status: 'unverified' });
    expect(nextStudyStatus('unverified', 'verify')).toEqual({ ok: true, status: 'verified' });
    expect(nextStudyStatus('read', 'reopen')).toEqual({ ok: true, status: 'verified' });
  });

  it('refuses what the workflow does not allow, saying why', () => {
    const r = nextStudyStatus('hold', 'mark-read');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/hold study cannot/);
    expect(nextStudyStatus('read', 'hold').ok).toBe(false);
    expect(nextStudyStatus('bogus', 'verify').ok).toBe(false);
  });

  it('offers exactly the actions that succeed', () => {
    for (const s of STUDY_STATUSES) {
      const offered = actionsFor(s).map((a) => a.action);
      for (const a of STUDY_ACTIONS) expect(nextStudyStatus(s, a).ok).toBe(offered.includes(a));
    }
  });
});
