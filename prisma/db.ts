// The one database client factory, shared by the web app (app/) and the DICOM services (sim/).
// SQLite by default (zero set-up: a file under data/), PostgreSQL when DATABASE_URL is a postgresql:// URL.
// Prisma 7 binds a generated client to one provider, so there are two clients with the same model API.
import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient as SqliteClient } from './generated/sqlite/client';
import { PrismaClient as PostgresClient } from './generated/postgresql/client';

/** Both generated clients expose the same models (the schema is portable); the SQLite one names the type. */
export type Db = SqliteClient;
export type Provider = 'sqlite' | 'postgresql';

export const DEFAULT_DATABASE_URL = 'file:data/pacslab.db';

export function databaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL;
}

export function providerOf(url: string): Provider {
  if (/^postgres(ql)?:\/\//i.test(url)) return 'postgresql';
  if (/^file:/i.test(url)) return 'sqlite';
  throw new Error(`DATABASE_URL must start with file: (SQLite) or postgresql:// (PostgreSQL); got "${url.split(':')[0]}:…"`);
}

/** Absolute path of a file: URL, relative paths taken from the working directory; creates its folder. */
export function sqlitePath(url: string): string {
  const raw = url.replace(/^file:/i, '').split('?')[0];
  if (raw === ':memory:') return raw;
  const path = isAbsolute(raw) ? raw : resolve(process.cwd(), raw);
  mkdirSync(dirname(path), { recursive: true });
  return path;
}

export function adapterFor(url: string) {
  return providerOf(url) === 'postgresql'
    ? new PrismaPg({ connectionString: url, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) })
    : new PrismaBetterSqlite3({ url: sqlitePath(url), timeout: 10_000 });
}

export function createDb(url: string = databaseUrl()): Db {
  const adapter = adapterFor(url);
  if (providerOf(url) === 'postgresql') return new PostgresClient({ adapter }) as unknown as Db;
  const db = new SqliteClient({ adapter });
  sqliteFiles.set(db, sqlitePath(url));
  return db;
}

const sqliteFiles = new WeakMap<object, string>();

/** The database file behind a client createDb() made for SQLite; undefined for PostgreSQL (or another client). */
export function sqliteFileOf(db: Db): string | undefined {
  return sqliteFiles.get(db);
}

const cache = globalThis as unknown as { __pacslabDb?: { url: string; db: Db } };

/** The process-wide client (cached on globalThis so Next's dev reloads do not open a pool each time). */
export function getDb(): Db {
  const url = databaseUrl();
  if (cache.__pacslabDb?.url !== url) cache.__pacslabDb = { url, db: createDb(url) };
  return cache.__pacslabDb.db;
}
