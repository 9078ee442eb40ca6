// A tier job (sim/archive/tierJobs.ts) as the Storage tab and the study page show it: while it runs, a progress
// bar (studies n/N, images n/N, percentage) that refreshes the page every 700 ms; once it ended badly, what
// happened in words. Server component; the refresh is AutoRefresh.
import { AlertTriangle, Loader2 } from 'lucide-react';
import { formatDateTime } from '@/app/_lib/format';
import { isActive, jobPercent, type TierJobRow } from '@/sim/archive/tierJobs';
import { AutoRefresh } from '@/app/_components/AutoRefresh';

type Job = Pick<TierJobRow, 'kind' | 'status' | 'studiesDone' | 'studiesTotal' | 'instancesDone' | 'instancesTotal' | 'error' | 'createdAt' | 'finishedAt'>;

export function TierJobProgress({ job, label }: { job: Job | null; label: string }) {
  if (!job) return null;
  if (isActive(job)) {
    const pct = jobPercent(job);
    return (
      <div className="mt-3 rounded-md border border-sky-200 bg-sky-50/60 p-3" data-testid="tier-job" data-status={job.status}>
        <AutoRefresh active ms={700} />
        <p className="flex items-center gap-2 text-sm font-medium text-sky-900">
          <Loader2 className="h-4 w-4 animate-spin" aria-hidden /> {job.status === 'queued' ? `${label}: starting…` : `${label}…`}
        </p>
        <div className="mt-2 flex items-center gap-3">
          <div className="h-2 flex-1 overflow-hidden rounded-full bg-white ring-1 ring-sky-100" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label={label}>
            <div className="h-full rounded-full bg-brand-600 transition-[width] duration-500" style={{ width: `${pct}%` }} />
          </div>
          <span className="w-12 text-right text-xs font-medium tabular-nums text-slate-700" data-testid="tier-job-percent">{pct} %</span>
        </div>
        <p className="mt-1 text-xs tabular-nums text-slate-600" data-testid="tier-job-progress">
          studies {job.studiesDone}/{job.studiesTotal} · images {job.instancesDone}/{job.instancesTotal} · started {formatDateTime(job.createdAt)}
        </p>
      </div>
    );
  }
  if (job.status === 'failed' || job.status === 'interrupted') {
    return (
      <div role="alert" className="mt-3 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="tier-job" data-status={job.status}>
        <p className="flex items-center gap-2 font-medium">
          <AlertTriangle className="h-4 w-4 shrink-0" aria-hidden />
          {label} {job.status === 'failed' ? 'failed' : 'was interrupted'}{job.finishedAt ? ` (${formatDateTime(job.finishedAt)})` : ''} after {job.studiesDone} of {job.studiesTotal} stud{job.studiesTotal === 1 ? 'y' : 'ies'}, {job.instancesDone} of {job.instancesTotal} images
        </p>
        <p className="mt-1 text-xs">{job.error}</p>
      </div>
    );
  }
  return null;
}
