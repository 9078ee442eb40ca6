// A small Explicit VR Little Endian encoder (PS3.5 7.1.2, 7.5) for the objects the generator makes: we know
// every VR, so there is no dictionary look-up and no intermediate "naturalized" object (dcmjs costs ~10× more
// for a 512×512 slice). Output is a complete Part 10 file (PS3.10 7.1) with the header from sim/dicom/part10.
import { endianness } from 'node:os';
import { buildPart10Header } from '@/sim/dicom/part10';

export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';

export type Vr =
  | 'AE' | 'AS' | 'AT' | 'CS' | 'DA' | 'DS' | 'DT' | 'FD' | 'FL' | 'IS' | 'LO' | 'LT' | 'OB' | 'OW' | 'PN' | 'SH'
  | 'SL' | 'SQ' | 'SS' | 'ST' | 'TM' | 'UI' | 'UL' | 'US' | 'UT';

export type ElementValue = string | number | readonly (string | number)[] | Buffer | readonly Item[] | undefined;
export type Item = Element[];

export interface Element {
  /** (group << 16 | element), unsigned */
  tag: number;
  vr: Vr;
  value: ElementValue;
}

/** Builds an element; `tag` as 0xGGGGEEEE. */
export const el = (tag: number, vr: Vr, value: ElementValue): Element => ({ tag: tag >>> 0, vr, value });

// PS3.5 7.1.2: these VRs have a 2-byte reserved field and a 4-byte length
const LONG_VRS = new Set<Vr>(['OB', 'OW', 'SQ', 'UT']);
const TEXT_VRS = new Set<Vr>(['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UI', 'UT']);

/** A DS value (PS3.5 6.2: at most 16 characters). */
export function ds(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`DS value ${n} is not a finite number`);
  for (let p = 10; p >= 1; p--) {
    const s = String(Number(n.toPrecision(p)));
    if (s.length <= 16) return s;
  }
  throw new Error(`DS value ${n} does not fit in 16 characters`);
}

function textBytes(vr: Vr, value: ElementValue): Buffer {
  const parts = Array.isArray(value) ? value : [value as string | number];
  const text = parts.map((v) => (typeof v === 'number' ? (vr === 'DS' ? ds(v) : String(Math.round(v))) : (v ?? ''))).join('\\');
  const b = Buffer.from(text, 'utf8'); // Specific Character Set ISO_IR 192 (UTF-8); ASCII is a subset
  if (b.length % 2 === 0) return b;
  return Buffer.concat([b, Buffer.from(vr === 'UI' ? '\0' : ' ', 'latin1')]); // PS3.5 6.2 padding
}

function binaryBytes(vr: Vr, value: ElementValue): Buffer {
  const parts = (Array.isArray(value) ? value : value === undefined ? [] : [value]) as number[];
  const size = vr === 'US' || vr === 'SS' ? 2 : vr === 'FD' ? 8 : 4;
  const b = Buffer.alloc(parts.length * size);
  parts.forEach((v, i) => {
    const o = i * size;
    switch (vr) {
      case 'US': b.writeUInt16LE(v, o); break;
      case 'SS': b.writeInt16LE(v, o); break;
      case 'UL': b.writeUInt32LE(v, o); break;
      case 'SL': b.writeInt32LE(v, o); break;
      case 'FL': b.writeFloatLE(v, o); break;
      case 'FD': b.writeDoubleLE(v, o); break;
      case 'AT': b.writeUInt16LE((v >>> 16) & 0xffff, o); b.writeUInt16LE(v & 0xffff, o + 2); break;
      default: throw new Error(`no binary encoding for VR ${vr}`);
    }
  });
  return b;
}

function header(tag: number, vr: Vr, length: number): Buffer {
  const long = LONG_VRS.has(vr);
  const h = Buffer.alloc(long ? 12 : 8);
  h.writeUInt16LE(tag >>> 16, 0);
  h.writeUInt16LE(tag & 0xffff, 2);
  h.write(vr, 4, 'latin1');
  if (long) h.writeUInt32LE(length, 8);
  else {
    if (length > 0xffff) throw new Error(`value of (${(tag >>> 16).toString(16)},${(tag & 0xffff).toString(16)}) is too long for VR ${vr}`);
    h.writeUInt16LE(length, 6);
  }
  return h;
}

function encodeElements(elements: readonly Element[], out: Buffer[]): number {
  const sorted = [...elements].sort((a, b) => a.tag - b.tag); // PS3.5 7.1: ascending tag order
  let total = 0;
  for (let i = 0; i < sorted.length; i++) {
    const e = sorted[i];
    if (i > 0 && sorted[i - 1].tag === e.tag) throw new Error(`attribute ${e.tag.toString(16)} given twice`);
    if (e.vr === 'SQ') {
      const items = (e.value ?? []) as readonly Item[];
      const parts: Buffer[] = [];
      let len = 0;
      for (const item of items) {
        const body: Buffer[] = [];
        const itemLen = encodeElements(item, body);
        const ih = Buffer.alloc(8);
        ih.writeUInt16LE(0xfffe, 0);
        ih.writeUInt16LE(0xe000, 2);
        ih.writeUInt32LE(itemLen, 4); // defined length items (PS3.5 7.5.1)
        parts.push(ih, ...body);
        len += 8 + itemLen;
      }
      const h = header(e.tag, 'SQ', len);
      out.push(h, ...parts);
      total += h.length + len;
      continue;
    }
    let value: Buffer;
    if (Buffer.isBuffer(e.value)) {
      value = e.value.length % 2 ? Buffer.concat([e.value, Buffer.alloc(1)]) : e.value;
    } else if (TEXT_VRS.has(e.vr)) value = textBytes(e.vr, e.value);
    else value = binaryBytes(e.vr, e.value);
    const h = header(e.tag, e.vr, value.length);
    out.push(h, value);
    total += h.length + value.length;
  }
  return total;
}

/** The data set alone, Explicit VR Little Endian. */
export function encodeDataset(elements: readonly Element[]): Buffer {
  const out: Buffer[] = [];
  encodeElements(elements, out);
  return Buffer.concat(out);
}

/** A complete Part 10 file: preamble, "DICM", group 0002 (PS3.10 7.1), then the data set. */
export function encodePart10(elements: readonly Element[], meta: { sopClassUid: string; sopInstanceUid: string; sourceAeTitle?: string }): Buffer {
  const head = buildPart10Header({
    mediaStorageSopClassUid: meta.sopClassUid,
    mediaStorageSopInstanceUid: meta.sopInstanceUid,
    transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN,
    sourceAeTitle: meta.sourceAeTitle,
  });
  const out: Buffer[] = [head];
  encodeElements(elements, out);
  return Buffer.concat(out);
}

/**
 * Like encodePart10, but leaves room for Pixel Data (7FE0,0010), the last element, and returns the file with
 * the offset where its value starts, so pixels can be rendered straight into the file (no copy of a 512 KB
 * slice). The file is its own ArrayBuffer (offset 0) and the value offset is even, so a Uint16Array view fits.
 */
export function encodePart10WithPixelRoom(
  elements: readonly Element[],
  meta: { sopClassUid: string; sopInstanceUid: string; sourceAeTitle?: string },
  pixelVr: 'OB' | 'OW',
  pixelBytes: number,
): { file: Buffer; pixelOffset: number } {
  if (pixelBytes % 2) throw new Error('pixel data length must be even');
  const head = buildPart10Header({
    mediaStorageSopClassUid: meta.sopClassUid,
    mediaStorageSopInstanceUid: meta.sopInstanceUid,
    transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN,
    sourceAeTitle: meta.sourceAeTitle,
  });
  const chunks: Buffer[] = [head];
  encodeElements(elements, chunks);
  chunks.push(header(0x7fe00010, pixelVr, pixelBytes));
  const before = chunks.reduce((n, c) => n + c.length, 0);
  // not from the shared pool (byteOffset 0); not zero-filled: the caller writes every pixel
  const file = Buffer.allocUnsafeSlow(before + pixelBytes);
  let at = 0;
  for (const c of chunks) {
    c.copy(file, at);
    at += c.length;
  }
  return { file, pixelOffset: before };
}

const HOST_LE = endianness() === 'LE';

/** 16-bit pixels as little-endian bytes (PS3.5 7.3): the array's own memory on x86/ARM, swapped elsewhere. */
export function wordsLE(words: Uint16Array): Buffer {
  const b = Buffer.from(words.buffer, words.byteOffset, words.byteLength);
  return HOST_LE ? b : Buffer.from(b).swap16();
}

/** After rendering 16-bit pixels in place (host order) into `file` at `offset`: make them little endian. */
export function fixWordOrder(file: Buffer, offset: number, bytes: number): void {
  if (!HOST_LE) file.subarray(offset, offset + bytes).swap16();
}
