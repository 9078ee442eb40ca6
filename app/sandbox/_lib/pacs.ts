// Read models for the PACS console: a sandbox's archive, searched and summed the way a PACS
// administrator's study browser shows it. Server-only; every filter is validated with zod.
import { z } from 'zod';
import { getDb } from '@/prisma/db';
import { DEMO_SLUG } from '@/sim/seed';

/** Modalities offered in the consoles' search forms (Modality (0008,0060) defined terms, PS3.3 C.7.3.1.1.1). */
export const ARCHIVE_MODALITIES = ['CT', 'MR', 'CR', 'DX', 'MG', 'US', 'NM', 'PT', 'XA', 'RF', 'OT', 'SC'] as const;

/** The public demo sandbox. The consoles use currentSandbox() (./current.ts), which falls back to this. */
export async function demoSandbox() {
  return getDb().sandbox.findUnique({ where: { slug: DEMO_SLUG } });
}

const da = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).transform((s) => s.replaceAll('-', ''));

export const studySearch = z.object({
  name: z.string().trim().max(64).optional().catch(undefined),
  patientId: z.string().trim().max(64).optional().catch(undefined),
  accession: z.string().trim().max(16).optional().catch(undefined),
  from: da.optional().catch(undefined),
  to: da.optional().catch(undefined),
  modality: z.string().trim().toUpperCase().regex(/^[A-Z]{1,4}$/).optional().catch(undefined),
  status: z.enum(['received', 'unverified', 'hold', 'verified', 'read']).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
});
export type StudySearch = z.infer<typeof studySearch>;

export const PAGE_SIZE = 50;

/** `*` and `?` as a PACS user types them; a plain word matches anywhere in the name. */
function nameFilter(raw: string) {
  const key = raw.toUpperCase().replaceAll(',', '^').replace(/\s+/g, '^');
  if (/[*?]/.test(key)) {
    const parts = key.split(/[*?]+/).filter(Boolean);
    return { AND: parts.map((p) => ({ patientNameKey: { contains: p } })) };
  }
  return { patientNameKey: { contains: key } };
}

export async function searchStudies(sandboxId: string, q: StudySearch) {
  const db = getDb();
  const where = {
    sandboxId,
    ...(q.accession ? { accessionNumber: q.accession } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(q.from || q.to ? { studyDate: { ...(q.from ? { gte: q.from } : {}), ...(q.to ? { lte: q.to } : {}) } } : {}),
    ...(q.modality ? { series: { some: { modality: q.modality } } } : {}),
    ...(q.name || q.patientId
      ? { patient: { ...(q.name ? nameFilter(q.name) : {}), ...(q.patientId ? { patientId: q.patientId } : {}) } }
      : {}),
  };
  const [total, studies] = await Promise.all([
    db.study.count({ where }),
    db.study.findMany({
      where,
      orderBy: [{ studyDate: 'desc' }, { studyTime: 'desc' }, { createdAt: 'desc' }],
      skip: (q.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      include: { patient: true, series: { select: { modality: true, _count: { select: { instances: true } } } } },
    }),
  ]);
  const sizes = studies.length
    ? await db.instance.groupBy({
        by: ['seriesRefId'],
        where: { series: { studyRefId: { in: studies.map((s) => s.id) } } },
        _sum: { fileSize: true },
      })
    : [];
  const seriesToStudy = new Map(
    (await db.series.findMany({ where: { studyRefId: { in: studies.map((s) => s.id) } }, select: { id: true, studyRefId: true } })).map((s) => [s.id, s.studyRefId]),
  );
  const bytes = new Map<string, bigint>();
  for (const g of sizes) {
    const study = seriesToStudy.get(g.seriesRefId);
    if (study) bytes.set(study, (bytes.get(study) ?? 0n) + (g._sum.fileSize ?? 0n));
  }
  return {
    total,
    rows: studies.map((s) => ({
      ...s,
      modalities: [...new Set(s.series.map((x) => x.modality).filter(Boolean))].sort(),
      seriesCount: s.series.length,
      instanceCount: s.series.reduce((n, x) => n + x._count.instances, 0),
      bytes: bytes.get(s.id) ?? 0n,
    })),
  };
}

export async function storageUsage(sandboxId: string) {
  const db = getDb();
  const [sum, counts] = await Promise.all([
    db.instance.aggregate({ where: { sandboxId }, _sum: { fileSize: true }, _count: true }),
    Promise.all([db.patient.count({ where: { sandboxId } }), db.study.count({ where: { sandboxId } }), db.series.count({ where: { sandboxId } })]),
  ]);
  return { bytes: sum._sum.fileSize ?? 0n, instances: sum._count, patients: counts[0], studies: counts[1], series: counts[2] };
}

export async function studyDetail(sandboxId: string, studyInstanceUid: string) {
  const db = getDb();
  const study = await db.study.findUnique({
    where: { sandboxId_studyInstanceUid: { sandboxId, studyInstanceUid } },
    include: {
      patient: true,
      series: {
        orderBy: [{ seriesNumber: 'asc' }, { createdAt: 'asc' }],
        include: { instances: { orderBy: [{ instanceNumber: 'asc' }, { receivedAt: 'asc' }] } },
      },
    },
  });
  return study;
}
