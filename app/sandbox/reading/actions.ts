'use server';
// The radiologist's actions on the reading worklist: save or sign a report (instructors and admins act as the
// radiologist in the demo), and saved filters (any signed-in account). Checked with zod here; the report rules
// (final means final, verify before read, order reported, audit, ORU out) live in sim/ris/reports.ts.
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/prisma/db';
import { hl7OutboundFromEnv } from '@/sim/ris/hl7/oru';
import { ReportError, saveDraft, signReport } from '@/sim/ris/reports';
import { HttpError } from '@/app/_lib/errors';
import { requireRole } from '@/app/_lib/session';
import { currentSandbox } from '../_lib/current';
import { readingSearch, risAeTitle } from '../_lib/ris';
import { deleteSavedFilter, filterQuery, saveFilter, SavedFilterError, SavedFilterName } from '../_lib/savedFilters';
import { toPersonName } from '../_lib/risNames';

export type ReportResult =
  | { ok: true; message: string }
  | { ok: false; error: string; fields?: Record<string, string[]>; values?: { findings: string; impression: string } };

const uid = z.string().regex(/^[0-9.]{1,64}$/);

export async function reportAction(_prev: ReportResult | null, form: FormData): Promise<ReportResult> {
  const values = { findings: String(form.get('findings') ?? ''), impression: String(form.get('impression') ?? '') };
  try {
    const viewer = await requireRole('instructor');
    const studyInstanceUid = uid.safeParse(form.get('studyInstanceUid'));
    if (!studyInstanceUid.success) throw new HttpError(422, 'That study could not be read.');
    const intent = z.enum(['draft', 'sign']).safeParse(form.get('intent'));
    if (!intent.success) throw new HttpError(422, 'Choose Save draft or Sign.');
    const sandbox = await currentSandbox();
    if (!sandbox) throw new HttpError(404, 'The demo sandbox does not exist yet: run npx pacslab db seed.');
    const reader = { actorId: viewer.id, name: toPersonName(viewer.name) };
    const db = getDb();
    let message: string;
    if (intent.data === 'draft') {
      await saveDraft(db, sandbox.id, studyInstanceUid.data, values, reader);
      message = 'Draft saved.';
    } else {
      const { delivery } = await signReport(db, sandbox.id, studyInstanceUid.data, values, reader, { sendingApplication: await risAeTitle(sandbox.id), endpoint: hl7OutboundFromEnv() });
      message = delivery.status === 'AA' ? 'Signed. The study is read and the result (ORU^R01) was accepted by the receiving system.' : `Signed. The study is read; the result (ORU^R01) was not delivered: ${delivery.error}.`;
    }
    revalidatePath('/sandbox/reading');
    revalidatePath(`/sandbox/reading/${studyInstanceUid.data}`);
    return { ok: true, message };
  } catch (error) {
    if (error instanceof HttpError) return { ok: false, error: error.message, values };
    if (error instanceof ReportError) return { ok: false, error: error.message, fields: error.fields, values };
    console.error('[reading] report failed', error);
    return { ok: false, error: 'Something went wrong on the server. It has been logged; your text is still here, try again.', values };
  }
}

// ---- saved filters (any signed-in account; guests have none) ----------------------------------------------

export type FilterResult = { ok: true; message: string } | { ok: false; error: string; values?: { name: string } };

export async function saveFilterAction(_prev: FilterResult | null, form: FormData): Promise<FilterResult> {
  const name = String(form.get('name') ?? '');
  try {
    const viewer = await requireRole('student');
    // the query is re-read through the worklist's own schema: only known filters, valid values, are kept
    const raw = Object.fromEntries(new URLSearchParams(String(form.get('query') ?? '')).entries());
    const query = filterQuery(readingSearch.parse(raw));
    const parsed = SavedFilterName.safeParse(name);
    if (!parsed.success) throw new HttpError(422, parsed.error.issues[0].message);
    await saveFilter(getDb(), viewer.id, 'reading', parsed.data, query);
    revalidatePath('/sandbox/reading');
    return { ok: true, message: `Filter “${parsed.data}” saved.` };
  } catch (error) {
    if (error instanceof HttpError || error instanceof SavedFilterError) return { ok: false, error: error.message, values: { name } };
    console.error('[reading] save filter failed', error);
    return { ok: false, error: 'Something went wrong on the server. It has been logged; try again.', values: { name } };
  }
}

export async function deleteFilterAction(_prev: FilterResult | null, form: FormData): Promise<FilterResult> {
  try {
    const viewer = await requireRole('student');
    const id = z.string().min(1).max(64).safeParse(form.get('id'));
    if (!id.success) throw new HttpError(422, 'That filter could not be read.');
    if (!(await deleteSavedFilter(getDb(), viewer.id, id.data))) throw new HttpError(404, 'That filter is already gone. Reload the page.');
    revalidatePath('/sandbox/reading');
    return { ok: true, message: 'Filter deleted.' };
  } catch (error) {
    if (error instanceof HttpError) return { ok: false, error: error.message };
    console.error('[reading] delete filter failed', error);
    return { ok: false, error: 'Something went wrong on the server. It has been logged; try again.' };
  }
}
