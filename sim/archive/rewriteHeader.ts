// Rewrites a few top-level attributes of a stored Part 10 file without touching anything else: the file is walked
// element by element (headers only) and every element that is not changed is copied as the same bytes, so pixel
// data, private tags and sequences stay byte-identical. Used by the PACS administrator's corrections (merge, move,
// split): the stored files must carry the corrected Study Instance UID, Accession Number and patient, or a C-MOVE or
// WADO retrieve would hand out the old ones. The previous values are kept in the Original Attributes Sequence
// (0400,0561), PS3.3 C.12.1.1.9, one item per modification.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { splitPart10 } from '../dicom/part10';
import { transferSyntax } from '../dicom/transferSyntaxes';

/** The text attributes a correction may set (PS3.6 tag and VR). */
export const CORRECTABLE = {
  StudyDate: [0x00080020, 'DA'],
  StudyTime: [0x00080030, 'TM'],
  AccessionNumber: [0x00080050, 'SH'],
  ReferringPhysicianName: [0x00080090, 'PN'],
  StudyDescription: [0x00081030, 'LO'],
  PatientName: [0x00100010, 'PN'],
  PatientID: [0x00100020, 'LO'],
  IssuerOfPatientID: [0x00100021, 'LO'],
  PatientBirthDate: [0x00100030, 'DA'],
  PatientSex: [0x00100040, 'CS'],
  StudyInstanceUID: [0x0020000d, 'UI'],
  SeriesNumber: [0x00200011, 'IS'],
  SeriesDescription: [0x0008103e, 'LO'],
  StudyID: [0x00200010, 'SH'],
} as const;
export type CorrectableKeyword = keyof typeof CORRECTABLE;
export type AttributeChanges = Partial<Record<CorrectableKeyword, string>>;

const SPECIFIC_CHARACTER_SET = 0x00080005;
const ORIGINAL_ATTRIBUTES_SEQUENCE = 0x04000561; // PS3.3 C.12.1.1.9
const MODIFIED_ATTRIBUTES_SEQUENCE = 0x04000550;
const ATTRIBUTE_MODIFICATION_DATETIME = 0x04000562;
const MODIFYING_SYSTEM = 0x04000563;
const SOURCE_OF_PREVIOUS_VALUES = 0x04000564;
const REASON_FOR_MODIFICATION = 0x04000565;
const ITEM = 0xfffee000;
const ITEM_DELIMITER = 0xfffee00d;
const SEQUENCE_DELIMITER = 0xfffee0dd;
const UNDEFINED = 0xffffffff;
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

export class RewriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RewriteError';
  }
}

interface Syntax {
  explicit: boolean;
  little: boolean;
}

/** One top-level element as found in the data set: where its bytes start and end, and where its value is. */
interface Found {
  tag: number;
  vr: string;
  start: number;
  valueStart: number;
  /** the value length as encoded (UNDEFINED for an undefined-length sequence) */
  length: number;
  end: number;
}

function reader(buf: Buffer, s: Syntax) {
  const u16 = (p: number) => (s.little ? buf.readUInt16LE(p) : buf.readUInt16BE(p));
  const u32 = (p: number) => (s.little ? buf.readUInt32LE(p) : buf.readUInt32BE(p));
  const need = (p: number, n: number) => {
    if (p + n > buf.length) throw new RewriteError(`the data set ends inside an element at byte ${p}`);
  };
  /** element header at p: tag, VR, value length, header size */
  const header = (p: number, explicit: boolean, little: boolean) => {
    const r16 = (q: number) => (little ? buf.readUInt16LE(q) : buf.readUInt16BE(q));
    const r32 = (q: number) => (little ? buf.readUInt32LE(q) : buf.readUInt32BE(q));
    need(p, 8);
    const tag = ((r16(p) << 16) | r16(p + 2)) >>> 0;
    if (!explicit || tag >>> 16 === 0xfffe) return { tag, vr: '', length: r32(p + 4), size: 8 };
    const vr = buf.toString('latin1', p + 4, p + 6);
    if (!/^[A-Z]{2}$/.test(vr)) throw new RewriteError(`invalid VR ${JSON.stringify(vr)} at byte ${p + 4}`);
    if (LONG_VRS.has(vr)) {
      need(p, 12);
      return { tag, vr, length: r32(p + 8), size: 12 };
    }
    return { tag, vr, length: r16(p + 6), size: 8 };
  };
  /** the offset after an undefined-length value starting at p (items up to the sequence delimiter) */
  const skipUndefined = (p: number, explicit: boolean, little: boolean, depth: number): number => {
    if (depth > 64) throw new RewriteError('sequences nested too deeply');
    for (;;) {
      const h = header(p, false, little);
      p += 8;
      if (h.tag === SEQUENCE_DELIMITER) return p;
      if (h.tag !== ITEM) throw new RewriteError(`expected an item at byte ${p - 8}`);
      if (h.length !== UNDEFINED) {
        need(p, h.length);
        p += h.length;
        continue;
      }
      for (;;) {
        const e = header(p, explicit, little);
        p += e.size;
        if (e.tag === ITEM_DELIMITER) break;
        p = e.length === UNDEFINED ? skipUndefined(p, e.vr === 'UN' ? false : explicit, e.vr === 'UN' ? true : little, depth + 1) : p + e.length;
        need(p, 0);
      }
    }
  };
  return {
    u16,
    u32,
    walk(): Found[] {
      const out: Found[] = [];
      let p = 0;
      while (p < buf.length) {
        const start = p;
        const h = header(p, s.explicit, s.little);
        p += h.size;
        const valueStart = p;
        if (h.length === UNDEFINED) {
          // SQ, UN (implicit VR LE inside, PS3.5 6.2.2) or encapsulated pixel data (PS3.5 A.4): same item layout
          p = skipUndefined(p, h.vr === 'UN' ? false : s.explicit, h.vr === 'UN' ? true : s.little, 0);
        } else {
          need(p, h.length);
          p += h.length;
        }
        out.push({ tag: h.tag, vr: h.vr, start, valueStart, length: h.length, end: p });
      }
      return out;
    },
  };
}

function encodeHeader(tag: number, vr: string, length: number, s: Syntax): Buffer {
  const w16 = (b: Buffer, v: number, o: number) => (s.little ? b.writeUInt16LE(v, o) : b.writeUInt16BE(v, o));
  const w32 = (b: Buffer, v: number, o: number) => (s.little ? b.writeUInt32LE(v, o) : b.writeUInt32BE(v, o));
  const item = tag >>> 16 === 0xfffe;
  if (!s.explicit || item) {
    const b = Buffer.alloc(8);
    w16(b, tag >>> 16, 0);
    w16(b, tag & 0xffff, 2);
    w32(b, length, 4);
    return b;
  }
  const long = LONG_VRS.has(vr);
  const b = Buffer.alloc(long ? 12 : 8);
  w16(b, tag >>> 16, 0);
  w16(b, tag & 0xffff, 2);
  b.write(vr, 4, 'latin1');
  if (long) w32(b, length, 8);
  else w16(b, length, 6);
  return b;
}

function textValue(vr: string, value: string, utf8: boolean): Buffer {
  const b = Buffer.from(value, utf8 ? 'utf8' : 'latin1');
  if (b.length > 0xfffe) throw new RewriteError(`a ${vr} value of ${b.length} bytes is too long`);
  // PS3.5 6.2: even length, UI padded with NUL, text with a space
  return b.length % 2 ? Buffer.concat([b, Buffer.from(vr === 'UI' ? '\0' : ' ', 'latin1')]) : b;
}

function element(tag: number, vr: string, value: Buffer, s: Syntax): Buffer {
  return Buffer.concat([encodeHeader(tag, vr, value.length, s), value]);
}

function decodeText(buf: Buffer, vr: string, utf8: boolean): string {
  const t = utf8 ? buf.toString('utf8') : buf.toString('latin1');
  return vr === 'UI' ? t.replace(/\0+$/, '') : t.replace(/[\0 ]+$/, '').replace(/^ +/, '');
}

/** DT as YYYYMMDDHHMMSS.FFFFFF&ZZXX (PS3.5 6.2), in the server's local time with its offset. */
export function dicomDateTime(d: Date): string {
  const p = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');
  const off = -d.getTimezoneOffset();
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}.${p(d.getMilliseconds() * 1000, 6)}${off >= 0 ? '+' : '-'}${p(Math.floor(Math.abs(off) / 60))}${p(Math.abs(off) % 60)}`;
}

export interface RewriteOptions {
  changes: AttributeChanges;
  /**
   * PS3.3 C.12.1.1.9.2: who changed it and why (CORRECT: a correction of wrong values). Absent only when the
   * values are the creator's own (a simulated modality numbering its series), which records no modification.
   */
  modification?: { modifyingSystem: string; reason: 'CORRECT' | 'COERCE'; sourceOfPreviousValues?: string; at: Date };
}

export interface RewriteResult {
  bytes: Buffer;
  /** the attributes whose value changed, with their previous value ('' when absent) */
  previous: Partial<Record<CorrectableKeyword, string>>;
}

/**
 * Sets `changes` in a Part 10 file; returns the new file (or the same bytes when nothing differs). Every element
 * not named is copied unchanged, in its place; an absent attribute is inserted in tag order.
 */
export function rewriteHeader(file: Buffer, opts: RewriteOptions): RewriteResult {
  const parts = splitPart10(file);
  if (!parts.datasetOffset || !parts.transferSyntaxUid) throw new RewriteError('not a DICOM Part 10 file (no "DICM" and File Meta Information)');
  const ts = transferSyntax(parts.transferSyntaxUid);
  const s: Syntax = { explicit: ts ? ts.explicitVr : true, little: ts ? ts.littleEndian : true };
  const raw = file.subarray(parts.datasetOffset);
  let dataset: Buffer;
  try {
    dataset = ts?.deflated ? inflateRawSync(raw) : raw;
  } catch (e) {
    throw new RewriteError(`the deflated data set cannot be inflated: ${(e as Error).message}`);
  }
  const found = reader(dataset, s).walk();
  const byTag = new Map(found.map((f) => [f.tag, f]));
  const charset = byTag.get(SPECIFIC_CHARACTER_SET);
  const utf8 = charset ? /ISO_IR 192/.test(dataset.toString('latin1', charset.valueStart, charset.end)) : false;

  const replaced = new Map<number, Buffer>();
  const previousRaw: { tag: number; bytes: Buffer }[] = [];
  const previous: RewriteResult['previous'] = {};
  for (const [keyword, value] of Object.entries(opts.changes) as [CorrectableKeyword, string][]) {
    if (value === undefined) continue;
    const [tag, vr] = CORRECTABLE[keyword];
    const old = byTag.get(tag);
    const oldText = old && old.length !== UNDEFINED ? decodeText(dataset.subarray(old.valueStart, old.end), vr, utf8) : '';
    if (old && oldText === value) continue;
    if (!old && value === '') continue;
    previous[keyword] = oldText;
    replaced.set(tag, element(tag, vr, textValue(vr, value, utf8), s));
    // the previous element as it was (an absent one as an empty value), for the Modified Attributes Sequence
    previousRaw.push({ tag, bytes: old ? dataset.subarray(old.start, old.end) : element(tag, vr, Buffer.alloc(0), s) });
  }
  if (!replaced.size) return { bytes: file, previous };
  if (opts.modification) addOriginalAttributes(replaced, byTag, dataset, previousRaw, opts.modification, s, utf8);
  return { bytes: assemble(file, parts.datasetOffset, dataset, found, byTag, replaced, s, !!ts?.deflated), previous };
}

function addOriginalAttributes(
  replaced: Map<number, Buffer>,
  byTag: Map<number, Found>,
  dataset: Buffer,
  previousRaw: { tag: number; bytes: Buffer }[],
  m: NonNullable<RewriteOptions['modification']>,
  s: Syntax,
  utf8: boolean,
) {
  // PS3.3 C.12.1.1.9.2: one Original Attributes Sequence item per modification, with the previous values
  previousRaw.sort((a, b) => a.tag - b.tag);
  const modified = Buffer.concat(previousRaw.map((p) => p.bytes));
  const modifiedItem = Buffer.concat([encodeHeader(ITEM, '', modified.length, s), modified]);
  const itemBody = Buffer.concat([
    element(MODIFIED_ATTRIBUTES_SEQUENCE, 'SQ', modifiedItem, s),
    element(ATTRIBUTE_MODIFICATION_DATETIME, 'DT', textValue('DT', dicomDateTime(m.at), false), s),
    element(MODIFYING_SYSTEM, 'LO', textValue('LO', m.modifyingSystem.slice(0, 64), utf8), s),
    element(SOURCE_OF_PREVIOUS_VALUES, 'LO', textValue('LO', (m.sourceOfPreviousValues ?? '').slice(0, 64), utf8), s),
    element(REASON_FOR_MODIFICATION, 'CS', textValue('CS', m.reason, false), s),
  ]);
  const newItem = Buffer.concat([encodeHeader(ITEM, '', itemBody.length, s), itemBody]);
  const existing = byTag.get(ORIGINAL_ATTRIBUTES_SEQUENCE);
  let oldItems: Buffer = Buffer.alloc(0);
  if (existing) {
    // the items already there, kept as they are (an undefined-length sequence ends with an 8-byte delimiter)
    oldItems = existing.length === UNDEFINED ? dataset.subarray(existing.valueStart, existing.end - 8) : dataset.subarray(existing.valueStart, existing.end);
  }
  replaced.set(ORIGINAL_ATTRIBUTES_SEQUENCE, element(ORIGINAL_ATTRIBUTES_SEQUENCE, 'SQ', Buffer.concat([oldItems, newItem]), s));
}

function assemble(file: Buffer, datasetOffset: number, dataset: Buffer, found: Found[], byTag: Map<number, Found>, replaced: Map<number, Buffer>, s: Syntax, deflated: boolean): Buffer {
  // merge the kept elements and the new ones in ascending tag order (PS3.5 7.1)
  const out: { tag: number; bytes: Buffer }[] = [];
  const pending = [...replaced.keys()].filter((t) => !byTag.has(t)).sort((a, b) => a - b);
  for (const f of found) {
    while (pending.length && pending[0] < f.tag) {
      const t = pending.shift()!;
      out.push({ tag: t, bytes: replaced.get(t)! });
    }
    out.push({ tag: f.tag, bytes: replaced.get(f.tag) ?? dataset.subarray(f.start, f.end) });
  }
  for (const t of pending) out.push({ tag: t, bytes: replaced.get(t)! });

  // a (retired) group length element must still add up for a group whose content changed
  const changedGroups = new Set([...replaced.keys()].map((t) => t >>> 16));
  for (let i = 0; i < out.length; i++) {
    const { tag } = out[i];
    if ((tag & 0xffff) !== 0 || !changedGroups.has(tag >>> 16)) continue;
    let n = 0;
    for (let j = i + 1; j < out.length && out[j].tag >>> 16 === tag >>> 16; j++) n += out[j].bytes.length;
    const v = Buffer.alloc(4);
    if (s.little) v.writeUInt32LE(n, 0);
    else v.writeUInt32BE(n, 0);
    out[i] = { tag, bytes: element(tag, 'UL', v, s) };
  }

  const body = Buffer.concat(out.map((o) => o.bytes));
  return Buffer.concat([file.subarray(0, datasetOffset), deflated ? deflateRawSync(body) : body]);
}

/** Every top-level element's bytes, by tag: for tests that prove what a rewrite left alone. */
export function topLevelElements(file: Buffer): Map<number, Buffer> {
  const parts = splitPart10(file);
  const ts = transferSyntax(parts.transferSyntaxUid ?? '1.2.840.10008.1.2.1');
  const s: Syntax = { explicit: ts ? ts.explicitVr : true, little: ts ? ts.littleEndian : true };
  const raw = file.subarray(parts.datasetOffset);
  const dataset = ts?.deflated ? inflateRawSync(raw) : raw;
  return new Map(reader(dataset, s).walk().map((f) => [f.tag, dataset.subarray(f.start, f.end)]));
}
