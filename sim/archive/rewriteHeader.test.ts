// The header rewrite a correction applies to a stored file: only the named attributes change, the previous values
// land in the Original Attributes Sequence (PS3.3 C.12.1.1.9), and everything else — pixel data, private tags,
// sequences — is the same bytes. Checked on explicit and implicit VR files, and read back by DCMTK's dcmdump.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDatasetHeader } from '../dicom/datasetHeader';
import { buildPart10Header, splitPart10 } from '../dicom/part10';
import { el, encodePart10 } from '../modality/generate/explicitLeWriter';
import { RewriteError, rewriteHeader, topLevelElements } from './rewriteHeader';

const CT = '1.2.840.10008.5.1.4.1.1.2';
const at = new Date(2026, 10, 28, 9, 10, 0);
const modification = { modifyingSystem: 'PACS Lab test', reason: 'CORRECT' as const, sourceOfPreviousValues: 'merge', at };
const pixels = Buffer.alloc(64 * 64 * 2);
for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 37) & 0xff;

function explicitFile() {
  return encodePart10(
    [
      el(0x00080005, 'CS', 'ISO_IR 192'),
      el(0x00080016, 'UI', CT),
      el(0x00080018, 'UI', '1.2.3.4.1'),
      el(0x00080050, 'SH', ''),
      el(0x00090010, 'LO', 'ACME 1.0'),
      el(0x00091001, 'LO', 'private value'),
      el(0x00091002, 'OB', Buffer.from([1, 2, 3, 4, 5, 6])),
      el(0x00100010, 'PN', 'MÜLLER^ANNA'),
      el(0x00100020, 'LO', 'MRN1'),
      el(0x0020000d, 'UI', '1.2.3.4'),
      el(0x0020000e, 'UI', '1.2.3.4.5'),
      el(0x00400275, 'SQ', [[el(0x00080050, 'SH', 'A1'), el(0x0020000d, 'UI', '1.2.3.4')]]),
      el(0x00280010, 'US', 64),
      el(0x00280011, 'US', 64),
      el(0x7fe00010, 'OW', pixels),
    ],
    { sopClassUid: CT, sopInstanceUid: '1.2.3.4.1' },
  );
}

/** Implicit VR Little Endian, with an undefined-length private sequence: built by hand. */
function implicitFile() {
  const e = (tag: number, value: Buffer) => {
    const h = Buffer.alloc(8);
    h.writeUInt16LE(tag >>> 16, 0);
    h.writeUInt16LE(tag & 0xffff, 2);
    h.writeUInt32LE(value.length, 4);
    return Buffer.concat([h, value]);
  };
  const t = (s: string, pad = ' ') => Buffer.from(s.length % 2 ? s + pad : s, 'latin1');
  const undefinedSq = Buffer.concat([
    Buffer.from([0x09, 0x00, 0x10, 0x10, 0xff, 0xff, 0xff, 0xff]), // (0009,1010) SQ, undefined length
    Buffer.from([0xfe, 0xff, 0x00, 0xe0, 0xff, 0xff, 0xff, 0xff]), // item, undefined length
    e(0x00091011, t('inside')),
    Buffer.from([0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0]), // item delimiter
    Buffer.from([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]), // sequence delimiter
  ]);
  const dataset = Buffer.concat([
    e(0x00080016, t(CT, '\0')),
    e(0x00080018, t('1.2.3.9.1', '\0')),
    e(0x00090010, t('ACME 1.0')),
    undefinedSq,
    e(0x00100010, t('DOE^JANE')),
    e(0x0020000d, t('1.2.3.9', '\0')),
    e(0x0020000e, t('1.2.3.9.5', '\0')),
    e(0x7fe00010, pixels),
  ]);
  return Buffer.concat([buildPart10Header({ mediaStorageSopClassUid: CT, mediaStorageSopInstanceUid: '1.2.3.9.1', transferSyntaxUid: '1.2.840.10008.1.2' }), dataset]);
}

const dir = mkdtempSync(join(tmpdir(), 'pacslab-rewrite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function dcmdump(bytes: Buffer): string {
  const f = join(dir, `${Math.random().toString(36).slice(2)}.dcm`);
  writeFileSync(f, bytes);
  return execFileSync('dcmdump', ['-M', '-q', f], { encoding: 'utf8' });
}

const header = (file: Buffer) => {
  const p = splitPart10(file);
  return parseDatasetHeader(file.subarray(p.datasetOffset), p.transferSyntaxUid!);
};

describe('rewriteHeader', () => {
  it('sets the study and accession, keeps every other element byte for byte, and records the old values (explicit VR LE)', () => {
    const file = explicitFile();
    const r = rewriteHeader(file, { changes: { StudyInstanceUID: '1.2.3.99', AccessionNumber: 'A20261128-X', PatientName: 'MÜLLER^ANNA' }, modification });
    expect(r.previous).toEqual({ StudyInstanceUID: '1.2.3.4', AccessionNumber: '' });
    const h = header(r.bytes);
    expect(h.StudyInstanceUID).toBe('1.2.3.99');
    expect(h.AccessionNumber).toBe('A20261128-X');
    expect(h.PatientName).toBe('MÜLLER^ANNA');
    const before = topLevelElements(file);
    const after = topLevelElements(r.bytes);
    for (const [tag, bytes] of before) {
      if (tag === 0x0020000d || tag === 0x00080050) continue;
      expect(after.get(tag)?.equals(bytes), tag.toString(16)).toBe(true);
    }
    // pixel data, private tags and the request sequence: the same bytes
    expect(after.get(0x7fe00010)!.subarray(-pixels.length).equals(pixels)).toBe(true);
    expect([...after.keys()]).toEqual([...before.keys(), 0x04000561].sort((a, b) => a - b));
    // the File Meta Information is untouched (same SOP Instance UID, same transfer syntax)
    expect(r.bytes.subarray(0, splitPart10(file).datasetOffset).equals(file.subarray(0, splitPart10(file).datasetOffset))).toBe(true);

    const dump = dcmdump(r.bytes);
    expect(dump).toMatch(/\(0020,000d\) UI \[1\.2\.3\.99\]/);
    expect(dump).toMatch(/\(0400,0561\) SQ/);
    expect(dump).toMatch(/\(0400,0550\) SQ/);
    expect(dump).toMatch(/\(0008,0050\) SH \(no value available\)/); // the old, empty accession
    expect(dump).toMatch(/\(0020,000d\) UI \[1\.2\.3\.4\]/); // the old study UID, inside the sequence
    expect(dump).toMatch(/\(0400,0562\) DT \[20261128091000\.000000[+-]\d{4}\]/);
    expect(dump).toMatch(/\(0400,0563\) LO \[PACS Lab test\]/);
    expect(dump).toMatch(/\(0400,0565\) CS \[CORRECT\]/);
    expect(dump).toMatch(/\(0009,1001\) LO \[private value\]/);
  });

  it('a second correction adds a second item and keeps the first', () => {
    const once = rewriteHeader(explicitFile(), { changes: { StudyInstanceUID: '1.2.3.99' }, modification }).bytes;
    const twice = rewriteHeader(once, { changes: { StudyInstanceUID: '1.2.3.100' }, modification }).bytes;
    expect(header(twice).StudyInstanceUID).toBe('1.2.3.100');
    const dump = dcmdump(twice);
    expect(dump.match(/\(0400,0565\) CS \[CORRECT\]/g)).toHaveLength(2);
    expect(dump).toMatch(/\(0020,000d\) UI \[1\.2\.3\.99\]/);
    expect(dump).toMatch(/\(0020,000d\) UI \[1\.2\.3\.4\]/);
  });

  it('implicit VR LE with an undefined-length private sequence: inserts an absent attribute in tag order', () => {
    const file = implicitFile();
    const r = rewriteHeader(file, { changes: { StudyInstanceUID: '1.2.3.10', AccessionNumber: 'ACC1', PatientName: 'DOE^JANE' }, modification });
    expect(r.previous).toEqual({ StudyInstanceUID: '1.2.3.9', AccessionNumber: '' });
    const before = topLevelElements(file);
    const after = topLevelElements(r.bytes);
    expect(after.get(0x00091010)!.equals(before.get(0x00091010)!)).toBe(true);
    expect(after.get(0x7fe00010)!.equals(before.get(0x7fe00010)!)).toBe(true);
    const tags = [...after.keys()];
    expect(tags).toEqual([...tags].sort((a, b) => a - b));
    expect(header(r.bytes)).toMatchObject({ StudyInstanceUID: '1.2.3.10', AccessionNumber: 'ACC1' });
    const dump = dcmdump(r.bytes);
    expect(dump).toMatch(/\(0008,0050\) SH \[ACC1\]/);
    expect(dump).toContain('(0009,1011)'); // the private sequence's item, still readable inside
  });

  it('changes nothing when the values are already right, and refuses a file that is not Part 10', () => {
    const file = explicitFile();
    const r = rewriteHeader(file, { changes: { StudyInstanceUID: '1.2.3.4', PatientID: 'MRN1' }, modification });
    expect(r.bytes).toBe(file);
    expect(r.previous).toEqual({});
    expect(() => rewriteHeader(Buffer.from('not dicom at all'), { changes: { AccessionNumber: 'X' }, modification })).toThrow(RewriteError);
    const truncated = file.subarray(0, file.length - 100);
    expect(() => rewriteHeader(truncated, { changes: { AccessionNumber: 'X' }, modification })).toThrow(/ends inside an element/);
  });
});
