// Faults of the archive's content and the radiologist's view of it (issue 8, faults 11 and 12): a study held
// unverified because its accession number matches no order, and a saved reading-worklist filter that hides the
// exam. Both leave the network working; what is wrong is data, and the checks read the data: the archive's study
// under the order's accession, verified, with no orphan left; the saved filter showing the study.
import { z } from 'zod';
import type { Db } from '../../prisma/db';
import { nextStudyStatus } from '../archive/studyStatus';
import { aeTitleSchema } from '../modality/config';
import { localDicomDate } from '../modality/worklist';
import { examChecks, examParams, examRef, examUndo, scanFromWorklist, scannerWorklist, sendExam } from './exam';
import { defineFault, FaultError, type CheckResult } from './types';

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** A typist's slip: the last two characters swapped, or the last digit changed when they are the same. */
export function mistype(accession: string): string {
  const a = accession.slice(0, -2);
  const [x, y] = accession.slice(-2);
  if (accession.length >= 2 && x !== y) return `${a}${y}${x}`;
  const last = accession.slice(-1);
  return `${accession.slice(0, -1)}${/\d/.test(last) ? String((Number(last) + 1) % 10) : '9'}`;
}

/** Slips a typist makes, most likely first: the swap, then the last digit off by one to nine, then a doubled last character. */
export function typos(accession: string): string[] {
  const out = [mistype(accession)];
  const last = accession.slice(-1);
  if (/\d/.test(last)) for (let d = 1; d < 10; d++) out.push(`${accession.slice(0, -1)}${(Number(last) + d) % 10}`);
  if (accession.length < 16) out.push(`${accession}${last}`);
  return [...new Set(out)].filter((c) => c !== accession);
}

// -------------------------------------------------------------------------------------------------- 11
export const studyUnverified = defineFault({
  id: 'study-unverified',
  title: 'Study on hold — accession matches no order',
  symptom: 'The exam was scanned and every image reached the PACS, but the study sits "unverified" in the PACS console and the radiologist cannot report it. The RIS still shows the order as not done.',
  rootCause: "The accession number in the images was mistyped at the scanner, so it matches no order in the RIS. The archive cannot link the study to its order (PS3.3 C.4.10: the Accession Number is the RIS's key for the order), so QC holds it unverified.",
  lesson: { slug: 'ris-pacs-integration', heading: 'Two systems, one exam' },
  hints: [
    "Every image arrived, so the network is fine. Open the study in the PACS console and compare its accession number with the RIS's orders for this patient.",
    'The study\'s accession number is one typo away from an order of the same patient. The fix links the images to that order; scanning again would not.',
    "On the study page, split every series out to the patient's right order (Correct → Split series out to an order): the images take the order's accession number and study UID. Then verify the new study for reading.",
  ],
  paramsSchema: z.object({ ...examParams, wrongAccession: z.string().trim().min(1).max(16).optional() }),
  undoSchema: z.object({ ...examUndo, wrongAccession: z.string(), studyInstanceUid: z.string() }),
  async inject(db, sandboxId, p) {
    const items = await scannerWorklist(db, sandboxId, p.modalityAe);
    const item = p.accessionNumber ? items.find((i) => i.accessionNumber === p.accessionNumber) : items.find((i) => i.accessionNumber);
    if (!item) throw new FaultError('invalid', `${p.modalityAe}'s worklist has no order ${p.accessionNumber ?? 'with an accession number'} today`);
    const order = await db.order.findUnique({ where: { sandboxId_accessionNumber: { sandboxId, accessionNumber: item.accessionNumber } } });
    if (!order) throw new FaultError('not-found', `no order ${item.accessionNumber} in this sandbox`);
    // the first slip that matches no order (A…-01 swapped is A…-10, often a real order too)
    const candidates = p.wrongAccession ? [p.wrongAccession] : typos(order.accessionNumber);
    const taken = new Set((await db.order.findMany({ where: { sandboxId, accessionNumber: { in: candidates } }, select: { accessionNumber: true } })).map((o) => o.accessionNumber));
    const wrong = candidates.find((c) => c !== order.accessionNumber && !taken.has(c));
    if (!wrong) throw new FaultError('invalid', `${candidates.join(', ')} is the accession number of a real order: choose one that matches no order`);
    // typed at the console: the order's UID is lost with it, so the archive sees a study nobody ordered
    const acq = await scanFromWorklist(db, sandboxId, { ...p, accessionNumber: order.accessionNumber }, true, (i) => ({ ...i, accessionNumber: wrong, studyInstanceUid: '' }));
    const jobs = await sendExam(db, acq.id);
    if (jobs.some((j) => j.status !== 'done')) throw new FaultError('invalid', `the exam could not be sent: ${jobs.map((j) => j.error).filter(Boolean).join('; ')}`);
    const study = await db.study.findUnique({ where: { sandboxId_studyInstanceUid: { sandboxId, studyInstanceUid: acq.studyInstanceUid } } });
    if (!study) throw new FaultError('invalid', 'the exam did not reach the archive');
    // archive QC: a study whose accession number matches no order is flagged for a technologist to reconcile
    const t = nextStudyStatus(study.status, 'flag');
    if (t.ok) {
      await db.study.updateMany({ where: { id: study.id, status: study.status }, data: { status: t.status } });
      await db.auditEvent.create({ data: { actorId: null, action: 'study.flag', target: `study:${study.studyInstanceUid}`, reason: `accession number ${wrong} matches no order`, detail: { from: study.status, to: t.status, sandboxId } } });
    }
    return { ...examRef(acq), orderId: order.id, accessionNumber: order.accessionNumber, wrongAccession: wrong, studyInstanceUid: study.studyInstanceUid };
  },
  async check(db, sandboxId, _p, u) {
    const acq = await db.acquisition.findUnique({ where: { id: u.acquisitionId }, include: { images: { select: { sopInstanceUid: true } } } });
    const uids = acq?.images.map((i) => i.sopInstanceUid) ?? [];
    const [right, orphans] = await Promise.all([
      db.study.findMany({ where: { sandboxId, accessionNumber: u.accessionNumber }, select: { id: true, status: true, studyInstanceUid: true } }),
      db.study.count({ where: { sandboxId, accessionNumber: u.wrongAccession } }),
    ]);
    const linked = right.length ? await db.instance.count({ where: { sandboxId, sopInstanceUid: { in: uids }, series: { studyRefId: { in: right.map((s) => s.id) } } } }) : 0;
    const readable = right.filter((s) => s.status === 'verified' || s.status === 'read');
    const checks: CheckResult[] = [
      {
        id: 'reconciled', label: `The images are filed under the order's accession number (${u.accessionNumber})`, passed: uids.length > 0 && linked === uids.length,
        detail: `${linked} of ${plural(uids.length, 'image')} are in a study with accession ${u.accessionNumber}`,
      },
      {
        id: 'no-orphan', label: `No study is left under the mistyped accession (${u.wrongAccession})`, passed: orphans === 0,
        detail: orphans ? `${plural(orphans, 'study')} still carry ${u.wrongAccession}, which matches no order` : 'none',
      },
      {
        id: 'verified', label: 'The study is verified for reading', passed: readable.length > 0,
        detail: right.length ? `the study of ${u.accessionNumber} is ${right.map((s) => s.status).join(', ')}` : `the archive has no study with accession ${u.accessionNumber}`,
      },
    ];
    const [, sentOnce, rescan] = await examChecks(db, sandboxId, u);
    return [...checks, sentOnce, rescan];
  },
  async clear() {
    // nothing to put back: the archive holds what was sent, and reconciling is the work itself
  },
});

// -------------------------------------------------------------------------------------------------- 12
const READING_STATES = ['unread', 'in-progress', 'read', 'hold'] as const;
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
/** The reading worklist's saved query (app/sandbox/_lib/ris.ts readingSearch: the keys it knows, the rest ignored). */
const readingQuery = z.object({
  modality: z.string().trim().toUpperCase().regex(/^[A-Z]{1,4}$/).optional().catch(undefined),
  from: isoDate.optional().catch(undefined),
  to: isoDate.optional().catch(undefined),
  priority: z.string().optional().catch(undefined),
  state: z.enum(READING_STATES).optional().catch(undefined),
});

const iso = (da: string) => `${da.slice(0, 4)}-${da.slice(4, 6)}-${da.slice(6, 8)}`;
const daysBefore = (d: Date, n: number) => localDicomDate(new Date(d.getFullYear(), d.getMonth(), d.getDate() - n));

/**
 * Whether a saved reading-worklist query shows a study, and if not which criterion hides it, by the rules of the
 * reading worklist (app/sandbox/_lib/ris.ts readingWorklist, risNames.ts readingState).
 */
export async function whatHides(db: Db, sandboxId: string, query: string, studyRefId: string): Promise<string[]> {
  const q = readingQuery.parse(Object.fromEntries(new URLSearchParams(query)));
  const study = await db.study.findUniqueOrThrow({ where: { id: studyRefId }, include: { series: { select: { modality: true } } } });
  const order = study.accessionNumber ? await db.order.findUnique({ where: { sandboxId_accessionNumber: { sandboxId, accessionNumber: study.accessionNumber } }, select: { status: true, priority: true } }) : null;
  const state = study.status === 'read' ? 'read' : study.status === 'hold' ? 'hold' : order?.status === 'in-progress' ? 'in-progress' : 'unread';
  const hides: string[] = [];
  const modalities = [...new Set(study.series.map((s) => s.modality))];
  if (q.modality && !modalities.includes(q.modality)) hides.push(`modality ${q.modality} (the study is ${modalities.join('/') || 'of no modality'})`);
  const from = q.from?.replaceAll('-', '');
  const to = q.to?.replaceAll('-', '');
  if ((from && study.studyDate < from) || (to && study.studyDate > to)) hides.push(`study dates ${q.from ?? '…'} to ${q.to ?? '…'} (the study is of ${study.studyDate ? iso(study.studyDate) : 'no date'})`);
  if (q.priority && order?.priority !== q.priority) hides.push(`priority ${q.priority} (the order is ${order?.priority ?? 'unknown'})`);
  if (q.state && q.state !== state) hides.push(`status ${q.state} (the study is ${state})`);
  return hides;
}

export const readingFilterHides = defineFault({
  id: 'reading-filter-hides',
  title: 'Reading worklist filter hides the study',
  symptom: 'The technologist sent the exam and the PACS console shows it, but the radiologist says it is not on their reading worklist.',
  rootCause: "The radiologist's saved reading-worklist filter excludes the exam: it asks for another modality, or a date range that ends before the exam was done. The study is in the archive; the list just does not show it.",
  lesson: { slug: 'what-is-a-pacs', heading: 'Display: workstations and viewers' },
  hints: [
    'The study is in the archive (look it up in the PACS console), so nothing was lost on the way. The problem is in what the radiologist looks at.',
    "Open the reading worklist with the radiologist's saved filter and compare each criterion (modality, dates, priority, status) with the study.",
    'Edit the saved filter so that it includes the exam (clear the wrong criterion and save it under the same name). Do not send the study again.',
  ],
  paramsSchema: z.object({
    ...examParams,
    /** whose filter: default whoever injects the fault, else the sandbox's owner */
    userId: z.string().min(1).optional(),
    filterName: z.string().trim().min(1).max(40).default('My worklist'),
    mode: z.enum(['modality', 'date'], { message: 'mode is modality or date' }).default('modality'),
    otherModality: aeTitleSchema.optional(),
  }),
  undoSchema: z.object({ ...examUndo, userId: z.string(), filterId: z.string(), previousQuery: z.string().nullable(), injectedQuery: z.string(), studyInstanceUid: z.string() }),
  async inject(db, sandboxId, p) {
    const sandbox = await db.sandbox.findUnique({ where: { id: sandboxId }, select: { ownerId: true, slug: true } });
    if (!sandbox) throw new FaultError('not-found', `sandbox ${sandboxId} does not exist`);
    // whose filter: the one named, else whoever injects it (a student starting the scenario: the engine has
    // written the injection row already), else the sandbox's owner
    const injector = p.userId ? null : await db.faultInjection.findFirst({ where: { sandboxId, faultId: 'reading-filter-hides', status: 'active' }, orderBy: { injectedAt: 'desc' }, select: { injectedById: true } });
    const userId = p.userId ?? injector?.injectedById ?? sandbox.ownerId;
    if (!userId) throw new FaultError('invalid', `sandbox ${sandbox.slug} has no owner: name the radiologist whose filter to break (userId), or inject it as that user`);
    if (!(await db.user.count({ where: { id: userId } }))) throw new FaultError('not-found', `there is no user ${userId}`);
    const acq = await scanFromWorklist(db, sandboxId, p, true);
    const jobs = await sendExam(db, acq.id);
    if (jobs.some((j) => j.status !== 'done')) throw new FaultError('invalid', `the exam could not be sent: ${jobs.map((j) => j.error).filter(Boolean).join('; ')}`);
    const study = await db.study.findUnique({ where: { sandboxId_studyInstanceUid: { sandboxId, studyInstanceUid: acq.studyInstanceUid } }, include: { series: { select: { modality: true } } } });
    if (!study) throw new FaultError('invalid', 'the exam did not reach the archive');
    const modality = study.series[0]?.modality ?? '';
    const query = p.mode === 'modality'
      ? new URLSearchParams({ modality: p.otherModality ?? (modality === 'MR' ? 'CT' : 'MR') }).toString()
      : new URLSearchParams({ from: iso(daysBefore(new Date(), 30)), to: iso(daysBefore(new Date(), 1)) }).toString();
    const existing = await db.savedFilter.findUnique({ where: { userId_page_name: { userId, page: 'reading', name: p.filterName } } });
    const filter = existing
      ? await db.savedFilter.update({ where: { id: existing.id }, data: { query } })
      : await db.savedFilter.create({ data: { userId, page: 'reading', name: p.filterName, query } });
    if (!(await whatHides(db, sandboxId, query, study.id)).length) throw new FaultError('invalid', `the filter ${query} would still show the study: choose another modality`);
    return { ...examRef(acq), userId, filterId: filter.id, previousQuery: existing?.query ?? null, injectedQuery: query, studyInstanceUid: study.studyInstanceUid };
  },
  async check(db, sandboxId, _p, u) {
    const [filter, study] = await Promise.all([
      db.savedFilter.findUnique({ where: { id: u.filterId } }),
      db.study.findUnique({ where: { sandboxId_studyInstanceUid: { sandboxId, studyInstanceUid: u.studyInstanceUid } } }),
    ]);
    const hides = filter && study ? await whatHides(db, sandboxId, filter.query, study.id) : [];
    const [images, sentOnce, rescan] = await examChecks(db, sandboxId, u);
    return [
      {
        id: 'filter-shows-study', label: 'The saved filter shows the study', passed: !!filter && !!study && hides.length === 0,
        detail: !filter
          ? 'the saved filter was deleted: the radiologist has lost their list rather than had it corrected'
          : !study
            ? 'the study is no longer in the archive'
            : hides.length ? `"${filter.name}" hides it: ${hides.join('; ')}` : `"${filter.name}" (${filter.query || 'no criteria'}) shows the study`,
      },
      images,
      sentOnce,
      rescan,
    ];
  },
  async clear(db, _sandboxId, u) {
    const filter = await db.savedFilter.findUnique({ where: { id: u.filterId } });
    // only what the fault itself left: a filter the radiologist edited since is theirs
    if (!filter || filter.query !== u.injectedQuery) return;
    if (u.previousQuery === null) await db.savedFilter.delete({ where: { id: filter.id } });
    else await db.savedFilter.update({ where: { id: filter.id }, data: { query: u.previousQuery } });
  },
});
