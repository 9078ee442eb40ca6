// The public demo sandbox (DESIGN.md): archive PACS and worklist broker RIS served by our listener, the
// simulated modalities CT1, DX1, MR1, US1 as known calling AEs, VIEWER1 as the default C-MOVE destination, and a
// day of orders for today (sim/ris/seedOrders.ts), and each scanner's console settings and destinations
// (sim/modality/config.ts) pointing at our listener.
// Idempotent: safe on every start; it never overwrites a node an administrator has edited.
import type { Db } from '@/prisma/db';
import { seedModalities, type SandboxAes } from './modality/config';
import { seedOrders } from './ris/seedOrders';

export const DEMO_SLUG = 'demo';

export const DEMO_NODES = [
  { aeTitle: 'PACS', role: 'archive', local: true, host: '127.0.0.1', port: 11112, description: 'Archive: storage, query/retrieve, storage commitment' },
  { aeTitle: 'RIS', role: 'worklist', local: true, host: '127.0.0.1', port: 11112, description: 'Worklist broker: modality worklist and MPPS' },
  { aeTitle: 'CT1', role: 'modality', local: false, host: '127.0.0.1', port: 11120, description: 'Simulated CT scanner' },
  { aeTitle: 'DX1', role: 'modality', local: false, host: '127.0.0.1', port: 11121, description: 'Simulated digital radiography room' },
  { aeTitle: 'MR1', role: 'modality', local: false, host: '127.0.0.1', port: 11122, description: 'Simulated MR scanner' },
  { aeTitle: 'US1', role: 'modality', local: false, host: '127.0.0.1', port: 11123, description: 'Simulated ultrasound unit' },
  { aeTitle: 'VIEWER1', role: 'workstation', local: false, host: '127.0.0.1', port: 11113, description: 'Review workstation (default C-MOVE destination)' },
] as const;

/** Where the scanners find the archive and the RIS: DICOM_HOST/DICOM_PORT, as the listener binds them. */
export function listenerFromEnv(env: NodeJS.ProcessEnv = process.env): { host: string; port: number } {
  const port = Number(env.DICOM_PORT || 11112);
  const host = env.DICOM_HOST?.trim() || '127.0.0.1';
  // a listener bound to every interface is reached on the loopback
  return { host: host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host, port: Number.isInteger(port) && port > 0 && port <= 65535 ? port : 11112 };
}

/** A DICOM node as the seed writes it (DicomNode's fields but the sandbox). */
export interface NodeSeed {
  aeTitle: string;
  role: string;
  local: boolean;
  host: string;
  port: number;
  description: string;
}

/**
 * The nodes of a sandbox whose archive and worklist AE titles are `aes` (a student's PACS_K7Q2 and RIS_K7Q2), served
 * on `listener`; the same scanners and workstation as the demo as known calling AEs (routing is by the called AE,
 * so calling AEs need not be unique across sandboxes).
 */
export function sandboxNodes(aes: SandboxAes, listener: { host: string; port: number }): NodeSeed[] {
  return DEMO_NODES.map((n) => {
    if (!n.local) return { ...n };
    const aeTitle = n.role === 'archive' ? aes.archive : aes.worklist;
    return { ...n, aeTitle, ...listener };
  });
}

/** Adds the nodes a sandbox is missing; never touches one that exists (an administrator may have edited it). */
export async function ensureNodes(db: Db, sandboxId: string, nodes: readonly NodeSeed[]): Promise<string[]> {
  const existing = new Set((await db.dicomNode.findMany({ where: { sandboxId }, select: { aeTitle: true } })).map((n) => n.aeTitle));
  const created: string[] = [];
  for (const node of nodes) {
    if (existing.has(node.aeTitle)) continue;
    try {
      await db.dicomNode.create({ data: { sandboxId, ...node } });
    } catch (e) {
      // another process added it at the same moment (unique sandboxId+aeTitle): it is there, which is all we want
      if ((e as { code?: string }).code === 'P2002') continue;
      throw e;
    }
    created.push(node.aeTitle);
  }
  return created;
}

/** Today's orders on the sandbox's RIS worklist and its scanners' settings pointing at its own archive and RIS. */
export async function seedSandboxContent(db: Db, sandboxId: string, listener: { host: string; port: number }, aes: SandboxAes): Promise<void> {
  // today's orders on the RIS worklist (another day adds that day's)
  await seedOrders(db, sandboxId);
  // the scanners' network settings (left alone once they exist: a person may have edited them)
  await seedModalities(db, sandboxId, listener, aes);
}

export async function seedDemo(db: Db, opts: { listener?: { host: string; port: number } } = {}): Promise<{ sandboxId: string; created: string[] }> {
  const sandbox = await db.sandbox.upsert({
    where: { slug: DEMO_SLUG },
    update: {},
    create: { slug: DEMO_SLUG, name: 'Demo hospital' },
  });
  const created = await ensureNodes(db, sandbox.id, DEMO_NODES);
  await seedSandboxContent(db, sandbox.id, opts.listener ?? listenerFromEnv(), { archive: 'PACS', worklist: 'RIS' });
  return { sandboxId: sandbox.id, created };
}
