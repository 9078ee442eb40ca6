'use server';
// The RIS console's Interfaces page: stop and start the sandbox's inbound HL7 interface, and resend what the HIS
// could not deliver. Role-checked (requireSandboxAdmin, as the PACS Service panel) and audited by
// sim/ris/hl7/interfaceState.ts; the HL7 listener reads the state from the database at the next message.
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/prisma/db';
import { HttpError } from '@/app/_lib/errors';
import type { ActionResult } from '@/app/_components/ActionForm';
import { Hl7InterfaceError, startInbound, stopInbound } from '@/sim/ris/hl7/interfaceState';
import { HisOutboundError, resendOutbound } from '@/sim/ris/hl7/hisOutbound';
import { requireSandboxAdmin } from '../../_lib/sandboxAdmin';
import { currentSandbox } from '../../_lib/current';

const PAGE = '/sandbox/ris/interfaces';
const reasonSchema = z.string().trim().max(200, 'A reason has at most 200 characters.').default('');
const idSchema = z.string().trim().min(1, 'Which message? The form did not say.').max(64, 'Which message? The form did not say.');

async function guard(fn: () => Promise<ActionResult>): Promise<ActionResult> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof HttpError || error instanceof Hl7InterfaceError) return { ok: false, error: error.message };
    if (error instanceof HisOutboundError) return { ok: false, error: `${error.message[0].toUpperCase()}${error.message.slice(1)}.` };
    console.error('[ris interfaces] change failed', error);
    return { ok: false, error: 'Something went wrong on the server. It has been logged.' };
  }
}

async function sandboxFor(what: string) {
  const sandbox = await currentSandbox();
  if (!sandbox) throw new HttpError(404, 'The demo sandbox does not exist.');
  const viewer = await requireSandboxAdmin(sandbox.id, what);
  return { sandbox, viewer };
}

export async function stopInboundInterface(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  return guard(async () => {
    const { sandbox, viewer } = await sandboxFor('Stopping the HL7 interface');
    const reason = reasonSchema.safeParse(form.get('reason') ?? undefined);
    if (!reason.success) return { ok: false, error: reason.error.issues[0].message };
    const state = await stopInbound(getDb(), sandbox.id, { actorId: viewer.id, reason: reason.data || 'stopped on the RIS console' });
    revalidatePath(PAGE);
    return { ok: true, message: `The inbound HL7 interface is stopped since ${state.stoppedAt?.toLocaleTimeString('en-GB')}: orders from the HIS are not applied or acknowledged until you start it.` };
  });
}

export async function startInboundInterface(_prev: ActionResult | null, _form: FormData): Promise<ActionResult> {
  return guard(async () => {
    const { sandbox, viewer } = await sandboxFor('Starting the HL7 interface');
    await startInbound(getDb(), sandbox.id, { actorId: viewer.id, reason: 'started on the RIS console' });
    revalidatePath(PAGE);
    return { ok: true, message: 'The inbound HL7 interface is running: the RIS applies and acknowledges messages again. Resend what the HIS could not deliver meanwhile.' };
  });
}

export async function resendHisMessage(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  return guard(async () => {
    const { sandbox } = await sandboxFor('Resending an HL7 message');
    const id = idSchema.safeParse(form.get('id') ?? '');
    if (!id.success) return { ok: false, error: id.error.issues[0].message };
    const [row] = await resendOutbound(getDb(), sandbox.id, { id: id.data });
    revalidatePath(PAGE);
    revalidatePath('/sandbox/ris');
    if (row.status === 'sent') return { ok: true, message: `${row.messageType} ${row.controlId} delivered: the RIS answered AA and placed order ${row.accessionNumber}.` };
    return { ok: false, error: `${row.messageType} ${row.controlId} was not delivered (attempt ${row.attempts}). ${row.lastError}` };
  });
}

export async function resendAllFailed(_prev: ActionResult | null, _form: FormData): Promise<ActionResult> {
  return guard(async () => {
    const { sandbox } = await sandboxFor('Resending HL7 messages');
    const rows = await resendOutbound(getDb(), sandbox.id, 'all-failed');
    revalidatePath(PAGE);
    revalidatePath('/sandbox/ris');
    if (!rows.length) return { ok: true, message: 'Nothing to resend: every message in the HIS outbound queue was delivered.' };
    const failed = rows.filter((r) => r.status !== 'sent');
    if (!failed.length) return { ok: true, message: `${rows.length} message(s) delivered: the RIS answered AA to each.` };
    return { ok: false, error: `${rows.length - failed.length} of ${rows.length} message(s) delivered. Still failing: ${failed[0].controlId}: ${failed[0].lastError}` };
  });
}
