'use server';
// The study page's correction actions (issue 8, "The correction tools"): merge into another study, move a series,
// split series out to an order, edit the patient's demographics, reject images (IOCM). Each is for those who may administer the sandbox (sandboxAdmin.ts), takes a
// required reason, and calls the one data module (sim/archive/corrections.ts) that rewrites the stored files,
// switches the index and writes the audit entry. After a merge the page goes to the surviving study.
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import type { ActionResult } from '@/app/_components/ActionForm';
import { getDb } from '@/prisma/db';
import { HttpError } from '@/app/_lib/errors';
import { CorrectionError, mergeStudies, moveSeries, splitSeriesToOrder } from '@/sim/archive/corrections';
import { correctDemographics, demographicsSchema, rejectInstances, REJECTION_CODES, type RejectionCode } from '@/sim/archive/patientCorrections';
import { requireSandboxAdmin } from '../../../_lib/sandboxAdmin';
import { currentSandbox } from '../../../_lib/current';

const uid = z.string().trim().regex(/^[0-9.]{1,64}$/, 'Choose a study or series from the list.');
const reason = z.string().trim().min(3, 'Give a reason (at least 3 characters): it is kept in the audit trail.').max(500, 'The reason is at most 500 characters.');
const str = (form: FormData, k: string) => String(form.get(k) ?? '');

function fail(error: z.ZodError): ActionResult {
  const fields: Record<string, string[]> = {};
  for (const i of error.issues) (fields[String(i.path[0] ?? '_')] ??= []).push(i.message);
  return { ok: false, error: 'The correction was not made:', fields };
}

async function run(what: string, fn: (sandboxId: string, actorId: string) => Promise<string>): Promise<ActionResult> {
  try {
    const sandbox = await currentSandbox();
    if (!sandbox) throw new HttpError(503, 'The sandbox has not been created yet: run npx pacslab db seed.');
    const viewer = await requireSandboxAdmin(sandbox.id, 'Correcting a study');
    return { ok: true, message: await fn(sandbox.id, viewer.id) };
  } catch (error) {
    if (error instanceof HttpError) return { ok: false, error: error.message };
    if (error instanceof CorrectionError) return { ok: false, error: `${what} was refused: ${error.message}.` };
    console.error(`[pacs] ${what} failed`, error);
    return { ok: false, error: `${what} failed on the server. Nothing was lost; it has been logged — try again.` };
  }
}

const images = (n: number) => `${n} image${n === 1 ? '' : 's'}`;

export async function mergeStudyAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const parsed = z.object({ sourceStudyUid: uid, targetStudyUid: uid, reason }).safeParse({ sourceStudyUid: str(form, 'sourceStudyUid'), targetStudyUid: str(form, 'targetStudyUid'), reason: str(form, 'reason') });
  if (!parsed.success) return fail(parsed.error);
  const p = parsed.data;
  const r = await run('The merge', async (sandboxId, actorId) => {
    const done = await mergeStudies(getDb(), sandboxId, { ...p, actorId });
    return `Merged: ${done.series} series (${images(done.instances)}) moved into ${done.studyInstanceUid}.`;
  });
  if (!r.ok) return r;
  revalidatePath('/sandbox/pacs');
  // the source study is gone: continue on the study that survived
  redirect(`/sandbox/pacs/studies/${p.targetStudyUid}?merged=${encodeURIComponent(p.sourceStudyUid)}`);
}

export async function moveSeriesAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const parsed = z.object({ studyInstanceUid: uid, seriesUid: uid, targetStudyUid: uid, reason }).safeParse({
    studyInstanceUid: str(form, 'studyInstanceUid'), seriesUid: str(form, 'seriesUid'), targetStudyUid: str(form, 'targetStudyUid'), reason: str(form, 'reason'),
  });
  if (!parsed.success) return fail(parsed.error);
  const { studyInstanceUid, ...p } = parsed.data;
  let removed: string | null = null;
  const r = await run('Moving the series', async (sandboxId, actorId) => {
    const done = await moveSeries(getDb(), sandboxId, { ...p, actorId });
    removed = done.removedStudyUid;
    return `Moved the series (${images(done.instances)}) to study ${done.studyInstanceUid}.`;
  });
  if (!r.ok) return r;
  revalidatePath('/sandbox/pacs');
  if (removed) redirect(`/sandbox/pacs/studies/${p.targetStudyUid}`);
  revalidatePath(`/sandbox/pacs/studies/${studyInstanceUid}`);
  return r;
}

export async function splitToOrderAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const parsed = z
    .object({ studyInstanceUid: uid, seriesUids: z.array(uid).min(1, 'Tick at least one series to split out.'), orderId: z.string().trim().min(1, 'Choose the order the series belong to.').max(64), reason })
    .safeParse({ studyInstanceUid: str(form, 'studyInstanceUid'), seriesUids: form.getAll('seriesUids').map(String), orderId: str(form, 'orderId'), reason: str(form, 'reason') });
  if (!parsed.success) return fail(parsed.error);
  const { studyInstanceUid, ...p } = parsed.data;
  let removed: string | null = null;
  let target = '';
  const r = await run('The split', async (sandboxId, actorId) => {
    const done = await splitSeriesToOrder(getDb(), sandboxId, { ...p, actorId });
    removed = done.removedStudyUid;
    target = done.studyInstanceUid;
    const order = await getDb().order.findUnique({ where: { id: p.orderId }, select: { accessionNumber: true } });
    return `Split: ${done.series} series (${images(done.instances)}) now in the study of order ${order?.accessionNumber ?? ''} (${done.studyInstanceUid}).`;
  });
  if (!r.ok) return r;
  revalidatePath('/sandbox/pacs');
  // every series left: this study is gone, continue on the order's study
  if (removed) redirect(`/sandbox/pacs/studies/${target}`);
  revalidatePath(`/sandbox/pacs/studies/${studyInstanceUid}`);
  return r;
}

export async function correctDemographicsAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const parsed = z.object({ studyInstanceUid: uid, reason }).merge(demographicsSchema).safeParse({
    studyInstanceUid: str(form, 'studyInstanceUid'), reason: str(form, 'reason'),
    patientId: str(form, 'patientId'), patientName: str(form, 'patientName').toUpperCase(), birthDate: str(form, 'birthDate').replace(/-/g, ''), sex: str(form, 'sex'),
  });
  if (!parsed.success) return fail(parsed.error);
  const { studyInstanceUid, reason: why, ...patient } = parsed.data;
  const r = await run('The demographics correction', async (sandboxId, actorId) => {
    const done = await correctDemographics(getDb(), sandboxId, { studyUid: studyInstanceUid, patient, reason: why, actorId });
    return `Corrected: ${images(done.instances)} now carry ${patient.patientName} (${patient.patientId})${done.removedPatientId ? `; patient ${done.removedPatientId} had no other study and was removed` : ''}. Recorded as a patient-safety event.`;
  });
  if (!r.ok) return r;
  revalidatePath('/sandbox/pacs');
  revalidatePath(`/sandbox/pacs/studies/${studyInstanceUid}`);
  return r;
}

const codes = Object.keys(REJECTION_CODES) as [RejectionCode, ...RejectionCode[]];

export async function rejectImagesAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const parsed = z
    .object({
      studyInstanceUid: uid,
      /** "study" for the whole study, or one series' UID */
      scope: z.string().trim().refine((v) => v === 'study' || /^[0-9.]{1,64}$/.test(v), 'Choose the whole study or one series.'),
      code: z.enum(codes, { message: 'Choose a rejection reason code from the list.' }),
      reason,
    })
    .safeParse({ studyInstanceUid: str(form, 'studyInstanceUid'), scope: str(form, 'scope'), code: str(form, 'code'), reason: str(form, 'reason') });
  if (!parsed.success) return fail(parsed.error);
  const { studyInstanceUid, scope, code, reason: why } = parsed.data;
  const r = await run('The rejection', async (sandboxId, actorId) => {
    const target = scope === 'study' ? { studyUid: studyInstanceUid } : { seriesUid: scope };
    const done = await rejectInstances(getDb(), sandboxId, { ...target, code, reason: why, actorId });
    return `Rejected ${images(done.rejected)} with ${code} “${REJECTION_CODES[code]}”: a rejection note was stored in the study and the images no longer answer queries or retrieves.`;
  });
  if (!r.ok) return r;
  revalidatePath('/sandbox/pacs');
  revalidatePath(`/sandbox/pacs/studies/${studyInstanceUid}`);
  return r;
}
