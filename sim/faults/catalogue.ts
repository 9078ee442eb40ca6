// The fault catalogue: the failures technologists meet at work, each a typed, zod-checked value (types.ts) that
// an instructor injects into a sandbox and that is graded by the real outcome — what the archive, the worklist
// and the MPPS actually hold afterwards (PACS Lab issue #8). Every inject works through the same modules the
// consoles use (the scanner's network settings, the send queue, the RIS, the node table), so the symptom is
// real DICOM: a refused connection, an A-ASSOCIATE-RJ with its reason, a C-STORE A700, a worklist without the order.
import net from 'node:net';
import { z } from 'zod';
import type { Db } from '../../prisma/db';
import { endExam } from '../modality/acquire';
import { aeTitleSchema, hostSchema, portSchema, saveDestination, targetOf } from '../modality/config';
import { ModalityError } from '../modality/failures';
import { localDicomDate } from '../modality/worklist';
import { OrderError, rescheduleOrder } from '../ris/orders';
import { examChecks, examParams, examRef, examUndo, scanFromWorklist, scanner, scannerWorklist, sendExam } from './exam';
import { deleteRemoteNode, saveRemoteNode, setStorageQuota, storageUsed } from './fixTools';
import { defineFault, FaultError, type CheckResult, type Fault } from './types';
import { mergedStudy, splitStudy } from './studyFaults';
import { networkStall, pacsOffline } from './networkFaults';
import { readingFilterHides, studyUnverified } from './studyStatusFaults';
import { syntaxNotAccepted } from './syntaxFault';
import { lossyBeforeRead } from './policyFaults';
import { wrongPatient } from './patientFaults';

export { type CheckResult, type Fault } from './types';

const SYSTEM = { actorId: null, reason: 'fault injection' };

/** A TCP port on the host where nothing listens right now (bind, read the port, close). */
async function closedPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

async function defaultArchive(db: Db, sandboxId: string, modalityAe: string) {
  const s = await scanner(db, sandboxId, modalityAe);
  const archive = s.destinations.find((d) => d.role === 'archive' && d.isDefault);
  if (!archive) throw new FaultError('invalid', `${modalityAe} has no default archive destination to break`);
  return { scanner: s, archive };
}

/** Puts a destination back as it was; a destination the student deleted is left deleted (they made a new one). */
async function restoreDestination(db: Db, sandboxId: string, modalityAe: string, id: string, to: { aeTitle: string; host: string; port: number }) {
  const d = await db.modalityDestination.findFirst({ where: { id, sandboxId, modalityAe } });
  if (!d) return;
  await saveDestination(db, sandboxId, modalityAe, { id, role: d.role, name: d.name, isDefault: d.isDefault, ...to });
}

/** The scanner's default archive destination(s) point at the archive the fault took it away from. */
async function destinationCheck(db: Db, sandboxId: string, modalityAe: string, listener: { aeTitle: string; host: string; port: number }): Promise<CheckResult> {
  const dests = await db.modalityDestination.findMany({ where: { sandboxId, modalityAe, role: 'archive', isDefault: true } });
  const wrong = dests.filter((d) => d.aeTitle !== listener.aeTitle || d.host !== listener.host || d.port !== listener.port);
  const want = targetOf(listener);
  return {
    id: 'destination',
    label: `${modalityAe} sends to the archive (${want})`,
    passed: dests.length > 0 && wrong.length === 0,
    detail: !dests.length ? `${modalityAe} has no default archive destination` : wrong.length ? `${modalityAe} sends to ${wrong.map(targetOf).join(', ')}, not ${want}` : `${modalityAe} sends to ${want}`,
  };
}

const listenerUndo = { destinationId: z.string().min(1), aeTitle: z.string(), host: z.string(), port: z.number().int() };

// -------------------------------------------------------------------------------------------------- 1
const sendWrongPort = defineFault({
  id: 'send-wrong-port',
  title: 'Send failed — wrong port or host',
  symptom: "The CT was scanned and the technologist pressed Send, but the radiologist cannot find the study. The scanner's send queue shows the job failed: \"Connection refused\".",
  rootCause: "The scanner's archive destination points at a port (or host) where no DICOM application listens, so the TCP connection is refused before any association starts.",
  lesson: { slug: 'pacs-troubleshooting', heading: 'Send failed: three different failures' },
  hints: [
    'Read the exact error in the send queue: is it a refused connection, a rejected association or a DIMSE status? Each points somewhere else.',
    "\"Connection refused\" means nothing listens at that host and port: compare the scanner's archive destination with the address the PACS listens on (the sandbox page shows it).",
    "Correct the host/port on the scanner's network configuration page, then press Retry on the failed job. Do not scan again: the images are waiting on the scanner.",
  ],
  paramsSchema: z.object({
    ...examParams,
    /** port: a port nobody listens on; host: a loopback address the listener is not bound to */
    mode: z.enum(['port', 'host'], { message: 'mode is port or host' }).default('port'),
    wrongPort: portSchema.optional(),
    wrongHost: hostSchema.default('127.0.0.2'),
  }),
  undoSchema: z.object({ ...examUndo, ...listenerUndo }),
  async inject(db, sandboxId, p) {
    const { archive } = await defaultArchive(db, sandboxId, p.modalityAe);
    const acq = await scanFromWorklist(db, sandboxId, p, true);
    const wrong = p.mode === 'port' ? { host: archive.host, port: p.wrongPort ?? (await closedPort(archive.host)) } : { host: p.wrongHost, port: archive.port };
    if (wrong.host === archive.host && wrong.port === archive.port) throw new FaultError('invalid', `${targetOf(archive)} is the archive's own address: choose another port or host`);
    await saveDestination(db, sandboxId, p.modalityAe, { id: archive.id, role: 'archive', name: archive.name, aeTitle: archive.aeTitle, isDefault: true, ...wrong });
    await sendExam(db, acq.id);
    return { ...examRef(acq), destinationId: archive.id, aeTitle: archive.aeTitle, host: archive.host, port: archive.port };
  },
  async check(db, sandboxId, p, u) {
    return [await destinationCheck(db, sandboxId, p.modalityAe, u), ...(await examChecks(db, sandboxId, u))];
  },
  async clear(db, sandboxId, u) {
    const acq = await db.acquisition.findUnique({ where: { id: u.acquisitionId }, select: { modalityAe: true } });
    const modalityAe = acq?.modalityAe ?? (await db.modalityDestination.findUnique({ where: { id: u.destinationId } }))?.modalityAe;
    if (modalityAe) await restoreDestination(db, sandboxId, modalityAe, u.destinationId, u);
  },
});

// -------------------------------------------------------------------------------------------------- 2
const nodeSchema = z.object({ aeTitle: z.string(), role: z.string(), host: z.string(), port: z.number().int(), description: z.string() });

const sendAeMismatch = defineFault({
  id: 'send-ae-mismatch',
  title: 'Send failed — AE title mismatch',
  symptom: 'The exam was scanned and sent, but nothing arrived on the PACS. The send queue shows "Association rejected".',
  rootCause: "The scanner and the PACS disagree about AE titles: either the scanner calls the archive by a wrong (called) AE title, or the PACS's node table does not know the scanner's (calling) AE title, so the PACS rejects the association (PS3.8 9.3.4: reason 7 or 3).",
  lesson: { slug: 'dicom-services', heading: 'Nodes: AE title, host and port' },
  hints: [
    'The connection was made but the PACS said no: read the rejection reason in the send queue and in the PACS network log.',
    '"Called AE title not recognized" (7) points at the destination AE title on the scanner; "calling AE title not recognized" (3) points at the PACS\'s node table.',
    "Make both sides agree: the scanner's destination AE title must be the archive's own AE title, and the PACS's node table must list the scanner's AE title. Then Retry the failed job; do not scan again.",
  ],
  paramsSchema: z.object({
    ...examParams,
    /** called-ae: the scanner's destination AE is wrong (reason 7); unregistered / renamed: the PACS does not know the scanner (reason 3) */
    mode: z.enum(['called-ae', 'unregistered', 'renamed'], { message: 'mode is called-ae, unregistered or renamed' }).default('called-ae'),
    wrongAeTitle: aeTitleSchema.optional(),
  }),
  undoSchema: z.object({ ...examUndo, ...listenerUndo, mode: z.enum(['called-ae', 'unregistered', 'renamed']), localAeTitle: z.string(), node: nodeSchema.nullable(), renamedTo: z.string().nullable() }),
  async inject(db, sandboxId, p) {
    const { scanner: s, archive } = await defaultArchive(db, sandboxId, p.modalityAe);
    const local = s.config.localAeTitle;
    const node = await db.dicomNode.findUnique({ where: { sandboxId_aeTitle: { sandboxId, aeTitle: local } } });
    if (p.mode !== 'called-ae' && (!node || node.local)) throw new FaultError('invalid', `the PACS does not list ${local} as a remote node: there is nothing to unregister`);
    const acq = await scanFromWorklist(db, sandboxId, p, true);
    let renamedTo: string | null = null;
    if (p.mode === 'called-ae') {
      const wrong = p.wrongAeTitle ?? `${archive.aeTitle}1`.slice(0, 16);
      // routing is by called AE across every sandbox (DESIGN.md): the wrong title must be nobody's
      if (wrong === archive.aeTitle || (await db.dicomNode.findFirst({ where: { aeTitle: wrong, local: true } }))) throw new FaultError('invalid', `${wrong} is a real archive AE title: choose a wrong one`);
      await saveDestination(db, sandboxId, p.modalityAe, { id: archive.id, role: 'archive', name: archive.name, aeTitle: wrong, host: archive.host, port: archive.port, isDefault: true });
    } else if (p.mode === 'unregistered') {
      await deleteRemoteNode(db, sandboxId, local, SYSTEM);
    } else {
      // CT1 → CT01: the PACS administrator typed it differently
      renamedTo = p.wrongAeTitle ?? (/\d+$/.test(local) ? local.replace(/(\d+)$/, '0$1') : `${local}0`).slice(0, 16);
      if (renamedTo === local) throw new FaultError('invalid', `the wrong AE title must differ from ${local}`);
      await saveRemoteNode(db, sandboxId, { previousAeTitle: local, aeTitle: renamedTo, role: node!.role as 'modality', host: node!.host, port: node!.port, description: node!.description }, SYSTEM);
    }
    await sendExam(db, acq.id);
    return {
      ...examRef(acq), destinationId: archive.id, aeTitle: archive.aeTitle, host: archive.host, port: archive.port, mode: p.mode, localAeTitle: local, renamedTo,
      node: node ? { aeTitle: node.aeTitle, role: node.role, host: node.host, port: node.port, description: node.description } : null,
    };
  },
  async check(db, sandboxId, p, u) {
    const s = await scanner(db, sandboxId, p.modalityAe);
    const calling = s.config.localAeTitle;
    const known = await db.dicomNode.findFirst({ where: { sandboxId, aeTitle: calling, local: false } });
    const archiveNodes = await db.dicomNode.findMany({ where: { sandboxId, local: true, role: 'archive' }, select: { aeTitle: true } });
    const dests = s.destinations.filter((d) => d.role === 'archive' && d.isDefault);
    const unknownCalled = dests.filter((d) => !archiveNodes.some((n) => n.aeTitle === d.aeTitle));
    return [
      {
        id: 'scanner-known', label: `The PACS knows the scanner's AE title (${calling})`, passed: !!known,
        detail: known ? `${calling} is in the PACS's node table` : `${calling} is not in the PACS's node table: the PACS rejects it (calling AE title not recognized)`,
      },
      {
        id: 'called-ae', label: "The scanner calls the archive by the archive's AE title", passed: dests.length > 0 && unknownCalled.length === 0,
        detail: !dests.length ? `${p.modalityAe} has no default archive destination` : unknownCalled.length ? `${unknownCalled.map((d) => d.aeTitle).join(', ')} is not an archive AE title of this PACS (${archiveNodes.map((n) => n.aeTitle).join(', ')})` : `${p.modalityAe} calls ${dests.map((d) => d.aeTitle).join(', ')}`,
      },
      await destinationCheck(db, sandboxId, p.modalityAe, u),
      ...(await examChecks(db, sandboxId, u)),
    ];
  },
  async clear(db, sandboxId, u) {
    const acq = await db.acquisition.findUnique({ where: { id: u.acquisitionId }, select: { modalityAe: true } });
    if (u.mode === 'called-ae' && acq) await restoreDestination(db, sandboxId, acq.modalityAe, u.destinationId, u);
    if (u.node) {
      const original = await db.dicomNode.findUnique({ where: { sandboxId_aeTitle: { sandboxId, aeTitle: u.node.aeTitle } } });
      if (original) return;
      const renamed = u.renamedTo ? await db.dicomNode.findUnique({ where: { sandboxId_aeTitle: { sandboxId, aeTitle: u.renamedTo } } }) : null;
      await saveRemoteNode(db, sandboxId, { ...(renamed && !renamed.local ? { previousAeTitle: renamed.aeTitle } : {}), ...u.node, role: u.node.role as 'modality' }, SYSTEM);
    }
  },
});

// -------------------------------------------------------------------------------------------------- 3
const mb = (b: bigint) => `${(Number(b) / 1024 / 1024).toFixed(1)} MB`;

const sendStorageFull = defineFault({
  id: 'send-storage-full',
  title: 'Send failed — archive storage full',
  symptom: 'The exam was sent, but every image failed. The send queue shows "C-STORE failed: 0xA700".',
  rootCause: 'The archive has used up its storage quota, so it refuses every new image with the C-STORE status A700 "Refused: Out of Resources" (PS3.4 B.2.3). The association and the network are fine.',
  lesson: { slug: 'pacs-troubleshooting', heading: 'Send failed: three different failures' },
  hints: [
    'The association was accepted, so the network and the AE titles are fine: look at the DIMSE status each image got.',
    "A700 is \"Refused: Out of Resources\": the archive cannot store anything more. Look at the archive's storage use against its quota on the PACS console.",
    'Free space (move old studies to the long-term tier) or raise the quota, then press Retry on the failed job. A re-scan would not help and doses the patient again.',
  ],
  paramsSchema: z.object(examParams),
  undoSchema: z.object({ ...examUndo, quotaBytes: z.string().regex(/^\d+$/) }),
  async inject(db, sandboxId, p) {
    const sandbox = await db.sandbox.findUnique({ where: { id: sandboxId }, select: { storageQuotaBytes: true } });
    if (!sandbox) throw new FaultError('not-found', `sandbox ${sandboxId} does not exist`);
    const acq = await scanFromWorklist(db, sandboxId, p, true);
    const used = await storageUsed(db, sandboxId);
    // below what is used: the next byte stored is over quota
    await setStorageQuota(db, sandboxId, used > 0n ? used - 1n : 0n, SYSTEM);
    await sendExam(db, acq.id);
    return { ...examRef(acq), quotaBytes: sandbox.storageQuotaBytes.toString() };
  },
  async check(db, sandboxId, _p, u) {
    const [sandbox, used] = await Promise.all([db.sandbox.findUniqueOrThrow({ where: { id: sandboxId }, select: { storageQuotaBytes: true } }), storageUsed(db, sandboxId)]);
    const quota = sandbox.storageQuotaBytes;
    return [
      { id: 'space', label: 'The archive has room to store', passed: used <= quota && quota > 0n, detail: `the archive holds ${mb(used)} of its ${mb(quota)} quota` },
      ...(await examChecks(db, sandboxId, u)),
    ];
  },
  async clear(db, sandboxId, u) {
    const sandbox = await db.sandbox.findUnique({ where: { id: sandboxId }, select: { storageQuotaBytes: true } });
    const original = BigInt(u.quotaBytes);
    if (sandbox && sandbox.storageQuotaBytes < original) await setStorageQuota(db, sandboxId, original, { actorId: null, reason: 'fault clean-up' });
  },
});

// -------------------------------------------------------------------------------------------------- 4
/** The day after a DA value, as the console's local calendar has it. */
function dayAfter(da: string): string {
  const d = new Date(Number(da.slice(0, 4)), Number(da.slice(4, 6)) - 1, Number(da.slice(6, 8)) + 1);
  return localDicomDate(d);
}

const worklistMissing = defineFault({
  id: 'worklist-missing',
  title: 'Study not found on the worklist',
  symptom: 'The patient is on the table, but their exam is not on the scanner\'s worklist. The other patients\' orders are there.',
  rootCause: "The order is in the RIS but does not match the scanner's worklist query: it is scheduled for another day, or for another station AE title, so the RIS does not return it (PS3.4 K.6.1.2.2: the scanner asks for today and its own AE title).",
  lesson: { slug: 'pacs-troubleshooting', heading: 'Study missing from the worklist' },
  hints: [
    'Other orders are on the worklist, so the RIS and the network work: the problem is this one order. Find it in the RIS.',
    "The scanner asks for today's date and its own station AE title. Compare the order's scheduled date and scheduled station with what the scanner asks for.",
    'Reschedule the order in the RIS to today and to this scanner\'s AE title, then refresh the worklist. Do not register the patient by hand: that breaks the link to the order.',
  ],
  paramsSchema: z.object({
    modalityAe: aeTitleSchema.default('CT1'),
    accessionNumber: examParams.accessionNumber,
    mode: z.enum(['date', 'station'], { message: 'mode is date or station' }).default('date'),
    wrongDate: z.string().regex(/^\d{8}$/, 'a date as YYYYMMDD').optional(),
    wrongStation: aeTitleSchema.optional(),
  }),
  undoSchema: z.object({ orderId: z.string(), accessionNumber: z.string(), patientId: z.string(), date: z.string(), time: z.string(), station: z.string(), at: z.string() }),
  async inject(db, sandboxId, p) {
    const items = await scannerWorklist(db, sandboxId, p.modalityAe);
    const item = p.accessionNumber ? items.find((i) => i.accessionNumber === p.accessionNumber) : items[0];
    if (!item) throw new FaultError('invalid', p.accessionNumber ? `${p.accessionNumber} is not on ${p.modalityAe}'s worklist today` : `${p.modalityAe}'s worklist is empty today`);
    const order = await db.order.findUnique({ where: { sandboxId_accessionNumber: { sandboxId, accessionNumber: item.accessionNumber } } });
    if (!order) throw new FaultError('not-found', `no order ${item.accessionNumber} in this sandbox`);
    const station = p.mode === 'station' ? (p.wrongStation ?? (/\d+$/.test(order.scheduledStationAeTitle) ? order.scheduledStationAeTitle.replace(/\d+$/, (d) => String(Number(d) + 1)) : `${order.scheduledStationAeTitle}2`)) : undefined;
    if (station === order.scheduledStationAeTitle) throw new FaultError('invalid', `the wrong station must differ from ${station}`);
    const at = new Date();
    try {
      await rescheduleOrder(db, sandboxId, order.accessionNumber, {
        scheduledStartDate: p.mode === 'date' ? (p.wrongDate ?? dayAfter(order.scheduledStartDate)) : order.scheduledStartDate,
        scheduledStartTime: order.scheduledStartTime,
        ...(station ? { scheduledStationAeTitle: station } : {}),
      }, { actorId: null });
    } catch (e) {
      if (e instanceof OrderError) throw new FaultError(e.kind, e.message);
      throw e;
    }
    return { orderId: order.id, accessionNumber: order.accessionNumber, patientId: order.patientId, date: order.scheduledStartDate, time: order.scheduledStartTime, station: order.scheduledStationAeTitle, at: at.toISOString() };
  },
  async check(db, sandboxId, p, u) {
    let found = false;
    let detail: string;
    try {
      const items = await scannerWorklist(db, sandboxId, p.modalityAe);
      found = items.some((i) => i.accessionNumber === u.accessionNumber);
      detail = found ? `${p.modalityAe}'s worklist query returns ${u.accessionNumber}` : `${p.modalityAe}'s worklist query (today, station ${(await scanner(db, sandboxId, p.modalityAe)).config.localAeTitle}) returns ${items.length} item(s), not ${u.accessionNumber}`;
    } catch (e) {
      detail = (e as Error).message;
    }
    const manual = await db.acquisition.count({ where: { sandboxId, manual: true, patientId: u.patientId, createdAt: { gte: new Date(u.at) } } });
    return [
      { id: 'on-worklist', label: `The order is on ${p.modalityAe}'s worklist`, passed: found, detail },
      {
        id: 'no-hand-registration', label: 'The patient was not registered by hand', passed: manual === 0,
        detail: manual ? `${manual} acquisition(s) for this patient were registered by hand: their images are not linked to the order (no accession number)` : 'no hand registration',
      },
    ];
  },
  async clear(db, sandboxId, u) {
    const order = await db.order.findUnique({ where: { id: u.orderId } });
    if (!order || order.status !== 'scheduled') return; // started or gone: nothing to put back
    if (order.scheduledStartDate === u.date && order.scheduledStationAeTitle === u.station && order.scheduledStartTime === u.time) return;
    await rescheduleOrder(db, sandboxId, u.accessionNumber, { scheduledStartDate: u.date, scheduledStartTime: u.time, scheduledStationAeTitle: u.station }, { actorId: null, reason: 'fault clean-up' });
  },
});

// -------------------------------------------------------------------------------------------------- 5
const mppsInProgress = defineFault({
  id: 'mpps-in-progress',
  title: 'MPPS left IN PROGRESS',
  symptom: 'The images are on the PACS, but the RIS still shows the exam "in progress", so it never reaches the radiologist\'s list of completed exams.',
  rootCause: 'The scanner reported the step IN PROGRESS (MPPS N-CREATE) at the start but never sent the final N-SET COMPLETED (PS3.4 F.7.2.2), so the order never completes.',
  lesson: { slug: 'worklist-mpps-storage-commitment', heading: 'MPPS: telling everyone what was done' },
  hints: [
    'The images arrived, so sending is not the problem: look at what the RIS knows about the exam.',
    'The RIS learns that an exam ended from the scanner\'s MPPS message. Which MPPS messages did the scanner send for this exam?',
    "End the exam at the scanner console (Complete): it sends the MPPS N-SET COMPLETED with the series it made. Do not scan again.",
  ],
  paramsSchema: z.object(examParams),
  undoSchema: z.object({ ...examUndo, mppsSopInstanceUid: z.string() }),
  async inject(db, sandboxId, p) {
    const acq = await scanFromWorklist(db, sandboxId, p, false);
    if (acq.mppsStatus !== 'IN PROGRESS') throw new FaultError('invalid', `the scanner could not report the exam IN PROGRESS: ${acq.mppsError || acq.mppsStatus}`);
    const jobs = await sendExam(db, acq.id);
    if (jobs.some((j) => j.status !== 'done')) throw new FaultError('invalid', `the exam could not be sent: ${jobs.map((j) => j.error).filter(Boolean).join('; ')}`);
    return { ...examRef(acq), mppsSopInstanceUid: acq.mppsSopInstanceUid };
  },
  async check(db, sandboxId, _p, u) {
    const [pps, order] = await Promise.all([
      db.performedProcedureStep.findFirst({ where: { sandboxId, sopInstanceUid: u.mppsSopInstanceUid } }),
      u.orderId ? db.order.findUnique({ where: { id: u.orderId } }) : null,
    ]);
    const [images, , rescan] = await examChecks(db, sandboxId, u);
    return [
      { id: 'mpps-completed', label: 'The RIS has the step COMPLETED', passed: pps?.status === 'COMPLETED', detail: pps ? `the RIS has the performed procedure step ${pps.status}` : 'the RIS has no record of this step' },
      {
        id: 'order-completed', label: 'The order is completed', passed: order?.status === 'completed' || order?.status === 'reported',
        detail: order ? `order ${order.accessionNumber} is ${order.status}` : 'the order is gone',
      },
      images,
      rescan,
    ];
  },
  async clear(db, _sandboxId, u) {
    const acq = await db.acquisition.findUnique({ where: { id: u.acquisitionId } });
    if (acq?.mppsStatus !== 'IN PROGRESS') return;
    // the images are in the archive: the step ends the way it really did
    await endExam(db, acq.id, { status: 'COMPLETED' }).catch((e: unknown) => {
      if (!(e instanceof ModalityError)) throw e;
    });
  },
});

/** Every fault, in the order the catalogue lists them. */
export const CATALOGUE: readonly Fault[] = [sendWrongPort, sendAeMismatch, sendStorageFull, worklistMissing, mppsInProgress, splitStudy, mergedStudy, pacsOffline, networkStall, syntaxNotAccepted, studyUnverified, readingFilterHides, wrongPatient, lossyBeforeRead];

export function findFault(id: string): Fault | undefined {
  return CATALOGUE.find((f) => f.id === id);
}
