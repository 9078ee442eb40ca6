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

function submitted(form: FormData) {
  return Object.fromEntries([...form.entries()].filter(([k, v]) => !k.startsWith('$') && typeof v === 'string')) as Record<string, string>;
}

async function guard(form: FormData, fn: () => Promise<FormResult>): Promise<FormResult> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof HttpError) return { ok: false, error: error.message, fields: error.details, values: submitted(form) };
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
    if (!parsed.success) return { ok: false, error: 'Check the highlighted fields.', fields: fieldErrors(parsed.error), values };
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

export async function removeStudentAction(form: FormData): Promise<void> {
  const viewer = await requireRole('instructor');
  const cohortId = String(form.get('cohortId') ?? '');
  await removeStudent(getDb(), viewer, cohortId, String(form.get('userId') ?? ''));
  revalidatePath(`/teach/cohorts/${cohortId}`);
}

export async function moveStudentAction(form: FormData): Promise<void> {
  const viewer = await requireRole('instructor');
  const cohortId = String(form.get('cohortId') ?? '');
  await moveStudent(getDb(), viewer, cohortId, String(form.get('to') ?? ''), String(form.get('userId') ?? ''));
  revalidatePath(`/teach/cohorts/${cohortId}`);
}

export async function deleteAssignmentAction(form: FormData): Promise<void> {
  const viewer = await requireRole('instructor');
  const cohortId = String(form.get('cohortId') ?? '');
  await deleteAssignment(getDb(), viewer, String(form.get('assignmentId') ?? ''));
  revalidatePath(`/teach/cohorts/${cohortId}`);
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
