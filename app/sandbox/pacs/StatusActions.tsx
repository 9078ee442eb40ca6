'use client';
import { useActionState } from 'react';
import { changeStudyStatus, type StatusResult } from './actions';

export function StatusActions({ studyInstanceUid, actions, canChange }: { studyInstanceUid: string; actions: { action: string; label: string }[]; canChange: boolean }) {
  const [state, formAction, pending] = useActionState<StatusResult | null, FormData>(changeStudyStatus, null);
  if (!canChange) return <p className="text-sm text-slate-500">Sign in to change the study status.</p>;
  if (!actions.length) return <p className="text-sm text-slate-500">No status change is possible from here.</p>;
  return (
    <form action={formAction} className="flex flex-wrap items-end gap-2">
      <input type="hidden" name="studyInstanceUid" value={studyInstanceUid} />
      <label className="min-w-56 flex-1">
        <span className="label">Reason (kept in the audit log)</span>
        <input name="reason" className="field" maxLength={500} placeholder="e.g. wrong patient suspected, checking with the technologist" />
      </label>
      {actions.map((a) => (
        <button key={a.action} name="action" value={a.action} className={a.action === 'hold' ? 'btn-secondary' : 'btn-primary'} disabled={pending}>
          {a.label}
        </button>
      ))}
      {state && !state.ok && <p role="alert" className="w-full text-sm text-red-700">{state.error}</p>}
      {state?.ok && <p className="w-full text-sm text-emerald-700">Status is now {state.status}.</p>}
    </form>
  );
}
