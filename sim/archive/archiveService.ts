// The archive service of a sandbox as a PACS administrator runs it: running or stopped (PACS console "Service",
// and the pacs-offline fault), and the one-shot network stall the network-stall fault arms. The state lives in
// the Sandbox row, not in a process (DESIGN.md: another DICOM node must see it too); the listener reads it with
// the association's routing queries (sim/dimse/dimseServer.ts), so a stop takes effect at the next association.
// Every stop and start is audited (who, when, why).
import { z } from 'zod';
import type { Db } from '../../prisma/db';

export class ArchiveServiceError extends Error {
  constructor(
    readonly kind: 'invalid' | 'not-found' | 'conflict',
    message: string,
  ) {
    super(message);
  }
}

export interface ArchiveServiceState {
  running: boolean;
  /** when it was stopped (null while running) */
  stoppedAt: Date | null;
  stoppedReason: string;
  /** a network stall is armed for the next storing association */
  stallArmed: boolean;
}

export interface ServiceActor {
  /** User id, or null for the system (fault injection, scripts) */
  actorId: string | null;
  reason?: string;
}

const reasonSchema = z.string().trim().max(200, 'a reason has at most 200 characters').default('');

export async function archiveServiceState(db: Db, sandboxId: string): Promise<ArchiveServiceState> {
  const s = await db.sandbox.findUnique({ where: { id: sandboxId }, select: { archiveStoppedAt: true, archiveStoppedReason: true, archiveStallAfter: true } });
  if (!s) throw new ArchiveServiceError('not-found', `sandbox ${sandboxId} does not exist`);
  return { running: !s.archiveStoppedAt, stoppedAt: s.archiveStoppedAt, stoppedReason: s.archiveStoppedReason, stallArmed: s.archiveStallAfter !== null };
}

/**
 * Stops the sandbox's archive: from the next association on, the listener rejects every association to its
 * archive AE titles (PS3.8 9.3.4: rejected-transient, service-provider, temporary congestion). Associations
 * already open finish. Stopping a stopped archive changes nothing (and is not audited twice).
 */
export async function stopArchive(db: Db, sandboxId: string, actor: ServiceActor): Promise<ArchiveServiceState> {
  const reason = reasonSchema.safeParse(actor.reason);
  if (!reason.success) throw new ArchiveServiceError('invalid', reason.error.issues[0].message);
  await archiveServiceState(db, sandboxId);
  const r = await db.sandbox.updateMany({ where: { id: sandboxId, archiveStoppedAt: null }, data: { archiveStoppedAt: new Date(), archiveStoppedReason: reason.data || 'stopped by the administrator' } });
  if (r.count) await db.auditEvent.create({ data: { actorId: actor.actorId, action: 'archive.stop', target: `sandbox:${sandboxId}`, reason: reason.data, detail: {} } });
  return archiveServiceState(db, sandboxId);
}

/** Starts (restarts) the archive: associations are accepted again at once. Starting a running archive changes nothing. */
export async function startArchive(db: Db, sandboxId: string, actor: ServiceActor): Promise<ArchiveServiceState> {
  const before = await archiveServiceState(db, sandboxId);
  const r = await db.sandbox.updateMany({ where: { id: sandboxId, archiveStoppedAt: { not: null } }, data: { archiveStoppedAt: null, archiveStoppedReason: '' } });
  if (r.count) {
    await db.auditEvent.create({
      data: { actorId: actor.actorId, action: 'archive.start', target: `sandbox:${sandboxId}`, reason: actor.reason ?? '', detail: { stoppedAt: before.stoppedAt?.toISOString() ?? null, stoppedReason: before.stoppedReason } },
    });
  }
  return archiveServiceState(db, sandboxId);
}

/** Arms a one-shot stall: the next association that stores images gets `after` C-STORE responses, then silence. */
export async function armArchiveStall(db: Db, sandboxId: string, after: number): Promise<void> {
  const n = z.number().int().min(0).max(10_000).safeParse(after);
  if (!n.success) throw new ArchiveServiceError('invalid', 'the stall comes after 0 to 10000 images');
  const r = await db.sandbox.updateMany({ where: { id: sandboxId }, data: { archiveStallAfter: n.data } });
  if (!r.count) throw new ArchiveServiceError('not-found', `sandbox ${sandboxId} does not exist`);
}

/** Disarms a stall nobody claimed yet (fault clean-up). The listener claims an armed stall itself (dimseServer.ts). */
export async function disarmArchiveStall(db: Db, sandboxId: string): Promise<void> {
  await db.sandbox.updateMany({ where: { id: sandboxId, archiveStallAfter: { not: null } }, data: { archiveStallAfter: null } });
}
