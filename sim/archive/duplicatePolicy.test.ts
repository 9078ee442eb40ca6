// A repeated SOP Instance UID, as a PACS answers it: keep-first (the default) keeps the first copy and answers
// success; replace swaps in the new copy. Never a second index row, never a half-replaced file.
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../prisma/testing';
import { splitPart10 } from '../dicom/part10';
import { store, type Peer } from '../dimse/client';
import { seedDemo } from '../seed';
import { startDicomServices, type DicomServices } from '../startDicomServices';
import { PYDICOM_TEST_FILES } from '../testing/dcmtk';
import type { DuplicatePolicy } from './storageService';

const SOP = '1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322'; // CT_small.dcm's SOP Instance UID

function setup(policy: DuplicatePolicy) {
  const ctx = {} as { t: TestDb; services: DicomServices; archiveDir: string; work: string; sandboxId: string; peer: Peer };
  beforeAll(async () => {
    ctx.t = await createTestDb();
    ctx.sandboxId = (await seedDemo(ctx.t.db)).sandboxId;
    ctx.archiveDir = mkdtempSync(join(tmpdir(), `pacslab-dup-${policy}-`));
    ctx.work = mkdtempSync(join(tmpdir(), 'pacslab-dup-work-'));
    ctx.services = await startDicomServices({ db: ctx.t.db, host: '127.0.0.1', port: 0, archiveDir: ctx.archiveDir, databaseUrl: ctx.t.url, duplicatePolicy: policy });
    ctx.peer = { host: '127.0.0.1', port: ctx.services.port, callingAe: 'CT1', calledAe: 'PACS', timeoutMs: 10_000 };
  });
  afterAll(async () => {
    await ctx.services?.close();
    await ctx.t?.drop();
    rmSync(ctx.archiveDir, { recursive: true, force: true });
    rmSync(ctx.work, { recursive: true, force: true });
  });
  return ctx;
}

/** CT_small.dcm with a different Series Description: the same instance, other bytes. */
function secondCopy(work: string) {
  const path = join(work, 'second.dcm');
  copyFileSync(join(PYDICOM_TEST_FILES, 'CT_small.dcm'), path);
  execFileSync('dcmodify', ['-nb', '-i', '(0008,103e)=SECOND COPY', path]); // -i: insert or modify
  return path;
}

const datasetOf = (file: Buffer) => file.subarray(splitPart10(file).datasetOffset);

async function storedCopy(ctx: ReturnType<typeof setup>) {
  const rows = await ctx.t.db.instance.findMany({ where: { sandboxId: ctx.sandboxId, sopInstanceUid: SOP } });
  expect(rows).toHaveLength(1);
  return datasetOf(readFileSync(join(ctx.archiveDir, ...rows[0].filePath.split('/'))));
}

describe('DUPLICATE_POLICY=keep-first', () => {
  const ctx = setup('keep-first');
  it('answers success to the repeat and keeps the first copy, with one index row', async () => {
    const first = join(PYDICOM_TEST_FILES, 'CT_small.dcm');
    expect((await store(ctx.peer, [first]))[0].status).toBe(0);
    expect((await store(ctx.peer, [secondCopy(ctx.work)]))[0].status).toBe(0);
    expect((await storedCopy(ctx)).equals(datasetOf(readFileSync(first)))).toBe(true);
  });
});

describe('DUPLICATE_POLICY=replace', () => {
  const ctx = setup('replace');
  it('answers success to the repeat and keeps the new copy, with one index row', async () => {
    expect((await store(ctx.peer, [join(PYDICOM_TEST_FILES, 'CT_small.dcm')]))[0].status).toBe(0);
    const second = secondCopy(ctx.work);
    expect((await store(ctx.peer, [second]))[0].status).toBe(0);
    const stored = await storedCopy(ctx);
    expect(stored.equals(datasetOf(readFileSync(second)))).toBe(true);
    expect(stored.toString('latin1')).toContain('SECOND COPY');
  });
});
