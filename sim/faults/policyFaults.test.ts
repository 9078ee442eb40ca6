// lossy-before-read against the real listener: inject → the unread study is lossy in the archive (the files carry
// Lossy Image Compression 01 under new SOP Instance UIDs) → fix through the functions the consoles' actions call
// (PACS console → Storage: setTierSettings; the scanner's "Send again": createSendJobs + run; the study's "Restore to
// short-term": restoreStudy) → every check passes. Wrong fixes (only the policy; re-send without removing the lossy
// copies) do not.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDb } from '../../prisma/testing';
import { getTierSettings, restoreStudy, setTierSettings } from '../archive/tiers';
import { createSendJobs, runSendJob } from '../modality/sendQueue';
import { startSandboxHarness, type SandboxHarness } from '../testing/sandboxHarness';
import { checkFault, clearFault, injectFault } from './engine';

let harness: SandboxHarness;
let t: TestDb;
let sandboxId: string;
let savedArchiveDir: string | undefined;

beforeAll(async () => {
  harness = await startSandboxHarness();
  ({ t, sandboxId } = harness);
  savedArchiveDir = process.env.ARCHIVE_DIR;
  // the fault's migration finds the archive where the listener writes it (ARCHIVE_DIR)
  process.env.ARCHIVE_DIR = harness.archiveDir;
}, 60_000);

afterAll(async () => {
  if (savedArchiveDir === undefined) delete process.env.ARCHIVE_DIR;
  else process.env.ARCHIVE_DIR = savedArchiveDir;
  await harness?.close();
});

type Undo = { acquisitionId: string; studyInstanceUid: string };
const failing = (r: { results: { id: string; passed: boolean }[] }) => r.results.filter((c) => !c.passed).map((c) => c.id).sort();
const LOSSY_TAG = Buffer.from([0x28, 0x00, 0x10, 0x21]); // (0028,2110) little endian

async function resend(acquisitionId: string) {
  const jobs = await createSendJobs(t.db, acquisitionId);
  for (const j of jobs) expect((await runSendJob(t.db, j.id)).status).toBe('done');
}

async function reset() {
  await t.db.instance.deleteMany({ where: { sandboxId } });
  await t.db.series.deleteMany({ where: { sandboxId } });
  await t.db.study.deleteMany({ where: { sandboxId } });
}

describe('lossy-before-read', () => {
  it('inject makes the unread study lossy; policy back + re-send the originals + restore: every check passes', async () => {
    const inj = await injectFault(t.db, sandboxId, 'lossy-before-read', { modalityAe: 'CT1', slices: 2 });
    const u = inj.undo as Undo;
    // the symptom: an unread study whose stored images are lossy, under UIDs the scanner never sent
    const study = await t.db.study.findUniqueOrThrow({ where: { sandboxId_studyInstanceUid: { sandboxId, studyInstanceUid: u.studyInstanceUid } } });
    expect(study.status).not.toBe('read');
    const acq = await t.db.acquisition.findUniqueOrThrow({ where: { id: u.acquisitionId }, include: { images: true } });
    const sent = acq.images.map((i) => i.sopInstanceUid).sort();
    const rows = await t.db.instance.findMany({ where: { sandboxId } });
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r.lossy).toBe(true);
      expect(r.transferSyntaxUid).toBe('1.2.840.10008.1.2.4.91');
      expect(sent).not.toContain(r.sopInstanceUid);
      const file = await readFile(join(harness.archiveDir, r.filePath));
      const at = file.indexOf(LOSSY_TAG);
      expect(at).toBeGreaterThan(0);
      expect(file.subarray(at + 8, at + 10).toString('latin1')).toBe('01');
    }
    expect(rows.map((r) => r.originalSopInstanceUid).sort()).toEqual(sent);
    expect(failing(await checkFault(t.db, inj.id))).toEqual(['no-lossy-copy', 'originals', 'policy']);

    // fix: the policy (PACS console → Storage), the originals from the scanner, then Restore on the study
    await setTierSettings(t.db, sandboxId, { lossyPolicy: 'never-before-read', longTermCodec: 'jpeg-ls' }, { actorId: null, reason: 'test: site policy' });
    await resend(u.acquisitionId);
    // the archive stored the originals beside the lossy copies (other SOP Instance UIDs)
    expect(await t.db.instance.count({ where: { sandboxId } })).toBe(4);
    expect(failing(await checkFault(t.db, inj.id))).toEqual(['no-lossy-copy']);
    const back = await restoreStudy(t.db, sandboxId, u.studyInstanceUid, { archiveDir: harness.archiveDir });
    expect(back).toMatchObject({ lossyCopiesRemoved: 2, lossyKept: 0 });
    const left = await t.db.instance.findMany({ where: { sandboxId } });
    expect(left.map((r) => r.sopInstanceUid).sort()).toEqual(sent);
    expect(left.every((r) => !r.lossy && r.transferSyntaxUid === '1.2.840.10008.1.2.1')).toBe(true);
    for (const r of rows) await expect(readFile(join(harness.archiveDir, r.filePath))).rejects.toThrow(/ENOENT/);
    const after = await checkFault(t.db, inj.id);
    expect(failing(after)).toEqual([]);
    expect(after.passed).toBe(true);
    await clearFault(t.db, inj.id).catch(() => undefined);
    // clean-up leaves the policy the student chose
    expect((await getTierSettings(t.db, sandboxId)).lossyPolicy).toBe('never-before-read');
    await reset();
  });

  it('a wrong fix: only the policy changed, the lossy copies left in place — the originals are still missing', async () => {
    const inj = await injectFault(t.db, sandboxId, 'lossy-before-read', { modalityAe: 'CT1', slices: 2 });
    const u = inj.undo as Undo;
    await setTierSettings(t.db, sandboxId, { lossyPolicy: 'never-before-read' }, { actorId: null });
    // Restore alone cannot bring the original pixels back, and says so
    const back = await restoreStudy(t.db, sandboxId, u.studyInstanceUid, { archiveDir: harness.archiveDir });
    expect(back).toMatchObject({ lossyCopiesRemoved: 0, lossyKept: 2 });
    expect(back.message).toMatch(/re-send the originals from the modality/);
    const r = await checkFault(t.db, inj.id);
    expect(r.passed).toBe(false);
    expect(failing(r)).toEqual(['no-lossy-copy', 'originals']);
    // re-sending without removing the lossy copies still leaves a lossy copy of the unread study
    await resend(u.acquisitionId);
    expect(failing(await checkFault(t.db, inj.id))).toEqual(['no-lossy-copy']);
    await clearFault(t.db, inj.id).catch(() => undefined);
    await reset();
  });

  it('clear puts the settings back when nobody changed them', async () => {
    const before = await getTierSettings(t.db, sandboxId);
    const inj = await injectFault(t.db, sandboxId, 'lossy-before-read', { modalityAe: 'CT1', slices: 1 });
    expect(await getTierSettings(t.db, sandboxId)).toMatchObject({ lossyPolicy: 'allowed', longTermCodec: 'j2k-lossy', shortTermDays: 0 });
    await clearFault(t.db, inj.id);
    expect(await getTierSettings(t.db, sandboxId)).toEqual(before);
    await reset();
  });
});
