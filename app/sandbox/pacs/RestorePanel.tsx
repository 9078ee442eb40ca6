// The study page's storage line: which tier the study's images are on, whether any is lossy, and "Restore to
// short-term" (sim/archive/tiers.ts restoreStudy: lossless copies are decoded back; a lossy copy cannot give its
// original back, and is removed only once the original has been sent again). The restore runs as a background job
// (sim/archive/tierJobs.ts) whose progress shows here while it runs.
import { Archive, RotateCcw } from 'lucide-react';
import { getDb } from '@/prisma/db';
import { getViewer } from '@/app/_lib/session';
import { formatBytes, formatDateTime } from '@/app/_lib/format';
import { isActive, latestTierJob, restoreResultOf } from '@/sim/archive/tierJobs';
import { TierJobProgress } from './storage/TierJobProgress';
import { ActionForm } from '@/app/_components/ActionForm';
import { mayAdminister } from '../_lib/sandboxAdmin';
import { restoreStudyAction } from './storageActions';

export async function RestorePanel({ sandboxId, studyInstanceUid }: { sandboxId: string; studyInstanceUid: string }) {
  const db = getDb();
  const [instances, viewer, job] = await Promise.all([
    db.instance.findMany({ where: { sandboxId, series: { study: { sandboxId, studyInstanceUid } } }, select: { tier: true, lossy: true, originalSopInstanceUid: true, fileSize: true, originalFileSize: true } }),
    getViewer(),
    latestTierJob(db, sandboxId, { kind: 'restore', target: studyInstanceUid }),
  ]);
  const running = isActive(job);
  const last = job ? restoreResultOf(job) : null;
  const long = instances.filter((i) => i.tier === 'long').length;
  const lossy = instances.filter((i) => i.lossy).length;
  const replaced = instances.filter((i) => i.originalSopInstanceUid).length;
  if (!instances.length) return null;
  const canAdmin = await mayAdminister(db, viewer, sandboxId);
  const bytes = instances.reduce((a, i) => a + Number(i.fileSize), 0);
  const orig = instances.reduce((a, i) => a + Number(i.originalFileSize ?? i.fileSize), 0);
  return (
    <section className="card flex flex-wrap items-start gap-x-8 gap-y-3 p-4" aria-label="Storage tier" data-testid="restore-panel">
      <div className="flex min-w-64 flex-1 items-start gap-3">
        <Archive className="mt-0.5 h-5 w-5 shrink-0 text-slate-500" aria-hidden />
        <div className="text-sm">
          <p className="font-medium">{long || replaced ? `${long} of ${instances.length} image${instances.length === 1 ? '' : 's'} on the long-term tier · ${formatBytes(bytes)} stored, ${formatBytes(orig)} as received` : `All ${instances.length} image${instances.length === 1 ? '' : 's'} on the short-term tier, as received (${formatBytes(bytes)})`}</p>
          {!long && !replaced ? null : lossy ? (
            <p className="mt-0.5 text-xs text-amber-900">{lossy} image{lossy === 1 ? ' is' : 's are'} lossy compressed copies (new SOP Instance UIDs, Lossy Image Compression 01): the archive cannot give the originals back. Send the originals again from the modality, then restore to remove the lossy copies.</p>
          ) : <p className="mt-0.5 text-xs text-slate-600">Lossless: restoring decodes the images back to the syntax they were received in.</p>}
          {last && job ? <p className="mt-1 text-xs text-slate-600" data-testid="restore-last">Last restore ({formatDateTime(job.finishedAt ?? job.createdAt)}): {last.message}</p> : null}
          <TierJobProgress job={job} label="Restoring to the short-term tier" />
        </div>
      </div>
      {running ? null : canAdmin ? (
        <ActionForm action={restoreStudyAction} hidden={{ studyInstanceUid }} className="ml-auto flex max-w-md flex-wrap items-center justify-end gap-2" testId="restore-study" submitClass="btn-secondary"
          submit={<><RotateCcw className="h-4 w-4" aria-hidden /> Restore to short-term</>} pendingLabel="Restoring…" />
      ) : <p className="ml-auto max-w-xs text-xs text-slate-500">Restoring needs an instructor, your own sandbox or a running fault scenario.</p>}
    </section>
  );
}
