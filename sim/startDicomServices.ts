// Starts the DICOM services of every sandbox on one listener: used by the daemon (sim/daemon.ts), by the web
// server in-process, and by tests (port 0 picks a free port).
import { providerOf, databaseUrl, type Db } from '../prisma/db';
import { closeDirectSqlite } from '../prisma/directSqlite';
import { ArchiveFiles, INCOMING_DIR } from './archive/archiveFiles';
import { findService } from './archive/findScp';
import { createGetService } from './archive/getScp';
import { createMoveService } from './archive/moveScp';
import { reconcileArchive, type ReconcileResult } from './archive/reconcileArchive';
import { removeTierLeftovers, type TierLeftovers } from './archive/tierRecovery';
import { createStorageCommitmentService } from './archive/storageCommitment';
import { createStorageService, createVerificationService, type DuplicatePolicy } from './archive/storageService';
import { startDimseServer } from './dimse/dimseServer';
import { createMppsService } from './ris/mppsScp';
import { createWorklistService } from './ris/worklistScp';
import type { DimseService, ServicesByRole } from './dimse/types';

export interface DicomServicesOptions {
  db: Db;
  host?: string;
  port?: number;
  archiveDir: string;
  duplicatePolicy?: DuplicatePolicy;
  /** extra services per node role (query/retrieve, worklist, MPPS plug in here) */
  extraServices?: ServicesByRole;
  idleTimeoutMs?: number;
  artimTimeoutMs?: number;
  maxPduReceive?: number;
  /** the database URL, to tune SQLite; defaults to DATABASE_URL */
  databaseUrl?: string;
  /** index archived files that have no index row before listening (default true; see reconcileArchive.ts) */
  reconcile?: boolean;
  /**
   * also remove index rows whose file is missing (default false: reported only). The daemon turns it on: it owns
   * ARCHIVE_DIR; tests and embedders that index rows without files keep them.
   */
  removeOrphanRows?: boolean;
}

export interface DicomServices {
  port: number;
  host: string;
  files: ArchiveFiles;
  /** what the start-up reconciliation found (undefined when it was turned off) */
  reconciled?: ReconcileResult;
  /** unreferenced copies an interrupted tier migration or restore left, removed before the reconciliation (tierRecovery.ts) */
  tierLeftovers?: TierLeftovers;
  /** partial files a crash left in ARCHIVE_DIR/.incoming, removed before listening */
  sweptTempFiles: number;
  close(): Promise<void>;
}

/**
 * SQLite: WAL lets the network log and web reads run beside ingest. synchronous=NORMAL: a commit is atomic
 * but not fsync'd (the WAL is synced at checkpoints), which saves one disk flush per stored instance. A power
 * loss can then forget the newest index rows, never their files, which were made durable before the row was
 * written; reconcileArchive() indexes such files again at every start, before the listener opens. The file
 * is the source of truth, the index a rebuildable copy (DESIGN.md, invariants).
 */
async function tuneSqlite(db: Db) {
  await db.$queryRawUnsafe('PRAGMA journal_mode=WAL');
  await db.$queryRawUnsafe('PRAGMA synchronous=NORMAL');
}

function providerOfDb(db: Db, url: string | undefined) {
  const p = (db as unknown as { _activeProvider?: string })._activeProvider;
  if (p === 'sqlite' || p === 'postgresql') return p;
  return providerOf(url ?? databaseUrl());
}

/**
 * What each role of AE serves: the one list the listener, the conformance statement (docs/) and its test read.
 */
export function servicesByRole(opts: { db: Db; files: ArchiveFiles; duplicatePolicy?: DuplicatePolicy }): ServicesByRole {
  const verification = createVerificationService();
  const archive: DimseService[] = [
    verification,
    createStorageService({ db: opts.db, files: opts.files, duplicatePolicy: opts.duplicatePolicy }),
    findService(opts.db),
    createMoveService({ db: opts.db, files: opts.files }),
    createGetService({ db: opts.db, files: opts.files }),
    createStorageCommitmentService({ db: opts.db, files: opts.files }),
  ];
  return { archive, worklist: [verification, createWorklistService(opts.db), createMppsService(opts.db)] };
}

/** Logs what the reconciliation did (every removed row by name) and puts removed rows in the audit trail. */
async function reportReconciliation(db: Db, r: ReconcileResult) {
  if (r.indexed.length) console.log(`archive: indexed ${r.indexed.length} stored file(s) that had no index row (e.g. after a crash or a power loss)`);
  for (const s of r.skipped.slice(0, 20)) console.error(`archive: cannot index ${s.path}: ${s.why}`);
  if (r.skipped.length > 20) console.error(`archive: … and ${r.skipped.length - 20} more file(s) that cannot be indexed`);
  for (const o of r.orphanRows.removed) console.warn(`archive: removed the index row of ${o.sopInstanceUid}: its file ${o.path} is missing`);
  for (const k of r.orphanRows.kept) console.warn(`archive: ${k.count} index row(s) of sandbox ${k.sandboxId} name a missing file: ${k.why}`);
  if (r.orphanRows.removed.length) {
    await db.auditEvent.create({
      data: {
        action: 'archive.recover',
        target: 'archive',
        reason: 'start-up recovery: index rows whose file is missing',
        detail: { removed: r.orphanRows.removed.length, rows: r.orphanRows.removed.slice(0, 1000) },
      },
    });
  }
}

export async function startDicomServices(opts: DicomServicesOptions): Promise<DicomServices> {
  if (providerOfDb(opts.db, opts.databaseUrl) === 'sqlite') await tuneSqlite(opts.db);
  // start-up recovery, before the listener accepts anything: partial writes, then the index against the files
  const files = new ArchiveFiles(opts.archiveDir);
  const { swept } = await files.init();
  if (swept) console.log(`archive: removed ${swept} partial file(s) an interrupted write left in ${INCOMING_DIR}`);
  let reconciled: ReconcileResult | undefined;
  let tierLeftovers: TierLeftovers | undefined;
  if (opts.reconcile ?? true) {
    // first the copies a tier switch left, so that the reconciliation never indexes one as another instance
    tierLeftovers = await removeTierLeftovers(opts.db, files);
    if (tierLeftovers.removed.length) console.log(`archive: removed ${tierLeftovers.removed.length} unreferenced copy(ies) an interrupted tier migration, restore or correction left`);
    for (const k of tierLeftovers.kept.slice(0, 20)) console.warn(`archive: kept ${k.path}: ${k.why}`);
    reconciled = await reconcileArchive(opts.db, files, { removeOrphanRows: opts.removeOrphanRows });
    await reportReconciliation(opts.db, reconciled);
  }
  const services = servicesByRole({ db: opts.db, files, duplicatePolicy: opts.duplicatePolicy });
  for (const [role, extra] of Object.entries(opts.extraServices ?? {})) services[role] = [...(services[role] ?? []), ...extra];
  const server = await startDimseServer({
    db: opts.db,
    host: opts.host ?? '127.0.0.1',
    port: opts.port ?? 11112,
    services,
    idleTimeoutMs: opts.idleTimeoutMs,
    artimTimeoutMs: opts.artimTimeoutMs,
    maxPduReceive: opts.maxPduReceive,
  });
  return {
    port: server.port,
    host: server.host,
    files,
    reconciled,
    tierLeftovers,
    sweptTempFiles: swept,
    async close() {
      await server.close();
      await files.close();
      closeDirectSqlite(opts.db);
    },
  };
}
