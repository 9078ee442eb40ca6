// The C-MOVE SCP over the network: real files from pydicom's test data stored with DCMTK storescu, then moved with
// DCMTK movescu (-S Study Root, -P Patient Root) to DCMTK storescp (+B, bit-preserving) registered as a known node
// of the demo sandbox; the received data sets must be the archive's stored bytes (and, where storescu sent the
// file unchanged, the original file's), private tags included. Real listener, real database, no mocks.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../prisma/testing';
import { splitPart10 } from '../dicom/part10';
import { Status } from '../dicom/status';
import { NetworkLog } from '../dimse/networkLog';
import type { AssociationInfo, DimseReply } from '../dimse/types';
import { seedDemo } from '../seed';
import { startDicomServices, type DicomServices } from '../startDicomServices';
import { PYDICOM_TEST_FILES, runDcmtk, spawnDcmtk, startReferenceStorescp } from '../testing/dcmtk';
import { handleCMove } from './moveScp';
import { QR_SOP_CLASSES } from './query';
import { planSendSyntax } from './retrieveSubOperations';
import { eventually } from '../testing/eventually';
import { freePort } from '../testing/ports';

let t: TestDb;
let services: DicomServices;
let archiveDir: string;
let work: string;
let sandboxId: string;
let dest: Awaited<ReturnType<typeof startReferenceStorescp>>;
let destDir: string;
let plainDest: { port: number; dir: string; stop(): Promise<void> };
let reference: Awaited<ReturnType<typeof startReferenceStorescp>>;
let referenceDir: string;

const src = (name: string) => join(PYDICOM_TEST_FILES, name);
const dataset = (file: Buffer) => file.subarray(splitPart10(file).datasetOffset);
const meta = (file: string) => splitPart10(readFileSync(file)).meta;

/** The studies stored: each pydicom file, plus a JPEG-LS copy of MR_small given its own SOP Instance UID. */
const F = {
  ct: src('CT_small.dcm'),
  mr: src('MR_small.dcm'),
  j2k: src('JPEG2000.dcm'),
  rle: src('SC_rgb_rle.dcm'),
  jls: '', // set in beforeAll
};
const JLS_UID = '1.2.826.0.1.3680043.8.498.777001';

/** A DCMTK storescp accepting only the uncompressed syntaxes (its default), bit-preserving. */
async function startPlainStorescp(dir: string, aeTitle: string) {
  const port = await freePort();
  const child = spawnDcmtk('storescp', ['+B', '-aet', aeTitle, '-od', dir, String(port)]);
  for (let i = 0; i < 50; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => (c.destroy(), resolve(true)));
      c.on('error', () => resolve(false));
    });
    if (up) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    dir,
    stop: () => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill('SIGTERM')))),
  };
}

beforeAll(async () => {
  t = await createTestDb();
  sandboxId = (await seedDemo(t.db)).sandboxId;
  archiveDir = mkdtempSync(join(tmpdir(), 'pacslab-archive-'));
  work = mkdtempSync(join(tmpdir(), 'pacslab-move-'));
  destDir = mkdtempSync(join(tmpdir(), 'pacslab-dest-'));
  dest = await startReferenceStorescp(destDir, 'DEST');
  referenceDir = mkdtempSync(join(tmpdir(), 'pacslab-assent-'));
  reference = await startReferenceStorescp(referenceDir);
  plainDest = await startPlainStorescp(mkdtempSync(join(tmpdir(), 'pacslab-plain-')), 'PLAIN');
  const down = await freePort();
  await t.db.dicomNode.createMany({
    data: [
      { sandboxId, aeTitle: 'MOVESCU', role: 'workstation' },
      { sandboxId, aeTitle: 'DEST', role: 'workstation', host: '127.0.0.1', port: dest.port },
      { sandboxId, aeTitle: 'PLAIN', role: 'workstation', host: '127.0.0.1', port: plainDest.port },
      { sandboxId, aeTitle: 'DOWN', role: 'workstation', host: '127.0.0.1', port: down },
    ],
  });
  services = await startDicomServices({ db: t.db, host: '127.0.0.1', port: 0, archiveDir, databaseUrl: t.url });
  // MR_small in JPEG-LS lossless has MR_small's UIDs: a copy with its own SOP Instance UID joins MR_small's series
  F.jls = join(work, 'MR_small_jpeg_ls_lossless.dcm');
  copyFileSync(src('MR_small_jpeg_ls_lossless.dcm'), F.jls);
  execFileSync('dcmodify', ['-nb', '-m', `(0008,0018)=${JLS_UID}`, '-m', '(0020,0013)=2', F.jls], { stdio: 'ignore' });
  const stores: [string, string[]][] = [
    [F.ct, []],
    [F.mr, []],
    [F.j2k, ['-xw']],
    [F.rle, ['-xr']],
    [F.jls, ['-xt']],
  ];
  for (const [file, flags] of stores) {
    const r = await runDcmtk('storescu', ['-aet', 'CT1', '-aec', 'PACS', ...flags, '127.0.0.1', String(services.port), file], { timeoutMs: 60_000 });
    expect(r.code, `${file}: ${r.stderr}`).toBe(0);
    // what storescu really puts on the wire (it re-encodes what it reads: trailing padding goes, for one)
    const ref = await runDcmtk('storescu', ['-aet', 'CT1', '-aec', 'REFERENCE', ...flags, '127.0.0.1', String(reference.port), file], { timeoutMs: 60_000 });
    expect(ref.code, `${file}: ${ref.stderr}`).toBe(0);
  }
  expect(await t.db.instance.count({ where: { sandboxId } })).toBe(5);
}, 120_000);

afterAll(async () => {
  await dest?.stop();
  await reference?.stop();
  await plainDest?.stop();
  await services?.close();
  await t?.drop();
  for (const d of [archiveDir, work, destDir, referenceDir, plainDest?.dir]) if (d) rmSync(d, { recursive: true, force: true });
});

interface MoveRun {
  code: number | null;
  out: string;
  /** the final C-MOVE-RSP status movescu printed, e.g. 0x0000 */
  status: number;
  counts: { completed: number; failed: number; warning: number; remaining?: number };
}

/** Runs movescu; the final response is read from its debug output (status and sub-operation counts). */
async function movescu(model: '-S' | '-P', destination: string, keys: Record<string, string>): Promise<MoveRun> {
  const args = [model, '-d', '-aet', 'MOVESCU', '-aec', 'PACS', '-aem', destination, '127.0.0.1', String(services.port)];
  for (const [k, v] of Object.entries(keys)) args.push('-k', `${k}=${v}`);
  const r = await runDcmtk('movescu', args, { timeoutMs: 60_000 });
  const out = r.stdout + r.stderr;
  // the last "C-MOVE-RSP" block printed by DCMTK (-d dumps each response's command set)
  const blocks = out.split(/Received (?:Final )?Move Response/).slice(1);
  const last = blocks.at(-1) ?? '';
  const num = (re: RegExp) => {
    const m = re.exec(last);
    return m ? Number(m[1]) : undefined;
  };
  const statusMatch = /DIMSE Status\s*:\s*0x([0-9a-fA-F]{4})/.exec(last) ?? /\(0000,0900\) US (\d+)/.exec(last);
  const status = statusMatch ? (statusMatch[0].includes('0x') ? parseInt(statusMatch[1], 16) : Number(statusMatch[1])) : -1;
  return {
    code: r.code,
    out,
    status,
    counts: {
      completed: num(/Completed Suboperations\s*:\s*(\d+)/) ?? 0,
      failed: num(/Failed Suboperations\s*:\s*(\d+)/) ?? 0,
      warning: num(/Warning Suboperations\s*:\s*(\d+)/) ?? 0,
      remaining: num(/Remaining Suboperations\s*:\s*(\d+)/),
    },
  };
}

function received(dir: string, sopInstanceUid: string): Buffer | undefined {
  const name = readdirSync(dir).find((n) => n.endsWith(sopInstanceUid));
  return name ? readFileSync(join(dir, name)) : undefined;
}

async function stored(sopInstanceUid: string): Promise<Buffer> {
  const row = await t.db.instance.findUniqueOrThrow({ where: { sandboxId_sopInstanceUid: { sandboxId, sopInstanceUid } } });
  return readFileSync(join(archiveDir, ...row.filePath.split('/')));
}

/**
 * The moved data set is the stored data set, byte for byte, in the stored transfer syntax, and that is exactly
 * what storescu sent for the original file (as DCMTK's own storescp +B recorded it).
 */
async function expectMovedAsStored(dir: string, file: string) {
  const uid = meta(file).get(0x0003)!;
  const got = received(dir, uid);
  expect(got, `${uid} was not received`).toBeDefined();
  const archived = await stored(uid);
  expect(splitPart10(got!).transferSyntaxUid).toBe(splitPart10(archived).transferSyntaxUid);
  expect(Buffer.compare(dataset(got!), dataset(archived))).toBe(0);
  expect(Buffer.compare(dataset(got!), dataset(received(referenceDir, uid)!))).toBe(0);
  return { got: got!, archived };
}

/**
 * The data set as dcmdump prints it (no file meta): elements, values, private tags. Without (FFFC,FFFC) Data Set
 * Trailing Padding, which storescu itself drops when it reads the file (PS3.10 7.2 lets any reader drop it).
 */
const dumpOf = (path: string) =>
  execFileSync('dcmdump', ['-q', path], { encoding: 'utf8' })
    .split('# Dicom-Data-Set')[1]
    .split('\n')
    .filter((l) => !l.startsWith('(fffc,fffc)'))
    .join('\n');

describe('C-MOVE SCP with DCMTK movescu to DCMTK storescp (+B)', () => {
  it('Study Root, STUDY level: CT_small arrives byte for byte, private tags included', async () => {
    const r = await movescu('-S', 'DEST', { QueryRetrieveLevel: 'STUDY', StudyInstanceUID: uidOf(F.ct, '0020,000d') });
    expect(r.code, r.out).toBe(0);
    expect(r.status).toBe(Status.Success);
    expect(r.counts).toMatchObject({ completed: 1, failed: 0, warning: 0 });
    await expectMovedAsStored(destDir, F.ct);
    // element for element what the original file holds, GE private groups included
    const moved = join(destDir, readdirSync(destDir).find((n) => n.endsWith(meta(F.ct).get(0x0003)!))!);
    expect(dumpOf(moved)).toBe(dumpOf(F.ct));
    expect(dumpOf(moved)).toMatch(/\(0009,0010\) LO \[GEMS_IDEN_01\]/);
  });

  it('Patient Root, STUDY level: the MR study (Explicit VR LE and JPEG-LS lossless) in one sub-association, each in its stored syntax', async () => {
    const r = await movescu('-P', 'DEST', { QueryRetrieveLevel: 'STUDY', PatientID: uidOf(F.mr, '0010,0020'), StudyInstanceUID: uidOf(F.mr, '0020,000d') });
    expect(r.status, r.out).toBe(Status.Success);
    expect(r.counts).toMatchObject({ completed: 2, failed: 0, warning: 0 });
    await expectMovedAsStored(destDir, F.mr);
    await expectMovedAsStored(destDir, F.jls);
    // one outgoing association for the two sub-operations, logged with its C-STOREs
    await eventually(async () => {
      const subs = await t.db.associationLog.findMany({ where: { sandboxId, callingAe: 'PACS', calledAe: 'DEST' }, include: { dimse: true } });
      expect(subs.some((s) => s.dimse.length === 2 && s.dimse.every((d) => d.status === 0))).toBe(true);
    });
  });

  it('Study Root, SERIES level: RLE arrives as RLE', async () => {
    const r = await movescu('-S', 'DEST', { QueryRetrieveLevel: 'SERIES', StudyInstanceUID: uidOf(F.rle, '0020,000d'), SeriesInstanceUID: uidOf(F.rle, '0020,000e') });
    expect(r.status, r.out).toBe(Status.Success);
    expect(r.counts).toMatchObject({ completed: 1, failed: 0 });
    await expectMovedAsStored(destDir, F.rle);
  });

  it('Patient Root, IMAGE level: JPEG 2000 arrives as JPEG 2000', async () => {
    const r = await movescu('-P', 'DEST', {
      QueryRetrieveLevel: 'IMAGE',
      PatientID: uidOf(F.j2k, '0010,0020'),
      StudyInstanceUID: uidOf(F.j2k, '0020,000d'),
      SeriesInstanceUID: uidOf(F.j2k, '0020,000e'),
      SOPInstanceUID: meta(F.j2k).get(0x0003)!,
    });
    expect(r.status, r.out).toBe(Status.Success);
    expect(r.counts).toMatchObject({ completed: 1, failed: 0 });
    await expectMovedAsStored(destDir, F.j2k);
  });

  it('an unknown Move Destination is refused with A801', async () => {
    const r = await movescu('-S', 'NOWHERE', { QueryRetrieveLevel: 'STUDY', StudyInstanceUID: uidOf(F.ct, '0020,000d') });
    expect(r.status, r.out).toBe(Status.MoveDestinationUnknown);
  });

  it('a bad identifier is answered as C-FIND does (A900): no StudyInstanceUID at STUDY level', async () => {
    const r = await movescu('-S', 'DEST', { QueryRetrieveLevel: 'STUDY', PatientID: '1CT1' });
    expect(r.status, r.out).toBe(0xa900);
  });

  it('a known destination that is down: every sub-operation failed, A702, and the reason in the network log', async () => {
    const r = await movescu('-S', 'DOWN', { QueryRetrieveLevel: 'STUDY', StudyInstanceUID: uidOf(F.mr, '0020,000d') });
    expect(r.status, r.out).toBe(Status.OutOfResourcesSubOperations);
    expect(r.counts).toMatchObject({ completed: 0, failed: 2, warning: 0 });
    await eventually(async () => {
      const sub = await t.db.associationLog.findFirst({ where: { sandboxId, callingAe: 'PACS', calledAe: 'DOWN' } });
      expect(sub).toMatchObject({ outcome: 'failed' });
      expect(sub!.detail).toMatch(/connection refused/);
      const move = await t.db.dimseLog.findFirst({ where: { command: 'C-MOVE-RQ', status: Status.OutOfResourcesSubOperations } });
      expect(move!.statusMeaning).toMatch(/DOWN at 127\.0\.0\.1:\d+ could not be opened/);
    });
  });

  it('a destination accepting only uncompressed syntaxes: lossless JPEG-LS is decoded to Explicit VR LE, lossy JPEG 2000 is not sent', async () => {
    const mr = await movescu('-S', 'PLAIN', { QueryRetrieveLevel: 'STUDY', StudyInstanceUID: uidOf(F.mr, '0020,000d') });
    expect(mr.status, mr.out).toBe(Status.Success);
    expect(mr.counts).toMatchObject({ completed: 2, failed: 0 });
    await expectMovedAsStored(plainDest.dir, F.mr);
    const jls = received(plainDest.dir, JLS_UID)!;
    expect(splitPart10(jls).transferSyntaxUid).toBe('1.2.840.10008.1.2.1');
    // lossless: the decoded pixels are MR_small's own (64 x 64 x 16 bits, the last element of both as stored)
    const pixels = (await stored(meta(F.mr).get(0x0003)!)).subarray(-8192);
    expect(Buffer.compare(jls.subarray(-8192), pixels)).toBe(0);
    const j2k = await movescu('-S', 'PLAIN', { QueryRetrieveLevel: 'STUDY', StudyInstanceUID: uidOf(F.j2k, '0020,000d') });
    expect(j2k.status, j2k.out).toBe(Status.OutOfResourcesSubOperations);
    expect(j2k.counts).toMatchObject({ completed: 0, failed: 1 });
    expect(received(plainDest.dir, meta(F.j2k).get(0x0003)!)).toBeUndefined();
    await eventually(async () => {
      const log = await t.db.dimseLog.findFirst({ where: { command: 'C-MOVE-RQ', status: Status.OutOfResourcesSubOperations, statusMeaning: { contains: 'lossy' } } });
      expect(log!.statusMeaning).toMatch(/JPEG 2000 Image Compression \(lossy\).*never converted silently/);
    });
  });

  it('some sub-operations fail: B000 with the Failed SOP Instance UID List (two studies by UID list)', async () => {
    const r = await movescu('-S', 'PLAIN', { QueryRetrieveLevel: 'STUDY', StudyInstanceUID: `${uidOf(F.ct, '0020,000d')}\\${uidOf(F.j2k, '0020,000d')}` });
    expect(r.status, r.out).toBe(Status.CoercionOfDataElements);
    expect(r.counts).toMatchObject({ completed: 1, failed: 1, warning: 0 });
    expect(r.out).toMatch(new RegExp(`\\(0008,0058\\) UI \\[${meta(F.j2k).get(0x0003)!.replace(/\./g, '\\.')}\\]`));
  });
});

describe('handleCMove (the handler on its own)', () => {
  function association(signal: AbortSignal): AssociationInfo {
    return {
      id: 'test',
      sandboxId,
      callingAe: 'MOVESCU',
      calledAe: 'PACS',
      peerAddress: '127.0.0.1:0',
      localNode: { id: 'pacs', aeTitle: 'PACS', role: 'archive', host: '127.0.0.1', port: 0 },
      peerNode: { id: 'm', aeTitle: 'MOVESCU', role: 'workstation', host: '127.0.0.1', port: 0 },
      contexts: [],
      signal,
      state: new Map(),
      sendRequest: () => Promise.reject(new Error('not used')),
      isOpen: () => true,
    };
  }

  it('C-CANCEL after the first sub-operation: Cancel (FE00) with the counts so far', async () => {
    const cancel = new AbortController();
    const replies: DimseReply[] = [];
    const { ArchiveFiles } = await import('./archiveFiles');
    const files = new ArchiveFiles(archiveDir);
    for await (const reply of handleCMove({ db: t.db, files, log: new NetworkLog(t.db) }, association(new AbortController().signal), {
      messageId: 7,
      abstractSyntax: QR_SOP_CLASSES.STUDY_ROOT.move,
      transferSyntaxUid: '1.2.840.10008.1.2',
      raw: undefined as never,
      signal: cancel.signal,
      sopClassUid: QR_SOP_CLASSES.STUDY_ROOT.move,
      sopInstanceUid: '',
      dataset: { QueryRetrieveLevel: 'STUDY', StudyInstanceUID: uidOf(F.mr, '0020,000d') },
      moveDestination: 'DEST',
    })) {
      replies.push(reply);
      if (reply.status === Status.Pending) cancel.abort();
    }
    expect(replies.map((r) => r.status)).toEqual([Status.Pending, Status.Cancel]);
    expect(replies[0]).toMatchObject({ remaining: 1, completed: 1, failed: 0, warning: 0 });
    expect(replies[1]).toMatchObject({ remaining: 1, completed: 1, failed: 0, warning: 0 });
  });
});

describe('planSendSyntax', () => {
  const EXPLICIT = '1.2.840.10008.1.2.1';
  const IMPLICIT = '1.2.840.10008.1.2';
  it('sends the stored syntax when accepted, converts only what loses nothing, never a lossy image', () => {
    expect(planSendSyntax('1.2.840.10008.1.2.4.90', new Set(['1.2.840.10008.1.2.4.90', EXPLICIT]))).toMatchObject({ ok: true, syntax: '1.2.840.10008.1.2.4.90', convert: false });
    expect(planSendSyntax('1.2.840.10008.1.2.4.80', new Set([IMPLICIT, EXPLICIT]))).toMatchObject({ ok: true, syntax: EXPLICIT, convert: true });
    expect(planSendSyntax(EXPLICIT, new Set([IMPLICIT]))).toMatchObject({ ok: true, syntax: IMPLICIT, convert: true });
    expect(planSendSyntax('1.2.840.10008.1.2.4.50', new Set([EXPLICIT]))).toMatchObject({ ok: false });
    expect(planSendSyntax('1.2.840.10008.1.2.4.91', new Set([EXPLICIT]))).toMatchObject({ ok: false });
    expect(planSendSyntax('1.2.840.10008.1.2.5', new Set())).toMatchObject({ ok: false });
  });
});

function uidOf(file: string, tag: string): string {
  const out = execFileSync('dcmdump', ['-q', '+P', tag, file], { encoding: 'utf8' }).split('\n')[0];
  return /\[([^\]]*)\]/.exec(out)?.[1] ?? '';
}
