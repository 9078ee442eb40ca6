import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetParseError, parseDatasetHeader } from './datasetHeader';
import { buildPart10Header, splitPart10, IMPLEMENTATION_CLASS_UID, newUid } from './part10';
import { isValidUid } from './uid';

const FILES = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
const read = (name: string) => {
  const file = readFileSync(join(FILES, name));
  const parts = splitPart10(file);
  return { file, parts, dataset: file.subarray(parts.datasetOffset) };
};

describe('parseDatasetHeader', () => {
  it.each([
    ['CT_small.dcm', 'CT'],
    ['MR_small.dcm', 'MR'],
    ['MR_small_implicit.dcm', 'MR'],
    ['MR_small_bigendian.dcm', 'MR'],
    ['MR_small_RLE.dcm', 'MR'],
    ['MR_small_jpeg_ls_lossless.dcm', 'MR'],
    ['JPEG2000.dcm', undefined],
    ['image_dfl.dcm', undefined],
    ['priv_SQ.dcm', undefined],
    ['nested_priv_SQ.dcm', undefined],
  ])('reads the indexed attributes of %s in its own syntax', (name, modality) => {
    const { parts, dataset } = read(name);
    const h = parseDatasetHeader(dataset, parts.transferSyntaxUid!, { whole: true });
    if (modality) expect(h.Modality).toBe(modality);
    if (h.SOPInstanceUID) expect(h.SOPInstanceUID).toBe(parts.meta.get(0x0003));
    if (h.Rows) expect(Number(h.Rows)).toBeGreaterThan(0);
  });

  it('reads the same values whatever the syntax', () => {
    const names = ['MR_small.dcm', 'MR_small_implicit.dcm', 'MR_small_bigendian.dcm', 'MR_small_RLE.dcm'];
    const headers = names.map((n) => {
      const { parts, dataset } = read(n);
      return parseDatasetHeader(dataset, parts.transferSyntaxUid!);
    });
    for (const h of headers) {
      expect(h.StudyInstanceUID).toBe(headers[0].StudyInstanceUID);
      expect(h.Rows).toBe('64');
      expect(h.Columns).toBe('64');
      expect(h.PatientName).toBe(headers[0].PatientName);
    }
  });

  it('refuses truncated data with a DatasetParseError', () => {
    const { parts, dataset } = read('CT_small.dcm');
    // cut inside the pixel data: the header alone reads fine, the whole walk does not
    const cut = dataset.subarray(0, dataset.length - 100);
    expect(parseDatasetHeader(cut, parts.transferSyntaxUid!).Modality).toBe('CT');
    expect(() => parseDatasetHeader(cut, parts.transferSyntaxUid!, { whole: true })).toThrow(DatasetParseError);
    const truncated = read('MR_truncated.dcm');
    expect(() => parseDatasetHeader(truncated.dataset, truncated.parts.transferSyntaxUid!, { whole: true })).toThrow(/ends inside/);
    expect(() => parseDatasetHeader(Buffer.from('not a dicom data set at all'), '1.2.840.10008.1.2.1')).toThrow(DatasetParseError);
  });
});

describe('Part 10 header', () => {
  it('round-trips through splitPart10', () => {
    const header = buildPart10Header({
      mediaStorageSopClassUid: '1.2.840.10008.5.1.4.1.1.2',
      mediaStorageSopInstanceUid: '1.2.3.4.5',
      transferSyntaxUid: '1.2.840.10008.1.2.4.90',
      sourceAeTitle: 'CT1',
    });
    const parts = splitPart10(Buffer.concat([header, Buffer.from([8, 0, 5, 0])]));
    expect(parts.datasetOffset).toBe(header.length);
    expect(parts.transferSyntaxUid).toBe('1.2.840.10008.1.2.4.90');
    expect(parts.meta.get(0x0003)).toBe('1.2.3.4.5');
    expect(parts.meta.get(0x0012)).toBe(IMPLEMENTATION_CLASS_UID);
    expect(parts.meta.get(0x0016)).toBe('CT1');
    expect(header.length % 2).toBe(0);
  });

  it('makes valid new UIDs', () => {
    expect(isValidUid(newUid())).toBe(true);
    expect(isValidUid(IMPLEMENTATION_CLASS_UID)).toBe(true);
  });
});
