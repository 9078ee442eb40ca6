// The PACS administrator's study corrections (issue 8, "The correction tools"): merge two studies, move a series to
// another study, split series out to the study of their own order. Each one keeps the stored files consistent with
// the index — every moved instance's file is rewritten (rewriteHeader.ts: only the corrected attributes change,
// the old values go to the Original Attributes Sequence, PS3.3 C.12.1.1.9) and renamed under its new study folder —
// and each is audited with who, why and what changed (DESIGN.md invariants).
//
// Order of work, so that nothing is ever lost: (1) write every rewritten file under its new path (temp file,
// fdatasync, rename: ArchiveFiles.write), (2) switch the index rows over in one transaction, (3) remove the old
// files. A failure in (1) removes what it wrote and changes nothing; a crash between (2) and (3) leaves old copies
// that no row points to (nothing is lost, the index and the files it names agree).
import { mkdir, readFile, rmdir } from 'node:fs/promises';
import { join, posix, resolve } from 'node:path';
import { z } from 'zod';
import type { Db } from '../../prisma/db';
import { isValidUid } from '../dicom/uid';
import { ArchiveFiles, archiveDirFromEnv, INCOMING_DIR, instancePath } from './archiveFiles';
import { RewriteError, rewriteHeader, type AttributeChanges } from './rewriteHeader';
import { nextStudyStatus } from './studyStatus';

/** archive paths are always '/'-separated (archiveFiles.ts instancePath) */
const { dirname } = posix;

export class CorrectionError extends Error {
  constructor(
    readonly kind: 'invalid' | 'not-found' | 'conflict',
    message: string,
  ) {
    super(message);
    this.name = 'CorrectionError';
  }
}

/** Where the archive's files are (default ARCHIVE_DIR) and the clock (tests). */
export interface CorrectionOptions {
  archiveDir?: string;
  now?: Date;
}

/** (0400,0563) Modifying System */
export const MODIFYING_SYSTEM = 'PACS Lab archive correction';

const uid = (what: string) => z.string({ message: `${what} is required` }).trim().refine(isValidUid, `${what} is not a valid UID (digits and dots, PS3.5 9.1)`);
const reason = z.string({ message: 'a reason is required' }).trim().min(3, 'say why (at least 3 characters): the reason is kept in the audit trail').max(500, 'the reason is at most 500 characters');
const actorId = z.string().min(1).nullable();

export const mergeInput = z.object({ sourceStudyUid: uid('the study to merge'), targetStudyUid: uid('the study to merge into'), reason, actorId });
export const moveSeriesInput = z.object({ seriesUid: uid('the series'), targetStudyUid: uid('the target study'), reason, actorId });
export const splitInput = z
  .object({
    seriesUids: z.array(uid('a series')).min(1, 'choose at least one series to split out').max(200),
    orderId: z.string().trim().min(1).optional(),
    accessionNumber: z.string().trim().min(1).max(16).optional(),
    reason,
    actorId,
  })
  .refine((v) => v.orderId || v.accessionNumber, { message: 'choose the order the series belong to', path: ['orderId'] });

function parse<T>(schema: z.ZodType<T, unknown>, input: unknown): T {
  const r = schema.safeParse(input);
  if (!r.success) throw new CorrectionError('invalid', r.error.issues.map((i) => i.message).join('; '));
  return r.data;
}

export interface CorrectionResult {
  /** the study the series are in now */
  studyInstanceUid: string;
  series: number;
  instances: number;
  /** a study left empty by the correction and removed */
  removedStudyUid: string | null;
}

type StudyWithPatient = NonNullable<Awaited<ReturnType<typeof loadStudy>>>;

async function loadStudy(db: Db, sandboxId: string, studyInstanceUid: string) {
  return db.study.findUnique({ where: { sandboxId_studyInstanceUid: { sandboxId, studyInstanceUid } }, include: { patient: true } });
}

async function requireStudy(db: Db, sandboxId: string, studyInstanceUid: string): Promise<StudyWithPatient> {
  const s = await loadStudy(db, sandboxId, studyInstanceUid);
  if (!s) throw new CorrectionError('not-found', `there is no study ${studyInstanceUid} in this archive`);
  return s;
}

/** What a target study's files carry: the study's identity and the patient's demographics. */
interface Target {
  studyInstanceUid: string;
  accessionNumber: string;
  studyDate: string;
  studyTime: string;
  studyId: string;
  studyDescription: string;
  referringPhysicianName: string;
  patient: { patientId: string; issuer: string; patientName: string; birthDate: string; sex: string };
}

function changesFor(t: Target): AttributeChanges {
  return {
    StudyInstanceUID: t.studyInstanceUid,
    AccessionNumber: t.accessionNumber,
    StudyDate: t.studyDate,
    StudyTime: t.studyTime,
    StudyID: t.studyId,
    StudyDescription: t.studyDescription,
    ReferringPhysicianName: t.referringPhysicianName,
    PatientName: t.patient.patientName,
    PatientID: t.patient.patientId,
    IssuerOfPatientID: t.patient.issuer,
    PatientBirthDate: t.patient.birthDate,
    PatientSex: t.patient.sex,
  };
}

async function openFiles(archiveDir: string | undefined): Promise<ArchiveFiles> {
  const root = resolve(archiveDir ?? archiveDirFromEnv());
  // never init(): that sweeps .incoming, which the DICOM listener may be writing into
  await mkdir(join(root, INCOMING_DIR), { recursive: true });
  return new ArchiveFiles(root);
}

interface Moved {
  id: string;
  seriesRefId: string;
  oldPath: string;
  newPath: string;
  fileSize: bigint;
}

/**
 * Rewrites and re-files every instance of the series for the target study (step 1 of the header comment). On any
 * failure the files already written are removed again and the error says which instance failed.
 */
async function rewriteSeriesFiles(db: Db, files: ArchiveFiles, sandboxId: string, seriesRows: { id: string; seriesInstanceUid: string }[], target: Target, why: string, now: Date) {
  const moved: Moved[] = [];
  const changed = new Map<string, string>();
  try {
    for (const s of seriesRows) {
      const instances = await db.instance.findMany({ where: { seriesRefId: s.id }, select: { id: true, sopInstanceUid: true, filePath: true } });
      for (const i of instances) {
        let bytes: Buffer;
        try {
          bytes = await readFile(files.absolute(i.filePath));
        } catch (e) {
          throw new CorrectionError('conflict', `the file of instance ${i.sopInstanceUid} is missing from the archive (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): nothing was changed; restore the file or delete the instance first`);
        }
        let r;
        try {
          r = rewriteHeader(bytes, { changes: changesFor(target), modification: { modifyingSystem: MODIFYING_SYSTEM, reason: 'CORRECT', sourceOfPreviousValues: why.slice(0, 64), at: now } });
        } catch (e) {
          if (e instanceof RewriteError) throw new CorrectionError('conflict', `the stored file of instance ${i.sopInstanceUid} cannot be read as DICOM (${e.message}): nothing was changed`);
          throw e;
        }
        for (const [k, v] of Object.entries(r.previous)) if (!changed.has(k)) changed.set(k, v ?? '');
        const newPath = instancePath({ sandboxId, studyInstanceUid: target.studyInstanceUid, seriesInstanceUid: s.seriesInstanceUid, sopInstanceUid: i.sopInstanceUid });
        const w = await files.write(newPath, [r.bytes], true);
        moved.push({ id: i.id, seriesRefId: s.id, oldPath: i.filePath, newPath, fileSize: BigInt(w.size) });
      }
    }
  } catch (e) {
    for (const m of moved) if (m.newPath !== m.oldPath) await files.remove(m.newPath).catch(() => undefined);
    throw e;
  }
  return { moved, changed: Object.fromEntries(changed) };
}

/**
 * Moves the series into the target study: files first, then the index in one transaction (creating the target
 * study row when `create` is given), then the old files. Removes the source study if it is left empty.
 */
async function relocate(
  db: Db,
  sandboxId: string,
  p: {
    seriesRows: { id: string; seriesInstanceUid: string }[];
    source: StudyWithPatient;
    target: Target;
    targetStudyRefId: string | null;
    create?: { patientRefId: string | null; patient: Target['patient'] };
    reason: string;
    opts: CorrectionOptions;
  },
) {
  const now = p.opts.now ?? new Date();
  const files = await openFiles(p.opts.archiveDir);
  try {
    const { moved, changed } = await rewriteSeriesFiles(db, files, sandboxId, p.seriesRows, p.target, p.reason, now);
    let targetId = p.targetStudyRefId;
    let removed = false;
    try {
      await db.$transaction(async (tx) => {
        if (!targetId) {
          const t = p.target;
          let patientRefId = p.create?.patientRefId ?? null;
          if (!patientRefId) {
            const pt = t.patient;
            const row = await tx.patient.upsert({
              where: { sandboxId_patientId_issuer: { sandboxId, patientId: pt.patientId, issuer: pt.issuer } },
              update: {},
              create: { sandboxId, patientId: pt.patientId, issuer: pt.issuer, patientName: pt.patientName, patientNameKey: pt.patientName.toUpperCase(), birthDate: pt.birthDate, sex: pt.sex },
              select: { id: true },
            });
            patientRefId = row.id;
          }
          const created = await tx.study.create({
            data: {
              sandboxId, patientRefId, studyInstanceUid: t.studyInstanceUid, accessionNumber: t.accessionNumber, studyDate: t.studyDate, studyTime: t.studyTime,
              studyId: t.studyId, studyDescription: t.studyDescription, referringPhysicianName: t.referringPhysicianName,
            },
            select: { id: true },
          });
          targetId = created.id;
        }
        for (const s of p.seriesRows) await tx.series.update({ where: { id: s.id }, data: { studyRefId: targetId! } });
        for (const m of moved) await tx.instance.update({ where: { id: m.id }, data: { filePath: m.newPath, fileSize: m.fileSize } });
        const left = await tx.series.count({ where: { studyRefId: p.source.id } });
        if (left === 0) {
          await tx.study.delete({ where: { id: p.source.id } });
          removed = true;
        }
      });
    } catch (e) {
      for (const m of moved) if (m.newPath !== m.oldPath) await files.remove(m.newPath).catch(() => undefined);
      if ((e as { code?: string }).code === 'P2002') throw new CorrectionError('conflict', `a study ${p.target.studyInstanceUid} appeared meanwhile: reload and try again`);
      throw e;
    }
    // step 3: the old copies; a failure here leaves an unreferenced file, never a missing one
    for (const m of moved) if (m.newPath !== m.oldPath) await files.remove(m.oldPath).catch((e) => console.error(`[corrections] could not remove ${m.oldPath}: ${(e as Error).message}`));
    // and the folders they leave empty (series, then study); a folder still in use is left alone
    const folders = [...new Set(moved.map((m) => dirname(m.oldPath)))];
    for (const d of [...folders, ...new Set(folders.map((f) => dirname(f)))]) await rmdir(files.absolute(d)).catch(() => undefined);
    return { moved, changed, removed, targetId: targetId! };
  } finally {
    await files.close();
  }
}

/** A read study that receives more images goes back to the radiologist (studyStatus.ts "reopen"). */
async function reopenIfRead(db: Db, studyRefId: string): Promise<string | null> {
  const s = await db.study.findUnique({ where: { id: studyRefId }, select: { status: true } });
  if (!s || s.status !== 'read') return null;
  const t = nextStudyStatus(s.status, 'reopen');
  if (!t.ok) return null;
  await db.study.updateMany({ where: { id: studyRefId, status: s.status }, data: { status: t.status } });
  return t.status;
}

async function refuseIfReported(db: Db, study: StudyWithPatient, what: string) {
  const reports = await db.report.count({ where: { studyRefId: study.id } });
  if (reports) {
    throw new CorrectionError('conflict', `study ${study.studyInstanceUid} (${study.accessionNumber || 'no accession'}) already has a report: ${what} would remove it with its report. Ask the radiologist first; move its series one by one instead`);
  }
}

function refuseOtherPatient(a: StudyWithPatient, b: { patientRefId: string; patient: { patientId: string; patientName: string } }) {
  if (a.patientRefId !== b.patientRefId) {
    throw new CorrectionError(
      'conflict',
      `the two studies belong to different patients (${a.patient.patientName} ${a.patient.patientId}; ${b.patient.patientName} ${b.patient.patientId}): this would put one patient's images in another's record. That is a wrong-patient correction, not a merge`,
    );
  }
}

const targetOf = (s: StudyWithPatient): Target => ({
  studyInstanceUid: s.studyInstanceUid, accessionNumber: s.accessionNumber, studyDate: s.studyDate, studyTime: s.studyTime, studyId: s.studyId,
  studyDescription: s.studyDescription, referringPhysicianName: s.referringPhysicianName,
  patient: { patientId: s.patient.patientId, issuer: s.patient.issuer, patientName: s.patient.patientName, birthDate: s.patient.birthDate, sex: s.patient.sex },
});

/** Merges a split study: every series of the source moves into the target study; the source study goes away. */
export async function mergeStudies(db: Db, sandboxId: string, input: z.input<typeof mergeInput>, opts: CorrectionOptions = {}): Promise<CorrectionResult> {
  const p = parse(mergeInput, input);
  if (p.sourceStudyUid === p.targetStudyUid) throw new CorrectionError('invalid', 'a study cannot be merged into itself: choose the other study');
  const [source, target] = [await requireStudy(db, sandboxId, p.sourceStudyUid), await requireStudy(db, sandboxId, p.targetStudyUid)];
  refuseOtherPatient(source, target);
  await refuseIfReported(db, source, 'merging it');
  const seriesRows = await db.series.findMany({ where: { studyRefId: source.id }, select: { id: true, seriesInstanceUid: true } });
  const r = await relocate(db, sandboxId, { seriesRows, source, target: targetOf(target), targetStudyRefId: target.id, reason: p.reason, opts });
  const reopened = await reopenIfRead(db, target.id);
  await db.auditEvent.create({
    data: {
      actorId: p.actorId, action: 'study.merge', target: `study:${target.studyInstanceUid}`, reason: p.reason,
      detail: {
        sandboxId, from: source.studyInstanceUid, to: target.studyInstanceUid, fromAccession: source.accessionNumber, toAccession: target.accessionNumber,
        series: seriesRows.map((s) => s.seriesInstanceUid), instances: r.moved.length, previous: r.changed, ...(reopened ? { status: reopened } : {}),
      },
    },
  });
  return { studyInstanceUid: target.studyInstanceUid, series: seriesRows.length, instances: r.moved.length, removedStudyUid: r.removed ? source.studyInstanceUid : null };
}

/** Moves one series to another study of the same patient; a study left empty is removed. */
export async function moveSeries(db: Db, sandboxId: string, input: z.input<typeof moveSeriesInput>, opts: CorrectionOptions = {}): Promise<CorrectionResult> {
  const p = parse(moveSeriesInput, input);
  const series = await db.series.findUnique({ where: { sandboxId_seriesInstanceUid: { sandboxId, seriesInstanceUid: p.seriesUid } }, select: { id: true, seriesInstanceUid: true, studyRefId: true } });
  if (!series) throw new CorrectionError('not-found', `there is no series ${p.seriesUid} in this archive`);
  const source = await db.study.findUniqueOrThrow({ where: { id: series.studyRefId }, include: { patient: true } });
  const target = await requireStudy(db, sandboxId, p.targetStudyUid);
  if (target.id === source.id) throw new CorrectionError('invalid', `series ${p.seriesUid} is already in study ${p.targetStudyUid}`);
  refuseOtherPatient(source, target);
  if ((await db.series.count({ where: { studyRefId: source.id } })) === 1) await refuseIfReported(db, source, 'moving its last series');
  const r = await relocate(db, sandboxId, { seriesRows: [series], source, target: targetOf(target), targetStudyRefId: target.id, reason: p.reason, opts });
  const reopened = await reopenIfRead(db, target.id);
  const detail = { sandboxId, from: source.studyInstanceUid, to: target.studyInstanceUid, series: [series.seriesInstanceUid], instances: r.moved.length, previous: r.changed, ...(reopened ? { status: reopened } : {}) };
  await db.auditEvent.createMany({
    data: [target.studyInstanceUid, ...(r.removed ? [] : [source.studyInstanceUid])].map((u) => ({ actorId: p.actorId, action: 'study.move-series', target: `study:${u}`, reason: p.reason, detail })),
  });
  return { studyInstanceUid: target.studyInstanceUid, series: 1, instances: r.moved.length, removedStudyUid: r.removed ? source.studyInstanceUid : null };
}

/**
 * Splits series out of a merged study to the study of their own order: they take the order's Study Instance UID,
 * Accession Number, procedure description and patient (the study is created when the archive has none yet).
 */
export async function splitSeriesToOrder(db: Db, sandboxId: string, input: z.input<typeof splitInput>, opts: CorrectionOptions = {}): Promise<CorrectionResult> {
  const p = parse(splitInput, input);
  const order = p.orderId
    ? await db.order.findFirst({ where: { id: p.orderId, sandboxId } })
    : await db.order.findUnique({ where: { sandboxId_accessionNumber: { sandboxId, accessionNumber: p.accessionNumber! } } });
  if (!order) throw new CorrectionError('not-found', `there is no order ${p.accessionNumber ?? p.orderId} in this RIS`);
  if (order.status === 'cancelled') throw new CorrectionError('conflict', `order ${order.accessionNumber} is cancelled: put it back on the worklist in the RIS first, or choose another order`);
  const uids = [...new Set(p.seriesUids)];
  const seriesRows = await db.series.findMany({ where: { sandboxId, seriesInstanceUid: { in: uids } }, select: { id: true, seriesInstanceUid: true, studyRefId: true } });
  const missing = uids.filter((u) => !seriesRows.some((s) => s.seriesInstanceUid === u));
  if (missing.length) throw new CorrectionError('not-found', `there is no series ${missing.join(', ')} in this archive`);
  const studies = new Set(seriesRows.map((s) => s.studyRefId));
  if (studies.size > 1) throw new CorrectionError('invalid', 'the series to split out must all come from one study');
  const source = await db.study.findUniqueOrThrow({ where: { id: seriesRows[0].studyRefId }, include: { patient: true } });
  if (source.studyInstanceUid === order.studyInstanceUid) throw new CorrectionError('invalid', `these series are already in the study of order ${order.accessionNumber}`);
  if ((await db.series.count({ where: { studyRefId: source.id } })) === seriesRows.length) await refuseIfReported(db, source, 'moving all its series');

  const existing = await loadStudy(db, sandboxId, order.studyInstanceUid);
  if (existing && existing.patient.patientId !== order.patientId) {
    throw new CorrectionError('conflict', `the archive's study ${order.studyInstanceUid} for order ${order.accessionNumber} belongs to patient ${existing.patient.patientId}, the order to ${order.patientId}: correct that study first`);
  }
  // the order is the authority for the new study: its UID, accession, procedure and patient (IHE SWF)
  const target: Target = existing
    ? targetOf(existing)
    : {
        studyInstanceUid: order.studyInstanceUid, accessionNumber: order.accessionNumber, studyDate: source.studyDate, studyTime: source.studyTime,
        studyId: order.requestedProcedureId.slice(0, 16), studyDescription: order.requestedProcedureDescription, referringPhysicianName: order.referringPhysicianName,
        patient: { patientId: order.patientId, issuer: '', patientName: order.patientName, birthDate: order.patientBirthDate, sex: order.patientSex },
      };
  const samePatient = source.patient.patientId === order.patientId && source.patient.issuer === '';
  const r = await relocate(db, sandboxId, {
    seriesRows, source, target, targetStudyRefId: existing?.id ?? null,
    create: existing ? undefined : { patientRefId: samePatient ? source.patientRefId : null, patient: target.patient },
    reason: p.reason, opts,
  });
  const reopened = existing ? await reopenIfRead(db, existing.id) : null;
  const detail = {
    sandboxId, from: source.studyInstanceUid, to: target.studyInstanceUid, order: order.accessionNumber, series: seriesRows.map((s) => s.seriesInstanceUid),
    instances: r.moved.length, previous: r.changed, created: !existing, ...(reopened ? { status: reopened } : {}),
  };
  await db.auditEvent.createMany({
    data: [target.studyInstanceUid, ...(r.removed ? [] : [source.studyInstanceUid])].map((u) => ({ actorId: p.actorId, action: 'study.split', target: `study:${u}`, reason: p.reason, detail })),
  });
  return { studyInstanceUid: target.studyInstanceUid, series: seriesRows.length, instances: r.moved.length, removedStudyUid: r.removed ? source.studyInstanceUid : null };
}
