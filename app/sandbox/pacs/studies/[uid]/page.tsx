import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ChevronLeft, Eye } from 'lucide-react';
import { getDb } from '@/prisma/db';
import { actionsFor } from '@/sim/archive/studyStatus';
import { transferSyntaxName } from '@/sim/dicom/transferSyntaxes';
import { sopClassName } from '@/sim/dicom/sopClasses';
import { formatBytes, formatDateTime, formatDicomDate, formatDicomTime, formatPersonName } from '@/app/_lib/format';
import { getViewer } from '@/app/_lib/session';
import { studyDetail } from '../../../_lib/pacs';
import { currentSandbox } from '../../../_lib/current';
import { StudyStatusBadge } from '../../StudyStatusBadge';
import { StatusActions } from '../../StatusActions';
import { CorrectionPanel } from './CorrectionPanel';
import { RestorePanel } from '../../RestorePanel';

export const metadata: Metadata = { title: 'Study' };
export const dynamic = 'force-dynamic';

export default async function StudyPage({ params }: { params: Promise<{ uid: string }> }) {
  const { uid } = await params;
  if (!/^[0-9.]{1,64}$/.test(uid)) notFound();
  const sandbox = await currentSandbox();
  if (!sandbox) notFound();
  const [study, viewer] = await Promise.all([studyDetail(sandbox.id, uid), getViewer()]);
  if (!study) notFound();
  const audit = await getDb().auditEvent.findMany({ where: { target: `study:${uid}` }, orderBy: { at: 'desc' }, take: 20 });
  const p = study.patient;
  const fields: [string, string][] = [
    ['Patient', `${formatPersonName(p.patientName)} (${p.patientName})`],
    ['Patient ID', `${p.patientId}${p.issuer ? ` (issuer ${p.issuer})` : ''}`],
    ['Birth date / sex', `${formatDicomDate(p.birthDate) || '–'} / ${p.sex || '–'}`],
    ['Study date', `${formatDicomDate(study.studyDate)} ${formatDicomTime(study.studyTime)}`],
    ['Accession', study.accessionNumber || '(none: this study matches no order)'],
    ['Description', study.studyDescription || '–'],
    ['Referring physician', formatPersonName(study.referringPhysicianName) || '–'],
    ['Study Instance UID', study.studyInstanceUid],
  ];
  return (
    <div className="space-y-5">
      <Link href="/sandbox/pacs" className="inline-flex items-center gap-1 text-sm text-slate-600 hover:text-slate-900"><ChevronLeft className="h-4 w-4" aria-hidden /> All studies</Link>
      <section className="card p-5">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h2 className="text-lg font-semibold">{study.studyDescription || 'Study'} <span className="font-normal text-slate-500">· {formatDicomDate(study.studyDate)}</span></h2>
          <div className="flex items-center gap-3">
            <Link href={`/sandbox/viewer?study=${uid}`} className="btn-secondary px-3 py-1.5"><Eye className="h-4 w-4" aria-hidden /> Open in viewer</Link>
            <StudyStatusBadge status={study.status} />
          </div>
        </div>
        <dl className="mt-4 grid gap-x-8 gap-y-2 text-sm sm:grid-cols-2">
          {fields.map(([k, v]) => (
            <div key={k} className="flex gap-3"><dt className="w-40 shrink-0 text-slate-500">{k}</dt><dd className="min-w-0 break-all font-medium">{v}</dd></div>
          ))}
        </dl>
        <div className="mt-5 border-t border-slate-100 pt-4">
          <StatusActions studyInstanceUid={uid} actions={actionsFor(study.status)} canChange={Boolean(viewer && !viewer.isGuest)} />
        </div>
      </section>

      <RestorePanel sandboxId={sandbox.id} studyInstanceUid={uid} />
      <CorrectionPanel sandboxId={sandbox.id} studyInstanceUid={uid} />

      {study.series.map((s) => {
        const bytes = s.instances.reduce((n, i) => n + i.fileSize, 0n);
        const syntaxes = [...new Set(s.instances.map((i) => transferSyntaxName(i.transferSyntaxUid)))];
        return (
          <section key={s.id} className="card overflow-x-auto" aria-label={`Series ${s.seriesNumber ?? ''}`}>
            <div className="flex flex-wrap items-baseline justify-between gap-2 px-4 pt-4">
              <h3 className="font-semibold">Series {s.seriesNumber ?? '–'} · {s.modality} · {s.seriesDescription || 'no description'}</h3>
              <p className="text-sm text-slate-600">{s.instances.length} image{s.instances.length === 1 ? '' : 's'} · {formatBytes(bytes)} · {syntaxes.join(', ')}</p>
            </div>
            <p className="px-4 pb-2 font-mono text-xs text-slate-500 break-all">{s.seriesInstanceUid}</p>
            <table className="table-dense">
              <thead><tr><th>#</th><th>SOP class</th><th>Transfer syntax</th><th>Size</th><th>From</th><th>Received</th><th>SOP Instance UID</th></tr></thead>
              <tbody>
                {s.instances.slice(0, 200).map((i) => (
                  <tr key={i.id}>
                    <td className="tabular-nums">{i.instanceNumber ?? '–'}</td>
                    <td>{sopClassName(i.sopClassUid)}</td>
                    <td>{transferSyntaxName(i.transferSyntaxUid)}</td>
                    <td className="whitespace-nowrap tabular-nums">{formatBytes(i.fileSize)}</td>
                    <td className="font-mono text-xs">{i.sourceAe}</td>
                    <td className="whitespace-nowrap text-xs">{formatDateTime(i.receivedAt)}</td>
                    <td className="font-mono text-xs break-all">{i.sopInstanceUid}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {s.instances.length > 200 && <p className="px-4 py-2 text-sm text-slate-500">Showing the first 200 of {s.instances.length} images.</p>}
          </section>
        );
      })}

      <section className="card p-4">
        <h3 className="font-semibold">Audit trail</h3>
        <ul className="mt-2 space-y-1 text-sm text-slate-700">
          {audit.map((a) => {
            const d = a.detail as { from?: string; to?: string } | null;
            return <li key={a.id}>{formatDateTime(a.at)} · {a.action.replace('study.', '')} · {d?.from} → {d?.to}{a.reason ? ` · “${a.reason}”` : ''}</li>;
          })}
          {audit.length === 0 && <li className="text-slate-500">No corrections or status changes yet.</li>}
        </ul>
      </section>
    </div>
  );
}
