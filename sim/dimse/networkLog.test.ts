import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../prisma/testing';
import type { ContextDecision } from './contextPolicy';
import { contextsForLog, NetworkLog } from './networkLog';

// On SQLite the writer inserts and updates its rows by prepared statements (prisma/directSqlite.ts), on PostgreSQL
// through Prisma: either way Prisma must read back exactly what was logged.
describe('network log rows', () => {
  let t: TestDb;
  let sandboxId: string;
  beforeAll(async () => {
    t = await createTestDb();
    sandboxId = (await t.db.sandbox.create({ data: { slug: 'network-log', name: 'Network log' } })).id;
  });
  afterAll(async () => t?.drop());

  const contexts: ContextDecision[] = [
    { id: 1, abstractSyntax: '1.2.840.10008.5.1.4.1.1.2', transferSyntaxes: ['1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.1'], result: 0, acceptedTransferSyntax: '1.2.840.10008.1.2.4.80', reason: 'stored as sent' },
    { id: 3, abstractSyntax: '1.2.3.4', transferSyntaxes: ['1.2.840.10008.1.2'], result: 3, reason: 'abstract syntax not supported: "ünknown"' },
  ];

  it('an accepted association: its row, its DIMSE rows and its end, as Prisma reads them', async () => {
    const log = new NetworkLog(t.db);
    const startedAt = new Date(Date.now() - 1500);
    const w = log.open({ sandboxId, callingAe: 'CT1', calledAe: 'PACS', peerAddress: '127.0.0.1:40000', outcome: 'accepted', contexts, startedAt });
    w.dimse({ command: 'C-STORE-RQ', sopClassUid: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUid: '1.2.3.4.5', status: 0, statusMeaning: 'Success', durationMs: 3.4, bytes: 526_002, at: new Date() });
    await w.close({ outcome: 'released', bytesIn: 527_000, bytesOut: 300, detail: '' });
    await log.drain();

    const row = await t.db.associationLog.findUniqueOrThrow({ where: { id: w.id }, include: { dimse: true } });
    expect(row).toMatchObject({ sandboxId, callingAe: 'CT1', calledAe: 'PACS', peerAddress: '127.0.0.1:40000', outcome: 'released', rejectReason: '', detail: '', bytesIn: 527_000n, bytesOut: 300n });
    expect(row.contexts).toEqual(contextsForLog(contexts));
    expect(row.startedAt.getTime()).toBe(startedAt.getTime());
    expect(row.endedAt!.getTime()).toBeGreaterThanOrEqual(startedAt.getTime());
    expect(row.dimse).toHaveLength(1);
    expect(row.dimse[0]).toMatchObject({ command: 'C-STORE-RQ', status: 0, durationMs: 3, bytes: 526_002n });
  });

  it('a rejected association (no sandbox) and an end with a reason', async () => {
    const log = new NetworkLog(t.db);
    const rejected = log.open({ sandboxId: null, callingAe: 'X', calledAe: 'NOPE', peerAddress: '', outcome: 'rejected', rejectReason: 'called-AE-title-not-recognized (7)', startedAt: new Date() });
    const aborted = log.open({ sandboxId, callingAe: 'CT1', calledAe: 'PACS', peerAddress: '', outcome: 'accepted', contexts: [], startedAt: new Date() });
    await aborted.close({ outcome: 'aborted', bytesIn: 10, bytesOut: 0, detail: 'connection closed without A-RELEASE' });
    await log.drain();
    const [r, a] = await Promise.all([rejected.id, aborted.id].map((id) => t.db.associationLog.findUniqueOrThrow({ where: { id } })));
    expect(r).toMatchObject({ sandboxId: null, outcome: 'rejected', rejectReason: 'called-AE-title-not-recognized (7)', contexts: [] });
    expect(r.endedAt).toBeInstanceOf(Date);
    expect(a).toMatchObject({ outcome: 'aborted', detail: 'connection closed without A-RELEASE', bytesIn: 10n });
  });
});
