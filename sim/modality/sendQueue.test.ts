// The send queue against our real archive on a real socket, a closed port, a silent TCP server and a real
// database: every failure the console shows, and that Retry after the fix sends each image exactly once.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestDb } from '../../prisma/testing';
import { startSandboxHarness, type SandboxHarness } from '../testing/sandboxHarness';
import type { DicomServices } from '../startDicomServices';
import { PYDICOM_TEST_FILES, startReferenceStorescp } from '../testing/dcmtk';
import { eventually } from '../testing/eventually';
import { freePort } from '../testing/ports';
import { getModalityConsole, saveDestination, updateModalityConfig } from './config';
import { ModalityError } from './failures';
import { purgeAcquisition } from './purge';
import { createSendJobs, deleteSendJob, listSendQueue, retryAllFailed, retrySendJob, runSendJob, startSendJob } from './sendQueue';
import { imagePath, newAcquisitionFolder, relativeFile } from './store';

let harness: SandboxHarness;
let t: TestDb;
let services: DicomServices;
let archiveDir: string;
let storeDir: string;
let sandboxId: string;
let silent: net.Server;
let silentPort: number;
const silentSockets = new Set<net.Socket>();
let closedPort: number;

beforeAll(async () => {
  harness = await startSandboxHarness();
  ({ t, services, archiveDir, storeDir, sandboxId } = harness);
  // accepts TCP connections and never says a word: what a firewall-less wrong host:port looks like
  silent = net.createServer((s) => {
    silentSockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => silentSockets.delete(s));
  });
  silentPort = await new Promise<number>((resolve) => silent.listen(0, '127.0.0.1', () => resolve((silent.address() as net.AddressInfo).port)));
  closedPort = await freePort();
}, 60_000);

afterAll(async () => {
  for (const s of silentSockets) s.destroy();
  await new Promise((r) => silent?.close(r));
  await harness?.close();
});

/** CT1's settings and archive destination back to the working ones before each test. */
async function resetConfig() {
  await updateModalityConfig(t.db, sandboxId, 'CT1', { localAeTitle: 'CT1', timeoutSeconds: 10 });
  const archive = (await getModalityConsole(t.db, sandboxId, 'CT1'))!.destinations.find((d) => d.role === 'archive')!;
  await saveDestination(t.db, sandboxId, 'CT1', { id: archive.id, role: 'archive', name: archive.name, aeTitle: 'PACS', host: '127.0.0.1', port: services.port, isDefault: true });
  await t.db.sandbox.update({ where: { id: sandboxId }, data: { storageQuotaBytes: 2n ** 31n } });
  return archive;
}

let counter = 0;
/**
 * Stand-in for an acquisition (the generator is another module): n copies of pydicom's CT_small.dcm with new
 * UIDs, written by pydicom into a modality store folder, recorded as the acquire step records them.
 */
async function makeAcquisition(n: number) {
  counter++;
  const { folder, path } = await newAcquisitionFolder(sandboxId, 'CT1');
  const script = `
import sys, pydicom
from pydicom.uid import generate_uid
src, out, n, k = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
study, series = generate_uid(), generate_uid()
for i in range(n):
    ds = pydicom.dcmread(src)
    ds.StudyInstanceUID = study
    ds.SeriesInstanceUID = series
    ds.SOPInstanceUID = generate_uid()
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.InstanceNumber = i + 1
    ds.PatientID = 'MOD' + k
    ds.PatientName = 'QUEUE^TEST' + k
    ds.AccessionNumber = 'Q' + k
    ds.save_as(f"{out}/CT{i+1:04d}.dcm", write_like_original=False)
print(study)
`;
  const study = execFileSync('/usr/bin/python3', ['-c', script, join(PYDICOM_TEST_FILES, 'CT_small.dcm'), path, String(n), String(counter)], { encoding: 'utf8' }).trim();
  const files = readdirSync(path).sort();
  const images = files.map((f) => {
    const meta = execFileSync('/usr/bin/python3', ['-c', 'import sys,pydicom; d=pydicom.dcmread(sys.argv[1], stop_before_pixels=True); print(d.SOPInstanceUID, d.SOPClassUID, d.SeriesInstanceUID)', join(path, f)], { encoding: 'utf8' }).trim().split(' ');
    return { sopInstanceUid: meta[0], sopClassUid: meta[1], seriesInstanceUid: meta[2], seriesNumber: 1, instanceNumber: Number(f.slice(2, 6)), file: relativeFile(path, join(path, f)), bytes: statSync(join(path, f)).size };
  });
  return t.db.acquisition.create({
    data: {
      sandboxId, modalityAe: 'CT1', manual: true, patientId: `MOD${counter}`, patientName: `QUEUE^TEST${counter}`, accessionNumber: `Q${counter}`,
      studyInstanceUid: study, protocolId: 'test', seed: counter, imageCount: n, folder, images: { create: images },
    },
    include: { images: true },
  });
}

async function archived(uids: string[]) {
  return t.db.instance.count({ where: { sandboxId, sopInstanceUid: { in: uids } } });
}

/** C-STORE operations the archive logged as successful, per SOP Instance UID. */
async function storesLogged(uids: string[]) {
  const rows = await t.db.dimseLog.findMany({ where: { command: 'C-STORE-RQ', sopInstanceUid: { in: uids }, status: 0 }, select: { sopInstanceUid: true } });
  const n = new Map<string, number>();
  for (const r of rows) n.set(r.sopInstanceUid, (n.get(r.sopInstanceUid) ?? 0) + 1);
  return n;
}

beforeEach(async () => {
  await resetConfig();
});

describe('send queue', () => {
  it('sends every image to the default archive, shows 100 %, and records storage commitment', async () => {
    const acq = await makeAcquisition(5);
    const [job] = await createSendJobs(t.db, acq.id);
    expect(job.total).toBe(5);
    expect(job.target).toBe(`PACS@127.0.0.1:${services.port}`);
    const done = await runSendJob(t.db, job.id);
    expect(done.status).toBe('done');
    expect(done.sent).toBe(5);
    expect(done.failed).toBe(0);
    expect(done.error).toBe('');
    const uids = acq.images.map((i) => i.sopInstanceUid);
    expect(await archived(uids)).toBe(5);
    expect(done.commitStatus).toBe('committed');
    const [row] = await listSendQueue(t.db, sandboxId, 'CT1', { itemsFor: [job.id] });
    expect(row.id).toBe(job.id);
    expect(row.percent).toBe(100);
    expect(row.committed).toBe(5);
    expect(row.items!.every((i) => i.status === 'sent' && i.dimseStatus === 0 && i.attempts === 1 && i.committedAt)).toBe(true);
  });

  it('connection refused, then Retry after correcting the port delivers every image exactly once', async () => {
    const archive = await resetConfig();
    await saveDestination(t.db, sandboxId, 'CT1', { id: archive.id, role: 'archive', name: archive.name, aeTitle: 'PACS', host: '127.0.0.1', port: closedPort });
    const acq = await makeAcquisition(4);
    const [job] = await createSendJobs(t.db, acq.id);
    const failed = await runSendJob(t.db, job.id);
    expect(failed.status).toBe('failed');
    expect(failed.errorKind).toBe('connection-refused');
    expect(failed.error).toBe(`Connection refused by 127.0.0.1:${closedPort} — nothing listens on that port: check the destination port and that the PACS is running`);
    expect(failed.sent).toBe(0);
    expect(failed.failed).toBe(4);
    expect(failed.commitStatus).toBe('none');

    // the fix on the network configuration page, then Retry: the job uses the destination's current port
    await saveDestination(t.db, sandboxId, 'CT1', { id: archive.id, role: 'archive', name: archive.name, aeTitle: 'PACS', host: '127.0.0.1', port: services.port });
    const retried = await retrySendJob(t.db, job.id);
    expect(retried.status).toBe('done');
    expect(retried.attempts).toBe(2);
    expect(retried.sent).toBe(4);
    expect(retried.failed).toBe(0);
    expect(retried.target).toBe(`PACS@127.0.0.1:${services.port}`);
    const uids = acq.images.map((i) => i.sopInstanceUid);
    expect(await archived(uids)).toBe(4);
    const logged = await eventually(async () => {
      const m = await storesLogged(uids);
      if (m.size < 4) throw new Error('log not written yet');
      return m;
    });
    expect([...logged.values()]).toEqual([1, 1, 1, 1]);
    const items = await t.db.sendItem.findMany({ where: { jobId: job.id } });
    expect(items.map((i) => [i.status, i.attempts])).toEqual(Array(4).fill(['sent', 2]));
    // Retry of a finished job sends nothing more
    const again = await retrySendJob(t.db, job.id);
    expect(again.attempts).toBe(2);
  });

  it('association rejected: an unknown calling AE title (reason 3)', async () => {
    await updateModalityConfig(t.db, sandboxId, 'CT1', { localAeTitle: 'CT9' });
    const acq = await makeAcquisition(1);
    const [job] = await createSendJobs(t.db, acq.id);
    const r = await runSendJob(t.db, job.id);
    expect(r.status).toBe('failed');
    expect(r.errorKind).toBe('association-rejected');
    expect(r.error).toBe("Association rejected by PACS: calling AE title not recognized (permanent) — check this scanner's AE title (CT9) and that the PACS knows it");
  });

  it('association rejected: a wrong called AE title (reason 7)', async () => {
    const archive = await resetConfig();
    await saveDestination(t.db, sandboxId, 'CT1', { id: archive.id, role: 'archive', name: archive.name, aeTitle: 'PACS2', host: '127.0.0.1', port: services.port });
    const acq = await makeAcquisition(1);
    const [job] = await createSendJobs(t.db, acq.id);
    const r = await runSendJob(t.db, job.id);
    expect(r.errorKind).toBe('association-rejected');
    expect(r.error).toBe('Association rejected by PACS2: called AE title not recognized (permanent) — check the destination AE title (PACS2) against the PACS\'s own');
  });

  it('timeout: a server that accepts the connection and never answers', async () => {
    const archive = await resetConfig();
    await updateModalityConfig(t.db, sandboxId, 'CT1', { timeoutSeconds: 1 });
    await saveDestination(t.db, sandboxId, 'CT1', { id: archive.id, role: 'archive', name: archive.name, aeTitle: 'PACS', host: '127.0.0.1', port: silentPort });
    const acq = await makeAcquisition(2);
    const [job] = await createSendJobs(t.db, acq.id);
    const t0 = Date.now();
    const r = await runSendJob(t.db, job.id);
    expect(Date.now() - t0).toBeLessThan(8000);
    expect(r.status).toBe('failed');
    expect(r.errorKind).toBe('timeout');
    expect(r.error).toMatch(new RegExp(`^Timed out after 1 s waiting for PACS at 127\\.0\\.0\\.1:${silentPort} to accept the association`));
    const items = await t.db.sendItem.findMany({ where: { jobId: job.id } });
    expect(items.every((i) => i.status === 'failed' && i.message.startsWith('Not sent: Timed out'))).toBe(true);
  });

  it('A700 when the sandbox quota is exceeded midway, then Retry sends only the rest, once', async () => {
    const acq = await makeAcquisition(5);
    const used = (await t.db.instance.aggregate({ where: { sandboxId }, _sum: { fileSize: true } }))._sum.fileSize ?? 0n;
    // room for two of the five images
    const each = BigInt(acq.images[0].bytes) + 4096n;
    await t.db.sandbox.update({ where: { id: sandboxId }, data: { storageQuotaBytes: used + 2n * each } });
    const [job] = await createSendJobs(t.db, acq.id);
    const r = await runSendJob(t.db, job.id);
    expect(r.status).toBe('failed');
    expect(r.errorKind).toBe('dimse-failure');
    expect(r.sent).toBe(2);
    expect(r.failed).toBe(3);
    expect(r.error).toBe('C-STORE failed: 0xA700 Refused: out of resources (3 of 5 images not sent)');
    const failedItems = await t.db.sendItem.findMany({ where: { jobId: job.id, status: 'failed' } });
    expect(failedItems.every((i) => i.dimseStatus === 0xa700 && i.message === 'C-STORE failed: 0xA700 Refused: out of resources')).toBe(true);
    // the two stored ones are committed already (partial), the others are not
    expect(r.commitStatus).toBe('partial');

    await t.db.sandbox.update({ where: { id: sandboxId }, data: { storageQuotaBytes: 2n ** 31n } });
    const retried = await retrySendJob(t.db, job.id);
    expect(retried.status).toBe('done');
    expect(retried.sent).toBe(5);
    expect(retried.commitStatus).toBe('committed');
    const uids = acq.images.map((i) => i.sopInstanceUid);
    expect(await archived(uids)).toBe(5);
    const logged = await eventually(async () => {
      const m = await storesLogged(uids);
      if (m.size < 5) throw new Error('log not written yet');
      return m;
    });
    expect([...logged.values()]).toEqual([1, 1, 1, 1, 1]);
    const attempts = (await t.db.sendItem.findMany({ where: { jobId: job.id }, include: { image: true }, orderBy: { image: { instanceNumber: 'asc' } } })).map((i) => i.attempts);
    expect(attempts).toEqual([1, 1, 2, 2, 2]);
  });

  it('refuses to delete a job while it is sending, and deletes it after', async () => {
    const archive = await resetConfig();
    await updateModalityConfig(t.db, sandboxId, 'CT1', { timeoutSeconds: 2 });
    await saveDestination(t.db, sandboxId, 'CT1', { id: archive.id, role: 'archive', name: archive.name, aeTitle: 'PACS', host: '127.0.0.1', port: silentPort });
    const acq = await makeAcquisition(1);
    const [job] = await createSendJobs(t.db, acq.id);
    const running = runSendJob(t.db, job.id);
    await eventually(async () => expect((await t.db.sendJob.findUniqueOrThrow({ where: { id: job.id } })).status).toBe('sending'));
    await expect(deleteSendJob(t.db, job.id)).rejects.toThrow(/being sent right now/);
    await running;
    await deleteSendJob(t.db, job.id);
    expect(await t.db.sendJob.findUnique({ where: { id: job.id } })).toBeNull();
    await expect(deleteSendJob(t.db, job.id)).rejects.toBeInstanceOf(ModalityError);
  });

  it('two concurrent starts run the job once', async () => {
    const acq = await makeAcquisition(3);
    const [job] = await createSendJobs(t.db, acq.id);
    startSendJob(t.db, job.id);
    startSendJob(t.db, job.id);
    const both = await Promise.allSettled([runSendJob(t.db, job.id), runSendJob(t.db, job.id)]);
    // the direct runs found it taken (or finished)
    for (const b of both) if (b.status === 'rejected') expect((b.reason as ModalityError).kind).toBe('conflict');
    const done = await eventually(async () => {
      const j = await t.db.sendJob.findUniqueOrThrow({ where: { id: job.id } });
      if (j.status === 'sending' || j.status === 'queued') throw new Error('still sending');
      return j;
    }, { timeoutMs: 20_000 });
    expect(done.status).toBe('done');
    expect(done.attempts).toBe(1);
    const items = await t.db.sendItem.findMany({ where: { jobId: job.id } });
    expect(items.every((i) => i.attempts === 1)).toBe(true);
  });

  it('Retry all re-sends every failed job of the scanner', async () => {
    const archive = await resetConfig();
    await saveDestination(t.db, sandboxId, 'CT1', { id: archive.id, role: 'archive', name: archive.name, aeTitle: 'PACS', host: '127.0.0.1', port: closedPort });
    const a = await makeAcquisition(1);
    const b = await makeAcquisition(1);
    const jobs = [...(await createSendJobs(t.db, a.id)), ...(await createSendJobs(t.db, b.id))];
    for (const j of jobs) expect((await runSendJob(t.db, j.id)).status).toBe('failed');
    await resetConfig();
    expect(await retryAllFailed(t.db, sandboxId, 'CT1')).toBeGreaterThanOrEqual(2);
    for (const j of jobs) {
      await eventually(async () => expect((await t.db.sendJob.findUniqueOrThrow({ where: { id: j.id } })).status).toBe('done'), { timeoutMs: 20_000 });
    }
  });
});

describe('another PACS', () => {
  it('sends to DCMTK storescp; without Storage Commitment there the images stay uncommitted and unpurgeable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pacslab-storescp-'));
    const scp = await startReferenceStorescp(dir, 'DCMTKPACS');
    try {
      const d = await saveDestination(t.db, sandboxId, 'CT1', { role: 'archive', name: 'DCMTK', aeTitle: 'DCMTKPACS', host: '127.0.0.1', port: scp.port, isDefault: false });
      const acq = await makeAcquisition(3);
      const [job] = await createSendJobs(t.db, acq.id, [d.id]);
      expect(job.target).toBe(`DCMTKPACS@127.0.0.1:${scp.port}`);
      const r = await runSendJob(t.db, job.id);
      expect(r.status).toBe('done');
      expect(r.sent).toBe(3);
      expect(readdirSync(dir)).toHaveLength(3);
      expect(r.commitStatus).toBe('failed');
      expect(r.commitError).toMatch(/^Storage commitment request failed: /);
      expect((await purgeAcquisition(t.db, acq.id)).purged).toBe(0);
      // Retry asks for the commitment again and sends nothing twice
      const again = await retrySendJob(t.db, job.id);
      expect(again.attempts).toBe(2);
      expect(again.sent).toBe(3);
      expect(readdirSync(dir)).toHaveLength(3);
      const items = await t.db.sendItem.findMany({ where: { jobId: job.id } });
      expect(items.every((i) => i.attempts === 1 && i.status === 'sent' && !i.committedAt)).toBe(true);
      await t.db.modalityDestination.delete({ where: { id: d.id } });
    } finally {
      await scp.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('purge', () => {
  it('deletes only the local copies an archive committed, and says why it kept the rest', async () => {
    const acq = await makeAcquisition(4);
    const used = (await t.db.instance.aggregate({ where: { sandboxId }, _sum: { fileSize: true } }))._sum.fileSize ?? 0n;
    await t.db.sandbox.update({ where: { id: sandboxId }, data: { storageQuotaBytes: used + 2n * (BigInt(acq.images[0].bytes) + 4096n) } });
    const paths = acq.images.map((i) => imagePath(acq.folder, i.file));

    // nothing sent yet: nothing may be deleted
    const none = await purgeAcquisition(t.db, acq.id);
    expect(none).toMatchObject({ purged: 0, kept: 4 });
    expect(none.message).toMatch(/^Nothing deleted: none of the 4 images has been committed/);
    expect(paths.every((p) => existsSync(p))).toBe(true);

    const [job] = await createSendJobs(t.db, acq.id);
    const r = await runSendJob(t.db, job.id);
    expect(r.sent).toBe(2);
    const some = await purgeAcquisition(t.db, acq.id);
    expect(some).toMatchObject({ purged: 2, kept: 2 });
    expect(some.message).toMatch(/committed by PACS; kept 2 images not committed/);
    expect(paths.filter((p) => existsSync(p))).toHaveLength(2);
    expect((await t.db.acquisition.findUniqueOrThrow({ where: { id: acq.id } })).purgedAt).toBeNull();

    await t.db.sandbox.update({ where: { id: sandboxId }, data: { storageQuotaBytes: 2n ** 31n } });
    expect((await retrySendJob(t.db, job.id)).commitStatus).toBe('committed');
    const all = await purgeAcquisition(t.db, acq.id);
    expect(all).toMatchObject({ purged: 4, kept: 0 });
    expect(paths.some((p) => existsSync(p))).toBe(false);
    expect((await t.db.acquisition.findUniqueOrThrow({ where: { id: acq.id } })).purgedAt).not.toBeNull();
  });
});
