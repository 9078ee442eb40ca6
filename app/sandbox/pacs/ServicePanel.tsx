// The archive service of the current sandbox, as a PACS administrator's console shows it: running or stopped
// (since when, why), with Stop and Start. A stopped archive rejects every association to its AE title
// (A-ASSOCIATE-RJ, transient, temporary congestion: PS3.8 9.3.4) while the RIS keeps answering.
import { Power, PowerOff, Server } from 'lucide-react';
import { getDb } from '@/prisma/db';
import { getViewer } from '@/app/_lib/session';
import { ActionForm } from '@/app/_components/ActionForm';
import { archiveServiceState } from '@/sim/archive/archiveService';
import { mayAdminister } from '../_lib/sandboxAdmin';
import { startArchiveService, stopArchiveService } from './serviceActions';

function since(d: Date): string {
  const mins = Math.floor((Date.now() - d.getTime()) / 60_000);
  const at = d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
  return mins < 1 ? `${at} (less than a minute ago)` : mins < 120 ? `${at} (${mins} min ago)` : at;
}

export async function ServicePanel({ sandboxId, archiveAe }: { sandboxId: string; archiveAe: string }) {
  const db = getDb();
  const [state, viewer] = await Promise.all([archiveServiceState(db, sandboxId), getViewer()]);
  const canAdmin = await mayAdminister(db, viewer, sandboxId);
  return (
    <section className="card flex flex-wrap items-start gap-x-8 gap-y-3 p-4" aria-label="Archive service" data-testid="service-panel">
      <div className="flex min-w-64 flex-1 items-start gap-3">
        <Server className="mt-0.5 h-5 w-5 shrink-0 text-slate-500" aria-hidden />
        <div>
          <div className="flex items-center gap-2 text-sm">
            <span className="font-medium">Archive service ({archiveAe})</span>
            {state.running ? (
              <span className="badge bg-emerald-50 text-emerald-800 ring-1 ring-emerald-200" data-testid="service-status">running</span>
            ) : (
              <span className="badge bg-red-50 text-red-800 ring-1 ring-red-200" data-testid="service-status">stopped</span>
            )}
          </div>
          <p className="mt-0.5 text-xs text-slate-600">
            {state.running
              ? 'Accepting associations: storage, query/retrieve, storage commitment.'
              : <>Stopped since {since(state.stoppedAt!)}{state.stoppedReason ? <> — {state.stoppedReason}</> : null}. Every association to {archiveAe} is rejected (transient, temporary congestion); the worklist keeps working.</>}
          </p>
        </div>
      </div>
      {canAdmin ? (
        state.running ? (
          <ActionForm action={stopArchiveService} hidden={{}} className="ml-auto flex max-w-md flex-wrap items-center justify-end gap-2" testId="service-stop" submitClass="btn-secondary"
            submit={<><PowerOff className="h-4 w-4" aria-hidden /> Stop</>} pendingLabel="Stopping…"
            confirm={`Stop the archive service? Scanners sending to ${archiveAe} will be rejected until you start it again.`}>
            <label className="w-52"><span className="sr-only">Reason</span><input name="reason" maxLength={200} className="field" placeholder="Reason (e.g. maintenance)" /></label>
          </ActionForm>
        ) : (
          <ActionForm action={startArchiveService} hidden={{}} className="ml-auto flex max-w-md flex-wrap items-center justify-end gap-2" testId="service-start"
            submit={<><Power className="h-4 w-4" aria-hidden /> Start</>} pendingLabel="Starting…" />
        )
      ) : (
        <p className="ml-auto max-w-xs text-xs text-slate-500">Stopping or starting the service needs an instructor, your own sandbox or a running fault scenario.</p>
      )}
    </section>
  );
}
