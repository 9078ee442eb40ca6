// A second, synchronous SQLite connection for the few statements on the archive's hot paths (an instance row
// per C-STORE, the network log's DIMSE rows, the routing of each association, the reads behind a query's
// computed attributes). Prisma 7 plans every call in its query compiler, $executeRaw and createMany included:
// ~0.6 ms of the event loop per instance row and ~40 ms per 200-row createMany, measured on ingest, against
// ~0.03 ms and ~1 ms for a prepared statement; routing an association took 1.7 ms in three Prisma reads. Same
// database file, same tables and value formats as Prisma writes; every other read and write stays with Prisma.
//
// The connection never waits for a lock (busy timeout 0): it runs on the event loop, so waiting for a write
// transaction that another connection of this very process holds across an await would stall both. A busy
// database answers 'busy', and the caller writes through Prisma instead, which queues like any other write.
import Database from 'better-sqlite3';
import { sqliteFileOf, type Db } from './db';

export type DirectResult = 'done' | 'busy';

export interface DirectSqlite {
  /** Runs `sql` once per row of parameters, all in one transaction. */
  run(sql: string, rows: readonly (readonly unknown[])[]): DirectResult;
  /**
   * The first row `sql` returns (undefined for none), columns by name, integers as bigint; 'busy' when the
   * database cannot be read now (then the caller reads through Prisma).
   */
  get(sql: string, params: readonly unknown[]): Record<string, unknown> | undefined | 'busy';
  /** Every row `sql` returns, as get() reads them; 'busy' likewise. */
  all(sql: string, params: readonly unknown[]): Record<string, unknown>[] | 'busy';
}

interface Connection extends DirectSqlite {
  conn: Database.Database;
}

const connections = new WeakMap<Db, Connection | null>();

/** DateTime as Prisma's better-sqlite3 adapter writes it (timestampFormat iso8601): `…T…+00:00`. */
export function sqliteDateTime(d: Date): string {
  return d.toISOString().replace('Z', '+00:00');
}

function isBusy(e: unknown) {
  const code = (e as { code?: string }).code ?? '';
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}

/** Runs a statement; 'busy' when the database is locked now (the caller then goes through Prisma). */
function unlessBusy<T>(f: () => T): T | 'busy' {
  try {
    return f();
  } catch (e) {
    if (isBusy(e)) return 'busy';
    throw e;
  }
}

/** The direct connection for a SQLite client createDb() made; null for PostgreSQL or when it cannot open. */
export function directSqlite(db: Db): DirectSqlite | null {
  const known = connections.get(db);
  if (known !== undefined) return known;
  let c: Connection | null = null;
  const file = sqliteFileOf(db);
  if (file && file !== ':memory:') {
    let conn: Database.Database | undefined;
    try {
      conn = new Database(file, { timeout: 0 });
      conn.defaultSafeIntegers(true);
      // as the Prisma connection is tuned (sim/startDicomServices.ts, tuneSqlite): NORMAL under WAL
      if (String(conn.pragma('journal_mode', { simple: true })).toLowerCase() === 'wal') conn.pragma('synchronous = NORMAL');
      const open = conn;
      const statements = new Map<string, Database.Statement>();
      const statement = (sql: string) => {
        let s = statements.get(sql);
        if (!s) statements.set(sql, (s = open.prepare(sql)));
        return s;
      };
      const many = open.transaction((s: Database.Statement, rows: readonly (readonly unknown[])[]) => {
        for (const r of rows) s.run(...r);
      });
      c = {
        conn: open,
        run: (sql, rows) =>
          unlessBusy(() => {
            const s = statement(sql);
            if (rows.length === 1) s.run(...rows[0]);
            else many(s, rows);
            return 'done' as const;
          }),
        get: (sql, params) => unlessBusy(() => statement(sql).get(...params) as Record<string, unknown> | undefined),
        all: (sql, params) => unlessBusy(() => statement(sql).all(...params) as Record<string, unknown>[]),
      };
    } catch (e) {
      conn?.close();
      console.warn(`database: hot-path inserts go through Prisma (${(e as Error).message})`);
    }
  }
  connections.set(db, c);
  return c;
}

/** Closes the direct connection of this client, if one was opened. */
export function closeDirectSqlite(db: Db) {
  const c = connections.get(db);
  connections.delete(db);
  c?.conn.close();
}
