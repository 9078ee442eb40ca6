// Scheduled Workflow end to end at the CT console, over real DICOM on our listener: worklist → acquire (MPPS IN
// PROGRESS) → send → storage commitment → MPPS COMPLETED; the order follows. Also the manual path and MPPS failures.
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDb } from '../../prisma/testing';
import { startSandboxHarness, type SandboxHarness } from '../testing/sandboxHarness';
import type { DicomServices } from '../startDicomServices';
import { acquire, endExam } from './acquire';
import { splitPart10 } from '../dicom/part10';
import { getModalityConsole, peerFor, saveDestination, updateModalityConfig } from './config';
import { createSendJobs, runSendJob } from './sendQueue';
import { imagePath } from './store';
import { queryWorklist } from './worklist';

let harness: SandboxHarness;
let t: TestDb;
let services: DicomServices;
let sandboxId: string;

beforeAll(async () => {
  harness = await startSandboxHarness();
  ({ t, services, sandboxId } = harness);
}, 60_000);

afterAll(async () => {
  await harness?.close();
});

async function consoleOf(ae: string) {
  const c = (await getModalityConsole(t.db, sandboxId, ae))!;
  const dest = (role: string) => c.destinations.find((d) => d.role === role)!;
  return { ...c, dest };
}

describe('acquire', () => {
  it("picks today's order from the worklist, acquires, sends, and reports COMPLETED: the order follows", async () => {
    const ct = await consoleOf('CT1');
    const { items, final } = await queryWorklist(peerFor(ct.config, ct.dest('worklist')), {});
    expect(final.category).toBe('success');
    expect(items.length).toBeGreaterThan(0);
    const item = items[0];
    const acq = await acquire(t.db, { sandboxId, modalityAe: 'CT1', source: { kind: 'worklist', item }, protocolId: 'ct-head', slices: 3, seed: 7 });
    expect(acq.manual).toBe(false);
    expect(acq.orderId).not.toBeNull();
    expect(acq.accessionNumber).toBe(item.accessionNumber);
    expect(acq.studyInstanceUid).toBe(item.studyInstanceUid);
    expect(acq.images).toHaveLength(3);
    expect(acq.images.every((i) => existsSync(imagePath(acq.folder, i.file)))).toBe(true);
    expect(acq.mppsError).toBe('');
    expect(acq.mppsStatus).toBe('IN PROGRESS');
    const order = await t.db.order.findUniqueOrThrow({ where: { id: acq.orderId! } });
    expect(order.status).toBe('in-progress');

    const [job] = await createSendJobs(t.db, acq.id);
    const sent = await runSendJob(t.db, job.id);
    expect(sent.status).toBe('done');
    expect(sent.commitStatus).toBe('committed');
    const study = await t.db.study.findFirstOrThrow({ where: { sandboxId, studyInstanceUid: acq.studyInstanceUid } });
    expect(study.accessionNumber).toBe(item.accessionNumber);

    const ended = await endExam(t.db, acq.id, { status: 'COMPLETED' });
    expect(ended.mppsError).toBe('');
    expect(ended.mppsStatus).toBe('COMPLETED');
    expect((await t.db.order.findUniqueOrThrow({ where: { id: acq.orderId! } })).status).toBe('completed');
    await expect(endExam(t.db, acq.id, { status: 'COMPLETED' })).rejects.toThrow(/already reported COMPLETED/);
  });

  it('registers a patient by hand (no order link), and discontinues with a reason', async () => {
    const acq = await acquire(t.db, { sandboxId, modalityAe: 'DX1', source: { kind: 'manual', patient: { patientName: 'Walkin^Wanda', patientId: 'WALK1' } }, protocolId: 'dx-chest-pa', seed: 1 });
    expect(acq.manual).toBe(true);
    expect(acq.orderId).toBeNull();
    expect(acq.patientName).toBe('WALKIN^WANDA');
    expect(acq.images).toHaveLength(1);
    expect(acq.mppsStatus).toBe('IN PROGRESS');
    await expect(endExam(t.db, acq.id, { status: 'DISCONTINUED', reason: 'bored' })).rejects.toThrow(/discontinuation reason/);
    const ended = await endExam(t.db, acq.id, { status: 'DISCONTINUED', reason: '110514' });
    expect(ended.mppsStatus).toBe('DISCONTINUED');
    expect(ended.discontinuedReason).toBe('110514');
  });

  it('refuses a protocol of another modality and bad patient data, saying why', async () => {
    await expect(acquire(t.db, { sandboxId, modalityAe: 'CT1', source: { kind: 'manual', patient: { patientName: 'A^B', patientId: 'X' } }, protocolId: 'dx-chest-pa' })).rejects.toThrow(/not a protocol of this CT scanner/);
    await expect(acquire(t.db, { sandboxId, modalityAe: 'CT1', source: { kind: 'manual', patient: { patientName: '', patientId: 'X' } }, protocolId: 'ct-head' })).rejects.toThrow(/patient name is required/);
  });

  it('still acquires when the MPPS manager is unreachable, and says so as the console would', async () => {
    const dx = await consoleOf('DX1');
    const mpps = dx.dest('mpps');
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    await saveDestination(t.db, sandboxId, 'DX1', { id: mpps.id, role: 'mpps', name: mpps.name, aeTitle: 'RIS', host: '127.0.0.1', port: closed });
    const acq = await acquire(t.db, { sandboxId, modalityAe: 'DX1', source: { kind: 'manual', patient: { patientName: 'HAND^HARRY', patientId: 'DX9' } }, protocolId: 'dx-hand', seed: 3 });
    expect(acq.images.length).toBeGreaterThan(0);
    expect(acq.mppsStatus).toBe('none');
    expect(acq.mppsError).toBe(`MPPS not sent: Connection refused by 127.0.0.1:${closed} — nothing listens on that port: check the destination port and that the RIS (MPPS manager) is running`);
    // fixed: the end of the exam creates the step first, then completes it
    await saveDestination(t.db, sandboxId, 'DX1', { id: mpps.id, role: 'mpps', name: mpps.name, aeTitle: 'RIS', host: '127.0.0.1', port: services.port });
    const ended = await endExam(t.db, acq.id, { status: 'COMPLETED' });
    expect(ended.mppsError).toBe('');
    expect(ended.mppsStatus).toBe('COMPLETED');
    expect(ended.mppsSopInstanceUid).not.toBe('');
  });

  it('stores and sends in the scanner\'s lossless "Send images as" syntax, and the archive keeps it as sent', async () => {
    const JPEG_LS = '1.2.840.10008.1.2.4.80';
    await expect(updateModalityConfig(t.db, sandboxId, 'CT1', { transferSyntaxUid: '1.2.840.10008.1.2.4.91' })).rejects.toThrow(/one of the syntaxes the scanner can send/);
    await updateModalityConfig(t.db, sandboxId, 'CT1', { transferSyntaxUid: JPEG_LS });
    try {
      const patient = { patientName: 'SQUEEZE^SAM', patientId: 'TS1' };
      const acq = await acquire(t.db, { sandboxId, modalityAe: 'CT1', source: { kind: 'manual', patient }, protocolId: 'ct-head', slices: 2, seed: 11 });
      const local = imagePath(acq.folder, acq.images[0].file);
      expect(splitPart10(readFileSync(local)).transferSyntaxUid).toBe(JPEG_LS);
      const [job] = await createSendJobs(t.db, acq.id);
      expect((await runSendJob(t.db, job.id)).status).toBe('done');
      const stored = await t.db.instance.findFirstOrThrow({ where: { sandboxId, sopInstanceUid: acq.images[0].sopInstanceUid } });
      expect(stored.transferSyntaxUid).toBe(JPEG_LS);
      // stored as received: the archive's data set is the scanner's, byte for byte, under its own meta header
      // (pixels unchanged by the re-encoding: sendSyntax.test.ts)
      const dataset = (b: Buffer) => b.subarray(splitPart10(b).datasetOffset);
      expect(dataset(readFileSync(join(harness.archiveDir, stored.filePath))).equals(dataset(readFileSync(local)))).toBe(true);
    } finally {
      await updateModalityConfig(t.db, sandboxId, 'CT1', { transferSyntaxUid: '1.2.840.10008.1.2.1' });
    }
  });
});
