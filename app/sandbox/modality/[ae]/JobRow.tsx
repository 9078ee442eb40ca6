// One send job as the console's queue shows it: target, progress bar, status, the exact failure, commitment, and
// Retry / Delete. Server component; the buttons are small forms bound to the console's actions.
import { AlertTriangle, CheckCircle2, Loader2, ShieldCheck } from 'lucide-react';
import { formatDateTime } from '@/app/_lib/format';
import type { sendQueue } from '../../_lib/modality';
import { percent } from '../../_lib/modality';
import { ActionForm } from '@/app/_components/ActionForm';
import { deleteJob, retryJob } from './actions';

type Job = Omit<Awaited<ReturnType<typeof sendQueue>>[number], 'acquisition' | 'items'> & {
  acquisition?: Awaited<ReturnType<typeof sendQueue>>[number]['acquisition'];
  items?: Awaited<ReturnType<typeof sendQueue>>[number]['items'];
};

const statusStyle: Record<string, string> = {
  queued: 'bg-slate-100 text-slate-700 ring-slate-200',
  sending: 'bg-sky-50 text-sky-800 ring-sky-200',
  done: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  failed: 'bg-red-50 text-red-800 ring-red-200',
};

const commitText: Record<string, string> = {
  none: 'not requested',
  requested: 'requested, waiting for the report',
  committed: 'every image committed',
  partial: 'some images not committed',
  failed: 'refused',
};

export function JobStatusBadge({ status }: { status: string }) {
  return <span className={`badge ring-1 ${statusStyle[status] ?? statusStyle.queued}`}>{status}</span>;
}

export function JobRow({ job, ae, showExam = false }: { job: Job; ae: string; showExam?: boolean }) {
  const pct = percent(job);
  const active = job.status === 'queued' || job.status === 'sending';
  return (
    <li className="p-4" data-testid="send-job" data-status={job.status} data-target={job.target}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="min-w-0">
          <p className="flex items-center gap-2 text-sm font-medium">
            {active ? <Loader2 className="h-4 w-4 animate-spin text-sky-600" aria-hidden /> : job.status === 'done' ? <CheckCircle2 className="h-4 w-4 text-emerald-600" aria-hidden /> : <AlertTriangle className="h-4 w-4 text-red-600" aria-hidden />}
            <span className="font-mono">{job.target || 'destination removed'}</span>
            <JobStatusBadge status={job.status} />
          </p>
          {showExam && job.acquisition && (
            <p className="mt-0.5 text-xs text-slate-500">
              {job.acquisition.patientName.replaceAll('^', ', ')} · <span className="font-mono">{job.acquisition.patientId}</span>
              {job.acquisition.accessionNumber ? <> · accession <span className="font-mono">{job.acquisition.accessionNumber}</span></> : ' · no accession (registered by hand)'}
            </p>
          )}
        </div>
        <div className="flex gap-2">
          {!active && job.sent < job.total && (
            <ActionForm action={retryJob} hidden={{ ae, jobId: job.id }} submit="Retry" submitClass="btn-secondary px-3 py-1" pendingLabel="Retrying…" className="flex flex-wrap gap-1" testId="retry-job" />
          )}
          {!active && (
            <ActionForm action={deleteJob} hidden={{ ae, jobId: job.id }} submit="Delete job" submitClass="btn-ghost px-3 py-1" className="flex flex-wrap gap-1" confirm="Delete this send job? The images stay on the scanner." />
          )}
        </div>
      </div>
      <div className="mt-2 flex items-center gap-3">
        <div className="h-2 flex-1 overflow-hidden rounded-full bg-slate-100" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label={`Sent to ${job.target}`}>
          <div className={`h-full rounded-full ${job.status === 'failed' ? 'bg-red-500' : 'bg-brand-600'}`} style={{ width: `${pct}%` }} />
        </div>
        <span className="w-40 text-right text-xs tabular-nums text-slate-600" data-testid="job-progress">{pct} % · {job.sent}/{job.total} sent{job.failed ? ` · ${job.failed} failed` : ''}</span>
      </div>
      {job.error && (
        <p role="alert" className="mt-2 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="job-error">
          {job.error}
        </p>
      )}
      {job.items && job.items.length > 0 && (
        <details className="mt-2 text-xs text-slate-600">
          <summary className="cursor-pointer">Failed images ({job.failed})</summary>
          <ul className="mt-1 space-y-0.5 font-mono">
            {job.items.map((i) => (
              <li key={i.id}>series {i.image.seriesNumber} image {i.image.instanceNumber}: {i.message || (i.dimseStatus != null ? `status 0x${i.dimseStatus.toString(16).toUpperCase().padStart(4, '0')}` : 'no response')}</li>
            ))}
          </ul>
        </details>
      )}
      <p className="mt-2 flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-slate-500">
        <span className="inline-flex items-center gap-1" data-testid="job-commit" data-commit={job.commitStatus}>
          <ShieldCheck className="h-3.5 w-3.5" aria-hidden /> Storage commitment: {commitText[job.commitStatus] ?? job.commitStatus}{job.commitError ? ` (${job.commitError})` : ''}
        </span>
        <span>attempts {job.attempts}</span>
        <span>queued {formatDateTime(job.createdAt)}</span>
        {job.finishedAt && <span>finished {formatDateTime(job.finishedAt)}</span>}
      </p>
    </li>
  );
}
