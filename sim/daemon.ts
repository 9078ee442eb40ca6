// The DICOM services as their own process: `npx tsx sim/daemon.ts` (npm run sim). Migrates the database,
// ensures the demo sandbox exists, recovers the archive from whatever a crash left (partial files in .incoming,
// files without an index row, index rows without a file: startDicomServices.ts, reconcileArchive.ts), starts the
// DICOM listener, and shuts down cleanly on SIGTERM/SIGINT.
// The HL7 v2 listener runs as a process of its own (sim/hl7d.ts): the HL7 library's dictionaries alone take
// ~80-130 MB, which would push this process past its memory budget while a large study streams in.
// Run it with the environment of sim/daemonEnv.ts (MALLOC_ARENA_MAX=2, NODE_OPTIONS=--max-semi-space-size=2), as
// `npm start` and `npm run sim` do: both keep its resident memory within budget while a large study streams in.
import { resolve } from 'node:path';
import { createDb, databaseUrl } from '../prisma/db';
import { applyMigrations } from '../prisma/migrate';
import { archiveDirFromEnv } from './archive/archiveFiles';
import { duplicatePolicyFromEnv } from './archive/storageService';
import { traceSummary } from './dimse/ingestTrace';
import { maxAssociationsPerSandbox, maxDatasetBytes } from './dimse/sandboxLimits';
import { scheduleDailyOrders } from './ris/seedOrders';
import { closeOnSignals, runIfEntry } from './processLifecycle';
import { seedDemo } from './seed';
import { startDicomServices } from './startDicomServices';

export { startDicomServices } from './startDicomServices';

export async function main() {
  const url = databaseUrl();
  await applyMigrations(url);
  const db = createDb(url);
  await seedDemo(db);
  // a daemon running past midnight seeds the new day's orders in every sandbox, so each worklist has today's
  const stopDailyOrders = scheduleDailyOrders(db);
  const host = process.env.DICOM_HOST?.trim() || '127.0.0.1';
  const port = Number(process.env.DICOM_PORT ?? 11112);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`DICOM_PORT must be a port number, not "${process.env.DICOM_PORT}"`);
  // read again at each association; a bad value stops the start here, in words, rather than refusing associations
  maxAssociationsPerSandbox();
  maxDatasetBytes();
  const services = await startDicomServices({
    db,
    host,
    port,
    archiveDir: resolve(archiveDirFromEnv()),
    duplicatePolicy: duplicatePolicyFromEnv(),
    databaseUrl: url,
    // this process owns ARCHIVE_DIR: a row whose file is missing is removed at start (reconcileArchive.ts)
    removeOrphanRows: true,
  });
  // what the start-up recovery did, one line every start (sim/hardening/crash.ts reads it after each kill -9)
  const r = services.reconciled;
  console.log(
    `archive recovery: ${services.sweptTempFiles} partial file(s) removed, ${r?.indexed.length ?? 0} file(s) indexed again, ` +
      `${r?.orphanRows.removed.length ?? 0} orphan index row(s) removed, ${r?.skipped.length ?? 0} file(s) not indexable, ${r?.files ?? 0} file(s) checked`,
  );
  const local = await db.dicomNode.findMany({ where: { local: true }, select: { aeTitle: true }, orderBy: { createdAt: 'asc' } });
  console.log(`DICOM listener on ${host}:${services.port} (AE ${local.map((n) => n.aeTitle).join(', ')})`);
  closeOnSignals('DICOM listener', async () => {
    for (const t of traceSummary()) console.log(`ingest trace: ${t.stage.padEnd(45)} ${t.meanMs.toFixed(3)} ms × ${t.count}`);
    stopDailyOrders();
    await services.close();
    await db.$disconnect();
  });
}

runIfEntry(import.meta.url, main);
