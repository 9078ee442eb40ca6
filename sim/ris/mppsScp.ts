// Modality Performed Procedure Step SOP Class SCP (PS3.4 F.7, SOP class 1.2.840.10008.3.1.2.3.3) on the RIS AE:
// N-CREATE makes a step IN PROGRESS and links it to its order through the Scheduled Step Attributes Sequence
// (Accession Number, else Study Instance UID); N-SET changes it while IN PROGRESS and finishes it COMPLETED or
// DISCONTINUED, which completes or discontinues the order and records the Performed Series Sequence (so the
// archive can tell whether every announced image arrived). Every state change goes through mppsState.ts and
// orderStatus.ts.
//
// Attribute rules (PS3.4 Table F.7.2-1), with the statuses dcm4che's BasicMPPSSCP also answers:
// - N-CREATE: a Type 1 attribute absent → 0120 Missing attribute; present without a value → 0121 Missing
//   attribute value; Performed Procedure Step Status other than IN PROGRESS, or a Scheduled Step Attributes item
//   without a Study Instance UID → 0106 Invalid attribute value. An instance UID already known → 0111.
//   Type 2 attributes a modality leaves out are not refused (most modalities send only what they have).
// - N-SET: an unknown instance → 0112 No such SOP Instance; an attribute N-SET may not carry (Table F.7.2-1
//   "Not allowed") → 0105 No such attribute; a step already COMPLETED or DISCONTINUED → 0110 with Error ID A710
//   "Performed Procedure Step Object may no longer be updated"; COMPLETED without the final-state values
//   (End Date, End Time, a Performed Series Sequence item with its Series Instance UID) → 0121.
import type { Db } from '../../prisma/db';
import { Status } from '../dicom/status';
import { UNCOMPRESSED_TRANSFER_SYNTAXES } from '../dicom/transferSyntaxes';
import { isValidUid } from '../dicom/uid';
import { queryValues } from '../archive/matching';
import type { AssociationInfo, DatasetRequest, DimseResult, DimseService } from '../dimse/types';
import { initialMppsStatus, nextMppsStatus } from './mppsState';
import { nextOrderStatus, type OrderEvent } from './orderStatus';
import { newUid } from './risUid';

export const MPPS_SOP_CLASS = '1.2.840.10008.3.1.2.3.3';

type Item = Record<string, unknown>;
type Result = DimseResult & { reply?: Item };

/** Type 1 on N-CREATE (PS3.4 Table F.7.2-1) */
const NCREATE_TYPE1 = [
  'ScheduledStepAttributesSequence',
  'PerformedProcedureStepID',
  'PerformedStationAETitle',
  'PerformedProcedureStepStartDate',
  'PerformedProcedureStepStartTime',
  'PerformedProcedureStepStatus',
  'Modality',
] as const;

/** "Not allowed" in N-SET (PS3.4 Table F.7.2-1) */
const NSET_NOT_ALLOWED = [
  'Modality', 'PatientName', 'PatientID', 'IssuerOfPatientID', 'PatientBirthDate', 'PatientSex', 'StudyID',
  'AdmissionID', 'PerformedStationAETitle', 'PerformedStationName', 'PerformedLocation',
  'PerformedProcedureStepStartDate', 'PerformedProcedureStepStartTime', 'PerformedProcedureStepID',
  'ScheduledStepAttributesSequence', 'ReferencedPatientSequence',
] as const;

const first = (v: unknown) => queryValues(v)[0] ?? '';
const items = (v: unknown): Item[] => (Array.isArray(v) ? (v.filter((x) => typeof x === 'object' && x !== null) as Item[]) : []);
const hasValue = (v: unknown) => (Array.isArray(v) ? v.length > 0 : queryValues(v).length > 0);
const fail = (status: number, errorComment: string, errorId?: number): Result => ({ status, errorComment, errorId, logDetail: errorComment });

/** The Performed Series Sequence as we keep it: series UID, AE, description and the referenced images. */
function performedSeries(ds: Item) {
  return items(ds.PerformedSeriesSequence).map((s) => ({
    SeriesInstanceUID: first(s.SeriesInstanceUID),
    RetrieveAETitle: first(s.RetrieveAETitle),
    SeriesDescription: first(s.SeriesDescription),
    ReferencedImageSequence: items(s.ReferencedImageSequence).map((r) => ({
      ReferencedSOPClassUID: first(r.ReferencedSOPClassUID),
      ReferencedSOPInstanceUID: first(r.ReferencedSOPInstanceUID),
    })),
  }));
}

/** Plain JSON of a naturalized data set (drops dcmjs's _vrMap and binary values). */
function toJson(ds: Item): Item {
  return JSON.parse(JSON.stringify(ds, (k, v) => (k === '_vrMap' || v instanceof ArrayBuffer || ArrayBuffer.isView(v) ? undefined : v)));
}

async function findOrder(db: Db, sandboxId: string, ssa: Item[]) {
  for (const s of ssa) {
    const accession = first(s.AccessionNumber);
    if (accession) {
      const o = await db.order.findUnique({ where: { sandboxId_accessionNumber: { sandboxId, accessionNumber: accession } } });
      if (o) return o;
    }
    const study = first(s.StudyInstanceUID);
    if (study) {
      const o = await db.order.findFirst({ where: { sandboxId, studyInstanceUid: study } });
      if (o) return o;
    }
  }
  return null;
}

async function moveOrder(db: Db, orderId: string | null | undefined, event: OrderEvent): Promise<string> {
  if (!orderId) return '';
  const order = await db.order.findUnique({ where: { id: orderId } });
  if (!order) return '';
  const t = nextOrderStatus(order.status, event);
  if (!t.ok) return `; order ${order.accessionNumber} left ${order.status} (${t.reason})`;
  // conditional on the status read, so two nodes applying MPPS at once cannot both move it
  await db.order.updateMany({ where: { id: order.id, status: order.status }, data: { status: t.status } });
  return `; order ${order.accessionNumber} ${order.status} → ${t.status}`;
}

export async function handleNCreate(db: Db, assoc: AssociationInfo, req: DatasetRequest): Promise<Result> {
  const ds = req.dataset ?? {};
  for (const k of NCREATE_TYPE1) if (!(k in ds)) return fail(Status.MissingAttribute, `${k} is missing (Type 1, PS3.4 F.7.2.1.1)`);
  for (const k of NCREATE_TYPE1) if (!hasValue(ds[k])) return fail(Status.MissingAttributeValue, `${k} has no value (Type 1, PS3.4 F.7.2.1.1)`);
  const initial = initialMppsStatus(first(ds.PerformedProcedureStepStatus));
  if (!initial.ok) return fail(initial.status, initial.errorComment);
  const ssa = items(ds.ScheduledStepAttributesSequence);
  if (ssa.some((s) => !isValidUid(first(s.StudyInstanceUID)))) {
    return fail(Status.InvalidAttributeValue, 'Scheduled Step Attributes item without a valid Study Instance UID');
  }
  let uid = req.sopInstanceUid.replace(/\0+$/, '').trim();
  let created: string | undefined;
  if (!uid) uid = created = newUid(); // the SCU may leave the UID to the SCP (PS3.7 10.1.5.1.4)
  else if (!isValidUid(uid)) return fail(Status.InvalidArgumentValue, 'Affected SOP Instance UID is not a valid UID');
  const existing = await db.performedProcedureStep.findUnique({ where: { sandboxId_sopInstanceUid: { sandboxId: assoc.sandboxId, sopInstanceUid: uid } } });
  if (existing) return fail(Status.DuplicateSopInstance, `MPPS ${uid} already exists (${existing.status})`);
  const order = await findOrder(db, assoc.sandboxId, ssa);
  try {
    await db.performedProcedureStep.create({
      data: {
        sandboxId: assoc.sandboxId,
        sopInstanceUid: uid,
        orderId: order?.id ?? null,
        status: initial.status,
        performedProcedureStepId: first(ds.PerformedProcedureStepID),
        performedStationAeTitle: first(ds.PerformedStationAETitle),
        modality: first(ds.Modality),
        attributes: toJson(ds) as never,
        performedSeries: performedSeries(ds) as never,
        sourceAe: assoc.callingAe,
      },
    });
  } catch (e) {
    // a concurrent N-CREATE of the same UID on another association or node
    if ((e as { code?: string }).code === 'P2002') return fail(Status.DuplicateSopInstance, `MPPS ${uid} already exists`);
    throw e;
  }
  const moved = await moveOrder(db, order?.id, 'mpps-in-progress');
  return {
    status: Status.Success,
    affectedSopInstanceUid: created,
    logDetail: `MPPS ${uid} IN PROGRESS${order ? moved : '; unscheduled: no order matches its Scheduled Step Attributes'}`,
  };
}

export async function handleNSet(db: Db, assoc: AssociationInfo, req: DatasetRequest): Promise<Result> {
  const ds = req.dataset ?? {};
  const uid = req.sopInstanceUid.replace(/\0+$/, '').trim();
  const step = await db.performedProcedureStep.findUnique({ where: { sandboxId_sopInstanceUid: { sandboxId: assoc.sandboxId, sopInstanceUid: uid } } });
  if (!step) return fail(Status.NoSuchSopInstance, `no MPPS ${uid} on this RIS`);
  const requested = 'PerformedProcedureStepStatus' in ds ? first(ds.PerformedProcedureStepStatus) || undefined : undefined;
  const t = nextMppsStatus(step.status, requested);
  if (!t.ok) return fail(t.status, t.errorComment, t.errorId);
  const notAllowed = NSET_NOT_ALLOWED.filter((k) => k in ds);
  if (notAllowed.length) return fail(Status.NoSuchAttribute, `not allowed in N-SET (PS3.4 F.7.2.2): ${notAllowed.join(', ')}`);
  const merged: Item = { ...(step.attributes as Item), ...toJson(ds) };
  const series = performedSeries(merged);
  if (t.status === 'COMPLETED') {
    // PS3.4 F.7.2.2.2: COMPLETED only once the final-state (Type 1) values are all there
    for (const k of ['PerformedProcedureStepEndDate', 'PerformedProcedureStepEndTime']) {
      if (!hasValue(merged[k])) return fail(Status.MissingAttributeValue, `${k} must have a value to complete the step`);
    }
    if (!series.length || series.some((s) => !isValidUid(s.SeriesInstanceUID))) {
      return fail(Status.MissingAttributeValue, 'Performed Series Sequence needs an item with its Series Instance UID to complete');
    }
  }
  // conditional on the status read: a concurrent N-SET that finished the step first wins, this one is refused
  const updated = await db.performedProcedureStep.updateMany({
    where: { id: step.id, status: step.status },
    data: { status: t.status, attributes: merged as never, performedSeries: series as never },
  });
  if (updated.count === 0) {
    const again = nextMppsStatus((await db.performedProcedureStep.findUnique({ where: { id: step.id } }))?.status ?? '', requested);
    if (!again.ok) return fail(again.status, again.errorComment, again.errorId);
    return fail(Status.ProcessingFailure, 'the step changed during this N-SET: send it again');
  }
  let moved = '';
  if (t.status === 'COMPLETED') moved = await moveOrder(db, step.orderId, 'mpps-completed');
  if (t.status === 'DISCONTINUED') moved = await moveOrder(db, step.orderId, 'mpps-discontinued');
  const images = series.reduce((n, s) => n + s.ReferencedImageSequence.length, 0);
  return { status: Status.Success, logDetail: `MPPS ${uid} ${step.status} → ${t.status}; ${series.length} series, ${images} images announced${moved}` };
}

export function createMppsService(db: Db): DimseService {
  return {
    name: 'Modality Performed Procedure Step',
    sopClasses: [MPPS_SOP_CLASS],
    transferSyntaxes: UNCOMPRESSED_TRANSFER_SYNTAXES,
    handlers: {
      'N-CREATE': (assoc, req) => handleNCreate(db, assoc, req),
      'N-SET': (assoc, req) => handleNSet(db, assoc, req),
    },
  };
}
