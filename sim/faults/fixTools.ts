// Two PACS-console corrections the faults' fixes need that had no data module in sim/ yet (the node table's
// server actions live in app/, which sim must not import; the storage quota had no editor). Both are
// zod-checked and audited like every other correction. The console's UI can call them as they are.
import { z } from 'zod';
import type { Db } from '../../prisma/db';
import { aeTitleSchema, hostSchema, portSchema } from '../modality/config';
import { FaultError } from './types';

export interface Actor {
  /** User id, or null for the system (fault injection, scripts) */
  actorId: string | null;
  reason?: string;
}

const quotaSchema = z.coerce.bigint({ message: 'a quota is a whole number of bytes' }).refine((b) => b >= 0n, 'a quota cannot be negative');

/** The archive's storage quota for a sandbox (above it, C-STORE answers A700, PS3.4 B.2.3). */
export async function setStorageQuota(db: Db, sandboxId: string, bytes: bigint | number | string, actor: Actor): Promise<bigint> {
  const r = quotaSchema.safeParse(bytes);
  if (!r.success) throw new FaultError('invalid', r.error.issues[0].message);
  const before = await db.sandbox.findUnique({ where: { id: sandboxId }, select: { storageQuotaBytes: true } });
  if (!before) throw new FaultError('not-found', `sandbox ${sandboxId} does not exist`);
  await db.sandbox.update({ where: { id: sandboxId }, data: { storageQuotaBytes: r.data } });
  await db.auditEvent.create({
    data: { actorId: actor.actorId, action: 'archive.quota', target: `sandbox:${sandboxId}`, reason: actor.reason ?? '', detail: { before: before.storageQuotaBytes.toString(), after: r.data.toString() } },
  });
  return r.data;
}

/** Bytes the archive holds for a sandbox (what the quota is compared with). */
export async function storageUsed(db: Db, sandboxId: string): Promise<bigint> {
  const used = await db.instance.aggregate({ where: { sandboxId }, _sum: { fileSize: true } });
  return used._sum.fileSize ?? 0n;
}

export const nodeInputSchema = z.object({
  /** the node's current AE title when renaming it */
  previousAeTitle: aeTitleSchema.optional(),
  aeTitle: aeTitleSchema,
  role: z.enum(['modality', 'workstation'], { message: 'the role is modality or workstation' }),
  host: hostSchema,
  port: portSchema,
  description: z.string().trim().max(200).default(''),
});

/**
 * Adds a remote node to the PACS's node table, or changes one (found by previousAeTitle, else by aeTitle). Local
 * nodes (our own archive and RIS) follow the listener and cannot be edited here.
 */
export async function saveRemoteNode(db: Db, sandboxId: string, input: z.input<typeof nodeInputSchema>, actor: Actor) {
  const r = nodeInputSchema.safeParse(input);
  if (!r.success) throw new FaultError('invalid', r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const { previousAeTitle, ...data } = r.data;
  const existing = await db.dicomNode.findUnique({ where: { sandboxId_aeTitle: { sandboxId, aeTitle: previousAeTitle ?? data.aeTitle } } });
  if (existing?.local) throw new FaultError('conflict', `${existing.aeTitle} is served by this PACS Lab; its AE title and address follow the listener's configuration`);
  if (previousAeTitle && !existing) throw new FaultError('not-found', `there is no node ${previousAeTitle} in this sandbox`);
  try {
    const node = existing
      ? await db.dicomNode.update({ where: { id: existing.id }, data })
      : await db.dicomNode.create({ data: { ...data, sandboxId, local: false } });
    await db.auditEvent.create({
      data: existing
        ? { actorId: actor.actorId, action: 'node.update', target: `node:${existing.aeTitle}`, reason: actor.reason ?? '', detail: { before: { aeTitle: existing.aeTitle, host: existing.host, port: existing.port, role: existing.role }, after: data } }
        : { actorId: actor.actorId, action: 'node.add', target: `node:${data.aeTitle}`, reason: actor.reason ?? '', detail: data },
    });
    return node;
  } catch (e) {
    if ((e as { code?: string }).code === 'P2002') throw new FaultError('conflict', `this sandbox already has a node ${data.aeTitle}: AE titles must be unique`);
    throw e;
  }
}

/** Removes a remote node from the PACS's node table (audited). */
export async function deleteRemoteNode(db: Db, sandboxId: string, aeTitle: string, actor: Actor): Promise<void> {
  const node = await db.dicomNode.findUnique({ where: { sandboxId_aeTitle: { sandboxId, aeTitle } } });
  if (!node) throw new FaultError('not-found', `there is no node ${aeTitle} in this sandbox`);
  if (node.local) throw new FaultError('conflict', `${aeTitle} is served by this PACS Lab and cannot be removed`);
  await db.dicomNode.delete({ where: { id: node.id } });
  await db.auditEvent.create({ data: { actorId: actor.actorId, action: 'node.delete', target: `node:${aeTitle}`, reason: actor.reason ?? '', detail: { host: node.host, port: node.port, role: node.role, description: node.description } } });
}
