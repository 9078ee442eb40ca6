// The simulated modality's Modality Performed Procedure Step SCU (PS3.4 F.7, IHE RAD-6 "Modality Procedure Step
// In Progress" and RAD-7 "Modality Procedure Step Completed/Discontinued"): N-CREATE when acquisition starts,
// N-SET COMPLETED or DISCONTINUED (with its reason) when it ends. The attribute builders are pure; the two calls
// go through sim/dimse/client.ts, one association each, as most modalities do.
import { z } from 'zod';
import { nCreate, nSet, type DimseOutcome, type Peer } from '../dimse/client';
import { newUid } from '../ris/risUid';
import { localDicomDate, type WorklistItem } from './worklist';

export const MPPS_SOP_CLASS = '1.2.840.10008.3.1.2.3.3'; // PS3.4 F.7.3

/**
 * Discontinuation reasons (PS3.3 C.4.14 (0040,0281) Performed Procedure Step Discontinuation Reason Code
 * Sequence, BCID 9300 "Procedure Discontinuation Reason"; the DCM codes PS3.16 also lists in CID 9301 "Modality
 * PPS Discontinuation Reason").
 */
export const DISCONTINUATION_REASONS: readonly { code: string; meaning: string }[] = [
  { code: '110500', meaning: 'Doctor canceled procedure' },
  { code: '110501', meaning: 'Equipment failure' },
  { code: '110502', meaning: 'Incorrect procedure ordered' },
  { code: '110503', meaning: 'Patient allergic to media/contrast' },
  { code: '110504', meaning: 'Patient died' },
  { code: '110505', meaning: 'Patient refused to continue procedure' },
  { code: '110506', meaning: 'Patient taken for treatment or surgery' },
  { code: '110507', meaning: 'Patient did not arrive' },
  { code: '110508', meaning: 'Patient pregnant' },
  { code: '110509', meaning: 'Change of procedure for correct charging' },
  { code: '110510', meaning: 'Duplicate order' },
  { code: '110511', meaning: 'Nursing unit cancel' },
  { code: '110512', meaning: 'Incorrect side ordered' },
  { code: '110513', meaning: 'Discontinued for unspecified reason' },
  { code: '110514', meaning: 'Incorrect worklist entry selected' },
  { code: '110515', meaning: 'Patient condition prevented continuing' },
  { code: '110516', meaning: 'Equipment change' },
];

/** DICOM DA and TM of a local time (the scanner's clock), PS3.5 6.2. */
export function dicomDate(d: Date): string {
  return localDicomDate(d);
}
export function dicomTime(d: Date): string {
  return `${String(d.getHours()).padStart(2, '0')}${String(d.getMinutes()).padStart(2, '0')}${String(d.getSeconds()).padStart(2, '0')}`;
}

export interface MppsPatient {
  patientId: string;
  patientName: string;
  patientBirthDate?: string;
  patientSex?: string;
}

export interface MppsCreateInput {
  /** the worklist item the step performs; absent for an unscheduled step (patient registered by hand) */
  item?: WorklistItem;
  patient: MppsPatient;
  studyInstanceUid: string;
  performedStationAeTitle: string;
  stationName?: string;
  modality: string;
  performedProcedureStepId: string;
  start: Date;
  protocolName?: string;
  /** (0020,0010) Study ID, SH; defaults to the step ID's last 16 characters */
  studyId?: string;
}

const required = (name: string, v: string | undefined) => {
  if (!v || !v.trim()) throw new Error(`MPPS: ${name} is required (Type 1 in N-CREATE, PS3.4 Table F.7.2-1)`);
  return v.trim();
};

/** PN as dcmjs naturalizes it. */
const pn = (v: string | undefined) => (v ? [{ Alphabetic: v }] : '');

/**
 * N-CREATE attributes (PS3.4 Table F.7.2-1; modules PS3.3 C.4.13 PPS Relationship, C.4.14 PPS Information, C.4.15
 * Image Acquisition Results): status IN PROGRESS, one Scheduled Step Attributes item taken from the worklist item
 * (or, for an unscheduled step, an item with only the Study Instance UID, PS3.4 F.7.2.1.1 / IHE RAD TF-2 4.6.4.1.2.2),
 * empty end date and time, empty Performed Series Sequence. Type 2 attributes are sent empty rather than left out.
 */
export function mppsCreateAttributes(input: MppsCreateInput): Record<string, unknown> {
  const stationAe = required('Performed Station AE Title', input.performedStationAeTitle);
  const ppsId = required('Performed Procedure Step ID', input.performedProcedureStepId);
  const modality = required('Modality', input.modality);
  const studyUid = required('Study Instance UID', input.item?.studyInstanceUid || input.studyInstanceUid);
  const item = input.item;
  const scheduled = item
    ? {
        StudyInstanceUID: studyUid,
        ReferencedStudySequence: [],
        AccessionNumber: item.accessionNumber,
        RequestedProcedureID: item.requestedProcedureId,
        RequestedProcedureDescription: item.requestedProcedureDescription,
        ScheduledProcedureStepID: item.scheduledProcedureStepId,
        ScheduledProcedureStepDescription: item.scheduledProcedureStepDescription,
        ScheduledProtocolCodeSequence: [],
      }
    : {
        StudyInstanceUID: studyUid,
        ReferencedStudySequence: [],
        AccessionNumber: '',
        RequestedProcedureID: '',
        RequestedProcedureDescription: '',
        ScheduledProcedureStepID: '',
        ScheduledProcedureStepDescription: '',
        ScheduledProtocolCodeSequence: [],
      };
  const description = item?.requestedProcedureDescription ?? input.protocolName ?? '';
  const attrs: Record<string, unknown> = {
    // C.4.13 Performed Procedure Step Relationship
    ScheduledStepAttributesSequence: [scheduled],
    PatientName: pn(input.patient.patientName),
    PatientID: input.patient.patientId,
    PatientBirthDate: input.patient.patientBirthDate ?? '',
    PatientSex: input.patient.patientSex ?? '',
    ReferencedPatientSequence: [],
    // C.4.14 Performed Procedure Step Information
    PerformedProcedureStepID: ppsId,
    PerformedStationAETitle: stationAe,
    PerformedStationName: input.stationName ?? '',
    PerformedLocation: '',
    PerformedProcedureStepStartDate: dicomDate(input.start),
    PerformedProcedureStepStartTime: dicomTime(input.start),
    PerformedProcedureStepStatus: 'IN PROGRESS',
    PerformedProcedureStepDescription: description,
    PerformedProcedureTypeDescription: '',
    ProcedureCodeSequence: [],
    PerformedProcedureStepEndDate: '',
    PerformedProcedureStepEndTime: '',
    // C.4.15 Image Acquisition Results
    Modality: modality,
    StudyID: input.studyId ?? ppsId.slice(-16),
    PerformedProtocolCodeSequence: [],
    PerformedSeriesSequence: [],
  };
  // the character set of the text values (PS3.5 6.1.2.3): UTF-8 when anything is not ASCII
  if (/[^\x00-\x7f]/.test(JSON.stringify(attrs))) attrs.SpecificCharacterSet = 'ISO_IR 192';
  return attrs;
}

export interface MppsSeries {
  seriesInstanceUid: string;
  seriesDescription: string;
  protocolName?: string;
  /** (0008,0054) Retrieve AE Title: where the images were sent, when known */
  retrieveAeTitle?: string;
  images: { sopClassUid: string; sopInstanceUid: string }[];
}

export interface MppsSetInput {
  status: 'COMPLETED' | 'DISCONTINUED';
  end: Date;
  series: MppsSeries[];
  /** a CID 9300 code (DISCONTINUATION_REASONS) */
  discontinuationReason?: string;
  performingPhysician?: string;
  operator?: string;
}

const setInputSchema = z
  .object({
    status: z.enum(['COMPLETED', 'DISCONTINUED']),
    discontinuationReason: z.string().optional(),
    series: z.array(z.object({ seriesInstanceUid: z.string().min(1, 'every performed series needs its Series Instance UID') })),
  })
  .superRefine((v, ctx) => {
    if (v.status === 'COMPLETED' && !v.series.length) {
      ctx.addIssue({ code: 'custom', message: 'COMPLETED needs at least one performed series (PS3.4 F.7.2.2.2): discontinue a step that produced no images' });
    }
    if (v.discontinuationReason !== undefined) {
      if (v.status !== 'DISCONTINUED') ctx.addIssue({ code: 'custom', message: 'a discontinuation reason goes only with DISCONTINUED' });
      else if (!DISCONTINUATION_REASONS.some((r) => r.code === v.discontinuationReason)) {
        ctx.addIssue({ code: 'custom', message: `unknown discontinuation reason ${JSON.stringify(v.discontinuationReason)}: use a CID 9300 code such as 110514 (Incorrect worklist entry selected)` });
      }
    }
  });

/**
 * The final N-SET (PS3.4 Table F.7.2-1, F.7.2.2.2): status COMPLETED or DISCONTINUED, end date and time, the
 * Performed Series Sequence with each series' images (Referenced Image Sequence; the Referenced Non-Image
 * Composite SOP Instance Sequence is sent empty), and for DISCONTINUED the reason as a code item (DCM).
 */
export function mppsSetAttributes(input: MppsSetInput): Record<string, unknown> {
  const r = setInputSchema.safeParse(input);
  if (!r.success) throw new Error(`MPPS: ${r.error.issues[0].message}`);
  const attrs: Record<string, unknown> = {
    PerformedProcedureStepStatus: input.status,
    PerformedProcedureStepEndDate: dicomDate(input.end),
    PerformedProcedureStepEndTime: dicomTime(input.end),
    PerformedSeriesSequence: input.series.map((s) => ({
      PerformingPhysicianName: pn(input.performingPhysician),
      OperatorsName: pn(input.operator),
      ProtocolName: s.protocolName ?? '',
      SeriesInstanceUID: s.seriesInstanceUid,
      SeriesDescription: s.seriesDescription,
      RetrieveAETitle: s.retrieveAeTitle ?? '',
      ReferencedImageSequence: s.images.map((i) => ({ ReferencedSOPClassUID: i.sopClassUid, ReferencedSOPInstanceUID: i.sopInstanceUid })),
      ReferencedNonImageCompositeSOPInstanceSequence: [],
    })),
  };
  if (input.status === 'DISCONTINUED' && input.discontinuationReason) {
    const reason = DISCONTINUATION_REASONS.find((d) => d.code === input.discontinuationReason)!;
    attrs.PerformedProcedureStepDiscontinuationReasonCodeSequence = [{ CodeValue: reason.code, CodingSchemeDesignator: 'DCM', CodeMeaning: reason.meaning }];
  }
  if (/[^\x00-\x7f]/.test(JSON.stringify(attrs))) attrs.SpecificCharacterSet = 'ISO_IR 192';
  return attrs;
}

/**
 * N-CREATE of the step. The modality makes the instance UID itself (PS3.4 F.7.2.1.1: the SCU may; most do, so it
 * can N-SET later even if the response is lost); if the SCP returns another one, that one is used.
 */
export async function createMpps(peer: Peer, attrs: Record<string, unknown>, sopInstanceUid: string = newUid()): Promise<{ sopInstanceUid: string; outcome: DimseOutcome }> {
  const { affectedSopInstanceUid, ...outcome } = await nCreate(peer, MPPS_SOP_CLASS, sopInstanceUid, attrs);
  return { sopInstanceUid: affectedSopInstanceUid || sopInstanceUid, outcome };
}

/** N-SET of the step (progress, or the final COMPLETED / DISCONTINUED). */
export async function setMpps(peer: Peer, sopInstanceUid: string, attrs: Record<string, unknown>): Promise<DimseOutcome> {
  return nSet(peer, MPPS_SOP_CLASS, sopInstanceUid, attrs);
}
