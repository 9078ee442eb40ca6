import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AlertTriangle, ChevronLeft } from 'lucide-react';
import { getDb } from '@/prisma/db';
import { notReadableReason } from '@/sim/ris/reports';
import { formatDateTime, formatDicomDate, formatDicomTime, formatPersonName } from '@/app/_lib/format';
import { hasRole } from '@/app/_lib/roles';
import { getViewer } from '@/app/_lib/session';
import { currentSandbox } from '../../_lib/current';
import { OrderStatusBadge, PriorityBadge, ReportBadge } from '../../ris/Badges';
import { StudyStatusBadge } from '../../pacs/StudyStatusBadge';
import { ReportForm } from './ReportForm';

export const metadata: Metadata = { title: 'Report' };
export const dynamic = 'force-dynamic';

const delivery: Record<string, [string, string]> = {
  pending: ['sending…', 'text-slate-600'],
  AA: ['delivered: the receiving system accepted it (AA)', 'text-emerald-700'],
  AE: ['not applied by the receiving system (AE)', 'text-red-700'],
  AR: ['rejected by the receiving system (AR)', 'text-red-700'],
  failed: ['not delivered', 'text-red-700'],
  'not-sent': ['not sent', 'text-amber-800'],
};

export default async function ReportPage({ params }: { params: Promise<{ studyInstanceUid: string }> }) {
  const { studyInstanceUid: uid } = await params;
  if (!/^[0-9.]{1,64}$/.test(uid)) notFound();
  const sandbox = await currentSandbox();
  if (!sandbox) notFound();
  const db = getDb();
  const [study, viewer] = await Promise.all([
    db.study.findUnique({ where: { sandboxId_studyInstanceUid: { sandboxId: sandbox.id, studyInstanceUid: uid } }, include: { patient: true, series: { select: { modality: true, _count: { select: { instances: true } } } } } }),
    getViewer(),
  ]);
  if (!study) notFound();
  const [order, report] = await Promise.all([
    study.accessionNumber ? db.order.findUnique({ where: { sandboxId_accessionNumber: { sandboxId: sandbox.id, accessionNumber: study.accessionNumber } } }) : null,
    db.report.findUnique({ where: { sandboxId_studyInstanceUid: { sandboxId: sandbox.id, studyInstanceUid: uid } } }),
  ]);
  const canWrite = Boolean(viewer && !viewer.isGuest && hasRole(viewer.role, 'instructor'));
  const p = study.patient;
  const modalities = [...new Set(study.series.map((s) => s.modality).filter(Boolean))].sort();
  const images = study.series.reduce((n, s) => n + s._count.instances, 0);
  const fields: [string, React.ReactNode][] = [
    ['Patient', `${formatPersonName(order?.patientName || p.patientName) || '(no name)'}`],
    ['Patient ID', order?.patientId || p.patientId],
    ['Birth date / sex', `${formatDicomDate(order?.patientBirthDate || p.birthDate) || '–'} / ${(order?.patientSex || p.sex) || '–'}`],
    ['Procedure', order?.requestedProcedureDescription || study.studyDescription || '–'],
    ['Priority', order ? <PriorityBadge priority={order.priority} /> : '–'],
    ['Reason', order?.reason || '–'],
    ['Referring physician', formatPersonName(order?.referringPhysicianName || study.referringPhysicianName) || '–'],
    ['Study date', `${formatDicomDate(study.studyDate)} ${formatDicomTime(study.studyTime)}`],
    ['Accession', study.accessionNumber || '(none)'],
    ['Images', `${images} · ${modalities.join(', ') || '–'}`],
  ];
  const blocked = study.status === 'verified' || report?.status === 'final' ? undefined : notReadableReason(study.status);
  const d = report ? delivery[report.deliveryStatus] : undefined;

  return (
    <div className="space-y-5">
      <Link href="/sandbox/reading" className="inline-flex items-center gap-1 text-sm text-slate-600 hover:text-slate-900"><ChevronLeft className="h-4 w-4" aria-hidden /> Reading worklist</Link>
      <section className="card p-5" aria-label="Study">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h2 className="text-lg font-semibold">{order?.requestedProcedureDescription || study.studyDescription || 'Study'} <span className="font-normal text-slate-500">· {formatDicomDate(study.studyDate)}</span></h2>
          <div className="flex items-center gap-2">
            <StudyStatusBadge status={study.status} />
            {order && <OrderStatusBadge status={order.status} />}
          </div>
        </div>
        {!order && (
          <p className="mt-3 flex items-start gap-1 text-sm text-amber-800"><AlertTriangle className="mt-0.5 h-4 w-4 shrink-0" aria-hidden /> No order matches this study&apos;s accession number: the report will not complete an order, and the ORU carries the archive&apos;s demographics.</p>
        )}
        <dl className="mt-4 grid gap-x-8 gap-y-2 text-sm sm:grid-cols-2">
          {fields.map(([k, v]) => (
            <div key={k} className="flex gap-3"><dt className="w-40 shrink-0 text-slate-500">{k}</dt><dd className="min-w-0 break-words font-medium">{v}</dd></div>
          ))}
        </dl>
        <p className="mt-3 text-xs text-slate-500"><Link href={`/sandbox/viewer?study=${uid}`} className="font-medium text-brand-700 hover:underline">Open in viewer</Link> to read the images, or <Link href={`/sandbox/pacs/studies/${uid}`} className="text-brand-700 hover:underline">open the study in the PACS console</Link> to verify it or check its images.</p>
      </section>

      <section className="card p-5" aria-label="Report">
        <div className="mb-4 flex flex-wrap items-center justify-between gap-2">
          <h3 className="font-semibold">Report</h3>
          <span data-testid="report-status"><ReportBadge status={report?.status} /></span>
        </div>
        {report?.status === 'final' ? (
          <div className="space-y-4">
            <div><p className="label">Findings</p><p className="whitespace-pre-wrap text-sm" data-testid="report-findings">{report.findings || '–'}</p></div>
            <div><p className="label">Impression</p><p className="whitespace-pre-wrap text-sm font-medium" data-testid="report-impression">{report.impression}</p></div>
            <p className="text-sm text-slate-600">Signed by {formatPersonName(report.signedByName) || 'unknown'}{report.signedAt ? ` on ${formatDateTime(report.signedAt)}` : ''}. A final report cannot be edited; addenda are not part of this lab.</p>
            <p className="text-sm" data-testid="report-delivery">
              Result message (ORU^R01): <span className={`font-medium ${d?.[1] ?? ''}`}>{d?.[0] ?? report.deliveryStatus}</span>
              {report.deliveryError && <span className="block text-slate-600">{report.deliveryError}</span>}
            </p>
          </div>
        ) : canWrite ? (
          <>
            {report && <p className="mb-3 text-xs text-slate-500">Draft by {formatPersonName(report.authorName)}, last saved {formatDateTime(report.updatedAt)}.</p>}
            <ReportForm studyInstanceUid={uid} findings={report?.findings ?? ''} impression={report?.impression ?? ''} blocked={blocked} />
          </>
        ) : (
          <div className="space-y-3 text-sm">
            {report ? (
              <>
                <div><p className="label">Findings (draft)</p><p className="whitespace-pre-wrap">{report.findings || '–'}</p></div>
                <div><p className="label">Impression (draft)</p><p className="whitespace-pre-wrap">{report.impression || '–'}</p></div>
              </>
            ) : <p className="text-slate-600">No report yet.</p>}
            <p className="text-slate-500">{viewer && !viewer.isGuest ? 'Reports are written by the radiologist: in this demo, an instructor or admin account.' : 'Sign in as an instructor or admin to write the report.'}</p>
          </div>
        )}
      </section>
    </div>
  );
}
