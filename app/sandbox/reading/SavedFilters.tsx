'use client';
import { useActionState } from 'react';
import Link from 'next/link';
import { Bookmark, Trash2 } from 'lucide-react';
import { deleteFilterAction, saveFilterAction, type FilterResult } from './actions';

type State = FilterResult | null;

function DeleteFilter({ id, name }: { id: string; name: string }) {
  const [state, action, pending] = useActionState<State, FormData>(deleteFilterAction, null);
  return (
    <form action={action} className="inline">
      <input type="hidden" name="id" value={id} />
      <button className="rounded p-0.5 text-slate-400 hover:bg-red-50 hover:text-red-700" aria-label={`Delete filter ${name}`} disabled={pending}><Trash2 className="h-3.5 w-3.5" aria-hidden /></button>
      {state && !state.ok && <span role="alert" className="ml-1 text-xs text-red-700">{state.error}</span>}
    </form>
  );
}

/** The signed-in user's saved filters as links, and "Save this filter" for the current one. */
export function SavedFilters({ filters, query }: { filters: { id: string; name: string; query: string }[]; query: string }) {
  const [state, action, pending] = useActionState<State, FormData>(saveFilterAction, null);
  const key = state && !state.ok ? `e${state.values?.name}` : state?.ok ? state.message : 'save';
  return (
    <section className="card flex flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3 text-sm" aria-label="Saved filters">
      <span className="inline-flex items-center gap-1 font-medium text-slate-700"><Bookmark className="h-4 w-4" aria-hidden /> Saved filters</span>
      <ul className="flex flex-wrap items-center gap-2" data-testid="saved-filters">
        {filters.map((f) => (
          <li key={f.id} className="inline-flex items-center gap-1 rounded-full bg-slate-50 py-0.5 pl-3 pr-1 ring-1 ring-slate-200">
            <Link href={f.query ? `/sandbox/reading?${f.query}` : '/sandbox/reading'} className="text-brand-700 hover:underline">{f.name}</Link>
            <DeleteFilter id={f.id} name={f.name} />
          </li>
        ))}
        {filters.length === 0 && <li className="text-slate-500">none yet</li>}
      </ul>
      <form key={key} action={action} className="ml-auto flex items-center gap-2" aria-label="Save this filter">
        <input type="hidden" name="query" value={query} />
        <label htmlFor="filter-name" className="sr-only">Filter name</label>
        <input id="filter-name" name="name" defaultValue={state && !state.ok ? state.values?.name : ''} className="field w-44" maxLength={40} placeholder="e.g. STAT CT today" />
        <button className="btn-secondary whitespace-nowrap" disabled={pending}>Save this filter</button>
      </form>
      {state && <p role={state.ok ? 'status' : 'alert'} className={`w-full text-xs ${state.ok ? 'text-emerald-700' : 'text-red-700'}`}>{state.ok ? state.message : state.error}</p>}
    </section>
  );
}
