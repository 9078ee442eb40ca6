// The RIS's order operations (place, cancel, reschedule) for the web UI and HL7 intake: zod-checked input, an
// Accession Number and a Study Instance UID given up front, every status change through nextOrderStatus, and
// every change audited (who, what, why). Conditional updates on the status read keep two nodes from
// applying conflicting changes.
import { z } from 'zod';
import type { Db } from '../../prisma/db';
import { isValidUid } from '../dicom/uid';
import { nextOrderStatus } from './orderStatus';
import { newUid } from './risUid';

export class OrderError extends Error {
  constructor(
    readonly kind: 'invalid' | 'not-found' | 'conflict',
    message: string,
  ) {
    super(message);
  }
}

const da = z.string().regex(/^\d{8}$/, 'a date as YYYYMMDD');
const tm = z.string().regex(/^\d{2}(\d{2}(\d{2})?)?$/, 'a time as HHMM or HHMMSS');
/** PN: components separated by ^, no backslash or control characters, 64 characters per group (PS3.5 6.2) */
const pn = z.string().trim().max(64).regex(/^[^\\\x00-\x1f]*$/, 'a person name without backslashes').transform((s) => s.toUpperCase());
const ae = z.string().trim().min(1).max(16).regex(/^[^\\\x00-\x1f]+$/, 'an AE title (1-16 characters, no backslash)');
const sh = (what: string) => z.string().trim().max(16, `${what}: at most 16 characters (SH)`);
const lo = z.string().trim().max(64);

export const OrderInput = z.object({
  patientId: z.string().trim().min(1, 'the MRN is required').max(64),
  patientName: pn.refine((s) => s.length > 0, 'the patient name is required'),
  patientBirthDate: da.or(z.literal('')).default(''),
  patientSex: z.enum(['M', 'F', 'O', '']).default(''),
  accessionNumber: sh('Accession Number').min(1).optional(),
  requestedProcedureDescription: lo.min(1, 'the requested procedure is required'),
  modality: z.string().trim().toUpperCase().regex(/^[A-Z]{2,4}$/, 'a modality code such as CT, MR, DX or US'),
  scheduledStationAeTitle: ae,
  scheduledStartDate: da,
  scheduledStartTime: tm,
  referringPhysicianName: pn.default(''),
  reason: lo.default(''),
  priority: z.enum(['STAT', 'HIGH', 'ROUTINE', 'MEDIUM', 'LOW']).default('ROUTINE'),
  scheduledPerformingPhysicianName: pn.default(''),
  /** given by the order filler when it assigned one (IHE RAD-4 OMI IPC-3); otherwise made up here */
  studyInstanceUid: z.string().trim().refine(isValidUid, 'a Study Instance UID (digits and dots, PS3.5 9.1)').optional(),
});
export type OrderInput = z.input<typeof OrderInput>;

export interface Actor {
  /** User id, or null for the system (HL7, seeding) */
  actorId: string | null;
  reason?: string;
}

function accessionFor(date: string) {
  // SH, 16 characters at most: A + date + - + 5 random base-36 characters
  const rand = Array.from({ length: 5 }, () => '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'[Math.floor(Math.random() * 36)]).join('');
  return `A${date}-${rand}`;
}

/** Places an order: it goes on the worklist of its scheduled station at once. */
export async function createOrder(db: Db, sandboxId: string, input: OrderInput, actor: Actor) {
  const parsed = OrderInput.safeParse(input);
  if (!parsed.success) throw new OrderError('invalid', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const { accessionNumber: given, studyInstanceUid: givenUid, ...o } = parsed.data;
  for (let attempt = 0; attempt < 5; attempt++) {
    const accessionNumber = given ?? accessionFor(o.scheduledStartDate);
    try {
      const order = await db.order.create({
        data: {
          sandboxId,
          ...o,
          accessionNumber,
          // one Requested Procedure with one step per order: both IDs are the Accession Number, as many RIS do
          requestedProcedureId: accessionNumber,
          scheduledProcedureStepId: accessionNumber,
          scheduledProcedureStepDescription: o.requestedProcedureDescription,
          studyInstanceUid: givenUid ?? newUid(),
        },
      });
      await db.auditEvent.create({ data: { actorId: actor.actorId, action: 'order.create', target: `order:${accessionNumber}`, reason: actor.reason ?? '', detail: { sandboxId, ...o } } });
      return order;
    } catch (e) {
      if ((e as { code?: string }).code !== 'P2002') throw e;
      if (given) throw new OrderError('conflict', `Accession Number ${given} is already used in this sandbox`);
    }
  }
  throw new OrderError('conflict', 'could not find a free Accession Number; try again');
}

async function load(db: Db, sandboxId: string, accessionNumber: string) {
  const order = await db.order.findUnique({ where: { sandboxId_accessionNumber: { sandboxId, accessionNumber } } });
  if (!order) throw new OrderError('not-found', `no order with Accession Number ${accessionNumber}`);
  return order;
}

/** Cancels an order that has not started (or was discontinued): it leaves the worklist. */
export async function cancelOrder(db: Db, sandboxId: string, accessionNumber: string, actor: Actor) {
  const order = await load(db, sandboxId, accessionNumber);
  const t = nextOrderStatus(order.status, 'cancel');
  if (!t.ok) throw new OrderError('conflict', t.reason);
  const r = await db.order.updateMany({ where: { id: order.id, status: order.status }, data: { status: t.status } });
  if (r.count === 0) throw new OrderError('conflict', 'the order changed meanwhile (a modality may have started it): reload and try again');
  await db.auditEvent.create({ data: { actorId: actor.actorId, action: 'order.cancel', target: `order:${accessionNumber}`, reason: actor.reason ?? '', detail: { from: order.status } } });
  return { ...order, status: t.status };
}

export const RescheduleInput = z.object({
  scheduledStartDate: da,
  scheduledStartTime: tm,
  scheduledStationAeTitle: ae.optional(),
});

/**
 * Moves a scheduled order to another date, time or station; a discontinued or cancelled order is put back on
 * the worklist ("reschedule" in orderStatus.ts). An order in progress or completed cannot be rescheduled.
 */
export async function rescheduleOrder(db: Db, sandboxId: string, accessionNumber: string, input: z.input<typeof RescheduleInput>, actor: Actor) {
  const parsed = RescheduleInput.safeParse(input);
  if (!parsed.success) throw new OrderError('invalid', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const order = await load(db, sandboxId, accessionNumber);
  let status = order.status;
  if (order.status !== 'scheduled') {
    const t = nextOrderStatus(order.status, 'reschedule');
    if (!t.ok) throw new OrderError('conflict', t.reason);
    status = t.status;
  }
  const data = { ...parsed.data, scheduledStationAeTitle: parsed.data.scheduledStationAeTitle ?? order.scheduledStationAeTitle, status };
  const r = await db.order.updateMany({ where: { id: order.id, status: order.status }, data });
  if (r.count === 0) throw new OrderError('conflict', 'the order changed meanwhile (a modality may have started it): reload and try again');
  await db.auditEvent.create({
    data: {
      actorId: actor.actorId,
      action: 'order.reschedule',
      target: `order:${accessionNumber}`,
      reason: actor.reason ?? '',
      detail: { before: { status: order.status, date: order.scheduledStartDate, time: order.scheduledStartTime, station: order.scheduledStationAeTitle }, after: data },
    },
  });
  return { ...order, ...data };
}
