// Start-up reconciliation: the archive's files are the source of truth, the index is rebuilt from them.
//
// Why it exists: a C-STORE is acknowledged after its file is durable (fdatasync, link, directory fsync) and its
// index row is committed. On SQLite the index runs in WAL mode with synchronous=NORMAL, where a commit is
// atomic and consistent but reaches the disk only at the next WAL sync or checkpoint: a power loss can forget
// the last rows (https://www.sqlite.org/pragma.html#pragma_synchronous, "WAL mode is safe from corruption with
// synchronous=NORMAL … but a transaction committed … might roll back following a power loss"). Their files
// cannot be lost, and cannot be half-written: a file only gets its final name after its data was fdatasync'd
// (archiveFiles.ts). So every `{sandbox}/{study}/{series}/{sop}.dcm` without an index row is a complete
// instance, acknowledged or not (a crash between rename and index commit leaves the same thing), and is
// indexed again here before the listener accepts associations.
//
// The other direction, an index row whose file is missing ("orphan row"), cannot come from ingest: the row is
// written only after its file is durable under its final name. It comes from a crash inside a deletion that
// removes the row before the file or the file before the row (rejection, restore, fault clean-up), or from
// someone deleting files under ARCHIVE_DIR by hand. Such a row promises an instance nobody can retrieve (C-MOVE
// and WADO would fail on it), so with `removeOrphanRows` (the daemon's start-up) it is removed, with the series
// and the study it leaves empty, each removal reported to the caller (which logs it) and to the audit trail.
// A guard keeps a wrong ARCHIVE_DIR (an empty or other folder) from emptying the index: when a sandbox with
// rows has no folder at all, or more than half of its rows (and over ORPHAN_GUARD_MIN) lack their file, its
// rows are kept and the reason is reported instead.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../../prisma/db';
import { parseDatasetHeader } from '../dicom/datasetHeader';
import { splitPart10 } from '../dicom/part10';
import { parseUid } from '../dicom/uid';
import { INCOMING_DIR, instancePath, type ArchiveFiles } from './archiveFiles';
import { ensureSeries, instanceFields, isUniqueViolation, newIndexCache } from './indexInstance';

export interface ReconcileResult {
  /** files looked at */
  files: number;
  /** files that had no index row and were indexed */
  indexed: string[];
  /** files that could not be indexed (not a data set we can read, or a name that is not its UIDs), with why */
  skipped: { path: string; why: string }[];
  /** index rows whose file is missing: removed (with removeOrphanRows), or kept with the reason */
  orphanRows: {
    removed: { path: string; sopInstanceUid: string }[];
    kept: { sandboxId: string; count: number; why: string }[];
  };
}

export interface ReconcileOptions {
  /** remove index rows whose file is missing (the daemon's start-up recovery); default false: only report them */
  removeOrphanRows?: boolean;
}

/** Below this many missing files in a sandbox the guard never holds rows back (see the header). */
const ORPHAN_GUARD_MIN = 10;

const LOOKUP_CHUNK = 500;

async function dirs(path: string): Promise<string[]> {
  try {
    return (await readdir(path, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return [];
  }
}

/**
 * Indexes every archived file that has no Instance row, and finds (with `removeOrphanRows`, removes) the rows
 * whose file is missing. Safe beside a running listener: a concurrent index of the same instance is a unique
 * violation, taken as done, and a row is taken as orphan only if its file is still missing when checked again.
 */
export async function reconcileArchive(db: Db, files: ArchiveFiles, opts: ReconcileOptions = {}): Promise<ReconcileResult> {
  const result: ReconcileResult = { files: 0, indexed: [], skipped: [], orphanRows: { removed: [], kept: [] } };
  const sandboxes = (await db.sandbox.findMany({ select: { id: true }, orderBy: { id: 'asc' } })).map((s) => s.id);
  const folders = new Set(await dirs(files.root));
  for (const sandboxId of sandboxes) {
    // the relative paths of this sandbox's files, to find rows without one (one sandbox at a time bounds memory)
    const seen = new Set<string>();
    const hasFolder = folders.has(sandboxId) && sandboxId !== INCOMING_DIR;
    if (hasFolder) await indexSandbox(db, files, sandboxId, seen, result);
    await orphanRows(db, files, sandboxId, seen, hasFolder, opts.removeOrphanRows ?? false, result);
  }
  return result;
}

async function indexSandbox(db: Db, files: ArchiveFiles, sandboxId: string, seen: Set<string>, result: ReconcileResult) {
  const cache = newIndexCache();
  for (const study of await dirs(join(files.root, sandboxId))) {
    for (const series of await dirs(join(files.root, sandboxId, study))) {
      const folder = join(files.root, sandboxId, study, series);
      const names = (await readdir(folder)).filter((n) => n.endsWith('.dcm'));
      result.files += names.length;
      for (let i = 0; i < names.length; i += LOOKUP_CHUNK) {
        const chunk = names.slice(i, i + LOOKUP_CHUNK);
        // `{sop}.dcm` as received, or `{sop}.{codec}.dcm`, a long-term tier copy (tiers.ts): the row of that UID names it
        const parsed = chunk.map((n) => {
          const stem = n.slice(0, -4);
          const m = /^([0-9.]+)\.([a-z][a-z0-9-]*)$/.exec(stem);
          return { sop: m ? m[1] : stem, tierCopy: !!m, rel: `${sandboxId}/${study}/${series}/${n}` };
        });
        const known = new Map(
          (await db.instance.findMany({ where: { sandboxId, sopInstanceUid: { in: parsed.map((p) => p.sop) } }, select: { sopInstanceUid: true, filePath: true } })).map((r) => [r.sopInstanceUid, r.filePath]),
        );
        for (const { sop, tierCopy, rel } of parsed) {
          seen.add(rel);
          const indexedAt = known.get(sop);
          if (indexedAt === rel) continue;
          if (indexedAt !== undefined) {
            result.skipped.push({ path: rel, why: `the index has this SOP Instance UID at another path (${indexedAt}); this copy is not indexed` });
            continue;
          }
          if (tierCopy) {
            result.skipped.push({ path: rel, why: 'a storage tier copy no index row names (left by an interrupted tier job; see tierRecovery.ts)' });
            continue;
          }
          const why = await indexFile(db, files, cache, sandboxId, { study, series, sop }, rel);
          if (why) result.skipped.push({ path: rel, why });
          else result.indexed.push(rel);
        }
      }
    }
  }
}

async function orphanRows(db: Db, files: ArchiveFiles, sandboxId: string, seen: Set<string>, hasFolder: boolean, remove: boolean, result: ReconcileResult) {
  const missing: { id: string; filePath: string; sopInstanceUid: string; seriesRefId: string }[] = [];
  let total = 0;
  let after = '';
  for (;;) {
    const rows = await db.instance.findMany({
      where: { sandboxId, id: { gt: after } },
      select: { id: true, filePath: true, sopInstanceUid: true, seriesRefId: true },
      orderBy: { id: 'asc' },
      take: LOOKUP_CHUNK,
    });
    if (!rows.length) break;
    total += rows.length;
    after = rows[rows.length - 1].id;
    for (const r of rows) if (!seen.has(r.filePath) && !(await files.exists(r.filePath))) missing.push(r);
  }
  if (!missing.length) return;
  const why = !remove
    ? 'orphan rows are only reported here (the daemon removes them at start-up)'
    : !hasFolder
      ? `the sandbox has ${total} index row(s) but no folder under ARCHIVE_DIR (${files.root}): is ARCHIVE_DIR the archive's folder? Rows kept`
      : missing.length > ORPHAN_GUARD_MIN && missing.length * 2 > total
        ? `${missing.length} of its ${total} index rows name a missing file: more than a crash leaves, is ARCHIVE_DIR (${files.root}) the archive's folder? Rows kept`
        : undefined;
  if (why) {
    result.orphanRows.kept.push({ sandboxId, count: missing.length, why });
    return;
  }
  for (let i = 0; i < missing.length; i += LOOKUP_CHUNK) {
    const chunk = missing.slice(i, i + LOOKUP_CHUNK);
    const seriesIds = [...new Set(chunk.map((r) => r.seriesRefId))];
    const studies = await db.series.findMany({ where: { id: { in: seriesIds } }, select: { studyRefId: true } });
    await db.$transaction(async (tx) => {
      await tx.instance.deleteMany({ where: { id: { in: chunk.map((r) => r.id) } } });
      // what the removal left empty; a study keeps its row while a report refers to it
      await tx.series.deleteMany({ where: { id: { in: seriesIds }, instances: { none: {} } } });
      await tx.study.deleteMany({ where: { id: { in: [...new Set(studies.map((s) => s.studyRefId))] }, series: { none: {} }, reports: { none: {} } } });
    });
    for (const r of chunk) result.orphanRows.removed.push({ path: r.filePath, sopInstanceUid: r.sopInstanceUid });
  }
}

async function indexFile(
  db: Db,
  files: ArchiveFiles,
  cache: ReturnType<typeof newIndexCache>,
  sandboxId: string,
  names: { study: string; series: string; sop: string },
  rel: string,
): Promise<string | undefined> {
  for (const u of [names.study, names.series, names.sop]) if (!parseUid(u).ok) return `"${u}" is not a UID`;
  const abs = files.absolute(rel);
  const [bytes, st] = await Promise.all([readFile(abs), stat(abs)]);
  const part10 = splitPart10(bytes);
  const ts = part10.transferSyntaxUid;
  if (!ts) return 'no Part 10 header with a transfer syntax';
  let h;
  try {
    h = parseDatasetHeader(bytes.subarray(part10.datasetOffset), ts, { whole: true });
  } catch (e) {
    return `data set cannot be parsed: ${(e as Error).message}`;
  }
  const expected = (() => {
    try {
      return instancePath({ sandboxId, studyInstanceUid: h.StudyInstanceUID ?? '', seriesInstanceUid: h.SeriesInstanceUID ?? '', sopInstanceUid: h.SOPInstanceUID ?? '' });
    } catch {
      return undefined;
    }
  })();
  if (expected !== rel) return `its UIDs name another path (${expected ?? 'invalid UIDs'})`;
  const seriesRefId = await ensureSeries(db, cache, sandboxId, h);
  try {
    await db.instance.create({
      data: {
        ...instanceFields(h),
        sandboxId,
        seriesRefId,
        transferSyntaxUid: ts,
        filePath: rel,
        fileSize: BigInt(bytes.length),
        sourceAe: part10.meta.get(0x0016) ?? '',
        receivedAt: st.mtime,
      },
    });
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    // indexed meanwhile (a concurrent C-STORE of the same instance), or indexed under another path: then this
    // file is a second copy the index does not name (a crash between re-indexing a moved instance and removing
    // its old file), reported rather than guessed at
    const row = await db.instance.findUnique({ where: { sandboxId_sopInstanceUid: { sandboxId, sopInstanceUid: names.sop } }, select: { filePath: true } });
    if (row && row.filePath !== rel) return `the index has this SOP Instance UID at another path (${row.filePath}); this copy is not indexed`;
  }
  return undefined;
}
