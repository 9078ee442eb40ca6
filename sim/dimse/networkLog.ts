// Writes the network log (AssociationLog, DimseLog) off the hot path: one row per association written when it
// is negotiated, DIMSE rows batched (flushed every second, every 200 rows and at the end), all writes of one
// association chained in order. A failed write is retried once and then printed, never silently dropped;
// `drain()` waits for everything still queued (the listener's close() calls it).
import { randomUUID } from 'node:crypto';
import type { Db } from '../../prisma/db';
import { directSqlite, sqliteDateTime } from '../../prisma/directSqlite';
import type { ContextDecision } from './contextPolicy';
import { contextResultText } from './contextPolicy';

export interface DimseLogEntry {
  command: string;
  sopClassUid?: string;
  sopInstanceUid?: string;
  status: number;
  statusMeaning: string;
  durationMs: number;
  bytes: number;
  at: Date;
}

export type AssociationOutcome = 'accepted' | 'rejected' | 'aborted' | 'released' | 'failed';

export interface AssociationStart {
  sandboxId: string | null;
  callingAe: string;
  calledAe: string;
  peerAddress: string;
  outcome: AssociationOutcome;
  rejectReason?: string;
  contexts?: readonly ContextDecision[];
  startedAt: Date;
}

const FLUSH_EVERY_MS = 1000;
const FLUSH_AT_ROWS = 200;

const INSERT_ASSOCIATION_LOG = `INSERT INTO "AssociationLog" ("id", "sandboxId", "callingAe", "calledAe", "peerAddress", "outcome", "rejectReason", "detail", "contexts", "bytesIn", "bytesOut", "startedAt", "endedAt") VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, 0, 0, ?, ?)`;
const END_ASSOCIATION_LOG = `UPDATE "AssociationLog" SET "outcome" = ?, "endedAt" = ?, "bytesIn" = ?, "bytesOut" = ?, "detail" = COALESCE(?, "detail") WHERE "id" = ?`;
const INSERT_DIMSE_LOG = `INSERT INTO "DimseLog" ("id", "associationId", "command", "sopClassUid", "sopInstanceUid", "status", "statusMeaning", "durationMs", "bytes", "at") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

export class NetworkLog {
  private pending = new Set<Promise<unknown>>();
  constructor(private readonly db: Db) {}

  /** Starts the log of one association; returns its writer. */
  open(start: AssociationStart): AssociationLogWriter {
    return new AssociationLogWriter(this, start);
  }

  /** @internal runs a write with one retry, tracked until done */
  track(label: string, write: () => Promise<unknown>): Promise<void> {
    const p = write()
      .catch(() => new Promise((r) => setTimeout(r, 200)).then(write))
      .catch((e: unknown) => {
        console.error(`network log: could not write ${label}: ${(e as Error).message}`);
      })
      .then(() => undefined);
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
    return p;
  }

  get database() {
    return this.db;
  }

  async drain(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }
}

export function contextsForLog(contexts: readonly ContextDecision[] | undefined) {
  return (contexts ?? []).map((c) => ({
    id: c.id,
    abstractSyntax: c.abstractSyntax,
    transferSyntaxes: [...c.transferSyntaxes],
    result: c.result,
    resultText: contextResultText(c.result),
    accepted: c.result === 0,
    acceptedTransferSyntax: c.acceptedTransferSyntax ?? null,
    reason: c.reason,
  }));
}

export class AssociationLogWriter {
  readonly id = randomUUID();
  private chain: Promise<void>;
  private buffer: DimseLogEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly log: NetworkLog,
    start: AssociationStart,
  ) {
    const db = log.database;
    const data = {
      id: this.id,
      sandboxId: start.sandboxId,
      callingAe: start.callingAe,
      calledAe: start.calledAe,
      peerAddress: start.peerAddress,
      outcome: start.outcome,
      rejectReason: start.rejectReason ?? '',
      contexts: contextsForLog(start.contexts),
      startedAt: start.startedAt,
      endedAt: start.outcome === 'rejected' ? new Date() : null,
    };
    this.chain = log.track(`association ${start.callingAe}→${start.calledAe}`, async () => {
      // SQLite: a prepared statement (prisma/directSqlite.ts), before the A-ASSOCIATE-AC goes out. Through Prisma,
      // planning this insert held the event loop ~1.5 ms just as the peer's first request arrived. The Json column
      // is JSON text, as Prisma writes it. PostgreSQL, or SQLite busy: Prisma.
      const row = [data.id, data.sandboxId, data.callingAe, data.calledAe, data.peerAddress, data.outcome, data.rejectReason, JSON.stringify(data.contexts), sqliteDateTime(data.startedAt), data.endedAt && sqliteDateTime(data.endedAt)];
      if (directSqlite(db)?.run(INSERT_ASSOCIATION_LOG, [row]) === 'done') return;
      await db.associationLog.create({ data });
    });
  }

  private enqueue(label: string, write: () => Promise<unknown>) {
    this.chain = this.chain.then(() => this.log.track(label, write));
  }

  dimse(entry: DimseLogEntry) {
    if (this.closed) {
      // a handler finishing after the association ended: still logged
      this.buffer.push(entry);
      this.flush();
      return;
    }
    this.buffer.push(entry);
    if (this.buffer.length >= FLUSH_AT_ROWS) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), FLUSH_EVERY_MS);
  }

  flush() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.buffer.length) return;
    const rows = this.buffer.map((e) => ({
      associationId: this.id,
      command: e.command,
      sopClassUid: e.sopClassUid ?? '',
      sopInstanceUid: e.sopInstanceUid ?? '',
      status: e.status,
      statusMeaning: e.statusMeaning,
      durationMs: Math.round(e.durationMs),
      bytes: BigInt(e.bytes),
      at: e.at,
    }));
    this.buffer = [];
    const db = this.log.database;
    this.enqueue(`${rows.length} DIMSE rows`, async () => {
      // SQLite: a prepared statement (prisma/directSqlite.ts). Prisma's createMany planned 200 rows for ~40 ms of
      // the event loop, a stall in the middle of a transfer. Ids are UUIDs where Prisma makes cuids (both opaque).
      // PostgreSQL, or SQLite busy: Prisma, as before.
      const direct = directSqlite(db);
      const params = rows.map((r) => [randomUUID(), r.associationId, r.command, r.sopClassUid, r.sopInstanceUid, r.status, r.statusMeaning, r.durationMs, r.bytes, sqliteDateTime(r.at)]);
      if (direct?.run(INSERT_DIMSE_LOG, params) === 'done') return;
      await db.dimseLog.createMany({ data: rows });
    });
  }

  /** Records the end of the association (outcome, bytes) after its DIMSE rows. */
  close(end: { outcome: AssociationOutcome; bytesIn: number; bytesOut: number; detail?: string }) {
    this.flush();
    if (this.closed) return this.chain;
    this.closed = true;
    const db = this.log.database;
    const endedAt = new Date();
    this.enqueue('association end', async () => {
      const row = [end.outcome, sqliteDateTime(endedAt), BigInt(end.bytesIn), BigInt(end.bytesOut), end.detail || null, this.id];
      if (directSqlite(db)?.run(END_ASSOCIATION_LOG, [row]) === 'done') return;
      await db.associationLog.update({
        where: { id: this.id },
        data: { outcome: end.outcome, endedAt, bytesIn: BigInt(end.bytesIn), bytesOut: BigInt(end.bytesOut), ...(end.detail ? { detail: end.detail } : {}) },
      });
    });
    return this.chain;
  }
}
