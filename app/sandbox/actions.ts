'use server';
// The sandbox switcher's actions: work in another sandbox (the demo, one's own, or, for instructors, a student's),
// and make one's own sandbox. The choice is an httpOnly cookie that currentSandbox() checks again on every request.
import { revalidatePath } from 'next/cache';
import type { ActionResult } from '@/app/_components/ActionForm';
import { getDb } from '@/prisma/db';
import { HttpError } from '@/app/_lib/errors';
import { getVerifiedViewer, requireRole } from '@/app/_lib/session';
import { listenerFromEnv } from '@/sim/seed';
import { ensureUserSandbox, isUserSandboxSlug, SandboxError } from '@/sim/sandboxes';
import { seedOrders } from '@/sim/ris/seedOrders';
import { checkSandboxChoice, rememberSandbox, sandboxLabel } from './_lib/current';

async function guard(what: string, fn: () => Promise<string>): Promise<ActionResult> {
  try {
    const message = await fn();
    revalidatePath('/sandbox', 'layout');
    return { ok: true, message };
  } catch (error) {
    if (error instanceof HttpError) return { ok: false, error: error.message };
    if (error instanceof SandboxError) return { ok: false, error: `${what} failed: ${error.message}.` };
    console.error(`[sandbox] ${what} failed`, error);
    return { ok: false, error: `${what} failed on the server. It has been logged; try again.` };
  }
}

/** The sandbox a slug names, if the viewer may use it; 404/403 in words otherwise. */
export async function selectSandbox(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  return guard('Switching sandbox', async () => {
    const viewer = await getVerifiedViewer();
    const sandbox = await checkSandboxChoice(getDb(), viewer, form.get('slug'));
    // a student's sandbox gets the day's orders when it is opened (the demo's come from the daemon at midnight)
    if (isUserSandboxSlug(sandbox.slug)) await seedOrders(getDb(), sandbox.id);
    await rememberSandbox(sandbox.slug);
    return `Now working in ${sandboxLabel(sandbox, viewer?.id)}.`;
  });
}

/** Makes the viewer's own sandbox (or finds it) and switches to it. */
export async function createMySandbox(_prev: ActionResult | null, _form: FormData): Promise<ActionResult> {
  return guard('Creating your sandbox', async () => {
    const viewer = await requireRole('student');
    const r = await ensureUserSandbox(getDb(), viewer.id, listenerFromEnv());
    await rememberSandbox(r.sandbox.slug);
    return r.created
      ? `Your sandbox is ready: archive ${r.aes.archive}, worklist ${r.aes.worklist}. You are now working in it.`
      : `You already have a sandbox (archive ${r.aes.archive}): you are now working in it.`;
  });
}
