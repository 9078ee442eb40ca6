// One demo sandbox with our DICOM services on a free port, a fresh database, and temporary archive and scanner
// disks: the set-up of every test that drives the simulated scanners against the real listener.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDb, type TestDb } from '../../prisma/testing';
import { seedDemo } from '../seed';
import { startDicomServices, type DicomServices } from '../startDicomServices';

export interface SandboxHarness {
  t: TestDb;
  services: DicomServices;
  archiveDir: string;
  /** the scanners' local disks (MODALITY_DIR is pointed here for this process) */
  storeDir: string;
  sandboxId: string;
  close(): Promise<void>;
}

export async function startSandboxHarness(): Promise<SandboxHarness> {
  const t = await createTestDb();
  const archiveDir = mkdtempSync(join(tmpdir(), 'pacslab-archive-'));
  const storeDir = mkdtempSync(join(tmpdir(), 'pacslab-modality-'));
  process.env.MODALITY_DIR = storeDir;
  // the web process finds the archive's files through ARCHIVE_DIR, as the daemon does (corrections, tiers, checks)
  const previousArchiveDir = process.env.ARCHIVE_DIR;
  process.env.ARCHIVE_DIR = archiveDir;
  const services = await startDicomServices({ db: t.db, host: '127.0.0.1', port: 0, archiveDir, databaseUrl: t.url });
  const { sandboxId } = await seedDemo(t.db, { listener: { host: '127.0.0.1', port: services.port } });
  return {
    t,
    services,
    archiveDir,
    storeDir,
    sandboxId,
    async close() {
      if (previousArchiveDir === undefined) delete process.env.ARCHIVE_DIR;
      else process.env.ARCHIVE_DIR = previousArchiveDir;
      await services.close();
      await t.drop();
      rmSync(archiveDir, { recursive: true, force: true });
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
