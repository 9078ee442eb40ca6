'use client';
// A form bound to one server action (the scanner consoles', the scenarios'): disables itself while the action runs,
// then says what happened in the action's words (success in green, the exact failure in red, fields marked).
import { useActionState } from 'react';

/** What such an action answers. */
export type ActionResult = { ok: true; message: string } | { ok: false; error: string; fields?: Record<string, string[]> };

type Action = (prev: ActionResult | null, form: FormData) => Promise<ActionResult>;

export function ActionForm({
  action,
  hidden,
  submit,
  submitClass = 'btn-primary',
  pendingLabel,
  children,
  className = '',
  testId,
  confirm,
}: {
  action: Action;
  hidden: Record<string, string>;
  submit: React.ReactNode;
  submitClass?: string;
  pendingLabel?: string;
  children?: React.ReactNode;
  className?: string;
  testId?: string;
  confirm?: string;
}) {
  const [state, formAction, pending] = useActionState<ActionResult | null, FormData>(action, null);
  return (
    <form
      action={formAction}
      className={className}
      data-testid={testId}
      onSubmit={confirm ? (e) => { if (!window.confirm(confirm)) e.preventDefault(); } : undefined}
    >
      {Object.entries(hidden).map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />)}
      {children}
      <button className={submitClass} disabled={pending} type="submit">{pending && pendingLabel ? pendingLabel : submit}</button>
      {state && (
        <div role={state.ok ? 'status' : 'alert'} className={`basis-full text-sm ${state.ok ? 'text-emerald-700' : 'text-red-700'}`} data-testid={testId ? `${testId}-result` : undefined}>
          {state.ok ? state.message : state.error}
          {!state.ok && state.fields && (
            <ul className="mt-1 list-disc pl-5">
              {Object.entries(state.fields).map(([k, v]) => <li key={k}>{v.join(' ')}</li>)}
            </ul>
          )}
        </div>
      )}
    </form>
  );
}
