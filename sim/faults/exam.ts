// What the "send failed" and MPPS faults share: the exam the fault spoils (picked from the scanner's real
// worklist, acquired, MPPS reported, sent), and the checks that grade a fix by what the archive and the scanner
// hold afterwards: every image in, each stored once, and no second acquisition for the order (a re-scan is the
// wrong fix: it doses the patient again and leaves two studies for one order).
import { z } from 'zod';
import type { Db } from '../../prisma/db';
import { statusCategory } from '../dicom/status';
import { acquire, endExam, type AcquisitionWithImages } from '../modality/acquire';
import { aeTitleSchema, getModalityConsole, peerFor } from '../modality/config';
import { describeFailure, failureOf, ModalityError } from '../modality/failures';
import { protocolsFor, type GenModality } from '../modality/generate';
import { createSendJobs, runSendJob, type SendJob } from '../modality/sendQueue';
import { queryWorklist, type WorklistItem } from '../modality/worklist';
import { FaultError, type CheckResult } from './types';

/** Params every exam-spoiling fault takes: which scanner, which order (default: the next one on its worklist). */
export const examParams = {
  modalityAe: aeTitleSchema.default('CT1'),
  accessionNumber: z.string().trim().min(1).max(16, 'an accession number has at most 16 characters (SH)').optional(),
  /** CT: slices to acquire (kept small: the fault is about the network, not the pixels) */
  slices: z.coerce.number().int('a whole number of slices').min(1).max(50).default(3),
};

export const examUndo = {
  acquisitionId: z.string().min(1),
  orderId: z.string().nullable(),
  accessionNumber: z.string(),
};
export type ExamRef = { acquisitionId: string; orderId: string | null; accessionNumber: string };

export async function scanner(db: Db, sandboxId: string, modalityAe: string) {
  const c = await getModalityConsole(db, sandboxId, modalityAe);
  if (!c) throw new FaultError('not-found', `there is no simulated modality ${modalityAe} in this sandbox`);
  return { ...c, dest: (role: string) => c.destinations.find((d) => d.role === role) };
}

/** The scanner's own Modality Worklist query (today, its station AE), over real DICOM. */
export async function scannerWorklist(db: Db, sandboxId: string, modalityAe: string): Promise<WorklistItem[]> {
  const s = await scanner(db, sandboxId, modalityAe);
  const wl = s.dest('worklist');
  if (!wl) throw new FaultError('invalid', `${modalityAe} has no worklist destination`);
  const peer = peerFor(s.config, wl);
  try {
    return (await queryWorklist(peer, {})).items;
  } catch (e) {
    throw new FaultError('invalid', `${modalityAe} cannot query its worklist: ${describeFailure(failureOf(e, peer, `${peer.calledAe} to answer the worklist query`, 'the RIS (worklist)'))}`);
  }
}

/**
 * What a technologist does at the console: pick the order from the worklist, acquire (MPPS IN PROGRESS), and
 * optionally report COMPLETED. Nothing is sent yet, so a fault can break the network first.
 */
export async function scanFromWorklist(
  db: Db, sandboxId: string, p: { modalityAe: string; accessionNumber?: string; slices: number }, complete: boolean,
  /** what the technologist changed by hand before acquiring (study-unverified: a mistyped accession) */
  adjust?: (item: WorklistItem) => WorklistItem,
): Promise<AcquisitionWithImages> {
  const items = await scannerWorklist(db, sandboxId, p.modalityAe);
  const item = p.accessionNumber ? items.find((i) => i.accessionNumber === p.accessionNumber) : items[0];
  if (!item) {
    throw new FaultError('invalid', p.accessionNumber
      ? `${p.accessionNumber} is not on ${p.modalityAe}'s worklist today (it may have been done already): choose another order`
      : `${p.modalityAe}'s worklist is empty today: place an order for this station first`);
  }
  const s = await scanner(db, sandboxId, p.modalityAe);
  // the smallest study of the modality: the fault is about the network, not the pixels (CT takes `slices`)
  const protocol = [...protocolsFor(s.config.modality as GenModality)].sort((a, b) => (s.config.modality === 'CT' ? 0 : a.defaultImages - b.defaultImages))[0];
  if (!protocol) throw new FaultError('invalid', `no acquisition protocol for a ${s.config.modality} scanner`);
  try {
    const acq = await acquire(db, {
      sandboxId, modalityAe: p.modalityAe, source: { kind: 'worklist', item: adjust ? adjust(item) : item }, protocolId: protocol.id,
      slices: s.config.modality === 'CT' ? p.slices : undefined, seed: 1,
    });
    if (complete) await endExam(db, acq.id, { status: 'COMPLETED' });
    return acq;
  } catch (e) {
    if (e instanceof ModalityError) throw new FaultError(e.kind, e.message);
    throw e;
  }
}

/** Queues the exam to the scanner's default archive(s) and runs each job once, as the console does after a scan. */
export async function sendExam(db: Db, acquisitionId: string): Promise<SendJob[]> {
  const jobs = await createSendJobs(db, acquisitionId);
  return Promise.all(jobs.map((j) => runSendJob(db, j.id)));
}

export const examRef = (a: AcquisitionWithImages): ExamRef => ({ acquisitionId: a.id, orderId: a.orderId, accessionNumber: a.accessionNumber });

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/**
 * The archive has every image of the exam, each stored once, and the order has no second acquisition: what
 * "the images are in" means after a send failure (fix the network, then Retry, never re-scan).
 */
export async function examChecks(db: Db, sandboxId: string, exam: ExamRef): Promise<CheckResult[]> {
  const acq = await db.acquisition.findUnique({ where: { id: exam.acquisitionId }, include: { images: { select: { id: true, sopInstanceUid: true } } } });
  if (!acq) {
    return [{ id: 'images-archived', label: 'The exam reached the archive', passed: false, detail: 'the exam this fault spoiled was deleted from the scanner' }];
  }
  const uids = acq.images.map((i) => i.sopInstanceUid);
  const archived = await db.instance.count({ where: { sandboxId, sopInstanceUid: { in: uids } } });

  // stored more than once: two successful send items for one image on the scanner, or two successful C-STOREs
  // of one SOP Instance UID in the archive's network log (PS3.4 B.2.3: success and warning both store)
  const sentItems = await db.sendItem.groupBy({ by: ['imageId'], where: { imageId: { in: acq.images.map((i) => i.id) }, status: 'sent' }, _count: { _all: true } });
  const twiceSent = sentItems.filter((g) => g._count._all > 1).length;
  const logged = await db.dimseLog.findMany({ where: { command: 'C-STORE-RQ', sopInstanceUid: { in: uids }, association: { sandboxId } }, select: { sopInstanceUid: true, status: true } });
  const stores = new Map<string, number>();
  for (const l of logged) {
    const c = statusCategory(l.status);
    if (c === 'success' || c === 'warning') stores.set(l.sopInstanceUid, (stores.get(l.sopInstanceUid) ?? 0) + 1);
  }
  const twiceStored = [...stores.values()].filter((n) => n > 1).length;
  const duplicates = Math.max(twiceSent, twiceStored);

  // a re-scan: another acquisition of the same order, or the same patient registered by hand since this exam (the
  // patient's other orders of the day are not re-scans)
  const others = await db.acquisition.count({
    where: {
      sandboxId, id: { not: acq.id },
      OR: [...(exam.orderId ? [{ orderId: exam.orderId }] : []), ...(exam.accessionNumber ? [{ accessionNumber: exam.accessionNumber }] : []), { manual: true, patientId: acq.patientId, createdAt: { gt: acq.createdAt } }],
    },
  });
  const studies = exam.accessionNumber ? await db.study.count({ where: { sandboxId, accessionNumber: exam.accessionNumber } }) : 0;
  const who = `${acq.patientName} (${acq.accessionNumber || 'no accession'})`;
  return [
    {
      id: 'images-archived', label: 'Every image of the exam is in the archive', passed: archived === uids.length,
      detail: `${archived} of ${plural(uids.length, 'image')} of ${who} are in the archive`,
    },
    {
      id: 'sent-once', label: 'Each image was stored once (no duplicates)', passed: duplicates === 0,
      detail: duplicates ? `${plural(duplicates, 'image')} reached the archive more than once: the queue was sent again rather than retried` : 'no image was stored twice',
    },
    {
      id: 'no-rescan', label: 'The patient was not scanned again', passed: others === 0 && studies <= 1,
      detail: others || studies > 1
        ? `${plural(others, 'other acquisition')} for this patient or order, ${plural(studies, 'study')} in the archive under ${exam.accessionNumber}: a re-scan doses the patient again and splits the order — retry the queue instead`
        : 'one acquisition, one study',
    },
  ];
}
