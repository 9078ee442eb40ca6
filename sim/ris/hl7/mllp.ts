// MLLP (Minimal Lower Layer Protocol, HL7 v2 Appendix C / MLLP release 1): a message travels as
// <VT=0x0B> payload <FS=0x1C><CR=0x0D>. This is transport only; the payload is parsed by the hl7v2 library.
// The decoder is streaming: a frame may arrive split over many chunks, several frames may share one chunk,
// bytes outside a frame (line noise, a stray newline) are skipped, and a frame over the cap is an error
// the listener answers by closing the connection.

export const VT = 0x0b;
export const FS = 0x1c;
export const CR = 0x0d;

/** 1 MiB: far above any real order or ADT message, small enough that a runaway sender cannot exhaust memory. */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

export class MllpFrameTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`MLLP frame larger than ${limit} bytes without an end block (0x1C 0x0D)`);
  }
}

/** Wraps one HL7 message for the wire. */
export function encodeMllpFrame(payload: string | Buffer): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  return Buffer.concat([Buffer.from([VT]), body, Buffer.from([FS, CR])]);
}

export class MllpDecoder {
  private parts: Buffer[] = [];
  private size = 0;
  private inFrame = false;
  /** the last byte of the previous chunk was FS inside a frame: a CR at the start of the next one ends it */
  private pendingFs = false;
  /** bytes skipped outside frames, for the log */
  skippedBytes = 0;

  constructor(private readonly maxFrameBytes = DEFAULT_MAX_FRAME_BYTES) {}

  /** Feeds received bytes; returns the payloads of the frames completed by them, in order. */
  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let i = 0;
    if (this.pendingFs) {
      this.pendingFs = false;
      if (chunk.length && chunk[0] === CR) {
        out.push(this.take());
        i = 1;
      } else {
        // FS not followed by CR: keep it as content, as a lenient receiver does
        this.append(Buffer.from([FS]));
      }
    }
    while (i < chunk.length) {
      if (!this.inFrame) {
        const start = chunk.indexOf(VT, i);
        if (start < 0) {
          this.skippedBytes += chunk.length - i;
          break;
        }
        this.skippedBytes += start - i;
        this.inFrame = true;
        i = start + 1;
        continue;
      }
      const fs = chunk.indexOf(FS, i);
      // a VT inside a frame means the previous frame was cut off: start over at the new block (VT never
      // occurs in HL7 content)
      const vt = chunk.indexOf(VT, i);
      if (vt >= 0 && (fs < 0 || vt < fs)) {
        this.skippedBytes += this.size + (vt - i);
        this.reset();
        this.inFrame = true;
        i = vt + 1;
        continue;
      }
      if (fs < 0) {
        this.append(chunk.subarray(i));
        break;
      }
      this.append(chunk.subarray(i, fs));
      if (fs + 1 >= chunk.length) {
        this.pendingFs = true;
        break;
      }
      if (chunk[fs + 1] === CR) {
        out.push(this.take());
        i = fs + 2;
      } else {
        this.append(chunk.subarray(fs, fs + 1));
        i = fs + 1;
      }
    }
    return out;
  }

  /** true while a frame has started and not ended (a peer that closes now loses that message) */
  get midFrame() {
    return this.inFrame;
  }

  private append(b: Buffer) {
    if (!b.length) return;
    this.size += b.length;
    if (this.size > this.maxFrameBytes) {
      this.reset();
      throw new MllpFrameTooLarge(this.maxFrameBytes);
    }
    this.parts.push(b);
  }

  private take(): Buffer {
    const payload = Buffer.concat(this.parts, this.size);
    this.reset();
    return payload;
  }

  private reset() {
    this.parts = [];
    this.size = 0;
    this.inFrame = false;
    this.pendingFs = false;
  }
}
