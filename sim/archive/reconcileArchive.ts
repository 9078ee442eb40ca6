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
}

const LOOKUP_CHUNK = 500;

async function dirs(path: string): Promise<string[]> {
  try {
    return (await readdir(path, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return [];
  }
}

/** Indexes every archived file that has no Instance row. Safe beside a running listener (a concurrent index of the same instance is a unique violation, taken as done). */
export async function reconcileArchive(db: Db, files: ArchiveFiles): Promise<ReconcileResult> {
  const result: ReconcileResult = { files: 0, indexed: [], skipped: [] };
  const sandboxes = new Set((await db.sandbox.findMany({ select: { id: true } })).map((s) => s.id));
  for (const sandboxId of await dirs(files.root)) {
    if (sandboxId === INCOMING_DIR || !sandboxes.has(sandboxId)) continue;
    const cache = newIndexCache();
    for (const study of await dirs(join(files.root, sandboxId))) {
      for (const series of await dirs(join(files.root, sandboxId, study))) {
        const folder = join(files.root, sandboxId, study, series);
        const names = (await readdir(folder)).filter((n) => n.endsWith('.dcm'));
        result.files += names.length;
        for (let i = 0; i < names.length; i += LOOKUP_CHUNK) {
          const sops = names.slice(i, i + LOOKUP_CHUNK).map((n) => n.slice(0, -4));
          const known = new Set(
            (await db.instance.findMany({ where: { sandboxId, sopInstanceUid: { in: sops } }, select: { sopInstanceUid: true } })).map((r) => r.sopInstanceUid),
          );
          for (const sop of sops) {
            if (known.has(sop)) continue;
            const rel = `${sandboxId}/${study}/${series}/${sop}.dcm`;
            const why = await indexFile(db, files, cache, sandboxId, { study, series, sop }, rel);
            if (why) result.skipped.push({ path: rel, why });
            else result.indexed.push(rel);
          }
        }
      }
    }
  }
  return result;
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
  }
  return undefined;
}
