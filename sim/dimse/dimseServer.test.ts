import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../prisma/testing';
import { seedDemo } from '../seed';
import { startDicomServices, type DicomServices } from '../startDicomServices';
import { runDcmtk } from '../testing/dcmtk';
import { eventually } from '../testing/eventually';

let t: TestDb;
let services: DicomServices;
let dir: string;

beforeAll(async () => {
  t = await createTestDb();
  await seedDemo(t.db);
  dir = mkdtempSync(join(tmpdir(), 'pacslab-dimse-'));
  services = await startDicomServices({ db: t.db, host: '127.0.0.1', port: 0, archiveDir: dir, databaseUrl: t.url, artimTimeoutMs: 2000 });
});

afterAll(async () => {
  await services?.close();
  await t?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const echo = (calling: string, called: string) =>
  runDcmtk('echoscu', ['-aet', calling, '-aec', called, '127.0.0.1', String(services.port)], { timeoutMs: 20_000 });

async function logsFor(callingAe: string) {
  // the network log is written off the hot path: wait for it
  for (let i = 0; i < 50; i++) {
    const rows = await t.db.associationLog.findMany({ where: { callingAe }, include: { dimse: true }, orderBy: { startedAt: 'asc' } });
    if (rows.length && rows.every((r) => r.endedAt)) return rows;
    await new Promise((r) => setTimeout(r, 100));
  }
  return t.db.associationLog.findMany({ where: { callingAe }, include: { dimse: true } });
}

describe('DICOM listener', () => {
  it('answers C-ECHO from a known modality, on PACS and on RIS', async () => {
    const r = await echo('CT1', 'PACS');
    expect(r.code, r.stderr).toBe(0);
    expect((await echo('CT1', 'RIS')).code).toBe(0);
    const [log] = await logsFor('CT1');
    expect(log.outcome).toBe('released');
    expect(log.calledAe).toBe('PACS');
    expect(log.peerAddress).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(log.dimse).toHaveLength(1);
    expect(log.dimse[0]).toMatchObject({ command: 'C-ECHO-RQ', status: 0 });
    expect(log.dimse[0].statusMeaning).toMatch(/Success/);
    expect(Number(log.bytesIn)).toBeGreaterThan(0);
    const contexts = log.contexts as { accepted: boolean; abstractSyntax: string }[];
    expect(contexts.some((c) => c.accepted && c.abstractSyntax === '1.2.840.10008.1.1')).toBe(true);
  });

  it('rejects an unknown called AE with reason 7 (called AE title not recognized)', async () => {
    const r = await echo('CT1', 'NOPE');
    expect(r.code).not.toBe(0);
    expect(r.stderr + r.stdout).toMatch(/Called AE Title Not Recognized/i);
    const rows = await eventually(async () => {
      const found = await t.db.associationLog.findMany({ where: { calledAe: 'NOPE' } });
      expect(found).toHaveLength(1);
      return found;
    });
    expect(rows[0].outcome).toBe('rejected');
    expect(rows[0].sandboxId).toBeNull();
    expect(rows[0].rejectReason).toMatch(/called-AE-title-not-recognized \(7\)/);
  });

  it('rejects an unknown calling AE with reason 3 (calling AE title not recognized)', async () => {
    const r = await echo('STRANGER', 'PACS');
    expect(r.code).not.toBe(0);
    expect(r.stderr + r.stdout).toMatch(/Calling AE Title Not Recognized/i);
    const rows = await logsFor('STRANGER');
    expect(rows[0].outcome).toBe('rejected');
    expect(rows[0].sandboxId).not.toBeNull();
    expect(rows[0].rejectReason).toMatch(/calling-AE-title-not-recognized \(3\).*STRANGER/);
  });

  it('binds to the configured host only', async () => {
    const other = Object.values((await import('node:os')).networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    if (!other) return; // no second address on this machine
    const refused = await new Promise<boolean>((resolve) => {
      const s = net.connect(services.port, other);
      s.on('connect', () => {
        s.destroy();
        resolve(false);
      });
      s.on('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });

  it('survives garbage and a peer that says nothing, then still answers', async () => {
    await new Promise<void>((resolve) => {
      const s = net.connect(services.port, '127.0.0.1', () => s.write(Buffer.from('GET / HTTP/1.1\r\n\r\n')));
      s.on('close', () => resolve());
      s.on('error', () => resolve());
    });
    // a huge PDU announced: refused without buffering it
    await new Promise<void>((resolve) => {
      const s = net.connect(services.port, '127.0.0.1', () => s.write(Buffer.from([0x01, 0, 0x7f, 0xff, 0xff, 0xff, 0, 1])));
      s.on('close', () => resolve());
      s.on('error', () => resolve());
    });
    // silent peer: ARTIM (2 s in this test) closes it
    const silentClosed = await new Promise<number>((resolve) => {
      const started = Date.now();
      const s = net.connect(services.port, '127.0.0.1');
      s.on('close', () => resolve(Date.now() - started));
      s.on('error', () => undefined);
    });
    expect(silentClosed).toBeLessThan(6000);
    expect((await echo('DX1', 'PACS')).code).toBe(0);
  });

  it('serves many associations at once', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => echo(['CT1', 'DX1', 'MR1', 'US1'][i % 4], 'PACS')));
    expect(results.map((r) => r.code)).toEqual(Array(12).fill(0));
  });
});
