'use server';
// The PACS console's Storage tab and the study page's "Restore to short-term": the site's tier policy (audited), a
// migration run now, and a restore. For those who may administer the sandbox (requireSandboxAdmin); each calls the
// one data module, sim/archive/tiers.ts, which writes files safely, switches the index and writes the audit entry.
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import type { ActionResult } from '@/app/_components/ActionForm';
import { getDb } from '@/prisma/db';
import { HttpError } from '@/app/_lib/errors';
import { formatBytes } from '@/app/_lib/format';
import { migrateByAge, restoreStudy, setTierSettings, TierError } from '@/sim/archive/tiers';
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

export async function runMigrationAction(_prev: ActionResult | null, _form: FormData): Promise<ActionResult> {
  return run('Running the tier migration', async (sandboxId, actorId) => {
    const r = await migrateByAge(getDb(), sandboxId, { actorId });
    const images = r.moved.reduce((a, m) => a + m.instances, 0);
    const before = r.moved.reduce((a, m) => a + m.bytesBefore, 0);
    const after = r.moved.reduce((a, m) => a + m.bytesAfter, 0);
    const moved = r.moved.length
      ? `Moved ${r.moved.length} stud${r.moved.length === 1 ? 'y' : 'ies'} (${images} image${images === 1 ? '' : 's'}, ${formatBytes(before)} → ${formatBytes(after)}) to the long-term tier.`
      : 'No study was due to move.';
    return r.skipped.length ? `${moved} Skipped ${r.skipped.length}: see the last run below.` : moved;
  });
}

export async function restoreStudyAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const uid = z.string().trim().regex(/^[0-9.]{1,64}$/, 'Which study? The form did not say.').safeParse(str(form, 'studyInstanceUid'));
  if (!uid.success) return { ok: false, error: uid.error.issues[0].message };
  return run('Restoring the study', async (sandboxId, actorId) => (await restoreStudy(getDb(), sandboxId, uid.data, { actorId })).message);
}
