'use client';
// "Working in: Demo hospital (shared) ▾": picks the sandbox every console works on. The server checks the choice
// (selectSandbox) and again on every request (currentSandbox), so this list is a convenience, not a permission.
import { useActionState } from 'react';
import { ArrowRightLeft, Boxes, Plus } from 'lucide-react';
import type { ActionResult } from '@/app/_components/ActionForm';
import { createMySandbox, selectSandbox } from './actions';

export interface SwitcherChoice {
  slug: string;
  label: string;
  archiveAe: string;
  ownerName: string | null;
  group: 'demo' | 'own' | 'students';
}

/** "Demo hospital (shared)", "My sandbox (PACS_K7Q2)", a student's "Ada Lovelace (PACS_K7Q2)" */
const optionText = (c: SwitcherChoice) => (c.group === 'demo' ? c.label : c.group === 'students' ? `${c.ownerName ?? c.label} (${c.archiveAe})` : `${c.label} (${c.archiveAe})`);

export function SandboxSwitcher({ choices, current, more }: { choices: SwitcherChoice[]; current: string; more: number }) {
  const [state, action, pending] = useActionState<ActionResult | null, FormData>(selectSandbox, null);
  const students = choices.filter((c) => c.group === 'students');
  const mine = choices.filter((c) => c.group !== 'students');
  return (
    <form action={action} className="flex flex-wrap items-center gap-2" data-testid="sandbox-switcher">
      <label htmlFor="sandbox-select" className="flex items-center gap-1.5 text-sm font-medium text-slate-700">
        <Boxes className="h-4 w-4 text-brand-600" aria-hidden /> Working in
      </label>
      <select
        id="sandbox-select"
        name="slug"
        defaultValue={current}
        key={current}
        className="field w-auto min-w-56 max-w-sm py-1.5"
        data-testid="sandbox-select"
      >
        {mine.map((c) => (
          <option key={c.slug} value={c.slug}>{optionText(c)}</option>
        ))}
        {students.length > 0 && (
          <optgroup label={`Students' sandboxes${more ? ` (newest ${students.length}; ${more} more)` : ''}`}>
            {students.map((c) => (
              <option key={c.slug} value={c.slug}>{optionText(c)}</option>
            ))}
          </optgroup>
        )}
      </select>
      <button type="submit" className="btn-secondary py-1.5" disabled={pending}>
        <ArrowRightLeft className="h-4 w-4" aria-hidden /> {pending ? 'Switching…' : 'Switch'}
      </button>
      {state && (
        <span role={state.ok ? 'status' : 'alert'} className={`text-sm ${state.ok ? 'text-emerald-700' : 'text-red-700'}`} data-testid="sandbox-switcher-result">
          {state.ok ? state.message : state.error}
        </span>
      )}
    </form>
  );
}

/**
 * "Create my sandbox" for a signed-in user who has none. Stays mounted once the sandbox exists (show=false) so the
 * confirmation with the new AE titles remains on screen after the page re-renders without the button.
 */
export function CreateSandbox({ show }: { show: boolean }) {
  const [state, action, pending] = useActionState<ActionResult | null, FormData>(createMySandbox, null);
  if (!show && !state) return null;
  return (
    <form action={action} className="flex flex-wrap items-center gap-2" data-testid="create-sandbox">
      {show && (
        <button type="submit" className="btn-primary py-1.5" disabled={pending}>
          <Plus className="h-4 w-4" aria-hidden /> {pending ? 'Creating…' : 'Create my sandbox'}
        </button>
      )}
      {state && (
        <span role={state.ok ? 'status' : 'alert'} className={`text-sm ${state.ok ? 'text-emerald-700' : 'text-red-700'}`} data-testid="create-sandbox-result">
          {state.ok ? state.message : state.error}
        </span>
      )}
    </form>
  );
}
