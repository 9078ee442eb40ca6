'use server';
// The instructor's cohort actions and the student's join: the form is checked here (zod, in the instructor's
// words), the data module (_lib/cohorts.ts) checks who may do it and writes the audit event.
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { getDb } from '@/prisma/db';
import { fieldErrors, HttpError } from '@/app/_lib/errors';
import { requireRole } from '@/app/_lib/session';
import { createAssignment, createCohort, deleteAssignment, joinCohort, moveStudent, newAssignmentInput, newCohortInput, removeStudent, updateAssignment } from './_lib/cohorts';

export type FormResult = { ok: true; message: string } | { ok: false; error: string; fields?: Record<string, string[]>; values?: Record<string, string> };

/** The form's text fields; a field sent more than once (the chosen students' checkboxes) comma-joined. */
function submitted(form: FormData) {
  const out: Record<string, string> = {};
  for (const [k, v] of form.entries()) {
    if (k.startsWith('$') || typeof v !== 'string') continue;
    out[k] = k in out ? `${out[k]},${v}` : v;
  }
  return out;
}

async function guard(form: FormData, fn: () => Promise<FormResult>): Promise<FormResult> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof HttpError) {
      console.warn(`[teach] refused (${error.status}): ${error.message}`);
      return { ok: false, error: error.message, fields: error.details, values: submitted(form) };
    }
    console.error('[teach] unexpected error', error);
    return { ok: false, error: 'Something went wrong on the server. It has been logged; try again.', values: submitted(form) };
  }
}

export async function createCohortAction(_prev: FormResult | null, form: FormData): Promise<FormResult> {
  return guard(form, async () => {
    const viewer = await requireRole('instructor');
    const parsed = newCohortInput.safeParse(submitted(form));
    if (!parsed.success) return { ok: false, error: 'Check the highlighted fields.', fields: fieldErrors(parsed.error), values: submitted(form) };
    const cohort = await createCohort(getDb(), viewer, parsed.data);
    revalidatePath('/teach');
    return { ok: true, message: `Created ${cohort.name}: join code ${cohort.joinCode}.` };
  });
}

export async function createAssignmentAction(_prev: FormResult | null, form: FormData): Promise<FormResult> {
  return guard(form, async () => {
    const viewer = await requireRole('instructor');
    const values = submitted(form);
    const parsed = newAssignmentInput.safeParse(values);
    if (!parsed.success) {
      const fields = fieldErrors(parsed.error);
      // e.g. a fault drill whose faults cannot go together: the sentence is the refusal
      console.warn(`[teach] assignment refused (422): ${Object.entries(fields).map(([k, m]) => `${k}: ${m.join(' ')}`).join('; ')}`);
      return { ok: false, error: 'Check the highlighted fields.', fields, values };
    }
    const tz = Number(values.tzOffset);
    const a = await createAssignment(getDb(), viewer, values.cohortId ?? '', parsed.data, Number.isFinite(tz) && Math.abs(tz) <= 900 ? tz : 0);
    revalidatePath(`/teach/cohorts/${a.cohortId}`);
    return { ok: true, message: `Assigned “${a.title}”.` };
  });
}

/** Edits an assignment (title, dates, target); the data module checks the form for the assignment's kind. */
export async function updateAssignmentAction(_prev: FormResult | null, form: FormData): Promise<FormResult> {
  return guard(form, async () => {
    const viewer = await requireRole('instructor');
    const values = submitted(form);
    const tz = Number(values.tzOffset);
    const a = await updateAssignment(getDb(), viewer, values.assignmentId ?? '', values, Number.isFinite(tz) && Math.abs(tz) <= 900 ? tz : 0);
    revalidatePath(`/teach/cohorts/${a.cohortId}`);
    return { ok: true, message: `Saved “${a.title}”.` };
  });
}

const text = (form: FormData, k: string) => String(form.get(k) ?? '').slice(0, 100);

/**
 * After a student leaves (their row, and the button's answer with it, is gone from the page): back to the cohort
 * page with what happened, which it shows (`?left=removed|moved&emptied=<assignments deleted with them>`).
 */
function leftTo(cohortId: string, how: 'removed' | 'moved', emptied: unknown[]): never {
  revalidatePath(`/teach/cohorts/${cohortId}`);
  redirect(`/teach/cohorts/${encodeURIComponent(cohortId)}?left=${how}&emptied=${emptied.length}`);
}

/** Removes a student from the cohort; a refusal (not your cohort 403, not in it 404) is answered in words, nothing changed. */
export async function removeStudentAction(_prev: FormResult | null, form: FormData): Promise<FormResult> {
  const cohortId = text(form, 'cohortId');
  let emptied: unknown[] | null = null;
  const result = await guard(form, async () => {
    const viewer = await requireRole('instructor');
    emptied = (await removeStudent(getDb(), viewer, cohortId, text(form, 'userId'))).emptied;
    return { ok: true, message: 'Removed from the cohort.' };
  });
  if (emptied) leftTo(cohortId, 'removed', emptied);
  return result;
}

/** Moves a student to another of the viewer's cohorts (not yours 403, same cohort 422, not in it 404). */
export async function moveStudentAction(_prev: FormResult | null, form: FormData): Promise<FormResult> {
  const cohortId = text(form, 'cohortId');
  let emptied: unknown[] | null = null;
  const result = await guard(form, async () => {
    const viewer = await requireRole('instructor');
    const moved = await moveStudent(getDb(), viewer, cohortId, text(form, 'to'), text(form, 'userId'));
    emptied = moved.emptied;
    return { ok: true, message: `Moved to ${moved.to}.` };
  });
  if (emptied) leftTo(cohortId, 'moved', emptied);
  return result;
}

/** Deletes an assignment (not yours 403, already gone 404). */
export async function deleteAssignmentAction(_prev: FormResult | null, form: FormData): Promise<FormResult> {
  return guard(form, async () => {
    const viewer = await requireRole('instructor');
    const a = await deleteAssignment(getDb(), viewer, text(form, 'assignmentId'));
    revalidatePath(`/teach/cohorts/${a.cohortId}`);
    return { ok: true, message: `Deleted “${a.title}”.` };
  });
}

export async function joinCohortAction(_prev: FormResult | null, form: FormData): Promise<FormResult> {
  let joined = false;
  const result = await guard(form, async () => {
    const viewer = await requireRole('student');
    await joinCohort(getDb(), viewer, String(form.get('code') ?? ''));
    joined = true;
    return { ok: true, message: 'Joined.' };
  });
  if (joined) redirect('/learn?joined=1');
  return result;
}
