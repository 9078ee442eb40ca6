import { describe, expect, it } from 'vitest';
import { diff, flatten, formatTag, levelOf, search, valueText, type DicomJson, type Dictionary } from './tags';

const dict: Dictionary = {
  '00100010': ['PatientName', 'PN', '1'],
  '00100020': ['PatientID', 'LO', '1'],
  '0020000D': ['StudyInstanceUID', 'UI', '1'],
  '0020000E': ['SeriesInstanceUID', 'UI', '1'],
  '00080018': ['SOPInstanceUID', 'UI', '1'],
  '00081140': ['ReferencedImageSequence', 'SQ', '1'],
  '00081155': ['ReferencedSOPInstanceUID', 'UI', '1'],
  '00280030': ['PixelSpacing', 'DS', '2'],
};

const ds: DicomJson = {
  '00100010': { vr: 'PN', Value: [{ Alphabetic: 'DOE^JANE' }] },
  '00100020': { vr: 'LO', Value: ['P-1'] },
  '0020000D': { vr: 'UI', Value: ['1.2.3'] },
  '0020000E': { vr: 'UI', Value: ['1.2.3.4'] },
  '00080018': { vr: 'UI', Value: ['1.2.3.4.5'] },
  '00081140': { vr: 'SQ', Value: [{ '00081155': { vr: 'UI', Value: ['9.8.7'] } }] },
  '00280030': { vr: 'DS', Value: [0.5, 0.5] },
  '00290010': { vr: 'LO', Value: ['SIEMENS CSA HEADER'] },
  '00291010': { vr: 'OB', BulkDataURI: 'http://x/bulkdata/00291010' },
  '7FE00010': { vr: 'OW', BulkDataURI: 'http://x/bulkdata/7FE00010' },
};

describe('the tag inspector model', () => {
  it('flattens a header into rows with keyword, VR, VM, level, and sequence items below their sequence', () => {
    const rows = flatten(ds, dict);
    const name = rows.find((r) => r.tag === '00100010')!;
    expect(name).toMatchObject({ keyword: 'PatientName', vr: 'PN', vm: 1, value: 'DOE^JANE', level: 'patient', private: false });
    expect(rows.find((r) => r.tag === '0020000D')!.level).toBe('study');
    expect(rows.find((r) => r.tag === '0020000E')!.level).toBe('series');
    expect(rows.find((r) => r.tag === '00080018')!.level).toBe('image');
    expect(rows.find((r) => r.tag === '00280030')).toMatchObject({ vm: 2, value: '0.5\\0.5' });
    const seq = rows.findIndex((r) => r.tag === '00081140');
    expect(rows[seq]).toMatchObject({ vr: 'SQ', value: '1 item', hasChildren: true });
    expect(rows[seq + 1]).toMatchObject({ keyword: 'Item 1', item: 0 });
    expect(rows[seq + 2]).toMatchObject({ tag: '00081155', keyword: 'ReferencedSOPInstanceUID', depth: 2, value: '9.8.7', level: undefined });
    expect(rows[seq + 2].parents).toEqual(['00081140', '00081140/0']);
  });

  it('marks private tags (odd groups, PS3.5 7.8) with their creator', () => {
    const rows = flatten(ds, dict);
    expect(rows.find((r) => r.tag === '00290010')).toMatchObject({ private: true, keyword: 'Private Creator' });
    expect(rows.find((r) => r.tag === '00291010')).toMatchObject({ private: true, keyword: 'Private tag', creator: 'SIEMENS CSA HEADER', value: '(bulk data)' });
  });

  it('searches by tag in any spelling, keyword or value, keeping the sequences a match is in', () => {
    const rows = flatten(ds, dict);
    for (const q of ['0010,0010', '(0010,0010)', '00100010', 'patientname', 'doe^jane']) {
      expect(search(rows, q).map((r) => r.tag)).toContain('00100010');
    }
    expect(search(rows, '(0020,000D)').map((r) => r.tag)).toEqual(['0020000D']);
    expect(search(rows, '9.8.7').map((r) => r.id)).toEqual(['00081140', '00081140/0', '00081140/0/00081155']);
    expect(search(rows, 'nothing like this')).toEqual([]);
    expect(search(rows, '')).toHaveLength(rows.length);
  });

  it('diffs two headers: changed, missing on either side, then the same', () => {
    const other: DicomJson = { ...ds, '0020000D': { vr: 'UI', Value: ['1.2.9'] }, '00100020': { vr: 'LO', Value: ['P-1'] } };
    delete other['00280030'];
    other['00080060'] = { vr: 'CS', Value: ['CT'] };
    const rows = diff(ds, other, dict);
    expect(rows[0]).toMatchObject({ tag: '0020000D', kind: 'changed', a: '1.2.3', b: '1.2.9', level: 'study' });
    expect(rows.filter((r) => r.kind !== 'same').map((r) => [r.tag, r.kind])).toEqual([
      ['0020000D', 'changed'],
      ['00080060', 'only-b'],
      ['00280030', 'only-a'],
    ]);
  });

  it('formats tags and values', () => {
    expect(formatTag('0020000d')).toBe('(0020,000D)');
    expect(valueText({ vr: 'PN', Value: [{ Alphabetic: 'A^B', Ideographic: 'C' }] })).toBe('A^B=C');
    expect(valueText({ vr: 'SQ', Value: [{}, {}] })).toBe('2 items');
    expect(valueText({ vr: 'LO' })).toBe('');
    expect(levelOf('00101010')).toBe('study'); // Patient's Age is in the Patient Study module
  });
});
