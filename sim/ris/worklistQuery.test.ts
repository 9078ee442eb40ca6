// The worklist's pure parts: query preparation, matching and the response projection (PS3.4 K.6.1.2.2, C.4.1.1.3.2).
import { describe, expect, it } from 'vitest';
import { matchesWorklistQuery, prepareWorklistQuery, projectToRequest, worklistItem, type OrderRow } from './worklistQuery';

const order: OrderRow = {
  patientId: 'MRN1', patientName: 'DOE^JANE', patientBirthDate: '19800101', patientSex: 'F', accessionNumber: 'A1',
  requestedProcedureId: 'RP1', requestedProcedureDescription: 'CT HEAD', modality: 'CT', scheduledStationAeTitle: 'CT1',
  scheduledStationName: 'CT ROOM 1', scheduledProcedureStepId: 'SPS1', scheduledProcedureStepDescription: 'CT HEAD WO',
  scheduledStartDate: '20261128', scheduledStartTime: '101500', scheduledPerformingPhysicianName: 'WHO^DR',
  referringPhysicianName: 'REF^DR', reason: 'Headache', priority: 'HIGH', studyInstanceUid: '2.25.1',
};
const item = worklistItem(order);

function matches(identifier: Record<string, unknown>) {
  const p = prepareWorklistQuery(identifier);
  if (!p.ok) throw new Error(p.errorComment);
  return matchesWorklistQuery(p.q, item);
}

describe('worklist matching', () => {
  it('matches the Scheduled Procedure Step keys, ranges and wildcards included', () => {
    expect(matches({ ScheduledProcedureStepSequence: [{ ScheduledStationAETitle: 'CT1' }] })).toBe(true);
    expect(matches({ ScheduledProcedureStepSequence: [{ ScheduledStationAETitle: 'MR1' }] })).toBe(false);
    expect(matches({ ScheduledProcedureStepSequence: [{ ScheduledStationAETitle: 'C*' }] })).toBe(true);
    expect(matches({ ScheduledProcedureStepSequence: [{ ScheduledProcedureStepStartDate: '20261127-20261128' }] })).toBe(true);
    expect(matches({ ScheduledProcedureStepSequence: [{ ScheduledProcedureStepStartDate: '20261129-' }] })).toBe(false);
    expect(matches({ ScheduledProcedureStepSequence: [{ ScheduledProcedureStepStartTime: '1000-1100' }] })).toBe(true);
    expect(matches({ ScheduledProcedureStepSequence: [{ ScheduledProcedureStepStartTime: '-1000' }] })).toBe(false);
    expect(matches({ ScheduledProcedureStepSequence: [{ Modality: 'CT' }] })).toBe(true);
    expect(matches({ ScheduledProcedureStepSequence: [{ ScheduledPerformingPhysicianName: [{ Alphabetic: 'who*' }] }] })).toBe(true);
  });

  it('matches patient and order keys; PN case-insensitively', () => {
    expect(matches({ PatientName: [{ Alphabetic: 'doe^jane' }] })).toBe(true);
    expect(matches({ PatientName: [{ Alphabetic: 'SMITH*' }] })).toBe(false);
    expect(matches({ PatientID: 'MRN1', AccessionNumber: 'A1', RequestedProcedureID: 'RP1' })).toBe(true);
    expect(matches({ AccessionNumber: 'A2' })).toBe(false);
    expect(matches({ StudyInstanceUID: '2.25.1' })).toBe(true);
  });

  it('treats empty keys as universal and reports keys it returns without matching', () => {
    const p = prepareWorklistQuery({ PatientName: '', PatientWeight: '70', ScheduledProcedureStepSequence: [{ Modality: '', ScheduledStationName: 'ROOM*' }] });
    expect(p.ok && p.q.unsupported).toEqual(['PatientWeight', 'ScheduledProcedureStepSequence>ScheduledStationName']);
    expect(p.ok && matchesWorklistQuery(p.q, item)).toBe(true);
  });

  it('refuses an unusable identifier with A900', () => {
    expect(prepareWorklistQuery({ ScheduledProcedureStepSequence: [{ ScheduledProcedureStepStartDate: '2026-11-28' }] })).toMatchObject({ ok: false, status: 0xa900 });
    expect(prepareWorklistQuery({ ScheduledProcedureStepSequence: [{ Modality: 'CT' }, { Modality: 'MR' }] })).toMatchObject({ ok: false, status: 0xa900 });
  });
});

describe('worklist response', () => {
  it('holds exactly the requested keys, zero length where the RIS has no value', () => {
    const out = projectToRequest({ PatientName: '', AccessionNumber: '', PatientWeight: '', ScheduledProcedureStepSequence: [{ Modality: '', ScheduledStationAETitle: '' }] }, item);
    expect(out).toEqual({
      PatientName: [{ Alphabetic: 'DOE^JANE' }],
      AccessionNumber: 'A1',
      PatientWeight: '',
      ScheduledProcedureStepSequence: [{ Modality: 'CT', ScheduledStationAETitle: 'CT1' }],
    });
  });

  it('returns the whole step when the sequence is asked for without item keys', () => {
    const out = projectToRequest({ ScheduledProcedureStepSequence: [] }, item);
    expect(out.ScheduledProcedureStepSequence).toEqual([
      expect.objectContaining({ ScheduledStationAETitle: 'CT1', ScheduledProcedureStepStartDate: '20261128', ScheduledProcedureStepStartTime: '101500', Modality: 'CT', ScheduledProcedureStepID: 'SPS1', ScheduledProcedureStepDescription: 'CT HEAD WO', ScheduledProcedureStepStatus: 'SCHEDULED' }),
    ]);
  });

  it('declares UTF-8 when a returned value is not ASCII', () => {
    const out = projectToRequest({ PatientName: '' }, worklistItem({ ...order, patientName: 'MÜLLER^JÖRG' }));
    expect(out.SpecificCharacterSet).toBe('ISO_IR 192');
  });
});
