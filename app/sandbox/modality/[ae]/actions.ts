'use server';
// The scanner console's actions. Every form is checked here in a technologist's words (zod), then sim/modality does
// the work over real DICOM: acquire (and MPPS N-CREATE), end the exam (MPPS N-SET), send (C-STORE, then storage
// commitment), retry, purge, and the scanner's own network settings.
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { getDb } from '@/prisma/db';
import type { ActionResult } from '@/app/_components/ActionForm';
import { fieldErrors, HttpError } from '@/app/_lib/errors';
import { requireLearner, requireRole } from '@/app/_lib/session';
import { echo, ScuError } from '@/sim/dimse/client';
import { acquire, endExam } from '@/sim/modality/acquire';
import { deleteDestination, peerFor, saveDestination, updateModalityConfig } from '@/sim/modality/config';
import { ModalityError } from '@/sim/modality/failures';
import { DISCONTINUATION_REASONS } from '@/sim/modality/mpps';
import { purgeAcquisition } from '@/sim/modality/purge';
import { createSendJobs, deleteSendJob, retryAllFailed, startSendJob } from '@/sim/modality/sendQueue';
import { protocolsFor, type GenModality } from '@/sim/modality/generate';
import { isScanner, scannerContext } from '../../_lib/modality';

export type ConsoleResult = ActionResult;

const FAILED = 'Nothing was changed: check the fields marked in red.';

async function guard(what: string, fn: () => Promise<ConsoleResult>): Promise<ConsoleResult> {
  try {
    return await fn();
  } catch (error) {
    // redirect() and notFound() throw on purpose
    if (error && typeof error === 'object' && 'digest' in error && String((error as { digest: unknown }).digest).startsWith('NEXT_')) throw error;
    if (error instanceof HttpError) return { ok: false, error: error.message, fields: error.details };
    if (error instanceof ScuError) return { ok: false, error: error.message };
    if (error instanceof z.ZodError) return { ok: false, error: FAILED, fields: fieldErrors(error) };
    // sim/modality's own errors are written for the technologist; anything else is ours
    if (error instanceof ModalityError) return { ok: false, error: error.message };
    console.error(`[modality] ${what} failed`, error);
    return { ok: false, error: `${what} failed on the server. It has been logged; try again.` };
  }
}

async function scanner(form: FormData) {
  const ae = String(form.get('ae') ?? '');
  if (!isScanner(ae)) throw new HttpError(404, 'There is no such scanner in this sandbox.');
  const ctx = await scannerContext(ae);
  if (!ctx) throw new HttpError(404, 'This scanner is not set up yet: run npx pacslab db seed.');
  return ctx;
}

const text = (max: number, what: string) => z.string().trim().max(max, `${what}: at most ${max} characters.`);
const da = z.string().regex(/^(\d{8})?$/).default('');

/** A worklist item as the console received it over MWL (PS3.4 K.6) and posts it back when the exam starts. */
const worklistItem = z.object({
  patientName: text(64, 'Patient name').min(1),
  patientId: text(64, 'Patient ID').min(1),
  patientBirthDate: da,
  patientSex: z.string().max(16).default(''),
  accessionNumber: text(16, 'Accession number').default(''),
  requestedProcedureId: text(16, 'Requested procedure ID').default(''),
  requestedProcedureDescription: text(64, 'Requested procedure').default(''),
  scheduledProcedureStepId: text(16, 'Scheduled step ID').default(''),
  scheduledProcedureStepDescription: text(64, 'Scheduled step').default(''),
  modality: z.string().max(16).default(''),
  scheduledStationAeTitle: z.string().max(16).default(''),
  scheduledStartDate: da,
  scheduledStartTime: z.string().max(16).default(''),
  studyInstanceUid: z.string().regex(/^[0-9.]{1,64}$/, 'The worklist item has no valid Study Instance UID.'),
  referringPhysicianName: text(64, 'Referring physician').default(''),
  scheduledPerformingPhysicianName: text(64, 'Performing physician').default(''),
  priority: z.string().max(16).optional(),
});

function protocolField(modality: string) {
  const ids = protocolsFor(modality as GenModality).map((p) => p.id);
  return z.string().refine((id) => ids.includes(id), { message: `Choose one of this scanner’s protocols (${ids.join(', ')}).` });
}

const slicesField = z.coerce.number().int('Slices: a whole number.').min(1, 'At least 1 slice.').max(600, 'At most 600 slices here.').optional();

export async function startExamFromWorklist(_prev: ConsoleResult | null, form: FormData): Promise<ConsoleResult> {
  let target = '';
  const result = await guard('Starting the exam', async () => {
    await requireLearner();
    const ctx = await scanner(form);
    let raw: unknown;
    try {
      raw = JSON.parse(String(form.get('item') ?? ''));
    } catch {
      throw new HttpError(422, 'The worklist item could not be read. Refresh the worklist and pick the patient again.');
    }
    const item = worklistItem.safeParse(raw);
    if (!item.success) throw new HttpError(422, 'The worklist item could not be read. Refresh the worklist and pick the patient again.');
    const input = z.object({ protocolId: protocolField(ctx.config.modality), slices: slicesField }).safeParse({
      protocolId: form.get('protocolId'),
      slices: form.get('slices') || undefined,
    });
    if (!input.success) throw new HttpError(422, FAILED, fieldErrors(input.error));
    const order = item.data.accessionNumber
      ? await getDb().order.findFirst({ where: { sandboxId: ctx.sandbox.id, accessionNumber: item.data.accessionNumber }, select: { id: true } })
      : null;
    const exam = await acquire(getDb(), {
      sandboxId: ctx.sandbox.id,
      modalityAe: ctx.config.modalityAe,
      source: { kind: 'worklist', item: item.data, orderId: order?.id },
      protocolId: input.data.protocolId,
      slices: input.data.slices,
    });
    target = `/sandbox/modality/${ctx.config.modalityAe}/exams/${exam.id}`;
    return { ok: true, message: `Acquired ${exam.imageCount} images.` };
  });
  if (result.ok && target) redirect(target);
  return result;
}

const nameComponent = (what: string) => text(30, what).regex(/^[\p{L}\p{N} .'-]*$/u, `${what}: letters, spaces, hyphens and apostrophes only (no ^ or \\).`);

const manualPatient = z.object({
  familyName: nameComponent('Family name').min(1, 'Enter the family name.'),
  givenName: nameComponent('Given name').default(''),
  patientId: text(64, 'Patient ID').min(1, 'Enter the patient ID (MRN).').regex(/^[^\\^]+$/, 'A patient ID cannot contain \\ or ^.'),
  birthDate: z.string().regex(/^(\d{4}-\d{2}-\d{2})?$/, 'Enter the birth date as a date.').default(''),
  sex: z.enum(['M', 'F', 'O', ''], { message: 'Choose M, F or O, or leave it unknown.' }).default(''),
  studyDescription: text(64, 'Study description').default(''),
});

export async function startManualExam(_prev: ConsoleResult | null, form: FormData): Promise<ConsoleResult> {
  let target = '';
  const result = await guard('Registering the patient', async () => {
    await requireLearner();
    const ctx = await scanner(form);
    const values = Object.fromEntries(['familyName', 'givenName', 'patientId', 'birthDate', 'sex', 'studyDescription', 'protocolId', 'slices'].map((k) => [k, form.get(k) || undefined]));
    const parsed = manualPatient.extend({ protocolId: protocolField(ctx.config.modality), slices: slicesField }).safeParse(values);
    if (!parsed.success) throw new HttpError(422, FAILED, fieldErrors(parsed.error));
    const p = parsed.data;
    const exam = await acquire(getDb(), {
      sandboxId: ctx.sandbox.id,
      modalityAe: ctx.config.modalityAe,
      source: {
        kind: 'manual',
        patient: { patientName: [p.familyName.toUpperCase(), p.givenName.toUpperCase()].join('^').replace(/\^$/, ''), patientId: p.patientId, patientBirthDate: p.birthDate.replaceAll('-', ''), patientSex: p.sex },
        studyDescription: p.studyDescription,
      },
      protocolId: p.protocolId,
      slices: p.slices,
    });
    target = `/sandbox/modality/${ctx.config.modalityAe}/exams/${exam.id}`;
    return { ok: true, message: `Acquired ${exam.imageCount} images.` };
  });
  if (result.ok && target) redirect(target);
  return result;
}

async function examOf(form: FormData, ctx: Awaited<ReturnType<typeof scanner>>) {
  const id = z.string().min(1).max(64).safeParse(form.get('id'));
  if (!id.success) throw new HttpError(422, 'That exam could not be read. Reload the page.');
  const exam = await getDb().acquisition.findFirst({ where: { id: id.data, sandboxId: ctx.sandbox.id, modalityAe: ctx.config.modalityAe } });
  if (!exam) throw new HttpError(404, 'There is no such exam on this scanner (it may have been removed). Reload the page.');
  return exam;
}

function refresh(ae: string) {
  revalidatePath(`/sandbox/modality/${ae}`, 'layout');
}

/** End the exam: MPPS COMPLETED (N-SET), then send to the default destinations, as a console's "End exam" does. */
export async function completeExam(_prev: ConsoleResult | null, form: FormData): Promise<ConsoleResult> {
  return guard('Ending the exam', async () => {
    await requireLearner();
    const ctx = await scanner(form);
    const exam = await examOf(form, ctx);
    const ended = await endExam(getDb(), exam.id, { status: 'COMPLETED' });
    const jobs = form.get('send') === 'no' ? [] : await createSendJobs(getDb(), exam.id);
    for (const job of jobs) startSendJob(getDb(), job.id);
    refresh(ctx.config.modalityAe);
    const mpps = ended.mppsError ? `MPPS not reported: ${ended.mppsError}` : 'MPPS COMPLETED reported to the RIS';
    return { ok: true, message: `${mpps}. ${jobs.length ? `Sending to ${jobs.map((j) => j.target).join(', ')}.` : 'Nothing sent.'}` };
  });
}

export async function discontinueExam(_prev: ConsoleResult | null, form: FormData): Promise<ConsoleResult> {
  return guard('Discontinuing the exam', async () => {
    await requireLearner();
    const ctx = await scanner(form);
    const exam = await examOf(form, ctx);
    const reason = z
      .string()
      .refine((c) => DISCONTINUATION_REASONS.some((r) => r.code === c), 'Choose why the exam was stopped.')
      .safeParse(form.get('reason'));
    if (!reason.success) throw new HttpError(422, FAILED, { reason: ['Choose why the exam was stopped.'] });
    const ended = await endExam(getDb(), exam.id, { status: 'DISCONTINUED', reason: reason.data });
    refresh(ctx.config.modalityAe);
    return ended.mppsError ? { ok: false, error: `MPPS DISCONTINUED could not be reported: ${ended.mppsError}` } : { ok: true, message: 'MPPS DISCONTINUED reported to the RIS: the order goes back to the RIS with the reason.' };
  });
}

/** Send (again) to chosen archive destinations. */
export async function sendExam(_prev: ConsoleResult | null, form: FormData): Promise<ConsoleResult> {
  return guard('Sending', async () => {
    await requireLearner();
    const ctx = await scanner(form);
    const exam = await examOf(form, ctx);
    const ids = form.getAll('destinationId').map(String);
    const known = new Set(ctx.destinations.filter((d) => d.role === 'archive').map((d) => d.id));
    if (!ids.length) throw new HttpError(422, 'Tick at least one destination.', { destinationId: ['Tick at least one destination.'] });
    if (ids.some((id) => !known.has(id))) throw new HttpError(422, 'That destination is no longer configured. Reload the page.');
    const jobs = await createSendJobs(getDb(), exam.id, ids);
    for (const job of jobs) startSendJob(getDb(), job.id);
    refresh(ctx.config.modalityAe);
    return { ok: true, message: `Queued ${jobs.length} send job${jobs.length === 1 ? '' : 's'}: ${jobs.map((j) => j.target).join(', ')}.` };
  });
}

async function jobOf(form: FormData, ctx: Awaited<ReturnType<typeof scanner>>) {
  const id = z.string().min(1).max(64).safeParse(form.get('jobId'));
  if (!id.success) throw new HttpError(422, 'That job could not be read. Reload the queue.');
  const job = await getDb().sendJob.findFirst({ where: { id: id.data, sandboxId: ctx.sandbox.id, modalityAe: ctx.config.modalityAe } });
  if (!job) throw new HttpError(404, 'There is no such job in this queue (it may have been deleted). Reload the queue.');
  return job;
}

export async function retryJob(_prev: ConsoleResult | null, form: FormData): Promise<ConsoleResult> {
  return guard('Retry', async () => {
    await requireLearner();
    const ctx = await scanner(form);
    const job = await jobOf(form, ctx);
    if (job.status === 'sending' || job.status === 'queued') throw new HttpError(409, 'This job is already being sent.');
    // the job sends only what it has not sent yet, with the destination's current settings (exactly once)
    startSendJob(getDb(), job.id);
    refresh(ctx.config.modalityAe);
    return { ok: true, message: `Retrying ${job.total - job.sent} image(s) with the destination’s current settings.` };
  });
}

export async function retryAll(_prev: ConsoleResult | null, form: FormData): Promise<ConsoleResult> {
  return guard('Retry all', async () => {
    await requireLearner();
    const ctx = await scanner(form);
    const n = await retryAllFailed(getDb(), ctx.sandbox.id, ctx.config.modalityAe);
    refresh(ctx.config.modalityAe);
    return { ok: true, message: n ? `Retrying ${n} failed job${n === 1 ? '' : 's'}.` : 'No failed job to retry.' };
  });
}

export async function deleteJob(_prev: ConsoleResult | null, form: FormData): Promise<ConsoleResult> {
  return guard('Delete job', async () => {
    await requireLearner();
    const ctx = await scanner(form);
    const job = await jobOf(form, ctx);
    await deleteSendJob(getDb(), job.id);
    refresh(ctx.config.modalityAe);
    return { ok: true, message: `Job to ${job.target} deleted (the images stay on the scanner).` };
  });
}

export async function purgeExam(_prev: ConsoleResult | null, form: FormData): Promise<ConsoleResult> {
  return guard('Purge', async () => {
    await requireLearner();
    const ctx = await scanner(form);
    const exam = await examOf(form, ctx);
    const r = await purgeAcquisition(getDb(), exam.id);
    refresh(ctx.config.modalityAe);
    return r.kept ? { ok: false, error: r.message } : { ok: true, message: r.message };
  });
}

// ---------------------------------------------------------------- network settings

/** Editing the scanner's network settings needs an account: in the shared demo they are everyone's scanner. */
async function requireEditor() {
  return requireRole('student');
}

export async function saveScannerSettings(_prev: ConsoleResult | null, form: FormData): Promise<ConsoleResult> {
  return guard('Saving the settings', async () => {
    await requireEditor();
    const ctx = await scanner(form);
    await updateModalityConfig(getDb(), ctx.sandbox.id, ctx.config.modalityAe, {
      localAeTitle: String(form.get('localAeTitle') ?? ''),
      stationName: String(form.get('stationName') ?? ''),
      timeoutSeconds: Number(form.get('timeoutSeconds') ?? 10),
      transferSyntaxUid: String(form.get('transferSyntaxUid') ?? ctx.config.transferSyntaxUid),
    });
    refresh(ctx.config.modalityAe);
    return { ok: true, message: 'Scanner settings saved: the next association uses them.' };
  });
}

export async function saveScannerDestination(_prev: ConsoleResult | null, form: FormData): Promise<ConsoleResult> {
  return guard('Saving the destination', async () => {
    await requireEditor();
    const ctx = await scanner(form);
    const id = String(form.get('id') ?? '') || undefined;
    if (id && !ctx.destinations.some((d) => d.id === id)) throw new HttpError(404, 'That destination no longer exists. Reload the page.');
    const d = await saveDestination(getDb(), ctx.sandbox.id, ctx.config.modalityAe, {
      id,
      role: String(form.get('role') ?? ''),
      name: String(form.get('name') ?? ''),
      aeTitle: String(form.get('aeTitle') ?? ''),
      host: String(form.get('host') ?? ''),
      port: Number(form.get('port') ?? NaN),
      isDefault: form.get('isDefault') === 'on',
    });
    refresh(ctx.config.modalityAe);
    return { ok: true, message: `${d.name} saved: ${d.aeTitle}@${d.host}:${d.port}.` };
  });
}

export async function deleteScannerDestination(_prev: ConsoleResult | null, form: FormData): Promise<ConsoleResult> {
  return guard('Deleting the destination', async () => {
    await requireEditor();
    const ctx = await scanner(form);
    const id = String(form.get('id') ?? '');
    const d = ctx.destinations.find((x) => x.id === id);
    if (!d) throw new HttpError(404, 'That destination no longer exists. Reload the page.');
    await deleteDestination(getDb(), ctx.sandbox.id, ctx.config.modalityAe, id);
    refresh(ctx.config.modalityAe);
    return { ok: true, message: `${d.name} removed.` };
  });
}

/** "Test": a C-ECHO to the destination with the scanner's current settings, as every console offers. */
export async function echoDestination(_prev: ConsoleResult | null, form: FormData): Promise<ConsoleResult> {
  return guard('The echo', async () => {
    await requireLearner();
    const { config, destinations } = await scanner(form);
    const d = destinations.find((x) => x.id === String(form.get('id') ?? ''));
    if (!d) throw new HttpError(404, 'That destination no longer exists. Reload the page.');
    const r = await echo(peerFor(config, d));
    return r.category === 'success'
      ? { ok: true, message: `C-ECHO ${config.localAeTitle} → ${d.aeTitle}@${d.host}:${d.port}: success in ${r.ms} ms.` }
      : { ok: false, error: `C-ECHO answered ${r.meaning}.` };
  });
}
