// The hospital information system's side of the order interface, simulated: the HIS (order placer) builds an
// ORM^O01 NW for a new order (HL7 v2.5.1, built with the hl7v2 library), keeps it in its outbound queue
// (Hl7Outbound) and sends it over real MLLP to the RIS's HL7 listener (hl7Listener.ts; HL7_HOST:HL7_PORT, the
// address sim/hl7d.ts binds). Original-mode acknowledgement (HL7 2.9.2): AA → sent; AE / AR → failed with the
// RIS's reason (ERR-8, else MSA-3); a refused connection, a connection closed without an ACK, a timeout → failed,
// in words. A failed message stays in the queue to be resent with the same MSH-10, so a RIS that already applied
// it (its ACK was lost) answers the repeat without placing the order twice (hl7Intake.ts).
//
// The HIS sends with the same MLLP client as the RIS's ORU sender (oru.ts sendHl7) and words the outcome as the
// HIS's own (outcomeOf).
import { randomInt } from 'node:crypto';
import { HL7Message, toHL7DateTime } from 'hl7v2';
import { z } from 'zod';
import type { Db } from '../../../prisma/db';
import { hl7PortFromEnv } from './hl7Listener';
import { sendHl7, type SendResult } from './oru';

export class HisOutboundError extends Error {
  constructor(
    readonly kind: 'invalid' | 'not-found' | 'conflict',
    message: string,
  ) {
    super(message);
  }
}

export interface HisEndpoint {
  host: string;
  port: number;
}

/** Where the HIS sends: the RIS's HL7 listener (HL7_HOST / HL7_PORT, as sim/hl7d.ts binds it). */
export function hisEndpoint(env: NodeJS.ProcessEnv = process.env): HisEndpoint {
  return hl7PortFromEnv(env);
}

const da = z.string().regex(/^\d{8}$/, 'a date as YYYYMMDD');
/** DICOM PN as the RIS stores it: FAMILY^GIVEN^MIDDLE^PREFIX^SUFFIX, no HL7 delimiters other than ^ */
const pn = z.string().trim().min(1, "the patient's name is required").max(64).regex(/^[^|~\\&\r\n]+$/, 'a person name without HL7 delimiters (| ~ \\ &)');
const text = (max: number) => z.string().trim().max(max).regex(/^[^|^~\\&\r\n]*$/, 'no HL7 delimiters (| ^ ~ \\ &)');

export const HisOrderInput = z.object({
  /** MSH-5: the sandbox's worklist broker (RIS) AE title */
  receivingApplication: text(16).min(1),
  patientId: text(20).min(1, 'the MRN is required'),
  patientName: pn,
  patientBirthDate: da.or(z.literal('')).default(''),
  patientSex: z.enum(['M', 'F', 'O', '']).default(''),
  /** OBR-3 / IPC-1: the order's Accession Number, given by the placer here (the RIS keeps it) */
  accessionNumber: text(16).min(1),
  placerOrderNumber: text(22).min(1),
  requestedProcedureDescription: text(64).min(1, 'the requested procedure is required'),
  /** OBR-24 / IPC-5 */
  modality: z.string().regex(/^[A-Z]{2,4}$/, 'a modality code such as CT, MR, DX or US'),
  /** IPC-9: the scheduled station AE title */
  scheduledStationAeTitle: text(16).min(1),
  /** TQ1-7: YYYYMMDDHHMM[SS] */
  scheduledStart: z.string().regex(/^\d{12}(\d{2})?$/, 'a start as YYYYMMDDHHMM[SS]'),
  referringPhysicianName: pn.or(z.literal('')).default(''),
  reason: text(64).default(''),
});
export type HisOrderInput = z.input<typeof HisOrderInput>;

const RAND = '0123456789ABCDEFGHJKMNPQRSTUVWXYZ';
const rand = (n: number) => Array.from({ length: n }, () => RAND[randomInt(RAND.length)]).join('');

/** An accession number as the HIS gives one: H + date + - + 5 characters (SH, 15 characters). */
export function hisAccessionNumber(date: string): string {
  return `H${date}-${rand(5)}`;
}

/** MSH-10: unique, 20 characters at most (ST 20 before 2.5, 199 from 2.5). */
function controlId(at: Date): string {
  return `HIS${at.getTime().toString(36).toUpperCase()}${rand(5)}`.slice(0, 20);
}

/**
 * ORM^O01 NW as the RIS's intake reads it (README.md "Order fields"): PID-3 MRN, PID-5 name, PID-7/8, ORC-2 placer,
 * OBR-3 accession, OBR-4 procedure, OBR-24 modality, TQ1-7 start, and an IPC segment with IPC-1 accession, IPC-5
 * modality and IPC-9 the scheduled station (IHE RAD-4 carries the station there; ORM itself has no field for it).
 */
export function buildHisOrder(input: HisOrderInput, opts: { controlId: string; sentAt: Date }): string {
  const o = HisOrderInput.parse(input);
  const msg = new HL7Message('2.5.1');
  const msh = msg.header;
  msh.field(3).setValue('HIS');
  msh.field(4).setValue('HOSPITAL');
  msh.field(5).setValue(o.receivingApplication);
  msh.field(6).setValue('PACSLAB');
  msh.field(7).setValue(toHL7DateTime(opts.sentAt));
  msh.field(9).setValue('ORM', 1);
  msh.field(9).setValue('O01', 2);
  msh.field(9).setValue('ORM_O01', 3);
  msh.field(10).setValue(opts.controlId);
  msh.field(11).setValue('P');
  msh.field(12).setValue('2.5.1');

  const pid = msg.addSegment('PID');
  pid.field(1).setValue('1');
  pid.field(3).setValue(o.patientId, 1);
  pid.field(3).setValue('HOSPITAL', 4);
  pid.field(3).setValue('MR', 5);
  // DICOM PN family^given^middle^prefix^suffix → XPN family^given^middle^suffix^prefix
  const [family, given, middle, prefix, suffix] = o.patientName.split('^');
  [family, given, middle, suffix, prefix].forEach((part, i) => part && pid.field(5).setValue(part, i + 1));
  if (o.patientBirthDate) pid.field(7).setValue(o.patientBirthDate);
  if (o.patientSex) pid.field(8).setValue(o.patientSex);

  const pv1 = msg.addSegment('PV1');
  pv1.field(1).setValue('1');
  pv1.field(2).setValue('O');

  const orc = msg.addSegment('ORC');
  orc.field(1).setValue('NW');
  orc.field(2).setValue(o.placerOrderNumber);
  orc.field(5).setValue('SC');

  const tq1 = msg.addSegment('TQ1');
  tq1.field(1).setValue('1');
  tq1.field(7).setValue(o.scheduledStart);
  tq1.field(9).setValue('R');

  const obr = msg.addSegment('OBR');
  obr.field(1).setValue('1');
  obr.field(2).setValue(o.placerOrderNumber);
  obr.field(3).setValue(o.accessionNumber);
  obr.field(4).setValue(o.requestedProcedureDescription.replace(/\s+/g, '').slice(0, 20), 1);
  obr.field(4).setValue(o.requestedProcedureDescription, 2);
  if (o.referringPhysicianName) o.referringPhysicianName.split('^').slice(0, 2).forEach((part, i) => part && obr.field(16).setValue(part, i + 2));
  obr.field(24).setValue(o.modality);
  if (o.reason) obr.field(31).setValue(o.reason, 2);

  const ipc = msg.addSegment('IPC');
  ipc.field(1).setValue(o.accessionNumber);
  ipc.field(2).setValue(o.accessionNumber);
  ipc.field(4).setValue(o.accessionNumber);
  ipc.field(5).setValue(o.modality, 1);
  ipc.field(5).setValue(o.modality, 2);
  ipc.field(5).setValue('DCM', 3);
  ipc.field(9).setValue(o.scheduledStationAeTitle);
  return msg.toHL7String();
}

/** Puts a new order into the HIS's outbound queue (status queued); send it with sendOutbound. */
export async function queueHisOrder(db: Db, sandboxId: string, input: Omit<HisOrderInput, 'placerOrderNumber'> & { placerOrderNumber?: string }) {
  const at = new Date();
  const id = controlId(at);
  const placerOrderNumber = input.placerOrderNumber ?? `P${id.slice(3)}`.slice(0, 22);
  let raw: string;
  try {
    raw = buildHisOrder({ ...input, placerOrderNumber }, { controlId: id, sentAt: at });
  } catch (e) {
    if (e instanceof z.ZodError) throw new HisOutboundError('invalid', `the order cannot be sent: ${e.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    throw e;
  }
  return db.hl7Outbound.create({
    data: { sandboxId, messageType: 'ORM^O01', controlId: id, accessionNumber: input.accessionNumber, patientName: input.patientName, raw, status: 'queued' },
  });
}

// ---------------------------------------------------------------------------------------------------------
// Sending over MLLP
// ---------------------------------------------------------------------------------------------------------

export interface DeliveryOutcome {
  status: 'sent' | 'failed';
  /** MSA-1 of the ACK ('' when none came) */
  ackCode: string;
  /** in words, empty when sent */
  error: string;
}

/** The HIS's reading of sendHl7's result: AA → sent; anything else → failed, in the HIS's words. */
function outcomeOf(r: SendResult, endpoint: HisEndpoint, controlIdSent: string): DeliveryOutcome {
  const where = `${endpoint.host}:${endpoint.port}`;
  if (r.status === 'AA') return { status: 'sent', ackCode: 'AA', error: '' };
  if (r.status !== 'failed') {
    const meaning = r.status === 'AE' ? 'application error: it understood the order but did not place it' : 'application reject: it could not process the message';
    return { status: 'failed', ackCode: r.status, error: `The RIS answered ${r.status} (${meaning})${r.reason ? `: ${r.reason}` : ''}.` };
  }
  const f = r.failure;
  const failed = (error: string, ackCode = ''): DeliveryOutcome => ({ status: 'failed', ackCode, error });
  switch (f.kind) {
    case 'socket':
      return failed(
        f.code === 'ECONNREFUSED' ? `Nothing is listening for HL7 at ${where} (connection refused): the RIS's HL7 listener is not running.`
        : f.code === 'ENOTFOUND' ? `The RIS host "${endpoint.host}" is unknown.`
        : f.code === 'ECONNRESET' ? `The RIS at ${where} reset the connection without acknowledging the message.`
        : `The connection to the RIS at ${where} failed: ${f.message}.`,
      );
    case 'closed':
      return failed(`The RIS at ${where} closed the connection without acknowledging the message: its inbound HL7 interface is most likely stopped.`);
    case 'timeout':
      return failed(`The RIS at ${where} took the connection but did not acknowledge the message within ${Math.round(f.timeoutMs / 1000)} s.`);
    case 'not-mllp':
      return failed(`The answer from the RIS at ${where} is not MLLP: ${f.message}.`);
    case 'unreadable':
      return failed(`The RIS at ${where} answered with something that is not an HL7 acknowledgement (${f.message}).`);
    case 'no-code':
      return failed(`The RIS at ${where} answered without an acknowledgement code (MSA-1).`, f.code);
    case 'other-message':
      return failed(`The RIS at ${where} acknowledged message "${f.answers}", not this one ("${controlIdSent}").`, f.code);
  }
}

export interface SendOptions {
  /** default: hisEndpoint() */
  endpoint?: HisEndpoint;
  timeoutMs?: number;
}

export type Hl7OutboundRow = Awaited<ReturnType<Db['hl7Outbound']['findUniqueOrThrow']>>;

/** Sends one queued or failed message and records the outcome (attempts, last error, ACK code). */
export async function sendOutbound(db: Db, id: string, opts: SendOptions = {}): Promise<Hl7OutboundRow> {
  const row = await db.hl7Outbound.findUnique({ where: { id } });
  if (!row) throw new HisOutboundError('not-found', 'there is no such message in the HIS outbound queue');
  if (row.status === 'sent') throw new HisOutboundError('conflict', `message ${row.controlId} was already delivered (the RIS answered AA): there is nothing to resend`);
  let endpoint: HisEndpoint;
  try {
    endpoint = opts.endpoint ?? hisEndpoint();
  } catch (e) {
    return recordOutcome(db, row.id, { status: 'failed', ackCode: '', error: `The HIS does not know where the RIS listens: ${(e as Error).message}.` });
  }
  const result = await sendHl7(endpoint, row.raw, { controlId: row.controlId, timeoutMs: opts.timeoutMs });
  return recordOutcome(db, row.id, outcomeOf(result, endpoint, row.controlId));
}

async function recordOutcome(db: Db, id: string, o: DeliveryOutcome) {
  return db.hl7Outbound.update({
    where: { id },
    data: { status: o.status, ackCode: o.ackCode, lastError: o.error, attempts: { increment: 1 }, lastAttemptAt: new Date() },
  });
}

/**
 * Resends one message (by id, in that sandbox) or every failed message of the sandbox, oldest first, one at a time
 * (MLLP senders keep the order of their queue). Returns the rows as they are afterwards.
 */
export async function resendOutbound(db: Db, sandboxId: string, target: { id: string } | 'all-failed', opts: SendOptions = {}): Promise<Hl7OutboundRow[]> {
  if (target === 'all-failed') {
    const failed = await db.hl7Outbound.findMany({ where: { sandboxId, status: { in: ['failed', 'queued'] } }, orderBy: { createdAt: 'asc' }, select: { id: true } });
    const out: Hl7OutboundRow[] = [];
    for (const f of failed) out.push(await sendOutbound(db, f.id, opts));
    return out;
  }
  const row = await db.hl7Outbound.findFirst({ where: { id: target.id, sandboxId }, select: { id: true } });
  if (!row) throw new HisOutboundError('not-found', 'there is no such message in this sandbox’s HIS outbound queue (it may have been cleared by a reset)');
  return [await sendOutbound(db, row.id, opts)];
}

/** The HIS outbound queue of a sandbox, newest first (without the raw text). */
export async function hisOutboundQueue(db: Db, sandboxId: string, limit = 50) {
  return db.hl7Outbound.findMany({
    where: { sandboxId },
    orderBy: { createdAt: 'desc' },
    take: Math.min(Math.max(limit, 1), 500),
    select: { id: true, createdAt: true, messageType: true, controlId: true, accessionNumber: true, patientName: true, status: true, attempts: true, lastError: true, ackCode: true, lastAttemptAt: true },
  });
}
