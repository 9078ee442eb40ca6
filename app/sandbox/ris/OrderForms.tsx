'use client';
import { useActionState, useId } from 'react';
import { CalendarClock, Plus, XCircle } from 'lucide-react';
import { cancelOrderAction, placeOrder, rescheduleOrderAction, type OrderResult } from './actions';

type State = OrderResult | null;

function fieldError(state: State, name: string) {
  return state && !state.ok ? state.fields?.[name]?.[0] : undefined;
}

function FieldError({ state, name, id }: { state: State; name: string; id: string }) {
  const msg = fieldError(state, name);
  return msg ? <p id={id} className="mt-1 text-xs text-red-700">{msg}</p> : null;
}

/** One labelled field with its error under it; keeps what was typed when the server says no. */
function Field({ state, name, label, hint, className = '', children }: { state: State; name: string; label: string; hint?: string; className?: string; children: (a: { id: string; invalid: boolean; describedBy?: string }) => React.ReactNode }) {
  const id = useId();
  const invalid = Boolean(fieldError(state, name));
  return (
    <div className={className}>
      <label htmlFor={id} className="label">{label}</label>
      {children({ id, invalid, describedBy: invalid ? `${id}-err` : hint ? `${id}-hint` : undefined })}
      {hint && !invalid && <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">{hint}</p>}
      <FieldError state={state} name={name} id={`${id}-err`} />
    </div>
  );
}

const PRIORITIES = ['ROUTINE', 'HIGH', 'STAT', 'MEDIUM', 'LOW'];

export function NewOrderForm({ stations, modalities, defaultDate }: { stations: { aeTitle: string; description: string }[]; modalities: readonly string[]; defaultDate: string }) {
  const [state, action, pending] = useActionState<State, FormData>(placeOrder, null);
  const v = (k: string, fallback = '') => (state && !state.ok ? state.values?.[k] : undefined) ?? fallback;
  // after a success the form is reset by React; a failure keys the form to the submitted values so they stay
  const key = state && !state.ok ? JSON.stringify(state.values) : state?.ok ? state.accessionNumber : 'new';
  return (
    <form key={key} action={action} aria-label="New order" className="space-y-4" noValidate>
      <fieldset className="grid grid-cols-2 gap-3 md:grid-cols-4 lg:grid-cols-6">
        <legend className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">Patient</legend>
        <Field state={state} name="patientId" label="MRN (patient ID)">{(a) => <input id={a.id} name="patientId" defaultValue={v('patientId')} className="field font-mono" aria-invalid={a.invalid} aria-describedby={a.describedBy} maxLength={64} placeholder="MRN104210" />}</Field>
        <Field state={state} name="familyName" label="Family name">{(a) => <input id={a.id} name="familyName" defaultValue={v('familyName')} className="field uppercase" aria-invalid={a.invalid} aria-describedby={a.describedBy} maxLength={30} placeholder="DOE" />}</Field>
        <Field state={state} name="givenName" label="Given name" hint="Sent to the scanner as FAMILY^GIVEN">{(a) => <input id={a.id} name="givenName" defaultValue={v('givenName')} className="field uppercase" aria-invalid={a.invalid} aria-describedby={a.describedBy} maxLength={30} placeholder="JANE" />}</Field>
        <Field state={state} name="birthDate" label="Birth date">{(a) => <input id={a.id} type="date" name="birthDate" defaultValue={v('birthDate')} className="field" aria-invalid={a.invalid} aria-describedby={a.describedBy} />}</Field>
        <Field state={state} name="sex" label="Sex">
          {(a) => (
            <select id={a.id} name="sex" defaultValue={v('sex')} className="field" aria-invalid={a.invalid} aria-describedby={a.describedBy}>
              <option value="">Unknown</option><option value="F">F (female)</option><option value="M">M (male)</option><option value="O">O (other)</option>
            </select>
          )}
        </Field>
      </fieldset>
      <fieldset className="grid grid-cols-2 gap-3 md:grid-cols-4 lg:grid-cols-6">
        <legend className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">Procedure</legend>
        <Field state={state} name="procedure" label="Requested procedure" className="col-span-2">{(a) => <input id={a.id} name="procedure" defaultValue={v('procedure')} className="field uppercase" aria-invalid={a.invalid} aria-describedby={a.describedBy} maxLength={64} placeholder="CT HEAD WITHOUT CONTRAST" />}</Field>
        <Field state={state} name="modality" label="Modality">
          {(a) => (
            <select id={a.id} name="modality" defaultValue={v('modality', 'CT')} className="field" aria-invalid={a.invalid} aria-describedby={a.describedBy}>
              {modalities.map((m) => <option key={m}>{m}</option>)}
            </select>
          )}
        </Field>
        <Field state={state} name="station" label="Scheduled station AE">
          {(a) => (
            <select id={a.id} name="station" defaultValue={v('station', stations[0]?.aeTitle)} className="field font-mono" aria-invalid={a.invalid} aria-describedby={a.describedBy}>
              {stations.map((s) => <option key={s.aeTitle} value={s.aeTitle}>{s.aeTitle}</option>)}
            </select>
          )}
        </Field>
        <Field state={state} name="date" label="Date">{(a) => <input id={a.id} type="date" name="date" defaultValue={v('date', defaultDate)} className="field" aria-invalid={a.invalid} aria-describedby={a.describedBy} />}</Field>
        <Field state={state} name="time" label="Time">{(a) => <input id={a.id} type="time" name="time" defaultValue={v('time', '12:00')} className="field" aria-invalid={a.invalid} aria-describedby={a.describedBy} />}</Field>
        <Field state={state} name="referring" label="Referring physician" hint="FAMILY^GIVEN, or “Brooks, Elaine”" className="col-span-2">{(a) => <input id={a.id} name="referring" defaultValue={v('referring')} className="field" aria-invalid={a.invalid} aria-describedby={a.describedBy} maxLength={64} placeholder="BROOKS^ELAINE" />}</Field>
        <Field state={state} name="reason" label="Reason for the procedure" className="col-span-2 lg:col-span-3">{(a) => <input id={a.id} name="reason" defaultValue={v('reason')} className="field" aria-invalid={a.invalid} aria-describedby={a.describedBy} maxLength={64} placeholder="Headache after fall" />}</Field>
        <Field state={state} name="priority" label="Priority">
          {(a) => (
            <select id={a.id} name="priority" defaultValue={v('priority', 'ROUTINE')} className="field" aria-invalid={a.invalid} aria-describedby={a.describedBy}>
              {PRIORITIES.map((p) => <option key={p}>{p}</option>)}
            </select>
          )}
        </Field>
      </fieldset>
      <div className="flex flex-wrap items-center gap-3">
        <button className="btn-primary" disabled={pending}><Plus className="h-4 w-4" aria-hidden /> {pending ? 'Placing…' : 'Place order'}</button>
        {state && (
          <p role={state.ok ? 'status' : 'alert'} className={`text-sm ${state.ok ? 'text-emerald-700' : 'text-red-700'}`} data-testid="new-order-result">
            {state.ok ? state.message : state.error}
          </p>
        )}
      </div>
    </form>
  );
}

export interface RowOrder { accessionNumber: string; status: string; date: string; time: string; station: string; patient: string }

/** Cancel and Reschedule for one order, each behind a disclosure so the table stays dense. */
export function OrderRowActions({ order, stations, allowCancel = true }: { order: RowOrder; stations: string[]; allowCancel?: boolean }) {
  const [cState, cancel, cPending] = useActionState<State, FormData>(cancelOrderAction, null);
  const [rState, move, rPending] = useActionState<State, FormData>(rescheduleOrderAction, null);
  const canCancel = allowCancel && (order.status === 'scheduled' || order.status === 'discontinued');
  const canMove = order.status !== 'in-progress' && order.status !== 'completed' && order.status !== 'reported';
  const cv = (k: string, f = '') => (cState && !cState.ok ? cState.values?.[k] : undefined) ?? f;
  const rv = (k: string, f = '') => (rState && !rState.ok ? rState.values?.[k] : undefined) ?? f;
  if (!canCancel && !canMove) return <span className="text-xs text-slate-400">no changes once {order.status === 'reported' ? 'reported' : order.status === 'completed' ? 'performed' : 'started'}</span>;
  return (
    <div className="flex flex-col items-start gap-1">
      {canCancel && (
        <details className="group" open={Boolean(cState && !cState.ok)}>
          <summary className="inline-flex cursor-pointer list-none items-center gap-1 rounded px-1.5 py-0.5 text-xs font-medium text-red-700 hover:bg-red-50">
            <XCircle className="h-3.5 w-3.5" aria-hidden /> Cancel
          </summary>
          <form key={JSON.stringify(cState)} action={cancel} aria-label={`Cancel order ${order.accessionNumber}`} className="mt-1 w-60 space-y-2 rounded-md border border-slate-200 bg-white p-2 shadow-sm">
            <input type="hidden" name="accessionNumber" value={order.accessionNumber} />
            <label className="block">
              <span className="label text-xs">Reason for cancelling</span>
              <input name="reason" defaultValue={cv('reason')} className="field py-1" maxLength={500} placeholder="e.g. patient declined" aria-invalid={Boolean(fieldError(cState, 'reason'))} />
            </label>
            {cState && !cState.ok && <p role="alert" className="text-xs text-red-700">{cState.error}</p>}
            <button className="btn-secondary w-full py-1 text-red-700" disabled={cPending}>Cancel order {order.accessionNumber}</button>
          </form>
        </details>
      )}
      {canMove && (
        <details open={Boolean(rState && !rState.ok)}>
          <summary className="inline-flex cursor-pointer list-none items-center gap-1 rounded px-1.5 py-0.5 text-xs font-medium text-brand-700 hover:bg-brand-50">
            <CalendarClock className="h-3.5 w-3.5" aria-hidden /> {order.status === 'scheduled' ? 'Reschedule' : 'Put back on worklist'}
          </summary>
          <form key={JSON.stringify(rState)} action={move} aria-label={`Reschedule order ${order.accessionNumber}`} className="mt-1 grid w-60 grid-cols-2 gap-2 rounded-md border border-slate-200 bg-white p-2 shadow-sm">
            <input type="hidden" name="accessionNumber" value={order.accessionNumber} />
            <label className="col-span-2"><span className="label text-xs">Date</span><input type="date" name="date" defaultValue={rv('date', order.date)} className="field py-1" aria-invalid={Boolean(fieldError(rState, 'date'))} /></label>
            {fieldError(rState, 'date') && <p className="col-span-2 -mt-1 text-xs text-red-700">{fieldError(rState, 'date')}</p>}
            <label><span className="label text-xs">Time</span><input type="time" name="time" defaultValue={rv('time', order.time)} className="field py-1" /></label>
            <label><span className="label text-xs">Station</span>
              <select name="station" defaultValue={rv('station', order.station)} className="field py-1 font-mono">{stations.map((s) => <option key={s}>{s}</option>)}</select>
            </label>
            {(fieldError(rState, 'time') || fieldError(rState, 'station')) && <p className="col-span-2 text-xs text-red-700">{fieldError(rState, 'time') ?? fieldError(rState, 'station')}</p>}
            <label className="col-span-2"><span className="label text-xs">Reason (optional)</span><input name="reason" defaultValue={rv('reason')} className="field py-1" maxLength={500} /></label>
            {rState && !rState.ok && <p role="alert" className="col-span-2 text-xs text-red-700">{rState.error}</p>}
            <button className="btn-secondary col-span-2 py-1" disabled={rPending}>Move order</button>
          </form>
        </details>
      )}
      {(cState?.ok || rState?.ok) && <p role="status" className="text-xs text-emerald-700">{(cState?.ok ? cState : rState as { message: string }).message}</p>}
    </div>
  );
}
