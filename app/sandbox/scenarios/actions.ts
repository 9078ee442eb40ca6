'use server';
// The scenario page's actions: Start, Hint, Check my fix, Give up. Each answers { ok, message | error } in the
// student's words, like the scanner console's actions; the work is in attempts.ts over the real sandbox.
import type { ActionResult } from '@/app/_components/ActionForm';
import { revalidatePath } from 'next/cache';
import { getDb } from '@/prisma/db';
import { HttpError } from '@/app/_lib/errors';
import { getVerifiedViewer, requireLearner } from '@/app/_lib/session';
import { listenerFromEnv } from '@/sim/seed';
import { rememberSandbox } from '../_lib/current';
import { checkAttempt, giveUp, startInOwnSandbox, takeHint } from './attempts';
import { now } from '@/app/_lib/clock';
import { hintRefusal } from '@/app/teach/_lib/scenarioPolicy';

export type ScenarioResult = ActionResult;

async function guard(what: string, scenarioId: string, fn: () => Promise<string>): Promise<ScenarioResult> {
  try {
    const message = await fn();
    revalidatePath(`/sandbox/scenarios/${scenarioId}`);
    revalidatePath('/sandbox/scenarios');
    return { ok: true, message };
  } catch (error) {
    if (error instanceof HttpError) return { ok: false, error: error.message };
    console.error(`[scenarios] ${what} failed`, error);
    return { ok: false, error: `${what} failed on the server. It has been logged; try again.` };
  }
}

const field = (form: FormData, k: string) => String(form.get(k) ?? '').slice(0, 100);

export async function startScenario(_prev: ScenarioResult | null, form: FormData): Promise<ScenarioResult> {
  const scenarioId = field(form, 'scenarioId');
  return guard('Starting the scenario', scenarioId, async () => {
    const viewer = await getVerifiedViewer();
    if (!viewer || viewer.isGuest) throw new HttpError(401, 'Sign in to start a scenario: each one runs in your own sandbox, with your own AE titles.');
    const { attempt, sandbox, aes } = await startInOwnSandbox(getDb(), viewer.id, scenarioId, { listener: listenerFromEnv() });
    // the consoles the scenario links to show the student's own sandbox
    await rememberSandbox(sandbox.slug);
    revalidatePath('/sandbox', 'layout');
    const n = (attempt.injectionIds as string[]).length;
    return `Started in your sandbox (archive ${aes.archive}, worklist ${aes.worklist}), reset to a fresh state: ${n} fault${n === 1 ? ' is' : 's are'} now in it. The clock is running.`;
  });
}

export async function hintScenario(_prev: ScenarioResult | null, form: FormData): Promise<ScenarioResult> {
  return guard('The hint', field(form, 'scenarioId'), async () => {
    const viewer = await requireLearner();
    // an assigned attempt follows the instructor's hint policy (app/teach/_lib/scenarioPolicy.ts)
    const refused = await hintRefusal(getDb(), viewer.id, field(form, 'attemptId'), await now());
    if (refused) throw new HttpError(403, refused);
    const h = await takeHint(getDb(), field(form, 'attemptId'), viewer.id);
    return `Hint ${h.step} of 3 recorded.`;
  });
}

export async function checkScenario(_prev: ScenarioResult | null, form: FormData): Promise<ScenarioResult> {
  return guard('Checking your fix', field(form, 'scenarioId'), async () => {
    const viewer = await requireLearner();
    const r = await checkAttempt(getDb(), field(form, 'attemptId'), viewer.id);
    const failed = r.record.results.filter((x) => !x.passed).length;
    return r.passed ? 'Every check passed: the scenario is solved and the faults are cleared.' : `${failed} of ${r.record.results.length} checks do not pass yet: see below.`;
  });
}

export async function giveUpScenario(_prev: ScenarioResult | null, form: FormData): Promise<ScenarioResult> {
  return guard('Giving up', field(form, 'scenarioId'), async () => {
    const viewer = await requireLearner();
    await giveUp(getDb(), field(form, 'attemptId'), viewer.id);
    return 'Given up: the faults are cleared and the sandbox is back to normal.';
  });
}
