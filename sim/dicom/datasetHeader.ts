// A small targeted reader for the few attributes the archive indexes. It walks the top level of a data set
// as received (any transfer syntax of the table: implicit/explicit VR, little/big endian, deflated), skips
// sequences and large values without decoding them, and stops at the first tag past the last one wanted, so
// pixel data is never touched. The stored file keeps the received bytes; this only reads them.
import { inflateRawSync, constants as zlibConstants } from 'node:zlib';
import { transferSyntax } from './transferSyntaxes';

/** Attributes read for indexing (keyword → tag and VR, PS3.6). Keep sorted by tag. */
export const HEADER_ATTRIBUTES = {
  SpecificCharacterSet: [0x00080005, 'CS'],
  SOPClassUID: [0x00080016, 'UI'],
  SOPInstanceUID: [0x00080018, 'UI'],
  StudyDate: [0x00080020, 'DA'],
  StudyTime: [0x00080030, 'TM'],
  AccessionNumber: [0x00080050, 'SH'],
  Modality: [0x00080060, 'CS'],
  ReferringPhysicianName: [0x00080090, 'PN'],
  StationName: [0x00081010, 'SH'],
  StudyDescription: [0x00081030, 'LO'],
  SeriesDescription: [0x0008103e, 'LO'],
  PatientName: [0x00100010, 'PN'],
  PatientID: [0x00100020, 'LO'],
  IssuerOfPatientID: [0x00100021, 'LO'],
  PatientBirthDate: [0x00100030, 'DA'],
  PatientSex: [0x00100040, 'CS'],
  BodyPartExamined: [0x00180015, 'CS'],
  StudyInstanceUID: [0x0020000d, 'UI'],
  SeriesInstanceUID: [0x0020000e, 'UI'],
  StudyID: [0x00200010, 'SH'],
  SeriesNumber: [0x00200011, 'IS'],
  InstanceNumber: [0x00200013, 'IS'],
  NumberOfFrames: [0x00280008, 'IS'],
  Rows: [0x00280010, 'US'],
  Columns: [0x00280011, 'US'],
} as const;

export type HeaderKeyword = keyof typeof HEADER_ATTRIBUTES;
export type DatasetHeader = Partial<Record<HeaderKeyword, string>>;

const BY_TAG = new Map<number, [HeaderKeyword, string]>(
  Object.entries(HEADER_ATTRIBUTES).map(([k, [tag, vr]]) => [tag, [k as HeaderKeyword, vr]]),
);
const LAST_TAG = Math.max(...Object.values(HEADER_ATTRIBUTES).map(([t]) => t));

/** VRs whose explicit-VR length field is 4 bytes after 2 reserved bytes (PS3.5 7.1.2, Table 7.1-1) */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const UNDEFINED = 0xffffffff;
const ITEM = 0xfffee000;
const ITEM_DELIMITER = 0xfffee00d;
const SEQUENCE_DELIMITER = 0xfffee0dd;

export class DatasetParseError extends Error {
  constructor(message: string, readonly truncated = false) {
    super(message);
    this.name = 'DatasetParseError';
  }
}

interface Cursor {
  buf: Buffer;
  pos: number;
  explicit: boolean;
  little: boolean;
}

function need(c: Cursor, n: number) {
  if (c.pos + n > c.buf.length) {
    throw new DatasetParseError(`data set ends inside an element at byte ${c.pos} (needs ${n} more bytes)`, true);
  }
}

function u16(c: Cursor) {
  need(c, 2);
  const v = c.little ? c.buf.readUInt16LE(c.pos) : c.buf.readUInt16BE(c.pos);
  c.pos += 2;
  return v;
}
function u32(c: Cursor) {
  need(c, 4);
  const v = c.little ? c.buf.readUInt32LE(c.pos) : c.buf.readUInt32BE(c.pos);
  c.pos += 4;
  return v;
}

interface ElementHeader {
  tag: number;
  vr: string;
  length: number;
}

function readElementHeader(c: Cursor): ElementHeader {
  const group = u16(c);
  const element = u16(c);
  const tag = ((group << 16) | element) >>> 0;
  // item and delimiter tags carry no VR in any transfer syntax (PS3.5 7.5)
  if (group === 0xfffe || !c.explicit) {
    return { tag, vr: c.explicit ? '' : (BY_TAG.get(tag)?.[1] ?? ''), length: u32(c) };
  }
  need(c, 2);
  const vr = c.buf.toString('latin1', c.pos, c.pos + 2);
  c.pos += 2;
  if (!/^[A-Z]{2}$/.test(vr)) throw new DatasetParseError(`invalid VR ${JSON.stringify(vr)} at byte ${c.pos - 2}`);
  if (LONG_VRS.has(vr)) {
    c.pos += 2;
    return { tag, vr, length: u32(c) };
  }
  return { tag, vr, length: u16(c) };
}

/** Skips the items of an undefined-length sequence (or UN, which nests implicit VR LE, PS3.5 6.2.2). */
function skipUndefinedSequence(c: Cursor, depth: number) {
  if (depth > 64) throw new DatasetParseError('sequences nested too deeply');
  for (;;) {
    const group = u16(c);
    const element = u16(c);
    const tag = ((group << 16) | element) >>> 0;
    const length = u32(c);
    if (tag === SEQUENCE_DELIMITER) return;
    if (tag !== ITEM) throw new DatasetParseError(`expected an item in a sequence at byte ${c.pos - 8}`);
    if (length !== UNDEFINED) {
      need(c, length);
      c.pos += length;
      continue;
    }
    // undefined-length item: walk its elements to the item delimiter
    for (;;) {
      const e = readElementHeader(c);
      if (e.tag === ITEM_DELIMITER) break;
      skipValue(c, e, depth + 1);
    }
  }
}

function skipValue(c: Cursor, e: ElementHeader, depth: number) {
  if (e.length === UNDEFINED) {
    // SQ, UN (implicit VR LE inside) or, in implicit VR, an unknown sequence; encapsulated pixel data
    // uses the same item/delimiter layout (PS3.5 A.4)
    const inner = e.vr === 'UN' ? { ...c, explicit: false, little: true } : c;
    skipUndefinedSequence(inner, depth);
    c.pos = inner.pos;
    return;
  }
  need(c, e.length);
  c.pos += e.length;
}

function decodeText(buf: Buffer, vr: string, utf8: boolean): string {
  const s = utf8 ? buf.toString('utf8') : buf.toString('latin1');
  // UI is NUL padded; text VRs are space padded (PS3.5 6.2); leading spaces are insignificant except for LT/ST/UT
  return vr === 'UI' ? s.replace(/\0+$/, '') : s.replace(/[\0 ]+$/, '').replace(/^ +/, '');
}

/**
 * Reads the wanted attributes. With `walkToEnd`, goes on skipping element by element (headers only, values
 * untouched) to prove the data set is whole: a value running past the end is a truncated data set.
 * Without it, stops at the first tag past the last wanted one; `reachedEnd` when the bytes ran out first.
 */
function readDataset(c: Cursor, walkToEnd: boolean): { header: DatasetHeader; reachedEnd: boolean } {
  const out: DatasetHeader = {};
  let utf8 = false;
  while (c.pos < c.buf.length) {
    const start = c.pos;
    const e = readElementHeader(c);
    if (e.tag > LAST_TAG) {
      if (walkToEnd) {
        skipValue(c, e, 0);
        continue;
      }
      c.pos = start;
      return { header: out, reachedEnd: false };
    }
    const want = BY_TAG.get(e.tag);
    if (!want || e.length === UNDEFINED) {
      skipValue(c, e, 0);
      continue;
    }
    need(c, e.length);
    const value = c.buf.subarray(c.pos, c.pos + e.length);
    c.pos += e.length;
    const [keyword, vr] = want;
    if (vr === 'US') {
      if (value.length >= 2) out[keyword] = String(c.little ? value.readUInt16LE(0) : value.readUInt16BE(0));
      continue;
    }
    const text = decodeText(value, vr, utf8);
    out[keyword] = text;
    if (keyword === 'SpecificCharacterSet') utf8 = /ISO_IR 192/.test(text);
  }
  return { header: out, reachedEnd: true };
}

/**
 * Reads the indexed attributes from a data set encoded in `transferSyntaxUid` (no Part 10 header).
 * Throws DatasetParseError when the bytes cannot be a data set in that syntax. With `{ whole: true }` it also
 * walks every remaining element header (cheap: pixel data is one skip, or a few fragment items) so a
 * truncated data set is refused rather than archived.
 */
export function parseDatasetHeader(
  dataset: Buffer,
  transferSyntaxUid: string,
  opts: { whole?: boolean } = {},
): DatasetHeader {
  const whole = opts.whole ?? false;
  const t = transferSyntax(transferSyntaxUid);
  const explicit = t ? t.explicitVr : true;
  const little = t ? t.littleEndian : true;
  if (t?.deflated) {
    // the header sits at the start: inflate a prefix first, the whole stream only if that was not enough
    const PREFIX = 65536;
    if (!whole && dataset.length > PREFIX) {
      try {
        const prefix = inflateRawSync(dataset.subarray(0, PREFIX), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
        const r = readDataset({ buf: prefix, pos: 0, explicit, little }, false);
        if (!r.reachedEnd) return r.header;
      } catch (e) {
        if (e instanceof DatasetParseError && !e.truncated) throw e;
      }
    }
    let inflated: Buffer;
    try {
      inflated = inflateRawSync(dataset);
    } catch (e) {
      throw new DatasetParseError(`deflated data set cannot be inflated: ${(e as Error).message}`);
    }
    return readDataset({ buf: inflated, pos: 0, explicit, little }, whole).header;
  }
  return readDataset({ buf: dataset, pos: 0, explicit, little }, whole).header;
}
