import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AlertTriangle, ExternalLink, HardDrive } from 'lucide-react';
import { formatDateTime, formatDicomDate, formatPersonName } from '@/app/_lib/format';
import { DISCONTINUATION_REASONS } from '@/sim/modality/mpps';
import { MppsBadge } from '../../../../ris/Badges';
import { anyJobActive, destinationLabel, examDetail, requireScanner } from '../../../../_lib/modality';
import { AutoRefresh } from '@/app/_components/AutoRefresh';
import { ActionForm } from '@/app/_components/ActionForm';
import { JobRow } from '../../JobRow';
import { completeExam, discontinueExam, purgeExam, sendExam } from '../../actions';

export const metadata: Metadata = { title: 'Exam' };
export const dynamic = 'force-dynamic';

const THUMBS_PER_SERIES = 8;

export default async function ExamPage({ params }: { params: Promise<{ ae: string; id: string }> }) {
  const { ae, id } = await params;
  const ctx = await requireScanner(ae);
  const detail = await examDetail(ctx.sandbox.id, ae, id);
  if (!detail) notFound();
  const { exam, series, committedImages } = detail;
  const active = await anyJobActive(ctx.sandbox.id, ae);
  const archives = ctx.destinations.filter((d) => d.role === 'archive');
  const open = exam.mppsStatus === 'IN PROGRESS' || exam.mppsStatus === 'none';
  const sentSomewhere = exam.sendJobs.some((j) => j.status === 'done');
  const fields: [string, React.ReactNode][] = [
    ['Patient', <>{formatPersonName(exam.patientName)} <span className="font-mono text-xs text-slate-500">({exam.patientName})</span></>],
    ['Patient ID', <span className="font-mono">{exam.patientId}</span>],
    ['Born / sex', `${formatDicomDate(exam.patientBirthDate) || '–'} / ${exam.patientSex || '–'}`],
    ['Accession', exam.accessionNumber ? <span className="font-mono">{exam.accessionNumber}</span> : <span className="text-amber-700">none: registered by hand, not linked to an order</span>],
    ['Study', exam.studyDescription || '–'],
    ['Study Instance UID', <span className="break-all font-mono text-xs">{exam.studyInstanceUid}</span>],
    ['Protocol', exam.protocolId],
    ['Acquired', formatDateTime(exam.createdAt)],
  ];

  return (
    <div className="space-y-5">
      <AutoRefresh active={active} />
      <Link href={`/sandbox/modality/${ae}/exams`} className="text-sm text-brand-700 hover:underline">← Exams on {ae}</Link>
      <div className="grid items-start gap-5 lg:grid-cols-3">
        <section className="card p-4 lg:col-span-2" aria-labelledby="exam-heading">
          <div className="flex flex-wrap items-center justify-between gap-2">
            <h2 id="exam-heading" className="text-lg font-semibold">{formatPersonName(exam.patientName)}</h2>
            <span className="flex items-center gap-2 text-sm" data-testid="exam-mpps" data-status={exam.mppsStatus}>MPPS <MppsBadge status={exam.mppsStatus === 'none' ? undefined : exam.mppsStatus} /></span>
          </div>
          <dl className="mt-3 grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-2">
            {fields.map(([k, v]) => (
              <div key={k}><dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{k}</dt><dd>{v}</dd></div>
            ))}
          </dl>
          {exam.manual && (
            <p className="mt-3 flex gap-2 rounded-md border border-amber-200 bg-amber-50 p-2 text-sm text-amber-900"><AlertTriangle className="mt-0.5 h-4 w-4 shrink-0" aria-hidden /> Registered by hand: the PACS cannot match this study to an order by accession number.</p>
          )}
          {exam.mppsError && (
            <p role="alert" className="mt-3 rounded-md border border-red-200 bg-red-50 p-2 text-sm text-red-800" data-testid="mpps-error">MPPS: {exam.mppsError}</p>
          )}
          {exam.discontinuedReason && (
            <p className="mt-3 text-sm text-slate-600">Discontinued: {DISCONTINUATION_REASONS.find((r) => r.code === exam.discontinuedReason)?.meaning ?? exam.discontinuedReason}</p>
          )}
        </section>

        <section className="card space-y-4 p-4" aria-label="Exam actions">
          {open ? (
            <>
              <div>
                <h3 className="font-semibold">End the exam</h3>
                <p className="text-sm text-slate-600">Reports MPPS COMPLETED with the {exam.imageCount} images to the RIS, then sends them to the default destination{archives.filter((d) => d.isDefault).length === 1 ? '' : 's'}.</p>
                <ActionForm action={completeExam} hidden={{ ae, id: exam.id }} submit="End exam and send" pendingLabel="Ending…" className="mt-2 flex flex-wrap gap-2" testId="end-exam" />
              </div>
              <div>
                <h3 className="font-semibold">Stop the exam</h3>
                <ActionForm action={discontinueExam} hidden={{ ae, id: exam.id }} submit="Discontinue" submitClass="btn-secondary" className="mt-2 flex flex-wrap items-end gap-2" testId="discontinue-exam">
                  <label className="min-w-0 flex-1"><span className="label">Reason (CID 9300)</span>
                    <select name="reason" className="field" defaultValue="">
                      <option value="" disabled>Choose…</option>
                      {DISCONTINUATION_REASONS.map((r) => <option key={r.code} value={r.code}>{r.meaning}</option>)}
                    </select>
                  </label>
                </ActionForm>
              </div>
            </>
          ) : (
            <p className="text-sm text-slate-600">The exam is {exam.mppsStatus.toLowerCase()}.</p>
          )}
          <div>
            <h3 className="font-semibold">Send to</h3>
            <ActionForm action={sendExam} hidden={{ ae, id: exam.id }} submit="Send" submitClass="btn-secondary" className="mt-2 flex flex-wrap items-end gap-2" testId="send-exam">
              <fieldset className="basis-full space-y-1 text-sm">
                <legend className="sr-only">Destinations</legend>
                {archives.map((d) => (
                  <label key={d.id} className="flex items-center gap-2"><input type="checkbox" name="destinationId" value={d.id} defaultChecked={d.isDefault} className="h-4 w-4 rounded border-slate-300" /> {d.name} <span className="font-mono text-xs text-slate-500">{destinationLabel(d)}</span></label>
                ))}
                {archives.length === 0 && <p className="text-slate-500">No archive configured: add one on the <Link className="underline" href={`/sandbox/modality/${ae}/network`}>Network</Link> tab.</p>}
              </fieldset>
            </ActionForm>
          </div>
          <div>
            <h3 className="flex items-center gap-1.5 font-semibold"><HardDrive className="h-4 w-4 text-slate-500" aria-hidden /> Local copy</h3>
            <p className="text-sm text-slate-600" data-testid="committed-count">
              {exam.purgedAt ? `Purged ${formatDateTime(exam.purgedAt)}.` : `${committedImages.size} of ${exam.imageCount} image${exam.imageCount === 1 ? '' : 's'} committed by an archive.`} Only committed images may be deleted from the scanner (IHE storage commitment).
            </p>
            {!exam.purgedAt && <ActionForm action={purgeExam} hidden={{ ae, id: exam.id }} submit="Purge committed images" submitClass="btn-ghost px-3 py-1" className="mt-2 flex flex-wrap gap-2" testId="purge-exam" />}
          </div>
          {sentSomewhere && (
            <Link href={`/sandbox/pacs/studies/${exam.studyInstanceUid}`} className="inline-flex items-center gap-1 text-sm font-medium text-brand-700 hover:underline">Open the study in the PACS console <ExternalLink className="h-3.5 w-3.5" aria-hidden /></Link>
          )}
        </section>
      </div>

      {exam.sendJobs.length > 0 && (
        <section className="card" aria-labelledby="jobs-heading">
          <h2 id="jobs-heading" className="px-4 pt-4 font-semibold">Sends of this exam</h2>
          <ul className="divide-y divide-slate-100">{exam.sendJobs.map((j) => <JobRow key={j.id} job={j} ae={ae} />)}</ul>
        </section>
      )}

      <section className="space-y-4" aria-label="Images">
        {series.map((s) => (
          <div key={s.seriesInstanceUid} className="card p-4" data-testid="acquired-series">
            <h2 className="text-sm font-semibold">Series {s.seriesNumber}: {s.seriesDescription || 'unnamed'} <span className="font-normal text-slate-500">· {s.images.length} image{s.images.length === 1 ? '' : 's'}</span></h2>
            <ul className="mt-3 grid grid-cols-4 gap-2 sm:grid-cols-6 lg:grid-cols-8">
              {pickEvenly(s.images, THUMBS_PER_SERIES).map((img) => (
                <li key={img.id} className="overflow-hidden rounded-md bg-black">
                  {exam.purgedAt ? (
                    <div className="flex aspect-square items-center justify-center text-xs text-slate-400">purged</div>
                  ) : (
                    // eslint-disable-next-line @next/next/no-img-element
                    <img src={`/sandbox/modality/${ae}/image/${img.id}`} alt={`Series ${s.seriesNumber} image ${img.instanceNumber}`} width={128} height={128} loading="lazy" className="aspect-square w-full object-contain" />
                  )}
                  <p className="bg-slate-900 px-1 py-0.5 text-center font-mono text-[10px] text-slate-300">#{img.instanceNumber}{committedImages.has(img.id) ? ' ✓' : ''}</p>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </section>
    </div>
  );
}

function pickEvenly<T>(xs: T[], n: number): T[] {
  if (xs.length <= n) return xs;
  return Array.from({ length: n }, (_, i) => xs[Math.round((i * (xs.length - 1)) / (n - 1))]);
}
