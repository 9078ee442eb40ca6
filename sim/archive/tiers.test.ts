// Storage tiers against real files: a scanner's exam sent over the real listener, then migrated, measured and
// restored. Lossless: decoded and compared with the received pixels sample by sample; lossy: the PS3.3
// C.7.6.1.1.5 attributes and a new SOP Instance UID; the policy keeps unread studies from lossy compression.
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import dcmjs from 'dcmjs';
import { describe, expect, it } from 'vitest';
import type { TestDb } from '../../prisma/testing';
import { compareImages } from '../compression/transcode';
import type { SandboxHarness } from '../testing/sandboxHarness';
import { ArchiveFiles } from './archiveFiles';
import { reconcileArchive } from './reconcileArchive';
import { removeTierLeftovers } from './tierRecovery';
import { getTierSettings, lossyAllowed, migrateByAge, restoreStudy, setTierSettings, SimulatedCrash, storageByTier, TierError, type TierProgress } from './tiers';
import { LATER, scanAndSendStudy, useTiersSandbox } from './tiersTestSetup';

let harness: SandboxHarness;
let t: TestDb;
let sandboxId: string;
useTiersSandbox(
  (h) => ({ t, sandboxId } = harness = h),
  async () => {
    await t.db.instance.deleteMany({ where: { sandboxId } });
    await t.db.series.deleteMany({ where: { sandboxId } });
    await t.db.study.deleteMany({ where: { sandboxId } });
    // and their files: the crash tests count what is on disk
    await rm(join(harness.archiveDir, sandboxId), { recursive: true, force: true });
  },
);

async function sendStudy(): Promise<{ studyUid: string; originals: Map<string, Buffer> }> {
  const accessionNumber = await scanAndSendStudy(harness, { idPrefix: 'TIER', name: 'TIER^TEST' });
  const rows = await t.db.instance.findMany({ where: { sandboxId, series: { study: { accessionNumber } } }, include: { series: { include: { study: true } } } });
  expect(rows.length).toBe(2);
  const originals = new Map<string, Buffer>();
  for (const r of rows) originals.set(r.sopInstanceUid, await readFile(join(harness.archiveDir, r.filePath)));
  return { studyUid: rows[0].series.study.studyInstanceUid, originals };
}

const rowsOf = (studyUid: string) => t.db.instance.findMany({ where: { sandboxId, series: { study: { studyInstanceUid: studyUid } } }, orderBy: { instanceNumber: 'asc' } });
const setStatus = (studyUid: string, status: string) => t.db.study.update({ where: { sandboxId_studyInstanceUid: { sandboxId, studyInstanceUid: studyUid } }, data: { status } });

describe('storage tiers', () => {
  it('defaults and settings: 60 days, JPEG-LS lossless, never lossy before reading; bad values are refused with a reason', async () => {
    await t.db.sandbox.update({ where: { id: sandboxId }, data: { shortTermDays: 60, longTermCodec: 'jpeg-ls', longTermRatio: 10, lossyPolicy: 'never-before-read' } });
    expect(await getTierSettings(t.db, sandboxId)).toEqual({ shortTermDays: 60, longTermCodec: 'jpeg-ls', longTermRatio: 10, lossyPolicy: 'never-before-read' });
    await expect(setTierSettings(t.db, sandboxId, { shortTermDays: 120 }, { actorId: null })).rejects.toThrow(/0 to 90 days/);
    await expect(setTierSettings(t.db, sandboxId, { lossyPolicy: 'sometimes' }, { actorId: null })).rejects.toBeInstanceOf(TierError);
    const r = await setTierSettings(t.db, sandboxId, { shortTermDays: 30 }, { actorId: null, reason: 'test' });
    expect(r.after.shortTermDays).toBe(30);
    expect(await t.db.auditEvent.count({ where: { action: 'archive.tier-settings', target: `sandbox:${sandboxId}` } })).toBeGreaterThan(0);
    expect(lossyAllowed('never-before-read', 'verified').ok).toBe(false);
    expect(lossyAllowed('never-before-read', 'read').ok).toBe(true);
    expect(lossyAllowed('never', 'read').ok).toBe(false);
    expect(lossyAllowed('allowed', 'received').ok).toBe(true);
  });

  it('a recent study stays; an old one moves to JPEG-LS with bit-exact pixels, the same UIDs, and the figures add up; restore decodes it back', async () => {
    const { studyUid, originals } = await sendStudy();
    const before = await storageByTier(t.db, sandboxId);
    expect(before.long.instances).toBe(0);
    expect(before.short.instances).toBe(2);

    const now = await migrateByAge(t.db, sandboxId, { archiveDir: harness.archiveDir });
    expect(now.moved).toEqual([]);

    const r = await migrateByAge(t.db, sandboxId, { archiveDir: harness.archiveDir, now: LATER() });
    expect(r.skipped).toEqual([]);
    expect(r.moved.map((m) => m.studyInstanceUid)).toEqual([studyUid]);
    const rows = await rowsOf(studyUid);
    expect(rows.map((x) => [x.tier, x.transferSyntaxUid, x.lossy])).toEqual([['long', '1.2.840.10008.1.2.4.80', false], ['long', '1.2.840.10008.1.2.4.80', false]]);
    for (const row of rows) {
      expect(originals.has(row.sopInstanceUid)).toBe(true);
      const stored = await readFile(join(harness.archiveDir, row.filePath));
      expect(BigInt(stored.length)).toBe(row.fileSize);
      const cmp = await compareImages(originals.get(row.sopInstanceUid)!, stored);
      expect(cmp.maxAbsError).toBe(0);
      expect(row.originalFileSize).toBe(BigInt(originals.get(row.sopInstanceUid)!.length));
    }
    const fig = await storageByTier(t.db, sandboxId);
    const originalTotal = [...originals.values()].reduce((a, b) => a + b.length, 0);
    expect(fig.long.instances).toBe(2);
    expect(fig.long.originalBytes).toBe(originalTotal);
    expect(fig.long.bytes).toBe(rows.reduce((a, x) => a + Number(x.fileSize), 0));
    expect(fig.saving).toBe(originalTotal - fig.long.bytes);
    expect(fig.saving).toBeGreaterThan(0);
    expect(fig.short.bytes + fig.long.bytes).toBe(fig.total);

    // a second run moves nothing
    expect((await migrateByAge(t.db, sandboxId, { archiveDir: harness.archiveDir, now: LATER() })).moved).toEqual([]);

    const back = await restoreStudy(t.db, sandboxId, studyUid, { archiveDir: harness.archiveDir });
    expect(back).toMatchObject({ restored: 2, lossyKept: 0, lossyCopiesRemoved: 0 });
    const restored = await rowsOf(studyUid);
    for (const row of restored) {
      expect(row.tier).toBe('short');
      expect(row.transferSyntaxUid).toBe('1.2.840.10008.1.2.1');
      const cmp = await compareImages(originals.get(row.sopInstanceUid)!, await readFile(join(harness.archiveDir, row.filePath)));
      expect(cmp.maxAbsError).toBe(0);
    }
    expect((await storageByTier(t.db, sandboxId)).long.instances).toBe(0);
    expect((await restoreStudy(t.db, sandboxId, studyUid, { archiveDir: harness.archiveDir })).message).toMatch(/^Nothing to restore/);
  });

  it('under the default policy an unread study is never made lossy: skipped with the reason; a read one is', async () => {
    await setTierSettings(t.db, sandboxId, { longTermCodec: 'j2k-lossy' }, { actorId: null });
    const { studyUid } = await sendStudy();
    const r = await migrateByAge(t.db, sandboxId, { archiveDir: harness.archiveDir, now: LATER() });
    expect(r.moved).toEqual([]);
    expect(r.skipped).toEqual([expect.objectContaining({ studyInstanceUid: studyUid, reason: expect.stringMatching(/not read: the site's policy forbids lossy compression before primary reading/) })]);
    expect((await rowsOf(studyUid)).every((x) => x.tier === 'short' && !x.lossy)).toBe(true);

    await setTierSettings(t.db, sandboxId, { lossyPolicy: 'never' }, { actorId: null });
    await setStatus(studyUid, 'read');
    const never = await migrateByAge(t.db, sandboxId, { archiveDir: harness.archiveDir, now: LATER() });
    expect(never.skipped[0].reason).toMatch(/never allows lossy/);

    await setTierSettings(t.db, sandboxId, { lossyPolicy: 'never-before-read' }, { actorId: null });
    const ok = await migrateByAge(t.db, sandboxId, { archiveDir: harness.archiveDir, now: LATER() });
    expect(ok.moved).toEqual([expect.objectContaining({ studyInstanceUid: studyUid, lossy: true })]);
  });

  it("under 'allowed' a study becomes lossy: new SOP Instance UID, Lossy Image Compression 01, ratio and method; restore cannot bring the original back", async () => {
    await setTierSettings(t.db, sandboxId, { longTermCodec: 'j2k-lossy', lossyPolicy: 'allowed' }, { actorId: null });
    const { studyUid, originals } = await sendStudy();
    const r = await migrateByAge(t.db, sandboxId, { archiveDir: harness.archiveDir, now: LATER() });
    expect(r.moved.map((m) => m.lossy)).toEqual([true]);
    const rows = await rowsOf(studyUid);
    for (const row of rows) {
      expect(row.lossy).toBe(true);
      expect(row.transferSyntaxUid).toBe('1.2.840.10008.1.2.4.91');
      expect(originals.has(row.sopInstanceUid)).toBe(false);
      expect(originals.has(row.originalSopInstanceUid)).toBe(true);
      const file = await readFile(join(harness.archiveDir, row.filePath));
      const d = dcmjs.data.DicomMessage.readFile(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer);
      const n = (dcmjs.data.DicomMetaDictionary as unknown as { naturalizeDataset(d: unknown): Record<string, unknown> }).naturalizeDataset(d.dict);
      expect(n.SOPInstanceUID).toBe(row.sopInstanceUid);
      expect(n.LossyImageCompression).toBe('01');
      expect(n.LossyImageCompressionMethod).toBe('ISO_15444_1');
      expect(Number(n.LossyImageCompressionRatio)).toBeGreaterThan(1);
      expect((n.ImageType as string[])[0]).toBe('DERIVED');
      // the original file is gone: the lossy copy replaced it
      await expect(readFile(join(harness.archiveDir, row.filePath.replace(row.sopInstanceUid, row.originalSopInstanceUid)))).rejects.toThrow(/ENOENT/);
    }
    const back = await restoreStudy(t.db, sandboxId, studyUid, { archiveDir: harness.archiveDir });
    expect(back).toMatchObject({ restored: 0, lossyKept: 2, lossyCopiesRemoved: 0 });
    expect(back.message).toMatch(/cannot get the original pixels back/);
    expect((await rowsOf(studyUid)).every((x) => x.lossy && x.tier === 'short')).toBe(true);
    // the lossy copy is not compressed a second time by the next run
    const again = await migrateByAge(t.db, sandboxId, { archiveDir: harness.archiveDir, now: LATER() });
    expect(again.moved).toEqual([expect.objectContaining({ lossy: true })]);
    expect((await rowsOf(studyUid)).map((x) => x.sopInstanceUid).sort()).toEqual(rows.map((x) => x.sopInstanceUid).sort());
    await expect(restoreStudy(t.db, sandboxId, '1.2.3.4.5', { archiveDir: harness.archiveDir })).rejects.toThrow(/no study/);
  });

  it('reports progress: studies and images done go up to the totals', async () => {
    await sendStudy();
    await sendStudy();
    const seen: TierProgress[] = [];
    const r = await migrateByAge(t.db, sandboxId, { archiveDir: harness.archiveDir, now: LATER(), onProgress: (p) => seen.push(p) });
    expect(r.moved).toHaveLength(2);
    expect(seen[0]).toEqual({ studiesTotal: 2, studiesDone: 0, instancesTotal: 4, instancesDone: 0 });
    expect(seen.at(-1)).toEqual({ studiesTotal: 2, studiesDone: 2, instancesTotal: 4, instancesDone: 4 });
    for (let i = 1; i < seen.length; i++) expect(seen[i].instancesDone).toBeGreaterThanOrEqual(seen[i - 1].instancesDone);
    const back: TierProgress[] = [];
    await restoreStudy(t.db, sandboxId, r.moved[0].studyInstanceUid, { archiveDir: harness.archiveDir, onProgress: (p) => back.push(p) });
    expect(back.at(-1)).toEqual({ studiesTotal: 1, studiesDone: 1, instancesTotal: 2, instancesDone: 2 });
  });
});

// A crash at each point of the switch (TierOptions.simulateCrash stops as a dying process would, cleaning up
// nothing), then the start-up recovery as the daemon runs it: tierRecovery.ts, then reconcileArchive.ts.
describe('a crash during the tier switch leaves one indexed, readable instance per image', () => {
  async function recover() {
    const files = new ArchiveFiles(harness.archiveDir);
    try {
      const leftovers = await removeTierLeftovers(t.db, files);
      const reconciled = await reconcileArchive(t.db, files);
      return { leftovers, reconciled };
    } finally {
      await files.close();
    }
  }
  async function filesOf(studyUid: string) {
    const rows = await rowsOf(studyUid);
    const dir = join(harness.archiveDir, rows[0].filePath.split('/').slice(0, -1).join('/'));
    return (await readdir(dir)).sort();
  }
  async function expectReadable(studyUid: string, originals: Map<string, Buffer>, syntax: string, exact = true) {
    const rows = await rowsOf(studyUid);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.transferSyntaxUid).toBe(syntax);
      const stored = await readFile(join(harness.archiveDir, row.filePath));
      expect(BigInt(stored.length)).toBe(row.fileSize);
      const original = originals.get(row.originalSopInstanceUid || row.sopInstanceUid)!;
      if (exact) expect((await compareImages(original, stored)).maxAbsError).toBe(0);
    }
    // one file per indexed instance, each named by its row: no orphan left to be indexed as another instance
    expect(await filesOf(studyUid)).toEqual(rows.map((r) => r.filePath.split('/').at(-1)).sort());
    return rows;
  }

  it('lossless, crash after writing the new files: the old state, the new files removed', async () => {
    const { studyUid, originals } = await sendStudy();
    await expect(migrateByAge(t.db, sandboxId, { archiveDir: harness.archiveDir, now: LATER(), simulateCrash: 'after-write' })).rejects.toBeInstanceOf(SimulatedCrash);
    expect((await filesOf(studyUid)).filter((n) => n.endsWith('.jpeg-ls.dcm'))).toHaveLength(2);
    const { leftovers, reconciled } = await recover();
    expect(leftovers.removed).toHaveLength(2);
    expect(leftovers.removed.every((p) => p.endsWith('.jpeg-ls.dcm'))).toBe(true);
    expect(reconciled.indexed).toEqual([]);
    const rows = await expectReadable(studyUid, originals, '1.2.840.10008.1.2.1');
    expect(rows.every((r) => r.tier === 'short' && !r.filePath.endsWith('.jpeg-ls.dcm'))).toBe(true);
    // and the next run moves it
    expect((await migrateByAge(t.db, sandboxId, { archiveDir: harness.archiveDir, now: LATER() })).moved).toHaveLength(1);
    await expectReadable(studyUid, originals, '1.2.840.10008.1.2.4.80');
  });

  it('lossless, crash after the switch: the new state, the old files removed, none indexed again', async () => {
    const { studyUid, originals } = await sendStudy();
    await expect(migrateByAge(t.db, sandboxId, { archiveDir: harness.archiveDir, now: LATER(), simulateCrash: 'after-switch' })).rejects.toBeInstanceOf(SimulatedCrash);
    expect(await filesOf(studyUid)).toHaveLength(4);
    const { leftovers, reconciled } = await recover();
    expect(leftovers.removed).toHaveLength(2);
    expect(reconciled.indexed).toEqual([]);
    const rows = await expectReadable(studyUid, originals, '1.2.840.10008.1.2.4.80');
    expect(rows.every((r) => r.tier === 'long' && r.filePath.endsWith('.jpeg-ls.dcm'))).toBe(true);
  });

  it('restore, crash after the switch: back at {sop}.dcm in the received syntax, the long-term copies removed', async () => {
    const { studyUid, originals } = await sendStudy();
    await migrateByAge(t.db, sandboxId, { archiveDir: harness.archiveDir, now: LATER() });
    await expect(restoreStudy(t.db, sandboxId, studyUid, { archiveDir: harness.archiveDir, simulateCrash: 'after-switch' })).rejects.toBeInstanceOf(SimulatedCrash);
    const { leftovers, reconciled } = await recover();
    expect(leftovers.removed.every((p) => p.endsWith('.jpeg-ls.dcm'))).toBe(true);
    expect(leftovers.removed).toHaveLength(2);
    expect(reconciled.indexed).toEqual([]);
    const rows = await expectReadable(studyUid, originals, '1.2.840.10008.1.2.1');
    expect(rows.every((r) => r.tier === 'short')).toBe(true);
  });

  it('lossy, crash before and after the switch: never a second instance, the originals go only once the lossy copy is indexed', async () => {
    await setTierSettings(t.db, sandboxId, { longTermCodec: 'j2k-lossy', lossyPolicy: 'allowed' }, { actorId: null });
    const { studyUid, originals } = await sendStudy();
    await expect(migrateByAge(t.db, sandboxId, { archiveDir: harness.archiveDir, now: LATER(), simulateCrash: 'after-write' })).rejects.toBeInstanceOf(SimulatedCrash);
    let r = await recover();
    expect(r.leftovers.removed).toHaveLength(2);
    expect(r.reconciled.indexed).toEqual([]);
    let rows = await expectReadable(studyUid, originals, '1.2.840.10008.1.2.1');
    expect(rows.every((x) => !x.lossy && originals.has(x.sopInstanceUid))).toBe(true);

    await expect(migrateByAge(t.db, sandboxId, { archiveDir: harness.archiveDir, now: LATER(), simulateCrash: 'after-switch' })).rejects.toBeInstanceOf(SimulatedCrash);
    r = await recover();
    expect(r.leftovers.removed.map((p) => p.split('/').at(-1)).sort()).toEqual([...originals.keys()].map((u) => `${u}.dcm`).sort());
    expect(r.reconciled.indexed).toEqual([]);
    rows = await expectReadable(studyUid, originals, '1.2.840.10008.1.2.4.91', false);
    expect(rows.every((x) => x.lossy && originals.has(x.originalSopInstanceUid))).toBe(true);
  });
});
