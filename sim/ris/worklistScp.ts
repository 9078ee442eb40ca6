// Modality Worklist Information Model - FIND SCP (PS3.4 K, SOP class 1.2.840.10008.5.1.4.31) on the RIS AE. One
// Order is one Requested Procedure with one Scheduled Procedure Step. Only steps still to be done (order status
// `scheduled`) are answered: steps in progress, completed, discontinued or cancelled leave the worklist, as on
// real brokers.
//
// Matching keys (PS3.4 K.6.1.2.2, Table K.6-1, plus IHE RAD-5's patient and order keys): in the Scheduled
// Procedure Step Sequence, Scheduled Station AE Title, Scheduled Procedure Step Start Date and Start Time (single
// value or range, matched independently: combined date-time matching would need extended negotiation, which
// dcmjs-dimse does not surface), Modality, Scheduled Performing Physician's Name; and Patient's Name, Patient
// ID, Accession Number, Requested Procedure ID, Study Instance UID. The matching kinds are sim/archive/
// matching.ts's (PN case-insensitive). Other keys with a value are returned but not matched: the pendings then
// say FF01 ("optional keys not supported", PS3.4 K.4.1.2.3 / C.4.1.1.4).
//
// Each response holds exactly the keys asked for (PS3.4 C.4.1.1.3.2), with zero length where we hold no value;
// a Scheduled Procedure Step Sequence asked for with no item keys gets the whole item (worklistQuery.ts).
import type { Db } from '../../prisma/db';
import { Status } from '../dicom/status';
import { UNCOMPRESSED_TRANSFER_SYNTAXES } from '../dicom/transferSyntaxes';
import type { AssociationInfo, DatasetRequest, DimseReply, DimseService } from '../dimse/types';
import { normalizeDate, parseRange } from '../archive/matching';
import { WORKLIST_STATUSES } from './orderStatus';
import { matchesWorklistQuery, prepareWorklistQuery, projectToRequest, worklistItem } from './worklistQuery';

export const MODALITY_WORKLIST_FIND_SOP_CLASS = '1.2.840.10008.5.1.4.31';

/** Narrows the database read by the scheduled date when the query gives one (DA values compare as strings). */
function dateWhere(sps: Record<string, string[]>) {
  const values = sps.ScheduledProcedureStepStartDate;
  if (!values || values.length !== 1) return {};
  const r = parseRange(values[0], 'DA');
  if (!r) return {};
  const lower = r.lower === undefined ? undefined : normalizeDate(r.lower);
  const upper = r.upper === undefined ? undefined : normalizeDate(r.upper);
  if (lower === null || upper === null) return {};
  return { scheduledStartDate: { ...(lower ? { gte: lower } : {}), ...(upper ? { lte: upper } : {}) } };
}

/**
 * Equality narrowing for single values without wildcards on the case-sensitive keys (AE, CS, LO, SH: single value
 * matching is exact, PS3.4 C.2.2.2.1); everything is matched again in JS afterwards.
 */
function exactWhere(q: { top: Record<string, string[]>; sps: Record<string, string[]> }) {
  const one = (values: string[] | undefined) => (values && values.length === 1 && !/[*?]/.test(values[0]) && values[0] !== '""' ? values[0] : undefined);
  const where: Record<string, string> = {};
  const station = one(q.sps.ScheduledStationAETitle);
  if (station !== undefined) where.scheduledStationAeTitle = station;
  const modality = one(q.sps.Modality);
  if (modality !== undefined) where.modality = modality;
  const accession = one(q.top.AccessionNumber);
  if (accession !== undefined) where.accessionNumber = accession;
  const patientId = one(q.top.PatientID);
  if (patientId !== undefined) where.patientId = patientId;
  return where;
}

/** handleCFind for the worklist: one pending per scheduled step that matches, then Success. */
export async function* handleWorklistCFind(db: Db, assoc: AssociationInfo, req: DatasetRequest): AsyncGenerator<DimseReply> {
  const prepared = prepareWorklistQuery(req.dataset ?? {});
  if (!prepared.ok) {
    yield { status: prepared.status, errorComment: prepared.errorComment, logDetail: prepared.errorComment };
    return;
  }
  const { q } = prepared;
  const rows = await db.order.findMany({
    where: { sandboxId: assoc.sandboxId, status: { in: [...WORKLIST_STATUSES] }, ...dateWhere(q.sps), ...exactWhere(q) },
    orderBy: [{ scheduledStartDate: 'asc' }, { scheduledStartTime: 'asc' }, { accessionNumber: 'asc' }],
  });
  const pendingStatus = q.unsupported.length ? Status.PendingWarning : Status.Pending;
  let n = 0;
  for (const row of rows) {
    if (req.signal.aborted) {
      yield { status: Status.Cancel, logDetail: `C-CANCEL received after ${n} matches` };
      return;
    }
    const item = worklistItem(row);
    if (!matchesWorklistQuery(q, item)) continue;
    n++;
    yield { status: pendingStatus, dataset: projectToRequest(q.identifier, item) };
  }
  yield {
    status: Status.Success,
    logDetail: `${n} scheduled procedure steps${q.unsupported.length ? `; not matched on (returned only): ${q.unsupported.join(', ')}` : ''}`,
  };
}

export function createWorklistService(db: Db): DimseService {
  return {
    name: 'Modality Worklist Information Model - FIND',
    sopClasses: [MODALITY_WORKLIST_FIND_SOP_CLASS],
    transferSyntaxes: UNCOMPRESSED_TRANSFER_SYNTAXES,
    handlers: { 'C-FIND': (assoc, req) => handleWorklistCFind(db, assoc, req) },
  };
}
