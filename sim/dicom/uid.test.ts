import { describe, expect, it } from 'vitest';
import { InvalidUidError, isValidUid, parseUid, requireUid } from './uid';

describe('parseUid (PS3.5 9.1)', () => {
  it.each([
    '1.2.840.10008.1.2',
    '1.2.840.10008.5.1.4.1.1.2',
    '0',
    '0.0',
    '1.0.2',
    '2.25.329800735698586629295641978511506172918',
    '1.' + '2'.repeat(62),
  ])('accepts %s', (uid) => {
    expect(parseUid(uid)).toEqual({ ok: true, uid });
  });

  it('accepts and strips one trailing NUL pad', () => {
    expect(parseUid('1.2.3\0')).toEqual({ ok: true, uid: '1.2.3' });
    expect(parseUid('1.2.3\0\0').ok).toBe(false);
  });

  it.each([
    ['', 'empty'],
    ['\0', 'empty'],
    ['1.' + '2'.repeat(63), 'too long'],
    ['1.2.a', 'invalid character'],
    ['1.2.3 ', 'invalid character'],
    ['../../etc/passwd', 'empty component'],
    ['1/2', 'invalid character'],
    ['1..2', 'empty component'],
    ['.1.2', 'empty component'],
    ['1.2.', 'empty component'],
    ['1.02.3', 'leading zero in component'],
    ['00', 'leading zero in component'],
    ['1.2.3\0 ', 'invalid character'],
    ['1.2.3\u0661', 'invalid character'],
  ])('refuses %j (%s)', (uid, problem) => {
    const r = parseUid(uid);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toBe(problem);
  });

  it('64 characters is the limit, counted without the NUL pad', () => {
    const uid64 = '1.' + '2'.repeat(62);
    expect(uid64).toHaveLength(64);
    expect(isValidUid(uid64 + '\0')).toBe(true);
    expect(isValidUid(uid64 + '2')).toBe(false);
  });

  it('requireUid names the attribute in its error', () => {
    expect(requireUid('SOPInstanceUID', '1.2.3\0')).toBe('1.2.3');
    expect(() => requireUid('SOPInstanceUID', '1.2..3')).toThrow(InvalidUidError);
    expect(() => requireUid('SOPInstanceUID', undefined)).toThrow(/SOPInstanceUID "" is not a valid UID/);
  });
});
