// The fault engine: inject a catalogue fault into a sandbox, check a fix on the real state, clean up. Every
// status change goes through nextFaultState (DESIGN.md invariants) as a conditional update, so two processes
// checking or clearing at once cannot both apply a change; every inject and clear is audited (who, when, what).
import { z } from 'zod';
import type { Db } from '../../prisma/db';
import type { FaultInjection, Prisma } from '../../prisma/generated/sqlite/client';
import { CATALOGUE, findFault } from './catalogue';
import { nextFaultState } from './faultState';
import { checkResultSchema, FaultError, type CheckResult, type FaultMeta } from './types';

export type { FaultInjection };

const idSchema = z.string().trim().min(1, 'an injection id is required');

/** The catalogue as the instructor's list shows it (no functions). */
export function listFaults(): FaultMeta[] {
  return CATALOGUE.map(({ id, title, symptom, rootCause, lesson, hints }) => ({ id, title, symptom, rootCause, lesson, hints }));
}

function requireFault(faultId: string) {
  const fault = findFault(faultId);
  if (!fault) throw new FaultError('not-found', `there is no fault "${faultId}": choose one of ${CATALOGUE.map((f) => f.id).join(', ')}`);
  return fault;
}

/** JSON for a Json column: bigint as a string, undefined dropped. */
const toJson = (v: unknown) => JSON.parse(JSON.stringify(v ?? {}, (_k, x) => (typeof x === 'bigint' ? x.toString() : x))) as Prisma.InputJsonValue;

export async function injectFault(db: Db, sandboxId: string, faultId: string, params: unknown = {}, actorId: string | null = null): Promise<FaultInjection> {
  const fault = requireFault(faultId);
  const sandbox = await db.sandbox.findUnique({ where: { id: sandboxId }, select: { id: true, slug: true } });
  if (!sandbox) throw new FaultError('not-found', `sandbox ${sandboxId} does not exist`);
  const parsed = fault.paramsSchema.safeParse(params ?? {});
  if (!parsed.success) throw new FaultError('invalid', `${fault.id}: ${parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ')}`);
  // the row first, so a second inject of the same fault finds it while the first one is still breaking things
  const existing = await db.faultInjection.findFirst({ where: { sandboxId, faultId, status: 'active' } });
  if (existing) throw new FaultError('conflict', `${fault.id} is already active in sandbox ${sandbox.slug} (injection ${existing.id}): clear it first`);
  const row = await db.faultInjection.create({ data: { sandboxId, faultId, status: 'active', params: toJson(parsed.data), undo: {}, injectedById: actorId } });
  let undo: unknown;
  try {
    undo = await fault.inject(db, sandboxId, parsed.data);
  } catch (e) {
    await db.faultInjection.delete({ where: { id: row.id } }).catch(() => undefined);
    throw e;
  }
  const saved = await db.faultInjection.update({ where: { id: row.id }, data: { undo: toJson(undo) } });
  await db.auditEvent.create({ data: { actorId, action: 'fault.inject', target: `fault:${row.id}`, detail: { sandboxId, faultId, params: toJson(parsed.data) } } });
  return saved;
}

async function load(db: Db, injectionId: string) {
  const id = idSchema.safeParse(injectionId);
  if (!id.success) throw new FaultError('invalid', id.error.issues[0].message);
  const injection = await db.faultInjection.findUnique({ where: { id: id.data } });
  if (!injection) throw new FaultError('not-found', `there is no fault injection ${id.data}`);
  return injection;
}

export interface CheckOutcome {
  injection: FaultInjection;
  results: CheckResult[];
  /** every part passed */
  passed: boolean;
}

/** "Check my fix": runs the fault's checks on the real state, stores them, and marks the fault fixed when all pass. */
export async function checkFault(db: Db, injectionId: string): Promise<CheckOutcome> {
  const injection = await load(db, injectionId);
  if (injection.status === 'cleared') throw new FaultError('conflict', `injection ${injection.id} was cleared: there is nothing to check`);
  const fault = requireFault(injection.faultId);
  const results = z.array(checkResultSchema).parse(await fault.check(db, injection.sandboxId, injection.params, injection.undo));
  const passed = results.length > 0 && results.every((r) => r.passed);
  const data: Prisma.FaultInjectionUpdateManyMutationInput = { lastCheck: toJson(results) };
  const t = passed ? nextFaultState(injection.status, 'fix') : undefined;
  if (t?.ok) Object.assign(data, { status: t.status, fixedAt: new Date() });
  // conditional on the status read: a clear that raced us wins
  await db.faultInjection.updateMany({ where: { id: injection.id, status: injection.status }, data });
  return { injection: await db.faultInjection.findUniqueOrThrow({ where: { id: injection.id } }), results, passed };
}

/** Undoes the injection (idempotent: clearing a cleared fault changes nothing and says so by its status). */
export async function clearFault(db: Db, injectionId: string, actorId: string | null = null): Promise<FaultInjection> {
  const injection = await load(db, injectionId);
  const t = nextFaultState(injection.status, 'clear');
  if (!t.ok) return injection; // already cleared
  const fault = requireFault(injection.faultId);
  await fault.clear(db, injection.sandboxId, injection.undo);
  const r = await db.faultInjection.updateMany({ where: { id: injection.id, status: injection.status }, data: { status: t.status, clearedAt: new Date() } });
  if (r.count) await db.auditEvent.create({ data: { actorId, action: 'fault.clear', target: `fault:${injection.id}`, detail: { sandboxId: injection.sandboxId, faultId: injection.faultId, from: injection.status } } });
  return db.faultInjection.findUniqueOrThrow({ where: { id: injection.id } });
}

/** Faults still to be fixed in a sandbox, oldest first. */
export async function activeFaults(db: Db, sandboxId: string): Promise<FaultInjection[]> {
  return db.faultInjection.findMany({ where: { sandboxId, status: 'active' }, orderBy: { injectedAt: 'asc' } });
}
