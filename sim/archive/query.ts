// C-FIND over the archive index (PS3.4 C.4.1, C.6.1 Patient Root, C.6.2 Study Root), and the resolution of a
// C-MOVE / C-GET identifier to the instances to send. Plain functions over Prisma; the DIMSE handlers
// (findScp.ts and the retrieve side) are thin wrappers.
//
// How a query runs: the identifier is validated once (`prepareFind`), every key that the database can narrow
// on portably becomes part of a Prisma `where` (a superset of the true matches: indexes do the heavy lifting),
// then every key is matched exactly in JS with matching.ts, so the database and the standard never disagree.
// Rows are read in id-ordered pages, so a query over 10,000 studies streams rather than loading everything.
//
// Choices, documented in the conformance statement:
// - Person names match case-insensitively (matching.ts). Patient's Name narrows on Patient.patientNameKey.
// - Keys of the levels above the query level other than their unique keys (e.g. Patient's Name at STUDY level
//   in the Patient Root model) are matched and returned, as most PACS do, though the baseline hierarchical
//   search only requires the unique keys there. Keys of levels below the query level, and keys we do not
//   index, are returned empty and the pending status is FF01 (PS3.4 C.4.1.1.4).
// - Specific Character Set: dcmjs hands us identifiers already decoded to JS strings, so matching is on
//   Unicode text. A response carrying any non-ASCII value declares "ISO_IR 192" (UTF-8), which is how dcmjs
//   encodes strings; an all-ASCII response carries no Specific Character Set (the default repertoire).
import type { Db } from '../../prisma/db';
import { directSqlite } from '../../prisma/directSqlite';
import { Status } from '../dicom/status';
import {
  hasWildcard,
  invalidQueryValue,
  isEmptyValueQuery,
  isUniversal,
  matchAttribute,
  matchCombinedDateTime,
  normalizeDate,
  normalizePersonName,
  parseRange,
  personNameStem,
  queryValues,
  wildcardLiterals,
} from './matching';

export type QrModel = 'PATIENT_ROOT' | 'STUDY_ROOT';
export type QrLevel = 'PATIENT' | 'STUDY' | 'SERIES' | 'IMAGE';
/** A naturalized dataset as dcmjs gives it: keyword → value. */
export type Identifier = Record<string, unknown>;
export type ResponseDataset = Record<string, string | number | string[]>;

export const QR_LEVELS: Record<QrModel, readonly QrLevel[]> = {
  PATIENT_ROOT: ['PATIENT', 'STUDY', 'SERIES', 'IMAGE'],
  STUDY_ROOT: ['STUDY', 'SERIES', 'IMAGE'], // PS3.4 C.6.2: no PATIENT level
};

/** The Query/Retrieve FIND, MOVE and GET SOP classes (PS3.4 C.6.1.1, C.6.2.1). */
export const QR_SOP_CLASSES = {
  PATIENT_ROOT: { find: '1.2.840.10008.5.1.4.1.2.1.1', move: '1.2.840.10008.5.1.4.1.2.1.2', get: '1.2.840.10008.5.1.4.1.2.1.3' },
  STUDY_ROOT: { find: '1.2.840.10008.5.1.4.1.2.2.1', move: '1.2.840.10008.5.1.4.1.2.2.2', get: '1.2.840.10008.5.1.4.1.2.2.3' },
} as const;

// ---------------------------------------------------------------------------------------------------------
// Statuses (codes from sim/dicom/status.ts; the meanings here are the C-FIND wording of PS3.4 C.4.1.1.4)
// ---------------------------------------------------------------------------------------------------------

export interface QueryFailure {
  ok: false;
  /** (0000,0900) */
  status: number;
  meaning: string;
  /** (0000,0902) Error Comment: at most 64 characters, for the peer */
  errorComment: string;
  /** the keywords behind (0000,0901) Offending Element */
  offendingElements: string[];
  /** the whole explanation, for the network log */
  detail: string;
}

export const FIND_STATUS = {
  pending: { code: Status.Pending, meaning: 'Pending: matches are continuing' },
  pendingWarning: { code: Status.PendingWarning, meaning: 'Pending: matches are continuing, one or more optional keys were not supported' },
  success: { code: Status.Success, meaning: 'Success: matching is complete' },
  cancel: { code: Status.Cancel, meaning: 'Cancel: matching terminated due to Cancel request' },
  identifierDoesNotMatch: { code: Status.DataSetDoesNotMatchSopClass, meaning: 'Failed: Identifier does not match SOP Class' },
  unableToProcess: { code: Status.CannotUnderstand, meaning: 'Failed: Unable to process' },
} as const;

function failure(kind: 'identifierDoesNotMatch' | 'unableToProcess', detail: string, offending: string[] = []): QueryFailure {
  const s = FIND_STATUS[kind];
  return { ok: false, status: s.code, meaning: s.meaning, errorComment: detail.slice(0, 64), offendingElements: offending, detail };
}

/** What a thrown error in a query becomes: C000-range "unable to process", never a dead association. */
export function unableToProcess(err: unknown): QueryFailure {
  return failure('unableToProcess', `query failed: ${err instanceof Error ? err.message : String(err)}`);
}

// ---------------------------------------------------------------------------------------------------------
// The keys this archive supports, by level (PS3.4 C.6.1.1.2-5, C.6.2.1.2-4)
// ---------------------------------------------------------------------------------------------------------

type Entity = 'patient' | 'study' | 'series' | 'instance';
const ENTITY_OF: Record<QrLevel, Entity> = { PATIENT: 'patient', STUDY: 'study', SERIES: 'series', IMAGE: 'instance' };
const DEPTH: Record<Entity, number> = { patient: 0, study: 1, series: 2, instance: 3 };
const PARENT: Record<Entity, Entity | null> = { patient: null, study: 'patient', series: 'study', instance: 'series' };

type Computed =
  | 'patientStudies'
  | 'patientSeries'
  | 'patientInstances'
  | 'studySeries'
  | 'studyInstances'
  | 'modalitiesInStudy'
  | 'sopClassesInStudy'
  | 'seriesInstances'
  | 'retrieveAeTitle'
  | 'instanceAvailability';

interface KeyDef {
  keyword: string;
  tag: string;
  vr: string;
  entity: Entity;
  /** the Prisma field on its entity's model */
  column?: string;
  computed?: Computed;
  unique?: boolean;
  /** Patient's Name narrows on this column instead (upper-cased key) */
  keyColumn?: string;
}

const KEYS: readonly KeyDef[] = [
  // Patient (C.6.1.1.2; at STUDY level in the Study Root model, C.6.2.1.2)
  { keyword: 'PatientName', tag: '00100010', vr: 'PN', entity: 'patient', column: 'patientName', keyColumn: 'patientNameKey' },
  { keyword: 'PatientID', tag: '00100020', vr: 'LO', entity: 'patient', column: 'patientId', unique: true },
  { keyword: 'IssuerOfPatientID', tag: '00100021', vr: 'LO', entity: 'patient', column: 'issuer' },
  { keyword: 'PatientBirthDate', tag: '00100030', vr: 'DA', entity: 'patient', column: 'birthDate' },
  { keyword: 'PatientSex', tag: '00100040', vr: 'CS', entity: 'patient', column: 'sex' },
  { keyword: 'NumberOfPatientRelatedStudies', tag: '00201200', vr: 'IS', entity: 'patient', computed: 'patientStudies' },
  { keyword: 'NumberOfPatientRelatedSeries', tag: '00201202', vr: 'IS', entity: 'patient', computed: 'patientSeries' },
  { keyword: 'NumberOfPatientRelatedInstances', tag: '00201204', vr: 'IS', entity: 'patient', computed: 'patientInstances' },
  // Study (C.6.1.1.3, C.6.2.1.2)
  { keyword: 'StudyInstanceUID', tag: '0020000D', vr: 'UI', entity: 'study', column: 'studyInstanceUid', unique: true },
  { keyword: 'StudyDate', tag: '00080020', vr: 'DA', entity: 'study', column: 'studyDate' },
  { keyword: 'StudyTime', tag: '00080030', vr: 'TM', entity: 'study', column: 'studyTime' },
  { keyword: 'AccessionNumber', tag: '00080050', vr: 'SH', entity: 'study', column: 'accessionNumber' },
  { keyword: 'StudyID', tag: '00200010', vr: 'SH', entity: 'study', column: 'studyId' },
  { keyword: 'StudyDescription', tag: '00081030', vr: 'LO', entity: 'study', column: 'studyDescription' },
  { keyword: 'ReferringPhysicianName', tag: '00080090', vr: 'PN', entity: 'study', column: 'referringPhysicianName' },
  { keyword: 'ModalitiesInStudy', tag: '00080061', vr: 'CS', entity: 'study', computed: 'modalitiesInStudy' },
  { keyword: 'SOPClassesInStudy', tag: '00080062', vr: 'UI', entity: 'study', computed: 'sopClassesInStudy' },
  { keyword: 'NumberOfStudyRelatedSeries', tag: '00201206', vr: 'IS', entity: 'study', computed: 'studySeries' },
  { keyword: 'NumberOfStudyRelatedInstances', tag: '00201208', vr: 'IS', entity: 'study', computed: 'studyInstances' },
  // Series (C.6.1.1.4)
  { keyword: 'SeriesInstanceUID', tag: '0020000E', vr: 'UI', entity: 'series', column: 'seriesInstanceUid', unique: true },
  { keyword: 'Modality', tag: '00080060', vr: 'CS', entity: 'series', column: 'modality' },
  { keyword: 'SeriesNumber', tag: '00200011', vr: 'IS', entity: 'series', column: 'seriesNumber' },
  { keyword: 'SeriesDescription', tag: '0008103E', vr: 'LO', entity: 'series', column: 'seriesDescription' },
  { keyword: 'BodyPartExamined', tag: '00180015', vr: 'CS', entity: 'series', column: 'bodyPartExamined' },
  { keyword: 'StationName', tag: '00081010', vr: 'SH', entity: 'series', column: 'stationName' },
  { keyword: 'NumberOfSeriesRelatedInstances', tag: '00201209', vr: 'IS', entity: 'series', computed: 'seriesInstances' },
  // Composite object instance (C.6.1.1.5)
  { keyword: 'SOPInstanceUID', tag: '00080018', vr: 'UI', entity: 'instance', column: 'sopInstanceUid', unique: true },
  { keyword: 'SOPClassUID', tag: '00080016', vr: 'UI', entity: 'instance', column: 'sopClassUid' },
  { keyword: 'InstanceNumber', tag: '00200013', vr: 'IS', entity: 'instance', column: 'instanceNumber' },
  { keyword: 'Rows', tag: '00280010', vr: 'US', entity: 'instance', column: 'rows' },
  { keyword: 'Columns', tag: '00280011', vr: 'US', entity: 'instance', column: 'columns' },
  { keyword: 'NumberOfFrames', tag: '00280008', vr: 'IS', entity: 'instance', column: 'numberOfFrames' },
  { keyword: 'AvailableTransferSyntaxUID', tag: '00083002', vr: 'UI', entity: 'instance', column: 'transferSyntaxUid' },
  // Any level (C.4.1.1.3.2): where to retrieve from, and how soon
  { keyword: 'RetrieveAETitle', tag: '00080054', vr: 'AE', entity: 'patient', computed: 'retrieveAeTitle' },
  { keyword: 'InstanceAvailability', tag: '00080056', vr: 'CS', entity: 'patient', computed: 'instanceAvailability' },
];

const KEY_BY_KEYWORD = new Map(KEYS.map((k) => [k.keyword, k]));
const UNIQUE_KEY: Record<Entity, string> = {
  patient: 'PatientID',
  study: 'StudyInstanceUID',
  series: 'SeriesInstanceUID',
  instance: 'SOPInstanceUID',
};
/** Not query keys: they describe the identifier itself. */
const NOT_KEYS = new Set(['QueryRetrieveLevel', 'SpecificCharacterSet', 'TimezoneOffsetFromUTC']);

export function keyDefinition(keyword: string) {
  return KEY_BY_KEYWORD.get(keyword);
}

/** The levels whose unique keys go into every response above `level` (C.4.1.1.3.2), in model order. */
function levelsAbove(model: QrModel, level: QrLevel): QrLevel[] {
  const levels = QR_LEVELS[model];
  return levels.slice(0, levels.indexOf(level));
}

// ---------------------------------------------------------------------------------------------------------
// Validation: prepareFind
// ---------------------------------------------------------------------------------------------------------

interface QueryKey {
  def: KeyDef;
  values: string[];
  universal: boolean;
}

export interface PreparedFind {
  ok: true;
  model: QrModel;
  level: QrLevel;
  /** requested keys in identifier order (what each response carries) */
  requested: string[];
  /** supported keys with their parsed values */
  keys: QueryKey[];
  /** requested keys that are returned empty (unknown, not indexed, below the query level, sequences) */
  unsupported: string[];
  /** FF00, or FF01 when some optional key was not supported (PS3.4 C.4.1.1.4) */
  pendingStatus: number;
  combinedDateTime: boolean;
}

export interface FindOptions {
  /** Extended negotiation "combined datetime matching" accepted (PS3.4 C.5.1.1.2) */
  combinedDateTime?: boolean;
  /** The archive's AE title, returned in Retrieve AE Title (0008,0054) when asked for */
  retrieveAeTitle?: string;
  /** Rows read from the database per page (default 500) */
  pageSize?: number;
  /** Stop after this many responses (QIDO-RS limit; C-FIND has none) */
  limit?: number;
  /** Skip this many responses first (QIDO-RS offset) */
  offset?: number;
}

function isSequenceValue(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0 && typeof v[0] === 'object' && v[0] !== null && !('Alphabetic' in v[0] || 'Ideographic' in v[0] || 'Phonetic' in v[0]);
}

function singleValueProblem(keyword: string, values: string[]): string | null {
  if (values.length === 0 || isUniversal(values)) return `${keyword} is required (single value) above the query level`;
  if (values.length > 1) return `${keyword} must be a single value above the query level, not a list`;
  if (hasWildcard(values[0])) return `${keyword} must be a single value above the query level, not a wildcard`;
  return null;
}

/**
 * Checks an identifier against the information model (hierarchical search, PS3.4 C.4.1.2.1 and C.6.1/C.6.2)
 * and parses its keys. Failures are A900 "Identifier does not match SOP Class" with the offending keys.
 */
export function prepareFind(model: QrModel, identifier: Identifier, options: FindOptions = {}): PreparedFind | QueryFailure {
  if (!identifier || typeof identifier !== 'object') return failure('identifierDoesNotMatch', 'no identifier');
  const rawLevel = queryValues(identifier.QueryRetrieveLevel);
  const level = rawLevel[0]?.toUpperCase() as QrLevel | undefined;
  if (rawLevel.length !== 1 || !level || !QR_LEVELS[model].includes(level)) {
    const allowed = QR_LEVELS[model].join(', ');
    const what = rawLevel.length === 0 ? 'missing' : `"${rawLevel.join('\\')}" is not valid`;
    return failure(
      'identifierDoesNotMatch',
      `Query/Retrieve Level ${what} for ${model === 'STUDY_ROOT' ? 'Study Root' : 'Patient Root'} (allowed: ${allowed})`,
      ['QueryRetrieveLevel'],
    );
  }
  const entity = ENTITY_OF[level];

  // Unique keys of the levels above: present, single value (hierarchical search).
  for (const above of levelsAbove(model, level)) {
    const keyword = UNIQUE_KEY[ENTITY_OF[above]];
    const problem = singleValueProblem(keyword, queryValues(identifier[keyword]));
    if (problem) return failure('identifierDoesNotMatch', problem, [keyword]);
  }
  // The unique key of the query level: universal, single value or (for UIDs) a list; never a wildcard on a UID.
  const ownKey = UNIQUE_KEY[entity];
  const ownValues = queryValues(identifier[ownKey]);
  if (KEY_BY_KEYWORD.get(ownKey)!.vr === 'UI' && ownValues.some((v) => hasWildcard(v) && !/^\*+$/.test(v))) {
    return failure('identifierDoesNotMatch', `${ownKey} takes a UID or a list of UIDs, not a wildcard`, [ownKey]);
  }

  const requested: string[] = [];
  const keys: QueryKey[] = [];
  const unsupported: string[] = [];
  for (const [keyword, raw] of Object.entries(identifier)) {
    if (keyword.startsWith('_') || NOT_KEYS.has(keyword)) continue;
    if (/^[0-9A-F]{8}$/i.test(keyword)) {
      unsupported.push(keyword); // private or unknown tag: dcmjs could not name it; not returned
      continue;
    }
    requested.push(keyword);
    const def = KEY_BY_KEYWORD.get(keyword);
    // Keys below the query level are not part of a hierarchical query; Study Root has no patient level, but
    // patient keys are study-level keys there, so "above" is all that matters.
    if (!def || DEPTH[def.entity] > DEPTH[entity] || isSequenceValue(raw)) {
      unsupported.push(keyword);
      continue;
    }
    const values = queryValues(raw);
    for (const v of values) {
      const problem = invalidQueryValue(def.vr, v);
      if (problem) return failure('identifierDoesNotMatch', `${keyword}: ${problem}`, [keyword]);
    }
    keys.push({ def, values, universal: isUniversal(values) });
  }
  // The unique key of the query level is in every response even when the SCU forgot to ask (C.4.1.1.3.2).
  for (const keyword of [...levelsAbove(model, level).map((l) => UNIQUE_KEY[ENTITY_OF[l]]), ownKey]) {
    if (!requested.includes(keyword)) {
      requested.push(keyword);
      keys.push({ def: KEY_BY_KEYWORD.get(keyword)!, values: [], universal: true });
    }
  }
  if (keys.some((k) => k.def.computed === 'retrieveAeTitle') && !options.retrieveAeTitle) {
    unsupported.push('RetrieveAETitle');
  }
  return {
    ok: true,
    model,
    level,
    requested,
    keys,
    unsupported,
    pendingStatus: unsupported.length ? FIND_STATUS.pendingWarning.code : FIND_STATUS.pending.code,
    combinedDateTime: !!options.combinedDateTime,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Narrowing in the database (portable Prisma filters; always a superset of the true matches)
// ---------------------------------------------------------------------------------------------------------

type Where = Record<string, unknown>;

function providerOf(db: Db): 'sqlite' | 'postgresql' | 'unknown' {
  const p = (db as unknown as { _activeProvider?: string })._activeProvider;
  return p === 'sqlite' || p === 'postgresql' ? p : 'unknown';
}

/**
 * "Starts with" that uses an index. SQLite's LIKE (which Prisma's startsWith becomes) is case-insensitive and so
 * cannot use an ordinary index; a BINARY range [p, p⁺) is exactly the prefix and can. PostgreSQL's LIKE is
 * case-sensitive, and a range is only a prefix under the C collation, so there we keep startsWith.
 */
function prefixFilter(provider: string, prefix: string): Where {
  if (provider === 'sqlite') {
    const last = prefix.charCodeAt(prefix.length - 1);
    if (last < 0xd800 || (last > 0xdfff && last < 0xffff)) {
      return { gte: prefix, lt: prefix.slice(0, -1) + String.fromCharCode(last + 1) };
    }
    return { gte: prefix };
  }
  return { startsWith: prefix };
}

function and(parts: (Where | undefined)[]): Where | undefined {
  const defined = parts.filter((p): p is Where => !!p && Object.keys(p).length > 0);
  if (defined.length === 0) return undefined;
  return defined.length === 1 ? defined[0] : { AND: defined };
}

function or(parts: (Where | undefined)[]): Where | undefined {
  // An OR is only a superset if every branch is: one branch we cannot narrow makes the whole OR unnarrowable.
  if (parts.length === 0 || parts.some((p) => !p)) return undefined;
  return parts.length === 1 ? parts[0] : { OR: parts };
}

const INT_COLUMNS = new Set(['seriesNumber', 'instanceNumber', 'rows', 'columns', 'numberOfFrames']);

/** The filter for one value of one key on its own entity's table, or undefined if JS must do it all. */
function narrowOne(def: KeyDef, value: string, provider: string): Where | undefined {
  if (def.computed) return undefined;
  const col = def.column!;
  if (isEmptyValueQuery(value)) return INT_COLUMNS.has(col) ? { [col]: null } : { [col]: '' };
  if (INT_COLUMNS.has(col)) {
    const n = Number(value);
    return Number.isInteger(n) ? { [col]: n } : undefined;
  }
  if (def.vr === 'DA') {
    const r = parseRange(value, 'DA');
    if (!r) return undefined;
    const lo = r.lower === undefined ? undefined : normalizeDate(r.lower);
    const hi = r.upper === undefined ? undefined : normalizeDate(r.upper);
    if (lo === null || hi === null) return undefined;
    // stored DA values are YYYYMMDD, so string order is date order; '' (no date) never matches a range
    return { [col]: { not: '', ...(lo !== undefined ? { gte: lo } : {}), ...(hi !== undefined ? { lte: hi } : {}) } };
  }
  if (def.vr === 'TM' || def.vr === 'DT') return undefined; // precision-dependent: JS only
  if (def.vr === 'PN') {
    if (!def.keyColumn) return undefined; // no upper-cased copy: PostgreSQL's LIKE would be case-sensitive
    // Only the alphabetic group is narrowed (a non-ASCII query may match another group), and only by literals
    // that every stored form of the name contains whatever its trailing separators.
    const q = personNameStem(normalizePersonName(value).toUpperCase());
    // eslint-disable-next-line no-control-regex
    if (!/^[\x00-\x7f]*$/.test(q)) return undefined;
    const firstGroup = q.split('=')[0];
    const { prefix, longest } = wildcardLiterals(firstGroup);
    const hasWild = hasWildcard(firstGroup) || q.includes('=') || q !== normalizePersonName(value).toUpperCase();
    const p = hasWild ? prefix : firstGroup;
    return and([
      p ? { [def.keyColumn]: prefixFilter(provider, p) } : undefined,
      longest && longest !== p ? { [def.keyColumn]: { contains: longest } } : undefined,
    ]);
  }
  if (hasWildcard(value) && !/^\*+$/.test(value)) {
    if (def.vr === 'UI') return undefined;
    const { prefix, longest } = wildcardLiterals(value);
    // contains is case-insensitive LIKE on SQLite: still a superset; JS decides.
    return and([
      prefix ? { [col]: prefixFilter(provider, prefix) } : undefined,
      longest && longest !== prefix ? { [col]: { contains: longest } } : undefined,
    ]);
  }
  return { [col]: value };
}

function narrowKey(key: QueryKey, provider: string): Where | undefined {
  if (key.universal) return undefined;
  const { def, values } = key;
  if (def.computed === 'modalitiesInStudy') {
    if (values.some((v) => hasWildcard(v) || isEmptyValueQuery(v))) return undefined;
    return { series: { some: { modality: { in: values } } } };
  }
  if (def.computed) return undefined;
  const exact = values.every((v) => !hasWildcard(v) && !isEmptyValueQuery(v) && !['DA', 'TM', 'DT', 'PN'].includes(def.vr));
  if (values.length > 1 && exact && !INT_COLUMNS.has(def.column!)) return { [def.column!]: { in: values } };
  return or(values.map((v) => narrowOne(def, v, provider)));
}

/** Nests a filter on `target`'s table into a filter on `from`'s table through the parent relations. */
function through(from: Entity, target: Entity, where: Where): Where {
  let w = where;
  const chain: Entity[] = [];
  for (let e: Entity | null = PARENT[from]; e && DEPTH[e] >= DEPTH[target]; e = PARENT[e]) chain.push(e);
  for (let i = chain.length - 1; i >= 0; i--) w = { [chain[i]]: w };
  return w;
}

/**
 * The Prisma `where` for the query level's table. Filters on the parent tables become relation filters, which
 * Prisma turns into joins that both databases drive from the parents' indexes (e.g. Patient by
 * (sandboxId, patientNameKey), then Study by patientRefId): checked with `query.bench.ts --explain`.
 */
function buildWhere(sandboxId: string, q: PreparedFind, provider: string): Where {
  const entity = ENTITY_OF[q.level];
  const byEntity = new Map<Entity, Where[]>();
  for (const key of q.keys) {
    // With combined date-time matching the Study Date bounds still bound the date: the narrowing stays a superset.
    const w = narrowKey(key, provider);
    if (!w) continue;
    byEntity.set(key.def.entity, [...(byEntity.get(key.def.entity) ?? []), w]);
  }
  const all: Where[] = [{ sandboxId }, ...(byEntity.get(entity) ?? [])];
  for (let e = PARENT[entity]; e; e = PARENT[e]) {
    const filters = byEntity.get(e);
    // sandboxId again on the parent: its indexes all lead with it
    if (filters) all.push(through(entity, e, { AND: [{ sandboxId }, ...filters] }));
  }
  return { AND: all };
}

/** Splits an id list so no statement exceeds the bound-parameter limits (SQLite's is the tightest). */
function chunks<T>(items: T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Running a query
// ---------------------------------------------------------------------------------------------------------

type PatientRow = { id: string; patientId: string; issuer: string; patientName: string; birthDate: string; sex: string };
type StudyRow = Record<string, unknown> & { id: string; patientRefId: string; patient?: PatientRow };
type SeriesRow = Record<string, unknown> & { id: string; studyRefId: string; study?: StudyRow };
type InstanceRow = Record<string, unknown> & { id: string; seriesRefId: string; series?: SeriesRow };

interface Bundle {
  patient: PatientRow & Record<string, unknown>;
  study?: StudyRow;
  series?: SeriesRow;
  instance?: InstanceRow;
}

interface Stats {
  patient: Map<string, { studies: number; series: number; instances: number }>;
  study: Map<string, { series: number; instances: number; modalities: string[]; sopClasses: string[] }>;
  series: Map<string, number>;
}

function toBundle(level: QrLevel, row: Record<string, unknown>): Bundle {
  switch (level) {
    case 'PATIENT':
      return { patient: row as Bundle['patient'] };
    case 'STUDY': {
      const study = row as StudyRow;
      return { patient: study.patient as Bundle['patient'], study };
    }
    case 'SERIES': {
      const series = row as SeriesRow;
      return { patient: series.study!.patient as Bundle['patient'], study: series.study, series };
    }
    case 'IMAGE': {
      const instance = row as InstanceRow;
      const series = instance.series!;
      return { patient: series.study!.patient as Bundle['patient'], study: series.study, series, instance };
    }
  }
}

const INCLUDE: Record<QrLevel, Where | undefined> = {
  PATIENT: undefined,
  STUDY: { patient: true },
  SERIES: { study: { include: { patient: true } } },
  IMAGE: { series: { include: { study: { include: { patient: true } } } } },
};

function distinctSorted(values: Iterable<string>): string[] {
  return [...new Set([...values].filter((v) => v !== ''))].sort();
}

// The reads behind the computed attributes, by lists of row ids. On SQLite they are prepared statements on the
// direct connection (prisma/directSqlite.ts), the id list bound as one JSON array: Prisma planned each in its
// query compiler, ~0.5-0.7 ms of a C-FIND's time per read. Elsewhere (PostgreSQL, a busy SQLite file) Prisma, in
// chunks under the bound-parameter limits.
const STUDIES_OF_PATIENTS = 'SELECT "id", "patientRefId" FROM "Study" WHERE "patientRefId" IN (SELECT value FROM json_each(?))';
const SERIES_OF_STUDIES = 'SELECT "id", "studyRefId", "modality" FROM "Series" WHERE "studyRefId" IN (SELECT value FROM json_each(?))';
const INSTANCES_BY_SERIES_AND_CLASS =
  'SELECT "seriesRefId", "sopClassUid", COUNT(*) AS "count" FROM "Instance" WHERE "seriesRefId" IN (SELECT value FROM json_each(?)) GROUP BY "seriesRefId", "sopClassUid"';
const INSTANCES_BY_SERIES = 'SELECT "seriesRefId", COUNT(*) AS "count" FROM "Instance" WHERE "seriesRefId" IN (SELECT value FROM json_each(?)) GROUP BY "seriesRefId"';

async function readByIds<T>(db: Db, ids: string[], sql: string, fromRow: (r: Record<string, unknown>) => T, viaPrisma: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  if (ids.length === 0) return [];
  const rows = directSqlite(db)?.all(sql, [JSON.stringify(ids)]);
  if (rows && rows !== 'busy') return rows.map(fromRow);
  return (await Promise.all(chunks(ids).map(viaPrisma))).flat();
}

const studiesOfPatients = (db: Db, ids: string[]) =>
  readByIds(db, ids, STUDIES_OF_PATIENTS, (r) => ({ id: String(r.id), patientRefId: String(r.patientRefId) }), (chunk) =>
    db.study.findMany({ where: { patientRefId: { in: chunk } }, select: { id: true, patientRefId: true } }),
  );

const seriesOfStudies = (db: Db, ids: string[]) =>
  readByIds(db, ids, SERIES_OF_STUDIES, (r) => ({ id: String(r.id), studyRefId: String(r.studyRefId), modality: String(r.modality) }), (chunk) =>
    db.series.findMany({ where: { studyRefId: { in: chunk } }, select: { id: true, studyRefId: true, modality: true } }),
  );

const instancesBySeriesAndClass = (db: Db, ids: string[]) =>
  readByIds(db, ids, INSTANCES_BY_SERIES_AND_CLASS, (r) => ({ seriesRefId: String(r.seriesRefId), sopClassUid: String(r.sopClassUid), count: Number(r.count) }), async (chunk) =>
    (await db.instance.groupBy({ by: ['seriesRefId', 'sopClassUid'], where: { seriesRefId: { in: chunk } }, _count: { _all: true } })).map((g) => ({
      seriesRefId: g.seriesRefId,
      sopClassUid: g.sopClassUid,
      count: g._count._all,
    })),
  );

const instancesBySeries = (db: Db, ids: string[]) =>
  readByIds(db, ids, INSTANCES_BY_SERIES, (r) => ({ seriesRefId: String(r.seriesRefId), count: Number(r.count) }), async (chunk) =>
    (await db.instance.groupBy({ by: ['seriesRefId'], where: { seriesRefId: { in: chunk } }, _count: { _all: true } })).map((g) => ({ seriesRefId: g.seriesRefId, count: g._count._all })),
  );

/** Loads the computed attributes the query needs for a page of rows, in a handful of grouped queries. */
async function loadStats(db: Db, need: Set<Computed>, bundles: Bundle[]): Promise<Stats> {
  const stats: Stats = { patient: new Map(), study: new Map(), series: new Map() };
  const needPatient = need.has('patientStudies') || need.has('patientSeries') || need.has('patientInstances');
  const needStudy = needPatient || need.has('studySeries') || need.has('studyInstances') || need.has('modalitiesInStudy') || need.has('sopClassesInStudy');
  const needInstances = need.has('patientInstances') || need.has('studyInstances') || need.has('sopClassesInStudy');

  const studyIds = new Set<string>();
  const studyPatient = new Map<string, string>();
  if (needPatient) {
    const patientIds = [...new Set(bundles.map((b) => b.patient.id))];
    const studies = await studiesOfPatients(db, patientIds);
    for (const s of studies) {
      studyIds.add(s.id);
      studyPatient.set(s.id, s.patientRefId);
    }
    for (const id of patientIds) stats.patient.set(id, { studies: 0, series: 0, instances: 0 });
    for (const s of studies) stats.patient.get(s.patientRefId)!.studies++;
  }
  if (needStudy) {
    for (const b of bundles) if (b.study) studyIds.add(b.study.id);
    const series = await seriesOfStudies(db, [...studyIds]);
    const perSeries = new Map<string, { count: number; sopClasses: Set<string> }>();
    if (needInstances) {
      for (const g of await instancesBySeriesAndClass(db, series.map((s) => s.id))) {
        const e = perSeries.get(g.seriesRefId) ?? { count: 0, sopClasses: new Set<string>() };
        e.count += g.count;
        e.sopClasses.add(g.sopClassUid);
        perSeries.set(g.seriesRefId, e);
      }
    }
    const acc = new Map<string, { series: number; instances: number; modalities: Set<string>; sopClasses: Set<string> }>();
    for (const id of studyIds) acc.set(id, { series: 0, instances: 0, modalities: new Set(), sopClasses: new Set() });
    for (const s of series) {
      const a = acc.get(s.studyRefId)!;
      const p = perSeries.get(s.id);
      a.series++;
      a.instances += p?.count ?? 0;
      a.modalities.add(s.modality);
      for (const c of p?.sopClasses ?? []) a.sopClasses.add(c);
    }
    for (const [id, a] of acc) {
      stats.study.set(id, { series: a.series, instances: a.instances, modalities: distinctSorted(a.modalities), sopClasses: distinctSorted(a.sopClasses) });
      const pid = studyPatient.get(id);
      if (pid) {
        const p = stats.patient.get(pid)!;
        p.series += a.series;
        p.instances += a.instances;
      }
    }
  }
  if (need.has('seriesInstances')) {
    const seriesIds = [...new Set(bundles.map((b) => b.series?.id).filter((x): x is string => !!x))];
    for (const id of seriesIds) stats.series.set(id, 0);
    for (const g of await instancesBySeries(db, seriesIds)) stats.series.set(g.seriesRefId, g.count);
  }
  return stats;
}

/** The value of a key for one match, in dcmjs's naturalized form (string, number, or array when multi-valued). */
function valueOf(def: KeyDef, b: Bundle, stats: Stats, options: FindOptions): string | number | string[] {
  if (def.computed) {
    const st = b.study ? stats.study.get(b.study.id) : undefined;
    switch (def.computed) {
      case 'patientStudies':
        return stats.patient.get(b.patient.id)?.studies ?? 0;
      case 'patientSeries':
        return stats.patient.get(b.patient.id)?.series ?? 0;
      case 'patientInstances':
        return stats.patient.get(b.patient.id)?.instances ?? 0;
      case 'studySeries':
        return st?.series ?? 0;
      case 'studyInstances':
        return st?.instances ?? 0;
      case 'modalitiesInStudy':
        return multi(st?.modalities ?? []);
      case 'sopClassesInStudy':
        return multi(st?.sopClasses ?? []);
      case 'seriesInstances':
        return b.series ? (stats.series.get(b.series.id) ?? 0) : 0;
      case 'retrieveAeTitle':
        return options.retrieveAeTitle ?? '';
      case 'instanceAvailability':
        return 'ONLINE';
    }
  }
  const row = b[def.entity] as Record<string, unknown> | undefined;
  const v = row?.[def.column!];
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return v;
  return String(v);
}

function multi(values: string[]): string | string[] {
  return values.length === 0 ? '' : values.length === 1 ? values[0] : values;
}

function asStrings(v: string | number | string[]): string[] {
  if (Array.isArray(v)) return v;
  const s = String(v);
  return s === '' ? [] : [s];
}

function matches(q: PreparedFind, b: Bundle, stats: Stats, options: FindOptions): boolean {
  const combined = q.combinedDateTime ? combinedPair(q) : undefined;
  for (const key of q.keys) {
    if (key.universal) continue;
    if (combined && (key === combined.date || key === combined.time)) continue;
    if (!matchAttribute(key.def.vr, key.values, asStrings(valueOf(key.def, b, stats, options)))) return false;
  }
  if (combined) {
    const date = String(b.study?.studyDate ?? '');
    const time = String(b.study?.studyTime ?? '');
    if (!matchCombinedDateTime(combined.date.values[0], combined.time.values[0], date, time)) return false;
  }
  return true;
}

/** Study Date + Study Time, both non-universal single values: matched as one date-time range when negotiated. */
function combinedPair(q: PreparedFind): { date: QueryKey; time: QueryKey } | undefined {
  const date = q.keys.find((k) => k.def.keyword === 'StudyDate');
  const time = q.keys.find((k) => k.def.keyword === 'StudyTime');
  if (!date || !time || date.universal || time.universal || date.values.length !== 1 || time.values.length !== 1) return undefined;
  return { date, time };
}

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

function buildResponse(q: PreparedFind, b: Bundle, stats: Stats, options: FindOptions): ResponseDataset {
  const out: ResponseDataset = {};
  let nonAscii = false;
  out.QueryRetrieveLevel = q.level;
  for (const keyword of q.requested) {
    const def = KEY_BY_KEYWORD.get(keyword);
    const supported = def && !q.unsupported.includes(keyword);
    const v = supported ? valueOf(def, b, stats, options) : '';
    if (typeof v === 'string' ? NON_ASCII.test(v) : Array.isArray(v) && v.some((x) => NON_ASCII.test(x))) nonAscii = true;
    out[keyword] = v;
  }
  if (nonAscii) return { SpecificCharacterSet: 'ISO_IR 192', ...out };
  return out;
}

function computedNeeded(q: PreparedFind): Set<Computed> {
  const need = new Set<Computed>();
  for (const k of q.keys) if (k.def.computed && !q.unsupported.includes(k.def.keyword)) need.add(k.def.computed);
  return need;
}

/**
 * Streams the responses of a prepared query, page by page. The caller (the C-FIND handler) sends each as a
 * pending response and may stop early (C-CANCEL) by breaking out of the loop.
 */
export async function* runFind(db: Db, sandboxId: string, q: PreparedFind, options: FindOptions = {}): AsyncGenerator<ResponseDataset> {
  const where = buildWhere(sandboxId, q, providerOf(db));
  const entity = ENTITY_OF[q.level];
  const model = db[entity] as unknown as { findMany(a: unknown): Promise<Record<string, unknown>[]> };
  const pageSize = options.pageSize ?? 500;
  const need = computedNeeded(q);
  let skip = options.offset ?? 0;
  let left = options.limit ?? Infinity;
  let cursor: string | undefined;
  while (left > 0) {
    const rows = await model.findMany({
      where: cursor ? { AND: [where, { id: { gt: cursor } }] } : where,
      include: INCLUDE[q.level],
      orderBy: { id: 'asc' },
      take: pageSize,
    });
    if (rows.length === 0) return;
    cursor = rows[rows.length - 1].id as string;
    const bundles = rows.map((r) => toBundle(q.level, r));
    const stats = need.size ? await loadStats(db, need, bundles) : { patient: new Map(), study: new Map(), series: new Map() };
    for (const b of bundles) {
      if (!matches(q, b, stats, options)) continue;
      if (skip > 0) {
        skip--;
        continue;
      }
      yield buildResponse(q, b, stats, options);
      if (--left <= 0) return;
    }
    if (rows.length < pageSize) return;
  }
}

export type FindResult = { ok: true; pendingStatus: number; unsupported: string[]; matches: ResponseDataset[] } | QueryFailure;

/** The whole query at once (tests, QIDO-RS, the CLI): validation failures and thrown errors come back as data. */
export async function findAll(
  db: Db,
  sandboxId: string,
  model: QrModel,
  identifier: Identifier,
  options: FindOptions = {},
): Promise<FindResult> {
  const q = prepareFind(model, identifier, options);
  if (!q.ok) return q;
  try {
    const matches: ResponseDataset[] = [];
    for await (const m of runFind(db, sandboxId, q, options)) matches.push(m);
    return { ok: true, pendingStatus: q.pendingStatus, unsupported: q.unsupported, matches };
  } catch (err) {
    return unableToProcess(err);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Retrieve: which instances does a C-MOVE / C-GET identifier name? (PS3.4 C.4.2.2.1, C.4.3.2.1)
// ---------------------------------------------------------------------------------------------------------

export interface RetrieveInstance {
  id: string;
  sopInstanceUid: string;
  sopClassUid: string;
  transferSyntaxUid: string;
  /** relative to ARCHIVE_DIR */
  filePath: string;
  fileSize: bigint;
  seriesInstanceUid: string;
  studyInstanceUid: string;
  patientId: string;
}

export type RetrieveResult = { ok: true; level: QrLevel; instances: RetrieveInstance[] } | QueryFailure;

/**
 * Resolves a retrieve identifier to the instances to send, in study / series number / instance number order.
 * The unique key of the retrieve level is required (a single UID or a list of UIDs, PS3.4 C.4.2.2.1.2); the
 * unique keys above it, when the model requires them, are single values. Other keys are not allowed in a
 * retrieve identifier and are ignored. Unknown UIDs simply match nothing (the caller answers with zero
 * sub-operations).
 */
export async function instancesToRetrieve(
  db: Db,
  sandboxId: string,
  level: QrLevel | string,
  identifier: Identifier,
  options: { model?: QrModel } = {},
): Promise<RetrieveResult> {
  const lvl = String(level ?? queryValues(identifier?.QueryRetrieveLevel)[0] ?? '').toUpperCase() as QrLevel;
  const model = options.model;
  const levels = model ? QR_LEVELS[model] : QR_LEVELS.PATIENT_ROOT;
  if (!levels.includes(lvl)) {
    return failure('identifierDoesNotMatch', `Query/Retrieve Level "${level}" is not valid for a retrieve`, ['QueryRetrieveLevel']);
  }
  const entity = ENTITY_OF[lvl];
  const ownKey = UNIQUE_KEY[entity];
  const own = queryValues(identifier[ownKey]);
  if (own.length === 0 || isUniversal(own) || own.some((v) => hasWildcard(v))) {
    return failure('identifierDoesNotMatch', `${ownKey} is required in a retrieve at ${lvl} level (one value or a list)`, [ownKey]);
  }
  if (entity !== 'patient') {
    for (const v of own) {
      const problem = invalidQueryValue('UI', v);
      if (problem) return failure('identifierDoesNotMatch', `${ownKey}: ${problem}`, [ownKey]);
    }
  }
  // Levels above: required and single-valued when a model is given; when present, always a constraint.
  const above = model ? levelsAbove(model, lvl) : QR_LEVELS.PATIENT_ROOT.slice(0, QR_LEVELS.PATIENT_ROOT.indexOf(lvl));
  const constraints: Where[] = [];
  for (const l of above) {
    const e = ENTITY_OF[l];
    const keyword = UNIQUE_KEY[e];
    const values = queryValues(identifier[keyword]);
    if (values.length === 0 && !model) continue;
    const problem = singleValueProblem(keyword, values);
    if (problem) return failure('identifierDoesNotMatch', problem, [keyword]);
    constraints.push(through('instance', e, { [KEY_BY_KEYWORD.get(keyword)!.column!]: values[0], sandboxId }));
  }
  const ownColumn = KEY_BY_KEYWORD.get(ownKey)!.column!;
  const ownWhere = { [ownColumn]: own.length === 1 ? own[0] : { in: own }, sandboxId };
  try {
    const rows = await db.instance.findMany({
      where: { AND: [{ sandboxId }, entity === 'instance' ? ownWhere : through('instance', entity, ownWhere), ...constraints] },
      include: { series: { include: { study: { include: { patient: true } } } } },
    });
    rows.sort(
      (a, b) =>
        cmp(a.series.study.studyInstanceUid, b.series.study.studyInstanceUid) ||
        cmp(a.series.seriesNumber ?? 0, b.series.seriesNumber ?? 0) ||
        cmp(a.series.seriesInstanceUid, b.series.seriesInstanceUid) ||
        cmp(a.instanceNumber ?? 0, b.instanceNumber ?? 0) ||
        cmp(a.sopInstanceUid, b.sopInstanceUid),
    );
    return {
      ok: true,
      level: lvl,
      instances: rows.map((r) => ({
        id: r.id,
        sopInstanceUid: r.sopInstanceUid,
        sopClassUid: r.sopClassUid,
        transferSyntaxUid: r.transferSyntaxUid,
        filePath: r.filePath,
        fileSize: r.fileSize,
        seriesInstanceUid: r.series.seriesInstanceUid,
        studyInstanceUid: r.series.study.studyInstanceUid,
        patientId: r.series.study.patient.patientId,
      })),
    };
  } catch (err) {
    return unableToProcess(err);
  }
}

function cmp(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
