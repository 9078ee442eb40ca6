// Starts the DICOM services of every sandbox on one listener: used by the daemon (sim/daemon.ts), by the web
// server in-process, and by tests (port 0 picks a free port).
import { providerOf, databaseUrl, type Db } from '../prisma/db';
import { ArchiveFiles } from './archive/archiveFiles';
import { findService } from './archive/findScp';
import { createGetService } from './archive/getScp';
import { createMoveService } from './archive/moveScp';
import { reconcileArchive, type ReconcileResult } from './archive/reconcileArchive';
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
}

export interface DicomServices {
  port: number;
  host: string;
  files: ArchiveFiles;
  /** what the start-up reconciliation found (undefined when it was turned off) */
  reconciled?: ReconcileResult;
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

export async function startDicomServices(opts: DicomServicesOptions): Promise<DicomServices> {
  if (providerOfDb(opts.db, opts.databaseUrl) === 'sqlite') await tuneSqlite(opts.db);
  const files = new ArchiveFiles(opts.archiveDir);
  await files.init();
  let reconciled: ReconcileResult | undefined;
  if (opts.reconcile ?? true) {
    reconciled = await reconcileArchive(opts.db, files);
    if (reconciled.indexed.length) console.log(`archive: indexed ${reconciled.indexed.length} stored file(s) that had no index row (e.g. after a power loss)`);
    for (const s of reconciled.skipped.slice(0, 20)) console.error(`archive: cannot index ${s.path}: ${s.why}`);
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
    async close() {
      await server.close();
      await files.close();
    },
  };
}
