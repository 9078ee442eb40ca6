// Per-student sandboxes (DESIGN.md "One listener, many sandboxes, routed by called AE title"): each student gets
// their own archive and worklist AE titles (PACS_K7Q2, RIS_K7Q2) on the one listener, the demo's scanners and
// workstation as known calling AEs, a day of orders and the scanners' settings pointing at their own archive.
// resetSandbox takes one back to that fresh state (a scenario starts from it), keeping its nodes and owner.
import { randomInt } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Db } from '../prisma/db';
import type { Sandbox } from '../prisma/generated/sqlite/client';
import { archiveDirFromEnv } from './archive/archiveFiles';
import { clearFault } from './faults/engine';
import { snapshotNetworkLog } from './networkLogSnapshot';
import { modalityDirFromEnv } from './modality/store';
import type { SandboxAes } from './modality/config';
import { DEMO_SLUG, ensureNodes, sandboxNodes, seedSandboxContent } from './seed';

/** No 0/O, 1/I/L: a code read aloud or copied from a screen is typed right the first time. */
export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const CODE_LENGTH = 4;
/** Slugs of students' own sandboxes: `u-K7Q2`. */
export const USER_SLUG_PREFIX = 'u-';
/** Sandbox.storageQuotaBytes' default (prisma/models.prisma): a reset puts it back. */
export const DEFAULT_QUOTA_BYTES = 2_147_483_648n;

const CODE_ATTEMPTS = 25;

export class SandboxError extends Error {
  constructor(
    readonly kind: 'not-found' | 'conflict',
    message: string,
  ) {
    super(message);
    this.name = 'SandboxError';
  }
}

export function newSandboxCode(random: (max: number) => number = randomInt): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[random(CODE_ALPHABET.length)];
  return code;
}

/** A student sandbox's AE titles: `PACS_K7Q2` and `RIS_K7Q2` (at most 16 characters, PS3.5 6.2). */
export function userSandboxAes(code: string): SandboxAes {
  return { archive: `PACS_${code}`, worklist: `RIS_${code}` };
}

export const isUserSandboxSlug = (slug: string) => slug.startsWith(USER_SLUG_PREFIX);

/** The code of a student sandbox from its slug (`u-K7Q2` → `K7Q2`); null for the demo or any other sandbox. */
export function sandboxCode(slug: string): string | null {
  if (!isUserSandboxSlug(slug)) return null;
  const code = slug.slice(USER_SLUG_PREFIX.length);
  return new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`).test(code) ? code : null;
}

/** The AE titles a sandbox serves on the listener (its local archive and worklist nodes), as the node table holds them. */
export async function localAes(db: Db, sandboxId: string): Promise<{ archive: string | null; worklist: string | null }> {
  const nodes = await db.dicomNode.findMany({ where: { sandboxId, local: true }, orderBy: { createdAt: 'asc' }, select: { aeTitle: true, role: true } });
  return { archive: nodes.find((n) => n.role === 'archive')?.aeTitle ?? null, worklist: nodes.find((n) => n.role === 'worklist')?.aeTitle ?? null };
}

/** The sandbox a user owns (their first, should a race ever have made two), or null. */
export async function findUserSandbox(db: Db, userId: string): Promise<Sandbox | null> {
  return db.sandbox.findFirst({ where: { ownerId: userId, slug: { startsWith: USER_SLUG_PREFIX } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
}

export interface UserSandbox {
  sandbox: Sandbox;
  aes: SandboxAes;
  /** made by this call (false: it already existed) */
  created: boolean;
}

/**
 * The user's own sandbox, made on first use (idempotent). A new one gets a code no sandbox slug and no AE title
 * served here uses (retried on collision), its two local nodes on `listener`, the demo's peers, today's orders
 * and the scanners' settings. An existing one gets today's orders and any scanner settings it lacks.
 */
export async function ensureUserSandbox(
  db: Db,
  userId: string,
  listener: { host: string; port: number },
  nextCode: () => string = () => newSandboxCode(),
): Promise<UserSandbox> {
  const existing = await findUserSandbox(db, userId);
  if (existing) {
    const aes = await aesOf(db, existing);
    await seedSandboxContent(db, existing.id, listener, aes);
    return { sandbox: existing, aes, created: false };
  }
  const user = await db.user.findUnique({ where: { id: userId }, select: { name: true } });
  if (!user) throw new SandboxError('not-found', `there is no user ${userId}`);
  const name = `${user.name.trim() || 'Student'}'s sandbox`.slice(0, 80);

  let made: { sandbox: Sandbox; aes: SandboxAes } | null = null;
  for (let i = 0; i < CODE_ATTEMPTS && !made; i++) {
    const code = nextCode();
    const aes = userSandboxAes(code);
    const slug = `${USER_SLUG_PREFIX}${code}`;
    // AE titles of local nodes are unique across sandboxes: the listener routes by them (and an administrator
    // may have named a node PACS_XXXX by hand)
    const clash = await db.dicomNode.count({ where: { aeTitle: { in: [aes.archive, aes.worklist] } } });
    if (clash || (await db.sandbox.count({ where: { slug } }))) continue;
    try {
      const sandbox = await db.sandbox.create({ data: { slug, name, ownerId: userId } });
      made = { sandbox, aes };
    } catch (e) {
      // the same code taken a moment ago by another request (unique slug): draw again
      if ((e as { code?: string }).code === 'P2002') continue;
      throw e;
    }
  }
  if (!made) throw new SandboxError('conflict', `could not find a free sandbox code after ${CODE_ATTEMPTS} tries`);

  // two requests of the same user at once may both have made one: the oldest stands, ours goes
  const first = await findUserSandbox(db, userId);
  if (first && first.id !== made.sandbox.id) {
    await db.sandbox.delete({ where: { id: made.sandbox.id } }).catch(() => undefined);
    return ensureUserSandbox(db, userId, listener, nextCode);
  }
  await ensureNodes(db, made.sandbox.id, sandboxNodes(made.aes, listener));
  await seedSandboxContent(db, made.sandbox.id, listener, made.aes);
  return { ...made, created: true };
}

/** The AE titles of an existing sandbox: its local nodes, else what its code says. */
async function aesOf(db: Db, sandbox: Sandbox): Promise<SandboxAes> {
  const local = await localAes(db, sandbox.id);
  const code = sandboxCode(sandbox.slug);
  const fallback = code ? userSandboxAes(code) : { archive: 'PACS', worklist: 'RIS' };
  return { archive: local.archive ?? fallback.archive, worklist: local.worklist ?? fallback.worklist };
}

/** `<root>/<sandboxId>`: the folder holding one sandbox's files in the archive or the scanners' store. */
function sandboxFolder(root: string, sandboxId: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(sandboxId)) throw new Error(`invalid sandbox id for a path: ${JSON.stringify(sandboxId)}`);
  return join(resolve(root), sandboxId);
}

export interface ResetOptions {
  archiveDir?: string;
  modalityDir?: string;
  listener: { host: string; port: number };
  actorId?: string | null;
}

export interface ResetResult {
  clearedFaults: number;
  studies: number;
  instances: number;
  orders: number;
}

/**
 * Back to a fresh state: faults cleared through the fault engine (each fault undoes what it did), attempts still
 * running there abandoned, every study, series, instance and its file, every order, MPPS, HL7 message, report,
 * acquisition (and the scanners' files), send job, association log and the HIS's outbound HL7 queue deleted, the
 * inbound HL7 interface running; then today's orders and the scanners' settings seeded again. Nodes (missing defaults are added back), owner and audit trail are kept.
 * The shared demo is never reset.
 */
export async function resetSandbox(db: Db, sandboxId: string, opts: ResetOptions): Promise<ResetResult> {
  const sandbox = await db.sandbox.findUnique({ where: { id: sandboxId } });
  if (!sandbox) throw new SandboxError('not-found', `there is no sandbox ${sandboxId}`);
  if (sandbox.slug === DEMO_SLUG) throw new SandboxError('conflict', 'the shared demo sandbox is never reset: everyone works in it');
  const actorId = opts.actorId ?? null;

  const faults = await db.faultInjection.findMany({ where: { sandboxId, status: { not: 'cleared' } }, orderBy: { injectedAt: 'desc' }, select: { id: true } });
  // newest first: a later fault's undo may rest on state an earlier one changed
  for (const f of faults) await clearFault(db, f.id, actorId);
  // attempts still running end here, each with its copy of the network log before the log is cleared below
  for (const a of await db.scenarioAttempt.findMany({ where: { sandboxId, status: 'in-progress' }, select: { id: true, startedAt: true } })) {
    const networkLog = await snapshotNetworkLog(db, sandboxId, a.startedAt).catch(() => undefined);
    await db.scenarioAttempt.updateMany({ where: { id: a.id, status: 'in-progress' }, data: { status: 'abandoned', finishedAt: new Date(), ...(networkLog ? { networkLog } : {}) } });
  }

  const [studies, instances, orders] = await Promise.all([
    db.study.count({ where: { sandboxId } }),
    db.instance.count({ where: { sandboxId } }),
    db.order.count({ where: { sandboxId } }),
  ]);

  // Files first: the archive's files are the source of truth (sim/archive/reconcileArchive.ts indexes any file
  // without a row at start-up), so an interrupted reset must not leave files whose rows are gone.
  await rm(sandboxFolder(opts.archiveDir ?? archiveDirFromEnv(), sandboxId), { recursive: true, force: true });
  await rm(sandboxFolder(opts.modalityDir ?? modalityDirFromEnv(), sandboxId), { recursive: true, force: true });

  const where = { sandboxId };
  await db.$transaction([
    // children before parents where the relation is not a cascade
    db.sendJob.deleteMany({ where }),
    db.acquisition.deleteMany({ where }),
    db.report.deleteMany({ where }),
    db.performedProcedureStep.deleteMany({ where }),
    db.instance.deleteMany({ where }),
    db.series.deleteMany({ where }),
    db.study.deleteMany({ where }),
    db.patient.deleteMany({ where }),
    db.order.deleteMany({ where }),
    db.hl7Message.deleteMany({ where }),
    // the HIS's outbound queue goes too; its inbound interface runs again below (sim/ris/hl7/interfaceState.ts)
    db.hl7Outbound.deleteMany({ where }),
    db.associationLog.deleteMany({ where }),
    db.modalityDestination.deleteMany({ where }),
    db.modalityConfig.deleteMany({ where }),
    // a fresh archive: default quota, service running, no stall armed (sim/archive/archiveService.ts)
    // and the site's storage policy as prisma/models.prisma defaults it (sim/archive/tiers.ts)
    db.sandbox.update({
      where: { id: sandboxId },
      data: {
        storageQuotaBytes: DEFAULT_QUOTA_BYTES, archiveStoppedAt: null, archiveStoppedReason: '', archiveStallAfter: null,
        shortTermDays: 60, longTermCodec: 'jpeg-ls', longTermRatio: 10, lossyPolicy: 'never-before-read',
        hl7InboundStoppedAt: null, hl7InboundStoppedReason: '',
      },
    }),
    // and one that takes every syntax, stored as sent (sim/archive/acceptPolicy.ts)
    db.dicomNode.updateMany({ where: { sandboxId, local: true }, data: { acceptPolicy: 'all' } }),
  ]);

  const aes = await aesOf(db, sandbox);
  await ensureNodes(db, sandboxId, sandboxNodes(aes, opts.listener).filter((n) => !n.local));
  await seedSandboxContent(db, sandboxId, opts.listener, aes);
  await db.auditEvent.create({
    data: { actorId, action: 'sandbox.reset', target: `sandbox:${sandboxId}`, detail: { slug: sandbox.slug, clearedFaults: faults.length, studies, instances, orders } },
  });
  return { clearedFaults: faults.length, studies, instances, orders };
}
