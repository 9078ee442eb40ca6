import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteFileOf } from './db';
import { closeDirectSqlite, directSqlite } from './directSqlite';
import { createTestDb, type TestDb } from './testing';
import { ensureSeries, insertInstance, newIndexCache, type InstanceRow } from '../sim/archive/indexInstance';

// createTestDb() takes PostgreSQL when TEST_DATABASE_URL names one
const onSqlite = !/^postgres/i.test(process.env.TEST_DATABASE_URL ?? '');

describe('direct SQLite inserts on the hot paths', () => {
  let t: TestDb;
  let sandboxId: string;
  let seriesRefId: string;
  const row = (sop: string, over: Partial<InstanceRow> = {}): InstanceRow => ({
    sandboxId,
    seriesRefId,
    sopInstanceUid: sop,
    sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
    instanceNumber: 1,
    rows: 512,
    columns: 512,
    numberOfFrames: null,
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    filePath: `x/${sop}.dcm`,
    fileSize: 526002n,
    sourceAe: 'CT1',
    ...over,
  });

  beforeAll(async () => {
    t = await createTestDb();
    const sandbox = await t.db.sandbox.create({ data: { slug: 'direct-sqlite', name: 'Direct' } });
    sandboxId = sandbox.id;
    seriesRefId = await ensureSeries(t.db, newIndexCache(), sandboxId, { PatientID: 'P1', PatientName: 'DOE^JO', StudyInstanceUID: '1.2.3', SeriesInstanceUID: '1.2.3.4', SOPInstanceUID: '1.2.3.4.5', SOPClassUID: '1.2.840.10008.5.1.4.1.1.2' });
  });
  afterAll(async () => t?.drop());

  it('is there for SQLite only', () => {
    expect(directSqlite(t.db) !== null).toBe(t.provider === 'sqlite');
  });

  it('writes the row Prisma reads back, with the same value formats', async () => {
    await insertInstance(t.db, row('1.2.3.4.10'));
    const back = await t.db.instance.findUnique({ where: { sandboxId_sopInstanceUid: { sandboxId, sopInstanceUid: '1.2.3.4.10' } } });
    expect(back).toMatchObject({ seriesRefId, rows: 512, numberOfFrames: null, fileSize: 526002n, sourceAe: 'CT1' });
    expect(back!.receivedAt).toBeInstanceOf(Date);
    expect(Math.abs(back!.receivedAt.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("answers constraint errors with Prisma's codes", async () => {
    await expect(insertInstance(t.db, row('1.2.3.4.10'))).rejects.toMatchObject({ code: 'P2002' });
    await expect(insertInstance(t.db, row('1.2.3.4.11', { seriesRefId: 'no-such-series' }))).rejects.toMatchObject({ code: 'P2003' });
  });

  it.runIf(onSqlite)('never waits for a lock another connection holds: it answers busy, then writes once the lock is gone', async () => {
    const direct = directSqlite(t.db)!;
    const holder = new Database(sqliteFileOf(t.db)!);
    try {
      holder.exec('BEGIN IMMEDIATE');
      const started = performance.now();
      const sql = 'UPDATE "Sandbox" SET "name" = ? WHERE "id" = ?';
      expect(direct.run(sql, [['Busy', sandboxId]])).toBe('busy');
      expect(performance.now() - started).toBeLessThan(50);
      holder.exec('COMMIT');
      expect(direct.run(sql, [['Free', sandboxId]])).toBe('done');
      expect((await t.db.sandbox.findUniqueOrThrow({ where: { id: sandboxId } })).name).toBe('Free');
    } finally {
      holder.close();
    }
  });

  it('opens again after being closed', async () => {
    closeDirectSqlite(t.db);
    await insertInstance(t.db, row('1.2.3.4.12'));
    expect(await t.db.instance.count({ where: { sandboxId } })).toBe(2);
  });
});
