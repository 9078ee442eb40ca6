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
import { ensureSeries, instanceFields, isUniqueViolation, newIndexCache, type IndexCache } from './indexInstance';

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
    if (!isStorageSopClass(r.affectedSopClassUid)) {
      return { status: Status.SopClassNotSupported, errorComment: `${r.affectedSopClassUid} is not a storage SOP class we store` };
    }
    // paths never come from the wire: every UID that names something is checked first (PS3.5 9.1)
    const bad = uidProblem('Affected SOP Instance UID', r.affectedSopInstanceUid);
    if (bad) return { status: Status.CannotUnderstand, errorComment: bad };

    const dataset = r.datasetChunks.length === 1 ? r.datasetChunks[0] : Buffer.concat(r.datasetChunks as Buffer[], r.datasetLength);
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

    const [existing, quota] = await Promise.all([
      db.instance.findUnique({
        where: { sandboxId_sopInstanceUid: { sandboxId: a.sandboxId, sopInstanceUid: h.SOPInstanceUID! } },
        select: { id: true, filePath: true, fileSize: true },
      }),
      quotaOf(db, a, state),
    ]);
    mark('3 duplicate lookup');
    if (existing && policy === 'keep-first' && (await files.exists(existing.filePath))) {
      return { status: Status.Success, logDetail: 'already stored: kept the first copy (DUPLICATE_POLICY=keep-first)' };
    }
    const growth = size - (existing?.fileSize ?? 0n);
    if (quota.used + growth > quota.limit) {
      return {
        status: Status.OutOfResources,
        errorComment: 'sandbox storage quota exceeded',
        logDetail: `storing ${size} bytes would exceed the sandbox quota (${quota.used} of ${quota.limit} bytes used)`,
      };
    }

    // replace (or heal a row whose file is gone): write over; otherwise never overwrite an existing file
    const overwrite = existing !== null;
    const written = await files.write(rel, [header, dataset], overwrite);
    if (written.outcome === 'exists') {
      // a file without a row: a store that crashed between rename and index, or a concurrent store of the
      // same instance. Replace it with this complete copy, then index.
      await files.write(rel, [header, dataset], true);
    }

    mark('4 file: write, fdatasync, link, dir fsync');
    const data = {
      ...instanceFields(h),
      transferSyntaxUid: r.transferSyntaxUid,
      filePath: rel,
      fileSize: size,
      sourceAe: a.callingAe,
    };
    let seriesRefId = await ensureSeries(db, state.cache, a.sandboxId, h);
    if (existing) {
      await db.instance.update({ where: { id: existing.id }, data: { ...data, seriesRefId, receivedAt: new Date() } });
      if (existing.filePath !== rel) await files.remove(existing.filePath);
    } else {
      try {
        await db.instance.create({ data: { ...data, sandboxId: a.sandboxId, seriesRefId } });
      } catch (e) {
        if (!isUniqueViolation(e)) {
          // a stale cache (the series was deleted meanwhile): retry once from the database
          if ((e as { code?: string }).code === 'P2003') {
            state.cache.series.clear();
            state.cache.studies.clear();
            state.cache.patients.clear();
            seriesRefId = await ensureSeries(db, state.cache, a.sandboxId, h);
            await db.instance.create({ data: { ...data, sandboxId: a.sandboxId, seriesRefId } });
          } else throw e;
        }
        // else: a concurrent association indexed the same instance first: it is stored, once
      }
    }
    mark('5 index row');
    quota.used += growth;
    return { status: Status.Success, logDetail: existing ? 'replaced the stored copy (DUPLICATE_POLICY=replace)' : undefined };
  }

  return {
    name: 'Storage',
    sopClasses: STORAGE_SOP_CLASSES.map((c) => c.uid),
    transferSyntaxes: TRANSFER_SYNTAXES.map((t) => t.uid),
    handlers: { 'C-STORE': handleCStore },
  };
}
