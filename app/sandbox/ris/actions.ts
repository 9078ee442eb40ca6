'use server';
// The RIS clerk's order actions: the form is checked here in a clerk's words, then sim/ris/orders.ts places,
// cancels or reschedules the order (its own checks, the status transition and the audit event).
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/prisma/db';
import { cancelOrder, createOrder, OrderError, rescheduleOrder } from '@/sim/ris/orders';
import { fieldErrors, HttpError } from '@/app/_lib/errors';
import { requireRole } from '@/app/_lib/session';
import { requireSandboxAdmin } from '../_lib/sandboxAdmin';
import { currentSandbox } from '../_lib/current';
import { modalityStations, PRIORITIES, todayDicomDate } from '../_lib/ris';
import { toPersonName } from '../_lib/risNames';

export type OrderResult =
  | { ok: true; message: string; accessionNumber?: string }
  | { ok: false; error: string; fields?: Record<string, string[]>; values?: Record<string, string> };

/** PN component: letters, digits, spaces, hyphens and apostrophes; no ^ or \ (they separate components and values). */
const nameComponent = (what: string) =>
  z
    .string()
    .trim()
    .max(30, `${what}: at most 30 characters.`)
    .regex(/^[\p{L}\p{N} .'-]*$/u, `${what}: letters, spaces, hyphens and apostrophes only (no ^ or \\).`);

const newOrder = z.object({
  patientId: z.string().trim().min(1, 'Enter the patient’s MRN.').max(64, 'An MRN has at most 64 characters.').regex(/^[^\\^]+$/, 'An MRN cannot contain \\ or ^.'),
  familyName: nameComponent('Family name').min(1, 'Enter the patient’s family name.'),
  givenName: nameComponent('Given name'),
  birthDate: z
    .string()
    .regex(/^(\d{4}-\d{2}-\d{2})?$/, 'Enter the birth date as a date.')
    .refine((d) => !d || (d >= '1900-01-01' && d <= new Date().toISOString().slice(0, 10)), 'The birth date cannot be in the future or before 1900.')
    .default(''),
  sex: z.enum(['M', 'F', 'O', ''], { message: 'Choose M, F or O (other), or leave it unknown.' }).default(''),
  procedure: z.string().trim().min(1, 'Enter the requested procedure, e.g. CT HEAD WITHOUT CONTRAST.').max(64, 'The procedure description has at most 64 characters.'),
  modality: z.string().trim().toUpperCase().regex(/^[A-Z]{2,4}$/, 'Choose the modality.'),
  station: z.string().trim().min(1, 'Choose the scanner (scheduled station AE title).').max(16),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Choose the scheduled date.'),
  time: z.string().regex(/^\d{2}:\d{2}$/, 'Choose the scheduled time.'),
  referring: z
    .string()
    .trim()
    .max(64, 'The referring physician’s name has at most 64 characters.')
    .regex(/^[^\\]*$/, 'The referring physician’s name cannot contain a backslash.')
    .default(''),
  reason: z.string().trim().max(64, 'The reason has at most 64 characters (LO).').default(''),
  priority: z.enum(PRIORITIES, { message: 'Choose a priority.' }).default('ROUTINE'),
});

const FIELDS = ['patientId', 'familyName', 'givenName', 'birthDate', 'sex', 'procedure', 'modality', 'station', 'date', 'time', 'referring', 'reason', 'priority'] as const;

function submitted(form: FormData) {
  return Object.fromEntries([...form.entries()].filter(([k, v]) => !k.startsWith('$') && typeof v === 'string')) as Record<string, string>;
}

async function guard(fn: () => Promise<OrderResult>, form: FormData): Promise<OrderResult> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof HttpError) return { ok: false, error: error.message, fields: error.details, values: submitted(form) };
    if (error instanceof OrderError) return { ok: false, error: clerkWords(error), values: submitted(form) };
    console.error('[ris] order change failed', error);
    return { ok: false, error: 'Something went wrong on the server. It has been logged; try again.', values: submitted(form) };
  }
}

function clerkWords(e: OrderError): string {
  if (e.kind === 'not-found') return 'There is no such order in this sandbox (it may have been removed). Reload the list.';
  const m = /an order that is (\S+) cannot take "(\w+)"/.exec(e.message);
  if (m) {
    const [, status, event] = m;
    if (event === 'cancel') return `This order is ${status}: only a scheduled or discontinued order can be cancelled.${status === 'in-progress' ? ' The modality has started it (MPPS IN PROGRESS); ask the technologist to discontinue it first.' : ''}`;
    if (event === 'reschedule') return `This order is ${status}: it can no longer be rescheduled.${status === 'in-progress' ? ' The modality has started it (MPPS IN PROGRESS).' : ''}`;
  }
  if (e.message.includes('changed meanwhile')) return 'Someone (or a modality) changed this order just now. Reload the list and try again.';
  return `The order could not be saved: ${e.message}.`;
}

async function sandboxOr404() {
  const sandbox = await currentSandbox();
  if (!sandbox) throw new HttpError(404, 'The demo sandbox does not exist yet: run npx pacslab db seed.');
  return sandbox;
}

export async function placeOrder(_prev: OrderResult | null, form: FormData): Promise<OrderResult> {
  return guard(async () => {
    const viewer = await requireRole('instructor');
    const sandbox = await sandboxOr404();
    const parsed = newOrder.safeParse(Object.fromEntries(FIELDS.map((k) => [k, form.get(k) ?? undefined])));
    if (!parsed.success) throw new HttpError(422, 'The order was not placed: check the fields marked in red.', fieldErrors(parsed.error));
    const o = parsed.data;
    if (o.date.replaceAll('-', '') < (await todayDicomDate())) {
      throw new HttpError(422, 'The order was not placed: check the fields marked in red.', { date: ['This date is in the past: schedule it for today or later.'] });
    }
    const stations = (await modalityStations(sandbox.id)).map((s) => s.aeTitle);
    if (!stations.includes(o.station)) {
      throw new HttpError(422, 'The order was not placed: check the fields marked in red.', { station: [`${o.station} is not a modality in this sandbox. Choose one of ${stations.join(', ')}.`] });
    }
    const order = await createOrder(
      getDb(),
      sandbox.id,
      {
        patientId: o.patientId,
        patientName: [o.familyName, o.givenName].join('^').replace(/\^$/, ''),
        patientBirthDate: o.birthDate.replaceAll('-', ''),
        patientSex: o.sex,
        requestedProcedureDescription: o.procedure.toUpperCase(),
        modality: o.modality,
        scheduledStationAeTitle: o.station,
        scheduledStartDate: o.date.replaceAll('-', ''),
        scheduledStartTime: `${o.time.replace(':', '')}00`,
        referringPhysicianName: toPersonName(o.referring),
        reason: o.reason,
        priority: o.priority,
      },
      { actorId: viewer.id },
    );
    revalidatePath('/sandbox/ris');
    return { ok: true, accessionNumber: order.accessionNumber, message: `Order ${order.accessionNumber} placed: it is on ${o.station}’s worklist now.` };
  }, form);
}

const accession = z.string().trim().min(1).max(16);

export async function cancelOrderAction(_prev: OrderResult | null, form: FormData): Promise<OrderResult> {
  return guard(async () => {
    const viewer = await requireRole('instructor');
    const sandbox = await sandboxOr404();
    const a = accession.safeParse(form.get('accessionNumber'));
    if (!a.success) throw new HttpError(422, 'That order could not be read. Reload the list.');
    const reason = String(form.get('reason') ?? '').trim();
    if (!reason) throw new HttpError(422, 'Say why the order is cancelled: the reason is kept in the audit log.', { reason: ['Say why the order is cancelled.'] });
    if (reason.length > 500) throw new HttpError(422, 'The reason has at most 500 characters.', { reason: ['At most 500 characters.'] });
    await cancelOrder(getDb(), sandbox.id, a.data, { actorId: viewer.id, reason });
    revalidatePath('/sandbox/ris');
    return { ok: true, message: `Order ${a.data} cancelled: it has left the worklist.` };
  }, form);
}

const reschedule = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Choose the new date.'),
  time: z.string().regex(/^\d{2}:\d{2}$/, 'Choose the new time.'),
  station: z.string().trim().min(1, 'Choose the scanner.').max(16),
  reason: z.string().trim().max(500, 'At most 500 characters.').default(''),
});

export async function rescheduleOrderAction(_prev: OrderResult | null, form: FormData): Promise<OrderResult> {
  return guard(async () => {
    const sandbox = await sandboxOr404();
    // instructors; or a student whose fault scenario (an order moved off the worklist) runs here
    const viewer = await requireSandboxAdmin(sandbox.id, 'Rescheduling an order');
    const a = accession.safeParse(form.get('accessionNumber'));
    if (!a.success) throw new HttpError(422, 'That order could not be read. Reload the list.');
    const parsed = reschedule.safeParse({ date: form.get('date'), time: form.get('time'), station: form.get('station'), reason: form.get('reason') ?? '' });
    if (!parsed.success) throw new HttpError(422, 'Not rescheduled: check the fields marked in red.', fieldErrors(parsed.error));
    const r = parsed.data;
    if (r.date.replaceAll('-', '') < (await todayDicomDate())) throw new HttpError(422, 'Not rescheduled: check the fields marked in red.', { date: ['This date is in the past: choose today or later.'] });
    const stations = (await modalityStations(sandbox.id)).map((s) => s.aeTitle);
    if (!stations.includes(r.station)) throw new HttpError(422, 'Not rescheduled: check the fields marked in red.', { station: [`${r.station} is not a modality in this sandbox.`] });
    await rescheduleOrder(
      getDb(),
      sandbox.id,
      a.data,
      { scheduledStartDate: r.date.replaceAll('-', ''), scheduledStartTime: `${r.time.replace(':', '')}00`, scheduledStationAeTitle: r.station },
      { actorId: viewer.id, reason: r.reason },
    );
    revalidatePath('/sandbox/ris');
    return { ok: true, message: `Order ${a.data} moved to ${r.date} ${r.time} on ${r.station}.` };
  }, form);
}
