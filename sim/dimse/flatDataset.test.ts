// The flat data set writer against dcmjs-dimse's own path (dcmjs's writer): the same bytes, or undefined.
import dimse from 'dcmjs-dimse';
import { describe, expect, it } from 'vitest';
import { encodeFlatDataset, EXPLICIT_VR_LITTLE_ENDIAN, FlatDataset, IMPLICIT_VR_LITTLE_ENDIAN } from './flatDataset';

const dcmjsBytes = (elements: Record<string, unknown>, ts: string) =>
  (new dimse.Dataset(elements, ts) as unknown as { getDenaturalizedDataset(o: unknown, n: unknown): Buffer }).getDenaturalizedDataset({}, undefined);

const SAMPLES: Record<string, unknown>[] = [
  // a STUDY-level C-FIND response as query.ts builds it
  {
    QueryRetrieveLevel: 'STUDY',
    StudyInstanceUID: '1.2.826.0.1.3680043.10.998.1',
    PatientName: 'SMITH^JOHN',
    StudyDate: '20200101',
    StudyDescription: 'CT STUDY',
    AccessionNumber: 'A0000001',
    ModalitiesInStudy: ['CT', 'SR'],
    NumberOfStudyRelatedInstances: 12,
    PatientID: 'PID000001',
    RetrieveAETitle: 'PACS',
  },
  // empty values, odd lengths, a UI that needs NUL padding, a one-value list
  { PatientName: '', PatientID: 'ODD', StudyInstanceUID: '1.2.3', ModalitiesInStudy: ['MR'], NumberOfStudyRelatedSeries: 0, StudyTime: '' },
  // IMAGE level: US values, IS numbers and strings, an empty US
  { QueryRetrieveLevel: 'IMAGE', SOPInstanceUID: '1.2.3.4.5', Rows: 512, Columns: 256, InstanceNumber: 7, NumberOfFrames: '', SeriesNumber: '12' },
  // non-ASCII in UTF-8 VRs, with the character set query.ts declares
  { SpecificCharacterSet: 'ISO_IR 192', PatientName: 'MÜLLER^JÜRGEN', StudyDescription: 'Thorax – Übersicht', PatientID: 'X' },
  // PN in dcmjs's naturalized form, and empty lists
  { PatientName: [{ Alphabetic: 'Yamada^Tarou', Ideographic: '山田^太郎' }], ReferringPhysicianName: [], InstitutionName: '' },
  // attributes query.ts returns empty because it does not support them
  { QueryRetrieveLevel: 'STUDY', InstitutionName: '', PatientComments: '', OtherPatientIDs: '', StudyInstanceUID: '' },
];

describe('encodeFlatDataset', () => {
  for (const ts of [IMPLICIT_VR_LITTLE_ENDIAN, EXPLICIT_VR_LITTLE_ENDIAN]) {
    it(`writes what dcmjs writes (${ts === IMPLICIT_VR_LITTLE_ENDIAN ? 'implicit' : 'explicit'} VR little endian)`, () => {
      for (const sample of SAMPLES) {
        const ours = encodeFlatDataset(sample, ts);
        expect(ours, JSON.stringify(sample)).toBeDefined();
        expect(ours!.toString('hex'), JSON.stringify(sample)).toBe(dcmjsBytes(sample, ts).toString('hex'));
      }
    });
  }

  it('writes an empty binary value with zero length, where dcmjs writes the value 0', () => {
    // a key with no value is returned zero-length (PS3.4 C.4.1.1.3.2); dcmjs turns '' into a US of 0 rows
    for (const ts of [IMPLICIT_VR_LITTLE_ENDIAN, EXPLICIT_VR_LITTLE_ENDIAN]) {
      const ours = encodeFlatDataset({ Rows: '' }, ts)!;
      expect(ours.length).toBe(8);
      expect(ours.readUInt16LE(ts === IMPLICIT_VR_LITTLE_ENDIAN ? 4 : 6)).toBe(0);
      expect(dcmjsBytes({ Rows: '' }, ts).length).toBe(10);
    }
  });

  it('leaves to dcmjs what it does not know for certain', () => {
    const ts = EXPLICIT_VR_LITTLE_ENDIAN;
    expect(encodeFlatDataset({ PatientID: 'X' }, '1.2.840.10008.1.2.2')).toBeUndefined(); // big endian
    expect(encodeFlatDataset({ ReferencedStudySequence: [{ ReferencedSOPInstanceUID: '1.2' }] }, ts)).toBeUndefined(); // SQ
    expect(encodeFlatDataset({ ReferencedStudySequence: '' }, ts)).toBeUndefined();
    expect(encodeFlatDataset({ PixelSpacing: [0.5, 0.5] }, ts)).toBeUndefined(); // DS numbers: dcmjs formats them
    expect(encodeFlatDataset({ Modality: 'A'.repeat(17) }, ts)).toBeUndefined(); // dcmjs truncates a CS at 16
    expect(encodeFlatDataset({ StudyDescription: 'ok', Modality: 'É' }, ts)).toBeUndefined(); // non-ASCII in an ASCII VR
    expect(encodeFlatDataset({ NotAKeyword: 'x' }, ts)).toBeUndefined();
    expect(encodeFlatDataset({ PatientID: 'X', _vrMap: { PatientID: 'SH' } }, ts)).toBeUndefined();
    expect(encodeFlatDataset({ Rows: 70000 }, ts)).toBeUndefined();
  });

  it('FlatDataset writes with it, and falls back to dcmjs for the rest', () => {
    const flat = { PatientID: 'X', StudyInstanceUID: '1.2.3' };
    expect(new FlatDataset(flat, EXPLICIT_VR_LITTLE_ENDIAN).getDenaturalizedDataset()).toEqual(encodeFlatDataset(flat, EXPLICIT_VR_LITTLE_ENDIAN));
    const nested = { PatientID: 'X', ReferencedStudySequence: [{ ReferencedSOPInstanceUID: '1.2' }] };
    expect(new FlatDataset(nested, EXPLICIT_VR_LITTLE_ENDIAN).getDenaturalizedDataset()).toEqual(dcmjsBytes(nested, EXPLICIT_VR_LITTLE_ENDIAN));
  });
});
