// Faults 8 and 9 of issue 8: a split study (one exam under two Study Instance UIDs) and a merged study (two exams
// under one). Inject books the order(s) in the RIS and sends a generated CT exam from the sandbox's scanner to its
// archive over real DICOM (C-STORE on the listener), with the identifiers the way the failure leaves them. The
// checks grade the correction by what the archive holds afterwards: every series in the study of its own order
// (UID and accession), no stray study left for the patient, every image still there exactly once, the stored
// files saying what the index says, and the correction in the audit trail.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { Db } from '../../prisma/db';
import { ArchiveFiles, archiveDirFromEnv } from '../archive/archiveFiles';
import { rewriteHeader } from '../archive/rewriteHeader';
import { parseDatasetHeader } from '../dicom/datasetHeader';
import { splitPart10 } from '../dicom/part10';
import { ScuError, store } from '../dimse/client';
import { aeTitleSchema, peerFor } from '../modality/config';
import { generateStudy, type GenerateRequest } from '../modality/generate';
import { localDicomDate } from '../modality/worklist';
import { createOrder, OrderError } from '../ris/orders';
import { scanner } from './exam';
import { defineFault, FaultError, type CheckResult } from './types';

const params = {
  modalityAe: aeTitleSchema.default('CT1'),
  /** the order the exam was scanned for (a scenario books one); default: inject books its own */
  accessionNumber: z.string().trim().min(1).max(16, 'an accession number has at most 16 characters (SH)').optional(),
  /** slices per series (kept small: the fault is about identifiers, not pixels) */
  slices: z.coerce.number().int('a whole number of slices').min(1).max(20).default(2),
};

const seriesPlace = z.object({ seriesUid: z.string(), description: z.string(), orderId: z.string(), accessionNumber: z.string(), studyUid: z.string() });
const undoSchema = z.object({
  /** orders inject booked itself (deleted by clear); a scenario's order is the scenario's */
  createdOrderIds: z.array(z.string()),
  patientId: z.string(),
  /** the Study Date(s) the exam was sent with */
  studyDates: z.array(z.string()),
  /** where each series belongs: its own order's study */
  series: z.array(seriesPlace),
  sopInstanceUids: z.array(z.string()),
  /** the study UIDs the fault sent (for the symptom and for clean-up) */
  sentStudyUids: z.array(z.string()),
  at: z.string(),
});
type Undo = z.infer<typeof undoSchema>;

const SYSTEM = { actorId: null, reason: 'fault injection' };
type OrderRow = NonNullable<Awaited<ReturnType<Db['order']['findUnique']>>>;

/** The order of the story: the one given (it must exist), or a new one booked for today on the scanner. */
async function orderFor(db: Db, sandboxId: string, p: { modalityAe: string; accessionNumber?: string }, fallback: { patientName: string; patientId: string; patientBirthDate: string; patientSex: 'M' | 'F'; description: string }) {
  if (p.accessionNumber) {
    const o = await db.order.findUnique({ where: { sandboxId_accessionNumber: { sandboxId, accessionNumber: p.accessionNumber } } });
    if (!o) throw new FaultError('not-found', `there is no order ${p.accessionNumber} in this sandbox's RIS`);
    return { order: o, created: false };
  }
  const s = await scanner(db, sandboxId, p.modalityAe);
  const now = new Date();
  try {
    const order = await createOrder(db, sandboxId, {
      patientName: fallback.patientName, patientId: fallback.patientId, patientBirthDate: fallback.patientBirthDate, patientSex: fallback.patientSex,
      requestedProcedureDescription: fallback.description, modality: s.config.modality, scheduledStationAeTitle: s.config.localAeTitle,
      scheduledStartDate: localDicomDate(now), scheduledStartTime: `${String(now.getHours()).padStart(2, '0')}${String(now.getMinutes()).padStart(2, '0')}`,
    }, SYSTEM);
    return { order, created: true };
  } catch (e) {
    if (e instanceof OrderError) throw new FaultError(e.kind, e.message);
    throw e;
  }
}

/** A second order for the same patient, the same day, on the same station (the merged study's abdomen). */
async function secondOrder(db: Db, sandboxId: string, first: OrderRow, description: string) {
  try {
    return await createOrder(db, sandboxId, {
      patientName: first.patientName, patientId: first.patientId, patientBirthDate: first.patientBirthDate, patientSex: first.patientSex as 'M' | 'F' | 'O' | '',
      requestedProcedureDescription: description, modality: first.modality, scheduledStationAeTitle: first.scheduledStationAeTitle,
      scheduledStartDate: first.scheduledStartDate, scheduledStartTime: first.scheduledStartTime, referringPhysicianName: first.referringPhysicianName,
    }, SYSTEM);
  } catch (e) {
    if (e instanceof OrderError) throw new FaultError(e.kind, e.message);
    throw e;
  }
}

const patientOf = (o: OrderRow): GenerateRequest['patient'] => ({ patientName: o.patientName, patientId: o.patientId, patientBirthDate: o.patientBirthDate, patientSex: (o.patientSex || '') as 'M' | 'F' | 'O' | '' });
const studyOf = (o: OrderRow): NonNullable<GenerateRequest['study']> => ({
  studyInstanceUid: o.studyInstanceUid, accessionNumber: o.accessionNumber, studyDescription: o.requestedProcedureDescription, referringPhysicianName: o.referringPhysicianName,
  requestedProcedureId: o.requestedProcedureId, requestedProcedureDescription: o.requestedProcedureDescription, scheduledProcedureStepId: o.scheduledProcedureStepId,
});

interface SeriesToSend {
  req: GenerateRequest;
  /** the scanner numbers its series itself (not a correction: no Original Attributes Sequence) */
  seriesNumber: string;
  seriesDescription: string;
}

/**
 * Generates each series and sends all of them from the scanner to its archive over one association (real C-STORE
 * on the listener). Every image must be stored, or the injection fails with the reason.
 */
async function sendSeries(db: Db, sandboxId: string, modalityAe: string, list: SeriesToSend[]) {
  const s = await scanner(db, sandboxId, modalityAe);
  // where this scanner sends its exams: its default archive destination, as the console's Send does
  const archive = s.destinations.find((d) => d.role === 'archive' && d.isDefault) ?? s.destinations.find((d) => d.role === 'archive');
  if (!archive) throw new FaultError('invalid', `${modalityAe} has no archive destination to send the exam to`);
  const dir = await mkdtemp(join(tmpdir(), 'pacslab-fault-'));
  const sent: { seriesUid: string; studyUid: string; studyDate: string; sops: string[] }[] = [];
  try {
    const files: string[] = [];
    for (const [n, item] of list.entries()) {
      const study = generateStudy({ ...item.req, station: { aeTitle: s.config.localAeTitle, stationName: s.config.localAeTitle } });
      const first = study.images[0];
      const entry = { seriesUid: first.seriesInstanceUid, studyUid: study.studyInstanceUid, studyDate: localDicomDate(item.req.now ?? new Date()), sops: [] as string[] };
      for (const img of study.images) {
        const { bytes } = rewriteHeader(img.bytes, { changes: { SeriesNumber: item.seriesNumber, SeriesDescription: item.seriesDescription } });
        const f = join(dir, `S${n + 1}_${img.instanceNumber}.dcm`);
        await writeFile(f, bytes);
        files.push(f);
        entry.sops.push(img.sopInstanceUid);
      }
      sent.push(entry);
    }
    const peer = peerFor(s.config, archive);
    let results;
    try {
      results = await store(peer, files);
    } catch (e) {
      if (e instanceof ScuError) throw new FaultError('invalid', `the exam could not be sent to ${archive.aeTitle}: ${e.message}`);
      throw e;
    }
    const failed = results.filter((r) => r.category !== 'success' && r.category !== 'warning');
    if (failed.length || results.length !== files.length) {
      throw new FaultError('invalid', `the archive did not store the exam: ${failed.map((r) => `0x${r.status.toString(16).toUpperCase().padStart(4, '0')} ${r.meaning}`).slice(0, 3).join('; ') || 'not every image was answered'}`);
    }
    return sent;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** Reads the identifiers a stored file carries (what a C-MOVE or WADO retrieve would hand out). */
async function fileIdentifiers(root: string, rel: string) {
  const bytes = await readFile(join(root, ...rel.split('/')));
  const p = splitPart10(bytes);
  return parseDatasetHeader(bytes.subarray(p.datasetOffset), p.transferSyntaxUid ?? '1.2.840.10008.1.2.1');
}

/** The checks both faults share: each series in its order's study, no stray study, nothing lost or doubled, files = index, audited. */
async function placementChecks(db: Db, sandboxId: string, u: Undo, audit: { action: string; label: string; matches: (d: Record<string, unknown>) => boolean }): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  // 1. every series in the study of its own order, carrying that order's accession
  const rows = await db.series.findMany({ where: { sandboxId, seriesInstanceUid: { in: u.series.map((s) => s.seriesUid) } }, include: { study: true } });
  const wrong: string[] = [];
  for (const want of u.series) {
    const row = rows.find((r) => r.seriesInstanceUid === want.seriesUid);
    if (!row) wrong.push(`the ${want.description} series is gone from the archive`);
    else if (row.study.studyInstanceUid !== want.studyUid) wrong.push(`the ${want.description} series is in study ${row.study.accessionNumber || '(no accession)'} ${row.study.studyInstanceUid}, not in the study of order ${want.accessionNumber}`);
    else if (row.study.accessionNumber !== want.accessionNumber) wrong.push(`the study of order ${want.accessionNumber} carries accession "${row.study.accessionNumber}"`);
  }
  const orders = [...new Set(u.series.map((s) => s.accessionNumber))];
  out.push({
    id: 'series-placed',
    label: orders.length === 1 ? `One study for ${orders[0]} holds every series of the exam` : `Each series is in the study of its own order (${orders.join(', ')})`,
    passed: wrong.length === 0,
    detail: wrong.length ? wrong.join('; ') : u.series.map((s) => `${s.description} → ${s.accessionNumber}`).join(', '),
  });

  // 2. no other study left for the patient on the exam's date(s)
  const wanted = new Set(u.series.map((s) => s.studyUid));
  const stray = await db.study.findMany({
    where: { sandboxId, patient: { patientId: u.patientId }, studyDate: { in: u.studyDates }, studyInstanceUid: { notIn: [...wanted] } },
    select: { studyInstanceUid: true, accessionNumber: true, studyDescription: true },
  });
  const missingStudies = [...wanted].filter((w) => !rows.some((r) => r.study.studyInstanceUid === w));
  out.push({
    id: 'no-stray-study',
    label: 'No second study is left for the patient',
    passed: stray.length === 0,
    detail: stray.length
      ? `${plural(stray.length, 'other study')} for patient ${u.patientId} that day: ${stray.map((s) => `${s.accessionNumber || '(no accession)'} ${s.studyDescription}`).join(', ')}`
      : missingStudies.length ? 'no stray study, but not every order has its study yet' : `patient ${u.patientId} has ${plural(wanted.size, 'study')} that day, one per order`,
  });

  // 3. nothing lost, nothing doubled: the exam's images, each once; no re-sent copies under new UIDs
  const present = await db.instance.count({ where: { sandboxId, sopInstanceUid: { in: u.sopInstanceUids } } });
  out.push({
    id: 'nothing-lost', label: 'Every image of the exam is still in the archive', passed: present === u.sopInstanceUids.length,
    detail: `${present} of ${plural(u.sopInstanceUids.length, 'image')} are in the archive${present < u.sopInstanceUids.length ? ': deleting a study deletes its images' : ''}`,
  });
  const all = await db.instance.count({ where: { sandboxId, series: { study: { patient: { patientId: u.patientId }, studyDate: { in: u.studyDates } } } } });
  const extra = all - present;
  out.push({
    id: 'no-duplicates', label: 'No image was stored twice', passed: extra <= 0,
    detail: extra > 0 ? `${plural(extra, 'more image')} than the exam had for patient ${u.patientId} that day: the exam was sent or scanned again instead of corrected` : `${plural(all, 'image')}, as sent`,
  });

  // 4. the stored files say what the index says (a retrieve hands out the file, not the index row)
  const instances = await db.instance.findMany({
    where: { sandboxId, sopInstanceUid: { in: u.sopInstanceUids } },
    select: { sopInstanceUid: true, filePath: true, series: { select: { seriesInstanceUid: true, study: { select: { studyInstanceUid: true, accessionNumber: true, patient: { select: { patientId: true } } } } } } },
  });
  const root = resolve(archiveDirFromEnv());
  const disagree: string[] = [];
  for (const i of instances) {
    try {
      const h = await fileIdentifiers(root, i.filePath);
      const st = i.series.study;
      if (h.StudyInstanceUID !== st.studyInstanceUid || h.SeriesInstanceUID !== i.series.seriesInstanceUid || (h.AccessionNumber ?? '') !== st.accessionNumber || h.PatientID !== st.patient.patientId) {
        disagree.push(`${i.sopInstanceUid}: file says study ${h.StudyInstanceUID} accession "${h.AccessionNumber ?? ''}", index says ${st.studyInstanceUid} "${st.accessionNumber}"`);
      }
    } catch (e) {
      disagree.push(`${i.sopInstanceUid}: the file cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  out.push({
    id: 'files-agree', label: 'The stored files carry the corrected identifiers', passed: instances.length > 0 && disagree.length === 0,
    detail: disagree.length ? `${plural(disagree.length, 'file')} disagree with the index: ${disagree.slice(0, 2).join('; ')}` : `${plural(instances.length, 'file')} agree with the index`,
  });

  // 5. the correction is in the audit trail, with its reason
  const events = await db.auditEvent.findMany({ where: { action: audit.action, at: { gte: new Date(u.at) } }, select: { reason: true, detail: true } });
  const found = events.find((e) => e.detail && typeof e.detail === 'object' && audit.matches(e.detail as Record<string, unknown>));
  out.push({
    id: 'audited', label: audit.label, passed: !!found,
    detail: found ? `audited with the reason “${found.reason}”` : 'no such correction in the audit trail: use the PACS console\'s correction tools, which record who, when and why',
  });
  return out;
}

/** Deletes what inject stored: the exam's instances (files and rows), the series and studies left empty, its own orders. */
async function clearStored(db: Db, sandboxId: string, u: Undo) {
  const instances = await db.instance.findMany({ where: { sandboxId, sopInstanceUid: { in: u.sopInstanceUids } }, select: { id: true, filePath: true, seriesRefId: true } });
  const files = new ArchiveFiles(resolve(archiveDirFromEnv()));
  try {
    // files first: a crash in between leaves rows without files, which start-up recovery removes
    for (const i of instances) await files.remove(i.filePath).catch(() => undefined);
    await db.instance.deleteMany({ where: { id: { in: instances.map((i) => i.id) } } });
  } finally {
    await files.close();
  }
  const seriesIds = [...new Set(instances.map((i) => i.seriesRefId))];
  await db.series.deleteMany({ where: { id: { in: seriesIds }, instances: { none: {} } } });
  const studyUids = [...new Set([...u.sentStudyUids, ...u.series.map((s) => s.studyUid)])];
  await db.study.deleteMany({ where: { sandboxId, studyInstanceUid: { in: studyUids }, series: { none: {} } } });
  if (u.createdOrderIds.length) await db.order.deleteMany({ where: { sandboxId, id: { in: u.createdOrderIds }, performedSteps: { none: {} } } });
}

function token() {
  return Array.from({ length: 5 }, () => '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ'[Math.floor(Math.random() * 34)]).join('');
}

// -------------------------------------------------------------------------------------------------- 8
export const splitStudy = defineFault({
  id: 'split-study',
  title: 'Split study — one exam under two studies',
  symptom: 'The CT was scanned as one exam, but the radiologist sees only part of it: the study for the order has one series, and the rest of the images sit in a second study for the same patient with no accession number.',
  rootCause: 'Part of the exam was acquired after the patient was registered again by hand at the scanner, so those series got a new Study Instance UID and no accession number: one exam now lives under two studies (PS3.3 C.7.2.1: a study is identified by its Study Instance UID alone).',
  lesson: { slug: 'pacs-troubleshooting', heading: 'Split and merged studies' },
  hints: [
    'Search the PACS console for the patient rather than the accession number: how many studies does the patient have today, and which one matches the order?',
    'One of the two studies carries the order\'s accession number and Study Instance UID; the other has none. The images of the second belong in the first.',
    'Open the study without an accession, and in "Correct this study" merge it into the study with the order\'s accession, giving a reason. Do not send the exam again and do not delete the second study: both lose or double images.',
  ],
  paramsSchema: z.object(params),
  undoSchema,
  async inject(db, sandboxId, p) {
    const { order, created } = await orderFor(db, sandboxId, p, { patientName: 'NAKAMURA^HANA', patientId: `SPL${token()}`, patientBirthDate: '19740309', patientSex: 'F', description: 'CT CHEST WITH CONTRAST' });
    const at = new Date();
    try {
      const base = { protocolId: 'ct-chest', slices: p.slices, patient: patientOf(order) };
      const [first, second] = await sendSeries(db, sandboxId, p.modalityAe, [
        { req: { ...base, seed: 81, now: at, study: studyOf(order) }, seriesNumber: '1', seriesDescription: 'Chest arterial 5 mm' },
        // re-registered by hand: a new Study Instance UID, no accession number, the same patient
        { req: { ...base, seed: 82, now: new Date(at.getTime() + 6 * 60_000), study: { studyDescription: order.requestedProcedureDescription } }, seriesNumber: '2', seriesDescription: 'Chest delayed 5 mm' },
      ]);
      return {
        createdOrderIds: created ? [order.id] : [], patientId: order.patientId, studyDates: [...new Set([first.studyDate, second.studyDate])],
        series: [first, second].map((s, i) => ({ seriesUid: s.seriesUid, description: i === 0 ? 'chest arterial' : 'chest delayed', orderId: order.id, accessionNumber: order.accessionNumber, studyUid: order.studyInstanceUid })),
        sopInstanceUids: [...first.sops, ...second.sops], sentStudyUids: [first.studyUid, second.studyUid], at: at.toISOString(),
      };
    } catch (e) {
      if (created) await db.order.delete({ where: { id: order.id } }).catch(() => undefined);
      throw e;
    }
  },
  async check(db, sandboxId, _p, u) {
    const target = u.series[0].studyUid;
    return placementChecks(db, sandboxId, u, { action: 'study.merge', label: 'The merge is in the audit trail', matches: (d) => d.to === target && u.sentStudyUids.includes(String(d.from)) });
  },
  clear: clearStored,
});

// -------------------------------------------------------------------------------------------------- 9
export const mergedStudy = defineFault({
  id: 'merged-study',
  title: 'Merged study — two exams under one study',
  symptom: 'The patient had a CT chest and a CT abdomen ordered separately, but the PACS shows one study with both in it under the chest\'s accession number; the abdomen order has no images, and the radiologist found an abdomen in the chest study.',
  rootCause: 'Both exams were acquired under the first order from the worklist (the technologist did not pick the second order), so the abdomen series carry the chest order\'s Study Instance UID and accession number: two exams share one study.',
  lesson: { slug: 'pacs-troubleshooting', heading: 'Split and merged studies' },
  hints: [
    'Compare the RIS with the PACS: the patient has two orders today, but how many studies does the archive have, and which series are in each?',
    'The abdomen series belong to the second order: they must carry that order\'s Study Instance UID and accession number, in a study of their own.',
    'Open the study in the PACS console and, under "Correct this study", split the abdomen series out to the abdomen order, with a reason. Moving them to a new study without the order, or deleting them, does not pass.',
  ],
  paramsSchema: z.object({ ...params, secondProcedure: z.string().trim().min(3).max(64).default('CT ABDOMEN WITH CONTRAST') }),
  undoSchema,
  async inject(db, sandboxId, p) {
    const { order, created } = await orderFor(db, sandboxId, p, { patientName: 'OKAFOR^CHIDI', patientId: `MRG${token()}`, patientBirthDate: '19660721', patientSex: 'M', description: 'CT CHEST WITH CONTRAST' });
    let abdomen: OrderRow | null = null;
    const at = new Date();
    try {
      abdomen = await secondOrder(db, sandboxId, order, p.secondProcedure);
      const patient = patientOf(order);
      // both exams under the chest order: the same Study Instance UID and accession on every image
      const [chest, abd] = await sendSeries(db, sandboxId, p.modalityAe, [
        { req: { protocolId: 'ct-chest', slices: p.slices, seed: 91, now: at, patient, study: studyOf(order) }, seriesNumber: '1', seriesDescription: 'Chest 5 mm' },
        { req: { protocolId: 'ct-abdomen', slices: p.slices, seed: 92, now: new Date(at.getTime() + 4 * 60_000), patient, study: studyOf(order) }, seriesNumber: '2', seriesDescription: 'Abdomen portal venous 5 mm' },
      ]);
      return {
        createdOrderIds: [...(created ? [order.id] : []), abdomen.id], patientId: order.patientId, studyDates: [...new Set([chest.studyDate, abd.studyDate])],
        series: [
          { seriesUid: chest.seriesUid, description: 'chest', orderId: order.id, accessionNumber: order.accessionNumber, studyUid: order.studyInstanceUid },
          { seriesUid: abd.seriesUid, description: 'abdomen', orderId: abdomen.id, accessionNumber: abdomen.accessionNumber, studyUid: abdomen.studyInstanceUid },
        ],
        sopInstanceUids: [...chest.sops, ...abd.sops], sentStudyUids: [chest.studyUid], at: at.toISOString(),
      };
    } catch (e) {
      const ids = [...(created ? [order.id] : []), ...(abdomen ? [abdomen.id] : [])];
      if (ids.length) await db.order.deleteMany({ where: { id: { in: ids } } }).catch(() => undefined);
      throw e;
    }
  },
  async check(db, sandboxId, _p, u) {
    const abd = u.series[1];
    return placementChecks(db, sandboxId, u, {
      action: 'study.split', label: 'The split is in the audit trail',
      matches: (d) => d.order === abd.accessionNumber && Array.isArray(d.series) && (d.series as unknown[]).includes(abd.seriesUid),
    });
  },
  clear: clearStored,
});
