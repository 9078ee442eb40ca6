// A student's attempt at a scenario, over the real state of one sandbox: start (inject the scenario's faults
// through sim/faults/engine and record a ScenarioAttempt), hints (three steps per fault, each recorded with its
// time), "Check my fix" (checkFault on every injection, recorded; when all pass the attempt is passed and the
// faults are cleared) and "Give up" (faults cleared, attempt abandoned). Takes the database as a parameter so the
// tests run it on a real test database; the server actions (actions.ts) add who is asking.
import { z } from 'zod';
import type { Db } from '@/prisma/db';
import { HttpError } from '@/app/_lib/errors';
import { activeFaults, checkFault, clearFault, injectFault } from '@/sim/faults/engine';
import { findFault, sendsOwnOrder } from '@/sim/faults/catalogue';
import { FaultError } from '@/sim/faults/types';
import { findScenario, type Scenario } from '@/content/scenarios';
import { getModalityConsole } from '@/sim/modality/config';
import { localDicomDate } from '@/sim/modality/worklist';
import { cancelOrder, createOrder, OrderError } from '@/sim/ris/orders';
import { ensureUserSandbox, resetSandbox } from '@/sim/sandboxes';
import { snapshotNetworkLog } from '@/sim/networkLogSnapshot';

export const hintSchema = z.object({ faultId: z.string(), step: z.number().int().min(1).max(3), at: z.string() });
export type HintRecord = z.infer<typeof hintSchema>;
export const checkRecordSchema = z.object({
  at: z.string(),
  passed: z.boolean(),
  results: z.array(z.object({ faultId: z.string(), id: z.string(), label: z.string(), passed: z.boolean(), detail: z.string() })),
});
export type CheckRecord = z.infer<typeof checkRecordSchema>;

export const hintsOf = (a: { hints: unknown }) => z.array(hintSchema).catch([]).parse(a.hints);
export const checksOf = (a: { checks: unknown }) => z.array(checkRecordSchema).catch([]).parse(a.checks);
export const injectionIdsOf = (a: { injectionIds: unknown }) => z.array(z.string()).catch([]).parse(a.injectionIds);

/** An attempt nobody has touched for this long is ended by the next Start in its sandbox. */
export function staleAfterMinutes(s: Scenario | undefined) {
  return Math.max(30, 2 * (s?.timeBudgetMinutes ?? 30));
}

/** The next hint: the first fault (in the scenario's order) with steps left, step by step; null when all are shown. */
export function nextHint(faultIds: string[], hints: HintRecord[]): { faultId: string; step: 1 | 2 | 3 } | null {
  for (const faultId of faultIds) {
    const used = hints.filter((h) => h.faultId === faultId).length;
    if (used < 3) return { faultId, step: (used + 1) as 1 | 2 | 3 };
  }
  return null;
}

/** "7 min 05 s" */
export function formatDuration(ms: number) {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** The fault engine's and the RIS's errors as HTTP errors in the same words (404 / 422 / 409). */
export function faultError(e: unknown): never {
  if (e instanceof OrderError) throw new HttpError(e.kind === 'not-found' ? 404 : e.kind === 'invalid' ? 422 : 409, `The scenario's order could not be placed: ${e.message}`);
  if (e instanceof FaultError) throw new HttpError(e.kind === 'not-found' ? 404 : e.kind === 'invalid' ? 422 : 409, e.message);
  throw e;
}

async function clearAll(db: Db, injectionIds: string[], actorId: string | null) {
  for (const id of injectionIds) await clearFault(db, id, actorId).catch((e) => (e instanceof FaultError && e.kind === 'not-found' ? undefined : Promise.reject(e)));
}

/**
 * Ends an attempt: clears its faults first, then the status (only if still in progress), with a copy of the
 * sandbox's network log since the start (sim/networkLogSnapshot.ts): the history keeps it after the next reset.
 */
async function finish(db: Db, attemptId: string, status: 'passed' | 'abandoned', actorId: string | null, extra: { checks?: CheckRecord[] } = {}) {
  const attempt = await db.scenarioAttempt.findUniqueOrThrow({ where: { id: attemptId } });
  await clearAll(db, injectionIdsOf(attempt), actorId);
  // a log that cannot be copied must not keep the attempt from ending
  const networkLog = await snapshotNetworkLog(db, attempt.sandboxId, attempt.startedAt).catch((e) => {
    console.error('[scenarios] could not copy the network log of attempt', attemptId, e);
    return undefined;
  });
  await db.scenarioAttempt.updateMany({
    where: { id: attemptId, status: 'in-progress' },
    data: { status, finishedAt: new Date(), ...(extra.checks ? { checks: extra.checks } : {}), ...(networkLog ? { networkLog } : {}) },
  });
  return db.scenarioAttempt.findUniqueOrThrow({ where: { id: attemptId } });
}

/**
 * The order's Reason for the Requested Procedure (0040,1002), LO: at most 64 characters, so a fault drill's long
 * title ("Fault drill: wrong port, archive full, …") is cut short there.
 */
export function reasonFor(s: Pick<Scenario, 'title'>): string {
  const r = `Fault scenario: ${s.title}`;
  return r.length > 64 ? `${r.slice(0, 61).trimEnd()}...` : r;
}

export interface StartOptions {
  /** Runs once the sandbox is free, before anything is injected: the student's sandbox is reset to a fresh state here. */
  prepare?: () => Promise<unknown>;
}

export async function startAttempt(db: Db, sandboxId: string, userId: string, scenarioId: string, opts: StartOptions = {}) {
  const scenario = findScenario(scenarioId);
  if (!scenario) throw new HttpError(404, 'There is no such scenario.');
  const running = await db.scenarioAttempt.findFirst({ where: { sandboxId, status: 'in-progress' }, orderBy: { startedAt: 'asc' } });
  if (running) {
    const other = findScenario(running.scenarioId);
    const ageMin = (Date.now() - running.startedAt.getTime()) / 60_000;
    if (ageMin > staleAfterMinutes(other)) {
      await finish(db, running.id, 'abandoned', userId);
    } else if (running.userId === userId) {
      throw new HttpError(409, `You already have “${other?.title ?? running.scenarioId}” in progress: finish it or give up before starting another.`);
    } else {
      throw new HttpError(
        409,
        `Someone else is playing “${other?.title ?? 'a scenario'}” in this sandbox (started ${Math.floor(ageMin)} min ago). Only one scenario runs at a time; try again when it ends (an abandoned one ends by itself after ${staleAfterMinutes(other)} minutes).`,
      );
    }
  }
  await opts.prepare?.();
  const foreign = await activeFaults(db, sandboxId);
  if (foreign.length) {
    throw new HttpError(409, `An instructor has injected ${foreign.map((f) => f.faultId).join(', ')} into this sandbox outside a scenario: it must be cleared (npx pacslab fault clear) before a scenario can start.`);
  }
  const attempt = await db.scenarioAttempt.create({ data: { userId, sandboxId, scenarioId, status: 'in-progress', injectionIds: [], hints: [], checks: [] } });
  const injected: string[] = [];
  const placed: string[] = [];
  try {
    for (const f of scenario.faults) {
      const params: Record<string, unknown> = { ...f.params };
      if (f.order && params.accessionNumber === undefined && sendsOwnOrder(f.faultId, params)) {
        // the fault's HIS sends the story's order itself (worklist-missing, hl7-down): the RIS must not have it yet
        params.order = f.order;
      } else if (f.order && params.accessionNumber === undefined) {
        // the story's patient, booked now on the fault's scanner: each attempt has its own exam
        const ae = String(params.modalityAe ?? 'CT1');
        const c = await getModalityConsole(db, sandboxId, ae);
        if (!c) throw new HttpError(409, `There is no scanner ${ae} in this sandbox: its settings were deleted (a reset puts them back).`);
        const now = new Date();
        const order = await createOrder(
          db,
          sandboxId,
          {
            ...f.order,
            modality: c.config.modality,
            scheduledStationAeTitle: c.config.localAeTitle,
            scheduledStartDate: localDicomDate(now),
            scheduledStartTime: `${String(now.getHours()).padStart(2, '0')}${String(now.getMinutes()).padStart(2, '0')}`,
            reason: reasonFor(scenario),
          },
          { actorId: userId, reason: `fault scenario ${scenario.id}` },
        );
        placed.push(order.accessionNumber);
        params.accessionNumber = order.accessionNumber;
      }
      const inj = await injectFault(db, sandboxId, f.faultId, params, userId);
      injected.push(inj.id);
      await db.scenarioAttempt.update({ where: { id: attempt.id }, data: { injectionIds: injected } });
    }
  } catch (e) {
    // nothing half-broken is left behind: undo what was injected and forget the attempt
    await clearAll(db, injected, userId).catch((c) => console.error('[scenarios] clean-up after a failed start failed', c));
    for (const acc of placed) {
      await cancelOrder(db, sandboxId, acc, { actorId: userId, reason: 'fault scenario could not start' }).catch(() => undefined);
    }
    await db.scenarioAttempt.delete({ where: { id: attempt.id } }).catch(() => undefined);
    faultError(e);
  }
  return db.scenarioAttempt.findUniqueOrThrow({ where: { id: attempt.id } });
}

/**
 * Start as a student does it (issue 8: "in their own sandbox, fresh state, their own AE titles"): their sandbox is
 * made on first use; unless an attempt of theirs is still running there it is reset to a fresh state; then the
 * scenario's faults go in. Returns the attempt and where it runs.
 */
export async function startInOwnSandbox(
  db: Db,
  userId: string,
  scenarioId: string,
  opts: { listener: { host: string; port: number }; archiveDir?: string; modalityDir?: string },
) {
  if (!findScenario(scenarioId)) throw new HttpError(404, 'There is no such scenario.');
  const own = await ensureUserSandbox(db, userId, opts.listener);
  const sandboxId = own.sandbox.id;
  const attempt = await startAttempt(db, sandboxId, userId, scenarioId, {
    // startAttempt has refused (409) or ended a stale attempt by now: nothing of theirs runs in the sandbox
    prepare: () => resetSandbox(db, sandboxId, { listener: opts.listener, archiveDir: opts.archiveDir, modalityDir: opts.modalityDir, actorId: userId }),
  });
  return { attempt, sandbox: own.sandbox, aes: own.aes };
}

async function ownAttempt(db: Db, attemptId: string, userId: string) {
  const id = z.string().trim().min(1).max(64).safeParse(attemptId);
  if (!id.success) throw new HttpError(422, 'Which attempt? The form did not say.');
  const attempt = await db.scenarioAttempt.findUnique({ where: { id: id.data } });
  if (!attempt) throw new HttpError(404, 'There is no such attempt.');
  if (attempt.userId !== userId) throw new HttpError(403, 'This attempt belongs to another student.');
  if (attempt.status !== 'in-progress') throw new HttpError(409, `This attempt has already ended (${attempt.status}).`);
  return attempt;
}

export async function takeHint(db: Db, attemptId: string, userId: string) {
  const attempt = await ownAttempt(db, attemptId, userId);
  const scenario = findScenario(attempt.scenarioId);
  const hints = hintsOf(attempt);
  const next = nextHint(scenario?.faults.map((f) => f.faultId) ?? [], hints);
  if (!next) throw new HttpError(409, 'You have seen every hint of this scenario.');
  const text = findFault(next.faultId)?.hints[next.step - 1] ?? '';
  await db.scenarioAttempt.update({ where: { id: attempt.id }, data: { hints: [...hints, { ...next, at: new Date().toISOString() }] } });
  return { ...next, text };
}

export async function checkAttempt(db: Db, attemptId: string, userId: string) {
  const attempt = await ownAttempt(db, attemptId, userId);
  const results: CheckRecord['results'] = [];
  try {
    for (const id of injectionIdsOf(attempt)) {
      const out = await checkFault(db, id);
      results.push(...out.results.map((r) => ({ faultId: out.injection.faultId, ...r })));
    }
  } catch (e) {
    faultError(e);
  }
  const passed = results.length > 0 && results.every((r) => r.passed);
  const checks = [...checksOf(attempt), { at: new Date().toISOString(), passed, results }];
  if (passed) return { passed, record: checks.at(-1)!, attempt: await finish(db, attempt.id, 'passed', userId, { checks }) };
  await db.scenarioAttempt.updateMany({ where: { id: attempt.id, status: 'in-progress' }, data: { checks } });
  return { passed, record: checks.at(-1)!, attempt: await db.scenarioAttempt.findUniqueOrThrow({ where: { id: attempt.id } }) };
}

export async function giveUp(db: Db, attemptId: string, userId: string) {
  const attempt = await ownAttempt(db, attemptId, userId);
  return finish(db, attempt.id, 'abandoned', userId);
}
