// The DICOM JSON Model (PS3.18 Annex F.2): an object keyed by tags as eight upper-case hex digits, each
// attribute `{ vr, Value?: [...] }`; PN values are `{ Alphabetic, Ideographic?, Phonetic? }` (F.2.2); IS/DS and
// the binary-number VRs are JSON numbers (F.2.3); bulk data is a `BulkDataURI` or `InlineBinary` (F.2.7).
import type { DcmjsDict, DcmjsElement } from 'dcmjs';
import { attribute } from './dictionary';

export interface JsonAttribute {
  vr: string;
  Value?: unknown[];
  BulkDataURI?: string;
  InlineBinary?: string;
}
export type DicomJson = Record<string, JsonAttribute>;

const NUMBER_VRS = new Set(['IS', 'DS', 'US', 'SS', 'UL', 'SL', 'FL', 'FD', 'UV', 'SV']);
/** VRs carried as bulk data (PS3.18 F.2.7) rather than inline values. */
export const BULK_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN']);

/** `DOE^JOHN=山田^太郎` → `{ Alphabetic: 'DOE^JOHN', Ideographic: '山田^太郎' }` (PS3.18 F.2.2). */
export function personName(value: string): Record<string, string> {
  const [a, i, p] = value.split('=');
  const out: Record<string, string> = {};
  if (a) out.Alphabetic = a;
  if (i) out.Ideographic = i;
  if (p) out.Phonetic = p;
  return out;
}

/** One attribute from a naturalized value (string, number, or list): '' and [] become an empty attribute. */
export function jsonAttribute(vr: string, value: string | number | readonly (string | number)[] | null | undefined): JsonAttribute {
  const values = value === null || value === undefined ? [] : Array.isArray(value) ? value : [value];
  const present = values.filter((v) => v !== '' && v !== null && v !== undefined);
  if (present.length === 0) return { vr };
  if (vr === 'PN') return { vr, Value: present.map((v) => personName(String(v))) };
  if (NUMBER_VRS.has(vr)) {
    const nums = present.map((v) => Number(v));
    if (nums.every((n) => Number.isFinite(n))) return { vr, Value: nums };
  }
  return { vr, Value: present.map((v) => String(v)) };
}

/** A naturalized data set (keyword → value, as query.ts returns) as DICOM JSON, sorted by tag. */
export function naturalizedToJson(ds: Record<string, string | number | readonly (string | number)[]>): DicomJson {
  const out: DicomJson = {};
  for (const [keyword, value] of Object.entries(ds)) {
    if (keyword === 'QueryRetrieveLevel') continue;
    const a = attribute(keyword);
    if (!a) continue;
    out[a.tag] = jsonAttribute(a.vr, value);
  }
  return sortByTag(out);
}

export function sortByTag(ds: DicomJson): DicomJson {
  const out: DicomJson = {};
  for (const k of Object.keys(ds).sort()) out[k] = ds[k];
  return out;
}

export interface BulkDataContext {
  /** the instance's URL: bulk data URIs hang below it (…/instances/{i}/bulkdata/{tag path}) */
  instanceUrl: string;
  /** binary values at most this long are inlined as base64 (default 0: never) */
  inlineBelow?: number;
}

/**
 * A dcmjs-read data set (its `dict`: tag → { vr, Value }) as DICOM JSON: dcmjs's private `_rawValue` dropped,
 * empty numbers dropped, binary values replaced by a BulkDataURI (or inlined when small), recursing into sequences.
 * `path` is the tag path used in the bulk data URI (PS3.18 allows any URI; ours names the attribute).
 */
export function dcmjsToJson(dict: DcmjsDict, ctx: BulkDataContext, path: string[] = []): DicomJson {
  const out: DicomJson = {};
  for (const tag of Object.keys(dict).sort()) {
    const el = dict[tag] as DcmjsElement;
    const key = tag.toUpperCase();
    // group lengths (gggg0000) are retired in data sets and carry no information for a client
    if (key.endsWith('0000')) continue;
    const vr = el.vr === 'ox' ? 'OW' : el.vr === 'xs' ? 'US' : el.vr;
    // dcmjs normally gives an array; be tolerant of a bare value
    const raw: unknown[] = Array.isArray(el.Value) ? el.Value : el.Value === undefined || el.Value === null ? [] : [el.Value];
    if (vr === 'SQ') {
      const items = raw as DcmjsDict[];
      out[key] = items.length ? { vr, Value: items.map((item, i) => dcmjsToJson(item, ctx, [...path, key, String(i)])) } : { vr };
      continue;
    }
    if (BULK_VRS.has(vr)) {
      const buffers = raw.filter((v): v is ArrayBuffer => v instanceof ArrayBuffer);
      const size = buffers.reduce((n, b) => n + b.byteLength, 0);
      if (size === 0) {
        out[key] = { vr };
      } else if (size <= (ctx.inlineBelow ?? 0)) {
        out[key] = { vr, InlineBinary: Buffer.concat(buffers.map((b) => Buffer.from(b))).toString('base64') };
      } else {
        out[key] = { vr, BulkDataURI: `${ctx.instanceUrl}/bulkdata/${[...path, key].join('/')}` };
      }
      continue;
    }
    const values = raw.filter((v) => v !== null && v !== undefined && v !== '');
    if (values.length === 0) {
      out[key] = { vr };
    } else if (vr === 'PN') {
      out[key] = {
        vr,
        Value: values.map((v) => (typeof v === 'string' ? personName(v) : (v as Record<string, string>))),
      };
    } else if (vr === 'AT') {
      // dcmjs gives AT values as numbers; DICOM JSON wants "GGGGEEEE" strings (F.2.3)
      out[key] = { vr, Value: values.map((v) => (typeof v === 'number' ? v.toString(16).toUpperCase().padStart(8, '0') : String(v))) };
    } else if (NUMBER_VRS.has(vr)) {
      const nums = values.map((v) => (typeof v === 'number' ? v : Number(v)));
      out[key] = nums.every((n) => Number.isFinite(n)) ? { vr, Value: nums } : { vr, Value: values.map(String) };
    } else {
      out[key] = { vr, Value: values.map((v) => (typeof v === 'string' ? v : String(v))) };
    }
  }
  return out;
}
