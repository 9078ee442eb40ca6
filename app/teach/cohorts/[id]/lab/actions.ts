'use server';
// The live lab's actions: inject a further fault into one student's sandbox, check it, clear it. The data module
// (_lib/liveLab.ts) checks that the cohort is the instructor's and the student is in it; the fault engine audits.
import { revalidatePath } from 'next/cache';
import type { ActionResult } from '@/app/_components/ActionForm';
import { getDb } from '@/prisma/db';
import { HttpError } from '@/app/_lib/errors';
import { requireRole } from '@/app/_lib/session';
import { actOnStudentFault, injectIntoStudent } from '../../../_lib/liveLab';

const field = (form: FormData, k: string) => String(form.get(k) ?? '').slice(0, 100);

async function guard(cohortId: string, what: string, fn: () => Promise<string>): Promise<ActionResult> {
  try {
    const message = await fn();
    revalidatePath(`/teach/cohorts/${cohortId}/lab`);
    return { ok: true, message };
  } catch (error) {
    if (error instanceof HttpError) return { ok: false, error: error.message };
    console.error(`[lab] ${what} failed`, error);
    return { ok: false, error: `${what} failed on the server. It has been logged; try again.` };
  }
}

export async function injectAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const cohortId = field(form, 'cohortId');
  return guard(cohortId, 'Injecting the fault', async () => {
    const viewer = await requireRole('instructor');
    const injection = await injectIntoStudent(getDb(), viewer, cohortId, field(form, 'userId'), field(form, 'faultId'));
    return `Injected ${injection.faultId}: the student meets it at their next step.`;
  });
}

export async function faultAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const cohortId = field(form, 'cohortId');
  const action = field(form, 'action') === 'clear' ? 'clear' : 'check';
  return guard(cohortId, action === 'clear' ? 'Clearing the fault' : 'Checking the fault', async () => {
    const viewer = await requireRole('instructor');
    const r = await actOnStudentFault(getDb(), viewer, cohortId, field(form, 'userId'), field(form, 'injectionId'), action);
    if (r.cleared) return 'Cleared: what the fault changed is back as it was.';
    const passed = r.check!.results.filter((x) => x.passed).length;
    return `${passed} of ${r.check!.results.length} checks pass${r.check!.passed ? ': fixed.' : '.'}`;
  });
}
