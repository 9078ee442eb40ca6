// Splits the TCP byte stream of an association into PDUs (PS3.8 9.3) without copying, and P-DATA-TF PDUs into
// their PDVs (PS3.8 9.3.5.1). dcmjs-dimse's own reader concatenates every socket chunk onto the PDU received
// so far and then copies each PDU twice more (SmartBuffer, PDV values): for a 512 KiB CT slice that was ~2 MiB
// of short-lived buffers per image, a quarter of the server's time in garbage collection, and a resident size
// that grew with the data rate. Here a PDU is handed on as the views of the socket chunks it lies in, and a PDV
// value as views too: nothing of a data set is copied until the store joins it once. PDU lengths are checked
// against what we accept before anything is buffered.

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
  /** the value, as views of the socket chunks it arrived in */
  value: Buffer[];
  length: number;
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
 * Feed it socket chunks; it calls `onPdu(type, parts, length)` with each complete PDU (6-byte header included)
 * as the views of the chunks it lies in. Throws PduError on an unknown PDU type or a length over the limits:
 * the caller aborts the association.
 */
export class PduReader {
  private parts: Buffer[] = [];
  private have = 0;
  /** total length (header + body) of the PDU being assembled, once its header is known */
  private need = 0;
  private failed = false;

  constructor(
    private readonly limits: PduReaderLimits,
    private readonly onPdu: (type: number, parts: Buffer[], length: number) => void,
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
          this.onPdu(chunk[pos], [chunk.subarray(pos, pos + total)], total);
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
        this.parts = [head];
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
    const parts = this.parts;
    const length = this.have;
    this.parts = [];
    this.have = 0;
    this.need = 0;
    this.onPdu(parts[0][0], parts, length);
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

/** Reads a P-DATA-TF PDU given as consecutive parts, without joining them. */
class PartsCursor {
  private i = 0;
  private off = 0;
  remaining: number;
  constructor(
    private readonly parts: readonly Buffer[],
    length: number,
  ) {
    this.remaining = length;
  }
  /** the next n bytes as views (several when they cross a part boundary) */
  take(n: number): Buffer[] {
    const out: Buffer[] = [];
    this.remaining -= n;
    while (n > 0) {
      const p = this.parts[this.i];
      const k = Math.min(n, p.length - this.off);
      out.push(p.subarray(this.off, this.off + k));
      this.off += k;
      n -= k;
      if (this.off === p.length) {
        this.i++;
        this.off = 0;
      }
    }
    return out;
  }
  /** the next n (small) bytes as one buffer */
  bytes(n: number): Buffer {
    const t = this.take(n);
    return t.length === 1 ? t[0] : Buffer.concat(t, n);
  }
}

/** The PDVs of one P-DATA-TF PDU (header included, given as parts), their values as views. */
export function readPdvs(parts: readonly Buffer[], length = parts.reduce((n, p) => n + p.length, 0)): Pdv[] {
  const pdvs: Pdv[] = [];
  const c = new PartsCursor(parts, length);
  c.take(6);
  while (c.remaining > 0) {
    if (c.remaining < 6) throw new PduError('P-DATA-TF ends inside a PDV item header');
    const head = c.bytes(6);
    const itemLength = head.readUInt32BE(0);
    if (itemLength < 2 || itemLength - 2 > c.remaining) throw new PduError(`PDV item length ${itemLength} does not fit the P-DATA-TF PDU`);
    pdvs.push({
      presentationContextId: head[4],
      command: (head[5] & 0x01) !== 0,
      last: (head[5] & 0x02) !== 0,
      value: c.take(itemLength - 2),
      length: itemLength - 2,
    });
  }
  if (!pdvs.length) throw new PduError('P-DATA-TF without a PDV item');
  return pdvs;
}
