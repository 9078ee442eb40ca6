// The RIS's inbound HL7 interface (HIS → RIS orders and patient updates) of a sandbox as an interface analyst runs
// it: running or stopped (RIS console "Interfaces", and the worklist-missing fault's hl7-down variant). The state
// lives in the Sandbox row, not in a process (the HL7 listener is a process of its own, sim/hl7d.ts): the listener
// reads it with the routing query of every message (hl7Intake.ts), so a stop takes effect at the next message.
// While stopped, messages for the sandbox are not applied and get no ACK (hl7Listener.ts). Every stop and start is
// audited (who, when, why), as the archive service's are (sim/archive/archiveService.ts).
import { z } from 'zod';
import type { Db } from '../../../prisma/db';

export class Hl7InterfaceError extends Error {
  constructor(
    readonly kind: 'invalid' | 'not-found' | 'conflict',
    message: string,
  ) {
    super(message);
  }
}

export interface InboundState {
  running: boolean;
  /** when it was stopped (null while running) */
  stoppedAt: Date | null;
  stoppedReason: string;
}

export interface InterfaceActor {
  /** User id, or null for the system (fault injection, scripts) */
  actorId: string | null;
  reason?: string;
}

const reasonSchema = z.string().trim().max(200, 'a reason has at most 200 characters').default('');

export async function inboundState(db: Db, sandboxId: string): Promise<InboundState> {
  const s = await db.sandbox.findUnique({ where: { id: sandboxId }, select: { hl7InboundStoppedAt: true, hl7InboundStoppedReason: true } });
  if (!s) throw new Hl7InterfaceError('not-found', `sandbox ${sandboxId} does not exist`);
  return { running: !s.hl7InboundStoppedAt, stoppedAt: s.hl7InboundStoppedAt, stoppedReason: s.hl7InboundStoppedReason };
}

/**
 * Stops the sandbox's inbound HL7 interface: from the next message on, the listener applies nothing addressed to
 * this sandbox's RIS (MSH-5) and closes the connection without an ACK, so the sender keeps the message to resend.
 * Stopping a stopped interface changes nothing (and is not audited twice).
 */
export async function stopInbound(db: Db, sandboxId: string, actor: InterfaceActor): Promise<InboundState> {
  const reason = reasonSchema.safeParse(actor.reason);
  if (!reason.success) throw new Hl7InterfaceError('invalid', reason.error.issues[0].message);
  await inboundState(db, sandboxId);
  const r = await db.sandbox.updateMany({
    where: { id: sandboxId, hl7InboundStoppedAt: null },
    data: { hl7InboundStoppedAt: new Date(), hl7InboundStoppedReason: reason.data || 'stopped by the administrator' },
  });
  if (r.count) await db.auditEvent.create({ data: { actorId: actor.actorId, action: 'hl7-inbound.stop', target: `sandbox:${sandboxId}`, reason: reason.data, detail: {} } });
  return inboundState(db, sandboxId);
}

/** Starts the inbound interface: messages are applied and acknowledged again at once. Starting a running one changes nothing. */
export async function startInbound(db: Db, sandboxId: string, actor: InterfaceActor): Promise<InboundState> {
  const before = await inboundState(db, sandboxId);
  const r = await db.sandbox.updateMany({ where: { id: sandboxId, hl7InboundStoppedAt: { not: null } }, data: { hl7InboundStoppedAt: null, hl7InboundStoppedReason: '' } });
  if (r.count) {
    await db.auditEvent.create({
      data: {
        actorId: actor.actorId, action: 'hl7-inbound.start', target: `sandbox:${sandboxId}`, reason: actor.reason ?? '',
        detail: { stoppedAt: before.stoppedAt?.toISOString() ?? null, stoppedReason: before.stoppedReason },
      },
    });
  }
  return inboundState(db, sandboxId);
}
