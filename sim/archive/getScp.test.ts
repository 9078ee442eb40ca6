// The C-GET SCP over the network: real files from pydicom's test data stored with DCMTK storescu, then retrieved
// with DCMTK getscu (-S Study Root, -P Patient Root, +B bit-preserving) on the same association, the storage
// contexts negotiated with SCP/SCU Role Selection (PS3.7 D.3.3.4). Received data sets must be the archive's stored
// bytes. Real listener, real database, no mocks.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../prisma/testing';
import { splitPart10 } from '../dicom/part10';
import { Status } from '../dicom/status';
import { seedDemo } from '../seed';
import { startDicomServices, type DicomServices } from '../startDicomServices';
import { PYDICOM_TEST_FILES, runDcmtk } from '../testing/dcmtk';

let t: TestDb;
let services: DicomServices;
let archiveDir: string;
let work: string;
let sandboxId: string;

const src = (name: string) => join(PYDICOM_TEST_FILES, name);
const dataset = (file: Buffer) => file.subarray(splitPart10(file).datasetOffset);
const sopUid = (file: string) => splitPart10(readFileSync(file)).meta.get(0x0003)!;
const F = { ct: src('CT_small.dcm'), mr: src('MR_small.dcm'), j2k: src('JPEG2000.dcm'), rle: src('SC_rgb_rle.dcm'), jls: '' };
const JLS_UID = '1.2.826.0.1.3680043.8.498.777002';

beforeAll(async () => {
  t = await createTestDb();
  sandboxId = (await seedDemo(t.db)).sandboxId;
  archiveDir = mkdtempSync(join(tmpdir(), 'pacslab-archive-'));
  work = mkdtempSync(join(tmpdir(), 'pacslab-get-'));
  await t.db.dicomNode.create({ data: { sandboxId, aeTitle: 'GETSCU', role: 'workstation' } });
  services = await startDicomServices({ db: t.db, host: '127.0.0.1', port: 0, archiveDir, databaseUrl: t.url });
  F.jls = join(work, 'MR_small_jpeg_ls_lossless.dcm');
  copyFileSync(src('MR_small_jpeg_ls_lossless.dcm'), F.jls);
  execFileSync('dcmodify', ['-nb', '-m', `(0008,0018)=${JLS_UID}`, '-m', '(0020,0013)=2', F.jls], { stdio: 'ignore' });
  const stores: [string, string[]][] = [[F.ct, []], [F.mr, []], [F.j2k, ['-xw']], [F.rle, ['-xr']], [F.jls, ['-xt']]];
  for (const [file, flags] of stores) {
    const r = await runDcmtk('storescu', ['-aet', 'CT1', '-aec', 'PACS', ...flags, '127.0.0.1', String(services.port), file], { timeoutMs: 60_000 });
    expect(r.code, `${file}: ${r.stderr}`).toBe(0);
  }
}, 120_000);

afterAll(async () => {
  await services?.close();
  await t?.drop();
  for (const d of [archiveDir, work]) if (d) rmSync(d, { recursive: true, force: true });
});

interface GetRun {
  code: number | null;
  out: string;
  dir: string;
  status: number;
  counts: { completed: number; failed: number; warning: number };
}

/** Runs getscu into a fresh folder; the final response is read from its debug output. */
async function getscu(model: '-S' | '-P', keys: Record<string, string>, flags: string[] = []): Promise<GetRun> {
  const dir = mkdtempSync(join(work, 'got-'));
  const args = [model, '-d', '+B', '-aet', 'GETSCU', '-aec', 'PACS', '-od', dir, ...flags, '127.0.0.1', String(services.port)];
  for (const [k, v] of Object.entries(keys)) args.push('-k', `${k}=${v}`);
  const r = await runDcmtk('getscu', args, { timeoutMs: 60_000 });
  const out = r.stdout + r.stderr;
  const last = out.split(/Received (?:Final )?C-GET Response|C-GET-RSP/).at(-1) ?? '';
  const num = (re: RegExp) => Number(re.exec(last)?.[1] ?? 0);
  const m = /DIMSE Status\s*:\s*0x([0-9a-fA-F]{4})/.exec(last);
  return {
    code: r.code,
    out,
    dir,
    status: m ? parseInt(m[1], 16) : -1,
    counts: {
      completed: num(/Completed Suboperations\s*:\s*(\d+)/),
      failed: num(/Failed Suboperations\s*:\s*(\d+)/),
      warning: num(/Warning Suboperations\s*:\s*(\d+)/),
    },
  };
}

function receivedIn(dir: string, uid: string): Buffer | undefined {
  const name = readdirSync(dir).find((n) => n.endsWith(uid));
  return name ? readFileSync(join(dir, name)) : undefined;
}

async function stored(uid: string): Promise<Buffer> {
  const row = await t.db.instance.findUniqueOrThrow({ where: { sandboxId_sopInstanceUid: { sandboxId, sopInstanceUid: uid } } });
  return readFileSync(join(archiveDir, ...row.filePath.split('/')));
}

async function expectAsStored(dir: string, file: string) {
  const uid = sopUid(file);
  const got = receivedIn(dir, uid);
  expect(got, `${uid} was not received`).toBeDefined();
  const archived = await stored(uid);
  expect(splitPart10(got!).transferSyntaxUid).toBe(splitPart10(archived).transferSyntaxUid);
  expect(Buffer.compare(dataset(got!), dataset(archived))).toBe(0);
}

function uidOf(file: string, tag: string): string {
  const out = execFileSync('dcmdump', ['-q', '+P', tag, file], { encoding: 'utf8' }).split('\n')[0];
  return /\[([^\]]*)\]/.exec(out)?.[1] ?? '';
}

describe('C-GET SCP with DCMTK getscu (+B)', () => {
  it('Study Root, STUDY level: CT_small comes back on the same association, byte for byte, private tags included', async () => {
    const r = await getscu('-S', { QueryRetrieveLevel: 'STUDY', StudyInstanceUID: uidOf(F.ct, '0020,000d') });
    expect(r.status, r.out).toBe(Status.Success);
    expect(r.counts).toMatchObject({ completed: 1, failed: 0, warning: 0 });
    await expectAsStored(r.dir, F.ct);
    expect(execFileSync('dcmdump', ['-q', join(r.dir, readdirSync(r.dir)[0])], { encoding: 'utf8' })).toMatch(/\(0009,0010\) LO \[GEMS_IDEN_01\]/);
  });

  it('Patient Root, STUDY level, JPEG 2000 preferred: JPEG 2000 comes back as stored', async () => {
    const r = await getscu('-P', { QueryRetrieveLevel: 'STUDY', PatientID: uidOf(F.j2k, '0010,0020'), StudyInstanceUID: uidOf(F.j2k, '0020,000d') }, ['+xw']);
    expect(r.status, r.out).toBe(Status.Success);
    expect(r.counts).toMatchObject({ completed: 1, failed: 0 });
    await expectAsStored(r.dir, F.j2k);
  });

  it('Study Root, STUDY level, RLE preferred: RLE comes back as stored', async () => {
    const r = await getscu('-S', { QueryRetrieveLevel: 'STUDY', StudyInstanceUID: uidOf(F.rle, '0020,000d') }, ['+xr']);
    expect(r.status, r.out).toBe(Status.Success);
    await expectAsStored(r.dir, F.rle);
  });

  it('uncompressed only: the MR study arrives, JPEG-LS lossless decoded to Explicit VR LE; lossy JPEG 2000 fails with A702', async () => {
    const mr = await getscu('-S', { QueryRetrieveLevel: 'STUDY', StudyInstanceUID: uidOf(F.mr, '0020,000d') });
    expect(mr.status, mr.out).toBe(Status.Success);
    expect(mr.counts).toMatchObject({ completed: 2, failed: 0 });
    await expectAsStored(mr.dir, F.mr);
    const jls = receivedIn(mr.dir, JLS_UID)!;
    expect(splitPart10(jls).transferSyntaxUid).toBe('1.2.840.10008.1.2.1');
    expect(Buffer.compare(jls.subarray(-8192), (await stored(sopUid(F.mr))).subarray(-8192))).toBe(0);
    const j2k = await getscu('-S', { QueryRetrieveLevel: 'STUDY', StudyInstanceUID: uidOf(F.j2k, '0020,000d') });
    expect(j2k.status, j2k.out).toBe(Status.OutOfResourcesSubOperations);
    expect(j2k.counts).toMatchObject({ completed: 0, failed: 1 });
    expect(receivedIn(j2k.dir, sopUid(F.j2k))).toBeUndefined();
  });

  it('the A-ASSOCIATE-AC grants getscu the SCP role for the storage SOP classes it proposed', async () => {
    const r = await getscu('-S', { QueryRetrieveLevel: 'STUDY', StudyInstanceUID: uidOf(F.ct, '0020,000d') }, ['+v']);
    expect(r.out).toMatch(/=CTImageStorage\s+I:\s+Proposed SCP\/SCU Role: SCP\s+I:\s+Accepted SCP\/SCU Role: SCP/);
    // a SOP class we do not serve: its context is refused and its role item not answered
    expect(r.out).toMatch(/\(Abstract Syntax Not Supported\)\s+I:\s+Abstract Syntax: =\w+\s+I:\s+Proposed SCP\/SCU Role: SCP\s+I:\s+Accepted SCP\/SCU Role: Default/);
  });
});
