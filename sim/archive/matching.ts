// Attribute matching for C-FIND (PS3.4 C.2.2.2), one small pure function per matching kind, plus the person-name
// rules this archive chooses. Everything here works on plain strings so that query.ts (the database side),
// DICOMweb's QIDO-RS and the tests share one definition of "matches".
//
// Values arrive as dcmjs gives them (naturalized): a string, a number, null, an array for a multi-valued
// element, or `[{ Alphabetic: 'DOE^JOHN' }]` for a PN. `queryValues` turns any of these into a list of strings.

/** VRs for which `*` and `?` are wildcards (PS3.4 C.2.2.2.4). For every other VR they are ordinary characters. */
export const WILDCARD_VRS: ReadonlySet<string> = new Set(['AE', 'CS', 'LO', 'LT', 'PN', 'SH', 'ST', 'UC', 'UR', 'UT']);

/** VRs that take range matching (PS3.4 C.2.2.2.5). */
export const RANGE_VRS: ReadonlySet<string> = new Set(['DA', 'TM', 'DT']);

const NUMERIC_VRS: ReadonlySet<string> = new Set(['IS', 'DS', 'US', 'UL', 'SS', 'SL', 'UV', 'SV', 'FL', 'FD']);

// ---------------------------------------------------------------------------------------------------------
// Normalising what the wire gives us
// ---------------------------------------------------------------------------------------------------------

/** Strips the padding DICOM allows around a value: spaces, and a NUL pad (UIs) (PS3.5 6.2). */
export function trimValue(s: string): string {
  return s.replace(/^[ \0]+|[ \0]+$/g, '');
}

function personNameToString(v: Record<string, unknown>): string {
  const groups = [v.Alphabetic, v.Ideographic, v.Phonetic].map((g) => (typeof g === 'string' ? g : ''));
  while (groups.length > 1 && groups[groups.length - 1] === '') groups.pop();
  return groups.join('=');
}

/**
 * One query (or stored) value in any naturalized form → the list of its values, each trimmed. A backslash inside a
 * string separates values (PS3.5 6.4), as dcmjs does when it naturalizes. An empty result means zero length,
 * i.e. universal matching (PS3.4 C.2.2.2.3).
 */
export function queryValues(raw: unknown): string[] {
  if (raw === undefined || raw === null) return [];
  const items = Array.isArray(raw) ? raw : [raw];
  const out: string[] = [];
  for (const item of items) {
    if (item === undefined || item === null) continue;
    let s: string;
    if (typeof item === 'string') s = item;
    else if (typeof item === 'number' || typeof item === 'bigint') s = String(item);
    else if (typeof item === 'object') s = personNameToString(item as Record<string, unknown>);
    else continue;
    for (const part of s.split('\\')) out.push(trimValue(part));
  }
  // A lone empty string is a zero-length value, not a value that is empty.
  return out.length === 1 && out[0] === '' ? [] : out;
}

export function hasWildcard(s: string): boolean {
  return s.includes('*') || s.includes('?');
}

// ---------------------------------------------------------------------------------------------------------
// The matching kinds of PS3.4 C.2.2.2
// ---------------------------------------------------------------------------------------------------------

/**
 * Universal matching (C.2.2.2.3): a zero-length value matches every entity. We also treat a value made only of
 * `*` as universal for every VR (C.2.2.2.4 says so for the wildcard VRs; many SCUs send `*` for dates and UIDs too,
 * and every PACS we know of accepts it).
 */
export function isUniversal(values: readonly string[]): boolean {
  return values.length === 0 || values.every((v) => v === '' || /^\*+$/.test(v));
}

/** Single value matching (C.2.2.2.1): exact and case-sensitive, padding spaces not significant. */
export function matchSingleValue(query: string, value: string): boolean {
  return trimValue(query) === trimValue(value);
}

/**
 * Empty value matching (C.2.2.2.1, the `""` form): a query value of two quotation marks matches entities whose
 * attribute is empty or absent.
 */
export function isEmptyValueQuery(query: string): boolean {
  return query === '""';
}
export function matchEmptyValue(value: string): boolean {
  return trimValue(value) === '';
}

const wildcardCache = new Map<string, RegExp>();

/** The regular expression for a C.2.2.2.4 wildcard pattern: `*` any run of characters (also none), `?` one. */
export function wildcardToRegExp(pattern: string, caseInsensitive = false): RegExp {
  const key = `${caseInsensitive ? 'i' : 's'}:${pattern}`;
  let re = wildcardCache.get(key);
  if (!re) {
    const body = Array.from(pattern)
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')))
      .join('');
    re = new RegExp(`^${body}$`, caseInsensitive ? 'isu' : 'su');
    if (wildcardCache.size > 1000) wildcardCache.clear();
    wildcardCache.set(key, re);
  }
  return re;
}

/** Wildcard matching (C.2.2.2.4). `?` matches exactly one character (a code point, not a UTF-16 unit). */
export function matchWildcard(pattern: string, value: string, caseInsensitive = false): boolean {
  return wildcardToRegExp(trimValue(pattern), caseInsensitive).test(trimValue(value));
}

/**
 * The literal pieces of a wildcard pattern, for narrowing a database query before the exact match in JS:
 * `prefix` is what every match starts with, `longest` the longest literal run anywhere in the pattern.
 */
export function wildcardLiterals(pattern: string): { prefix: string; longest: string } {
  const parts = pattern.split(/[*?]/);
  return { prefix: parts[0], longest: parts.reduce((a, b) => (b.length > a.length ? b : a), '') };
}

/** List of UID matching (C.2.2.2.2): the value matches any UID of the list. */
export function matchUidList(uids: readonly string[], value: string): boolean {
  const v = trimValue(value);
  return uids.some((u) => trimValue(u) === v);
}

// --- Range matching (C.2.2.2.5) ---------------------------------------------------------------------------

export interface Range {
  /** inclusive lower bound as written, or undefined for an open start (`-20240101`) */
  lower?: string;
  /** inclusive upper bound as written, or undefined for an open end (`20240101-`) */
  upper?: string;
}

/**
 * Splits a DA/TM/DT query into its bounds. A value without `-` is a single value: lower = upper.
 * DT values may carry a `-HHMM` UTC offset, so for DT the range separator is the `-` that is not part of one.
 * Returns null for a malformed range (`-` alone, more than one separator).
 */
export function parseRange(query: string, vr: 'DA' | 'TM' | 'DT' = 'DA'): Range | null {
  const q = trimValue(query);
  if (q === '' || q === '-') return null;
  let parts: string[];
  if (vr === 'DT') {
    // A DT bound may end in a `&ZZXX` UTC offset (& is + or -), so `20240101-0500` is one value, not a range.
    const bound = '\\d[\\d.]*(?:[+-]\\d{4})?';
    if (new RegExp(`^${bound}$`).test(q)) return { lower: q, upper: q };
    const m = new RegExp(`^(${bound})?-(${bound})?$`).exec(q);
    if (!m) return null;
    parts = [m[1] ?? '', m[2] ?? ''];
  } else {
    parts = q.split('-');
    if (parts.length === 1) return { lower: q, upper: q };
    if (parts.length !== 2) return null;
  }
  const [lower, upper] = parts.map(trimValue);
  return { lower: lower || undefined, upper: upper || undefined };
}

/** A DA value as `YYYYMMDD`, accepting the old ACR-NEMA `YYYY.MM.DD` form; null if not a date. */
export function normalizeDate(value: string): string | null {
  const v = trimValue(value).replace(/^(\d{4})\.(\d{2})\.(\d{2})$/, '$1$2$3');
  return /^\d{8}$/.test(v) ? v : null;
}

/**
 * A TM value padded to the fixed `HHMMSS.FFFFFF` so that strings compare in time order. Precision the value does
 * not give is filled with the lowest (`low`) or the highest (`high`) possible value, so a range bound `11`
 * means 11:00:00.000000 as a lower bound and 11:59:59.999999 as an upper one. Accepts `HH:MM:SS` (ACR-NEMA).
 */
export function normalizeTime(value: string, fill: 'low' | 'high' = 'low'): string | null {
  const v = trimValue(value).replace(/:/g, '');
  const m = /^(\d{2})(\d{2})?(\d{2})?(?:\.(\d{1,6}))?$/.exec(v);
  if (!m || (m[4] !== undefined && m[3] === undefined)) return null;
  const hi = fill === 'high';
  const hh = m[1];
  const mm = m[2] ?? (hi ? '59' : '00');
  const ss = m[3] ?? (hi ? '59' : '00');
  const frac = (m[4] ?? '').padEnd(6, hi ? '9' : '0');
  return `${hh}${mm}${ss}.${frac}`;
}

/**
 * A DT value padded to `YYYYMMDDHHMMSS.FFFFFF` (see normalizeTime for `fill`). The UTC offset suffix is dropped:
 * this archive compares date-times as local time (PS3.4 C.2.2.2.5 leaves offsets to the implementation's
 * Timezone Offset From UTC; ours stores none).
 */
export function normalizeDateTime(value: string, fill: 'low' | 'high' = 'low'): string | null {
  const v = trimValue(value).replace(/[+-]\d{4}$/, '');
  const m = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:\.(\d{1,6}))?$/.exec(v);
  if (!m || (m[7] !== undefined && m[6] === undefined)) return null;
  const hi = fill === 'high';
  const pick = (x: string | undefined, low: string, high: string) => x ?? (hi ? high : low);
  const frac = (m[7] ?? '').padEnd(6, hi ? '9' : '0');
  return `${m[1]}${pick(m[2], '01', '12')}${pick(m[3], '01', '31')}${pick(m[4], '00', '23')}${pick(m[5], '00', '59')}${pick(m[6], '00', '59')}.${frac}`;
}

function inRange(value: string | null, lower: string | null | undefined, upper: string | null | undefined): boolean {
  if (value === null) return false;
  if (lower !== undefined && (lower === null || value < lower)) return false;
  if (upper !== undefined && (upper === null || value > upper)) return false;
  return true;
}

/**
 * Date matching (C.2.2.2.1 single value, C.2.2.2.5 range): `20240101`, `20240101-20240131`, `-20240131`,
 * `20240101-`. An empty stored date never matches a non-universal query.
 */
export function matchDate(query: string, value: string): boolean {
  const r = parseRange(query, 'DA');
  if (!r) return false;
  return inRange(
    normalizeDate(value),
    r.lower === undefined ? undefined : normalizeDate(r.lower),
    r.upper === undefined ? undefined : normalizeDate(r.upper),
  );
}

/**
 * Time matching. A single time value is matched as the range it denotes at its own precision (`10` matches
 * any time from 10:00 to 10:59:59.999999), which is what users mean and what dcm4chee does; the standard's
 * single value matching would otherwise compare strings of different precision.
 */
export function matchTime(query: string, value: string): boolean {
  const r = parseRange(query, 'TM');
  if (!r) return false;
  return inRange(
    normalizeTime(value, 'low'),
    r.lower === undefined ? undefined : normalizeTime(r.lower, 'low'),
    r.upper === undefined ? undefined : normalizeTime(r.upper, 'high'),
  );
}

/** Date-time (DT) matching, single value or range, with the same precision rule as matchTime. */
export function matchDateTime(query: string, value: string): boolean {
  const r = parseRange(query, 'DT');
  if (!r) return false;
  return inRange(
    normalizeDateTime(value, 'low'),
    r.lower === undefined ? undefined : normalizeDateTime(r.lower, 'low'),
    r.upper === undefined ? undefined : normalizeDateTime(r.upper, 'high'),
  );
}

/**
 * Combined date and time range matching (C.2.2.2.5, used when the SCU negotiated "combined datetime matching"
 * in the extended negotiation, PS3.4 C.5.1.1.2): a Date and a Time attribute pair (Study Date + Study Time)
 * is one date-time range, so `20240101-20240102` with `2200-0600` means from 1 Jan 22:00 to 2 Jan 06:00, not
 * "22:00–06:00 on either day". Open bounds stay open; a universal time makes it plain date matching; a
 * universal date leaves nothing to combine, so the time is matched alone.
 */
export function matchCombinedDateTime(dateQuery: string, timeQuery: string, dateValue: string, timeValue: string): boolean {
  const dq = trimValue(dateQuery);
  const tq = trimValue(timeQuery);
  if (isUniversal([dq]) && isUniversal([tq])) return true;
  if (isUniversal([tq])) return matchDate(dq, dateValue);
  if (isUniversal([dq])) return matchTime(tq, timeValue);
  const dr = parseRange(dq, 'DA');
  const tr = parseRange(tq, 'TM');
  if (!dr || !tr) return false;
  const date = normalizeDate(dateValue);
  if (date === null) return false;
  // A stored study with a date but no time sorts as the start of its day.
  const time = trimValue(timeValue) === '' ? '000000.000000' : normalizeTime(timeValue, 'low');
  if (time === null) return false;
  const bound = (d: string | undefined, t: string | undefined, fill: 'low' | 'high') => {
    if (d === undefined) return undefined;
    const nd = normalizeDate(d);
    const nt = t === undefined ? (fill === 'low' ? '000000.000000' : '235959.999999') : normalizeTime(t, fill);
    return nd === null || nt === null ? null : nd + nt;
  };
  return inRange(date + time, bound(dr.lower, tr.lower, 'low'), bound(dr.upper, tr.upper, 'high'));
}

// --- Person names -----------------------------------------------------------------------------------------

/**
 * A person name without its insignificant trailing separators: `DOE^JOHN^^^` and `DOE^JOHN==` both become
 * `DOE^JOHN` (PS3.5 6.2.1: trailing empty components and component groups may be omitted).
 */
export function normalizePersonName(name: string): string {
  return trimValue(name)
    .split('=')
    .map((group) => group.replace(/[\^ ]+$/, ''))
    .join('=')
    .replace(/=+$/, '');
}

/**
 * The value stored in Patient.patientNameKey: the normalized name, upper-cased. The store must write it with this
 * function so that the database narrowing in query.ts agrees with personNameMatches below.
 */
export function personNameKey(name: string): string {
  return normalizePersonName(name).toUpperCase();
}

// eslint-disable-next-line no-control-regex
const isAscii = (s: string) => /^[\x00-\x7f]*$/.test(s);

/** `DOE^*^*` → `DOE`: a person-name query without its trailing "any component" wildcards. */
export function personNameStem(query: string): string {
  return query.replace(/(\^\*)+$/, '');
}

/**
 * Person name matching, single value or wildcard. Our choice, documented in the conformance statement:
 * **case-insensitive**, as most PACS do (PS3.4 C.2.2.2.1 and C.2.2.2.4 leave PN case sensitivity to the
 * implementation), and insensitive to trailing empty components.
 *
 * A query with `=` is matched against the whole multi-group name. A query without one is matched against the
 * alphabetic group when it is ASCII (what every Latin-script SCU sends), and against each component group
 * (alphabetic, ideographic, phonetic) otherwise, so `山田*` finds `YAMADA^TARO=山田^太郎`.
 */
export function matchPersonName(query: string, value: string): boolean {
  const q = normalizePersonName(query).toUpperCase();
  const v = normalizePersonName(value).toUpperCase();
  // Some SCUs write `DOE^*` for "family name DOE, any given name": that should find a bare `DOE` too.
  const stem = personNameStem(q);
  const one = (pattern: string, candidate: string) =>
    hasWildcard(pattern) ? wildcardToRegExp(pattern).test(candidate) : candidate === pattern;
  const test = (candidate: string) => one(q, candidate) || (stem !== q && one(stem, candidate));
  if (q.includes('=')) return test(v);
  const groups = v.split('=');
  if (isAscii(q)) return test(groups[0]);
  return groups.some((g) => g !== '' && test(g));
}

// --- Sequence matching (C.2.2.2.6) ------------------------------------------------------------------------

export type NaturalizedItem = Record<string, unknown>;

/**
 * Sequence matching (C.2.2.2.6): the query sequence holds one item; an entity matches when at least one of its
 * items matches every non-universal key of that item (each with the matching kind of its own VR, supplied by
 * `matchKey`). A zero-length sequence, or an item whose keys are all universal, is universal matching.
 */
export function matchSequence(
  queryItems: readonly NaturalizedItem[] | null | undefined,
  candidateItems: readonly NaturalizedItem[] | null | undefined,
  matchKey: (keyword: string, query: unknown, candidate: unknown) => boolean,
): boolean {
  if (!queryItems || queryItems.length === 0) return true;
  const item = queryItems[0];
  const keys = Object.keys(item).filter((k) => !k.startsWith('_') && !isUniversalValue(item[k]));
  if (keys.length === 0) return true;
  return (candidateItems ?? []).some((c) => keys.every((k) => matchKey(k, item[k], c[k])));
}

function isUniversalValue(v: unknown): boolean {
  if (Array.isArray(v) && v.length > 0 && typeof v[0] === 'object' && v[0] !== null && !('Alphabetic' in v[0])) {
    // a nested sequence: universal when all its items' keys are universal
    return (v as NaturalizedItem[]).every((it) => Object.keys(it).every((k) => k.startsWith('_') || isUniversalValue(it[k])));
  }
  return isUniversal(queryValues(v));
}

// ---------------------------------------------------------------------------------------------------------
// One entry point: the matching kind is chosen by the VR and the form of the query value
// ---------------------------------------------------------------------------------------------------------

/** One query value against one stored value, choosing the matching kind per C.2.2.2 from VR and value. */
export function matchValue(vr: string, query: string, value: string): boolean {
  if (isUniversal([query])) return true;
  if (isEmptyValueQuery(query)) return matchEmptyValue(value);
  switch (vr) {
    case 'DA':
      return matchDate(query, value);
    case 'TM':
      return matchTime(query, value);
    case 'DT':
      return matchDateTime(query, value);
    case 'PN':
      return matchPersonName(query, value);
  }
  if (trimValue(value) === '') return false;
  if (NUMERIC_VRS.has(vr)) {
    const a = Number(trimValue(query));
    const b = Number(trimValue(value));
    return Number.isFinite(a) && a === b;
  }
  if (WILDCARD_VRS.has(vr) && hasWildcard(query)) return matchWildcard(query, value);
  return matchSingleValue(query, value);
}

/**
 * A whole attribute: the query's values against the entity's values. Several query values (backslash-separated)
 * are a list that matches when any one does: list of UID matching (C.2.2.2.2) for UI, and the same reading for
 * other VRs (e.g. Modalities in Study `CT\MR`), as dcm4chee and Orthanc do. A multi-valued stored attribute
 * matches when any of its values does.
 */
export function matchAttribute(vr: string, query: readonly string[], stored: readonly string[]): boolean {
  if (isUniversal(query)) return true;
  if (vr === 'UI') return stored.some((v) => matchUidList(query, v));
  const values = stored.length === 0 ? [''] : stored;
  return query.some((q) => values.some((v) => matchValue(vr, q, v)));
}

/** Why a query value cannot be used for its VR, or null when it can (feeds the A900 failure in query.ts). */
export function invalidQueryValue(vr: string, query: string): string | null {
  if (isUniversal([query]) || isEmptyValueQuery(query)) return null;
  const check = (ok: boolean, what: string) => (ok ? null : `"${query}" is not a valid ${what}`);
  switch (vr) {
    case 'DA': {
      const r = parseRange(query, 'DA');
      return check(!!r && [r.lower, r.upper].every((b) => b === undefined || normalizeDate(b) !== null), 'date or date range (YYYYMMDD[-YYYYMMDD])');
    }
    case 'TM': {
      const r = parseRange(query, 'TM');
      return check(!!r && [r.lower, r.upper].every((b) => b === undefined || normalizeTime(b) !== null), 'time or time range (HHMMSS[-HHMMSS])');
    }
    case 'DT': {
      const r = parseRange(query, 'DT');
      return check(!!r && [r.lower, r.upper].every((b) => b === undefined || normalizeDateTime(b) !== null), 'date-time or date-time range');
    }
    case 'UI':
      return check(/^[0-9.]{1,64}$/.test(query), 'UID (digits and dots, at most 64 characters)');
  }
  if (NUMERIC_VRS.has(vr)) return check(Number.isFinite(Number(query)), 'number');
  return null;
}
