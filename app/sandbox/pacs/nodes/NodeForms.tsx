'use client';
import { useActionState } from 'react';
import { Trash2 } from 'lucide-react';
import { deleteNode, saveNode, type NodeResult } from './actions';

export interface NodeRow { id: string; aeTitle: string; role: string; host: string; port: number; description: string }

function FieldError({ state, name }: { state: NodeResult | null; name: string }) {
  const msg = state && !state.ok ? state.fields?.[name]?.[0] : undefined;
  return msg ? <p className="mt-1 text-xs text-red-700">{msg}</p> : null;
}

export function NodeForm({ node }: { node?: NodeRow }) {
  const [state, action, pending] = useActionState<NodeResult | null, FormData>(saveNode, null);
  const id = node?.id ?? 'new';
  const v = (key: keyof NodeRow, fallback?: string | number) => (state && !state.ok ? state.values?.[key] : undefined) ?? node?.[key] ?? fallback;
  return (
    <form action={action} className="grid grid-cols-2 items-start gap-2 sm:grid-cols-[9rem_9rem_1fr_6rem_1fr_auto]" aria-label={node ? `Edit ${node.aeTitle}` : 'Add a node'}>
      {node && <input type="hidden" name="id" value={node.id} />}
      <label><span className="sr-only">AE title</span><input name="aeTitle" defaultValue={v('aeTitle')} placeholder="AE title" className="field font-mono uppercase" maxLength={16} aria-invalid={Boolean(state && !state.ok && state.fields?.aeTitle)} id={`ae-${id}`} /><FieldError state={state} name="aeTitle" /></label>
      <label><span className="sr-only">Role</span>
        <select name="role" defaultValue={v('role', 'modality')} className="field"><option value="modality">Modality</option><option value="workstation">Workstation</option></select>
      </label>
      <label><span className="sr-only">Host</span><input name="host" defaultValue={v('host', '127.0.0.1')} placeholder="host" className="field font-mono" /><FieldError state={state} name="host" /></label>
      <label><span className="sr-only">Port</span><input name="port" defaultValue={v('port', 104)} inputMode="numeric" placeholder="port" className="field font-mono" /><FieldError state={state} name="port" /></label>
      <label><span className="sr-only">Description</span><input name="description" defaultValue={v('description')} placeholder="description" className="field" /></label>
      <button className={node ? 'btn-secondary' : 'btn-primary'} disabled={pending}>{node ? 'Save' : 'Add node'}</button>
      {state && <p role={state.ok ? 'status' : 'alert'} className={`col-span-full text-sm ${state.ok ? 'text-emerald-700' : 'text-red-700'}`}>{state.ok ? state.message : state.error}</p>}
    </form>
  );
}

export function DeleteNode({ node }: { node: NodeRow }) {
  const [state, action, pending] = useActionState<NodeResult | null, FormData>(deleteNode, null);
  return (
    <form action={action} onSubmit={(e) => { if (!confirm(`Remove ${node.aeTitle}? Devices using this AE title will be rejected.`)) e.preventDefault(); }}>
      <input type="hidden" name="id" value={node.id} />
      <button className="btn-ghost px-2 text-red-700" disabled={pending} aria-label={`Remove ${node.aeTitle}`}><Trash2 className="h-4 w-4" aria-hidden /></button>
      {state && !state.ok && <p role="alert" className="text-xs text-red-700">{state.error}</p>}
    </form>
  );
}
