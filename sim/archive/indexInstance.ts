// The archive index: Patient → Study → Series → Instance rows (PS3.4 C.6.1.1), upserted from the few header
// attributes read on ingest. One mapping function per level turns DICOM keywords into our camelCase fields.
// Rows above the instance are cached per association, so a series of 300 images costs one instance insert each.
import { randomUUID } from 'node:crypto';
import type { Db } from '../../prisma/db';
import { Prisma } from '../../prisma/generated/sqlite/client';
import { directSqlite, sqliteDateTime } from '../../prisma/directSqlite';
import type { DatasetHeader } from '../dicom/datasetHeader';

export interface IndexCache {
  patients: Map<string, string>;
  studies: Map<string, string>;
  series: Map<string, string>;
}

export function newIndexCache(): IndexCache {
  return { patients: new Map(), studies: new Map(), series: new Map() };
}

function int(v: string | undefined): number | null {
  if (v === undefined || v.trim() === '') return null;
  const n = Number.parseInt(v.trim(), 10);
  return Number.isFinite(n) && Math.abs(n) <= 2_147_483_647 ? n : null;
}

export function patientFields(h: DatasetHeader) {
  const patientName = h.PatientName ?? '';
  return {
    patientId: h.PatientID ?? '',
    issuer: h.IssuerOfPatientID ?? '',
    patientName,
    patientNameKey: patientName.toUpperCase(),
    birthDate: h.PatientBirthDate ?? '',
    sex: h.PatientSex ?? '',
  };
}

export function studyFields(h: DatasetHeader) {
  return {
    studyInstanceUid: h.StudyInstanceUID!,
    studyDate: h.StudyDate ?? '',
    studyTime: h.StudyTime ?? '',
    accessionNumber: h.AccessionNumber ?? '',
    studyId: h.StudyID ?? '',
    studyDescription: h.StudyDescription ?? '',
    referringPhysicianName: h.ReferringPhysicianName ?? '',
  };
}

export function seriesFields(h: DatasetHeader) {
  return {
    seriesInstanceUid: h.SeriesInstanceUID!,
    modality: h.Modality ?? '',
    seriesNumber: int(h.SeriesNumber),
    seriesDescription: h.SeriesDescription ?? '',
    bodyPartExamined: h.BodyPartExamined ?? '',
    stationName: h.StationName ?? '',
  };
}

export function instanceFields(h: DatasetHeader) {
  return {
    sopInstanceUid: h.SOPInstanceUID!,
    sopClassUid: h.SOPClassUID!,
    instanceNumber: int(h.InstanceNumber),
    rows: int(h.Rows),
    columns: int(h.Columns),
    numberOfFrames: int(h.NumberOfFrames),
  };
}

function isUniqueViolation(e: unknown) {
  return (e as { code?: string })?.code === 'P2002';
}

/** Runs an upsert; a concurrent insert of the same key (unique violation) is answered by reading the row. */
async function upsertId(run: () => Promise<{ id: string }>, find: () => Promise<{ id: string } | null>): Promise<string> {
  try {
    return (await run()).id;
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    const row = await find();
    if (!row) throw e;
    return row.id;
  }
}

/** The Series row id for this header (creating Patient, Study and Series as needed). */
export async function ensureSeries(db: Db, cache: IndexCache, sandboxId: string, h: DatasetHeader): Promise<string> {
  const seriesKey = h.SeriesInstanceUID!;
  const cached = cache.series.get(seriesKey);
  if (cached) return cached;

  const p = patientFields(h);
  const patientKey = `${p.patientId}\\${p.issuer}`;
  let patientRefId = cache.patients.get(patientKey);
  if (!patientRefId) {
    const where = { sandboxId_patientId_issuer: { sandboxId, patientId: p.patientId, issuer: p.issuer } };
    patientRefId = await upsertId(
      () => db.patient.upsert({ where, update: {}, create: { sandboxId, ...p }, select: { id: true } }),
      () => db.patient.findUnique({ where, select: { id: true } }),
    );
    cache.patients.set(patientKey, patientRefId);
  }

  const s = studyFields(h);
  let studyRefId = cache.studies.get(s.studyInstanceUid);
  if (!studyRefId) {
    const where = { sandboxId_studyInstanceUid: { sandboxId, studyInstanceUid: s.studyInstanceUid } };
    studyRefId = await upsertId(
      () => db.study.upsert({ where, update: {}, create: { sandboxId, patientRefId: patientRefId!, ...s }, select: { id: true } }),
      () => db.study.findUnique({ where, select: { id: true } }),
    );
    cache.studies.set(s.studyInstanceUid, studyRefId);
  }

  const se = seriesFields(h);
  const where = { sandboxId_seriesInstanceUid: { sandboxId, seriesInstanceUid: se.seriesInstanceUid } };
  const seriesId = await upsertId(
    () => db.series.upsert({ where, update: {}, create: { sandboxId, studyRefId: studyRefId!, ...se }, select: { id: true } }),
    () => db.series.findUnique({ where, select: { id: true } }),
  );
  cache.series.set(seriesKey, seriesId);
  return seriesId;
}

export interface InstanceRow extends ReturnType<typeof instanceFields> {
  sandboxId: string;
  seriesRefId: string;
  transferSyntaxUid: string;
  filePath: string;
  fileSize: bigint;
  sourceAe: string;
}

const COLUMNS = ['id', 'sandboxId', 'seriesRefId', 'sopInstanceUid', 'sopClassUid', 'instanceNumber', 'transferSyntaxUid', 'rows', 'columns', 'numberOfFrames', 'filePath', 'fileSize', 'sourceAe', 'receivedAt'];
const INSTANCE_COLUMNS = COLUMNS.map((c) => `"${c}"`).join(', ');
const INSERT_INSTANCE = `INSERT INTO "Instance" (${INSTANCE_COLUMNS}) VALUES (${COLUMNS.map(() => '?').join(', ')})`;

function constraintError(r: InstanceRow, kind: 'unique' | 'foreign-key' | undefined, cause: unknown) {
  if (kind === 'unique') return Object.assign(new Error(`Instance ${r.sopInstanceUid} is indexed already`), { code: 'P2002', cause });
  if (kind === 'foreign-key') return Object.assign(new Error(`the series row of ${r.sopInstanceUid} is gone`), { code: 'P2003', cause });
  return cause;
}

/**
 * Inserts one Instance row. On SQLite through a prepared statement (prisma/directSqlite.ts: Prisma's $executeRaw
 * cost ~0.6 ms of the event loop per C-STORE, a third of the archive's own time per image, the statement
 * ~0.03 ms). The row is the one Prisma writes (same table and columns; DateTime as the adapter serialises it,
 * BigInt as an integer; the id a UUID where Prisma would make a cuid, both opaque). On PostgreSQL, or when
 * SQLite is busy (a write another connection holds), the same INSERT goes through Prisma. Constraint errors
 * come back with Prisma's codes (P2002 unique, P2003 foreign key) so callers treat them as they treat create()'s.
 */
export async function insertInstance(db: Db, r: InstanceRow): Promise<void> {
  // in COLUMNS' order
  const values = [randomUUID(), r.sandboxId, r.seriesRefId, r.sopInstanceUid, r.sopClassUid, r.instanceNumber, r.transferSyntaxUid, r.rows, r.columns, r.numberOfFrames, r.filePath, r.fileSize, r.sourceAe, new Date()];
  const direct = directSqlite(db);
  if (direct) {
    try {
      if (direct.run(INSERT_INSTANCE, [values.map((v) => (v instanceof Date ? sqliteDateTime(v) : v))]) === 'done') return;
      // busy: Prisma's connection queues and waits as it does for every other write
    } catch (e) {
      const code = (e as { code?: string }).code ?? '';
      if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw constraintError(r, 'unique', e);
      if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw constraintError(r, 'foreign-key', e);
      throw e;
    }
  }
  try {
    await db.$executeRaw(Prisma.sql`INSERT INTO "Instance" (${Prisma.raw(INSTANCE_COLUMNS)}) VALUES (${Prisma.join(values)})`);
  } catch (e) {
    const kind = (e as { meta?: { driverAdapterError?: { cause?: { kind?: string } } } }).meta?.driverAdapterError?.cause?.kind;
    throw constraintError(r, kind === 'UniqueConstraintViolation' ? 'unique' : kind === 'ForeignKeyConstraintViolation' ? 'foreign-key' : undefined, e);
  }
}

export { isUniqueViolation };
