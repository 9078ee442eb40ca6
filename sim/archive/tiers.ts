// Storage tiers (issue 10): a short-term tier (files as received: uncompressed or lossless) and a long-term tier
// (compressed with the site's long-term codec), with a migration job that moves studies by age, the storage each
// tier uses, and a restore. The site's policy decides when lossy compression may be applied: never before primary
// reading (the default), always, or never. It is a policy, not a law of DICOM: professional standards allow
// irreversible compression only where diagnostic quality is kept, and many sites forbid it before the study is read.
// The web console and the CLI run these as background jobs with progress (tierJobs.ts).
//
// Age: a study moves when it was *received* by this archive (Study.createdAt) at least shortTermDays ago. The
// receipt date, not the Study Date (0008,0020): a prior imported today with a Study Date of 2019 is needed on fast
// storage now, and the archive knows its own receipt date for every study (a Study Date may be empty or wrong).
// shortTermDays 0 means no short-term tier: every study migrates at the next run (what "compress on receipt" does).
//
// Identity (PS3.3 C.7.6.1.1.5): a lossless transcode keeps the SOP Instance UID (the same object); a lossy one gets
// a new SOP Instance UID, Lossy Image Compression "01", ratio and method (transcode.ts). The lossy copy *replaces*
// the original in the archive: its index row takes the new UID, and the original UID is kept in
// Instance.originalSopInstanceUid. So C-FIND, C-MOVE/C-GET and WADO then return the lossy object under its new UID
// (its Source Image Sequence names the original); a client asking for the original UID finds nothing. The original
// pixels are gone from the archive: only the modality (or another copy) can send them again. restoreStudy() says so.
//
// Safety, as corrections.ts: every transcoded file gets a NEW path, never the one it replaces: a tier copy is
// `{sop}.{codec}.dcm` beside the instance's `{sop}.dcm` (tierCopyPath; a lossy copy's {sop} is its new UID), and a
// restore writes back to `{sop}.dcm`. (1) Every new file is written durably (temp file, fdatasync, rename:
// ArchiveFiles) and, for a lossless codec, decoded and compared with the original sample by sample; (2) the index
// rows (path, transfer syntax, tier, size, UIDs) are switched in one transaction, made durable on SQLite before
// going on (a WAL checkpoint: the daemon runs synchronous=NORMAL); (3) only then are the old files removed. A
// failure in (1) removes what it wrote and leaves the study as it was. A crash at any point leaves either the old
// state with an unreferenced new file, or the new state with an unreferenced old file: never a missing file, never
// a row naming a file in another syntax. The start-up recovery (tierRecovery.ts, before reconcileArchive.ts)
// removes such unreferenced copies instead of indexing them as instances.
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { Db } from '../../prisma/db';
import { codecSpec, compareImages, transcode, TranscodeError, type CodecId } from '../compression/transcode';
import { ArchiveFiles, archiveDirFromEnv, INCOMING_DIR, instancePath, type InstancePathParts } from './archiveFiles';

export const LOSSY_POLICIES = ['never-before-read', 'allowed', 'never'] as const;
export type LossyPolicy = (typeof LOSSY_POLICIES)[number];
export const LOSSY_POLICY_LABELS: Record<LossyPolicy, string> = {
  'never-before-read': 'Only after primary reading',
  allowed: 'Allowed for any study',
  never: 'Never',
};

/** The long-term codecs a site may choose (transcode.ts ids): lossless ones, and JPEG 2000 lossy by policy. */
export const LONG_TERM_CODECS = ['jpeg-ls', 'j2k', 'jpeg-lossless', 'rle', 'j2k-lossy'] as const satisfies readonly CodecId[];
export type LongTermCodec = (typeof LONG_TERM_CODECS)[number];

export const SHORT_TERM_DAYS = { min: 0, max: 90, default: 60 } as const;
export const TIERS = ['short', 'long'] as const;
export type Tier = (typeof TIERS)[number];

export class TierError extends Error {
  constructor(
    readonly kind: 'invalid' | 'not-found' | 'conflict',
    message: string,
  ) {
    super(message);
    this.name = 'TierError';
  }
}

export const tierSettingsSchema = z.object({
  shortTermDays: z.coerce
    .number({ message: 'the short-term period is a number of days' })
    .int('the short-term period is a whole number of days')
    .min(SHORT_TERM_DAYS.min, `the short-term period is ${SHORT_TERM_DAYS.min} to ${SHORT_TERM_DAYS.max} days`)
    .max(SHORT_TERM_DAYS.max, `the short-term period is ${SHORT_TERM_DAYS.min} to ${SHORT_TERM_DAYS.max} days`),
  longTermCodec: z.enum(LONG_TERM_CODECS, { message: `the long-term codec is one of: ${LONG_TERM_CODECS.join(', ')}` }),
  longTermRatio: z.coerce.number().int('the lossy ratio is a whole number (10 for 10:1)').min(2, 'the lossy ratio is 2 to 50').max(50, 'the lossy ratio is 2 to 50').default(10),
  lossyPolicy: z.enum(LOSSY_POLICIES, { message: `the lossy-compression policy is one of: ${LOSSY_POLICIES.join(', ')}` }),
});
export type TierSettings = z.infer<typeof tierSettingsSchema>;

const policyOf = (v: string): LossyPolicy => ((LOSSY_POLICIES as readonly string[]).includes(v) ? (v as LossyPolicy) : 'never-before-read');
const codecOf = (v: string): LongTermCodec => ((LONG_TERM_CODECS as readonly string[]).includes(v) ? (v as LongTermCodec) : 'jpeg-ls');

export async function getTierSettings(db: Db, sandboxId: string): Promise<TierSettings> {
  const s = await db.sandbox.findUnique({ where: { id: sandboxId }, select: { shortTermDays: true, longTermCodec: true, longTermRatio: true, lossyPolicy: true } });
  if (!s) throw new TierError('not-found', `sandbox ${sandboxId} does not exist`);
  return { shortTermDays: s.shortTermDays, longTermCodec: codecOf(s.longTermCodec), longTermRatio: s.longTermRatio, lossyPolicy: policyOf(s.lossyPolicy) };
}

/** Saves the site's tier settings (PACS console → Storage), audited with the values before and after. */
export async function setTierSettings(db: Db, sandboxId: string, raw: unknown, actor: { actorId: string | null; reason?: string }): Promise<{ before: TierSettings; after: TierSettings }> {
  const before = await getTierSettings(db, sandboxId);
  const r = tierSettingsSchema.safeParse({ ...before, ...(raw as object) });
  if (!r.success) throw new TierError('invalid', r.error.issues.map((i) => i.message).join('; '));
  const after = r.data;
  if (JSON.stringify(before) !== JSON.stringify(after)) {
    await db.sandbox.update({ where: { id: sandboxId }, data: after });
    await db.auditEvent.create({ data: { actorId: actor.actorId, action: 'archive.tier-settings', target: `sandbox:${sandboxId}`, reason: actor.reason ?? '', detail: { before, after } } });
  }
  return { before, after };
}

/** Whether the site's policy lets lossy compression touch a study in this status; the reason when not. */
export function lossyAllowed(policy: LossyPolicy, studyStatus: string): { ok: true } | { ok: false; reason: string } {
  if (policy === 'allowed') return { ok: true };
  if (policy === 'never') return { ok: false, reason: 'the site\'s policy never allows lossy compression: choose a lossless long-term codec' };
  return studyStatus === 'read'
    ? { ok: true }
    : { ok: false, reason: `the study is ${studyStatus}, not read: the site's policy forbids lossy compression before primary reading` };
}

export interface TierOptions {
  /** ARCHIVE_DIR by default */
  archiveDir?: string;
  now?: Date;
  actorId?: string | null;
  /** migrate only these studies (by Study Instance UID), e.g. the study that just arrived */
  onlyStudyUids?: string[];
  /** called after each instance and each study (tierJobs.ts writes it to the job row, throttled) */
  onProgress?: (p: TierProgress) => void;
  /** tests only: stop as a crash would at that step of a study, leaving its files as they are (no clean-up) */
  simulateCrash?: 'after-write' | 'after-switch';
}

export interface TierProgress {
  studiesTotal: number;
  studiesDone: number;
  instancesTotal: number;
  instancesDone: number;
}

/** Thrown by TierOptions.simulateCrash: the process "died" there, so nothing is cleaned up. */
export class SimulatedCrash extends Error {
  constructor(readonly at: string) {
    super(`simulated crash ${at}`);
    this.name = 'SimulatedCrash';
  }
}

/** `{sandbox}/{study}/{series}/{sop}.{codec}.dcm`: a tier copy's own path, never the one of the file it replaces. */
export function tierCopyPath(p: InstancePathParts, codec: string): string {
  if (!/^[a-z][a-z0-9-]{0,31}$/.test(codec)) throw new Error(`invalid codec id for a path: ${JSON.stringify(codec)}`);
  return `${instancePath(p).slice(0, -'.dcm'.length)}.${codec}.dcm`;
}

/**
 * After the switch and before any old file is removed: the switch must survive a power loss. PostgreSQL commits
 * durably; the daemon's SQLite runs WAL with synchronous=NORMAL (startDicomServices.ts), where a commit reaches the
 * disk at the next checkpoint, so one is forced (the WAL is synced before a checkpoint, PS: sqlite.org/pragma.html
 * #pragma_synchronous). When the checkpoint cannot complete (busy), the old files are kept: unreferenced, removed
 * by the next start-up reconciliation.
 */
async function switchIsDurable(db: Db): Promise<boolean> {
  if ((db as unknown as { _activeProvider?: string })._activeProvider !== 'sqlite') return true;
  try {
    const rows = await db.$queryRawUnsafe<{ busy: number | bigint }[]>('PRAGMA wal_checkpoint(FULL)');
    return Number(rows[0]?.busy ?? 0) === 0;
  } catch (e) {
    console.error(`[tiers] WAL checkpoint failed, old files kept for the start-up reconciliation: ${(e as Error).message}`);
    return false;
  }
}

export interface MovedStudy {
  studyInstanceUid: string;
  accessionNumber: string;
  instances: number;
  bytesBefore: number;
  bytesAfter: number;
  lossy: boolean;
}
export interface SkippedStudy {
  studyInstanceUid: string;
  accessionNumber: string;
  reason: string;
}
export interface MigrationResult {
  codec: LongTermCodec;
  cutoff: Date;
  moved: MovedStudy[];
  skipped: SkippedStudy[];
}

async function openFiles(archiveDir: string | undefined): Promise<ArchiveFiles> {
  const root = resolve(archiveDir ?? archiveDirFromEnv());
  // never init(): that sweeps .incoming, which the DICOM listener may be writing into
  await mkdir(join(root, INCOMING_DIR), { recursive: true });
  return new ArchiveFiles(root);
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Moves every study received at least shortTermDays ago (and not on the long-term tier yet) to the long-term tier,
 * transcoding each instance with the long-term codec. A study the policy keeps from lossy compression, or one an
 * instance of which cannot be transcoded, is skipped whole, with the reason.
 */
export async function migrateByAge(db: Db, sandboxId: string, opts: TierOptions = {}): Promise<MigrationResult> {
  const settings = await getTierSettings(db, sandboxId);
  const now = opts.now ?? new Date();
  const cutoff = new Date(now.getTime() - settings.shortTermDays * DAY_MS);
  const spec = codecSpec(settings.longTermCodec)!;
  const studies = await db.study.findMany({
    where: { sandboxId, createdAt: { lte: cutoff }, ...(opts.onlyStudyUids ? { studyInstanceUid: { in: opts.onlyStudyUids } } : {}), series: { some: { instances: { some: { tier: 'short' } } } } },
    select: { id: true, studyInstanceUid: true, accessionNumber: true, status: true },
    orderBy: { createdAt: 'asc' },
  });
  const result: MigrationResult = { codec: settings.longTermCodec, cutoff, moved: [], skipped: [] };
  const counts: number[] = [];
  for (const st of studies) counts.push(await db.instance.count({ where: { tier: 'short', series: { studyRefId: st.id } } }));
  const progress: TierProgress = { studiesTotal: studies.length, studiesDone: 0, instancesTotal: counts.reduce((a, b) => a + b, 0), instancesDone: 0 };
  opts.onProgress?.({ ...progress });
  if (!studies.length) return result;
  const files = await openFiles(opts.archiveDir);
  try {
    for (const [n, st] of studies.entries()) {
      const ref = { studyInstanceUid: st.studyInstanceUid, accessionNumber: st.accessionNumber };
      const doneBefore = progress.instancesDone;
      const studyDone = () => {
        progress.studiesDone++;
        // a skipped study (or one whose instances changed meanwhile) counts its instances as done: the bar ends full
        progress.instancesDone = doneBefore + counts[n];
        opts.onProgress?.({ ...progress });
      };
      if (spec.lossy) {
        const allowed = lossyAllowed(settings.lossyPolicy, st.status);
        if (!allowed.ok) {
          result.skipped.push({ ...ref, reason: allowed.reason });
          studyDone();
          continue;
        }
      }
      const onInstance = () => {
        progress.instancesDone = Math.min(progress.instancesDone + 1, doneBefore + counts[n]);
        opts.onProgress?.({ ...progress });
      };
      try {
        result.moved.push({ ...ref, ...(await migrateStudy(db, files, sandboxId, st.id, settings, onInstance, opts.simulateCrash)) });
      } catch (e) {
        if (e instanceof TierError || e instanceof TranscodeError) result.skipped.push({ ...ref, reason: e.message });
        else throw e;
      }
      studyDone();
    }
  } finally {
    await files.close();
  }
  await db.auditEvent.create({
    data: {
      actorId: opts.actorId ?? null, action: 'archive.migrate', target: `sandbox:${sandboxId}`, reason: '',
      detail: { codec: settings.longTermCodec, lossyPolicy: settings.lossyPolicy, shortTermDays: settings.shortTermDays, moved: result.moved.map((m) => m.studyInstanceUid), skipped: result.skipped.map((s) => ({ ...s })) },
    },
  });
  return result;
}

interface Written {
  id: string;
  oldPath: string;
  newPath: string;
  data: {
    sopInstanceUid: string;
    transferSyntaxUid: string;
    filePath: string;
    fileSize: bigint;
    tier: Tier;
    originalFileSize: bigint | null;
    originalTransferSyntaxUid: string;
    originalSopInstanceUid: string;
    lossy: boolean;
  };
}

async function readStored(files: ArchiveFiles, i: { sopInstanceUid: string; filePath: string }): Promise<Buffer> {
  try {
    return await readFile(files.absolute(i.filePath));
  } catch (e) {
    throw new TierError('conflict', `the file of instance ${i.sopInstanceUid} is missing from the archive (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): nothing was changed`);
  }
}

/** Removes the new files of a batch that was not switched (a failure before the switch). */
async function takeBack(files: ArchiveFiles, written: Written[]) {
  for (const w of written) if (w.newPath !== w.oldPath) await files.remove(w.newPath).catch(() => undefined);
}

/** Removes files no row names any more, once the switch is durable (else they stay for the start-up reconciliation). */
async function removeOld(db: Db, files: ArchiveFiles, paths: string[]) {
  if (!paths.length) return;
  if (!(await switchIsDurable(db))) {
    console.error(`[tiers] the index switch could not be made durable now: ${paths.length} old file(s) kept, the next start-up reconciliation removes them`);
    return;
  }
  for (const p of paths) await files.remove(p).catch((err) => console.error(`[tiers] could not remove ${p}: ${(err as Error).message}`));
}

/** (2) switches the rows in one transaction, (3) then removes the files they no longer name. */
async function commit(db: Db, files: ArchiveFiles, written: Written[], crash?: TierOptions['simulateCrash'], discard: { id: string; filePath: string }[] = []) {
  if (crash === 'after-write') throw new SimulatedCrash(crash);
  try {
    await db.$transaction(async (tx) => {
      for (const w of written) await tx.instance.update({ where: { id: w.id }, data: w.data });
      if (discard.length) await tx.instance.deleteMany({ where: { id: { in: discard.map((d) => d.id) } } });
    });
  } catch (e) {
    await takeBack(files, written);
    throw e;
  }
  if (crash === 'after-switch') throw new SimulatedCrash(crash);
  await removeOld(db, files, [...written.filter((w) => w.newPath !== w.oldPath).map((w) => w.oldPath), ...discard.map((d) => d.filePath)]);
}

async function migrateStudy(db: Db, files: ArchiveFiles, sandboxId: string, studyRefId: string, settings: TierSettings, onInstance: () => void, crash?: TierOptions['simulateCrash']) {
  const spec = codecSpec(settings.longTermCodec)!;
  const instances = await db.instance.findMany({
    where: { tier: 'short', series: { studyRefId } },
    include: { series: { select: { seriesInstanceUid: true, study: { select: { studyInstanceUid: true } } } } },
  });
  const written: Written[] = [];
  let bytesBefore = 0;
  let bytesAfter = 0;
  try {
    for (const i of instances) {
      const original = {
        originalFileSize: i.originalFileSize ?? i.fileSize,
        originalTransferSyntaxUid: i.originalTransferSyntaxUid || i.transferSyntaxUid,
        originalSopInstanceUid: i.originalSopInstanceUid,
      };
      bytesBefore += Number(i.fileSize);
      // already in the codec's syntax, or already lossy and the codec is lossy (no second lossy step): tier only
      if (i.transferSyntaxUid === spec.transferSyntaxUid || (i.lossy && spec.lossy)) {
        written.push({ id: i.id, oldPath: i.filePath, newPath: i.filePath, data: { sopInstanceUid: i.sopInstanceUid, transferSyntaxUid: i.transferSyntaxUid, filePath: i.filePath, fileSize: i.fileSize, tier: 'long', ...original, lossy: i.lossy } });
        bytesAfter += Number(i.fileSize);
        onInstance();
        continue;
      }
      const bytes = await readStored(files, i);
      const out = await transcode(bytes, spec.id, spec.lossy ? { ratio: settings.longTermRatio } : {});
      if (!spec.lossy) {
        // verified before the original is replaced: a lossless codec must give back every sample exactly
        const cmp = await compareImages(bytes, out.bytes);
        if (cmp.maxAbsError !== 0) throw new TierError('conflict', `${spec.label} did not give back instance ${i.sopInstanceUid} exactly (max error ${cmp.maxAbsError}): nothing was changed`);
      }
      // a path of its own (a lossy copy's also carries its new UID): the file it replaces stays until the switch
      const newPath = tierCopyPath({ sandboxId, studyInstanceUid: i.series.study.studyInstanceUid, seriesInstanceUid: i.series.seriesInstanceUid, sopInstanceUid: out.sopInstanceUid }, spec.id);
      if (newPath === i.filePath) throw new TierError('conflict', `instance ${i.sopInstanceUid} is already stored at ${newPath} in another syntax: nothing was changed`);
      // replaces only an unreferenced copy an interrupted run left there
      const w = await files.write(newPath, [out.bytes], true);
      written.push({
        id: i.id, oldPath: i.filePath, newPath,
        data: {
          sopInstanceUid: out.sopInstanceUid, transferSyntaxUid: out.transferSyntaxUid, filePath: newPath, fileSize: BigInt(w.size), tier: 'long',
          ...original,
          originalSopInstanceUid: out.lossy ? original.originalSopInstanceUid || i.sopInstanceUid : original.originalSopInstanceUid,
          lossy: i.lossy || out.lossy || out.previouslyLossy,
        },
      });
      bytesAfter += w.size;
      onInstance();
    }
  } catch (e) {
    // nothing was switched: the new files are taken back, the originals were never touched
    await takeBack(files, written);
    throw e;
  }
  await commit(db, files, written, crash);
  return { instances: written.length, bytesBefore, bytesAfter, lossy: written.some((w) => w.data.lossy) };
}

export interface RestoreResult {
  studyInstanceUid: string;
  /** instances back on the short-term tier in their original (or a lossless) syntax */
  restored: number;
  /** lossy copies removed because their original is in the archive again (re-sent from the modality) */
  lossyCopiesRemoved: number;
  /** lossy copies whose original is not in the archive: they stay (the original pixels cannot be recovered) */
  lossyKept: number;
  message: string;
}

/**
 * Brings a study back to the short-term tier. A lossless long-term copy is decoded back to the syntax it was
 * received in (same SOP Instance UID). A lossy copy cannot give its original back: if the original was sent again
 * (same SOP Instance UID as received), the lossy copy is removed; otherwise it stays, and the result says so.
 */
export async function restoreStudy(db: Db, sandboxId: string, studyUid: string, opts: TierOptions = {}): Promise<RestoreResult> {
  const study = await db.study.findUnique({ where: { sandboxId_studyInstanceUid: { sandboxId, studyInstanceUid: studyUid } }, select: { id: true, studyInstanceUid: true, accessionNumber: true } });
  if (!study) throw new TierError('not-found', `there is no study ${studyUid} in this archive`);
  const instances = await db.instance.findMany({
    where: { series: { studyRefId: study.id }, OR: [{ tier: 'long' }, { lossy: true, originalSopInstanceUid: { not: '' } }] },
    include: { series: { select: { seriesInstanceUid: true } } },
  });
  const progress: TierProgress = { studiesTotal: 1, studiesDone: 0, instancesTotal: instances.length, instancesDone: 0 };
  const step = () => {
    progress.instancesDone++;
    opts.onProgress?.({ ...progress });
  };
  opts.onProgress?.({ ...progress });
  const files = await openFiles(opts.archiveDir);
  const written: Written[] = [];
  const discard: { id: string; filePath: string; sopInstanceUid: string }[] = [];
  let lossyKept = 0;
  try {
    const originals = new Set(
      (await db.instance.findMany({ where: { sandboxId, lossy: false, sopInstanceUid: { in: instances.map((i) => i.originalSopInstanceUid).filter(Boolean) } }, select: { sopInstanceUid: true } })).map((r) => r.sopInstanceUid),
    );
    try {
      for (const i of instances) {
        if (i.originalSopInstanceUid) {
          if (originals.has(i.originalSopInstanceUid)) discard.push(i);
          else {
            lossyKept++;
            if (i.tier === 'long') written.push({ id: i.id, oldPath: i.filePath, newPath: i.filePath, data: { sopInstanceUid: i.sopInstanceUid, transferSyntaxUid: i.transferSyntaxUid, filePath: i.filePath, fileSize: i.fileSize, tier: 'short', originalFileSize: i.originalFileSize ?? i.fileSize, originalTransferSyntaxUid: i.originalTransferSyntaxUid, originalSopInstanceUid: i.originalSopInstanceUid, lossy: true } });
          }
          step();
          continue;
        }
        const back = codecSpec(i.originalTransferSyntaxUid);
        const keep = { id: i.id, oldPath: i.filePath, newPath: i.filePath, data: { sopInstanceUid: i.sopInstanceUid, transferSyntaxUid: i.transferSyntaxUid, filePath: i.filePath, fileSize: i.fileSize, tier: 'short' as Tier, originalFileSize: i.originalFileSize ?? i.fileSize, originalTransferSyntaxUid: i.originalTransferSyntaxUid, originalSopInstanceUid: '', lossy: i.lossy } };
        // a syntax we cannot write (e.g. big endian): stays in its lossless long-term syntax, on the short-term tier
        if (!back || back.lossy || back.transferSyntaxUid === i.transferSyntaxUid) {
          written.push(keep);
          step();
          continue;
        }
        const bytes = await readStored(files, i);
        const out = await transcode(bytes, back.id);
        // back to the instance's own path `{sop}.dcm`; the long-term copy it replaces goes after the switch (a copy
        // migrated in place by an older version already sits there: then a tier path of the restored syntax)
        const parts = { sandboxId, studyInstanceUid: study.studyInstanceUid, seriesInstanceUid: i.series.seriesInstanceUid, sopInstanceUid: i.sopInstanceUid };
        const plain = instancePath(parts);
        const newPath = plain !== i.filePath ? plain : tierCopyPath(parts, back.id);
        const w = await files.write(newPath, [out.bytes], true);
        written.push({ ...keep, newPath, data: { ...keep.data, filePath: newPath, transferSyntaxUid: out.transferSyntaxUid, fileSize: BigInt(w.size), originalFileSize: null, originalTransferSyntaxUid: '' } });
        step();
      }
    } catch (e) {
      await takeBack(files, written);
      if (e instanceof TranscodeError) throw new TierError('conflict', `instance could not be decoded back: ${e.message}`);
      throw e;
    }
    await commit(db, files, written, opts.simulateCrash, discard);
  } finally {
    await files.close();
  }
  progress.studiesDone = 1;
  opts.onProgress?.({ ...progress });
  const restored = written.length - lossyKept;
  if (!instances.length) return { studyInstanceUid: study.studyInstanceUid, restored: 0, lossyCopiesRemoved: 0, lossyKept: 0, message: 'Nothing to restore: every image of the study is on the short-term tier, as received.' };
  const parts = [`${restored} image(s) back on the short-term tier`];
  if (discard.length) parts.push(`${discard.length} lossy cop${discard.length === 1 ? 'y' : 'ies'} removed: the originals were sent again and are in the archive`);
  if (lossyKept) parts.push(`${lossyKept} image(s) stay lossy: the archive replaced their originals with lossy copies (new SOP Instance UIDs, Lossy Image Compression 01) and cannot get the original pixels back — re-send the originals from the modality, then restore again to remove the lossy copies`);
  await db.auditEvent.create({
    data: { actorId: opts.actorId ?? null, action: 'archive.restore', target: `study:${study.studyInstanceUid}`, reason: '', detail: { sandboxId, restored, lossyCopiesRemoved: discard.length, removed: discard.map((d) => d.sopInstanceUid), lossyKept } },
  });
  return { studyInstanceUid: study.studyInstanceUid, restored, lossyCopiesRemoved: discard.length, lossyKept, message: `${parts.join('; ')}.` };
}

export interface TierFigures {
  instances: number;
  /** bytes stored on this tier now */
  bytes: number;
  /** what the same instances took as received */
  originalBytes: number;
}
export interface StorageByTier {
  short: TierFigures;
  long: TierFigures;
  /** bytes saved by the long-term tier's compression (original − stored) */
  saving: number;
  /** saving as a share of the long-term tier's original bytes, 0–1 */
  savingRatio: number;
  total: number;
}

/** Bytes per tier and the saving (original bytes vs stored). */
export async function storageByTier(db: Db, sandboxId: string): Promise<StorageByTier> {
  const rows = await db.instance.groupBy({ by: ['tier'], where: { sandboxId }, _sum: { fileSize: true, originalFileSize: true }, _count: { _all: true } });
  const withOriginal = await db.instance.groupBy({ by: ['tier'], where: { sandboxId, originalFileSize: null }, _sum: { fileSize: true } });
  const fig = (tier: Tier): TierFigures => {
    const r = rows.find((x) => x.tier === tier);
    const unchanged = withOriginal.find((x) => x.tier === tier)?._sum.fileSize ?? 0n;
    const bytes = Number(r?._sum.fileSize ?? 0n);
    return { instances: r?._count._all ?? 0, bytes, originalBytes: Number((r?._sum.originalFileSize ?? 0n) + unchanged) };
  };
  const short = fig('short');
  const long = fig('long');
  const saving = long.originalBytes - long.bytes;
  return { short, long, saving, savingRatio: long.originalBytes ? saving / long.originalBytes : 0, total: short.bytes + long.bytes };
}
