// Patient corrections that arrive from the ADT system (IHE RAD-12 Patient Update): the demographics on the
// sandbox's orders follow an A08 (update patient information) and an A40 (merge: the prior MRN's orders move to
// the surviving MRN). The patient's details live on the order (prisma/models.prisma), so these update orders;
// the archive's Patient rows keep what the images said. Every change is audited (DESIGN.md invariants), in the
// same transaction as the change itself.
import type { Db } from '../../../prisma/db';
import { OrderError, OrderInput, type Actor } from '../orders';

/** Orders whose demographics still matter: not completed and not cancelled. */
export const OPEN_ORDER_STATUSES = ['scheduled', 'in-progress', 'discontinued'];

const Demographics = OrderInput.pick({ patientName: true, patientBirthDate: true, patientSex: true }).partial();
export type Demographics = { patientName?: string; patientBirthDate?: string; patientSex?: string };

function checked(d: Demographics) {
  const parsed = Demographics.safeParse(d);
  if (!parsed.success) throw new OrderError('invalid', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  // an absent value leaves the order's as it was (HL7: an empty field is "no change")
  return Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined && v !== '')) as Demographics;
}

/** A08: the new name, birth date and sex on every open order of the MRN. Returns the accession numbers changed. */
export async function updatePatientDemographics(db: Db, sandboxId: string, patientId: string, demographics: Demographics, actor: Actor) {
  const data = checked(demographics);
  const where = { sandboxId, patientId, status: { in: OPEN_ORDER_STATUSES } };
  const orders = await db.order.findMany({ where, select: { accessionNumber: true, patientName: true, patientBirthDate: true, patientSex: true } });
  if (!orders.length || !Object.keys(data).length) return [];
  await db.$transaction([
    db.order.updateMany({ where: { ...where, accessionNumber: { in: orders.map((o) => o.accessionNumber) } }, data }),
    db.auditEvent.create({
      data: {
        actorId: actor.actorId,
        action: 'patient.update',
        target: `patient:${patientId}`,
        reason: actor.reason ?? '',
        detail: { sandboxId, orders: orders.map((o) => o.accessionNumber), before: orders, after: data },
      },
    }),
  ]);
  return orders.map((o) => o.accessionNumber);
}

/**
 * A40: every order of the prior MRN (whatever its status: the merge corrects history too) now belongs to the
 * surviving MRN, with the surviving patient's demographics. Returns the accession numbers moved.
 */
export async function mergePatient(db: Db, sandboxId: string, priorPatientId: string, patientId: string, demographics: Demographics, actor: Actor) {
  if (priorPatientId === patientId) throw new OrderError('invalid', `the prior MRN (MRG-1) and the surviving MRN (PID-3) are both ${patientId}`);
  const data = checked(demographics);
  const orders = await db.order.findMany({ where: { sandboxId, patientId: priorPatientId }, select: { accessionNumber: true, patientName: true } });
  if (!orders.length) return [];
  await db.$transaction([
    db.order.updateMany({ where: { sandboxId, patientId: priorPatientId, accessionNumber: { in: orders.map((o) => o.accessionNumber) } }, data: { ...data, patientId } }),
    db.auditEvent.create({
      data: {
        actorId: actor.actorId,
        action: 'patient.merge',
        target: `patient:${patientId}`,
        reason: actor.reason ?? '',
        detail: { sandboxId, priorPatientId, patientId, orders: orders.map((o) => o.accessionNumber), before: orders, after: data },
      },
    }),
  ]);
  return orders.map((o) => o.accessionNumber);
}
