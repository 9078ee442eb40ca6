// Fault 10 of issue 8: wrong patient. Inject books two orders on the same scanner for two different patients, and the
// technologist picks the wrong one: patient A's exam is acquired from patient B's worklist item (MPPS reported) and
// sent over real C-STORE (exam.ts), so B's record holds a study that is not theirs.
//
// Two fixes pass, both through the PACS console's correction tools (audited, with a reason):
//   1. correct: "Split series out to an order" to A's order (the images take A's Study Instance UID, accession and
//      demographics; B's empty study goes away), optionally after "Edit patient demographics" to A — or in the
//      other order. The exam's own images end up in A's study, rewritten, each once.
//   2. reject and re-send: "Reject images" with 113038 (incorrect modality worklist entry, an IOCM rejection note
//      that references every image of the exam), then the exam sent again correctly under A's order.
// The checks: B's record holds no image of the exam; A's order's study holds the exam under A's ID and name; the
// correction is audited with a reason; nothing duplicated or lossy; the files say what the index says. Deleting
// the study (no rejection note) or editing only the index does not pass.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { Db } from '../../prisma/db';
import { archiveDirFromEnv } from '../archive/archiveFiles';
import { KOS_SOP_CLASS } from '../archive/patientCorrections';
import { parseDatasetHeader } from '../dicom/datasetHeader';
import { splitPart10 } from '../dicom/part10';
import { transferSyntax } from '../dicom/transferSyntaxes';
import { aeTitleSchema } from '../modality/config';
import { localDicomDate } from '../modality/worklist';
import { createOrder, OrderError } from '../ris/orders';
import { scanFromWorklist, scanner, sendExam } from './exam';
import { defineFault, FaultError, type CheckResult } from './types';

const person = z.object({ orderId: z.string(), accessionNumber: z.string(), studyUid: z.string(), patientId: z.string(), patientName: z.string() });
const undoSchema = z.object({
  a: person,
  b: person,
  createdOrderIds: z.array(z.string()),
  acquisitionId: z.string(),
  sopInstanceUids: z.array(z.string()),
  at: z.string(),
});
type Undo = z.infer<typeof undoSchema>;

const SYSTEM = { actorId: null, reason: 'fault injection' };
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

function token() {
  return Array.from({ length: 5 }, () => '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ'[Math.floor(Math.random() * 34)]).join('');
}

async function book(db: Db, sandboxId: string, modalityAe: string, pt: { patientName: string; patientId: string; patientBirthDate: string; patientSex: 'M' | 'F' }, description: string, minutes: number) {
  const s = await scanner(db, sandboxId, modalityAe);
  const at = new Date(Date.now() + minutes * 60_000);
  try {
    return await createOrder(db, sandboxId, {
      ...pt, requestedProcedureDescription: description, modality: s.config.modality, scheduledStationAeTitle: s.config.localAeTitle,
      scheduledStartDate: localDicomDate(new Date()), scheduledStartTime: `${String(at.getHours()).padStart(2, '0')}${String(at.getMinutes()).padStart(2, '0')}`,
    }, SYSTEM);
  } catch (e) {
    if (e instanceof OrderError) throw new FaultError(e.kind, e.message);
    throw e;
  }
}

async function fileHeader(root: string, rel: string) {
  const bytes = await readFile(join(root, ...rel.split('/')));
  const p = splitPart10(bytes);
  return parseDatasetHeader(bytes.subarray(p.datasetOffset), p.transferSyntaxUid ?? '1.2.840.10008.1.2.1');
}

export async function wrongPatientChecks(db: Db, sandboxId: string, u: Undo): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  const since = new Date(u.at);
  const isImage = { sopClassUid: { not: KOS_SOP_CLASS } };

  // 1. B's record holds no image of A's exam (neither the exam's own images nor any image put in B's order's study)
  const inB = await db.instance.count({
    where: { sandboxId, ...isImage, OR: [{ sopInstanceUid: { in: u.sopInstanceUids } }, { series: { study: { studyInstanceUid: u.b.studyUid } } }], series: { study: { patient: { patientId: u.b.patientId } } } },
  });
  const bStudies = await db.study.count({ where: { sandboxId, patient: { patientId: u.b.patientId }, series: { some: { instances: { some: isImage } } } } });
  out.push({
    id: 'wrong-record-clean', label: `${u.b.patientName} (${u.b.patientId}) no longer holds the exam`, passed: inB === 0,
    detail: inB ? `${plural(inB, 'image')} of the exam are still in ${u.b.patientName}'s record (${plural(bStudies, 'study')} with images)` : `${u.b.patientName}'s record holds no image of the exam`,
  });

  // 2. the exam is under A: A's order's study, A's ID and name
  const aStudy = await db.study.findUnique({ where: { sandboxId_studyInstanceUid: { sandboxId, studyInstanceUid: u.a.studyUid } }, include: { patient: true } });
  const aImages = aStudy ? await db.instance.findMany({ where: { sandboxId, ...isImage, series: { studyRefId: aStudy.id } }, select: { sopInstanceUid: true, filePath: true, transferSyntaxUid: true } }) : [];
  const own = aImages.filter((i) => u.sopInstanceUids.includes(i.sopInstanceUid)).length;
  // the reject-and-re-send fix: every original image rejected with 113038 by a rejection note
  const rejects = await db.auditEvent.findMany({ where: { action: 'instances.reject', at: { gte: since } }, select: { reason: true, detail: true } });
  const rejected = new Set<string>();
  for (const e of rejects) {
    const d = e.detail as { code?: string; sopInstanceUids?: string[] } | null;
    if (d?.code === '113038') for (const s of d.sopInstanceUids ?? []) rejected.add(s);
  }
  const notes = await db.instance.count({ where: { sandboxId, sopClassUid: KOS_SOP_CLASS, receivedAt: { gte: since } } });
  const allRejected = u.sopInstanceUids.every((s) => rejected.has(s)) && notes > 0;
  const under = !!aStudy && aStudy.patient.patientId === u.a.patientId && aStudy.patient.patientName === u.a.patientName && aStudy.accessionNumber === u.a.accessionNumber;
  const placed = under && (own === u.sopInstanceUids.length || (allRejected && aImages.length > 0));
  out.push({
    id: 'under-right-patient', label: `The exam is under ${u.a.patientName} (${u.a.patientId}) and order ${u.a.accessionNumber}`, passed: placed,
    detail: !aStudy
      ? `order ${u.a.accessionNumber} has no study in the archive${allRejected ? ' yet: the images were rejected, now send the exam again under the right order' : ''}`
      : !under ? `the study of order ${u.a.accessionNumber} belongs to ${aStudy.patient.patientName} (${aStudy.patient.patientId}) with accession "${aStudy.accessionNumber}"`
      : placed ? `${plural(aImages.length, 'image')} in the study of ${u.a.accessionNumber}` : `only ${own} of ${plural(u.sopInstanceUids.length, 'image')} of the exam are in the study of ${u.a.accessionNumber}`,
  });

  // 3. a safety event with a reason: the demographics correction, the split to A's order, or the IOCM rejection
  const events = await db.auditEvent.findMany({ where: { action: { in: ['patient.correct', 'study.split', 'instances.reject'] }, at: { gte: since } }, select: { action: true, reason: true, detail: true } });
  const fits = events.find((e) => {
    const d = (e.detail ?? {}) as Record<string, unknown>;
    if (!e.reason.trim()) return false;
    if (e.action === 'patient.correct') return d.study === u.b.studyUid || d.study === u.a.studyUid;
    if (e.action === 'study.split') return d.order === u.a.accessionNumber;
    return d.code === '113038';
  });
  out.push({
    id: 'audited', label: 'The wrong-patient correction is recorded with a reason', passed: !!fits,
    detail: fits ? `${fits.action} audited with the reason “${fits.reason}”` : 'no correction of this exam in the audit trail: a wrong-patient event is fixed with the PACS console\'s correction tools, which record who, when and why',
  });

  // 4. nothing duplicated, nothing lossy: the exam once, as acquired
  const lossy = aImages.filter((i) => transferSyntax(i.transferSyntaxUid)?.lossy).length;
  const extra = aImages.length - u.sopInstanceUids.length;
  out.push({
    id: 'nothing-duplicated', label: 'Every image is there once, not lossy', passed: aImages.length > 0 && extra === 0 && lossy === 0,
    detail: extra > 0 ? `${plural(extra, 'more image')} in the study of ${u.a.accessionNumber} than the exam had: it was sent twice`
      : extra < 0 ? `${plural(-extra, 'image')} of the exam missing from the study of ${u.a.accessionNumber}`
      : lossy ? `${plural(lossy, 'image')} stored with lossy compression` : `${plural(aImages.length, 'image')}, each once, as acquired`,
  });

  // 5. the stored files carry what the index says (a retrieve hands out the file)
  const root = resolve(archiveDirFromEnv());
  const disagree: string[] = [];
  for (const i of aImages) {
    try {
      const h = await fileHeader(root, i.filePath);
      if (h.PatientID !== aStudy!.patient.patientId || (h.PatientName ?? '') !== aStudy!.patient.patientName || h.StudyInstanceUID !== aStudy!.studyInstanceUid || (h.AccessionNumber ?? '') !== aStudy!.accessionNumber) {
        disagree.push(`${i.sopInstanceUid}: the file says ${h.PatientName} (${h.PatientID}) accession "${h.AccessionNumber ?? ''}"`);
      }
    } catch (e) {
      disagree.push(`${i.sopInstanceUid}: the file cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  out.push({
    id: 'files-agree', label: 'The stored files carry the right patient', passed: aImages.length > 0 && disagree.length === 0,
    detail: disagree.length ? `${plural(disagree.length, 'file')} disagree with the index: ${disagree.slice(0, 2).join('; ')}` : aImages.length ? `${plural(aImages.length, 'file')} agree with the index` : 'no image to compare',
  });
  return out;
}

// ------------------------------------------------------------------------------------------------- 10
export const wrongPatient = defineFault({
  id: 'wrong-patient',
  title: 'Wrong patient — an exam filed under another patient',
  symptom: 'Two patients were booked on the same CT scanner this morning. One of them has a CT in the PACS that was acquired while she was still in the waiting room, and the other patient\'s order, whom the technologist is sure she scanned, has no images at all.',
  rootCause: 'The technologist picked the wrong line on the modality worklist: patient A was scanned under patient B\'s worklist item, so every image carries B\'s name, ID, accession number and Study Instance UID, and the archive filed the exam in B\'s record.',
  lesson: { slug: 'pacs-troubleshooting', heading: 'Wrong patient' },
  hints: [
    'Compare the RIS with the PACS: which of the two orders has images, and whose exam are they really? Report it as a patient-safety event before you change anything.',
    'The images must end up under the right patient and the right order — in the stored files, not only in the database — and the wrong patient\'s record must be left clean.',
    'Open the study in the PACS console. Under "Correct this study", split its series out to the right patient\'s order (or edit the patient demographics, then split), giving a reason. Or reject the images with 113038 "Incorrect Modality Worklist Entry" and send the exam again under the right order. Deleting the study does not pass.',
  ],
  paramsSchema: z.object({
    modalityAe: aeTitleSchema.default('CT1'),
    /** patient A's order (the patient on the table; a scenario books it); default: inject books its own */
    accessionNumber: z.string().trim().min(1).max(16, 'an accession number has at most 16 characters (SH)').optional(),
    slices: z.coerce.number().int('a whole number of slices').min(1).max(20).default(2),
  }),
  undoSchema,
  async inject(db, sandboxId, p) {
    const tag = token();
    const at = new Date();
    let a;
    if (p.accessionNumber) {
      a = await db.order.findUnique({ where: { sandboxId_accessionNumber: { sandboxId, accessionNumber: p.accessionNumber } } });
      if (!a) throw new FaultError('not-found', `there is no order ${p.accessionNumber} in this sandbox's RIS`);
    } else {
      a = await book(db, sandboxId, p.modalityAe, { patientName: 'ABARA^GRACE', patientId: `WPA${tag}`, patientBirthDate: '19580214', patientSex: 'F' }, 'CT CHEST WITH CONTRAST', 5);
    }
    const created = p.accessionNumber ? [] : [a.id];
    // patient B: same family name, another given name, booked a few minutes later on the same scanner
    const family = a.patientName.split('^')[0] || 'ABARA';
    const given = a.patientName.split('^')[1] === 'GLORIA' ? 'GRACE' : 'GLORIA';
    let b;
    try {
      b = await book(db, sandboxId, p.modalityAe, { patientName: `${family}^${given}`, patientId: `WPB${tag}`, patientBirthDate: '19910830', patientSex: (a.patientSex === 'M' ? 'M' : 'F') }, 'CT CHEST WITHOUT CONTRAST', 10);
      // A is on the table; the technologist picks B's worklist item (PS3.4 K: the worklist supplies the identity)
      const acq = await scanFromWorklist(db, sandboxId, { modalityAe: p.modalityAe, accessionNumber: b.accessionNumber, slices: p.slices }, true);
      const jobs = await sendExam(db, acq.id);
      const bad = jobs.find((j) => j.status !== 'done');
      const stored = await db.instance.count({ where: { sandboxId, sopInstanceUid: { in: acq.images.map((i) => i.sopInstanceUid) } } });
      if (stored !== acq.images.length) throw new FaultError('invalid', `the exam did not reach the archive (${stored} of ${acq.images.length} images${bad ? `, send ${bad.status}` : ''})`);
      const ref = (o: NonNullable<typeof a>) => ({ orderId: o.id, accessionNumber: o.accessionNumber, studyUid: o.studyInstanceUid, patientId: o.patientId, patientName: o.patientName });
      return { a: ref(a), b: ref(b), createdOrderIds: [...created, b.id], acquisitionId: acq.id, sopInstanceUids: acq.images.map((i) => i.sopInstanceUid), at: at.toISOString() };
    } catch (e) {
      await db.order.deleteMany({ where: { id: { in: [...created, ...(b ? [b.id] : [])] }, performedSteps: { none: {} } } }).catch(() => undefined);
      throw e;
    }
  },
  check: (db, sandboxId, _p, u) => wrongPatientChecks(db, sandboxId, u),
  async clear(db, sandboxId, u) {
    // the exam's studies (wherever the fix put them: B's, A's), their files, the patients left empty, the orders
    const studies = await db.study.findMany({ where: { sandboxId, studyInstanceUid: { in: [u.a.studyUid, u.b.studyUid] } }, select: { id: true, patientRefId: true } });
    const instances = await db.instance.findMany({ where: { sandboxId, OR: [{ sopInstanceUid: { in: u.sopInstanceUids } }, { series: { studyRefId: { in: studies.map((s) => s.id) } } }] }, select: { filePath: true } });
    const { ArchiveFiles } = await import('../archive/archiveFiles');
    const files = new ArchiveFiles(resolve(archiveDirFromEnv()));
    try {
      // files first: a crash in between leaves rows without files, which start-up recovery removes (not files without
      // rows, which it would index again)
      for (const i of instances) await files.remove(i.filePath).catch(() => undefined);
      await db.instance.deleteMany({ where: { sandboxId, OR: [{ sopInstanceUid: { in: u.sopInstanceUids } }, { series: { studyRefId: { in: studies.map((s) => s.id) } } }] } });
    } finally {
      await files.close();
    }
    await db.series.deleteMany({ where: { sandboxId, instances: { none: {} }, study: { studyInstanceUid: { in: [u.a.studyUid, u.b.studyUid] } } } });
    await db.study.deleteMany({ where: { sandboxId, studyInstanceUid: { in: [u.a.studyUid, u.b.studyUid] }, series: { none: {} } } });
    await db.patient.deleteMany({ where: { sandboxId, patientId: { in: [u.a.patientId, u.b.patientId] }, studies: { none: {} } } });
    await db.acquisition.deleteMany({ where: { id: u.acquisitionId } }).catch(() => undefined);
    // the MPPS the wrong acquisition reported against the orders inject booked, then those orders
    await db.performedProcedureStep.deleteMany({ where: { sandboxId, orderId: { in: u.createdOrderIds } } });
    await db.order.deleteMany({ where: { sandboxId, id: { in: u.createdOrderIds } } });
  },
});
