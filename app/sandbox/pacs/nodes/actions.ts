'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/prisma/db';
import { fieldErrors, HttpError } from '@/app/_lib/errors';
import { requireSandboxAdmin } from '../../_lib/sandboxAdmin';
import { currentSandbox } from '../../_lib/current';
import { ACCEPT_POLICY_LABELS, AcceptPolicyError, setAcceptPolicy } from '@/sim/archive/acceptPolicy';

/** AE VR (PS3.5 6.2): 1–16 characters of the default repertoire, no backslash or control characters, not all spaces. */
const aeTitle = z
  .string()
  .trim()
  .min(1, 'Enter an AE title.')
  .max(16, 'An AE title has at most 16 characters (PS3.5 6.2).')
  .regex(/^[\x20-\x5b\x5d-\x7e]+$/, 'An AE title uses plain characters only: no backslash, no control characters.');

const nodeInput = z.object({
  aeTitle,
  role: z.enum(['modality', 'workstation'], { message: 'Choose modality or workstation.' }),
  host: z
    .string()
    .trim()
    .min(1, 'Enter a host name or IP address.')
    .max(253)
    .regex(/^[A-Za-z0-9.:-]+$/, 'A host is a name like ct1.hospital.org or an address like 10.0.4.21.'),
  port: z.coerce.number({ message: 'Enter a port number.' }).int('A port is a whole number.').min(1, 'Ports run from 1 to 65535.').max(65535, 'Ports run from 1 to 65535.'),
  description: z.string().trim().max(200).default(''),
});

export type NodeResult =
  | { ok: true; message: string }
  | { ok: false; error: string; fields?: Record<string, string[]>; values?: Record<string, string> };

async function guard<T extends NodeResult>(fn: () => Promise<T>, form?: FormData): Promise<NodeResult> {
  // what was typed comes back on failure, so the form shows it again (React resets a form after its action)
  const submitted = form ? Object.fromEntries([...form.entries()].filter(([k, v]) => !k.startsWith('$') && typeof v === 'string')) as Record<string, string> : undefined;
  try {
    return await fn();
  } catch (error) {
    if (error instanceof HttpError) return { ok: false, error: error.message, fields: error.details, values: submitted };
    if ((error as { code?: string }).code === 'P2002') return { ok: false, error: 'This sandbox already has a node with that AE title. AE titles must be unique.', values: submitted };
    console.error('[nodes] change failed', error);
    return { ok: false, error: 'Something went wrong on the server. It has been logged.' };
  }
}

function read(form: FormData) {
  const parsed = nodeInput.safeParse(Object.fromEntries(['aeTitle', 'role', 'host', 'port', 'description'].map((k) => [k, form.get(k) ?? undefined])));
  if (!parsed.success) throw new HttpError(422, 'Check the highlighted fields.', fieldErrors(parsed.error));
  return parsed.data;
}

export async function saveNode(_prev: NodeResult | null, form: FormData): Promise<NodeResult> {
  return guard(async () => {
    const sandbox = await currentSandbox();
    if (!sandbox) throw new HttpError(404, 'The demo sandbox does not exist.');
    const viewer = await requireSandboxAdmin(sandbox.id, 'Changing the node table');
    const data = read(form);
    const id = String(form.get('id') ?? '');
    const db = getDb();
    if (id) {
      const node = await db.dicomNode.findFirst({ where: { id, sandboxId: sandbox.id } });
      if (!node) throw new HttpError(404, 'There is no such node.');
      if (node.local) throw new HttpError(409, `${node.aeTitle} is served by this PACS Lab; its AE title and address follow the listener's configuration.`);
      await db.dicomNode.update({ where: { id }, data });
      await db.auditEvent.create({ data: { actorId: viewer.id, action: 'node.update', target: `node:${node.aeTitle}`, detail: { before: { aeTitle: node.aeTitle, host: node.host, port: node.port, role: node.role }, after: data } } });
    } else {
      await db.dicomNode.create({ data: { ...data, sandboxId: sandbox.id, local: false } });
      await db.auditEvent.create({ data: { actorId: viewer.id, action: 'node.add', target: `node:${data.aeTitle}`, detail: data } });
    }
    revalidatePath('/sandbox/pacs/nodes');
    return { ok: true, message: `Saved ${data.aeTitle}.` };
  }, form);
}

export async function deleteNode(_prev: NodeResult | null, form: FormData): Promise<NodeResult> {
  return guard(async () => {
    const sandbox = await currentSandbox();
    if (!sandbox) throw new HttpError(404, 'The demo sandbox does not exist.');
    const viewer = await requireSandboxAdmin(sandbox.id, 'Changing the node table');
    const id = String(form.get('id') ?? '');
    const db = getDb();
    const node = await db.dicomNode.findFirst({ where: { id, sandboxId: sandbox.id } });
    if (!node) throw new HttpError(404, 'There is no such node.');
    if (node.local) throw new HttpError(409, `${node.aeTitle} is served by this PACS Lab and cannot be removed.`);
    await db.dicomNode.delete({ where: { id } });
    await db.auditEvent.create({ data: { actorId: viewer.id, action: 'node.delete', target: `node:${node.aeTitle}`, detail: { host: node.host, port: node.port, role: node.role } } });
    revalidatePath('/sandbox/pacs/nodes');
    return { ok: true, message: `Removed ${node.aeTitle}.` };
  });
}

/** The archive AE's accepted transfer syntaxes (sim/archive/acceptPolicy.ts), audited. */
export async function saveAcceptPolicy(_prev: NodeResult | null, form: FormData): Promise<NodeResult> {
  return guard(async () => {
    const sandbox = await currentSandbox();
    if (!sandbox) throw new HttpError(404, 'The demo sandbox does not exist.');
    const viewer = await requireSandboxAdmin(sandbox.id, 'Changing what the archive accepts');
    const aeTitle = String(form.get('aeTitle') ?? '').slice(0, 16);
    try {
      const { before, after } = await setAcceptPolicy(getDb(), sandbox.id, aeTitle, form.get('acceptPolicy'), viewer.id);
      revalidatePath('/sandbox/pacs/nodes');
      return { ok: true, message: before === after ? `${aeTitle} already accepts: ${ACCEPT_POLICY_LABELS[after]}.` : `${aeTitle} now accepts: ${ACCEPT_POLICY_LABELS[after]}. The next association uses it.` };
    } catch (e) {
      if (e instanceof AcceptPolicyError) throw new HttpError(422, e.message);
      throw e;
    }
  });
}
