'use server';
// The PACS console's Service panel: stop and start (restart) the sandbox's archive service. Role-checked
// (requireSandboxAdmin) and audited by sim/archive/archiveService.ts; the listener reads the state from the
// database at the next association.
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/prisma/db';
import { HttpError } from '@/app/_lib/errors';
import type { ActionResult } from '@/app/_components/ActionForm';
import { ArchiveServiceError, startArchive, stopArchive } from '@/sim/archive/archiveService';
import { requireSandboxAdmin } from '../_lib/sandboxAdmin';
import { currentSandbox } from '../_lib/current';

const reasonSchema = z.string().trim().max(200, 'A reason has at most 200 characters.').default('');

async function guard(fn: () => Promise<ActionResult>): Promise<ActionResult> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof HttpError || error instanceof ArchiveServiceError) return { ok: false, error: error.message };
    console.error('[pacs service] change failed', error);
    return { ok: false, error: 'Something went wrong on the server. It has been logged.' };
  }
}

export async function stopArchiveService(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  return guard(async () => {
    const sandbox = await currentSandbox();
    if (!sandbox) throw new HttpError(404, 'The demo sandbox does not exist.');
    const viewer = await requireSandboxAdmin(sandbox.id, 'Stopping the archive service');
    const reason = reasonSchema.safeParse(form.get('reason') ?? undefined);
    if (!reason.success) return { ok: false, error: reason.error.issues[0].message };
    const state = await stopArchive(getDb(), sandbox.id, { actorId: viewer.id, reason: reason.data || 'stopped on the PACS console' });
    revalidatePath('/sandbox/pacs');
    return { ok: true, message: `The archive service is stopped since ${state.stoppedAt?.toLocaleTimeString('en-GB')}: associations to it are rejected (temporary congestion) until you start it.` };
  });
}

export async function startArchiveService(_prev: ActionResult | null, _form: FormData): Promise<ActionResult> {
  return guard(async () => {
    const sandbox = await currentSandbox();
    if (!sandbox) throw new HttpError(404, 'The demo sandbox does not exist.');
    const viewer = await requireSandboxAdmin(sandbox.id, 'Starting the archive service');
    await startArchive(getDb(), sandbox.id, { actorId: viewer.id, reason: 'started on the PACS console' });
    revalidatePath('/sandbox/pacs');
    return { ok: true, message: 'The archive service is running: it accepts associations again. Retry the failed sends on the scanners (do not scan again).' };
  });
}
