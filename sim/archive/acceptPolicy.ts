// Which transfer syntaxes an archive AE accepts for storage: a site's setting on its local archive node (PACS
// console → DICOM nodes). "Every syntax" is the default (stored as sent: contextPolicy.ts); some sites accept only
// uncompressed data, or only reversible compression, so that nothing irreversible is stored before primary reading.
// An image offered only in a syntax the archive does not accept gets presentation-context result 4,
// transfer-syntaxes-not-supported, in the A-ASSOCIATE-AC (PS3.8 9.3.3.2): the "transfer syntax not accepted" send
// failure. Implicit VR Little Endian, the DICOM default every AE must accept (PS3.5 10.1), is always kept.
import { z } from 'zod';
import type { Db } from '../../prisma/db';
import { TRANSFER_SYNTAXES, UNCOMPRESSED_TRANSFER_SYNTAXES } from '../dicom/transferSyntaxes';

export const ACCEPT_POLICIES = ['all', 'lossless', 'uncompressed'] as const;
export type AcceptPolicy = (typeof ACCEPT_POLICIES)[number];
export const acceptPolicySchema = z.enum(ACCEPT_POLICIES, { message: `the accepted syntaxes are one of: ${ACCEPT_POLICIES.join(', ')}` });

export const ACCEPT_POLICY_LABELS: Record<AcceptPolicy, string> = {
  all: 'Every supported syntax, stored as sent',
  lossless: 'Uncompressed and lossless compression only',
  uncompressed: 'Uncompressed only',
};

const LOSSLESS = new Set(TRANSFER_SYNTAXES.filter((t) => !t.lossy).map((t) => t.uid));
const UNCOMPRESSED = new Set(UNCOMPRESSED_TRANSFER_SYNTAXES);

/** The node's stored value as a policy ("" or anything unknown reads as 'all', the default). */
export function acceptPolicyOf(value: string | null | undefined): AcceptPolicy {
  return (ACCEPT_POLICIES as readonly string[]).includes(value ?? '') ? (value as AcceptPolicy) : 'all';
}

/** Whether the policy lets the archive take data in this syntax. */
export function acceptsSyntax(policy: AcceptPolicy, transferSyntaxUid: string): boolean {
  if (policy === 'all') return true;
  return (policy === 'uncompressed' ? UNCOMPRESSED : LOSSLESS).has(transferSyntaxUid);
}

/** The services' supported syntaxes, narrowed by the policy (a map from SOP class to syntaxes, as negotiated). */
export function narrowSupported(supported: Map<string, Set<string>>, policy: AcceptPolicy): Map<string, Set<string>> {
  if (policy === 'all') return supported;
  return new Map([...supported].map(([sop, syntaxes]) => [sop, new Set([...syntaxes].filter((ts) => acceptsSyntax(policy, ts)))]));
}

/** Sets a local archive node's policy (PACS console → DICOM nodes), audited; the next association uses it. */
export async function setAcceptPolicy(db: Db, sandboxId: string, aeTitle: string, raw: unknown, actorId: string | null, reason = ''): Promise<{ before: AcceptPolicy; after: AcceptPolicy }> {
  const parsed = acceptPolicySchema.safeParse(raw);
  if (!parsed.success) throw new AcceptPolicyError(parsed.error.issues[0]?.message ?? 'not a policy');
  const node = await db.dicomNode.findFirst({ where: { sandboxId, aeTitle, local: true, role: 'archive' } });
  if (!node) throw new AcceptPolicyError(`${aeTitle} is not an archive AE of this sandbox`);
  const before = acceptPolicyOf(node.acceptPolicy);
  if (before !== parsed.data) {
    await db.dicomNode.update({ where: { id: node.id }, data: { acceptPolicy: parsed.data } });
    await db.auditEvent.create({ data: { actorId, action: 'node.accept-policy', target: `node:${aeTitle}`, reason, detail: { before, after: parsed.data } } });
  }
  return { before, after: parsed.data };
}

export class AcceptPolicyError extends Error {}
