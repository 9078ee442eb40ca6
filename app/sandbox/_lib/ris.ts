// Read models for the RIS consoles: the demo sandbox's orders for a day, what its RIS AE answers to a modality
// worklist query, and the radiologist's reading worklist. Server-only; every filter is validated with zod.
import { z } from 'zod';
import { getDb } from '@/prisma/db';
import { ORDER_STATUSES, WORKLIST_STATUSES } from '@/sim/ris/orderStatus';
import { worklistItem } from '@/sim/ris/worklistQuery';
import { localDicomDate } from '@/sim/ris/seedOrders';
import { now } from '@/app/_lib/clock';
import { READING_STATES, readingState } from './risNames';

export { READING_STATES };

export const PRIORITIES = ['STAT', 'HIGH', 'ROUTINE', 'MEDIUM', 'LOW'] as const;
/** Requested Procedure Priority (0040,1003), most urgent first: the reading worklist's sort order. */
export const PRIORITY_RANK: Record<string, number> = { STAT: 0, HIGH: 1, MEDIUM: 2, ROUTINE: 3, LOW: 4 };

/** The modalities the demo's orders use, in the order a RIS clerk picks them. */
export const ORDER_MODALITIES = ['CT', 'MR', 'DX', 'CR', 'US', 'MG', 'NM', 'PT', 'XA', 'RF'] as const;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** YYYYMMDD → YYYY-MM-DD for <input type="date">. */
export const isoFromDicomDate = (da: string) => (/^\d{8}$/.test(da) ? `${da.slice(0, 4)}-${da.slice(4, 6)}-${da.slice(6, 8)}` : '');

/** Today as the RIS sees it (the server's local date, as the seeded demo day and a modality's clock). */
export async function todayDicomDate() {
  return localDicomDate(await now());
}

export const orderSearch = z.object({
  date: isoDate.optional().catch(undefined),
  modality: z.string().trim().toUpperCase().regex(/^[A-Z]{2,4}$/).optional().catch(undefined),
  status: z.enum(ORDER_STATUSES).optional().catch(undefined),
});

export async function modalityStations(sandboxId: string) {
  return getDb().dicomNode.findMany({ where: { sandboxId, role: 'modality' }, orderBy: { aeTitle: 'asc' }, select: { aeTitle: true, description: true } });
}

export async function risAeTitle(sandboxId: string) {
  const node = await getDb().dicomNode.findFirst({ where: { sandboxId, role: 'worklist', local: true }, select: { aeTitle: true } });
  return node?.aeTitle ?? 'RIS';
}

/** A day's orders, in scheduled order, with each one's latest MPPS. */
export async function ordersForDay(sandboxId: string, date: string, f: { modality?: string; status?: string } = {}) {
  return getDb().order.findMany({
    where: { sandboxId, scheduledStartDate: date, ...(f.modality ? { modality: f.modality } : {}), ...(f.status ? { status: f.status } : {}) },
    orderBy: [{ scheduledStartTime: 'asc' }, { accessionNumber: 'asc' }],
    include: { performedSteps: { orderBy: { createdAt: 'desc' }, select: { status: true, sopInstanceUid: true, performedStationAeTitle: true, updatedAt: true } } },
  });
}

/** One station's (or every station's) steps for a day: those the RIS answers, and those that left the worklist. */
export async function worklistForDay(sandboxId: string, date: string, station?: string) {
  const orders = await getDb().order.findMany({
    where: { sandboxId, scheduledStartDate: date, ...(station ? { scheduledStationAeTitle: station } : {}) },
    orderBy: [{ scheduledStartTime: 'asc' }, { accessionNumber: 'asc' }],
    include: { performedSteps: { orderBy: { createdAt: 'desc' }, select: { status: true, sopInstanceUid: true, performedStationAeTitle: true, updatedAt: true } } },
  });
  const answered = orders.filter((o) => WORKLIST_STATUSES.includes(o.status as (typeof WORKLIST_STATUSES)[number]));
  const left = orders.filter((o) => !answered.includes(o));
  return { answered: answered.map((o) => ({ order: o, item: worklistItem(o) })), left };
}

// ---------------------------------------------------------------------------------------------------------
// The reading worklist
// ---------------------------------------------------------------------------------------------------------

export const readingSearch = z.object({
  modality: z.string().trim().toUpperCase().regex(/^[A-Z]{1,4}$/).optional().catch(undefined),
  from: isoDate.optional().catch(undefined),
  to: isoDate.optional().catch(undefined),
  priority: z.enum(PRIORITIES).optional().catch(undefined),
  state: z.enum(READING_STATES).optional().catch(undefined),
});
export type ReadingSearch = z.infer<typeof readingSearch>;

export const READING_LIMIT = 200;

export async function readingWorklist(sandboxId: string, q: ReadingSearch) {
  const db = getDb();
  const from = q.from?.replaceAll('-', '');
  const to = q.to?.replaceAll('-', '');
  const studies = await db.study.findMany({
    where: {
      sandboxId,
      ...(from || to ? { studyDate: { ...(from ? { gte: from } : {}), ...(to ? { lte: to } : {}) } } : {}),
      ...(q.modality ? { series: { some: { modality: q.modality } } } : {}),
    },
    orderBy: [{ studyDate: 'desc' }, { studyTime: 'desc' }, { createdAt: 'desc' }],
    take: 1000,
    include: { patient: true, series: { select: { modality: true, _count: { select: { instances: true } } } }, reports: { select: { status: true, deliveryStatus: true } } },
  });
  const accessions = [...new Set(studies.map((s) => s.accessionNumber).filter(Boolean))];
  const orders = accessions.length
    ? await db.order.findMany({
        where: { sandboxId, accessionNumber: { in: accessions } },
        select: { accessionNumber: true, priority: true, status: true, requestedProcedureDescription: true, referringPhysicianName: true, studyInstanceUid: true },
      })
    : [];
  const byAccession = new Map(orders.map((o) => [o.accessionNumber, o]));
  const rows = studies
    .map((s) => {
      const order = s.accessionNumber ? byAccession.get(s.accessionNumber) : undefined;
      return {
        ...s,
        order,
        state: readingState(s.status, order?.status),
        /** none | draft | final */
        reportStatus: s.reports[0]?.status ?? 'none',
        modalities: [...new Set(s.series.map((x) => x.modality).filter(Boolean))].sort(),
        instanceCount: s.series.reduce((n, x) => n + x._count.instances, 0),
      };
    })
    .filter((r) => (q.priority ? r.order?.priority === q.priority : true) && (q.state ? r.state === q.state : true))
    // the radiologist reads the most urgent first; within a priority, the newest study first
    .sort((a, b) => (PRIORITY_RANK[a.order?.priority ?? 'ROUTINE'] ?? 3) - (PRIORITY_RANK[b.order?.priority ?? 'ROUTINE'] ?? 3));
  return { total: rows.length, rows: rows.slice(0, READING_LIMIT) };
}
