import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../prisma/testing';
import { splitPart10 } from '../dicom/part10';
import { seedDemo } from '../seed';
import { startDicomServices } from '../startDicomServices';
import { PYDICOM_TEST_FILES } from '../testing/dcmtk';
import { rawStore } from '../testing/rawPeer';

let t: TestDb;
let archiveDir: string;
let sandboxId: string;

beforeAll(async () => {
  t = await createTestDb();
  sandboxId = (await seedDemo(t.db)).sandboxId;
  archiveDir = mkdtempSync(join(tmpdir(), 'pacslab-reconcile-'));
});

afterAll(async () => {
  await t?.drop();
  rmSync(archiveDir, { recursive: true, force: true });
});

const start = (removeOrphanRows = false) => startDicomServices({ db: t.db, host: '127.0.0.1', port: 0, archiveDir, databaseUrl: t.url, removeOrphanRows });

async function storeSample(port: number, name: string) {
  const file = readFileSync(join(PYDICOM_TEST_FILES, name));
  const p = splitPart10(file);
  return rawStore({
    port, callingAe: 'CT1', calledAe: 'PACS', transferSyntaxUid: p.transferSyntaxUid!,
    sopClassUid: p.meta.get(0x0002)!, sopInstanceUid: p.meta.get(0x0003)!, dataset: file.subarray(p.datasetOffset),
  });
}

describe('start-up reconciliation (the file is the source of truth)', () => {
  it('indexes again an acknowledged instance whose index row a power loss took, and only that', async () => {
    const names = ['CT_small.dcm', 'MR_small.dcm'];
    let services = await start();
    expect(services.reconciled).toEqual({ files: 0, indexed: [], skipped: [], orphanRows: { removed: [], kept: [] } });
    for (const name of names) {
      const file = readFileSync(join(PYDICOM_TEST_FILES, name));
      const p = splitPart10(file);
      const status = await rawStore({
        port: services.port, callingAe: 'CT1', calledAe: 'PACS', transferSyntaxUid: p.transferSyntaxUid!,
        sopClassUid: p.meta.get(0x0002)!, sopInstanceUid: p.meta.get(0x0003)!, dataset: file.subarray(p.datasetOffset),
      });
      expect(status).toBe(0);
    }
    await services.close();
    const before = await t.db.instance.findMany({ orderBy: { sopInstanceUid: 'asc' } });
    expect(before).toHaveLength(2);

    // what synchronous=NORMAL may lose on power loss: the newest rows (and here their series, study, patient)
    const lost = before.find((r) => r.sopClassUid === '1.2.840.10008.5.1.4.1.1.4')!;
    await t.db.instance.delete({ where: { id: lost.id } });
    await t.db.series.delete({ where: { id: lost.seriesRefId } });
    // a stray non-DICOM file whose name is a valid UID is reported, not indexed, and does not stop the start
    mkdirSync(join(archiveDir, sandboxId, '1.2.3', '1.2.3.4'), { recursive: true });
    writeFileSync(join(archiveDir, sandboxId, '1.2.3', '1.2.3.4', '1.2.3.4.5.dcm'), 'not DICOM');

    services = await start();
    try {
      expect(services.reconciled?.files).toBe(3);
      expect(services.reconciled?.indexed).toEqual([lost.filePath]);
      expect(services.reconciled?.skipped.map((s) => s.path)).toEqual([`${sandboxId}/1.2.3/1.2.3.4/1.2.3.4.5.dcm`]);
      const after = await t.db.instance.findMany({ orderBy: { sopInstanceUid: 'asc' } });
      const { id: _a, seriesRefId: _b, receivedAt: _c, ...was } = lost;
      const again = after.find((r) => r.sopInstanceUid === lost.sopInstanceUid)!;
      expect(again).toMatchObject(was);
      expect(again.sourceAe).toBe('CT1');
      const series = await t.db.series.findUniqueOrThrow({ where: { id: again.seriesRefId }, include: { study: true } });
      expect(series.modality).toBe('MR');
    } finally {
      await services.close();
    }
  });

  it('removes partial files and the index rows whose file is missing (daemon start-up), with what they left empty', async () => {
    let services = await start();
    expect(await storeSample(services.port, 'JPEG2000.dcm')).toBe(0);
    await services.close();
    const sop = splitPart10(readFileSync(join(PYDICOM_TEST_FILES, 'JPEG2000.dcm'))).meta.get(0x0003)!;
    const row = await t.db.instance.findFirstOrThrow({ where: { sopInstanceUid: sop } });
    const series = await t.db.series.findUniqueOrThrow({ where: { id: row.seriesRefId }, include: { _count: { select: { instances: true } } } });
    expect(series._count.instances).toBe(1);
    // a file deleted by hand under ARCHIVE_DIR, and what a kill -9 leaves in .incoming
    unlinkSync(join(archiveDir, ...row.filePath.split('/')));
    writeFileSync(join(archiveDir, '.incoming', 'crashed.part'), Buffer.alloc(1000));
    const rowsBefore = await t.db.instance.count();

    // without removeOrphanRows (tests, embedders): reported, kept
    services = await start();
    try {
      expect(services.sweptTempFiles).toBe(1);
      expect(services.reconciled?.orphanRows).toEqual({ removed: [], kept: [{ sandboxId, count: 1, why: expect.stringContaining('only reported') }] });
      expect(await t.db.instance.count()).toBe(rowsBefore);
    } finally {
      await services.close();
    }

    services = await start(true);
    try {
      expect(services.reconciled?.orphanRows).toEqual({ removed: [{ path: row.filePath, sopInstanceUid: row.sopInstanceUid }], kept: [] });
      expect(await t.db.instance.count()).toBe(rowsBefore - 1);
      expect(await t.db.series.findUnique({ where: { id: row.seriesRefId } })).toBeNull();
      expect(readdirSync(join(archiveDir, '.incoming'))).toEqual([]);
      const audit = await t.db.auditEvent.findFirstOrThrow({ where: { action: 'archive.recover' } });
      expect(audit.detail).toMatchObject({ removed: 1, rows: [{ sopInstanceUid: row.sopInstanceUid }] });
      // the listener still stores the instance again as new
      expect(await storeSample(services.port, 'JPEG2000.dcm')).toBe(0);
      expect(existsSync(join(archiveDir, ...row.filePath.split('/')))).toBe(true);
    } finally {
      await services.close();
    }
  });

  it('keeps every row when ARCHIVE_DIR looks like the wrong folder', async () => {
    const rows = await t.db.instance.count();
    expect(rows).toBeGreaterThan(0);
    const other = mkdtempSync(join(tmpdir(), 'pacslab-reconcile-empty-'));
    try {
      const services = await startDicomServices({ db: t.db, host: '127.0.0.1', port: 0, archiveDir: other, databaseUrl: t.url, removeOrphanRows: true });
      await services.close();
      expect(services.reconciled?.orphanRows.removed).toEqual([]);
      expect(services.reconciled?.orphanRows.kept).toEqual([{ sandboxId, count: rows, why: expect.stringContaining('no folder under ARCHIVE_DIR') }]);
      expect(await t.db.instance.count()).toBe(rows);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
