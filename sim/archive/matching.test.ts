import { describe, expect, it } from 'vitest';
import {
  invalidQueryValue,
  isUniversal,
  matchAttribute,
  matchCombinedDateTime,
  matchDate,
  matchDateTime,
  matchEmptyValue,
  matchPersonName,
  matchSequence,
  matchSingleValue,
  matchTime,
  matchUidList,
  matchValue,
  matchWildcard,
  normalizeDate,
  normalizeDateTime,
  normalizePersonName,
  normalizeTime,
  parseRange,
  personNameKey,
  queryValues,
  wildcardLiterals,
} from './matching';

describe('queryValues (naturalized dcmjs values → list of strings)', () => {
  it('reads strings, numbers, arrays, PN objects and padding', () => {
    expect(queryValues(undefined)).toEqual([]);
    expect(queryValues(null)).toEqual([]);
    expect(queryValues('')).toEqual([]);
    expect(queryValues([])).toEqual([]);
    expect(queryValues('20240101- ')).toEqual(['20240101-']);
    expect(queryValues('1.2.3\0')).toEqual(['1.2.3']);
    expect(queryValues(3)).toEqual(['3']);
    expect(queryValues(['1.2.3', '1.2.4'])).toEqual(['1.2.3', '1.2.4']);
    expect(queryValues('CT\\MR')).toEqual(['CT', 'MR']);
    expect(queryValues([{ Alphabetic: 'DOE*' }])).toEqual(['DOE*']);
    expect(queryValues({ Alphabetic: 'YAMADA^TARO', Ideographic: '山田^太郎' })).toEqual(['YAMADA^TARO=山田^太郎']);
    expect(queryValues([{ Alphabetic: '' }])).toEqual([]);
  });
});

describe('universal matching (C.2.2.2.3)', () => {
  it('zero length and lone * are universal', () => {
    expect(isUniversal([])).toBe(true);
    expect(isUniversal([''])).toBe(true);
    expect(isUniversal(['*'])).toBe(true);
    expect(isUniversal(['**'])).toBe(true);
    expect(isUniversal(['A*'])).toBe(false);
    for (const vr of ['PN', 'DA', 'TM', 'UI', 'CS', 'IS']) {
      expect(matchValue(vr, '', '')).toBe(true);
      expect(matchValue(vr, '*', 'anything')).toBe(true);
    }
    expect(matchAttribute('CS', [], ['CT'])).toBe(true);
  });
});

describe('single value matching (C.2.2.2.1)', () => {
  it('is exact and case-sensitive, padding aside', () => {
    expect(matchSingleValue('ABC', 'ABC')).toBe(true);
    expect(matchSingleValue('ABC ', ' ABC')).toBe(true);
    expect(matchSingleValue('abc', 'ABC')).toBe(false);
    expect(matchValue('SH', 'ACC1', 'ACC1')).toBe(true);
    expect(matchValue('SH', 'ACC1', 'ACC12')).toBe(false);
    expect(matchValue('LO', 'pid', 'PID')).toBe(false);
    expect(matchValue('SH', 'X', '')).toBe(false);
  });
  it('compares numbers as numbers', () => {
    expect(matchValue('IS', '3', '03')).toBe(true);
    expect(matchValue('IS', '3', '4')).toBe(false);
    expect(matchValue('IS', 'x', '3')).toBe(false);
    expect(matchValue('US', '512', '512')).toBe(true);
  });
  it('treats * and ? literally where wildcards do not apply (UI)', () => {
    expect(matchValue('UI', '1.2.?', '1.2.3')).toBe(false);
  });
});

describe('empty value matching ("")', () => {
  it('matches only empty values', () => {
    expect(matchEmptyValue('')).toBe(true);
    expect(matchEmptyValue('  ')).toBe(true);
    expect(matchValue('SH', '""', '')).toBe(true);
    expect(matchValue('SH', '""', 'A')).toBe(false);
    expect(matchValue('DA', '""', '')).toBe(true);
  });
});

describe('wildcard matching (C.2.2.2.4)', () => {
  it('handles * and ? anywhere', () => {
    expect(matchWildcard('DOE*', 'DOE^JOHN')).toBe(true);
    expect(matchWildcard('*JOHN', 'DOE^JOHN')).toBe(true);
    expect(matchWildcard('D*E^J*', 'DOE^JOHN')).toBe(true);
    expect(matchWildcard('D?E*', 'DOE^JOHN')).toBe(true);
    expect(matchWildcard('D?E', 'DOOE')).toBe(false);
    expect(matchWildcard('*', '')).toBe(true);
    expect(matchWildcard('A*', '')).toBe(false);
    expect(matchWildcard('CT', 'CT')).toBe(true);
  });
  it('is case-sensitive unless asked, and escapes regex characters', () => {
    expect(matchWildcard('doe*', 'DOE')).toBe(false);
    expect(matchWildcard('doe*', 'DOE', true)).toBe(true);
    expect(matchWildcard('A.B*', 'A.BC')).toBe(true);
    expect(matchWildcard('A.B*', 'AXBC')).toBe(false);
    expect(matchWildcard('(x)+[y]*', '(x)+[y]z')).toBe(true);
    expect(matchWildcard('$^*', '$^anything')).toBe(true);
  });
  it('? is one code point, not one UTF-16 unit', () => {
    expect(matchWildcard('?', '𝔸')).toBe(true);
    expect(matchWildcard('山?', '山田')).toBe(true);
  });
  it('applies to wildcard VRs only', () => {
    expect(matchValue('CS', 'C?', 'CT')).toBe(true);
    expect(matchValue('LO', 'ACME*', 'ACME HOSPITAL')).toBe(true);
    expect(matchValue('UI', '1.2*', '1.2.3')).toBe(false);
  });
  it('gives the literal pieces used to narrow a database query', () => {
    expect(wildcardLiterals('DOE*')).toEqual({ prefix: 'DOE', longest: 'DOE' });
    expect(wildcardLiterals('*SMITH?')).toEqual({ prefix: '', longest: 'SMITH' });
    expect(wildcardLiterals('A*BCD*E')).toEqual({ prefix: 'A', longest: 'BCD' });
  });
});

describe('list of UID matching (C.2.2.2.2)', () => {
  it('matches any UID in the list', () => {
    expect(matchUidList(['1.2.3', '1.2.4'], '1.2.4')).toBe(true);
    expect(matchUidList(['1.2.3', '1.2.4'], '1.2.5')).toBe(false);
    expect(matchUidList(['1.2.3'], '1.2.3\0')).toBe(true);
    expect(matchAttribute('UI', ['1.2.3', '1.2.4'], ['1.2.3'])).toBe(true);
    expect(matchAttribute('UI', ['1.2.3', '1.2.4'], ['1.2.30'])).toBe(false);
  });
});

describe('range matching (C.2.2.2.5)', () => {
  it('parses ranges', () => {
    expect(parseRange('20240101-20240131')).toEqual({ lower: '20240101', upper: '20240131' });
    expect(parseRange('-20240131')).toEqual({ lower: undefined, upper: '20240131' });
    expect(parseRange('20240101-')).toEqual({ lower: '20240101', upper: undefined });
    expect(parseRange('20240101')).toEqual({ lower: '20240101', upper: '20240101' });
    expect(parseRange('-')).toBeNull();
    expect(parseRange('1-2-3')).toBeNull();
    expect(parseRange('20240101120000-0500', 'DT')).toEqual({ lower: '20240101120000-0500', upper: '20240101120000-0500' });
    expect(parseRange('20240101-20240102', 'DT')).toEqual({ lower: '20240101', upper: '20240102' });
    expect(parseRange('20240101+0100-20240102+0100', 'DT')).toEqual({ lower: '20240101+0100', upper: '20240102+0100' });
    expect(parseRange('-2024', 'DT')).toEqual({ lower: undefined, upper: '2024' });
  });
  it('normalizes dates, times and date-times', () => {
    expect(normalizeDate('20240105')).toBe('20240105');
    expect(normalizeDate('2024.01.05')).toBe('20240105');
    expect(normalizeDate('2024-01-05')).toBeNull();
    expect(normalizeDate('')).toBeNull();
    expect(normalizeTime('10')).toBe('100000.000000');
    expect(normalizeTime('10', 'high')).toBe('105959.999999');
    expect(normalizeTime('1030', 'high')).toBe('103059.999999');
    expect(normalizeTime('103015.5')).toBe('103015.500000');
    expect(normalizeTime('103015.5', 'high')).toBe('103015.599999');
    expect(normalizeTime('10:30:15')).toBe('103015.000000');
    expect(normalizeTime('1030.5')).toBeNull();
    expect(normalizeTime('x')).toBeNull();
    expect(normalizeDateTime('2024')).toBe('20240101000000.000000');
    expect(normalizeDateTime('2024', 'high')).toBe('20241231235959.999999');
    expect(normalizeDateTime('20240105103000+0100')).toBe('20240105103000.000000');
  });
  it('matches dates: single, closed, open both ways', () => {
    expect(matchDate('20240105', '20240105')).toBe(true);
    expect(matchDate('20240105', '20240106')).toBe(false);
    expect(matchDate('20240101-20240131', '20240115')).toBe(true);
    expect(matchDate('20240101-20240131', '20240101')).toBe(true);
    expect(matchDate('20240101-20240131', '20240131')).toBe(true);
    expect(matchDate('20240101-20240131', '20240201')).toBe(false);
    expect(matchDate('-20240101', '19991231')).toBe(true);
    expect(matchDate('-20240101', '20240102')).toBe(false);
    expect(matchDate('20240101-', '20991231')).toBe(true);
    expect(matchDate('20240101-', '20231231')).toBe(false);
    expect(matchDate('20240101-', '')).toBe(false);
    expect(matchDate('-20240101', '')).toBe(false);
    expect(matchValue('DA', '2024.01.01-2024.01.31', '20240110')).toBe(true);
  });
  it('matches times at the precision given', () => {
    expect(matchTime('1000-1200', '113000')).toBe(true);
    expect(matchTime('1000-1200', '120059')).toBe(true); // upper bound 12:00 covers the whole minute
    expect(matchTime('1000-1200', '120100')).toBe(false);
    expect(matchTime('1000-1200', '095959.999')).toBe(false);
    expect(matchTime('-0800', '0730')).toBe(true);
    expect(matchTime('2200-', '2330')).toBe(true);
    expect(matchTime('10', '105959')).toBe(true);
    expect(matchTime('10', '110000')).toBe(false);
    expect(matchTime('103000', '103000.123')).toBe(true); // a single value at whole seconds covers that second
    expect(matchTime('103000', '103001')).toBe(false);
    expect(matchTime('103000', '103000')).toBe(true);
    expect(matchTime('1000-1200', '')).toBe(false);
  });
  it('matches date-times', () => {
    expect(matchDateTime('20240101-20240102', '20240102235959')).toBe(true);
    expect(matchDateTime('20240101-20240102', '20240103')).toBe(false);
    expect(matchDateTime('202401011200-', '20240101115959')).toBe(false);
    expect(matchDateTime('202401011200-', '20240101120000')).toBe(true);
    expect(matchDateTime('2024', '20240615')).toBe(true);
  });
  it('combines a date range and a time range into one date-time range when negotiated', () => {
    // 1 Jan 22:00 → 2 Jan 06:00: a night shift
    expect(matchCombinedDateTime('20240101-20240102', '2200-0600', '20240101', '2300')).toBe(true);
    expect(matchCombinedDateTime('20240101-20240102', '2200-0600', '20240102', '0300')).toBe(true);
    expect(matchCombinedDateTime('20240101-20240102', '2200-0600', '20240101', '1200')).toBe(false); // before 22:00
    expect(matchCombinedDateTime('20240101-20240102', '2200-0600', '20240101', '2100')).toBe(false);
    expect(matchCombinedDateTime('20240101-20240102', '2200-0600', '20240102', '0700')).toBe(false);
    // independent matching cannot express the night shift: 22:00-06:00 as a time range alone matches nothing
    expect(matchDate('20240101-20240102', '20240102') && matchTime('2200-0600', '0300')).toBe(false);
    // single date with a time range
    expect(matchCombinedDateTime('20240101', '1000-1200', '20240101', '1100')).toBe(true);
    expect(matchCombinedDateTime('20240101', '1000-1200', '20240101', '1300')).toBe(false);
    // open ranges
    expect(matchCombinedDateTime('-20240101', '-1000', '20231231', '2359')).toBe(true);
    expect(matchCombinedDateTime('-20240101', '-1000', '20240101', '1000')).toBe(true);
    expect(matchCombinedDateTime('-20240101', '-1000', '20240101', '1030')).toBe(false); // 10:00 covers its minute only
    expect(matchCombinedDateTime('-20240101', '-1000', '20240101', '1101')).toBe(false);
    expect(matchCombinedDateTime('20240101-', '1000-', '20240101', '0900')).toBe(false);
    expect(matchCombinedDateTime('20240101-', '1000-', '20240101', '1000')).toBe(true);
    expect(matchCombinedDateTime('20240101-', '1000-', '20240102', '0100')).toBe(true);
    // universal time → plain date matching; universal date → time alone
    expect(matchCombinedDateTime('20240101', '', '20240101', '0100')).toBe(true);
    expect(matchCombinedDateTime('', '1000-1100', '20240101', '1030')).toBe(true);
    expect(matchCombinedDateTime('', '', '', '')).toBe(true);
    // a study with no time sorts at the start of its day
    expect(matchCombinedDateTime('20240101-20240102', '0000-0600', '20240102', '')).toBe(true);
  });
  it('rejects malformed range values', () => {
    expect(invalidQueryValue('DA', '20240101-')).toBeNull();
    expect(invalidQueryValue('DA', '2024-01-01')).toMatch(/not a valid date/);
    expect(invalidQueryValue('DA', 'yesterday')).toMatch(/not a valid date/);
    expect(invalidQueryValue('TM', '25')).toBeNull(); // syntactically a time; it simply matches nothing
    expect(invalidQueryValue('TM', '10h')).toMatch(/not a valid time/);
    expect(invalidQueryValue('DT', '20240101-20240102')).toBeNull();
    expect(invalidQueryValue('UI', '1.2.x')).toMatch(/UID/);
    expect(invalidQueryValue('IS', 'x')).toMatch(/number/);
    expect(invalidQueryValue('DA', '*')).toBeNull();
    expect(invalidQueryValue('PN', 'anything')).toBeNull();
  });
});

describe('person name matching (case-insensitive, our documented choice)', () => {
  it('normalizes trailing separators and builds the key', () => {
    expect(normalizePersonName('DOE^JOHN^^^')).toBe('DOE^JOHN');
    expect(normalizePersonName('DOE^JOHN==')).toBe('DOE^JOHN');
    expect(normalizePersonName(' DOE^JOHN ')).toBe('DOE^JOHN');
    expect(normalizePersonName('YAMADA^TARO^^^=山田^太郎^^^=')).toBe('YAMADA^TARO=山田^太郎');
    expect(personNameKey('Doe^John^^^')).toBe('DOE^JOHN');
  });
  it('single value and wildcard, any case', () => {
    expect(matchPersonName('doe^john', 'DOE^JOHN')).toBe(true);
    expect(matchPersonName('DOE^JOHN', 'Doe^John^^^')).toBe(true);
    expect(matchPersonName('DOE', 'DOE^JOHN')).toBe(false);
    expect(matchPersonName('doe*', 'Doe^Jane')).toBe(true);
    expect(matchPersonName('*jane', 'Doe^Jane')).toBe(true);
    expect(matchPersonName('d?e^j*', 'DOE^JANE')).toBe(true);
    expect(matchPersonName('SMITH*', 'DOE^JANE')).toBe(false);
    expect(matchValue('PN', 'doe*', 'DOE^J')).toBe(true);
    expect(matchValue('PN', 'doe*', '')).toBe(false);
  });
  it('reads DOE^* as "family name DOE, any given name"', () => {
    expect(matchPersonName('DOE^*', 'DOE')).toBe(true);
    expect(matchPersonName('DOE^*^*', 'DOE^JOHN^Q')).toBe(true);
    expect(matchPersonName('DOE^*', 'DOEMAN')).toBe(false);
  });
  it('matches component groups', () => {
    const name = 'YAMADA^TARO=山田^太郎=やまだ^たろう';
    expect(matchPersonName('yamada*', name)).toBe(true);
    expect(matchPersonName('山田*', name)).toBe(true);
    expect(matchPersonName('やまだ^たろう', name)).toBe(true);
    expect(matchPersonName('YAMADA^TARO=山田^太郎=やまだ^たろう', name)).toBe(true);
    expect(matchPersonName('YAMADA^TARO=*', name)).toBe(true);
    expect(matchPersonName('TARO*', name)).toBe(false);
    expect(matchPersonName('Müller*', 'MÜLLER^HANS')).toBe(true);
  });
});

describe('sequence matching (C.2.2.2.6)', () => {
  const key = (k: string, q: unknown, c: unknown) => matchAttribute(k === 'CodeValue' ? 'SH' : 'LO', queryValues(q), queryValues(c));
  const items = [
    { CodeValue: 'CTHEAD', CodingSchemeDesignator: 'LOCAL' },
    { CodeValue: 'CTCHEST', CodingSchemeDesignator: 'LOCAL' },
  ];
  it('is universal for an empty sequence or an item of empty keys', () => {
    expect(matchSequence([], items, key)).toBe(true);
    expect(matchSequence(undefined, [], key)).toBe(true);
    expect(matchSequence([{ CodeValue: '', CodingSchemeDesignator: '' }], [], key)).toBe(true);
  });
  it('matches when one item matches every key', () => {
    expect(matchSequence([{ CodeValue: 'CTCHEST' }], items, key)).toBe(true);
    expect(matchSequence([{ CodeValue: 'CT*', CodingSchemeDesignator: 'LOCAL' }], items, key)).toBe(true);
    expect(matchSequence([{ CodeValue: 'MR*' }], items, key)).toBe(false);
    expect(matchSequence([{ CodeValue: 'CTHEAD', CodingSchemeDesignator: 'DCM' }], items, key)).toBe(false);
    expect(matchSequence([{ CodeValue: 'CTHEAD' }], [], key)).toBe(false);
  });
});

describe('matchAttribute (lists and multi-valued attributes)', () => {
  it('a query list matches when any value does; a stored list when any value does', () => {
    expect(matchAttribute('CS', ['CT', 'MR'], ['MR'])).toBe(true);
    expect(matchAttribute('CS', ['CT'], ['MR', 'CT'])).toBe(true);
    expect(matchAttribute('CS', ['US'], ['MR', 'CT'])).toBe(false);
    expect(matchAttribute('CS', ['C*'], ['MR', 'CT'])).toBe(true);
    expect(matchAttribute('SH', ['""'], [])).toBe(true);
    expect(matchAttribute('SH', ['X'], [])).toBe(false);
  });
});
