// Read models for the scanner consoles (/sandbox/modality/[ae]): the current sandbox's simulated modalities, their
// network settings, exams and send queue, as a technologist's console shows them. Server-only. Every change goes
// through sim/modality (acquire, endExam, the send queue, purge), never through these helpers.
import { notFound } from 'next/navigation';
import { getDb } from '@/prisma/db';
import { DEMO_NODES } from '@/sim/seed';
import { getModalityConsole } from '@/sim/modality/config';
import { currentSandbox } from './current';

/** The demo sandbox's simulated scanners: CT1, DX1, MR1, US1. */
export const SCANNERS = DEMO_NODES.filter((n) => n.role === 'modality').map((n) => n.aeTitle) as readonly string[];

export const isScanner = (ae: string) => SCANNERS.includes(ae);

export const MODALITY_NAMES: Record<string, string> = { CT: 'CT scanner', DX: 'Digital radiography room', MR: 'MR scanner', US: 'Ultrasound unit' };

/** The sandbox, the scanner's settings and its destinations; null when the scanner or the sandbox does not exist. */
export async function scannerContext(ae: string) {
  if (!isScanner(ae)) return null;
  const sandbox = await currentSandbox();
  if (!sandbox) return null;
  const console = await getModalityConsole(getDb(), sandbox.id, ae);
  if (!console) return null;
  return { sandbox, ...console };
}

export type ScannerContext = NonNullable<Awaited<ReturnType<typeof scannerContext>>>;

/** For the console's pages: Next renders a page beside its layout, so each page answers 404 itself. */
export async function requireScanner(ae: string): Promise<ScannerContext> {
  const ctx = await scannerContext(ae);
  if (!ctx) notFound();
  return ctx;
}

export const destinationLabel = (d: { aeTitle: string; host: string; port: number }) => `${d.aeTitle}@${d.host}:${d.port}`;

/** The scanner's recent exams, newest first, with what became of their images. */
export async function recentExams(sandboxId: string, modalityAe: string, take = 15) {
  const exams = await getDb().acquisition.findMany({
    where: { sandboxId, modalityAe },
    orderBy: { createdAt: 'desc' },
    take,
    include: { sendJobs: { select: { status: true, sent: true, total: true, failed: true, commitStatus: true, target: true } } },
  });
  return exams;
}

/** One exam with its images (series by series) and its send jobs. */
export async function examDetail(sandboxId: string, modalityAe: string, id: string) {
  const db = getDb();
  const exam = await db.acquisition.findFirst({
    where: { id, sandboxId, modalityAe },
    include: {
      images: { orderBy: [{ seriesNumber: 'asc' }, { instanceNumber: 'asc' }] },
      order: { select: { accessionNumber: true, status: true, requestedProcedureDescription: true } },
      sendJobs: { orderBy: { createdAt: 'desc' }, include: { destination: true } },
    },
  });
  if (!exam) return null;
  const committed = await db.sendItem.groupBy({
    by: ['imageId'],
    where: { image: { acquisitionId: exam.id }, committedAt: { not: null } },
  });
  const committedImages = new Set(committed.map((c) => c.imageId));
  const series = new Map<string, { seriesInstanceUid: string; seriesNumber: number; seriesDescription: string; images: typeof exam.images }>();
  for (const image of exam.images) {
    const s = series.get(image.seriesInstanceUid) ?? { seriesInstanceUid: image.seriesInstanceUid, seriesNumber: image.seriesNumber, seriesDescription: image.seriesDescription, images: [] };
    s.images.push(image);
    series.set(image.seriesInstanceUid, s);
  }
  return { exam, series: [...series.values()], committedImages };
}

/** The send queue: every job of the scanner, newest first, with its failed items' messages. */
export async function sendQueue(sandboxId: string, modalityAe: string, take = 50) {
  return getDb().sendJob.findMany({
    where: { sandboxId, modalityAe },
    orderBy: { createdAt: 'desc' },
    take,
    include: {
      acquisition: { select: { id: true, patientName: true, patientId: true, accessionNumber: true, studyDescription: true, purgedAt: true } },
      items: { where: { status: 'failed' }, take: 20, orderBy: { image: { instanceNumber: 'asc' } }, include: { image: { select: { instanceNumber: true, seriesNumber: true, sopInstanceUid: true } } } },
    },
  });
}

export const percent = (job: { sent: number; total: number }) => (job.total ? Math.floor((100 * job.sent) / job.total) : 0);

/** True while some job of the scanner is queued or sending: the console then refreshes itself. */
export async function anyJobActive(sandboxId: string, modalityAe: string) {
  return (await getDb().sendJob.count({ where: { sandboxId, modalityAe, status: { in: ['queued', 'sending'] } } })) > 0;
}
