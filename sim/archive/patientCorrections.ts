// The wrong-patient corrections of issue 8 ("The correction tools"): edit a study's patient demographics with a
// reason, and reject instances with an IHE IOCM rejection note (a Key Object Selection Document whose title is a
// CID 7011 code). Like corrections.ts, the stored files and the index stay in step: every file is rewritten with
// the old values in its Original Attributes Sequence (PS3.3 C.12.1.1.9, rewriteHeader.ts), and each correction is
// audited with who, why and what changed, marked as a patient-safety event.
import { readFile, mkdir, rmdir } from 'node:fs/promises';
import { join, posix, resolve } from 'node:path';
import dcmjs from 'dcmjs';
import { z } from 'zod';
import type { Db } from '../../prisma/db';
import { parseDatasetHeader } from '../dicom/datasetHeader';
import { IMPLEMENTATION_CLASS_UID, newUid, splitPart10 } from '../dicom/part10';
import { isValidUid } from '../dicom/uid';
import { ArchiveFiles, archiveDirFromEnv, INCOMING_DIR, instancePath } from './archiveFiles';
import { CorrectionError, MODIFYING_SYSTEM, type CorrectionOptions } from './corrections';
import { ensureSeries, insertInstance, newIndexCache } from './indexInstance';
import { RewriteError, rewriteHeader } from './rewriteHeader';

const { dirname } = posix;

/** Key Object Selection Document Storage (PS3.4 B.5): the IOCM rejection note's SOP class. */
export const KOS_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.88.59';

/** CID 7011 "Rejected for Quality Reasons" and its siblings (PS3.16), scheme DCM: the title of a rejection note. */
export const REJECTION_CODES = {
  '113001': 'Rejected for Quality Reasons',
  '113037': 'Rejected for Patient Safety Reasons',
  '113038': 'Incorrect Modality Worklist Entry',
  '113039': 'Data Retention Policy Expired',
} as const;
export type RejectionCode = keyof typeof REJECTION_CODES;

const uid = (what: string) => z.string({ message: `${what} is required` }).trim().refine(isValidUid, `${what} is not a valid UID (digits and dots, PS3.5 9.1)`);
const reason = z.string({ message: 'a reason is required' }).trim().min(3, 'say why (at least 3 characters): the reason is kept in the audit trail').max(500, 'the reason is at most 500 characters');
const actorId = z.string().min(1).nullable();

/** PS3.5 6.2: LO at most 64 characters, no backslash; PN five components joined by ^ */
export const demographicsSchema = z.object({
  patientId: z.string({ message: 'the Patient ID is required' }).trim().min(1, 'the Patient ID is required').max(64, 'a Patient ID has at most 64 characters (LO)').refine((v) => !/[\\\0-\x1f]/.test(v), 'a Patient ID cannot contain a backslash or control characters'),
  patientName: z.string({ message: 'the patient\'s name is required' }).trim().min(1, 'the patient\'s name is required').max(64, 'the name has at most 64 characters').refine((v) => !/[\\\0-\x1f]/.test(v) && v.split('^').length <= 5, 'write the name as FAMILY^GIVEN (at most five ^-separated parts, no backslash)'),
  birthDate: z.string().trim().refine((v) => v === '' || (/^\d{8}$/.test(v) && !Number.isNaN(Date.parse(`${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6)}`))), 'the birth date is YYYYMMDD (DA), or empty').default(''),
  sex: z.enum(['M', 'F', 'O', ''], { message: 'sex is M, F, O or empty (CS)' }).default(''),
});
export type Demographics = z.infer<typeof demographicsSchema>;

export const correctDemographicsInput = z.object({ studyUid: uid('the study'), patient: demographicsSchema, reason, actorId });

export const rejectInput = z
  .object({
    sopInstanceUids: z.array(uid('an instance')).min(1).max(5000).optional(),
    seriesUid: uid('the series').optional(),
    studyUid: uid('the study').optional(),
    code: z.enum(Object.keys(REJECTION_CODES) as [RejectionCode, ...RejectionCode[]], { message: `the rejection reason is one of the CID 7011 codes ${Object.keys(REJECTION_CODES).join(', ')}` }),
    reason,
    actorId,
  })
  .refine((v) => [v.sopInstanceUids, v.seriesUid, v.studyUid].filter((x) => x !== undefined).length === 1, { message: 'choose what to reject: some images, one series, or the whole study', path: ['seriesUid'] });

function parse<T>(schema: z.ZodType<T, unknown>, input: unknown): T {
  const r = schema.safeParse(input);
  if (!r.success) throw new CorrectionError('invalid', r.error.issues.map((i) => i.message).join('; '));
  return r.data;
}

async function openFiles(archiveDir: string | undefined): Promise<ArchiveFiles> {
  const root = resolve(archiveDir ?? archiveDirFromEnv());
  // never init(): that sweeps .incoming, which the DICOM listener may be writing into
  await mkdir(join(root, INCOMING_DIR), { recursive: true });
  return new ArchiveFiles(root);
}

const who = (p: { patientName: string; patientId: string }) => `${p.patientName} (${p.patientId})`;

export interface DemographicsResult {
  studyInstanceUid: string;
  instances: number;
  /** the Patient row the study left, removed because it had no other study */
  removedPatientId: string | null;
}

/**
 * Moves a study to the right patient: every stored file of the study gets the new Patient's Name, ID, Birth Date
 * and Sex (the wrong ones kept in its Original Attributes Sequence), then the study row is re-linked to the
 * patient (an existing Patient row with that ID, or a new one), and the wrong patient's row is removed when it has
 * no other study. Files are rewritten in place (the path depends on UIDs only); on any failure the files already
 * rewritten are put back as they were and the index is not touched.
 */
export async function correctDemographics(db: Db, sandboxId: string, input: z.input<typeof correctDemographicsInput>, opts: CorrectionOptions = {}): Promise<DemographicsResult> {
  const p = parse(correctDemographicsInput, input);
  const study = await db.study.findUnique({ where: { sandboxId_studyInstanceUid: { sandboxId, studyInstanceUid: p.studyUid } }, include: { patient: true } });
  if (!study) throw new CorrectionError('not-found', `there is no study ${p.studyUid} in this archive`);
  const from = study.patient;
  const existing = await db.patient.findUnique({ where: { sandboxId_patientId_issuer: { sandboxId, patientId: p.patient.patientId, issuer: '' } } });
  // an existing patient is the authority for their demographics: a mismatch means the wrong ID was typed
  if (existing && existing.id !== from.id) {
    const clash = (['patientName', 'birthDate', 'sex'] as const).filter((k) => existing[k] && p.patient[k] && existing[k].toUpperCase() !== p.patient[k].toUpperCase());
    if (clash.length) {
      throw new CorrectionError('conflict', `Patient ID ${existing.patientId} belongs to ${existing.patientName}${existing.birthDate ? `, born ${existing.birthDate}` : ''}${existing.sex ? `, ${existing.sex}` : ''} in this archive; the ${clash.join(', ')} you gave differ${clash.length === 1 ? 's' : ''}. Check the patient's ID against the order`);
    }
  }
  const to: Demographics = existing && existing.id !== from.id
    ? { patientId: existing.patientId, patientName: existing.patientName || p.patient.patientName, birthDate: existing.birthDate || p.patient.birthDate, sex: (existing.sex || p.patient.sex) as Demographics['sex'] }
    : p.patient;
  const issuer = existing && existing.id !== from.id ? existing.issuer : from.patientId === to.patientId ? from.issuer : '';
  if (from.patientId === to.patientId && from.patientName === to.patientName && from.birthDate === to.birthDate && from.sex === to.sex) {
    throw new CorrectionError('invalid', 'the demographics you gave are the ones the study already has: nothing to correct');
  }

  const now = opts.now ?? new Date();
  const instances = await db.instance.findMany({ where: { sandboxId, series: { studyRefId: study.id } }, select: { id: true, sopInstanceUid: true, filePath: true } });
  const files = await openFiles(opts.archiveDir);
  const done: { id: string; filePath: string; old: Buffer; size: bigint }[] = [];
  const previous: Record<string, string> = {};
  try {
    try {
      for (const i of instances) {
        let bytes: Buffer;
        try {
          bytes = await readFile(files.absolute(i.filePath));
        } catch (e) {
          throw new CorrectionError('conflict', `the file of instance ${i.sopInstanceUid} is missing from the archive (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): nothing was changed; restore the file or reject the instance first`);
        }
        let r;
        try {
          r = rewriteHeader(bytes, {
            changes: { PatientName: to.patientName, PatientID: to.patientId, IssuerOfPatientID: issuer, PatientBirthDate: to.birthDate, PatientSex: to.sex },
            modification: { modifyingSystem: MODIFYING_SYSTEM, reason: 'CORRECT', sourceOfPreviousValues: p.reason.slice(0, 64), at: now },
          });
        } catch (e) {
          if (e instanceof RewriteError) throw new CorrectionError('conflict', `the stored file of instance ${i.sopInstanceUid} cannot be read as DICOM (${e.message}): nothing was changed`);
          throw e;
        }
        for (const [k, v] of Object.entries(r.previous)) if (!(k in previous)) previous[k] = v ?? '';
        if (r.bytes === bytes) continue;
        const w = await files.write(i.filePath, [r.bytes], true);
        done.push({ id: i.id, filePath: i.filePath, old: bytes, size: BigInt(w.size) });
      }
      await db.$transaction(async (tx) => {
        let patientRefId = existing?.id;
        if (!patientRefId) {
          if (from.patientId === to.patientId && from.issuer === issuer) {
            // the same patient, their name/birth date/sex were wrong: correct the row itself
            await tx.patient.update({ where: { id: from.id }, data: { patientName: to.patientName, patientNameKey: to.patientName.toUpperCase(), birthDate: to.birthDate, sex: to.sex } });
            patientRefId = from.id;
          } else {
            const row = await tx.patient.create({ data: { sandboxId, patientId: to.patientId, issuer, patientName: to.patientName, patientNameKey: to.patientName.toUpperCase(), birthDate: to.birthDate, sex: to.sex }, select: { id: true } });
            patientRefId = row.id;
          }
        }
        await tx.study.update({ where: { id: study.id }, data: { patientRefId } });
        for (const d of done) await tx.instance.update({ where: { id: d.id }, data: { fileSize: d.size } });
      });
    } catch (e) {
      // put back what was rewritten: the index was not changed, so the files must say what they said
      for (const d of done) await files.write(d.filePath, [d.old], true).catch((err) => console.error(`[corrections] could not restore ${d.filePath}: ${(err as Error).message}`));
      if ((e as { code?: string }).code === 'P2002') throw new CorrectionError('conflict', `a patient ${to.patientId} appeared meanwhile: reload and try again`);
      throw e;
    }
  } finally {
    await files.close();
  }
  // the wrong patient's record is left clean: no study, no row
  let removedPatientId: string | null = null;
  const moved = from.patientId !== to.patientId || from.issuer !== issuer;
  if (moved && (await db.study.count({ where: { patientRefId: from.id } })) === 0) {
    await db.patient.deleteMany({ where: { id: from.id, studies: { none: {} } } });
    removedPatientId = from.patientId;
  }
  const detail = {
    sandboxId, safetyEvent: 'wrong-patient', study: study.studyInstanceUid, accession: study.accessionNumber,
    from: who(from), to: who(to), fromPatient: { patientId: from.patientId, patientName: from.patientName, birthDate: from.birthDate, sex: from.sex },
    toPatient: to, instances: instances.length, previous, removedPatient: removedPatientId,
  };
  await db.auditEvent.create({ data: { actorId: p.actorId, action: 'patient.correct', target: `study:${study.studyInstanceUid}`, reason: p.reason, detail } });
  return { studyInstanceUid: study.studyInstanceUid, instances: instances.length, removedPatientId };
}

// ------------------------------------------------------------------------------------------------ IOCM reject

type DcmjsData = {
  DicomMetaDictionary: { denaturalizeDataset(d: Record<string, unknown>): Record<string, unknown> };
  DicomDict: new (meta: Record<string, unknown>) => { dict: Record<string, unknown>; write(): ArrayBuffer };
};
const { DicomMetaDictionary, DicomDict } = (dcmjs as unknown as { data: DcmjsData }).data;

function dicomNow(d: Date) {
  const p = (n: number) => String(n).padStart(2, '0');
  return { date: `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}`, time: `${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}` };
}

export interface RejectedRef {
  seriesInstanceUid: string;
  sopClassUid: string;
  sopInstanceUid: string;
}

/**
 * The rejection note: a Key Object Selection Document (PS3.3 A.35.4) titled with the CID 7011 code, referencing
 * every rejected instance in its Current Requested Procedure Evidence Sequence (IHE RAD TF-3 4.66, IOCM) and in its
 * content tree (TID 2010, with the reason as its Key Object Description). Explicit VR Little Endian, UTF-8.
 */
export function buildRejectionNote(p: {
  study: { studyInstanceUid: string; accessionNumber: string; studyDate: string; studyTime: string; studyId: string; studyDescription: string; referringPhysicianName: string };
  patient: { patientId: string; issuer: string; patientName: string; birthDate: string; sex: string };
  code: RejectionCode;
  reason: string;
  refs: RejectedRef[];
  at: Date;
}): { bytes: Buffer; sopInstanceUid: string; seriesInstanceUid: string } {
  const sopInstanceUid = newUid();
  const seriesInstanceUid = newUid();
  const { date, time } = dicomNow(p.at);
  const title = { CodeValue: p.code, CodingSchemeDesignator: 'DCM', CodeMeaning: REJECTION_CODES[p.code] };
  const bySeries = new Map<string, RejectedRef[]>();
  for (const r of p.refs) bySeries.set(r.seriesInstanceUid, [...(bySeries.get(r.seriesInstanceUid) ?? []), r]);
  const ds: Record<string, unknown> = {
    SpecificCharacterSet: 'ISO_IR 192',
    SOPClassUID: KOS_SOP_CLASS,
    SOPInstanceUID: sopInstanceUid,
    InstanceCreationDate: date,
    InstanceCreationTime: time,
    // Patient and General Study modules: the study the rejected instances are in (PS3.3 A.35.4)
    PatientName: p.patient.patientName,
    PatientID: p.patient.patientId,
    ...(p.patient.issuer ? { IssuerOfPatientID: p.patient.issuer } : {}),
    PatientBirthDate: p.patient.birthDate,
    PatientSex: p.patient.sex,
    StudyInstanceUID: p.study.studyInstanceUid,
    StudyDate: p.study.studyDate,
    StudyTime: p.study.studyTime,
    ReferringPhysicianName: p.study.referringPhysicianName,
    StudyID: p.study.studyId,
    AccessionNumber: p.study.accessionNumber,
    StudyDescription: p.study.studyDescription,
    // Key Object Document Series (PS3.3 C.17.6.1)
    Modality: 'KO',
    SeriesInstanceUID: seriesInstanceUid,
    SeriesNumber: '999',
    SeriesDescription: 'Rejection note',
    ReferencedPerformedProcedureStepSequence: [],
    Manufacturer: 'PACS Lab',
    // Key Object Document (PS3.3 C.17.6.2)
    InstanceNumber: '1',
    ContentDate: date,
    ContentTime: time,
    CurrentRequestedProcedureEvidenceSequence: [
      {
        StudyInstanceUID: p.study.studyInstanceUid,
        ReferencedSeriesSequence: [...bySeries].map(([series, refs]) => ({
          SeriesInstanceUID: series,
          ReferencedSOPSequence: refs.map((r) => ({ ReferencedSOPClassUID: r.sopClassUid, ReferencedSOPInstanceUID: r.sopInstanceUid })),
        })),
      },
    ],
    // SR Document Content (PS3.3 C.17.3), TID 2010 Key Object Selection
    ValueType: 'CONTAINER',
    ConceptNameCodeSequence: [title],
    ContinuityOfContent: 'SEPARATE',
    ContentTemplateSequence: [{ MappingResource: 'DCMR', TemplateIdentifier: '2010' }],
    ContentSequence: [
      { RelationshipType: 'CONTAINS', ValueType: 'TEXT', ConceptNameCodeSequence: [{ CodeValue: '113012', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Key Object Description' }], TextValue: p.reason },
      ...p.refs.map((r) => ({
        RelationshipType: 'CONTAINS',
        // TID 2010: IMAGE for image storage, COMPOSITE for other objects (a rejected rejection note, an SR)
        ValueType: r.sopClassUid.startsWith('1.2.840.10008.5.1.4.1.1.88.') ? 'COMPOSITE' : 'IMAGE',
        ReferencedSOPSequence: [{ ReferencedSOPClassUID: r.sopClassUid, ReferencedSOPInstanceUID: r.sopInstanceUid }],
      })),
    ],
  };
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: KOS_SOP_CLASS,
    MediaStorageSOPInstanceUID: sopInstanceUid,
    TransferSyntaxUID: '1.2.840.10008.1.2.1',
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
  };
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(ds);
  return { bytes: Buffer.from(dict.write()), sopInstanceUid, seriesInstanceUid };
}

export interface RejectResult {
  studyInstanceUid: string;
  rejected: number;
  /** the rejection note stored in the study */
  noteSopInstanceUid: string;
  code: RejectionCode;
}

/**
 * IHE IOCM "reject": stores a rejection note (KOS, see buildRejectionNote) in the study like any instance, then
 * removes the rejected instances from the index and deletes their files, so no C-FIND, C-MOVE, C-GET or DICOMweb
 * request returns them again.
 *
 * Delete rather than hide: IOCM lets an Image Manager either hide rejected instances or delete them. We delete,
 * because (1) a hidden wrong-patient image is one forgotten filter away from being shown under the wrong name,
 * (2) 113039 (retention expired) means the data must actually go, and (3) hiding needs a flag on every query path
 * and a schema change. What was rejected, why and by whom is not lost: the note lists every SOP Instance UID and
 * the audit trail keeps the reason. Order of work: the note is stored and indexed first, then the rows go in one
 * transaction, then the files (a crash in between leaves files no row points to, never a row without a file).
 */
export async function rejectInstances(db: Db, sandboxId: string, input: z.input<typeof rejectInput>, opts: CorrectionOptions = {}): Promise<RejectResult> {
  const p = parse(rejectInput, input);
  const select = { id: true, sopInstanceUid: true, sopClassUid: true, filePath: true, seriesRefId: true, series: { select: { seriesInstanceUid: true, studyRefId: true } } } as const;
  let rows;
  if (p.sopInstanceUids) {
    const uids = [...new Set(p.sopInstanceUids)];
    rows = await db.instance.findMany({ where: { sandboxId, sopInstanceUid: { in: uids } }, select });
    const found = new Set(rows.map((r) => r.sopInstanceUid));
    const missing = uids.filter((u) => !found.has(u));
    if (missing.length) throw new CorrectionError('not-found', `there is no instance ${missing.slice(0, 3).join(', ')} in this archive`);
  } else if (p.seriesUid) {
    const s = await db.series.findUnique({ where: { sandboxId_seriesInstanceUid: { sandboxId, seriesInstanceUid: p.seriesUid } }, select: { id: true } });
    if (!s) throw new CorrectionError('not-found', `there is no series ${p.seriesUid} in this archive`);
    rows = await db.instance.findMany({ where: { seriesRefId: s.id, sopClassUid: { not: KOS_SOP_CLASS } }, select });
  } else {
    const s = await db.study.findUnique({ where: { sandboxId_studyInstanceUid: { sandboxId, studyInstanceUid: p.studyUid! } }, select: { id: true } });
    if (!s) throw new CorrectionError('not-found', `there is no study ${p.studyUid} in this archive`);
    // earlier rejection notes stay: they are the record of what was rejected
    rows = await db.instance.findMany({ where: { sandboxId, series: { studyRefId: s.id }, sopClassUid: { not: KOS_SOP_CLASS } }, select });
  }
  if (!rows.length) throw new CorrectionError('not-found', 'there are no images left to reject here (only rejection notes)');
  const studyIds = new Set(rows.map((r) => r.series.studyRefId));
  if (studyIds.size > 1) throw new CorrectionError('invalid', 'the instances to reject must all be in one study: reject each study on its own');
  const study = await db.study.findUniqueOrThrow({ where: { id: rows[0].series.studyRefId }, include: { patient: true } });
  if ((await db.report.count({ where: { studyRefId: study.id, status: 'final' } })) && p.code !== '113039') {
    throw new CorrectionError('conflict', `study ${study.accessionNumber || study.studyInstanceUid} has a signed report: rejecting its images would leave the report without them. Ask the radiologist to addend the report first`);
  }

  const now = opts.now ?? new Date();
  const refs = rows.map((r) => ({ seriesInstanceUid: r.series.seriesInstanceUid, sopClassUid: r.sopClassUid, sopInstanceUid: r.sopInstanceUid }));
  const note = buildRejectionNote({ study, patient: study.patient, code: p.code, reason: p.reason, refs, at: now });
  const files = await openFiles(opts.archiveDir);
  try {
    // 1. the note, stored and indexed as the Storage SCP stores any instance (same path, same index rows)
    const rel = instancePath({ sandboxId, studyInstanceUid: study.studyInstanceUid, seriesInstanceUid: note.seriesInstanceUid, sopInstanceUid: note.sopInstanceUid });
    const w = await files.write(rel, [note.bytes], false);
    const parts = splitPart10(note.bytes);
    const header = parseDatasetHeader(note.bytes.subarray(parts.datasetOffset), '1.2.840.10008.1.2.1', { whole: true });
    try {
      const seriesRefId = await ensureSeries(db, newIndexCache(), sandboxId, header);
      await insertInstance(db, { sandboxId, seriesRefId, sopInstanceUid: note.sopInstanceUid, sopClassUid: KOS_SOP_CLASS, instanceNumber: 1, rows: null, columns: null, numberOfFrames: null, transferSyntaxUid: '1.2.840.10008.1.2.1', filePath: rel, fileSize: BigInt(w.size), sourceAe: '' });
    } catch (e) {
      await files.remove(rel).catch(() => undefined);
      throw e;
    }
    // 2. their files, BEFORE their rows: a crash in between then leaves rows without files, which the daemon's
    // start-up recovery removes (reconcileArchive.ts). The other order would leave files without rows, which recovery
    // indexes again as complete instances: a rejected image, perhaps of the wrong patient, back on the PACS.
    for (const r of rows) await files.remove(r.filePath).catch((e) => console.error(`[corrections] could not remove ${r.filePath}: ${(e as Error).message}`));
    // 3. the rejected rows, and the series they leave empty
    const seriesIds = [...new Set(rows.map((r) => r.seriesRefId))];
    await db.$transaction(async (tx) => {
      await tx.instance.deleteMany({ where: { id: { in: rows.map((r) => r.id) } } });
      await tx.series.deleteMany({ where: { id: { in: seriesIds }, instances: { none: {} } } });
    });
    for (const d of new Set(rows.map((r) => dirname(r.filePath)))) await rmdir(files.absolute(d)).catch(() => undefined);
  } finally {
    await files.close();
  }
  const detail = {
    sandboxId, safetyEvent: p.code === '113037' || p.code === '113038' ? 'wrong-patient' : undefined, code: p.code, meaning: REJECTION_CODES[p.code],
    from: study.studyInstanceUid, to: `rejection note ${note.sopInstanceUid}`, study: study.studyInstanceUid, accession: study.accessionNumber, patient: who(study.patient),
    series: [...new Set(refs.map((r) => r.seriesInstanceUid))], sopInstanceUids: refs.map((r) => r.sopInstanceUid), note: note.sopInstanceUid,
  };
  await db.auditEvent.create({ data: { actorId: p.actorId, action: 'instances.reject', target: `study:${study.studyInstanceUid}`, reason: p.reason, detail } });
  return { studyInstanceUid: study.studyInstanceUid, rejected: rows.length, noteSopInstanceUid: note.sopInstanceUid, code: p.code };
}
