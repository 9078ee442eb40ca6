import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../prisma/testing';
import { splitPart10 } from '../dicom/part10';
import { seedDemo } from '../seed';
import { startDicomServices, type DicomServices } from '../startDicomServices';
import { PYDICOM_TEST_FILES, runDcmtk, startReferenceStorescp } from '../testing/dcmtk';
import { rawStore } from '../testing/rawPeer';
import { INCOMING_DIR } from './archiveFiles';
import { eventually } from '../testing/eventually';

let t: TestDb;
let services: DicomServices;
let archiveDir: string;
let work: string;
let sandboxId: string;
let reference: Awaited<ReturnType<typeof startReferenceStorescp>>;
let referenceDir: string;

beforeAll(async () => {
  t = await createTestDb();
  sandboxId = (await seedDemo(t.db)).sandboxId;
  archiveDir = mkdtempSync(join(tmpdir(), 'pacslab-archive-'));
  work = mkdtempSync(join(tmpdir(), 'pacslab-work-'));
  services = await startDicomServices({ db: t.db, host: '127.0.0.1', port: 0, archiveDir, databaseUrl: t.url });
  referenceDir = mkdtempSync(join(tmpdir(), 'pacslab-reference-'));
  reference = await startReferenceStorescp(referenceDir);
});

afterAll(async () => {
  await reference?.stop();
  rmSync(referenceDir, { recursive: true, force: true });
  await services?.close();
  await t?.drop();
  rmSync(archiveDir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

const src = (name: string) => join(PYDICOM_TEST_FILES, name);
const store = (files: string[], extra: string[] = [], calling = 'CT1', port = services.port, called = 'PACS') =>
  runDcmtk('storescu', ['-v', '-aet', calling, '-aec', called, ...extra, '127.0.0.1', String(port), ...files], { timeoutMs: 60_000 });

/** What storescu really sent: the data set DCMTK's storescp wrote in bit-preserving mode. */
async function asSent(file: string, flags: string[]) {
  const r = await store([file], flags, 'CT1', reference.port, reference.aeTitle);
  expect(r.code, r.stderr).toBe(0);
  const uid = sopUidOf(file);
  const name = readdirSync(referenceDir).find((n) => n.endsWith(uid));
  return readFileSync(join(referenceDir, name!));
}

function dataset(file: Buffer) {
  return file.subarray(splitPart10(file).datasetOffset);
}

async function storedFile(sopInstanceUid: string) {
  const row = await t.db.instance.findUniqueOrThrow({ where: { sandboxId_sopInstanceUid: { sandboxId, sopInstanceUid } } });
  return { row, bytes: readFileSync(join(archiveDir, ...row.filePath.split('/'))) };
}

function sopUidOf(path: string) {
  return splitPart10(readFileSync(path)).meta.get(0x0003)!;
}

function allFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name));
}

describe('Storage SCP', () => {
  it.each([
    ['CT_small.dcm', [] as string[]],
    ['MR_small.dcm', []],
    ['JPEG2000.dcm', ['-xw']],
    ['MR_small_jp2klossless.dcm', ['-xv']],
    ['MR_small_RLE.dcm', ['-xr']],
    ['MR_small_jpeg_ls_lossless.dcm', ['-xt']],
    ['SC_rgb_jpeg_dcmtk.dcm', ['-xy']],
    ['image_dfl.dcm', ['-xd']],
    ['MR_small_bigendian.dcm', ['-xb']],
  ])('stores %s byte for byte in the syntax it was sent in (%s)', async (name, flags) => {
    const original = readFileSync(src(name));
    const parts = splitPart10(original);
    const sent = await asSent(src(name), flags);
    // pydicom ships one MR image in many syntaxes under one SOP Instance UID: forget the previous copy's row
    // (its file stays, which also exercises the "file without a row" repair path)
    await t.db.instance.deleteMany({ where: { sopInstanceUid: parts.meta.get(0x0003)! } });
    const r = await store([src(name)], flags);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stderr + r.stdout).not.toMatch(/W: Store SCP|E: /);
    const { row, bytes } = await storedFile(parts.meta.get(0x0003)!);
    const stored = splitPart10(bytes);
    expect(stored.transferSyntaxUid).toBe(parts.transferSyntaxUid);
    expect(row.transferSyntaxUid).toBe(parts.transferSyntaxUid);
    expect(stored.meta.get(0x0002)).toBe(parts.meta.get(0x0002));
    expect(stored.meta.get(0x0016)).toBe('CT1');
    // identical to what was on the wire, private tags and all
    expect(Buffer.compare(dataset(bytes), dataset(sent))).toBe(0);

    expect(Number(row.fileSize)).toBe(bytes.length);
    // DCMTK reads the file we wrote
    execFileSync('dcmdump', ['-q', join(archiveDir, ...row.filePath.split('/'))]);
  });

  // storescu re-encodes what it reads (it drops trailing padding, for one); a peer that sends the file's own
  // bytes shows that what we store is the original data set, private tags and character set included
  it.each(['CT_small.dcm', 'JPEG2000.dcm', 'JPGExtended.dcm', 'SC_rgb_jpeg_gdcm.dcm', 'MR_small_jpeg_ls_lossless.dcm', 'MR_small_bigendian.dcm', 'MR_small_RLE.dcm', 'image_dfl.dcm', 'SC_rgb_rle_16bit_2frame.dcm'])(
    'stores the original data set of %s byte for byte when sent as is',
    async (name) => {
      const original = readFileSync(src(name));
      const parts = splitPart10(original);
      const uid = parts.meta.get(0x0003)!;
      await t.db.instance.deleteMany({ where: { sopInstanceUid: uid } });
      const status = await rawStore({
        port: services.port, callingAe: 'CT1', calledAe: 'PACS', transferSyntaxUid: parts.transferSyntaxUid!,
        sopClassUid: parts.meta.get(0x0002)!, sopInstanceUid: uid, dataset: dataset(original),
      });
      expect(status).toBe(0);
      const { bytes } = await storedFile(uid);
      expect(splitPart10(bytes).transferSyntaxUid).toBe(parts.transferSyntaxUid);
      expect(Buffer.compare(dataset(bytes), dataset(original))).toBe(0);
    },
  );

  it('indexes Patient → Study → Series → Instance', async () => {
    const row = await t.db.instance.findFirstOrThrow({
      where: { sandboxId, sopClassUid: '1.2.840.10008.5.1.4.1.1.2' },
      include: { series: { include: { study: { include: { patient: true } } } } },
    });
    expect(row.rows).toBe(128);
    expect(row.series.modality).toBe('CT');
    expect(row.series.study.studyInstanceUid).toMatch(/^[\d.]+$/);
    expect(row.series.study.patient.patientNameKey).toBe(row.series.study.patient.patientName.toUpperCase());
    expect(row.filePath).toBe(`${sandboxId}/${row.series.study.studyInstanceUid}/${row.series.seriesInstanceUid}/${row.sopInstanceUid}.dcm`);
  });

  it('keeps one row for a duplicate SOP Instance UID and answers success (keep-first)', async () => {
    const uid = sopUidOf(src('CT_small.dcm'));
    const before = await storedFile(uid);
    const r = await store([src('CT_small.dcm')], ['-xs']);
    expect(r.code, r.stderr).toBe(0);
    expect(await t.db.instance.count({ where: { sopInstanceUid: uid } })).toBe(1);
    const after = await storedFile(uid);
    expect(after.row.id).toBe(before.row.id);
    expect(after.row.transferSyntaxUid).toBe(before.row.transferSyntaxUid);
    expect(Buffer.compare(after.bytes, before.bytes)).toBe(0);
  });

  it('keeps the first copy when the same SOP Instance UID comes again under another study (keep-first)', async () => {
    const uid = sopUidOf(src('CT_small.dcm'));
    const before = await storedFile(uid);
    const moved = join(work, 'other-study.dcm');
    copyFileSync(src('CT_small.dcm'), moved);
    execFileSync('dcmodify', ['-nb', '-m', '(0020,000D)=1.2.826.0.1.3680043.8.498.99', moved]);
    const r = await store([moved], ['-xs']);
    expect(r.code, r.stderr).toBe(0);
    const after = await storedFile(uid);
    expect(after.row.filePath).toBe(before.row.filePath);
    expect(allFiles(archiveDir).some((f) => f.includes('1.2.826.0.1.3680043.8.498.99'))).toBe(false);
  });

  it('answers A900 when the data set does not match the command, and C000-range for bad data; nothing is written', async () => {
    const ct = readFileSync(src('CT_small.dcm'));
    const parts = splitPart10(ct);
    const common = { port: services.port, callingAe: 'DX1', calledAe: 'PACS', transferSyntaxUid: parts.transferSyntaxUid!, dataset: dataset(ct) };
    const uid = parts.meta.get(0x0003)!;
    // the command names MR, the data set is CT
    expect(await rawStore({ ...common, sopClassUid: '1.2.840.10008.5.1.4.1.1.4', sopInstanceUid: uid })).toBe(0xa900);
    // the command names another instance
    const ctClass = parts.meta.get(0x0002)!;
    expect(await rawStore({ ...common, sopClassUid: ctClass, sopInstanceUid: '1.2.3.999' })).toBe(0xa900);
    // an unparsable data set
    expect(await rawStore({ ...common, sopClassUid: ctClass, sopInstanceUid: uid, dataset: Buffer.from('this is not a data set') })).toBe(0xc210);
    // a bad UID in the data set: refused before the disk is touched
    const badUid = join(work, 'baduid.dcm');
    copyFileSync(src('CT_small.dcm'), badUid);
    execFileSync('dcmodify', ['-nb', '-m', '(0020,000D)=1.2.03..4', badUid]);
    await store([badUid], [], 'DX1');

    const all = await eventually(async () => {
      const rows = await t.db.dimseLog.findMany({ where: { association: { callingAe: 'DX1' } } });
      expect(rows.map((l) => l.status).sort()).toEqual([0xa900, 0xa900, 0xc210, 0xc000].sort());
      return rows;
    });
    expect(all.find((l) => l.status === 0xc000)?.statusMeaning).toMatch(/Study Instance UID.*not a valid UID/);
    expect(all.filter((l) => l.status === 0xa900).map((l) => l.statusMeaning).join('\n')).toMatch(/SOP Instance UID .* ≠ Affected SOP Instance UID 1\.2\.3\.999/);
    expect(await t.db.instance.count({ where: { sopInstanceUid: '1.2.3.999' } })).toBe(0);
    expect(allFiles(archiveDir).some((f) => f.includes('1.2.03..4') || f.includes('1.2.3.999'))).toBe(false);
  });

  it('answers A700 when the sandbox quota would be exceeded', async () => {
    const used = await t.db.instance.aggregate({ where: { sandboxId }, _sum: { fileSize: true } });
    await t.db.sandbox.update({ where: { id: sandboxId }, data: { storageQuotaBytes: (used._sum.fileSize ?? 0n) + 1000n } });
    try {
      await store([src('SC_ybr_full_422_uncompressed.dcm')], [], 'US1');
      let logged;
      for (let i = 0; i < 30 && !logged; i++) {
        logged = await t.db.dimseLog.findFirst({ where: { status: 0xa700 } });
        if (!logged) await new Promise((res) => setTimeout(res, 100));
      }
      expect(logged?.statusMeaning).toMatch(/out of resources.*would exceed the sandbox quota/);
      expect(await t.db.instance.count({ where: { sopInstanceUid: sopUidOf(src('SC_ybr_full_422_uncompressed.dcm')) } })).toBe(0);
    } finally {
      await t.db.sandbox.update({ where: { id: sandboxId }, data: { storageQuotaBytes: 2147483648n } });
    }
  });

  it('logs a truncated data set and a peer that vanishes mid-transfer, and keeps serving others', async () => {
    // a peer that negotiates, sends a C-STORE command and part of a data set, then disappears
    const mr = readFileSync(src('MR_small.dcm'));
    const p = splitPart10(mr);
    expect(
      await rawStore({
        port: services.port, callingAe: 'US1', calledAe: 'PACS', transferSyntaxUid: p.transferSyntaxUid!, dataset: dataset(mr),
        sopClassUid: p.meta.get(0x0002)!, sopInstanceUid: p.meta.get(0x0003)!, vanishAfterBytes: 4000,
      }),
    ).toBeUndefined();
    const r = await store([src('MR_small_expb.dcm')], ['-xb'], 'US1');
    expect(r.code, r.stderr).toBe(0);
    let log;
    for (let i = 0; i < 30 && !log; i++) {
      log = await t.db.dimseLog.findFirst({ where: { status: -1 }, include: { association: true } });
      if (!log) await new Promise((res) => setTimeout(res, 100));
    }
    expect(log?.statusMeaning).toMatch(/not answered: the association ended after \d+ bytes/);
    expect(log?.association.outcome).toBe('failed');
    // nothing of the vanished transfer: at most the one empty temporary file made ready for the next store
    expect(allFiles(join(archiveDir, INCOMING_DIR)).filter((f) => statSync(f).size > 0)).toEqual([]);
  });

  it('never leaves temporary files in the archive', () => {
    const files = allFiles(archiveDir);
    expect(files.length).toBeGreaterThan(5);
    expect(files.filter((f) => !f.includes(INCOMING_DIR)).every((f) => f.endsWith('.dcm'))).toBe(true);
    expect(files.filter((f) => f.includes(INCOMING_DIR) && statSync(f).size > 0)).toEqual([]);
    expect(files.filter((f) => f.includes(INCOMING_DIR)).length).toBeLessThanOrEqual(1);
  });
});

