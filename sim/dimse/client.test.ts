// Our SCU against our own archive over real sockets, and the failures a console must name.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../prisma/testing';
import { splitPart10 } from '../dicom/part10';
import { seedDemo } from '../seed';
import { startDicomServices, type DicomServices } from '../startDicomServices';
import { PYDICOM_TEST_FILES } from '../testing/dcmtk';
import { echo, find, ScuError, store, type Peer } from './client';

let t: TestDb;
let services: DicomServices;
let archiveDir: string;
let sandboxId: string;
let peer: Peer;

beforeAll(async () => {
  t = await createTestDb();
  sandboxId = (await seedDemo(t.db)).sandboxId;
  archiveDir = mkdtempSync(join(tmpdir(), 'pacslab-scu-'));
  services = await startDicomServices({ db: t.db, host: '127.0.0.1', port: 0, archiveDir, databaseUrl: t.url });
  peer = { host: '127.0.0.1', port: services.port, callingAe: 'CT1', calledAe: 'PACS', timeoutMs: 5000 };
});

afterAll(async () => {
  await services?.close();
  await t?.drop();
  rmSync(archiveDir, { recursive: true, force: true });
});

async function failure(p: Promise<unknown>) {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(ScuError);
  return (e as ScuError).failure;
}

describe('SCU client', () => {
  it('C-ECHO succeeds', async () => {
    const r = await echo(peer);
    expect(r).toMatchObject({ status: 0, category: 'success' });
  });

  it('names a rejected calling AE and a rejected called AE with the PS3.8 reason', async () => {
    expect(await failure(echo({ ...peer, callingAe: 'STRANGER' }))).toMatchObject({ kind: 'association-rejected', reason: 3, message: expect.stringContaining('calling AE title not recognized') });
    expect(await failure(echo({ ...peer, calledAe: 'PACZ' }))).toMatchObject({ kind: 'association-rejected', reason: 7, message: expect.stringContaining('called AE title not recognized') });
  });

  it('names a closed port as connection refused', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
    expect(await failure(echo({ ...peer, port: closed }))).toMatchObject({ kind: 'connection-refused' });
  });

  it('stores files byte for byte in their own transfer syntax, private tags included', async () => {
    const files = ['CT_small.dcm', 'MR_small.dcm', 'JPEG2000.dcm'].map((f) => join(PYDICOM_TEST_FILES, f));
    const progress: number[] = [];
    const results = await store(peer, files, (done) => progress.push(done));
    expect(results.map((r) => r.status)).toEqual([0, 0, 0]);
    expect(progress).toEqual([1, 2, 3]);
    for (const [i, file] of files.entries()) {
      const original = readFileSync(file);
      const row = await t.db.instance.findUniqueOrThrow({ where: { sandboxId_sopInstanceUid: { sandboxId, sopInstanceUid: results[i].sopInstanceUid } } });
      const stored = readFileSync(join(archiveDir, ...row.filePath.split('/')));
      expect(stored.subarray(splitPart10(stored).datasetOffset).equals(original.subarray(splitPart10(original).datasetOffset))).toBe(true);
      expect(row.transferSyntaxUid).toBe(splitPart10(original).transferSyntaxUid);
    }
  });
});

describe('SCU client C-FIND against the archive', () => {
  it('finds the stored studies with a Study Root C-FIND, every pending response delivered', async () => {
    const r = await find(peer, 'study', { QueryRetrieveLevel: 'STUDY', PatientName: 'CompressedSamples*', StudyInstanceUID: '', NumberOfStudyRelatedInstances: '' });
    expect(r.final.status).toBe(0);
    expect(r.matches.length).toBeGreaterThanOrEqual(2);
    expect(r.matches.every((m) => typeof m.StudyInstanceUID === 'string' && m.StudyInstanceUID.length > 0)).toBe(true);
  });

  it('answers a malformed identifier with a failure status, not silence', async () => {
    const r = await find(peer, 'study', { QueryRetrieveLevel: 'STUDY', StudyDate: 'not-a-date', StudyInstanceUID: '' });
    expect(r.final.category).toBe('failure');
    expect(r.matches).toEqual([]);
  });
});
