// What the RIS page shows of the HL7 interface: the latest messages of a sandbox and how they were answered.
import type { Db } from '../../../prisma/db';

export interface Hl7InterfaceSummary {
  /** newest first; the raw text and ACK are left out (read one message by id for them) */
  messages: { id: string; receivedAt: Date; messageType: string; controlId: string; status: string; error: string; placerOrderNumber: string; accessionNumber: string; peerAddress: string }[];
  /** answers since `since`, by MSA-1 */
  counts: { AA: number; AE: number; AR: number };
  lastReceivedAt: Date | null;
}

export async function hl7InterfaceSummary(db: Db, sandboxId: string, opts: { since?: Date; limit?: number } = {}): Promise<Hl7InterfaceSummary> {
  const since = opts.since ?? new Date(Date.now() - 24 * 3600 * 1000);
  const [messages, groups] = await Promise.all([
    db.hl7Message.findMany({
      where: { sandboxId, direction: 'in' },
      orderBy: { receivedAt: 'desc' },
      take: Math.min(Math.max(opts.limit ?? 50, 1), 500),
      select: { id: true, receivedAt: true, messageType: true, controlId: true, status: true, error: true, placerOrderNumber: true, accessionNumber: true, peerAddress: true },
    }),
    db.hl7Message.groupBy({ by: ['status'], where: { sandboxId, direction: 'in', receivedAt: { gte: since } }, _count: { _all: true } }),
  ]);
  const counts = { AA: 0, AE: 0, AR: 0 };
  for (const g of groups) if (g.status in counts) counts[g.status as keyof typeof counts] = g._count._all;
  return { messages, counts, lastReceivedAt: messages[0]?.receivedAt ?? null };
}

export interface Hl7OutboundEntry {
  id: string;
  receivedAt: Date;
  messageType: string;
  controlId: string;
  /** the receiver's MSA-1 (AA, AE, AR), or failed / not-sent */
  status: string;
  error: string;
  accessionNumber: string;
  peerAddress: string;
}

/** The latest messages the RIS sent (ORU^R01 for signed reports), newest first, with how they were answered. */
export async function hl7OutboundLog(db: Db, sandboxId: string, limit = 15): Promise<Hl7OutboundEntry[]> {
  return db.hl7Message.findMany({
    where: { sandboxId, direction: 'out' },
    orderBy: { receivedAt: 'desc' },
    take: Math.min(Math.max(limit, 1), 500),
    select: { id: true, receivedAt: true, messageType: true, controlId: true, status: true, error: true, accessionNumber: true, peerAddress: true },
  });
}
