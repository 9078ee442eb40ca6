// A copy of one sandbox's network log over a stretch of time, kept with a scenario attempt (ScenarioAttempt.networkLog)
// when it ends — passed, given up, abandoned as stale or by a reset — so the student's history and the instructor
// keep what happened on the wire after the sandbox's own log is cleared (issue 8: "the attempt records time, hints,
// checks, and the network log"). What it keeps: every association the listener routed to the sandbox (calling →
// called AE, outcome and why) with its DIMSE requests (status and its meaning, PS3.7 Annex C), the RIS's HL7
// messages in and out, and the HIS's outbound queue. Compact and capped (the newest are kept; `truncated` says so).
import { z } from 'zod';
import type { Db } from '../prisma/db';
import { describeStatus } from './dicom/status';

export const NETWORK_LOG_CAPS = { associations: 300, dimse: 2000, hl7: 200, hisOutbound: 200 } as const;

const dimseSchema = z.object({
  at: z.string(),
  command: z.string(),
  /** (0000,0900) Status; -1 when no response came */
  status: z.number().int(),
  meaning: z.string(),
  sopInstanceUid: z.string().default(''),
});
const associationSchema = z.object({
  at: z.string(),
  endedAt: z.string().nullable(),
  callingAe: z.string(),
  calledAe: z.string(),
  outcome: z.string(),
  /** the A-ASSOCIATE-RJ reason or how it ended, in words */
  detail: z.string(),
  peer: z.string(),
  /** how many DIMSE requests the association carried (dimse may hold fewer: the cap) */
  requests: z.number().int(),
  dimse: z.array(dimseSchema),
});
const hl7Schema = z.object({
  at: z.string(),
  direction: z.string(),
  messageType: z.string(),
  controlId: z.string(),
  status: z.string(),
  error: z.string(),
  accessionNumber: z.string(),
});
const hisSchema = z.object({
  at: z.string(),
  lastAttemptAt: z.string().nullable(),
  messageType: z.string(),
  controlId: z.string(),
  accessionNumber: z.string(),
  patientName: z.string(),
  status: z.string(),
  attempts: z.number().int(),
  ackCode: z.string(),
  lastError: z.string(),
});

export const networkLogSchema = z.object({
  version: z.literal(1),
  since: z.string(),
  until: z.string(),
  /** some rows were left out by the caps (the newest are kept) */
  truncated: z.boolean(),
  totals: z.object({ associations: z.number().int(), dimse: z.number().int(), hl7: z.number().int(), hisOutbound: z.number().int() }),
  associations: z.array(associationSchema),
  hl7: z.array(hl7Schema),
  hisOutbound: z.array(hisSchema),
});
export type NetworkLogSnapshot = z.infer<typeof networkLogSchema>;
export type NetworkLogAssociation = z.infer<typeof associationSchema>;

/** The stored copy of an attempt, or null (none taken, or not in this shape). */
export function networkLogOf(a: { networkLog: unknown }): NetworkLogSnapshot | null {
  if (a.networkLog == null) return null;
  const r = networkLogSchema.safeParse(a.networkLog);
  return r.success ? r.data : null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The sandbox's log from `since` to now, oldest first, newest kept under the caps. */
export async function snapshotNetworkLog(db: Db, sandboxId: string, since: Date, caps: Partial<Record<keyof typeof NETWORK_LOG_CAPS, number>> = {}): Promise<NetworkLogSnapshot> {
  const cap = { ...NETWORK_LOG_CAPS, ...caps };
  const until = new Date();
  const inRange = { gte: since, lte: until };
  const [assocTotal, assocs, hl7Total, hl7, hisTotal, his] = await Promise.all([
    db.associationLog.count({ where: { sandboxId, startedAt: inRange } }),
    db.associationLog.findMany({
      where: { sandboxId, startedAt: inRange },
      orderBy: { startedAt: 'desc' },
      take: cap.associations,
      select: { id: true, startedAt: true, endedAt: true, callingAe: true, calledAe: true, outcome: true, rejectReason: true, detail: true, peerAddress: true, _count: { select: { dimse: true } } },
    }),
    db.hl7Message.count({ where: { sandboxId, receivedAt: inRange } }),
    db.hl7Message.findMany({
      where: { sandboxId, receivedAt: inRange },
      orderBy: { receivedAt: 'desc' },
      take: cap.hl7,
      select: { receivedAt: true, direction: true, messageType: true, controlId: true, status: true, error: true, accessionNumber: true },
    }),
    db.hl7Outbound.count({ where: { sandboxId, OR: [{ createdAt: inRange }, { lastAttemptAt: inRange }] } }),
    db.hl7Outbound.findMany({
      where: { sandboxId, OR: [{ createdAt: inRange }, { lastAttemptAt: inRange }] },
      orderBy: { createdAt: 'desc' },
      take: cap.hisOutbound,
      select: { createdAt: true, lastAttemptAt: true, messageType: true, controlId: true, accessionNumber: true, patientName: true, status: true, attempts: true, ackCode: true, lastError: true },
    }),
  ]);
  // DIMSE lines of the kept associations, newest first under their own cap
  const dimse = assocs.length
    ? await db.dimseLog.findMany({
        where: { associationId: { in: assocs.map((a) => a.id) } },
        orderBy: { at: 'desc' },
        take: cap.dimse,
        select: { associationId: true, at: true, command: true, status: true, statusMeaning: true, sopInstanceUid: true },
      })
    : [];
  const byAssociation = new Map<string, NetworkLogAssociation['dimse']>();
  for (const d of dimse.reverse()) {
    const list = byAssociation.get(d.associationId) ?? [];
    list.push({ at: d.at.toISOString(), command: d.command, status: d.status, meaning: d.statusMeaning || (d.status < 0 ? 'no response' : describeStatus(d.status)), sopInstanceUid: d.sopInstanceUid });
    byAssociation.set(d.associationId, list);
  }
  const dimseTotal = assocs.reduce((n, a) => n + a._count.dimse, 0);
  return {
    version: 1,
    since: since.toISOString(),
    until: until.toISOString(),
    truncated: assocTotal > assocs.length || dimseTotal > dimse.length || hl7Total > hl7.length || hisTotal > his.length,
    totals: { associations: assocTotal, dimse: dimseTotal, hl7: hl7Total, hisOutbound: hisTotal },
    associations: assocs.reverse().map((a) => ({
      at: a.startedAt.toISOString(),
      endedAt: iso(a.endedAt),
      callingAe: a.callingAe,
      calledAe: a.calledAe,
      outcome: a.outcome,
      detail: a.rejectReason || a.detail,
      peer: a.peerAddress,
      requests: a._count.dimse,
      dimse: byAssociation.get(a.id) ?? [],
    })),
    hl7: hl7.reverse().map((m) => ({ at: m.receivedAt.toISOString(), direction: m.direction, messageType: m.messageType, controlId: m.controlId, status: m.status, error: m.error, accessionNumber: m.accessionNumber })),
    hisOutbound: his.reverse().map(({ createdAt, lastAttemptAt, ...m }) => ({ at: createdAt.toISOString(), lastAttemptAt: iso(lastAttemptAt), ...m })),
  };
}
