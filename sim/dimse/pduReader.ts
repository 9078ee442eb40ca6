// Splits the TCP byte stream of an association into PDUs (PS3.8 9.3) without copying, and P-DATA-TF PDUs into
// their PDVs (PS3.8 9.3.5.1). dcmjs-dimse's own reader concatenates every socket chunk onto the PDU received
// so far and then copies each PDU twice more (SmartBuffer, PDV values): for a 512 KiB CT slice that was ~2 MiB
// of short-lived buffers per image, a quarter of the server's time in garbage collection, and a resident size
// that grew with the data rate. Here a PDU that lies inside one socket chunk is a view of that chunk; one that
// spans chunks is copied once. PDU lengths are checked against what we accept before anything is buffered.

/** PS3.8 9.3.1, Table 9-1 */
export const PduType = {
  AssociateRq: 0x01,
  AssociateAc: 0x02,
  AssociateRj: 0x03,
  PDataTf: 0x04,
  ReleaseRq: 0x05,
  ReleaseRp: 0x06,
  Abort: 0x07,
} as const;

export interface Pdv {
  presentationContextId: number;
  /** message control header bit 0: command (1) or data set (0) */
  command: boolean;
  /** message control header bit 1: last fragment */
  last: boolean;
  value: Buffer;
}

export class PduError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PduError';
  }
}

export interface PduReaderLimits {
  /** largest P-DATA-TF PDU length (the maximum length we announced) */
  maxPDataLength: number;
  /** largest length of any other PDU */
  maxControlLength: number;
}

/**
 * Feed it socket chunks; it calls `onPdu(type, pdu)` with each complete PDU (6-byte header included). Throws
 * PduError on an unknown PDU type or a length over the limits: the caller aborts the association.
 */
export class PduReader {
  private parts: Buffer[] = [];
  private have = 0;
  /** total length (header + body) of the PDU being assembled, once its header is known */
  private need = 0;
  private failed = false;

  constructor(
    private readonly limits: PduReaderLimits,
    private readonly onPdu: (type: number, pdu: Buffer) => void,
  ) {}

  push(chunk: Buffer) {
    if (this.failed) return;
    let pos = 0;
    while (pos < chunk.length) {
      if (this.have === 0) {
        // fast path: whole PDUs inside this chunk are handed on as views
        if (chunk.length - pos < 6) {
          this.stash(chunk.subarray(pos));
          return;
        }
        const total = this.checkHeader(chunk, pos);
        if (chunk.length - pos >= total) {
          this.onPdu(chunk[pos], chunk.subarray(pos, pos + total));
          pos += total;
          continue;
        }
        this.need = total;
        this.stash(chunk.subarray(pos));
        return;
      }
      if (this.need === 0) {
        // fewer than 6 bytes of a header so far
        const take = Math.min(6 - this.have, chunk.length - pos);
        this.stash(chunk.subarray(pos, pos + take));
        pos += take;
        if (this.have < 6) return;
        const head = Buffer.concat(this.parts, 6);
        this.need = this.checkHeader(head, 0);
        if (this.have >= this.need) this.emitAssembled();
        continue;
      }
      const take = Math.min(this.need - this.have, chunk.length - pos);
      this.stash(chunk.subarray(pos, pos + take));
      pos += take;
      if (this.have === this.need) this.emitAssembled();
    }
  }

  private stash(b: Buffer) {
    this.parts.push(b);
    this.have += b.length;
  }

  private emitAssembled() {
    const pdu = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.have);
    this.parts = [];
    this.have = 0;
    this.need = 0;
    this.onPdu(pdu[0], pdu);
  }

  /** the PDU's total length (header included) */
  private checkHeader(b: Buffer, pos: number): number {
    const type = b[pos];
    const length = b.readUInt32BE(pos + 2);
    if (type < PduType.AssociateRq || type > PduType.Abort) {
      this.failed = true;
      throw new PduError(`unknown PDU type 0x${type.toString(16).padStart(2, '0')}`);
    }
    const limit = type === PduType.PDataTf ? this.limits.maxPDataLength : this.limits.maxControlLength;
    if (length > limit) {
      this.failed = true;
      throw new PduError(`PDU type 0x${type.toString(16).padStart(2, '0')} of ${length} bytes exceeds the ${limit} we accept`);
    }
    return length + 6;
  }
}

/** The PDVs of one P-DATA-TF PDU (header included), as views of it. */
export function readPdvs(pdu: Buffer): Pdv[] {
  const pdvs: Pdv[] = [];
  const end = pdu.length;
  let pos = 6;
  while (pos < end) {
    if (end - pos < 6) throw new PduError('P-DATA-TF ends inside a PDV item header');
    const length = pdu.readUInt32BE(pos);
    if (length < 2 || pos + 4 + length > end) throw new PduError(`PDV item length ${length} does not fit the P-DATA-TF PDU`);
    const header = pdu[pos + 5];
    pdvs.push({
      presentationContextId: pdu[pos + 4],
      command: (header & 0x01) !== 0,
      last: (header & 0x02) !== 0,
      value: pdu.subarray(pos + 6, pos + 4 + length),
    });
    pos += 4 + length;
  }
  if (!pdvs.length) throw new PduError('P-DATA-TF without a PDV item');
  return pdvs;
}
