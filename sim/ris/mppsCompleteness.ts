// The classic "incomplete study" check: does the archive hold every image the modality announced in its MPPS
// Performed Series Sequence (PS3.4 F.7.2-1, Referenced Image Sequence)? Read from the archive's index only.
import type { Db } from '../../prisma/db';

export interface MppsCompleteness {
  mppsUid: string;
  status: string;
  accessionNumber: string | null;
  announced: number;
  received: number;
  /** announced SOP Instance UIDs with no index row in this sandbox */
  missing: string[];
  /** stored under another series than the MPPS named (a modality or fault re-sorted them) */
  inOtherSeries: string[];
  complete: boolean;
}

interface SeriesRef {
  SeriesInstanceUID: string;
  ReferencedImageSequence: { ReferencedSOPInstanceUID: string }[];
}

const CHUNK = 500;

export async function mppsCompleteness(db: Db, sandboxId: string, mppsUid: string): Promise<MppsCompleteness | null> {
  const step = await db.performedProcedureStep.findUnique({
    where: { sandboxId_sopInstanceUid: { sandboxId, sopInstanceUid: mppsUid } },
    include: { order: { select: { accessionNumber: true } } },
  });
  if (!step) return null;
  const series = (step.performedSeries ?? []) as unknown as SeriesRef[];
  const wanted = new Map<string, string>();
  for (const s of series) for (const r of s.ReferencedImageSequence ?? []) wanted.set(r.ReferencedSOPInstanceUID, s.SeriesInstanceUID);
  const uids = [...wanted.keys()];
  const found = new Map<string, string>();
  for (let i = 0; i < uids.length; i += CHUNK) {
    const rows = await db.instance.findMany({
      where: { sandboxId, sopInstanceUid: { in: uids.slice(i, i + CHUNK) } },
      select: { sopInstanceUid: true, series: { select: { seriesInstanceUid: true } } },
    });
    for (const r of rows) found.set(r.sopInstanceUid, r.series.seriesInstanceUid);
  }
  const missing = uids.filter((u) => !found.has(u));
  const inOtherSeries = uids.filter((u) => found.has(u) && found.get(u) !== wanted.get(u));
  return {
    mppsUid,
    status: step.status,
    accessionNumber: step.order?.accessionNumber ?? null,
    announced: uids.length,
    received: found.size,
    missing,
    inOtherSeries,
    complete: step.status === 'COMPLETED' && missing.length === 0,
  };
}
