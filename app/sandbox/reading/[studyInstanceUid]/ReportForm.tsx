'use client';
import { useActionState } from 'react';
import { FileSignature, Save } from 'lucide-react';
import { reportAction, type ReportResult } from '../actions';

type State = ReportResult | null;

/** Findings and impression with Save draft and Sign; keeps what was typed when the server says no. */
export function ReportForm({ studyInstanceUid, findings, impression, blocked }: { studyInstanceUid: string; findings: string; impression: string; blocked?: string }) {
  const [state, action, pending] = useActionState<State, FormData>(reportAction, null);
  const v = (k: 'findings' | 'impression', fallback: string) => (state && !state.ok ? state.values?.[k] : undefined) ?? fallback;
  const err = (k: string) => (state && !state.ok ? state.fields?.[k]?.[0] : undefined);
  const key = state && !state.ok ? JSON.stringify(state.values) : state?.ok ? state.message : 'report';
  return (
    <form key={key} action={action} aria-label="Report" className="space-y-4" noValidate>
      <input type="hidden" name="studyInstanceUid" value={studyInstanceUid} />
      <div>
        <label htmlFor="findings" className="label">Findings</label>
        <textarea id="findings" name="findings" rows={8} defaultValue={v('findings', findings)} className="field font-mono text-sm" maxLength={8000} aria-invalid={Boolean(err('findings'))} placeholder="What the images show, organ by organ." />
        {err('findings') && <p className="mt-1 text-xs text-red-700">{err('findings')}</p>}
      </div>
      <div>
        <label htmlFor="impression" className="label">Impression</label>
        <textarea id="impression" name="impression" rows={3} defaultValue={v('impression', impression)} className="field font-mono text-sm" maxLength={2000} aria-invalid={Boolean(err('impression'))} aria-describedby="impression-hint" placeholder="The conclusion the referring physician reads first." />
        {err('impression') ? <p className="mt-1 text-xs text-red-700">{err('impression')}</p> : <p id="impression-hint" className="mt-1 text-xs text-slate-500">Required to sign.</p>}
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <button className="btn-secondary" name="intent" value="draft" disabled={pending}><Save className="h-4 w-4" aria-hidden /> Save draft</button>
        <button className="btn-primary" name="intent" value="sign" disabled={pending}><FileSignature className="h-4 w-4" aria-hidden /> Sign</button>
        <span className="text-xs text-slate-500">Signing makes the report final (no edits after; addenda are not part of this lab), marks the study read, completes the order and sends an ORU^R01.</span>
      </div>
      {blocked && <p className="text-sm text-amber-800">{blocked}</p>}
      {state && !state.ok && <p role="alert" className="text-sm text-red-700">{state.error}</p>}
      {state?.ok && <p role="status" className="text-sm text-emerald-700">{state.message}</p>}
    </form>
  );
}
