// A writer for flat data sets (C-FIND identifiers and other replies made only of string and short binary
// elements) in Implicit or Explicit VR Little Endian (PS3.5 7.1, Annex A.1/A.2). dcmjs's general writer
// (denaturalize, a growing buffer stream written a byte at a time) cost ~1-2 ms per C-FIND pending response,
// more than everything else on that path; this one writes the same bytes in a few microseconds. Anything it
// does not know for certain how dcmjs would write (sequences, other binary VRs, Big Endian, values dcmjs would
// truncate, an explicit _vrMap) returns undefined, and the caller uses dcmjs as before. Its test compares it
// with dcmjs byte for byte.
import dcmjs from 'dcmjs';
import dimse from 'dcmjs-dimse';

export const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';

/** Character-string VRs dcmjs writes one byte per UTF-16 code unit (PS3.5 6.2: default repertoire) */
const ASCII_VRS = new Set(['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'TM', 'UI', 'UR']);
/** Character-string VRs dcmjs writes as UTF-8 (ISO_IR 192 is what query.ts declares for non-ASCII values) */
const ENCODED_VRS = new Set(['LO', 'LT', 'PN', 'SH', 'ST', 'UC', 'UT']);
/** VRs whose value multiplicity is 1 by definition (PS3.5 6.2): a list is not for us */
const SINGLE_VALUED = new Set(['LT', 'ST', 'UT', 'UR']);
/** dcmjs cuts longer values of these VRs to this length (its maxLength, or range-matching length): leave them to it */
const DCMJS_TRUNCATES: Record<string, number> = { AE: 16, AS: 4, CS: 16, DA: 18, DS: 16, DT: 54, IS: 12, TM: 28, UI: 64 };
const BINARY_SIZE: Record<string, number> = { US: 2, SS: 2, UL: 4, SL: 4 };
/** Explicit VR: these have a reserved 16 bits and a 32-bit length (PS3.5 7.1.2, Table 7.1-1) */
const LONG_LENGTH_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const NAME_MAP = (dcmjs.data.DicomMetaDictionary as unknown as { nameMap: Record<string, { tag: string; vr: string } | undefined> }).nameMap;

interface Definition {
  group: number;
  element: number;
  /** sort key: (group << 16 | element) as an unsigned number */
  order: number;
  vr: string;
}

const definitions = new Map<string, Definition | null>();

function definitionOf(keyword: string): Definition | null {
  let d = definitions.get(keyword);
  if (d !== undefined) return d;
  const entry = NAME_MAP[keyword];
  const m = entry && /^\(([0-9A-F]{4}),([0-9A-F]{4})\)$/i.exec(entry.tag);
  d = null;
  if (entry && m && (ASCII_VRS.has(entry.vr) || ENCODED_VRS.has(entry.vr) || entry.vr in BINARY_SIZE)) {
    const group = parseInt(m[1], 16);
    const element = parseInt(m[2], 16);
    // groups 0000-0007 are command and file meta information, never in a data set (PS3.5 7.1)
    if (group >= 8) d = { group, element, order: group * 0x10000 + element, vr: entry.vr };
  }
  definitions.set(keyword, d);
  return d;
}

/** The value bytes of one element, padded to even length (PS3.5 6.2), or undefined to leave it to dcmjs. */
function valueBytes(vr: string, value: unknown): Buffer | undefined {
  if (value === '' || value === null) return Buffer.alloc(0);
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) return Buffer.alloc(0);
  const size = BINARY_SIZE[vr];
  if (size) {
    const out = Buffer.alloc(size * list.length);
    for (const [i, v] of list.entries()) {
      const n = typeof v === 'number' ? v : typeof v === 'string' && /^[+-]?\d+$/.test(v.trim()) ? Number(v) : NaN;
      const signed = vr === 'SS' || vr === 'SL';
      const max = size === 2 ? 0xffff : 0xffffffff;
      const lo = signed ? -(max + 1) / 2 : 0;
      const hi = signed ? (max + 1) / 2 - 1 : max;
      if (!Number.isInteger(n) || n < lo || n > hi) return undefined;
      if (vr === 'US') out.writeUInt16LE(n, i * 2);
      else if (vr === 'SS') out.writeInt16LE(n, i * 2);
      else if (vr === 'UL') out.writeUInt32LE(n, i * 4);
      else out.writeInt32LE(n, i * 4);
    }
    return out;
  }
  if (list.length > 1 && SINGLE_VALUED.has(vr)) return undefined;
  const strings: string[] = [];
  for (const v of list) {
    let s: string;
    if (typeof v === 'string') s = v;
    else if (typeof v === 'number' && vr === 'IS' && Number.isSafeInteger(v)) s = String(v);
    else if (vr === 'PN' && v && typeof v === 'object' && !Array.isArray(v)) {
      // dcmjs's naturalized PN (PS3.18 F.2.2): component groups joined by "=", trailing empty groups dropped
      const p = v as { Alphabetic?: unknown; Ideographic?: unknown; Phonetic?: unknown };
      if ([p.Alphabetic, p.Ideographic, p.Phonetic].some((x) => x !== undefined && x !== null && typeof x !== 'string')) return undefined;
      s = [p.Alphabetic ?? '', p.Ideographic ?? '', p.Phonetic ?? ''].join('=').replace(/=*$/, '');
    } else return undefined;
    if (s.length > (DCMJS_TRUNCATES[vr] ?? Infinity)) return undefined;
    strings.push(s);
  }
  const text = strings.join('\\');
  let bytes: Buffer;
  if (ENCODED_VRS.has(vr)) bytes = Buffer.from(text, 'utf8');
  else {
    // eslint-disable-next-line no-control-regex
    if (!/^[\x00-\x7f]*$/.test(text)) return undefined;
    bytes = Buffer.from(text, 'latin1');
  }
  if (bytes.length % 2 === 0) return bytes;
  // UI pads with NUL, the other character VRs with a space (PS3.5 6.2)
  return Buffer.concat([bytes, Buffer.from(vr === 'UI' ? [0] : [0x20])]);
}

/**
 * Encodes a naturalized data set (keyword → value, as dcmjs gives and takes them) whose elements are all
 * character strings or US/SS/UL/SL, in ascending tag order (PS3.5 7.1). Undefined when dcmjs should do it.
 */
export function encodeFlatDataset(elements: Record<string, unknown>, transferSyntaxUid: string): Buffer | undefined {
  const explicit = transferSyntaxUid === EXPLICIT_VR_LITTLE_ENDIAN;
  if (!explicit && transferSyntaxUid !== IMPLICIT_VR_LITTLE_ENDIAN) return undefined;
  const items: { def: Definition; value: Buffer }[] = [];
  let length = 0;
  for (const keyword in elements) {
    const v = elements[keyword];
    if (keyword === '_vrMap') {
      if (v && typeof v === 'object' && Object.keys(v).length > 0) return undefined;
      continue;
    }
    if (v === undefined) continue; // dcmjs skips those too
    const def = definitionOf(keyword);
    if (!def) return undefined;
    const value = valueBytes(def.vr, v);
    if (!value) return undefined;
    const long = explicit && LONG_LENGTH_VRS.has(def.vr);
    if (explicit && !long && value.length > 0xffff) return undefined;
    items.push({ def, value });
    length += (long ? 12 : 8) + value.length;
  }
  items.sort((a, b) => a.def.order - b.def.order);
  const out = Buffer.allocUnsafe(length);
  let pos = 0;
  for (const { def, value } of items) {
    out.writeUInt16LE(def.group, pos);
    out.writeUInt16LE(def.element, pos + 2);
    if (!explicit) {
      out.writeUInt32LE(value.length, pos + 4);
      pos += 8;
    } else if (LONG_LENGTH_VRS.has(def.vr)) {
      out.write(def.vr, pos + 4, 'latin1');
      out.writeUInt16LE(0, pos + 6);
      out.writeUInt32LE(value.length, pos + 8);
      pos += 12;
    } else {
      out.write(def.vr, pos + 4, 'latin1');
      out.writeUInt16LE(value.length, pos + 6);
      pos += 8;
    }
    value.copy(out, pos);
    pos += value.length;
  }
  return out;
}

/**
 * A dcmjs-dimse Dataset written by encodeFlatDataset when it can, by dcmjs otherwise: what the listener puts in
 * the responses of multi-response services (C-FIND matches).
 */
export class FlatDataset extends dimse.Dataset {
  override getDenaturalizedDataset(writeOptions?: Record<string, unknown>, nameMap?: Record<string, unknown>): Buffer {
    // a name map changes which keywords mean which tags: dcmjs's business
    return (nameMap ? undefined : encodeFlatDataset(this.getElements(), this.getTransferSyntaxUid())) ?? super.getDenaturalizedDataset(writeOptions, nameMap);
  }
}
