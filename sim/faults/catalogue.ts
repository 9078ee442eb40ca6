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
import { inboundState, startInbound, stopInbound } from '../ris/hl7/interfaceState';
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

/** The story's patient for an order the HIS sends itself (hl7-down): the scenario's `order`, as Start books one. */
const hisPatient = z
  .object({
    patientName: z.string().trim().min(1).max(64).regex(/^[^|~\\&\r\n]+$/, "FAMILY^GIVEN without HL7 delimiters"),
    patientId: z.string().trim().regex(/^[A-Za-z0-9-]{1,20}$/, 'an MRN of up to 20 letters and digits'),
    patientBirthDate: z.string().regex(/^(\d{8})?$/, 'YYYYMMDD').default(''),
    patientSex: z.enum(['M', 'F', 'O', '']).default(''),
    requestedProcedureDescription: z.string().trim().min(3).max(64).regex(/^[^|^~\\&\r\n]+$/, 'no HL7 delimiters'),
  })
  .strict();
const DEFAULT_HIS_PATIENT = { patientName: 'MORROW^GRACE', patientId: 'HIS0001', patientBirthDate: '19620214', patientSex: 'F' as const, requestedProcedureDescription: '' };

/**
 * Faults whose exam reaches the RIS through the fault itself (worklist-missing, mode hl7-down: the HIS sends the order
 * while the RIS's inbound interface is down, so it must not exist in the RIS yet). Start gives them the story's
 * patient as `params.order` instead of booking the order (app/sandbox/scenarios/attempts.ts).
 */
export function sendsOwnOrder(faultId: string, params: Record<string, unknown>): boolean {
  return faultId === 'worklist-missing' && params.mode === 'hl7-down';
}

const dateStationUndo = z.object({ orderId: z.string(), accessionNumber: z.string(), patientId: z.string(), date: z.string(), time: z.string(), station: z.string(), at: z.string() });
const hl7DownUndo = z.object({
  mode: z.literal('hl7-down'),
  /** the fault stopped the inbound interface (clear starts it again) */
  stoppedInterface: z.boolean(),
  /** the HIS's queued ORM^O01 (Hl7Outbound) */
  outboundId: z.string(),
  accessionNumber: z.string(),
  patientId: z.string(),
  at: z.string(),
});

/** The order is on the scanner's own worklist query (today, its station AE), over real DICOM. */
async function onWorklistCheck(db: Db, sandboxId: string, modalityAe: string, accessionNumber: string): Promise<CheckResult> {
  let found = false;
  let detail: string;
  try {
    const items = await scannerWorklist(db, sandboxId, modalityAe);
    found = items.some((i) => i.accessionNumber === accessionNumber);
    detail = found ? `${modalityAe}'s worklist query returns ${accessionNumber}` : `${modalityAe}'s worklist query (today, station ${(await scanner(db, sandboxId, modalityAe)).config.localAeTitle}) returns ${items.length} item(s), not ${accessionNumber}`;
  } catch (e) {
    detail = (e as Error).message;
  }
  return { id: 'on-worklist', label: `The order is on ${modalityAe}'s worklist`, passed: found, detail };
}

async function handRegistrationCheck(db: Db, sandboxId: string, patientId: string, at: string): Promise<CheckResult> {
  const manual = await db.acquisition.count({ where: { sandboxId, manual: true, patientId, createdAt: { gte: new Date(at) } } });
  return {
    id: 'no-hand-registration', label: 'The patient was not registered by hand', passed: manual === 0,
    detail: manual ? `${manual} acquisition(s) for this patient were registered by hand: their images are not linked to the order (no accession number)` : 'no hand registration',
  };
}

const worklistMissing = defineFault({
  id: 'worklist-missing',
  title: 'Study not found on the worklist',
  symptom: 'The patient is on the table, but their exam is not on the scanner\'s worklist. The other patients\' orders are there.',
  rootCause: "The order does not match the scanner's worklist query, or never reached the RIS: it is scheduled for another day or for another station AE title, so the RIS does not return it (PS3.4 K.6.1.2.2: the scanner asks for today and its own AE title); or the RIS's inbound HL7 interface is down, so the order the HIS sent was never received.",
  lesson: { slug: 'pacs-troubleshooting', heading: 'Study missing from the worklist' },
  hints: [
    'Other orders are on the worklist, so the RIS and the network work: the problem is this one order. Find it in the RIS; if the RIS has no such order at all, ask where orders come from.',
    "The scanner asks for today's date and its own station AE title: compare the order's scheduled date and station with that. No order in the RIS? Orders arrive from the HIS over HL7: look at the RIS's Interfaces page, its inbound interface and the HIS's outbound queue.",
    "Reschedule a misplaced order to today and this scanner's AE title; if the HL7 interface is stopped, start it and resend the HIS's failed message. Do not type the order in or register the patient by hand: that breaks the link to the order (and the HIS's resend would make a duplicate).",
  ],
  paramsSchema: z.object({
    modalityAe: aeTitleSchema.default('CT1'),
    accessionNumber: examParams.accessionNumber,
    mode: z.enum(['date', 'station', 'hl7-down'], { message: 'mode is date, station or hl7-down' }).default('date'),
    wrongDate: z.string().regex(/^\d{8}$/, 'a date as YYYYMMDD').optional(),
    wrongStation: aeTitleSchema.optional(),
    /** hl7-down: the patient and procedure of the order the HIS sends (the accession is accessionNumber, else the HIS's) */
    order: hisPatient.optional(),
  }),
  undoSchema: z.union([hl7DownUndo, dateStationUndo]),
  async inject(db, sandboxId, p) {
    if (p.mode === 'hl7-down') return injectHl7Down(db, sandboxId, p);
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
    if ('mode' in u) return checkHl7Down(db, sandboxId, p.modalityAe, u);
    return [await onWorklistCheck(db, sandboxId, p.modalityAe, u.accessionNumber), await handRegistrationCheck(db, sandboxId, u.patientId, u.at)];
  },
  async clear(db, sandboxId, u) {
    if ('mode' in u) {
      // the interface the fault stopped runs again; orders the HIS delivered stay (they are real orders now)
      if (u.stoppedInterface && !(await inboundState(db, sandboxId)).running) await startInbound(db, sandboxId, { actorId: null, reason: 'fault clean-up' });
      return;
    }
    const order = await db.order.findUnique({ where: { id: u.orderId } });
    if (!order || order.status !== 'scheduled') return; // started or gone: nothing to put back
    if (order.scheduledStartDate === u.date && order.scheduledStationAeTitle === u.station && order.scheduledStartTime === u.time) return;
    await rescheduleOrder(db, sandboxId, u.accessionNumber, { scheduledStartDate: u.date, scheduledStartTime: u.time, scheduledStationAeTitle: u.station }, { actorId: null, reason: 'fault clean-up' });
  },
});

/**
 * hl7-down: the RIS's inbound HL7 interface is stopped, then the HIS sends the story's new order (ORM^O01 NW, today,
 * the scanner's station) over real MLLP to the RIS's listener; the listener closes the connection without an ACK,
 * so the order stays failed in the HIS's outbound queue and never reaches the worklist.
 */
async function injectHl7Down(db: Db, sandboxId: string, p: { modalityAe: string; accessionNumber?: string; order?: z.infer<typeof hisPatient> }): Promise<z.infer<typeof hl7DownUndo>> {
  const s = await scanner(db, sandboxId, p.modalityAe);
  if (!(await inboundState(db, sandboxId)).running) throw new FaultError('conflict', "the RIS's inbound HL7 interface is already stopped in this sandbox: start it first");
  const ris = await db.dicomNode.findFirst({ where: { sandboxId, local: true, role: 'worklist' }, select: { aeTitle: true } });
  if (!ris) throw new FaultError('invalid', 'this sandbox has no worklist broker (RIS) AE title for the HIS to send to');
  const { hisAccessionNumber, queueHisOrder, sendOutbound, HisOutboundError } = await import('../ris/hl7/hisOutbound');
  const now = new Date();
  const today = localDicomDate(now);
  const accessionNumber = p.accessionNumber ?? hisAccessionNumber(today);
  // the point of this variant: the RIS has never heard of the order
  if (await db.order.findUnique({ where: { sandboxId_accessionNumber: { sandboxId, accessionNumber } }, select: { id: true } })) {
    throw new FaultError('invalid', `the order ${accessionNumber} already exists in the RIS: hl7-down needs an order the RIS has never received (leave accessionNumber empty)`);
  }
  const patient = p.order ?? { ...DEFAULT_HIS_PATIENT, requestedProcedureDescription: `${s.config.modality} EXAMINATION` };
  const hhmm = `${String(now.getHours()).padStart(2, '0')}${String(now.getMinutes()).padStart(2, '0')}`;
  await stopInbound(db, sandboxId, { actorId: null, reason: '' });
  try {
    const queued = await queueHisOrder(db, sandboxId, {
      receivingApplication: ris.aeTitle,
      ...patient,
      accessionNumber,
      modality: s.config.modality,
      scheduledStationAeTitle: s.config.localAeTitle,
      scheduledStart: `${today}${hhmm}`,
      reason: 'Outpatient referral',
    });
    const sent = await sendOutbound(db, queued.id);
    if (sent.status === 'sent') throw new FaultError('conflict', "the RIS acknowledged the HIS's order although its inbound interface is stopped: is another HL7 listener answering on this port?");
    return { mode: 'hl7-down', stoppedInterface: true, outboundId: queued.id, accessionNumber, patientId: patient.patientId, at: now.toISOString() };
  } catch (e) {
    await startInbound(db, sandboxId, { actorId: null, reason: 'fault injection failed' });
    if (e instanceof HisOutboundError) throw new FaultError(e.kind, e.message);
    throw e;
  }
}

async function checkHl7Down(db: Db, sandboxId: string, modalityAe: string, u: z.infer<typeof hl7DownUndo>): Promise<CheckResult[]> {
  const [state, msg, order, others] = await Promise.all([
    inboundState(db, sandboxId),
    db.hl7Outbound.findUnique({ where: { id: u.outboundId } }),
    db.order.findUnique({ where: { sandboxId_accessionNumber: { sandboxId, accessionNumber: u.accessionNumber } }, select: { status: true } }),
    // typed in by hand: another order for the patient since the fault (the RIS gives it another accession number)
    db.order.findMany({ where: { sandboxId, patientId: u.patientId, accessionNumber: { not: u.accessionNumber }, createdAt: { gte: new Date(u.at) }, status: { not: 'cancelled' } }, select: { accessionNumber: true } }),
  ]);
  const delivered = msg?.status === 'sent' && msg.ackCode === 'AA';
  const worklist = order ? await onWorklistCheck(db, sandboxId, modalityAe, u.accessionNumber) : { id: 'on-worklist', label: `The order is on ${modalityAe}'s worklist`, passed: false, detail: `the RIS has no order ${u.accessionNumber}` };
  return [
    {
      id: 'interface-running', label: "The RIS's inbound HL7 interface is running", passed: state.running,
      detail: state.running ? 'the RIS applies and acknowledges HL7 messages' : `the inbound interface is stopped since ${state.stoppedAt!.toISOString()}: messages from the HIS get no ACK`,
    },
    {
      id: 'order-delivered', label: "The HIS's order message was delivered (ACK AA)", passed: delivered,
      detail: !msg ? "the HIS's message is gone from its outbound queue" : delivered ? `${msg.messageType} ${msg.controlId} acknowledged AA after ${msg.attempts} attempt(s)` : `${msg.messageType} ${msg.controlId} is ${msg.status}${msg.lastError ? `: ${msg.lastError}` : ''}`,
    },
    worklist,
    {
      id: 'not-typed-by-hand', label: 'The order was not typed in by hand', passed: others.length === 0,
      detail: others.length
        ? `${others.length} other order(s) for this patient were placed in the RIS (${others.map((o) => o.accessionNumber).join(', ')}): another accession number, and a duplicate once the HIS resends its own`
        : 'one order for the patient, the one the HIS sent',
    },
    await handRegistrationCheck(db, sandboxId, u.patientId, u.at),
  ];
}

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
