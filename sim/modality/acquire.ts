// Acquiring a study at a simulated scanner, as IHE Scheduled Workflow has it: the patient and order come from the
// worklist (or, the risky path, are typed in by hand), the scanner reports the step IN PROGRESS to the MPPS
// manager (N-CREATE, RAD-6) as it starts, writes the images to its local disk, and at the end reports it
// COMPLETED or DISCONTINUED with the Performed Series Sequence (N-SET, RAD-7). An MPPS failure never loses the
// images: it is recorded as the console shows it, and the next endExam tries again.
import { stat } from 'node:fs/promises';
import { z } from 'zod';
import type { Db } from '../../prisma/db';
import type { Acquisition, AcquiredImage, ModalityConfig, Order } from '../../prisma/generated/sqlite/client';
import type { DimseOutcome } from '../dimse/client';
import { newUid } from '../ris/risUid';
import { aeTitleSchema, peerFor } from './config';
import { describeFailure, dimseFailure, failureOf, ModalityError } from './failures';
import { GenerateError, PROTOCOLS, writeStudy, type GenModality } from './generate';
import { createMpps, DISCONTINUATION_REASONS, mppsCreateAttributes, mppsSetAttributes, setMpps, type MppsSeries } from './mpps';
import { EXPLICIT_VR_LITTLE_ENDIAN } from '../dicom/transferSyntaxes';
import { encodeForSend } from './sendSyntax';
import { newAcquisitionFolder, relativeFile } from './store';
import type { WorklistItem } from './worklist';

export type AcquireSource =
  | { kind: 'worklist'; item: WorklistItem; orderId?: string }
  | { kind: 'manual'; patient: { patientName: string; patientId: string; patientBirthDate?: string; patientSex?: string }; studyDescription?: string };

const text = (max: number) => z.string().trim().max(max).regex(/^[^\\\x00-\x1f]*$/, 'no backslash or control characters');
const da = z.string().trim().regex(/^(\d{8})?$/, 'a date as YYYYMMDD');
const sex = z.enum(['M', 'F', 'O', '']);

const worklistItemSchema = z.object({
  patientName: text(64).min(1, 'the worklist item has no patient name'),
  patientId: text(64).min(1, 'the worklist item has no patient ID'),
  patientBirthDate: da.default(''),
  patientSex: sex.default(''),
  accessionNumber: text(16).default(''),
  requestedProcedureId: text(16).default(''),
  requestedProcedureDescription: text(64).default(''),
  scheduledProcedureStepId: text(16).default(''),
  scheduledProcedureStepDescription: text(64).default(''),
  modality: text(16).default(''),
  scheduledStationAeTitle: text(16).default(''),
  scheduledStartDate: z.string().default(''),
  scheduledStartTime: z.string().default(''),
  studyInstanceUid: z.string().trim().max(64).regex(/^([0-9.]*)$/, 'a Study Instance UID is digits and dots').default(''),
  referringPhysicianName: text(64).default(''),
  scheduledPerformingPhysicianName: text(64).default(''),
  priority: z.string().optional(),
});

const acquireInputSchema = z.object({
  sandboxId: z.string().min(1),
  modalityAe: aeTitleSchema,
  source: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('worklist'), item: worklistItemSchema, orderId: z.string().min(1).optional() }),
    z.object({
      kind: z.literal('manual'),
      patient: z.object({
        patientName: text(64).min(1, 'the patient name is required').transform((s) => s.toUpperCase()),
        patientId: text(64).min(1, 'the patient ID (MRN) is required'),
        patientBirthDate: da.optional(),
        patientSex: sex.optional(),
      }),
      studyDescription: text(64).optional(),
    }),
  ]),
  protocolId: z.string().min(1, 'choose a protocol'),
  slices: z.coerce.number().int('a whole number of slices').min(1, 'at least 1 slice').max(1000, 'at most 1000 slices').optional(),
  seed: z.coerce.number().int().min(0).max(2 ** 31 - 1).optional(),
});
export interface AcquireInput {
  sandboxId: string;
  modalityAe: string;
  source: AcquireSource;
  protocolId: string;
  slices?: number;
  seed?: number;
}

export type AcquisitionWithImages = Acquisition & { images: AcquiredImage[] };

/** Performed Procedure Step ID (SH, 16 characters): the scanner's AE and a time stamp. */
function performedStepId(modalityAe: string, now: Date): string {
  return `${modalityAe.slice(0, 6)}${now.getTime().toString(36).toUpperCase()}`.slice(0, 16);
}

/** What a worklist item said, rebuilt from the order it came from (for a retried N-CREATE). */
function itemFromOrder(o: Order, studyInstanceUid: string): WorklistItem {
  return {
    patientName: o.patientName, patientId: o.patientId, patientBirthDate: o.patientBirthDate, patientSex: o.patientSex,
    accessionNumber: o.accessionNumber, requestedProcedureId: o.requestedProcedureId, requestedProcedureDescription: o.requestedProcedureDescription,
    scheduledProcedureStepId: o.scheduledProcedureStepId, scheduledProcedureStepDescription: o.scheduledProcedureStepDescription,
    modality: o.modality, scheduledStationAeTitle: o.scheduledStationAeTitle, scheduledStartDate: o.scheduledStartDate, scheduledStartTime: o.scheduledStartTime,
    studyInstanceUid, referringPhysicianName: o.referringPhysicianName, scheduledPerformingPhysicianName: o.scheduledPerformingPhysicianName,
  };
}

function outcomeError(operation: 'N-CREATE' | 'N-SET', o: DimseOutcome): string {
  return o.category === 'success' || o.category === 'warning' ? '' : `MPPS ${describeFailure(dimseFailure(operation, o.status))}`;
}

async function mppsPeer(db: Db, config: ModalityConfig) {
  const destination = await db.modalityDestination.findFirst({ where: { sandboxId: config.sandboxId, modalityAe: config.modalityAe, role: 'mpps' }, orderBy: { createdAt: 'asc' } });
  return destination ? peerFor(config, destination) : undefined;
}

const NO_MPPS = 'No MPPS destination is configured for this scanner — add one on the network configuration page (the RIS will not see the exam start or end)';

/** N-CREATE IN PROGRESS; returns what to record (never throws for network or DIMSE failures). */
async function nCreateStep(
  db: Db,
  config: ModalityConfig,
  a: { item?: WorklistItem; patient: { patientName: string; patientId: string; patientBirthDate?: string; patientSex?: string }; studyInstanceUid: string; ppsId: string; start: Date; protocolName: string },
  sopInstanceUid: string,
): Promise<{ mppsSopInstanceUid: string; mppsStatus: string; mppsError: string }> {
  const peer = await mppsPeer(db, config);
  if (!peer) return { mppsSopInstanceUid: '', mppsStatus: 'none', mppsError: NO_MPPS };
  const attrs = mppsCreateAttributes({
    item: a.item, patient: a.patient, studyInstanceUid: a.studyInstanceUid, performedStationAeTitle: config.localAeTitle, stationName: config.stationName,
    modality: config.modality, performedProcedureStepId: a.ppsId, start: a.start, protocolName: a.protocolName,
  });
  try {
    const r = await createMpps(peer, attrs, sopInstanceUid);
    const error = outcomeError('N-CREATE', r.outcome);
    return error ? { mppsSopInstanceUid: '', mppsStatus: 'none', mppsError: error } : { mppsSopInstanceUid: r.sopInstanceUid, mppsStatus: 'IN PROGRESS', mppsError: '' };
  } catch (e) {
    return { mppsSopInstanceUid: '', mppsStatus: 'none', mppsError: `MPPS not sent: ${describeFailure(failureOf(e, peer, `${peer.calledAe} to answer the MPPS N-CREATE`, 'the RIS (MPPS manager)'))}` };
  }
}

export async function acquire(db: Db, input: AcquireInput): Promise<AcquisitionWithImages> {
  const parsed = acquireInputSchema.safeParse(input);
  if (!parsed.success) throw new ModalityError('invalid', parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '));
  const { sandboxId, modalityAe, source, protocolId, slices } = parsed.data;
  const config = await db.modalityConfig.findUnique({ where: { sandboxId_modalityAe: { sandboxId, modalityAe } } });
  if (!config) throw new ModalityError('not-found', `there is no simulated modality ${modalityAe} in this sandbox`);
  const protocol = PROTOCOLS.find((p) => p.id === protocolId);
  if (!protocol || protocol.modality !== (config.modality as GenModality)) {
    const mine = PROTOCOLS.filter((p) => p.modality === config.modality).map((p) => p.id);
    throw new ModalityError('invalid', `${protocolId} is not a protocol of this ${config.modality} scanner: choose one of ${mine.join(', ')}`);
  }
  const seed = parsed.data.seed ?? Math.floor(Math.random() * 2 ** 31);
  const now = new Date();

  let item: WorklistItem | undefined;
  let orderId: string | null = null;
  const patient = source.kind === 'worklist'
    ? { patientName: source.item.patientName, patientId: source.item.patientId, patientBirthDate: source.item.patientBirthDate, patientSex: source.item.patientSex }
    : { patientName: source.patient.patientName, patientId: source.patient.patientId, patientBirthDate: source.patient.patientBirthDate ?? '', patientSex: source.patient.patientSex ?? '' };
  if (source.kind === 'worklist') {
    item = source.item as WorklistItem;
    // the order the item came from: by id when the console knows it, else by its accession number (IHE SWF)
    const order = source.orderId
      ? await db.order.findFirst({ where: { id: source.orderId, sandboxId } })
      : item.accessionNumber
        ? await db.order.findUnique({ where: { sandboxId_accessionNumber: { sandboxId, accessionNumber: item.accessionNumber } } })
        : null;
    orderId = order?.id ?? null;
  }
  const studyInstanceUid = item?.studyInstanceUid || newUid();
  const studyDescription = source.kind === 'worklist' ? item!.requestedProcedureDescription || protocol.label : source.studyDescription || protocol.label;
  const ppsId = performedStepId(config.localAeTitle, now);

  // IHE RAD-6: IN PROGRESS as the acquisition starts; the images reference the step (PS3.3 C.7.3.1)
  const mpps = await nCreateStep(db, config, { item, patient, studyInstanceUid, ppsId, start: now, protocolName: protocol.label }, newUid());

  const { folder, path } = await newAcquisitionFolder(sandboxId, modalityAe, now);
  let written: Awaited<ReturnType<typeof writeStudy>>;
  try {
    written = await writeStudy(
      {
        protocolId, seed, slices, now, patient,
        study: {
          studyInstanceUid,
          accessionNumber: item?.accessionNumber ?? '',
          studyDescription,
          referringPhysicianName: item?.referringPhysicianName ?? '',
          requestedProcedureId: item?.requestedProcedureId,
          requestedProcedureDescription: item?.requestedProcedureDescription,
          scheduledProcedureStepId: item?.scheduledProcedureStepId,
          scheduledProcedureStepDescription: item?.scheduledProcedureStepDescription,
        },
        station: { aeTitle: config.localAeTitle, stationName: config.stationName || undefined },
        performedProcedureStepId: ppsId,
        mppsSopInstanceUid: mpps.mppsSopInstanceUid || undefined,
      },
      path,
    );
    // the scanner's "Send images as" setting: stored on its disk in that syntax, sent as stored
    if (config.transferSyntaxUid !== EXPLICIT_VR_LITTLE_ENDIAN) await encodeForSend(written.files.map((f) => f.path), config.transferSyntaxUid);
  } catch (e) {
    // the step was announced: tell the RIS it ended without images (CID 9300 "Equipment failure")
    if (mpps.mppsSopInstanceUid) {
      const peer = await mppsPeer(db, config);
      if (peer) await setMpps(peer, mpps.mppsSopInstanceUid, mppsSetAttributes({ status: 'DISCONTINUED', end: new Date(), series: [], discontinuationReason: '110501' })).catch(() => undefined);
    }
    if (e instanceof GenerateError) throw new ModalityError('invalid', e.message);
    throw e;
  }

  const images = await Promise.all(
    written.files.map(async (f) => ({
      sopInstanceUid: f.image.sopInstanceUid,
      sopClassUid: f.image.sopClassUid,
      seriesInstanceUid: f.image.seriesInstanceUid,
      seriesNumber: f.image.seriesNumber,
      seriesDescription: f.image.seriesDescription,
      instanceNumber: f.image.instanceNumber,
      file: relativeFile(path, f.path),
      bytes: (await stat(f.path)).size,
    })),
  );
  return db.acquisition.create({
    data: {
      sandboxId, modalityAe, orderId, manual: source.kind === 'manual',
      patientId: patient.patientId, patientName: patient.patientName, patientBirthDate: patient.patientBirthDate, patientSex: patient.patientSex,
      accessionNumber: item?.accessionNumber ?? '', studyInstanceUid: written.studyInstanceUid, studyDescription,
      protocolId, seed, imageCount: images.length, folder, ...mpps,
      images: { create: images },
    },
    include: { images: { orderBy: [{ seriesNumber: 'asc' }, { instanceNumber: 'asc' }] } },
  });
}

const endSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('COMPLETED') }),
  z.object({ status: z.literal('DISCONTINUED'), reason: z.string().refine((r) => DISCONTINUATION_REASONS.some((d) => d.code === r), 'choose a discontinuation reason from the list (CID 9300)') }),
]);

/**
 * The final N-SET (PS3.4 F.7.2.2, IHE RAD-7): COMPLETED or DISCONTINUED with the Performed Series Sequence. A step
 * whose N-CREATE never got through is created first. A failure is recorded in mppsError; the status stays.
 */
export async function endExam(db: Db, acquisitionId: string, how: { status: 'COMPLETED' } | { status: 'DISCONTINUED'; reason: string }): Promise<Acquisition> {
  const h = endSchema.safeParse(how);
  if (!h.success) throw new ModalityError('invalid', h.error.issues[0].message);
  const acq = await db.acquisition.findUnique({ where: { id: acquisitionId }, include: { images: true, order: true } });
  if (!acq) throw new ModalityError('not-found', `acquisition ${acquisitionId} does not exist`);
  if (acq.mppsStatus === 'COMPLETED' || acq.mppsStatus === 'DISCONTINUED') throw new ModalityError('conflict', `this exam was already reported ${acq.mppsStatus} (PS3.4 F.7.2.2: a finished step cannot change)`);
  const config = await db.modalityConfig.findUniqueOrThrow({ where: { sandboxId_modalityAe: { sandboxId: acq.sandboxId, modalityAe: acq.modalityAe } } });
  const peer = await mppsPeer(db, config);
  if (!peer) return db.acquisition.update({ where: { id: acquisitionId }, data: { mppsError: NO_MPPS } });

  let sopInstanceUid = acq.mppsSopInstanceUid;
  if (!sopInstanceUid) {
    const created = await nCreateStep(db, config, {
      item: acq.order ? itemFromOrder(acq.order, acq.studyInstanceUid) : undefined,
      patient: { patientName: acq.patientName, patientId: acq.patientId, patientBirthDate: acq.patientBirthDate, patientSex: acq.patientSex },
      studyInstanceUid: acq.studyInstanceUid, ppsId: performedStepId(config.localAeTitle, acq.createdAt), start: acq.createdAt, protocolName: acq.protocolId,
    }, newUid());
    if (!created.mppsSopInstanceUid) return db.acquisition.update({ where: { id: acquisitionId }, data: { mppsError: created.mppsError } });
    sopInstanceUid = created.mppsSopInstanceUid;
    await db.acquisition.update({ where: { id: acquisitionId }, data: created });
  }

  const archive = await db.modalityDestination.findFirst({ where: { sandboxId: acq.sandboxId, modalityAe: acq.modalityAe, role: 'archive', isDefault: true }, orderBy: { createdAt: 'asc' } });
  const bySeries = new Map<string, MppsSeries>();
  for (const i of [...acq.images].sort((a, b) => a.seriesNumber - b.seriesNumber || a.instanceNumber - b.instanceNumber)) {
    const s = bySeries.get(i.seriesInstanceUid) ?? { seriesInstanceUid: i.seriesInstanceUid, seriesDescription: i.seriesDescription, protocolName: acq.protocolId, retrieveAeTitle: archive?.aeTitle, images: [] };
    s.images.push({ sopClassUid: i.sopClassUid, sopInstanceUid: i.sopInstanceUid });
    bySeries.set(i.seriesInstanceUid, s);
  }
  const reason = h.data.status === 'DISCONTINUED' ? h.data.reason : undefined;
  let attrs: Record<string, unknown>;
  try {
    attrs = mppsSetAttributes({ status: h.data.status, end: new Date(), series: [...bySeries.values()], discontinuationReason: reason });
  } catch (e) {
    throw new ModalityError('invalid', (e as Error).message);
  }
  let mppsError: string;
  try {
    mppsError = outcomeError('N-SET', await setMpps(peer, sopInstanceUid, attrs));
  } catch (e) {
    mppsError = `MPPS not sent: ${describeFailure(failureOf(e, peer, `${peer.calledAe} to answer the MPPS N-SET`, 'the RIS (MPPS manager)'))}`;
  }
  return db.acquisition.update({
    where: { id: acquisitionId },
    data: mppsError ? { mppsError } : { mppsError: '', mppsStatus: h.data.status, discontinuedReason: reason ?? '' },
  });
}

