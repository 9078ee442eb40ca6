// The tag inspector's model, pure (no React, no Cornerstone): a DICOM JSON data set (PS3.18 Annex F, as WADO-RS
// metadata returns it) flattened into rows for a tree, each with its tag, keyword, VR, VM, value, information-model
// level (PS3.3 A.1.2: Patient, Study, Series, Image) and whether it is private (PS3.5 7.8: odd group numbers);
// search by tag number, keyword or value; and the difference between two data sets.

// the DICOM JSON types the archive's WADO-RS speaks (a type-only import: nothing of the server reaches the browser)
import type { DicomJson, JsonAttribute } from '@/app/dicomweb/_lib/dicomJson';
export type { DicomJson, JsonAttribute };

/** tag (8 hex digits) → [keyword, VR, VM] from the data dictionary (PS3.6) */
export type Dictionary = Record<string, [string, string, string]>;

export type Level = 'patient' | 'study' | 'series' | 'image';

// Which module level an attribute belongs to (PS3.3 C.7: Patient, General Study / Patient Study, General Series /
// Frame of Reference / General Equipment, General Image / Image Plane / Image Pixel / SOP Common).
const STUDY = new Set([
  '00080020', '00080030', '00080050', '00080051', '00080090', '00080096', '00081030', '00081032', '00081048', '00081060',
  '0020000D', '00200010', '00101010', '00101020', '00101030', '00102180', '001021B0', '00321032', '00321033', '00321060',
  '00321064', '00400275',
]);
const SERIES = new Set([
  '00080021', '00080031', '00080060', '0008103E', '00081050', '00081070', '00081111', '00081250', '00180015', '00181030',
  '00185100', '0020000E', '00200011', '00200052', '00200060', '00201040', '00400244', '00400245', '00400253', '00400254',
  '00080070', '00080080', '00080081', '00081010', '00081040', '00081090', '00181000', '00181020', '00280108', '00280109',
]);
const IMAGE = new Set([
  '00080008', '00080012', '00080013', '00080016', '00080018', '00080022', '00080023', '00080032', '00080033', '00082111',
  '00200012', '00200013', '00200020', '00200032', '00200037', '00201041', '00280002', '00280004', '00280006', '00280008',
  '00280010', '00280011', '00280030', '00280100', '00280101', '00280102', '00280103', '00281050', '00281051', '00281052',
  '00281053', '00281054', '00282110', '00282112', '00282114', '7FE00010', '00180050', '00180088',
]);

export function levelOf(tag: string): Level | undefined {
  const t = tag.toUpperCase();
  if (STUDY.has(t)) return 'study';
  if (t.startsWith('0010')) return 'patient';
  if (SERIES.has(t)) return 'series';
  if (IMAGE.has(t)) return 'image';
  return undefined;
}

/** `00100010` → `(0010,0010)` */
export function formatTag(tag: string): string {
  const t = tag.toUpperCase();
  return `(${t.slice(0, 4)},${t.slice(4, 8)})`;
}

export function isPrivate(tag: string): boolean {
  return parseInt(tag.slice(0, 4), 16) % 2 === 1;
}

/** Private Creator Data Elements are (gggg,0010)–(gggg,00FF) in a private group (PS3.5 7.8.1). */
export function isPrivateCreator(tag: string): boolean {
  const el = parseInt(tag.slice(4, 8), 16);
  return isPrivate(tag) && el >= 0x10 && el <= 0xff;
}

/** The text shown for one value: person names by their alphabetic form, numbers as they are. */
export function valueText(a: JsonAttribute | undefined): string {
  if (!a) return '';
  if (a.BulkDataURI) return '(bulk data)';
  if (a.InlineBinary) return `(binary, ${Math.floor((a.InlineBinary.length * 3) / 4)} bytes)`;
  if (!a.Value || a.Value.length === 0) return '';
  if (a.vr === 'SQ') return `${a.Value.length} item${a.Value.length === 1 ? '' : 's'}`;
  return a.Value.map((v) => {
    if (v && typeof v === 'object') {
      const pn = v as Record<string, string>;
      return [pn.Alphabetic, pn.Ideographic, pn.Phonetic].filter((x) => x !== undefined).join('=');
    }
    return String(v);
  }).join('\\');
}

export interface Row {
  /** unique path: tags and item numbers, e.g. `00081140/0/00081150` */
  id: string;
  tag: string;
  keyword: string;
  vr: string;
  /** the number of values present (PS3.5 6.4) */
  vm: number;
  value: string;
  depth: number;
  level?: Level;
  private: boolean;
  /** the private creator that reserved this block, for private data elements */
  creator?: string;
  /** set for an item row (no tag of its own) */
  item?: number;
  /** ids of the ancestor rows (sequences and items), outermost first */
  parents: string[];
  hasChildren: boolean;
}

function keywordFor(tag: string, dict: Dictionary, ds: DicomJson): { keyword: string; creator?: string } {
  if (isPrivate(tag)) {
    if (isPrivateCreator(tag)) return { keyword: 'Private Creator' };
    // (gggg,xxee) belongs to the block reserved by the creator at (gggg,00xx) (PS3.5 7.8.1)
    const creatorTag = `${tag.slice(0, 4)}00${tag.slice(4, 6)}`.toUpperCase();
    const creator = valueText(ds[creatorTag]) || undefined;
    return { keyword: 'Private tag', creator };
  }
  if (tag.slice(4) === '0000') return { keyword: 'Group Length' };
  return { keyword: dict[tag]?.[0] ?? 'Unknown' };
}

/** The data set as rows in tag order, sequences followed by their items and the items' attributes. */
export function flatten(ds: DicomJson, dict: Dictionary, depth = 0, parents: string[] = [], prefix = ''): Row[] {
  const rows: Row[] = [];
  for (const tag of Object.keys(ds).sort()) {
    const a = ds[tag];
    const id = prefix ? `${prefix}/${tag}` : tag;
    const { keyword, creator } = keywordFor(tag, dict, ds);
    const items = a.vr === 'SQ' ? ((a.Value ?? []) as DicomJson[]) : [];
    rows.push({
      id,
      tag,
      keyword,
      vr: a.vr,
      vm: a.vr === 'SQ' ? items.length : a.BulkDataURI || a.InlineBinary ? 1 : (a.Value?.length ?? 0),
      value: valueText(a),
      depth,
      level: depth === 0 ? levelOf(tag) : undefined,
      private: isPrivate(tag),
      creator,
      parents,
      hasChildren: items.length > 0,
    });
    items.forEach((item, k) => {
      const itemId = `${id}/${k}`;
      rows.push({ id: itemId, tag: '', keyword: `Item ${k + 1}`, vr: '', vm: 0, value: '', depth: depth + 1, private: false, item: k, parents: [...parents, id], hasChildren: Object.keys(item).length > 0 });
      rows.push(...flatten(item, dict, depth + 2, [...parents, id, itemId], itemId));
    });
  }
  return rows;
}

/** Does a row match a search: a tag in any spelling (`0010,0010`, `(0010,0010)`, `00100010`, `0010`), a keyword or a value. */
export function matches(row: Row, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  const hex = q.replace(/[(),\s]/g, '');
  if (row.tag && /^[0-9a-f]{4,8}$/.test(hex) && row.tag.toLowerCase().startsWith(hex)) return true;
  return row.keyword.toLowerCase().includes(q) || row.value.toLowerCase().includes(q) || (row.creator ?? '').toLowerCase().includes(q);
}

/** Rows matching a search, with their ancestors kept so that a match inside a sequence shows where it is. */
export function search(rows: Row[], query: string): Row[] {
  if (!query.trim()) return rows;
  const keep = new Set<string>();
  for (const r of rows) {
    if (matches(r, query)) {
      keep.add(r.id);
      r.parents.forEach((p) => keep.add(p));
    }
  }
  return rows.filter((r) => keep.has(r.id));
}

export interface DiffRow {
  tag: string;
  keyword: string;
  level?: Level;
  a: string;
  b: string;
  kind: 'same' | 'changed' | 'only-a' | 'only-b';
}

function summary(a: JsonAttribute): string {
  if (a.vr !== 'SQ') return valueText(a);
  // a sequence compares by its content, shown short
  return JSON.stringify(a.Value ?? []);
}

/** Top-level attributes of two images side by side, differences first (bulk data compared by presence only). */
export function diff(a: DicomJson, b: DicomJson, dict: Dictionary): DiffRow[] {
  const tags = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const rows = tags.map((tag): DiffRow => {
    const x = a[tag];
    const y = b[tag];
    const keyword = keywordFor(tag, dict, x ? a : b).keyword;
    const av = x ? summary(x) : '';
    const bv = y ? summary(y) : '';
    const kind = !x ? 'only-b' : !y ? 'only-a' : av === bv ? 'same' : 'changed';
    return { tag, keyword, level: levelOf(tag), a: x?.vr === 'SQ' ? valueText(x) : av, b: y?.vr === 'SQ' ? valueText(y) : bv, kind };
  });
  const order = { changed: 0, 'only-a': 1, 'only-b': 1, same: 2 } as const;
  return rows.sort((p, q) => order[p.kind] - order[q.kind] || (p.tag < q.tag ? -1 : 1));
}

/** The first value of an attribute as a string ('' when absent). */
export function first(ds: DicomJson | undefined, tag: string): string {
  const v = ds?.[tag]?.Value?.[0];
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return (v as Record<string, string>).Alphabetic ?? '';
  return String(v);
}
