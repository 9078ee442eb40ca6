// QIDO-RS (PS3.18 10.6): Search Transaction over the archive index, reusing the C-FIND matching of
// sim/archive/query.ts (Study Root) so that DICOM and DICOMweb never disagree on what matches.
//
// Query parameters (PS3.18 8.3.4): `{attribute}={value}` with the attribute named by keyword or tag, `includefield`
// (keywords, tags or `all`, comma-separated or repeated), `limit`, `offset`, `fuzzymatching` (accepted, ignored
// with a Warning: person names always match case-insensitively here). UI and CS values may be comma-separated
// lists. A parameter we do not know, or a key we cannot match on, is a 400 naming it, not silently ignored.
//
// Hierarchical searches (studies, studies/{s}/series, studies/{s}/series/{se}/instances) are one C-FIND each.
// Relational ones (series, instances, studies/{s}/instances: PS3.18 10.6.1 allows searching all series or
// instances) walk the levels above with C-FIND too: query.ts implements hierarchical search only.
import type { Db } from '@/prisma/db';
import { keyDefinition, prepareFind, runFind, type Identifier, type ResponseDataset } from '@/sim/archive/query';
import { parseUid } from '@/sim/dicom/uid';
import { attribute } from './dictionary';
import { jsonAttribute, naturalizedToJson, sortByTag, type DicomJson } from './dicomJson';
import { DicomWebError } from './dicomWebError';

export type QidoTarget =
  | { level: 'studies' }
  | { level: 'series'; study?: string }
  | { level: 'instances'; study?: string; series?: string };

type Entity = 'patient' | 'study' | 'series' | 'instance';
const DEPTH: Record<Entity, number> = { patient: 0, study: 1, series: 2, instance: 3 };
const LEVEL_DEPTH = { studies: 1, series: 2, instances: 3 } as const;
const LEVEL_NAME = { patient: 'patient', study: 'study', series: 'series', instance: 'instance' } as const;

/** Default return attributes, PS3.18 Table 6.7.1-2 (those the archive indexes), plus Study Description. */
export const STUDY_DEFAULTS = [
  'StudyDate', 'StudyTime', 'AccessionNumber', 'InstanceAvailability', 'ModalitiesInStudy', 'ReferringPhysicianName',
  'PatientName', 'PatientID', 'PatientBirthDate', 'PatientSex', 'StudyInstanceUID', 'StudyID', 'StudyDescription',
  'NumberOfStudyRelatedSeries', 'NumberOfStudyRelatedInstances',
];
export const SERIES_DEFAULTS = ['Modality', 'SeriesDescription', 'SeriesInstanceUID', 'SeriesNumber', 'NumberOfSeriesRelatedInstances', 'StudyInstanceUID'];
export const INSTANCE_DEFAULTS = [
  'SOPClassUID', 'SOPInstanceUID', 'InstanceAvailability', 'InstanceNumber', 'Rows', 'Columns', 'NumberOfFrames',
  'StudyInstanceUID', 'SeriesInstanceUID',
];

/** Every attribute the archive index can return (sim/archive/query.ts KEYS): what `includefield=all` means. */
const INDEXED = [
  'PatientName', 'PatientID', 'IssuerOfPatientID', 'PatientBirthDate', 'PatientSex',
  'NumberOfPatientRelatedStudies', 'NumberOfPatientRelatedSeries', 'NumberOfPatientRelatedInstances',
  ...STUDY_DEFAULTS, 'SOPClassesInStudy', 'RetrieveAETitle',
  ...SERIES_DEFAULTS, 'BodyPartExamined', 'StationName',
  ...INSTANCE_DEFAULTS, 'AvailableTransferSyntaxUID',
];

export interface QidoOptions {
  /** `{origin}/dicomweb/{AE}`: RetrieveURL (0008,1190) values hang below it */
  baseUrl: string;
  retrieveAeTitle?: string;
  /** at most this many results when the client gives no limit (a Warning says more exist) */
  maxResults?: number;
}

export interface QidoResult {
  matches: DicomJson[];
  /** Warning header texts (PS3.18 8.3.3.1: unsupported includefield, fuzzy matching, truncated results) */
  warnings: string[];
}

interface ParsedQuery {
  keys: Map<string, string[]>;
  include: Set<string>;
  includeAll: boolean;
  limit?: number;
  offset: number;
  warnings: string[];
}

function nonNegativeInt(name: string, raw: string): number {
  if (!/^\d{1,9}$/.test(raw.trim())) throw new DicomWebError(400, `Query parameter "${name}" must be a non-negative integer, not "${raw}".`);
  return Number(raw.trim());
}

function entityOf(keyword: string): Entity | undefined {
  return keyDefinition(keyword)?.entity as Entity | undefined;
}

/** Parses and checks the query string for a search at `target.level`. */
export function parseQidoQuery(target: QidoTarget, params: URLSearchParams): ParsedQuery {
  const depth = LEVEL_DEPTH[target.level];
  const q: ParsedQuery = { keys: new Map(), include: new Set(), includeAll: false, offset: 0, warnings: [] };
  for (const [name, value] of params) {
    const lower = name.toLowerCase();
    if (lower === 'limit') {
      q.limit = nonNegativeInt(name, value);
      continue;
    }
    if (lower === 'offset') {
      q.offset = nonNegativeInt(name, value);
      continue;
    }
    if (lower === 'fuzzymatching') {
      if (!/^(true|false)$/i.test(value)) throw new DicomWebError(400, `Query parameter "fuzzymatching" must be true or false, not "${value}".`);
      if (/^true$/i.test(value)) q.warnings.push('fuzzymatching is not supported: person names match case-insensitively, with * and ? wildcards');
      continue;
    }
    if (lower === 'includefield') {
      for (const f of value.split(',').map((s) => s.trim()).filter(Boolean)) {
        if (f.toLowerCase() === 'all') {
          q.includeAll = true;
          continue;
        }
        const a = attribute(f);
        if (!a) throw new DicomWebError(400, `includefield: "${f}" is not a DICOM keyword or an eight-digit tag.`);
        q.include.add(a.keyword);
      }
      continue;
    }
    const a = attribute(name);
    if (!a) {
      throw new DicomWebError(
        400,
        `Unknown query parameter "${name}": not a DICOM attribute keyword or tag, nor limit, offset, includefield or fuzzymatching.`,
      );
    }
    const def = keyDefinition(a.keyword);
    if (!def || def.computed === 'retrieveAeTitle' || def.computed === 'instanceAvailability') {
      throw new DicomWebError(400, `Query parameter "${name}" (${a.keyword}) is not a matching key this archive supports.`);
    }
    if (DEPTH[def.entity as Entity] > depth) {
      throw new DicomWebError(
        400,
        `Query parameter "${name}" (${a.keyword}) is a ${LEVEL_NAME[def.entity as Entity]}-level attribute: it cannot be matched in a search for ${target.level}.`,
      );
    }
    const values = def.vr === 'UI' || def.vr === 'CS' ? value.split(/[,\\]/).map((s) => s.trim()) : [value];
    q.keys.set(a.keyword, [...(q.keys.get(a.keyword) ?? []), ...values]);
  }
  return q;
}

function checkUid(what: string, uid: string | undefined) {
  if (uid === undefined) return;
  const r = parseUid(uid);
  if (!r.ok || r.uid !== uid) throw new DicomWebError(400, `${what} "${uid}" in the path is not a valid UID (PS3.5 9.1).`);
}

/** The attributes each result carries: the defaults of the level (and of the levels above for relational searches), then includefield. */
function returnKeys(target: QidoTarget, q: ParsedQuery): { keys: string[]; missing: string[] } {
  const depth = LEVEL_DEPTH[target.level];
  const keys: string[] = [];
  if (target.level === 'studies') keys.push(...STUDY_DEFAULTS);
  if (target.level === 'series') keys.push(...(target.study ? [] : STUDY_DEFAULTS), ...SERIES_DEFAULTS);
  if (target.level === 'instances') {
    keys.push(...(target.study ? [] : STUDY_DEFAULTS), ...(target.series ? [] : SERIES_DEFAULTS), ...INSTANCE_DEFAULTS);
  }
  const missing: string[] = [];
  const wanted = q.includeAll ? [...INDEXED, ...q.include] : [...q.include];
  for (const k of wanted) {
    const e = entityOf(k);
    if (e && DEPTH[e] <= depth) keys.push(k);
    else if (!q.includeAll || q.include.has(k)) missing.push(k);
  }
  return { keys: [...new Set(keys)], missing };
}

function identifierFor(level: 'STUDY' | 'SERIES' | 'IMAGE', keys: Map<string, string[]>, returned: string[], fixed: Record<string, string>, maxDepth: number): Identifier {
  const id: Identifier = { QueryRetrieveLevel: level };
  for (const k of returned) id[k] = '';
  for (const [k, values] of keys) {
    const e = entityOf(k);
    if (e && DEPTH[e] <= maxDepth) id[k] = values.length === 1 ? values[0] : values;
  }
  Object.assign(id, fixed);
  return id;
}

async function* find(db: Db, sandboxId: string, identifier: Identifier, retrieveAeTitle?: string): AsyncGenerator<ResponseDataset> {
  const options = { retrieveAeTitle };
  const q = prepareFind('STUDY_ROOT', identifier, options);
  if (!q.ok) throw new DicomWebError(400, `The query does not fit the study/series/instance model: ${q.detail}.`);
  yield* runFind(db, sandboxId, q, options);
}

/** Every match of the search, before offset and limit, as naturalized data sets. */
async function* matchesOf(db: Db, sandboxId: string, target: QidoTarget, q: ParsedQuery, returned: string[], ae?: string): AsyncGenerator<ResponseDataset> {
  const keys = q.keys;
  if (target.level === 'studies') {
    yield* find(db, sandboxId, identifierFor('STUDY', keys, returned, {}, 1), ae);
    return;
  }
  // the studies to look in: the one in the path, or every study matching the patient and study keys
  const studies = async function* (): AsyncGenerator<string> {
    if (target.study) {
      yield target.study;
      return;
    }
    for await (const s of find(db, sandboxId, identifierFor('STUDY', keys, ['StudyInstanceUID'], {}, 1), ae)) yield String(s.StudyInstanceUID);
  };
  if (target.level === 'series') {
    for await (const study of studies()) {
      yield* find(db, sandboxId, identifierFor('SERIES', keys, returned, { StudyInstanceUID: study }, 2), ae);
    }
    return;
  }
  for await (const study of studies()) {
    const seriesList: string[] = [];
    if (target.series) seriesList.push(target.series);
    else {
      for await (const s of find(db, sandboxId, identifierFor('SERIES', keys, ['SeriesInstanceUID'], { StudyInstanceUID: study }, 2), ae)) {
        seriesList.push(String(s.SeriesInstanceUID));
      }
    }
    for (const series of seriesList) {
      yield* find(db, sandboxId, identifierFor('IMAGE', keys, returned, { StudyInstanceUID: study, SeriesInstanceUID: series }, 3), ae);
    }
  }
}

function retrieveUrl(baseUrl: string, level: QidoTarget['level'], m: ResponseDataset): string {
  const study = `${baseUrl}/studies/${m.StudyInstanceUID}`;
  if (level === 'studies') return study;
  if (level === 'series') return `${study}/series/${m.SeriesInstanceUID}`;
  return `${study}/series/${m.SeriesInstanceUID}/instances/${m.SOPInstanceUID}`;
}

/** Search Transaction (PS3.18 10.6): the matches as DICOM JSON, after offset and limit. */
export async function searchForResources(
  db: Db,
  sandboxId: string,
  target: QidoTarget,
  params: URLSearchParams,
  options: QidoOptions,
): Promise<QidoResult> {
  if (target.level !== 'studies') checkUid('Study Instance UID', target.study);
  if (target.level === 'instances') checkUid('Series Instance UID', target.series);
  const q = parseQidoQuery(target, params);
  const { keys: returned, missing } = returnKeys(target, q);
  const warnings = [...q.warnings];
  if (missing.length) warnings.push(`includefield: not kept in the archive index, not returned: ${missing.join(', ')}`);

  const max = options.maxResults ?? 1000;
  const limit = q.limit === undefined ? max : Math.min(q.limit, max);
  let skip = q.offset;
  const matches: DicomJson[] = [];
  let more = false;
  for await (const m of matchesOf(db, sandboxId, target, q, returned, options.retrieveAeTitle)) {
    if (skip > 0) {
      skip--;
      continue;
    }
    if (matches.length >= limit) {
      more = true;
      break;
    }
    const json = naturalizedToJson(m);
    json['00081190'] = jsonAttribute('UR', retrieveUrl(options.baseUrl, target.level, m));
    matches.push(sortByTag(json));
  }
  if (more && (q.limit === undefined || q.limit > max)) {
    warnings.push(`there are more than ${limit} matches: ask for the next ones with offset=${q.offset + limit}`);
  }
  return { matches, warnings };
}
