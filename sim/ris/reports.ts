// The radiologist's report on one study: a draft, then signed (final). Signing is one transaction that makes the
// report final, moves the study to `read` through nextStudyStatus and its order to `reported` through
// nextOrderStatus, each compare-and-set on the status it read, each audited. Only after that commits is the
// ORU^R01 sent: a delivery that fails leaves the signed report signed, with its delivery status recorded.
// A final report cannot change; addenda (a corrected or added result, OBR-25 C) are out of scope here.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../prisma/db';
import { nextStudyStatus } from '../archive/studyStatus';
import { deliverOru, type Hl7Endpoint } from './hl7/oru';
import { nextOrderStatus } from './orderStatus';

export class ReportError extends Error {
  constructor(
    readonly kind: 'invalid' | 'not-found' | 'conflict',
    message: string,
    readonly fields?: Record<string, string[]>,
  ) {
    super(message);
  }
}

export const ReportText = z.object({
  findings: z.string().trim().max(8000, 'Findings: at most 8000 characters.').default(''),
  impression: z.string().trim().max(2000, 'Impression: at most 2000 characters.').default(''),
});
export type ReportText = z.input<typeof ReportText>;

export interface Reader {
  actorId: string | null;
  /** shown on the report and sent as OBR-32 (PN with ^ when known) */
  name: string;
}

function parseText(text: ReportText) {
  const parsed = ReportText.safeParse(text);
  if (!parsed.success) {
    const fields: Record<string, string[]> = {};
    for (const i of parsed.error.issues) (fields[String(i.path[0])] ??= []).push(i.message);
    throw new ReportError('invalid', 'The report was not saved: check the fields marked in red.', fields);
  }
  return parsed.data;
}

async function studyAndOrder(db: Db, sandboxId: string, studyInstanceUid: string) {
  const study = await db.study.findUnique({ where: { sandboxId_studyInstanceUid: { sandboxId, studyInstanceUid } }, include: { patient: true, series: { select: { modality: true } } } });
  if (!study) throw new ReportError('not-found', 'There is no such study in this archive.');
  const order = study.accessionNumber ? await db.order.findUnique({ where: { sandboxId_accessionNumber: { sandboxId, accessionNumber: study.accessionNumber } } }) : null;
  const report = await db.report.findUnique({ where: { sandboxId_studyInstanceUid: { sandboxId, studyInstanceUid } } });
  return { study, order, report };
}

const FINAL = 'This report is signed (final): it can no longer be changed. Addenda are not part of this lab.';

/** Saves the findings and impression as a draft (creating the report on first save). */
export async function saveDraft(db: Db, sandboxId: string, studyInstanceUid: string, text: ReportText, reader: Reader) {
  const t = parseText(text);
  const { study, order, report } = await studyAndOrder(db, sandboxId, studyInstanceUid);
  if (report?.status === 'final') throw new ReportError('conflict', FINAL);
  let saved;
  if (report) {
    const n = await db.report.updateMany({ where: { id: report.id, status: 'draft' }, data: { ...t } });
    if (n.count !== 1) throw new ReportError('conflict', 'The report was signed meanwhile: reload to see the final report.');
    saved = await db.report.findUniqueOrThrow({ where: { id: report.id } });
  } else {
    saved = await db.report.create({
      data: { sandboxId, studyRefId: study.id, studyInstanceUid, orderId: order?.id ?? null, accessionNumber: study.accessionNumber, ...t, status: 'draft', authorId: reader.actorId ?? 'system', authorName: reader.name },
    });
  }
  await db.auditEvent.create({ data: { actorId: reader.actorId, action: 'report.draft', target: `study:${studyInstanceUid}`, reason: '', detail: { sandboxId, reportId: saved.id } } });
  return saved;
}

/** Why a study in this status cannot be reported, in a PACS administrator's words. */
export function notReadableReason(studyStatus: string): string {
  switch (studyStatus) {
    case 'hold':
      return 'Verify the study first (it is on hold): release it from hold in the PACS console, check it, then verify it.';
    case 'received':
      return 'Verify the study first (it is received: nobody has checked it yet). Verify it in the PACS console.';
    case 'unverified':
      return 'Verify the study first (it is flagged for QC): check patient and order, then verify it in the PACS console.';
    case 'read':
      return 'This study is already read.';
    default:
      return `The study cannot be reported in status "${studyStatus}".`;
  }
}

export interface SignOptions {
  /** MSH-3 of the ORU: the sandbox's RIS AE title */
  sendingApplication: string;
  endpoint: Hl7Endpoint | null | { error: string };
  timeoutMs?: number;
  now?: Date;
}

/** Signs the report: final, study read, order reported, audited; then the ORU^R01 goes out. */
export async function signReport(db: Db, sandboxId: string, studyInstanceUid: string, text: ReportText, reader: Reader, opts: SignOptions) {
  const t = parseText(text);
  if (!t.impression) throw new ReportError('invalid', 'The report was not signed: check the fields marked in red.', { impression: ['A signed report needs an impression.'] });
  const { study, order, report } = await studyAndOrder(db, sandboxId, studyInstanceUid);
  if (report?.status === 'final') throw new ReportError('conflict', FINAL);
  const studyNext = nextStudyStatus(study.status, 'mark-read');
  if (!studyNext.ok) throw new ReportError('conflict', notReadableReason(study.status));
  const orderNext = order ? nextOrderStatus(order.status, 'report-signed') : null;
  if (order && orderNext && !orderNext.ok) {
    throw new ReportError('conflict', `The order ${order.accessionNumber} is ${order.status}: a report cannot complete it. Reschedule the order in the RIS first if the exam was in fact done.`);
  }
  const signedAt = opts.now ?? new Date();
  const signed = await db.$transaction(async (tx) => {
    const s = await tx.study.updateMany({ where: { id: study.id, status: study.status }, data: { status: 'read' } });
    if (s.count !== 1) throw new ReportError('conflict', 'Someone changed this study just now. Reload and try again.');
    if (order && orderNext?.ok) {
      const o = await tx.order.updateMany({ where: { id: order.id, status: order.status }, data: { status: orderNext.status } });
      if (o.count !== 1) throw new ReportError('conflict', 'The order changed just now (a modality or the RIS). Reload and try again.');
    }
    const data = { ...t, status: 'final', signedById: reader.actorId, signedByName: reader.name, signedAt, deliveryStatus: 'pending' };
    let r;
    if (report) {
      const n = await tx.report.updateMany({ where: { id: report.id, status: 'draft' }, data });
      if (n.count !== 1) throw new ReportError('conflict', 'The report was signed meanwhile: reload to see the final report.');
      r = await tx.report.findUniqueOrThrow({ where: { id: report.id } });
    } else {
      r = await tx.report.create({ data: { sandboxId, studyRefId: study.id, studyInstanceUid, orderId: order?.id ?? null, accessionNumber: study.accessionNumber, authorId: reader.actorId ?? 'system', authorName: reader.name, ...data } });
    }
    const target = `study:${studyInstanceUid}`;
    await tx.auditEvent.createMany({
      data: [
        { actorId: reader.actorId, action: 'report.sign', target, reason: '', detail: { sandboxId, reportId: r.id } },
        { actorId: reader.actorId, action: 'study.mark-read', target, reason: 'report signed', detail: { from: study.status, to: 'read', sandboxId } },
        ...(order && orderNext?.ok ? [{ actorId: reader.actorId, action: 'order.report-signed', target: `order:${order.accessionNumber}`, reason: 'report signed', detail: { from: order.status, to: orderNext.status } }] : []),
      ],
    });
    return r;
  });

  const modality = order?.modality ?? [...new Set(study.series.map((s) => s.modality).filter(Boolean))][0] ?? '';
  const delivery = await deliverOru(
    db,
    sandboxId,
    {
      sendingApplication: opts.sendingApplication,
      controlId: `ORU${signedAt.getTime().toString(36).toUpperCase()}${randomBytes(2).toString('hex').toUpperCase()}`,
      sentAt: new Date(),
      // the RIS's demographics when the study has an order (as the placer knows the patient), else the images'
      patient: order
        ? { patientId: order.patientId, patientName: order.patientName, birthDate: order.patientBirthDate, sex: order.patientSex }
        : { patientId: study.patient.patientId, patientName: study.patient.patientName, birthDate: study.patient.birthDate, sex: study.patient.sex },
      accessionNumber: study.accessionNumber,
      studyInstanceUid,
      procedureCode: order?.requestedProcedureId ?? '',
      procedureDescription: order?.requestedProcedureDescription || study.studyDescription,
      modality,
      observationDateTime: `${study.studyDate}${study.studyTime.replace(/\..*$/, '')}`,
      findings: t.findings,
      impression: t.impression,
      interpreterName: reader.name,
      signedAt,
    },
    opts.endpoint,
    { timeoutMs: opts.timeoutMs },
  );
  const report2 = await db.report.update({ where: { id: signed.id }, data: { deliveryStatus: delivery.status, deliveryError: delivery.error } });
  return { report: report2, delivery };
}
