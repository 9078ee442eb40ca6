// A simulated scanner's network settings, as on a real console's "Network / DICOM nodes" page: its own (calling)
// AE title, timeouts, and the remote AEs it talks to (archives to send to and ask for storage commitment, the
// worklist broker, the MPPS manager). This page is where a student fixes a "send failed".
import { z } from 'zod';
import type { Db } from '../../prisma/db';
import type { Peer } from '../dimse/client';
import { isSendSyntax, SEND_SYNTAXES } from './sendSyntax';
import { ModalityError } from './failures';
import type { ModalityConfig, ModalityDestination } from '../../prisma/generated/sqlite/client';

export type { ModalityConfig, ModalityDestination };

/** PS3.5 6.2, AE: at most 16 characters, no backslash or control characters; leading/trailing spaces are not significant. */
export const aeTitleSchema = z
  .string()
  .trim()
  .min(1, 'an AE title is required (it cannot be all spaces)')
  .max(16, 'an AE title has at most 16 characters (PS3.5 6.2)')
  .regex(/^[^\\\x00-\x1f\x7f]+$/, 'an AE title cannot contain a backslash or control characters (PS3.5 6.2)');

const ipv4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
/** RFC 1123 host name: labels of letters, digits and hyphens, not starting or ending with a hyphen. */
const hostname = /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

export const hostSchema = z
  .string()
  .trim()
  .min(1, 'a host is required')
  .refine((h) => ipv4.test(h) || (!/^[\d.]+$/.test(h) && hostname.test(h)), 'a host is an IPv4 address (e.g. 127.0.0.1) or a host name (e.g. pacs.hospital.local)');

export const portSchema = z.coerce
  .number({ message: 'a port is a number' })
  .int('a port is a whole number')
  .min(1, 'a port is from 1 to 65535')
  .max(65535, 'a port is from 1 to 65535');

export const DESTINATION_ROLES = ['archive', 'worklist', 'mpps'] as const;
export type DestinationRole = (typeof DESTINATION_ROLES)[number];

export const destinationInputSchema = z.object({
  id: z.string().min(1).optional(),
  role: z.enum(DESTINATION_ROLES, { message: 'the role is archive, worklist or mpps' }),
  name: z.string().trim().min(1, 'give the destination a name (e.g. Main PACS)').max(64),
  aeTitle: aeTitleSchema,
  host: hostSchema,
  port: portSchema,
  /** archives only: sent to automatically after an acquisition */
  isDefault: z.boolean().default(true),
});
export type DestinationInput = z.input<typeof destinationInputSchema>;

export const configInputSchema = z.object({
  localAeTitle: aeTitleSchema.optional(),
  /** (0008,1010) Station Name, SH */
  stationName: z.string().trim().max(16, 'a station name has at most 16 characters (SH)').regex(/^[^\\\x00-\x1f]*$/, 'no backslash or control characters').optional(),
  timeoutSeconds: z.coerce.number().int('whole seconds').min(1, 'at least 1 s').max(600, 'at most 600 s').optional(),
  /** what the scanner stores and sends: uncompressed or a lossless syntax (sendSyntax.ts) */
  transferSyntaxUid: z.string().trim().refine((u) => isSendSyntax(u), `one of the syntaxes the scanner can send: ${SEND_SYNTAXES.map((c) => c.label).join(', ')}`).optional(),
});
export type ConfigInput = z.input<typeof configInputSchema>;

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const r = schema.safeParse(input);
  if (!r.success) throw new ModalityError('invalid', r.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; '));
  return r.data;
}

export async function getModalityConsole(db: Db, sandboxId: string, modalityAe: string): Promise<{ config: ModalityConfig; destinations: ModalityDestination[] } | null> {
  const config = await db.modalityConfig.findUnique({ where: { sandboxId_modalityAe: { sandboxId, modalityAe } } });
  if (!config) return null;
  const destinations = await db.modalityDestination.findMany({ where: { sandboxId, modalityAe }, orderBy: [{ role: 'asc' }, { createdAt: 'asc' }] });
  return { config, destinations };
}

async function requireConfig(db: Db, sandboxId: string, modalityAe: string): Promise<ModalityConfig> {
  const config = await db.modalityConfig.findUnique({ where: { sandboxId_modalityAe: { sandboxId, modalityAe } } });
  if (!config) throw new ModalityError('not-found', `there is no simulated modality ${modalityAe} in this sandbox`);
  return config;
}

export async function updateModalityConfig(db: Db, sandboxId: string, modalityAe: string, input: unknown): Promise<ModalityConfig> {
  const data = parse(configInputSchema, input);
  await requireConfig(db, sandboxId, modalityAe);
  return db.modalityConfig.update({ where: { sandboxId_modalityAe: { sandboxId, modalityAe } }, data });
}

export async function saveDestination(db: Db, sandboxId: string, modalityAe: string, input: unknown): Promise<ModalityDestination> {
  const { id, ...data } = parse(destinationInputSchema, input);
  await requireConfig(db, sandboxId, modalityAe);
  // only archives are sent to automatically
  if (data.role !== 'archive') data.isDefault = false;
  if (!id) return db.modalityDestination.create({ data: { sandboxId, modalityAe, ...data } });
  const r = await db.modalityDestination.updateMany({ where: { id, sandboxId, modalityAe }, data });
  if (!r.count) throw new ModalityError('not-found', `destination ${id} is not one of ${modalityAe}'s`);
  return db.modalityDestination.findUniqueOrThrow({ where: { id } });
}

export async function deleteDestination(db: Db, sandboxId: string, modalityAe: string, id: string): Promise<void> {
  // jobs keep their "target" text; their destinationId becomes null (onDelete: SetNull)
  const r = await db.modalityDestination.deleteMany({ where: { id, sandboxId, modalityAe } });
  if (!r.count) throw new ModalityError('not-found', `destination ${id} is not one of ${modalityAe}'s`);
}

/** The association parameters for talking to a destination: our calling AE, their called AE, our timeout. */
export function peerFor(config: Pick<ModalityConfig, 'localAeTitle' | 'timeoutSeconds'>, destination: Pick<ModalityDestination, 'host' | 'port' | 'aeTitle'>): Peer {
  return { host: destination.host, port: destination.port, callingAe: config.localAeTitle, calledAe: destination.aeTitle, timeoutMs: config.timeoutSeconds * 1000 };
}

export const targetOf = (d: Pick<ModalityDestination, 'host' | 'port' | 'aeTitle'>) => `${d.aeTitle}@${d.host}:${d.port}`;

/** The demo sandbox's scanners (sim/seed.ts lists them as DICOM nodes the archive knows). */
export const DEMO_MODALITIES = [
  { modalityAe: 'CT1', modality: 'CT', stationName: 'CT1' },
  { modalityAe: 'DX1', modality: 'DX', stationName: 'DX1' },
  { modalityAe: 'MR1', modality: 'MR', stationName: 'MR1' },
  { modalityAe: 'US1', modality: 'US', stationName: 'US1' },
] as const;

/** The called AE titles a sandbox's scanners talk to: the demo's PACS and RIS, or a student's PACS_K7Q2 and RIS_K7Q2. */
export interface SandboxAes {
  archive: string;
  worklist: string;
}

/**
 * Settings and destinations of CT1, DX1, MR1 and US1: the sandbox's archive (default send destination, PACS in the
 * demo), its RIS for the worklist and for MPPS, all on our listener. A scanner that already has settings is left
 * alone, so what a person edited (or deleted) stays as they left it.
 */
export async function seedModalities(
  db: Db,
  sandboxId: string,
  listener: { host: string; port: number },
  aes: SandboxAes = { archive: 'PACS', worklist: 'RIS' },
): Promise<void> {
  for (const m of DEMO_MODALITIES) {
    const existing = await db.modalityConfig.findUnique({ where: { sandboxId_modalityAe: { sandboxId, modalityAe: m.modalityAe } } });
    if (existing) continue;
    const where = { sandboxId, modalityAe: m.modalityAe };
    const destinations = [
      { ...where, role: 'archive', name: 'Main PACS', aeTitle: aes.archive, ...listener, isDefault: true },
      { ...where, role: 'worklist', name: 'RIS worklist', aeTitle: aes.worklist, ...listener, isDefault: false },
      { ...where, role: 'mpps', name: 'RIS MPPS', aeTitle: aes.worklist, ...listener, isDefault: false },
    ];
    try {
      await db.$transaction([
        db.modalityConfig.create({ data: { ...where, localAeTitle: m.modalityAe, modality: m.modality, stationName: m.stationName } }),
        ...destinations.map((data) => db.modalityDestination.create({ data })),
      ]);
    } catch (e) {
      // another process seeded it at the same moment (unique sandboxId+modalityAe): theirs stands
      if ((e as { code?: string }).code !== 'P2002') throw e;
    }
  }
}
