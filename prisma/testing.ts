// A fresh, migrated database for one test file: SQLite in a temp folder by default; a new database on the
// PostgreSQL server named by TEST_DATABASE_URL when that is a postgresql:// URL (CI gives one). Real databases
// only: no mocks of our own data layer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createDb, providerOf, type Db } from './db';
import { closeDirectSqlite } from './directSqlite';
import { applyMigrations } from './migrate';

export interface TestDb {
  db: Db;
  url: string;
  provider: 'sqlite' | 'postgresql';
  drop(): Promise<void>;
}

export async function createTestDb(): Promise<TestDb> {
  const base = process.env.TEST_DATABASE_URL;
  if (base && providerOf(base) === 'postgresql') {
    const name = `pacslab_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const url = new URL(base);
    url.pathname = `/${name}`;
    await applyMigrations(url.toString());
    const db = createDb(url.toString());
    return {
      db,
      url: url.toString(),
      provider: 'postgresql',
      async drop() {
        await db.$disconnect();
        const a = new pg.Client({ connectionString: base });
        await a.connect();
        await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await a.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'pacslab-test-'));
  const url = `file:${join(dir, 'test.db')}`;
  await applyMigrations(url);
  const db = createDb(url);
  return {
    db,
    url,
    provider: 'sqlite',
    async drop() {
      closeDirectSqlite(db);
      await db.$disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
