// The signed report out: ORU^R01 (HL7 2.5.1, as IHE RAD Results Management expects) built with the hl7v2 library
// and sent over MLLP to HL7_OUTBOUND (host:port). The sender waits for the ACK (original mode, HL7 2.9.2) with a
// timeout; every attempt goes to the Hl7Message log with direction "out": the message, the ACK or why there was
// none. Sending never throws: the report is already signed, and a failed delivery is a status to show, not a loss.
import net from 'node:net';
import { HL7Message, toHL7DateTime } from 'hl7v2';
import type { Db } from '../../../prisma/db';
import { logText } from './hl7Intake';
import { encodeMllpFrame, MllpDecoder } from './mllp';

export interface OruInput {
  /** MSH-3 Sending Application: the sandbox's RIS AE title */
  sendingApplication: string;
  receivingApplication?: string;
  receivingFacility?: string;
  controlId: string;
  sentAt: Date;
  patient: { patientId: string; patientName: string; birthDate: string; sex: string };
  /** (0008,0050) Accession Number: OBR-3 Filler Order Number */
  accessionNumber: string;
  /** (0020,000D) Study Instance UID: OBR-2 is left to the placer; IHE carries the UID in an OBX of type RP/ST */
  studyInstanceUid: string;
  procedureCode: string;
  procedureDescription: string;
  modality: string;
  /** YYYYMMDD[HHMMSS] of the study */
  observationDateTime: string;
  findings: string;
  impression: string;
  /** PN with ^: OBR-32 Principal Result Interpreter */
  interpreterName: string;
  signedAt: Date;
}

/** LOINC codes for the two narrative sections of a radiology report */
export const REPORT_SECTIONS = {
  findings: { code: '18782-3', text: 'Radiology Study observation (narrative)' },
  impression: { code: '19005-8', text: 'Radiology Imaging study [Impression] (narrative)' },
} as const;

/** Builds ORU^R01: MSH, PID, OBR (OBR-3 accession, OBR-25 F) and one OBX TX per line of findings and impression. */
export function buildOruR01(r: OruInput): string {
  const msg = new HL7Message('2.5.1');
  const msh = msg.header;
  msh.field(3).setValue(r.sendingApplication);
  msh.field(4).setValue('PACSLAB');
  msh.field(5).setValue(r.receivingApplication ?? 'EMR');
  msh.field(6).setValue(r.receivingFacility ?? 'HOSPITAL');
  msh.field(7).setValue(toHL7DateTime(r.sentAt));
  msh.field(9).setValue('ORU', 1);
  msh.field(9).setValue('R01', 2);
  msh.field(9).setValue('ORU_R01', 3);
  msh.field(10).setValue(r.controlId);
  msh.field(11).setValue('P');
  msh.field(12).setValue('2.5.1');

  const pid = msg.addSegment('PID');
  pid.field(1).setValue('1');
  pid.field(3).setValue(r.patient.patientId, 1);
  pid.field(3).setValue('MR', 5);
  r.patient.patientName.split('^').slice(0, 5).forEach((part, i) => part && pid.field(5).setValue(part, i + 1));
  if (r.patient.birthDate) pid.field(7).setValue(r.patient.birthDate);
  if (r.patient.sex) pid.field(8).setValue(r.patient.sex);

  const obr = msg.addSegment('OBR');
  obr.field(1).setValue('1');
  obr.field(3).setValue(r.accessionNumber);
  obr.field(4).setValue(r.procedureCode || r.procedureDescription, 1);
  obr.field(4).setValue(r.procedureDescription, 2);
  if (r.observationDateTime) obr.field(7).setValue(r.observationDateTime);
  obr.field(22).setValue(toHL7DateTime(r.signedAt));
  obr.field(24).setValue(r.modality);
  // OBR-25 Result Status: F, final results (HL7 table 0123)
  obr.field(25).setValue('F');
  // OBR-32 is NDL; its first component (CNN) carries ID & family & given as sub-components
  r.interpreterName.split('^').slice(0, 2).forEach((part, i) => part && obr.field(32).setValue(part, 1, i + 2));

  let seq = 0;
  const addObx = (type: string, code: { code: string; text: string; system: string }, value: string) => {
    const obx = msg.addSegment('OBX');
    obx.field(1).setValue(String(++seq));
    obx.field(2).setValue(type);
    obx.field(3).setValue(code.code, 1);
    obx.field(3).setValue(code.text, 2);
    obx.field(3).setValue(code.system, 3);
    obx.field(5).setValue(value);
    obx.field(11).setValue('F');
    obx.field(14).setValue(toHL7DateTime(r.signedAt));
  };
  addObx('ST', { code: '113014', text: 'Study Instance UID', system: 'DCM' }, r.studyInstanceUid);
  for (const [key, section] of Object.entries(REPORT_SECTIONS)) {
    const text = key === 'findings' ? r.findings : r.impression;
    for (const line of text.split(/\r\n|\r|\n/)) if (line.trim()) addObx('TX', { ...section, system: 'LN' }, line);
  }
  return msg.toHL7String();
}

export interface Hl7Endpoint {
  host: string;
  port: number;
}

/** HL7_OUTBOUND as host:port; null when unset (nothing is sent); an error in words when it cannot be read. */
export function hl7OutboundFromEnv(env: Record<string, string | undefined> = process.env): Hl7Endpoint | null | { error: string } {
  const raw = env.HL7_OUTBOUND?.trim();
  if (!raw) return null;
  const m = /^(.+):(\d{1,5})$/.exec(raw);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535) return { error: `HL7_OUTBOUND must be host:port, not "${raw}"` };
  return { host: m[1].replace(/^\[(.*)\]$/, '$1'), port };
}

/**
 * Why a send failed, for a caller that words the failure itself (the simulated HIS, hisOutbound.ts); `error` is
 * this sender's own wording of the same.
 */
export type SendFailure =
  /** the connection could not be made or broke: refused, unknown host, reset… (`code` is Node's, e.g. ECONNREFUSED) */
  | { kind: 'socket'; code: string; message: string }
  /** the receiver closed the connection without an ACK */
  | { kind: 'closed' }
  /** the receiver took the connection but sent no ACK within `timeoutMs` */
  | { kind: 'timeout'; timeoutMs: number }
  /** the answer is not MLLP-framed */
  | { kind: 'not-mllp'; message: string }
  /** the answer is framed but is not an HL7 message */
  | { kind: 'unreadable'; message: string }
  /** MSA-1 is not an acknowledgement code (`code` as it came) */
  | { kind: 'no-code'; code: string }
  /** the ACK answers another message (MSA-2 is `answers`); `code` is its MSA-1, commit codes mapped */
  | { kind: 'other-message'; code: 'AA' | 'AE' | 'AR'; answers: string };

export type SendResult =
  /** `reason`: ERR-8, else MSA-3, of an AE / AR ('' for AA) */
  | { status: 'AA' | 'AE' | 'AR'; ack: string; error: string; reason: string }
  | { status: 'failed'; ack: string; error: string; failure: SendFailure };

/** Sends one message over MLLP and waits for its ACK. Never throws. */
export function sendHl7(endpoint: Hl7Endpoint, payload: string, opts: { controlId: string; timeoutMs?: number }): Promise<SendResult> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const where = `${endpoint.host}:${endpoint.port}`;
  return new Promise((resolve) => {
    let done = false;
    const decoder = new MllpDecoder();
    const socket = net.connect({ host: endpoint.host, port: endpoint.port });
    socket.setNoDelay(true);
    const finish = (r: SendResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const failed = (failure: SendFailure, error: string, ack = '') => finish({ status: 'failed', ack, error, failure });
    const timer = setTimeout(
      () => failed({ kind: 'timeout', timeoutMs }, `no ACK from ${where} within ${timeoutMs / 1000} s: the receiver took the connection but did not answer`),
      timeoutMs,
    );
    socket.on('connect', () => socket.write(encodeMllpFrame(payload)));
    socket.on('error', (e: NodeJS.ErrnoException) => {
      const why =
        e.code === 'ECONNREFUSED' ? `connection refused by ${where}: is the receiving system listening on that port?`
        : e.code === 'ENOTFOUND' ? `the host "${endpoint.host}" of HL7_OUTBOUND is unknown`
        : `the connection to ${where} failed: ${e.message}`;
      failed({ kind: 'socket', code: e.code ?? '', message: e.message }, why);
    });
    socket.on('close', () => failed({ kind: 'closed' }, `${where} closed the connection without an ACK`));
    socket.on('data', (chunk) => {
      let frames: Buffer[];
      try {
        frames = decoder.push(chunk);
      } catch (e) {
        return failed({ kind: 'not-mllp', message: (e as Error).message }, `the answer from ${where} is not MLLP: ${(e as Error).message}`);
      }
      if (frames.length) finish(readAck(frames[0].toString('utf8'), opts.controlId, where));
    });
  });
}

function readAck(text: string, controlId: string, where: string): SendResult {
  const ack = new HL7Message();
  try {
    ack.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    return { status: 'failed', ack: text, error: `the ACK from ${where} cannot be read: ${message}`, failure: { kind: 'unreadable', message } };
  }
  const msa = ack.getSegment('MSA');
  const code = String(msa?.field(1).getValue() ?? '').trim();
  const answers = String(msa?.field(2).getValue() ?? '').trim();
  if (code !== 'AA' && code !== 'AE' && code !== 'AR' && code !== 'CA' && code !== 'CE' && code !== 'CR') {
    return { status: 'failed', ack: text, error: `the answer from ${where} has no MSA-1 acknowledgement code`, failure: { kind: 'no-code', code } };
  }
  // enhanced-mode commit codes count as their original-mode equivalents
  const status = ({ CA: 'AA', CE: 'AE', CR: 'AR' } as Record<string, 'AA' | 'AE' | 'AR'>)[code] ?? (code as 'AA' | 'AE' | 'AR');
  if (answers !== controlId) {
    return {
      status: 'failed',
      ack: text,
      error: `the ACK from ${where} answers message "${answers}", not "${controlId}"`,
      failure: { kind: 'other-message', code: status, answers },
    };
  }
  if (status === 'AA') return { status, ack: text, error: '', reason: '' };
  const err = ack.getSegment('ERR');
  const why = String(err?.field(8).getValue() ?? '').trim() || String(msa?.field(3).getValue() ?? '').trim();
  const meaning = status === 'AE' ? 'application error: understood, not applied' : 'application reject: not understood or not supported';
  return { status, ack: text, error: `${where} answered ${status} (${meaning})${why ? `: ${why}` : ''}`, reason: why };
}

export type DeliveryStatus = SendResult['status'] | 'not-sent';

/**
 * Sends the ORU to `endpoint` (null: not configured) and logs it with direction "out". Returns what the report
 * keeps as its delivery status. Never throws (a failing log write is reported in the result's words).
 */
export async function deliverOru(
  db: Db,
  sandboxId: string,
  oru: OruInput,
  endpoint: Hl7Endpoint | null | { error: string },
  opts: { timeoutMs?: number } = {},
): Promise<{ status: DeliveryStatus; error: string }> {
  let raw = '';
  let result: { status: DeliveryStatus; ack: string; error: string };
  try {
    raw = buildOruR01(oru);
    if (!endpoint) result = { status: 'not-sent', ack: '', error: 'no outbound endpoint configured (set HL7_OUTBOUND=host:port)' };
    else if ('error' in endpoint) result = { status: 'not-sent', ack: '', error: endpoint.error };
    else result = await sendHl7(endpoint, raw, { controlId: oru.controlId, timeoutMs: opts.timeoutMs });
  } catch (e) {
    result = { status: 'failed', ack: '', error: `the ORU could not be built: ${(e as Error).message}` };
  }
  try {
    await db.hl7Message.create({
      data: {
        sandboxId,
        direction: 'out',
        messageType: 'ORU^R01',
        controlId: logText(oru.controlId, 199),
        status: result.status,
        error: logText(result.error),
        accessionNumber: oru.accessionNumber,
        peerAddress: endpoint && !('error' in endpoint) ? `${endpoint.host}:${endpoint.port}` : '',
        raw: logText(raw),
        ack: logText(result.ack),
      },
    });
  } catch (e) {
    console.error('[hl7] could not log the outbound ORU', e);
  }
  return { status: result.status, error: result.error };
}
