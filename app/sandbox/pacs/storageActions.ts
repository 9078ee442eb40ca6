'use server';
// The PACS console's Storage tab and the study page's "Restore to short-term": the site's tier policy (audited), a
// migration run now, and a restore. For those who may administer the sandbox (requireSandboxAdmin); each calls the
// one data module, sim/archive/tiers.ts, which writes files safely, switches the index and writes the audit entry.
// Migration and restore run as background jobs (sim/archive/tierJobs.ts): the action starts one and answers at once
// (after a short wait, so that a job with nothing to do answers with its result); the page shows the progress.
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import type { ActionResult } from '@/app/_components/ActionForm';
import { getDb } from '@/prisma/db';
import { HttpError } from '@/app/_lib/errors';
import { formatBytes } from '@/app/_lib/format';
import { setTierSettings, TierError, type MigrationResult } from '@/sim/archive/tiers';
import { migrationResultOf, restoreResultOf, startTierJob, type TierJobKind, type TierJobRow } from '@/sim/archive/tierJobs';
import { requireSandboxAdmin } from '../_lib/sandboxAdmin';
import { currentSandbox } from '../_lib/current';

async function run(what: string, fn: (sandboxId: string, actorId: string) => Promise<string>): Promise<ActionResult> {
  try {
    const sandbox = await currentSandbox();
    if (!sandbox) throw new HttpError(503, 'The sandbox has not been created yet: run npx pacslab db seed.');
    const viewer = await requireSandboxAdmin(sandbox.id, what);
    const message = await fn(sandbox.id, viewer.id);
    revalidatePath('/sandbox/pacs', 'layout');
    return { ok: true, message };
  } catch (error) {
    if (error instanceof HttpError) return { ok: false, error: error.message };
    if (error instanceof TierError) return { ok: false, error: `${what} was refused: ${error.message}.` };
    console.error(`[pacs storage] ${what} failed`, error);
    return { ok: false, error: `${what} failed on the server. Nothing was lost; it has been logged — try again.` };
  }
}

const str = (form: FormData, k: string) => String(form.get(k) ?? '');
const reasonSchema = z.string().trim().max(200, 'A reason has at most 200 characters.');

export async function saveTierSettingsAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const reason = reasonSchema.safeParse(str(form, 'reason'));
  if (!reason.success) return { ok: false, error: reason.error.issues[0].message };
  return run('Changing the storage policy', async (sandboxId, actorId) => {
    const raw = { shortTermDays: str(form, 'shortTermDays'), longTermCodec: str(form, 'longTermCodec'), longTermRatio: str(form, 'longTermRatio') || undefined, lossyPolicy: str(form, 'lossyPolicy') };
    const { before, after } = await setTierSettings(getDb(), sandboxId, raw, { actorId, reason: reason.data });
    if (JSON.stringify(before) === JSON.stringify(after)) return 'Nothing changed: the settings were already these.';
    return 'Saved. The next migration run uses these settings; studies already on the long-term tier stay as they are.';
  });
}

/** How long an action waits for its job before answering "started": a job with nothing to do answers with its result. */
const QUICK_MS = 600;

function migrationMessage(r: Pick<MigrationResult, 'moved' | 'skipped'>): string {
  const images = r.moved.reduce((a, m) => a + m.instances, 0);
  const before = r.moved.reduce((a, m) => a + m.bytesBefore, 0);
  const after = r.moved.reduce((a, m) => a + m.bytesAfter, 0);
  const moved = r.moved.length
    ? `Moved ${r.moved.length} stud${r.moved.length === 1 ? 'y' : 'ies'} (${images} image${images === 1 ? '' : 's'}, ${formatBytes(before)} → ${formatBytes(after)}) to the long-term tier.`
    : 'No study was due to move.';
  return r.skipped.length ? `${moved} Skipped ${r.skipped.length}: see the last run below.` : moved;
}

async function startJob(sandboxId: string, actorId: string, kind: TierJobKind, target?: string): Promise<string> {
  const { finished } = await startTierJob(getDb(), sandboxId, { kind, target, actorId });
  const job = await Promise.race([finished, new Promise<null>((r) => setTimeout(() => r(null), QUICK_MS))]);
  const what = kind === 'migrate' ? 'The migration' : 'The restore';
  if (!job) return `${what} has started: its progress is shown here and updates by itself.`;
  return jobMessage(job, what);
}

function jobMessage(job: TierJobRow | Pick<TierJobRow, 'kind' | 'status' | 'result' | 'error'>, what: string): string {
  if (job.status === 'failed') throw new TierError('conflict', job.error.replace(/\.$/, ''));
  const m = migrationResultOf(job);
  if (m) return migrationMessage(m);
  const r = restoreResultOf(job);
  if (r) return r.message;
  return `${what} has finished.`;
}

export async function runMigrationAction(_prev: ActionResult | null, _form: FormData): Promise<ActionResult> {
  return run('Running the tier migration', (sandboxId, actorId) => startJob(sandboxId, actorId, 'migrate'));
}

export async function restoreStudyAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const uid = z.string().trim().regex(/^[0-9.]{1,64}$/, 'Which study? The form did not say.').safeParse(str(form, 'studyInstanceUid'));
  if (!uid.success) return { ok: false, error: uid.error.issues[0].message };
  return run('Restoring the study', (sandboxId, actorId) => startJob(sandboxId, actorId, 'restore', uid.data));
}
