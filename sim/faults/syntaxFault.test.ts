// syntax-not-accepted against the real listener: the scanner offers JPEG 2000 only, the archive accepts uncompressed
// only, so the images' presentation contexts get result 4 (PS3.8 9.3.3.2) while C-ECHO works (DCMTK echoscu). Fixed
// on either side through the functions the consoles' actions call — the archive's "Accepts for storage"
// (setAcceptPolicy), or the scanner's "Send images as" (updateModalityConfig; the queue converts the stored images)
// — then Retry: every check passes. Wrong fixes (re-scan; send the exam again once fixed) do not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDb } from '../../prisma/testing';
import { startSandboxHarness, type SandboxHarness } from '../testing/sandboxHarness';
import { acceptPolicyOf, setAcceptPolicy } from '../archive/acceptPolicy';
import { updateModalityConfig } from '../modality/config';
import { createSendJobs, retrySendJob, runSendJob } from '../modality/sendQueue';
import { runDcmtk } from '../testing/dcmtk';
import type { DicomServices } from '../startDicomServices';
import { checkFault, clearFault, injectFault } from './engine';
import { scanFromWorklist } from './exam';

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

type Undo = { acquisitionId: string };
const jobOf = async (u: Undo) => t.db.sendJob.findFirstOrThrow({ where: { acquisitionId: u.acquisitionId }, orderBy: { createdAt: 'asc' } });
const failing = (r: { results: { id: string; passed: boolean }[] }) => r.results.filter((c) => !c.passed).map((c) => c.id).sort();
const J2K = '1.2.840.10008.1.2.4.90';
const policy = async () => acceptPolicyOf((await t.db.dicomNode.findFirstOrThrow({ where: { sandboxId, aeTitle: 'PACS' } })).acceptPolicy);
const scannerSyntax = async () => (await t.db.modalityConfig.findFirstOrThrow({ where: { sandboxId, modalityAe: 'CT1' } })).transferSyntaxUid;

describe('syntax-not-accepted', () => {
  it('no presentation context for the images while C-ECHO works; fixed at the archive, then Retry: every check passes', async () => {
    const inj = await injectFault(t.db, sandboxId, 'syntax-not-accepted', { modalityAe: 'CT1', slices: 2 });
    const job = await jobOf(inj.undo as Undo);
    expect(job.status).toBe('failed');
    const items = await t.db.sendItem.findMany({ where: { jobId: job.id } });
    expect(items.every((i) => i.status === 'failed' && /^Not sent: no presentation context: not sent \(PACS accepts CT Image Storage only in .*Little Endian.*, not in the file's JPEG 2000/.test(i.message))).toBe(true);
    expect(await t.db.instance.count({ where: { sandboxId } })).toBe(0);
    const echo = await runDcmtk('echoscu', ['-aet', 'CT1', '-aec', 'PACS', '127.0.0.1', String(services.port)], { timeoutMs: 20_000 });
    expect(echo.code, echo.stderr).toBe(0);
    expect(failing(await checkFault(t.db, inj.id))).toEqual(['images-archived', 'syntax-agreed']);

    // Retry without a fix changes nothing
    expect((await retrySendJob(t.db, job.id)).status).toBe('failed');
    await setAcceptPolicy(t.db, sandboxId, 'PACS', 'lossless', null, 'test: accept lossless');
    expect((await retrySendJob(t.db, job.id)).status).toBe('done');
    const stored = await t.db.instance.findMany({ where: { sandboxId } });
    expect(stored.map((i) => i.transferSyntaxUid)).toEqual([J2K, J2K]);
    const after = await checkFault(t.db, inj.id);
    expect(after.passed).toBe(true);
    // clear puts the scanner back; the archive policy a person chose stays theirs
    await clearFault(t.db, inj.id).catch(() => undefined);
    expect(await scannerSyntax()).toBe('1.2.840.10008.1.2.1');
    expect(await policy()).toBe('lossless');
    await setAcceptPolicy(t.db, sandboxId, 'PACS', 'all', null);
    await t.db.instance.deleteMany({ where: { sandboxId } });
  });

  it('fixed at the scanner instead: it converts its stored images losslessly and the Retry delivers them uncompressed', async () => {
    const inj = await injectFault(t.db, sandboxId, 'syntax-not-accepted', { modalityAe: 'CT1', slices: 2 });
    const job = await jobOf(inj.undo as Undo);
    expect(job.status).toBe('failed');
    await updateModalityConfig(t.db, sandboxId, 'CT1', { transferSyntaxUid: '1.2.840.10008.1.2.1' });
    expect((await retrySendJob(t.db, job.id)).status).toBe('done');
    const stored = await t.db.instance.findMany({ where: { sandboxId }, orderBy: { instanceNumber: 'asc' } });
    expect(stored.map((i) => i.transferSyntaxUid)).toEqual(['1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1']);
    expect((await checkFault(t.db, inj.id)).passed).toBe(true);
    await clearFault(t.db, inj.id).catch(() => undefined);
    // the archive goes back to what it accepted before the fault
    expect(await policy()).toBe('all');
    await t.db.instance.deleteMany({ where: { sandboxId } });
  });

  it('a re-scan after fixing does not pass: the patient was scanned twice', async () => {
    const inj = await injectFault(t.db, sandboxId, 'syntax-not-accepted', { modalityAe: 'CT1', slices: 2 });
    const u = inj.undo as Undo & { accessionNumber: string };
    await setAcceptPolicy(t.db, sandboxId, 'PACS', 'all', null);
    const again = await scanFromWorklist(t.db, sandboxId, { modalityAe: 'CT1', slices: 2, accessionNumber: u.accessionNumber }, true).catch(() => null);
    // the order left the worklist when the first exam completed: the technologist registers the patient by hand
    if (!again) {
      const first = await t.db.acquisition.findUniqueOrThrow({ where: { id: u.acquisitionId } });
      const { acquire } = await import('../modality/acquire');
      const manual = await acquire(t.db, { sandboxId, modalityAe: 'CT1', source: { kind: 'manual', patient: { patientName: first.patientName, patientId: first.patientId } }, protocolId: 'ct-head', slices: 2, seed: 2 });
      const [j] = await createSendJobs(t.db, manual.id);
      await runSendJob(t.db, j.id);
    }
    const r = await checkFault(t.db, inj.id);
    expect(r.passed).toBe(false);
    expect(failing(r)).toContain('no-rescan');
    await clearFault(t.db, inj.id).catch(() => undefined);
  });
});
