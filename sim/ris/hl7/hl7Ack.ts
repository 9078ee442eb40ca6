// The acknowledgement of an inbound message (HL7 v2 original acknowledgement mode, 2.9.2): ACK with MSA-1
// AA (accepted), AE (application error: understood but not applied) or AR (application reject: not
// understood, or an unsupported message type, trigger, version or processing ID), MSA-2 = the message's
// MSH-10, and an ERR segment saying why: ERR-1 (ELD) before 2.5, ERR-2/3/4/8 from 2.5 on.
// Built with the hl7v2 library; hl7v2's own createAck/createNak are not used because they address the ACK
// back to the wrong application (MSH-5 from the ACK's own MSH-4).
import { HL7Message } from 'hl7v2';

export type AckCode = 'AA' | 'AE' | 'AR';

/** HL7 table 0357, Message error condition codes */
export const HL7_ERROR = {
  segmentSequence: { code: 100, text: 'Segment sequence error' },
  requiredFieldMissing: { code: 101, text: 'Required field missing' },
  dataTypeError: { code: 102, text: 'Data type error' },
  tableValueNotFound: { code: 103, text: 'Table value not found' },
  unsupportedMessageType: { code: 200, text: 'Unsupported message type' },
  unsupportedEventCode: { code: 201, text: 'Unsupported event code' },
  unsupportedProcessingId: { code: 202, text: 'Unsupported processing id' },
  unsupportedVersionId: { code: 203, text: 'Unsupported version id' },
  unknownKeyIdentifier: { code: 204, text: 'Unknown key identifier' },
  duplicateKeyIdentifier: { code: 205, text: 'Duplicate key identifier' },
  applicationRecordLocked: { code: 206, text: 'Application record locked' },
  applicationInternalError: { code: 207, text: 'Application internal error' },
} as const;
export type Hl7ErrorCondition = (typeof HL7_ERROR)[keyof typeof HL7_ERROR];

export interface ErrorLocation {
  segment: string;
  /** 1-based occurrence of the segment in the message */
  sequence?: number;
  field?: number;
  component?: number;
}

/** Why a message was not applied: thrown by the intake, turned into the NAK by buildAck. */
export class Hl7Rejection extends Error {
  constructor(
    readonly ackCode: 'AE' | 'AR',
    readonly condition: Hl7ErrorCondition,
    message: string,
    readonly location?: ErrorLocation,
  ) {
    super(message);
  }
}

const SUPPORTED_ACK_VERSIONS = /^2\.[3-8](\.\d)?$/;

function versionAtLeast25(v: string) {
  const [maj, min] = v.split('.').map(Number);
  return maj > 2 || (maj === 2 && min >= 5);
}

function headerValue(req: HL7Message | undefined, field: number, comp = 1): string | undefined {
  if (!req?.header) return undefined;
  const f = req.header.field(field);
  if (!f.repetitions.length) return undefined;
  const v = f.getValue(comp);
  return v == null ? undefined : String(v);
}

/**
 * The ACK for `req` (undefined when not even the header could be read). Its MSH answers the sender: MSH-3/4
 * are the request's MSH-5/6, MSH-5/6 its MSH-3/4.
 */
export function buildAck(req: HL7Message | undefined, code: AckCode, opts: { text?: string; rejection?: Hl7Rejection; controlId?: string } = {}): string {
  const reqVersion = headerValue(req, 12);
  const version = reqVersion && SUPPORTED_ACK_VERSIONS.test(reqVersion) ? reqVersion : '2.5';
  const ack = new HL7Message(version as ConstructorParameters<typeof HL7Message>[0]);
  const msh = ack.header;
  msh.field(3).setValue(headerValue(req, 5) ?? 'PACSLAB');
  msh.field(4).setValue(headerValue(req, 6));
  msh.field(5).setValue(headerValue(req, 3));
  msh.field(6).setValue(headerValue(req, 4));
  msh.field(9).setValue('ACK', 1);
  const trigger = headerValue(req, 9, 2);
  if (trigger) msh.field(9).setValue(trigger, 2);
  if (versionAtLeast25(version)) msh.field(9).setValue('ACK', 3);
  msh.field(11).setValue(headerValue(req, 11) ?? 'P');
  // MSH-18: the frame is always UTF-8; name it as the sender did, or leave it to the default
  msh.field(18).setValue(headerValue(req, 18));

  const msa = ack.addSegment('MSA');
  msa.field(1).setValue(code);
  msa.field(2).setValue(opts.controlId ?? headerValue(req, 10) ?? '');
  const text = opts.rejection?.message ?? opts.text;
  // MSA-3 is deprecated from 2.5 on (ERR-8 carries the words), but many receivers still show it
  if (text) msa.field(3).setValue(text.slice(0, 80));

  const r = opts.rejection;
  if (r) {
    const err = ack.addSegment('ERR');
    const loc = r.location;
    if (versionAtLeast25(version)) {
      if (loc) {
        const f = err.field(2);
        f.setValue(loc.segment, 1);
        f.setValue(loc.sequence ?? 1, 2);
        if (loc.field) f.setValue(loc.field, 3);
        if (loc.field) f.setValue(1, 4);
        if (loc.component) f.setValue(loc.component, 5);
      }
      const f3 = err.field(3);
      f3.setValue(String(r.condition.code), 1);
      f3.setValue(r.condition.text, 2);
      f3.setValue('HL70357', 3);
      err.field(4).setValue('E');
      // ERR-8 User Message
      err.field(8).setValue(r.message);
    } else {
      // ERR-1 Error Code and Location (ELD): segment^sequence^field^code&text&HL70357
      const f = err.field(1);
      if (loc) {
        f.setValue(loc.segment, 1);
        f.setValue(loc.sequence ?? 1, 2);
        if (loc.field) f.setValue(loc.field, 3);
      }
      // the code alone: hl7v2's 2.3 dictionary types ELD.4 as a primitive, so its CE sub-components would be
      // dropped; MSA-3 carries the words
      f.setValue(String(r.condition.code), 4);
    }
  }
  return ack.toHL7String();
}
