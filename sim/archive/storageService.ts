// Storage SCP (PS3.4 Annex B) and Verification SCP (PS3.4 Annex A) for the archive AE.
// The data set is stored exactly as received behind a Part 10 header naming the transfer syntax of its
// presentation context; success is answered only after the file is fsync'd, renamed, its folder fsync'd and
// the instance indexed (DESIGN.md invariants).
import type { Db } from '../../prisma/db';
import { DatasetParseError, parseDatasetHeader, type DatasetHeader } from '../dicom/datasetHeader';
import { buildPart10Header } from '../dicom/part10';
import { STORAGE_SOP_CLASSES, VERIFICATION_SOP_CLASS, isStorageSopClass, sopClassName } from '../dicom/sopClasses';
import { Status } from '../dicom/status';
import { traceMark as mark } from '../dimse/ingestTrace';
import { TRANSFER_SYNTAXES, UNCOMPRESSED_TRANSFER_SYNTAXES } from '../dicom/transferSyntaxes';
import { parseUid } from '../dicom/uid';
import type { AssociationInfo, DimseResult, DimseService, StoreRequest } from '../dimse/types';
import { instancePath, type ArchiveFiles } from './archiveFiles';
import { ensureSeries, insertInstance, instanceFields, isUniqueViolation, newIndexCache, type IndexCache } from './indexInstance';

export type DuplicatePolicy = 'keep-first' | 'replace';

export function duplicatePolicyFromEnv(env: NodeJS.ProcessEnv = process.env): DuplicatePolicy {
  const v = env.DUPLICATE_POLICY?.trim() || 'keep-first';
  if (v !== 'keep-first' && v !== 'replace') throw new Error(`DUPLICATE_POLICY must be keep-first or replace, not "${v}"`);
  return v;
}

export function createVerificationService(): DimseService {
  return {
    name: 'Verification',
    sopClasses: [VERIFICATION_SOP_CLASS],
    transferSyntaxes: UNCOMPRESSED_TRANSFER_SYNTAXES,
    handlers: { 'C-ECHO': async () => ({ status: Status.Success }) },
  };
}

interface StoreState {
  cache: IndexCache;
  quota?: { limit: bigint; used: bigint };
  /** reused to join a data set's PDV fragments: one allocation per association, not one per image */
  scratch?: Buffer;
  scratchBusy?: boolean;
}

/** Data sets larger than this are joined in a buffer of their own rather than the reused one. */
const SCRATCH_MAX = 16 * 1024 * 1024;

/** The data set as one buffer; `release` must be called when it is no longer used. */
function joinChunks(s: StoreState, chunks: readonly Buffer[], length: number): { dataset: Buffer; release(): void } {
  if (chunks.length === 1) return { dataset: chunks[0], release() {} };
  if (length > SCRATCH_MAX || s.scratchBusy) return { dataset: Buffer.concat(chunks as Buffer[], length), release() {} };
  if (!s.scratch || s.scratch.length < length) s.scratch = Buffer.allocUnsafe(Math.max(length, 1024 * 1024));
  let pos = 0;
  for (const c of chunks) pos += c.copy(s.scratch, pos);
  s.scratchBusy = true;
  return { dataset: s.scratch.subarray(0, length), release: () => (s.scratchBusy = false) };
}

function stateOf(a: AssociationInfo): StoreState {
  let s = a.state.get('storage') as StoreState | undefined;
  if (!s) {
    s = { cache: newIndexCache() };
    a.state.set('storage', s);
  }
  return s;
}

async function quotaOf(db: Db, a: AssociationInfo, s: StoreState) {
  if (!s.quota) {
    const [sandbox, used] = await Promise.all([
      db.sandbox.findUniqueOrThrow({ where: { id: a.sandboxId }, select: { storageQuotaBytes: true } }),
      db.instance.aggregate({ where: { sandboxId: a.sandboxId }, _sum: { fileSize: true } }),
    ]);
    s.quota = { limit: sandbox.storageQuotaBytes, used: used._sum.fileSize ?? 0n };
  }
  return s.quota;
}

function uidProblem(attribute: string, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return `${attribute} is missing`;
  const r = parseUid(value);
  return r.ok ? undefined : `${attribute} ${JSON.stringify(value)} is not a valid UID: ${r.detail}`;
}

export interface StorageServiceOptions {
  db: Db;
  files: ArchiveFiles;
  duplicatePolicy?: DuplicatePolicy;
}

export function createStorageService(opts: StorageServiceOptions): DimseService {
  const { db, files } = opts;
  const policy = opts.duplicatePolicy ?? 'keep-first';

  /** C-STORE (PS3.4 B.2): statuses per PS3.4 B.2.3. */
  async function handleCStore(a: AssociationInfo, r: StoreRequest): Promise<DimseResult> {
    const joined = joinChunks(stateOf(a), r.datasetChunks, r.datasetLength);
    try {
      return await storeInstance(a, r, joined.dataset);
    } finally {
      joined.release();
    }
  }

  async function storeInstance(a: AssociationInfo, r: StoreRequest, dataset: Buffer): Promise<DimseResult> {
    if (!isStorageSopClass(r.affectedSopClassUid)) {
      return { status: Status.SopClassNotSupported, errorComment: `${r.affectedSopClassUid} is not a storage SOP class we store` };
    }
    // paths never come from the wire: every UID that names something is checked first (PS3.5 9.1)
    const bad = uidProblem('Affected SOP Instance UID', r.affectedSopInstanceUid);
    if (bad) return { status: Status.CannotUnderstand, errorComment: bad };

    let h: DatasetHeader;
    try {
      h = parseDatasetHeader(dataset, r.transferSyntaxUid, { whole: true });
    } catch (e) {
      if (e instanceof DatasetParseError) {
        return { status: Status.CannotDecodeDataset, errorComment: 'data set cannot be parsed', logDetail: `data set cannot be parsed: ${e.message}` };
      }
      throw e;
    }
    // PS3.4 B.2.3: A900 when the data set does not match the SOP class named in the command
    if (h.SOPClassUID !== r.affectedSopClassUid) {
      return {
        status: Status.DataSetDoesNotMatchSopClass,
        errorComment: 'SOP Class UID differs from Affected SOP Class',
        logDetail: `data set SOP Class UID ${h.SOPClassUID ?? '(missing)'} ≠ Affected SOP Class UID ${r.affectedSopClassUid} (${sopClassName(r.affectedSopClassUid)})`,
      };
    }
    if (h.SOPInstanceUID !== r.affectedSopInstanceUid) {
      return {
        status: Status.DataSetDoesNotMatchSopClass,
        errorComment: 'SOP Instance UID differs from Affected SOP Instance',
        logDetail: `data set SOP Instance UID ${h.SOPInstanceUID ?? '(missing)'} ≠ Affected SOP Instance UID ${r.affectedSopInstanceUid}`,
      };
    }
    const problem = uidProblem('Study Instance UID', h.StudyInstanceUID) ?? uidProblem('Series Instance UID', h.SeriesInstanceUID);
    if (problem) return { status: Status.CannotUnderstand, errorComment: problem.slice(0, 64), logDetail: problem };

    const rel = instancePath({
      sandboxId: a.sandboxId,
      studyInstanceUid: h.StudyInstanceUID!,
      seriesInstanceUid: h.SeriesInstanceUID!,
      sopInstanceUid: h.SOPInstanceUID!,
    });
    const header = buildPart10Header({
      mediaStorageSopClassUid: r.affectedSopClassUid,
      mediaStorageSopInstanceUid: r.affectedSopInstanceUid,
      transferSyntaxUid: r.transferSyntaxUid,
      sourceAeTitle: a.callingAe,
    });
    const size = BigInt(header.length + dataset.length);
    mark('2 read the header');
    const state = stateOf(a);
    const quota = await quotaOf(db, a, state);
    const findRow = () =>
      db.instance.findUnique({
        where: { sandboxId_sopInstanceUid: { sandboxId: a.sandboxId, sopInstanceUid: h.SOPInstanceUID! } },
        select: { id: true, filePath: true, fileSize: true },
      });
    // keep-first: a new instance (the common case) needs no look-up, because link(2) refuses to replace a file:
    // the file system finds a duplicate, and only then is its row read. replace: the row is read first.
    let existing = policy === 'replace' ? await findRow() : null;
    mark('3 duplicate lookup');
    if (quota.used + size - (existing?.fileSize ?? 0n) > quota.limit) {
      return {
        status: Status.OutOfResources,
        errorComment: 'sandbox storage quota exceeded',
        logDetail: `storing ${size} bytes would exceed the sandbox quota (${quota.used} of ${quota.limit} bytes used)`,
      };
    }

    const written = await files.write(rel, [header, dataset], existing !== null);
    if (written.outcome === 'exists') {
      existing = await findRow();
      if (existing?.filePath === rel) {
        return { status: Status.Success, logDetail: 'already stored: kept the first copy (DUPLICATE_POLICY=keep-first)' };
      }
      // a file without a row (a crash between link and index commit, or a row a power loss took before the
      // start-up reconciliation ran): complete by construction, yet replace it with this copy, then index
      await files.write(rel, [header, dataset], true);
    }

    mark('4d directory fsync');
    const data = {
      ...instanceFields(h),
      transferSyntaxUid: r.transferSyntaxUid,
      filePath: rel,
      fileSize: size,
      sourceAe: a.callingAe,
    };
    let seriesRefId = await ensureSeries(db, state.cache, a.sandboxId, h);
    const update = async (row: { id: string; filePath: string; fileSize: bigint }) => {
      await db.instance.update({ where: { id: row.id }, data: { ...data, seriesRefId, receivedAt: new Date() }, select: { id: true } });
      if (row.filePath !== rel) await files.remove(row.filePath);
      quota.used += size - row.fileSize;
    };
    if (existing) {
      await update(existing);
      mark('5 index row');
      return { status: Status.Success, logDetail: policy === 'replace' ? 'replaced the stored copy (DUPLICATE_POLICY=replace)' : 'stored again: the index row had no file' };
    }
    try {
      await insertInstance(db, { ...data, sandboxId: a.sandboxId, seriesRefId });
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'P2003') {
        // a stale cache (the series was deleted meanwhile): retry once from the database
        state.cache.series.clear();
        state.cache.studies.clear();
        state.cache.patients.clear();
        seriesRefId = await ensureSeries(db, state.cache, a.sandboxId, h);
        await insertInstance(db, { ...data, sandboxId: a.sandboxId, seriesRefId });
      } else if (isUniqueViolation(e)) {
        // the SOP Instance UID has a row already: stored under other Study/Series UIDs, a row whose file is gone,
        // or a concurrent association that indexed the same instance first
        const row = await findRow();
        if (!row) throw e;
        if (row.filePath !== rel && policy === 'keep-first' && (await files.exists(row.filePath))) {
          await files.remove(rel);
          return { status: Status.Success, logDetail: `already stored under another study or series (${row.filePath}): kept the first copy (DUPLICATE_POLICY=keep-first)` };
        }
        await update(row);
        return { status: Status.Success };
      } else throw e;
    }
    mark('5 index row');
    quota.used += size;
    return { status: Status.Success };
  }

  return {
    name: 'Storage',
    sopClasses: STORAGE_SOP_CLASSES.map((c) => c.uid),
    transferSyntaxes: TRANSFER_SYNTAXES.map((t) => t.uid),
    handlers: { 'C-STORE': handleCStore },
  };
}
