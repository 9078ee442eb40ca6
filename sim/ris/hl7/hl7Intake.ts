// The RIS's HL7 v2 intake: one inbound message in, its acknowledgement out. Parsed with the hl7v2 library;
// orders go through sim/ris/orders.ts (its checks, status machine and audit), patient updates through
// patientUpdates.ts. Everything is checked before anything is written, so a rejected message changes nothing.
//
// Routing: MSH-5 (Receiving Application) names the sandbox's worklist broker AE title ("RIS" in the demo,
// "RIS_K7Q2" in a student's sandbox), as the called AE title routes a DICOM association.
//
// Supported: ORM^O01 with ORC-1 NW (new order), CA (cancel), XO (change: reschedule); OMI^O23 the same way as
// IHE RAD-4 sends it (HL7 2.5.1: TQ1 timing, IPC with Accession Number, Study Instance UID, modality and station
// AE, ZDS-1 Study Instance UID); ADT^A08 (update patient information) and ADT^A40 (merge patient, MRG-1 → PID-3),
// HL7 2.3 to 2.8.
import { HL7Message, toHL7DateTime, type HL7Segment } from 'hl7v2';
import type { Db } from '../../../prisma/db';
import { cancelOrder, createOrder, OrderError, rescheduleOrder, type Actor, type OrderInput } from '../orders';
import { buildAck, HL7_ERROR, Hl7Rejection, type AckCode } from './hl7Ack';
import { mergePatient, updatePatientDemographics, type Demographics } from './patientUpdates';

/** Scheduled Station AE Title for an order's modality when the sender names none (the demo's modalities). */
export const STATION_FOR_MODALITY: Record<string, string> = { CT: 'CT1', DX: 'DX1', CR: 'DX1', MR: 'MR1', US: 'US1' };
/** Modality codes accepted from OBR-24 (Diagnostic Serv Sect ID) or the procedure code's prefix; XR means DX. */
const MODALITIES = new Set(['CT', 'MR', 'US', 'DX', 'CR', 'MG', 'NM', 'PT', 'XA', 'RF', 'XR']);
const SUPPORTED_VERSION = /^2\.[3-8](\.\d)?$/;
const PROCESSING_IDS = new Set(['P', 'T', 'D']);
/** what the message log keeps of a message (hl7Listener.ts), and so what a repeat is compared with */
export const RAW_LOG_CAP = 64 * 1024;

/** Text for the log: NUL removed (PostgreSQL text cannot hold it), capped. */
export function logText(v: string | Buffer, cap = RAW_LOG_CAP): string {
  const s = typeof v === 'string' ? v.slice(0, cap) : v.toString('utf8', 0, Math.min(v.length, cap));
  return s.replaceAll('\0', '');
}
const SUPPORTED: Record<string, string[]> = { ORM: ['O01'], OMI: ['O23'], ADT: ['A08', 'A40'] };

export interface IntakeResult {
  status: AckCode;
  ack: string;
  error: string;
  sandboxId: string | null;
  messageType: string;
  controlId: string;
  placerOrderNumber: string;
  accessionNumber: string;
  /**
   * MSH-5 named a sandbox whose inbound interface is stopped (interfaceState.ts): the message was not applied and
   * must get no ACK at all (hl7Listener.ts closes the connection); `ack` is empty
   */
  interfaceStopped?: { since: Date; reason: string };
}

// ---------------------------------------------------------------------------------------------------------
// Reading fields (all through the library's segment/field/component model)
// ---------------------------------------------------------------------------------------------------------

function asText(v: unknown): string {
  if (v == null) return '';
  if (v instanceof Date) return toHL7DateTime(v);
  // NUL is never HL7 content, and PostgreSQL cannot compare or store it
  if (Buffer.isBuffer(v)) return v.toString('utf8').replaceAll('\0', '');
  return String(v).replaceAll('\0', '').trim();
}

/** The value at SEG-field.component.subcomponent of repetition `rep` ('' when absent). */
function val(seg: HL7Segment | undefined, field: number, comp = 1, sub?: number, rep = 0): string {
  if (!seg) return '';
  const f = seg.field(field);
  if (rep >= f.repetitions.length) return '';
  return asText(f.repetition(rep).getValue(comp, sub));
}

function repetitions(seg: HL7Segment | undefined, field: number): number {
  return seg ? seg.field(field).repetitions.length : 0;
}

function required(v: string, what: string, seg: string, field: number, component?: number): string {
  if (!v) throw new Hl7Rejection('AE', HL7_ERROR.requiredFieldMissing, `${seg}-${field}${component ? `.${component}` : ''} (${what}) is empty`, { segment: seg, field, component });
  return v;
}

/** PID-3: the identifier typed MR if there is one, else the first. */
function mrn(pid: HL7Segment | undefined): string {
  const n = repetitions(pid, 3);
  for (let r = 0; r < n; r++) if (val(pid, 3, 5, undefined, r) === 'MR' && val(pid, 3, 1, undefined, r)) return val(pid, 3, 1, undefined, r);
  for (let r = 0; r < n; r++) if (val(pid, 3, 1, undefined, r)) return val(pid, 3, 1, undefined, r);
  return '';
}

/** XPN/XCN components (family, given, middle, suffix, prefix) as a DICOM PN: family^given^middle^prefix^suffix. */
function personName(seg: HL7Segment | undefined, field: number, first: number): string {
  const [family, given, middle, suffix, prefix] = [0, 1, 2, 3, 4].map((i) => val(seg, field, first + i));
  return [family, given, middle, prefix, suffix].join('^').replace(/\^+$/, '');
}

const SEX: Record<string, string> = { M: 'M', F: 'F', O: 'O', A: 'O', N: 'O', U: '' };

function demographics(pid: HL7Segment): Demographics {
  const birth = val(pid, 7);
  const sex = val(pid, 8).toUpperCase();
  if (sex && !(sex in SEX)) throw new Hl7Rejection('AE', HL7_ERROR.tableValueNotFound, `PID-8 (Administrative Sex) "${sex}" is not one of M, F, O, U, A, N`, { segment: 'PID', field: 8 });
  if (birth && !/^\d{8}/.test(birth)) throw new Hl7Rejection('AE', HL7_ERROR.dataTypeError, `PID-7 (Date/Time of Birth) "${birth}" is not a date (YYYYMMDD)`, { segment: 'PID', field: 7 });
  return { patientName: personName(pid, 5, 1), patientBirthDate: birth.slice(0, 8), patientSex: sex ? SEX[sex] : '' };
}

/** A TS/DTM value as DICOM date and time (HHMMSS); a date alone is scheduled at midnight. */
function dateTime(v: string, where: string): { date: string; time: string } {
  const m = /^(\d{8})(\d{2,6})?/.exec(v);
  if (!m) throw new Hl7Rejection('AE', HL7_ERROR.dataTypeError, `${where} "${v}" is not a date/time (YYYYMMDD[HHMM[SS]])`);
  // always HHMMSS: hl7v2 drops zero seconds when it normalises some TS values, so the same time can arrive
  // as HHMM or HHMMSS
  let time = m[2] ?? '';
  if (time.length % 2) time = time.slice(0, -1);
  return { date: m[1], time: time.padEnd(6, '0') };
}

/** The requested start: TQ1-7 (2.5+), else OBR-27.4 / ORC-7.4 (Quantity/Timing start), else OBR-36. */
function scheduledStart(msg: HL7Message, orc: HL7Segment, obr: HL7Segment | undefined) {
  const tq1 = msg.getSegment('TQ1');
  const candidates: [string, string][] = [
    [val(tq1, 7), 'TQ1-7 (Start date/time)'],
    [val(obr, 27, 4), 'OBR-27.4 (Quantity/Timing start)'],
    [val(orc, 7, 4), 'ORC-7.4 (Quantity/Timing start)'],
    [val(obr, 36), 'OBR-36 (Scheduled Date/Time)'],
  ];
  const found = candidates.find(([v]) => v);
  if (!found) throw new Hl7Rejection('AE', HL7_ERROR.requiredFieldMissing, 'no scheduled start: give TQ1-7, OBR-27.4, ORC-7.4 or OBR-36', { segment: 'OBR', field: 27, component: 4 });
  return dateTime(found[0], found[1]);
}

const PRIORITY: Record<string, OrderInput['priority']> = { S: 'STAT', A: 'HIGH', R: 'ROUTINE', P: 'ROUTINE', C: 'ROUTINE', T: 'ROUTINE' };

function priority(msg: HL7Message, orc: HL7Segment, obr: HL7Segment | undefined): OrderInput['priority'] {
  const code = (val(msg.getSegment('TQ1'), 9) || val(obr, 27, 6) || val(orc, 7, 6) || val(obr, 5)).toUpperCase();
  return PRIORITY[code] ?? 'ROUTINE';
}

function modalityOf(obr: HL7Segment): string {
  const fromSection = val(obr, 24).toUpperCase();
  const fromCode = val(obr, 4, 1).toUpperCase().slice(0, 2);
  const m = [fromSection, fromCode].find((c) => MODALITIES.has(c));
  if (!m) throw new Hl7Rejection('AE', HL7_ERROR.requiredFieldMissing, 'no modality: give OBR-24 (Diagnostic Serv Sect ID, e.g. CT, MR, US, DX) or a procedure code starting with it', { segment: 'OBR', field: 24 });
  return m === 'XR' ? 'DX' : m;
}

/** The sandbox's station for a modality: the mapped demo title if the sandbox knows it, else its first modality node with that prefix. */
async function stationFor(db: Db, sandboxId: string, modality: string): Promise<string> {
  const nodes = await db.dicomNode.findMany({ where: { sandboxId, role: 'modality' }, select: { aeTitle: true }, orderBy: { aeTitle: 'asc' } });
  const mapped = STATION_FOR_MODALITY[modality];
  if (mapped && nodes.some((n) => n.aeTitle === mapped)) return mapped;
  const prefix = modality === 'CR' ? 'DX' : modality;
  const byPrefix = nodes.find((n) => n.aeTitle.toUpperCase().startsWith(prefix));
  if (byPrefix) return byPrefix.aeTitle;
  if (mapped) return mapped;
  throw new Hl7Rejection('AE', HL7_ERROR.tableValueNotFound, `no scheduled station for modality ${modality}: add a ${modality} modality node to the sandbox`, { segment: 'OBR', field: 24 });
}

// ---------------------------------------------------------------------------------------------------------
// The message handlers
// ---------------------------------------------------------------------------------------------------------

interface Context {
  db: Db;
  sandboxId: string;
  msg: HL7Message;
  actor: Actor;
  result: IntakeResult;
}

function orderErrorToRejection(e: unknown): never {
  if (e instanceof OrderError) {
    const condition = e.kind === 'not-found' ? HL7_ERROR.unknownKeyIdentifier : e.kind === 'invalid' ? HL7_ERROR.dataTypeError : /already used/.test(e.message) ? HL7_ERROR.duplicateKeyIdentifier : HL7_ERROR.applicationRecordLocked;
    throw new Hl7Rejection('AE', condition, e.message);
  }
  throw e;
}

/**
 * The order a CA or XO refers to: by the Accession Number the NW gave it (IPC-1, or the filler number ORC-3 /
 * OBR-3 that an ORM uses as one), else by the placer number (ORC-2 / OBR-2) of the NW that placed it, from the
 * message log. An OMI's filler number is not its Accession Number, so that lookup falls through to the placer's.
 */
async function findAccession(ctx: Context, orc: HL7Segment, obr: HL7Segment | undefined, ipc: HL7Segment | undefined): Promise<string> {
  const candidates = [...new Set([val(ipc, 1), val(orc, 3), val(obr, 3)].filter(Boolean))];
  for (const accessionNumber of candidates) {
    const order = await ctx.db.order.findUnique({ where: { sandboxId_accessionNumber: { sandboxId: ctx.sandboxId, accessionNumber } }, select: { accessionNumber: true } });
    if (order) return order.accessionNumber;
  }
  const placer = ctx.result.placerOrderNumber;
  if (!placer && !candidates.length) throw new Hl7Rejection('AE', HL7_ERROR.requiredFieldMissing, 'ORC-2 (Placer Order Number) and ORC-3 (Filler Order Number) are both empty: which order?', { segment: 'ORC', field: 2 });
  const placed = placer
    ? await ctx.db.hl7Message.findFirst({
        where: { sandboxId: ctx.sandboxId, direction: 'in', status: 'AA', placerOrderNumber: placer, accessionNumber: { not: '' } },
        orderBy: { receivedAt: 'desc' },
        select: { accessionNumber: true },
      })
    : null;
  if (!placed) {
    const tried = [...candidates.map((c) => `Accession Number ${c}`), ...(placer ? [`Placer Order Number ${placer}`] : [])].join(' or ');
    throw new Hl7Rejection('AE', HL7_ERROR.unknownKeyIdentifier, `no order with ${tried}`, { segment: 'ORC', field: placer ? 2 : 3 });
  }
  return placed.accessionNumber;
}

async function handleOrder(ctx: Context) {
  const { msg } = ctx;
  const type = ctx.result.messageType;
  const pid = msg.getSegment('PID');
  const orcCount = msg.segments.filter((s) => s.segmentType === 'ORC').length;
  const orc = msg.getSegment('ORC');
  if (!orc) throw new Hl7Rejection('AE', HL7_ERROR.segmentSequence, `an ${type} needs an ORC segment`, { segment: 'ORC' });
  if (orcCount > 1) throw new Hl7Rejection('AE', HL7_ERROR.applicationInternalError, `one order per message: this ${type} carries ${orcCount} ORC segments; send them as separate messages`, { segment: 'ORC', sequence: 2 });
  const obr = msg.getSegment('OBR');
  // OMI (IHE RAD-4): the Imaging Procedure Control segment carries what the order filler assigned
  const ipcCount = msg.segments.filter((s) => s.segmentType === 'IPC').length;
  if (ipcCount > 1) throw new Hl7Rejection('AE', HL7_ERROR.applicationInternalError, `one scheduled procedure step per order: this message carries ${ipcCount} IPC segments`, { segment: 'IPC', sequence: 2 });
  const ipc = msg.getSegment('IPC');
  const control = val(orc, 1).toUpperCase();
  ctx.result.placerOrderNumber = val(orc, 2) || val(obr, 2);

  if (control === 'NW') {
    if (!pid) throw new Hl7Rejection('AE', HL7_ERROR.segmentSequence, 'a new order (ORC-1 NW) needs a PID segment', { segment: 'PID' });
    if (!obr) throw new Hl7Rejection('AE', HL7_ERROR.segmentSequence, 'a new order (ORC-1 NW) needs an OBR segment', { segment: 'OBR' });
    const patientId = required(mrn(pid), 'Patient Identifier List: the MRN', 'PID', 3);
    const d = demographics(pid);
    required(d.patientName ?? '', 'Patient Name', 'PID', 5);
    const procedure = required(val(obr, 4, 2) || val(obr, 4, 1), 'Universal Service Identifier: the requested procedure', 'OBR', 4);
    const ipcModality = val(ipc, 5, 1).toUpperCase();
    const modality = ipcModality ? (ipcModality === 'XR' ? 'DX' : ipcModality) : modalityOf(obr);
    const { date, time } = scheduledStart(msg, orc, obr);
    const accession = val(ipc, 1) || val(obr, 3) || val(orc, 3) || val(obr, 18) || undefined;
    const studyInstanceUid = val(ipc, 3) || val(msg.getSegment('ZDS'), 1) || undefined;
    const input: OrderInput = {
      patientId,
      patientName: d.patientName ?? '',
      patientBirthDate: d.patientBirthDate ?? '',
      patientSex: (d.patientSex ?? '') as OrderInput['patientSex'],
      accessionNumber: accession,
      requestedProcedureDescription: procedure,
      modality: modality,
      scheduledStationAeTitle: val(ipc, 9) || (await stationFor(ctx.db, ctx.sandboxId, modality)),
      studyInstanceUid,
      scheduledStartDate: date,
      scheduledStartTime: time,
      referringPhysicianName: personName(obr, 16, 2) || personName(orc, 12, 2),
      reason: (val(obr, 31, 2) || val(obr, 31, 1)).slice(0, 64),
      priority: priority(msg, orc, obr),
    };
    const order = await createOrder(ctx.db, ctx.sandboxId, input, ctx.actor).catch(orderErrorToRejection);
    ctx.result.accessionNumber = order.accessionNumber;
    return `order placed: Accession Number ${order.accessionNumber}`;
  }
  if (control === 'CA') {
    const accession = await findAccession(ctx, orc, obr, ipc);
    await cancelOrder(ctx.db, ctx.sandboxId, accession, ctx.actor).catch(orderErrorToRejection);
    ctx.result.accessionNumber = accession;
    return `order ${accession} cancelled`;
  }
  if (control === 'XO') {
    const accession = await findAccession(ctx, orc, obr, ipc);
    const { date, time } = scheduledStart(msg, orc, obr);
    const station = val(ipc, 9) || (obr && val(obr, 24) ? await stationFor(ctx.db, ctx.sandboxId, modalityOf(obr)) : undefined);
    await rescheduleOrder(ctx.db, ctx.sandboxId, accession, { scheduledStartDate: date, scheduledStartTime: time, scheduledStationAeTitle: station }, ctx.actor).catch(orderErrorToRejection);
    ctx.result.accessionNumber = accession;
    return `order ${accession} rescheduled to ${date} ${time}`;
  }
  throw new Hl7Rejection('AE', HL7_ERROR.tableValueNotFound, `ORC-1 (Order Control) "${control}" is not supported: NW (new), CA (cancel) and XO (change) are`, { segment: 'ORC', field: 1 });
}

async function handleA08(ctx: Context) {
  const pid = ctx.msg.getSegment('PID');
  if (!pid) throw new Hl7Rejection('AE', HL7_ERROR.segmentSequence, 'an ADT^A08 needs a PID segment', { segment: 'PID' });
  const patientId = required(mrn(pid), 'Patient Identifier List: the MRN', 'PID', 3);
  const d = demographics(pid);
  required(d.patientName ?? '', 'Patient Name', 'PID', 5);
  const changed = await updatePatientDemographics(ctx.db, ctx.sandboxId, patientId, d, ctx.actor).catch(orderErrorToRejection);
  return changed.length ? `patient ${patientId} updated on ${changed.length} open order(s)` : `patient ${patientId} has no open orders: nothing to update`;
}

async function handleA40(ctx: Context) {
  const pid = ctx.msg.getSegment('PID');
  const mrg = ctx.msg.getSegment('MRG');
  if (!pid) throw new Hl7Rejection('AE', HL7_ERROR.segmentSequence, 'an ADT^A40 needs a PID segment', { segment: 'PID' });
  if (!mrg) throw new Hl7Rejection('AE', HL7_ERROR.segmentSequence, 'an ADT^A40 needs an MRG segment naming the prior patient', { segment: 'MRG' });
  const patientId = required(mrn(pid), 'Patient Identifier List: the surviving MRN', 'PID', 3);
  const prior = required(val(mrg, 1), 'Prior Patient Identifier List: the MRN merged away', 'MRG', 1);
  const d = demographics(pid);
  const moved = await mergePatient(ctx.db, ctx.sandboxId, prior, patientId, d, ctx.actor).catch(orderErrorToRejection);
  return moved.length ? `patient ${prior} merged into ${patientId}: ${moved.length} order(s) moved` : `no orders for prior patient ${prior}: nothing to merge`;
}

const HANDLERS: Record<string, (ctx: Context) => Promise<string>> = { 'ORM^O01': handleOrder, 'OMI^O23': handleOrder, 'ADT^A08': handleA08, 'ADT^A40': handleA40 };

// ---------------------------------------------------------------------------------------------------------
// The entry point
// ---------------------------------------------------------------------------------------------------------

/** Checks the header and routes the message to its sandbox; throws the AR when it cannot be processed at all. */
async function checkHeader(db: Db, msg: HL7Message, result: IntakeResult) {
  const msh = msg.header;
  const type = val(msh, 9, 1).toUpperCase();
  const trigger = val(msh, 9, 2).toUpperCase();
  result.messageType = type ? `${type}^${trigger}` : '';
  result.controlId = val(msh, 10);
  if (!result.controlId) throw new Hl7Rejection('AR', HL7_ERROR.requiredFieldMissing, 'MSH-10 (Message Control ID) is empty', { segment: 'MSH', field: 10 });
  if (!type) throw new Hl7Rejection('AR', HL7_ERROR.requiredFieldMissing, 'MSH-9 (Message Type) is empty', { segment: 'MSH', field: 9 });
  const version = val(msh, 12);
  if (!SUPPORTED_VERSION.test(version)) throw new Hl7Rejection('AR', HL7_ERROR.unsupportedVersionId, `MSH-12 (Version ID) "${version}" is not supported: HL7 2.3 to 2.8 are`, { segment: 'MSH', field: 12 });
  const processing = val(msh, 11).toUpperCase();
  if (!PROCESSING_IDS.has(processing)) throw new Hl7Rejection('AR', HL7_ERROR.unsupportedProcessingId, `MSH-11 (Processing ID) "${processing}" is not P (production), T (training) or D (debugging)`, { segment: 'MSH', field: 11 });
  if (!Object.hasOwn(SUPPORTED, type)) throw new Hl7Rejection('AR', HL7_ERROR.unsupportedMessageType, `message type ${type} is not supported: ORM^O01, OMI^O23, ADT^A08 and ADT^A40 are`, { segment: 'MSH', field: 9, component: 1 });
  if (!SUPPORTED[type].includes(trigger)) throw new Hl7Rejection('AR', HL7_ERROR.unsupportedEventCode, `trigger event ${type}^${trigger || '(empty)'} is not supported: ${SUPPORTED[type].map((t) => `${type}^${t}`).join(', ')} ${SUPPORTED[type].length > 1 ? 'are' : 'is'}`, { segment: 'MSH', field: 9, component: 2 });
  const receiver = val(msh, 5);
  if (!receiver) throw new Hl7Rejection('AR', HL7_ERROR.requiredFieldMissing, "MSH-5 (Receiving Application) is empty: name the sandbox's worklist broker AE title (RIS in the demo)", { segment: 'MSH', field: 5 });
  const node = await db.dicomNode.findFirst({
    where: { aeTitle: receiver, local: true, role: 'worklist' },
    select: { sandboxId: true, sandbox: { select: { hl7InboundStoppedAt: true, hl7InboundStoppedReason: true } } },
  });
  if (!node) throw new Hl7Rejection('AR', HL7_ERROR.tableValueNotFound, `MSH-5 (Receiving Application) "${receiver}" is not a worklist broker here: use the sandbox's RIS AE title`, { segment: 'MSH', field: 5 });
  result.sandboxId = node.sandboxId;
  const stoppedAt = node.sandbox?.hl7InboundStoppedAt;
  if (stoppedAt) result.interfaceStopped = { since: stoppedAt, reason: node.sandbox?.hl7InboundStoppedReason ?? '' };
  return HANDLERS[`${type}^${trigger}`];
}

/** Handles one inbound message (the payload of one MLLP frame) and returns its acknowledgement. Never throws. */
export async function handleHl7Message(db: Db, payload: Buffer): Promise<IntakeResult> {
  const result: IntakeResult = { status: 'AA', ack: '', error: '', sandboxId: null, messageType: '', controlId: '', placerOrderNumber: '', accessionNumber: '' };
  const msg = new HL7Message();
  let parsed = false;
  try {
    try {
      msg.parse(payload);
      parsed = true;
    } catch (e) {
      throw new Hl7Rejection('AR', HL7_ERROR.segmentSequence, `the message cannot be read: ${(e as Error).message}`, { segment: 'MSH' });
    }
    if (!msg.header || msg.segments[0]?.segmentType !== 'MSH') throw new Hl7Rejection('AR', HL7_ERROR.segmentSequence, 'the message does not start with an MSH segment', { segment: 'MSH' });
    const handler = await checkHeader(db, msg, result);
    // the sandbox's inbound interface is stopped: nothing is applied, and no ACK goes back (not even to a repeat)
    if (result.interfaceStopped) return result;
    // A sender that lost our ACK sends the same message again (original mode, HL7 2.9.2): answer it with the
    // same ACK and do not place the order twice.
    const earlier = await db.hl7Message.findFirst({
      where: { sandboxId: result.sandboxId, direction: 'in', status: 'AA', controlId: logText(result.controlId, 199), raw: logText(payload) },
      orderBy: { receivedAt: 'desc' },
    });
    if (earlier) {
      return { ...result, ack: earlier.ack, placerOrderNumber: earlier.placerOrderNumber, accessionNumber: earlier.accessionNumber, error: 'a repeat of a message already applied: answered with the same ACK, not applied again' };
    }
    const actor: Actor = { actorId: null, reason: `HL7 ${result.messageType} ${result.controlId} from ${val(msg.header, 3) || 'unnamed sender'}` };
    const text = await handler({ db, sandboxId: result.sandboxId!, msg, actor, result });
    result.ack = buildAck(msg, 'AA', { text });
  } catch (e) {
    const rejection =
      e instanceof Hl7Rejection ? e : new Hl7Rejection('AE', HL7_ERROR.applicationInternalError, `the RIS could not apply the message: ${(e as Error)?.message ?? String(e)}`);
    if (!(e instanceof Hl7Rejection)) console.error('hl7: handler failed', e);
    result.status = rejection.ackCode;
    result.error = rejection.message;
    // a header that could not be read gives no MSH to answer: a bare ACK with an empty MSA-2
    result.ack = buildAck(parsed && msg.header ? msg : undefined, rejection.ackCode, { rejection, controlId: parsed ? undefined : '' });
  }
  return result;
}
