'use client';
// A form bound to one scenario action (the scanner console's ConsoleForm pattern): disables itself while the
// action runs, then says what happened (success in green, the failure in red).
import { useActionState } from 'react';
import type { ScenarioResult } from './actions';

type Action = (prev: ScenarioResult | null, form: FormData) => Promise<ScenarioResult>;

export function ScenarioForm({ action, hidden, submit, submitClass = 'btn-primary', pendingLabel, className = '', testId, confirm }: {
  action: Action;
  hidden: Record<string, string>;
  submit: React.ReactNode;
  submitClass?: string;
  pendingLabel?: string;
  className?: string;
  testId?: string;
  confirm?: string;
}) {
  const [state, formAction, pending] = useActionState<ScenarioResult | null, FormData>(action, null);
  return (
    <form action={formAction} className={className} data-testid={testId} onSubmit={confirm ? (e) => { if (!window.confirm(confirm)) e.preventDefault(); } : undefined}>
      {Object.entries(hidden).map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />)}
      <button className={submitClass} disabled={pending} type="submit">{pending && pendingLabel ? pendingLabel : submit}</button>
      {state && (
        <div role={state.ok ? 'status' : 'alert'} className={`basis-full text-sm ${state.ok ? 'text-emerald-700' : 'text-red-700'}`} data-testid={testId ? `${testId}-result` : undefined}>
          {state.ok ? state.message : state.error}
        </div>
      )}
    </form>
  );
}
