// The simulated modality's Modality Worklist query (PS3.4 K.6, IHE RAD-5 "Query Modality Worklist"), the way a
// scanner console asks: today's date (the console's local clock), its own AE title as Scheduled Station AE Title,
// optionally the patient's name (wildcards allowed), the accession number or the modality; every other key a
// console needs to fill its study header is sent empty, as a return key (PS3.4 C.4.1.1.3.1, Table K.6-1).
import { z } from 'zod';
import { find, type DimseOutcome, type Peer } from '../dimse/client';

export interface WorklistQuery {
  /** YYYYMMDD or a range 'A-B' (either end may be left open); default today, local time */
  date?: string;
  /** the Scheduled Station AE Title to match; null = any station (queryWorklist defaults to the calling AE) */
  stationAeTitle?: string | null;
  modality?: string;
  /** PN, '*' and '?' wildcards allowed (PS3.4 C.2.2.2.4) */
  patientName?: string;
  accessionNumber?: string;
}

export interface WorklistItem {
  patientName: string;
  patientId: string;
  patientBirthDate: string;
  patientSex: string;
  accessionNumber: string;
  requestedProcedureId: string;
  requestedProcedureDescription: string;
  scheduledProcedureStepId: string;
  scheduledProcedureStepDescription: string;
  modality: string;
  scheduledStationAeTitle: string;
  scheduledStartDate: string;
  scheduledStartTime: string;
  studyInstanceUid: string;
  referringPhysicianName: string;
  scheduledPerformingPhysicianName: string;
  priority?: string;
}

/** YYYYMMDD of a date in local time (what the console's clock shows). */
export function localDicomDate(d: Date): string {
  return `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}`;
}

const DA = /^\d{8}$/;
/** PS3.5 6.2: AE is at most 16 characters, no backslash or control characters; leading/trailing spaces not significant */
const aeTitle = z.string().trim().min(1, 'an AE title cannot be empty').max(16, 'an AE title has at most 16 characters').regex(/^[^\\\x00-\x1f]*$/, 'an AE title cannot contain a backslash or control characters');

const worklistQuerySchema = z.object({
  date: z
    .string()
    .trim()
    .refine((v) => {
      // single date or range (PS3.4 C.2.2.2.5): 'A-B', '-B', 'A-'
      const m = /^(\d{8})?-(\d{8})?$/.exec(v);
      if (m) return Boolean(m[1] || m[2]) && (!m[1] || !m[2] || m[1] <= m[2]);
      return DA.test(v);
    }, 'the date must be YYYYMMDD or a range YYYYMMDD-YYYYMMDD (either end may be left open)')
    .optional(),
  stationAeTitle: aeTitle.nullable().optional(),
  modality: z.string().trim().regex(/^[A-Z0-9 _]{0,16}$/, 'a modality is a code such as CT, MR, DX or US (capitals, at most 16 characters)').optional(),
  // PN: at most 64 characters per component group (PS3.5 6.2); wildcards are allowed in a query
  patientName: z.string().trim().max(64 * 3, 'the patient name is too long for a PN value').regex(/^[^\\]*$/, 'one patient name only (no backslash)').optional(),
  accessionNumber: z.string().trim().max(16, 'an accession number (SH) has at most 16 characters').regex(/^[^\\]*$/, 'one accession number only (no backslash)').optional(),
});

/** Checks a query from a person or a form; throws an Error whose message says what to fix. */
export function parseWorklistQuery(q: unknown): WorklistQuery {
  const r = worklistQuerySchema.safeParse(q);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new Error(`worklist query: ${first.path.join('.') || 'query'}: ${first.message}`);
  }
  return r.data;
}

/**
 * The C-FIND identifier a console sends (PS3.4 K.6.1.2.2, Table K.6-1): the matching keys the query gives, and
 * every return key empty. The Scheduled Procedure Step Sequence carries exactly one item (PS3.4 K.6.1.2.2.1).
 * `stationAeTitle` undefined or null, like an empty `modality`, is universal matching (zero length).
 */
export function worklistIdentifier(q: WorklistQuery, now: Date = new Date()): Record<string, unknown> {
  const p = parseWorklistQuery(q);
  return {
    // SOP Common / Patient (Type R return keys in Table K.6-1)
    SpecificCharacterSet: '',
    PatientName: p.patientName ?? '',
    PatientID: '',
    PatientBirthDate: '',
    PatientSex: '',
    // Visit / Imaging Service Request / Requested Procedure
    AccessionNumber: p.accessionNumber ?? '',
    ReferringPhysicianName: '',
    RequestedProcedureID: '',
    RequestedProcedureDescription: '',
    RequestedProcedurePriority: '',
    StudyInstanceUID: '',
    // Scheduled Procedure Step: the console's own station and today's date are the matching keys
    ScheduledProcedureStepSequence: [
      {
        ScheduledStationAETitle: p.stationAeTitle ?? '',
        ScheduledProcedureStepStartDate: p.date ?? localDicomDate(now),
        ScheduledProcedureStepStartTime: '',
        Modality: p.modality ?? '',
        ScheduledPerformingPhysicianName: '',
        ScheduledProcedureStepDescription: '',
        ScheduledProcedureStepID: '',
        ScheduledStationName: '',
      },
    ],
  };
}

/** A value of a naturalized data set as text: strings, multi-values (first), PN objects ({ Alphabetic }). */
function str(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.length ? str(v[0]) : '';
  if (typeof v === 'object') return str((v as { Alphabetic?: unknown }).Alphabetic);
  return String(v).replace(/\0+$/, '').trim();
}

/** One C-FIND response data set → the console's item (the first Scheduled Procedure Step item). */
export function worklistItemOf(ds: Record<string, unknown>): WorklistItem {
  const seq = ds.ScheduledProcedureStepSequence;
  const sps = (Array.isArray(seq) && typeof seq[0] === 'object' && seq[0] ? seq[0] : {}) as Record<string, unknown>;
  const item: WorklistItem = {
    patientName: str(ds.PatientName),
    patientId: str(ds.PatientID),
    patientBirthDate: str(ds.PatientBirthDate),
    patientSex: str(ds.PatientSex),
    accessionNumber: str(ds.AccessionNumber),
    requestedProcedureId: str(ds.RequestedProcedureID),
    requestedProcedureDescription: str(ds.RequestedProcedureDescription),
    scheduledProcedureStepId: str(sps.ScheduledProcedureStepID),
    scheduledProcedureStepDescription: str(sps.ScheduledProcedureStepDescription),
    modality: str(sps.Modality),
    scheduledStationAeTitle: str(sps.ScheduledStationAETitle),
    scheduledStartDate: str(sps.ScheduledProcedureStepStartDate),
    scheduledStartTime: str(sps.ScheduledProcedureStepStartTime),
    studyInstanceUid: str(ds.StudyInstanceUID),
    referringPhysicianName: str(ds.ReferringPhysicianName),
    scheduledPerformingPhysicianName: str(sps.ScheduledPerformingPhysicianName),
  };
  const priority = str(ds.RequestedProcedurePriority);
  if (priority) item.priority = priority;
  return item;
}

/**
 * Queries the worklist SCP (our RIS, DCMTK wlmscpfs, …) on one association. `stationAeTitle` left undefined means
 * this console's own AE (peer.callingAe); null asks for every station. Items come sorted by scheduled start.
 * Association failures throw ScuError; a failure status from the SCP is in `final`, with the items received.
 */
export async function queryWorklist(peer: Peer, q: WorklistQuery): Promise<{ items: WorklistItem[]; final: DimseOutcome }> {
  const identifier = worklistIdentifier({ ...q, stationAeTitle: q.stationAeTitle === undefined ? peer.callingAe : q.stationAeTitle });
  // find() accepts both pending statuses, FF00 and FF01 (DCMTK's wlmscpfs answers FF01 too)
  const r = await find(peer, 'worklist', identifier);
  const items = r.matches.map(worklistItemOf);
  items.sort((a, b) => `${a.scheduledStartDate}${a.scheduledStartTime}`.localeCompare(`${b.scheduledStartDate}${b.scheduledStartTime}`));
  return { items, final: r.final };
}
