// UID validation per PS3.5 9.1. A UID names files in the archive, so nothing from the wire reaches the
// filesystem before it has passed through `parseUid`.

export const UID_MAX_LENGTH = 64; // PS3.5 9.1: "shall not exceed 64 total characters"

/** Why a UID was refused, in words a PACS administrator would use. */
export type UidProblem =
  | 'empty'
  | 'too long'
  | 'invalid character'
  | 'empty component'
  | 'leading zero in component';

export type UidResult = { ok: true; uid: string } | { ok: false; problem: UidProblem; detail: string };

/**
 * Checks a UID as received (PS3.5 9.1): digits and dots only, at most 64 characters, no empty component,
 * no component with a leading zero other than a lone "0". A single trailing NUL pad (PS3.5 6.2, VR UI is padded
 * to even length with 0x00) is accepted and stripped; returns the UID without it.
 */
export function parseUid(raw: string): UidResult {
  const uid = raw.endsWith('\0') ? raw.slice(0, -1) : raw;
  if (uid.length === 0) return { ok: false, problem: 'empty', detail: 'the UID is empty' };
  if (uid.length > UID_MAX_LENGTH) {
    return { ok: false, problem: 'too long', detail: `the UID has ${uid.length} characters (at most ${UID_MAX_LENGTH})` };
  }
  let start = 0;
  for (let i = 0; i <= uid.length; i++) {
    const c = i < uid.length ? uid.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      const len = i - start;
      if (len === 0) return { ok: false, problem: 'empty component', detail: `empty component at position ${start + 1}` };
      if (len > 1 && uid.charCodeAt(start) === 0x30) {
        return { ok: false, problem: 'leading zero in component', detail: `component "${uid.slice(start, i)}" starts with 0` };
      }
      start = i + 1;
    } else if (c < 0x30 || c > 0x39) {
      return {
        ok: false,
        problem: 'invalid character',
        detail: `character ${JSON.stringify(uid[i])} at position ${i + 1} (only digits and dots are allowed)`,
      };
    }
  }
  return { ok: true, uid };
}

export function isValidUid(raw: string): boolean {
  return parseUid(raw).ok;
}

export class InvalidUidError extends Error {
  constructor(
    readonly attribute: string,
    readonly value: string,
    readonly problem: UidProblem,
    detail: string,
  ) {
    super(`${attribute} ${JSON.stringify(value)} is not a valid UID: ${detail} (PS3.5 9.1)`);
    this.name = 'InvalidUidError';
  }
}

/** The validated UID, or throws InvalidUidError naming the attribute. */
export function requireUid(attribute: string, raw: string | undefined | null): string {
  const r = parseUid(raw ?? '');
  if (!r.ok) throw new InvalidUidError(attribute, raw ?? '', r.problem, r.detail);
  return r.uid;
}
