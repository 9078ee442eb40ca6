'use client';
// The instructor's forms (new cohort, new or edited assignment) and the student's join form: useActionState, and a
// refused form keeps what was typed, with the reason under the field.
import { useActionState, useEffect, useId, useState } from 'react';
import { Plus, Save, UserPlus } from 'lucide-react';
import { createAssignmentAction, createCohortAction, joinCohortAction, updateAssignmentAction, type FormResult } from '../actions';

type State = FormResult | null;

function Field({ state, name, label, className = '', children }: { state: State; name: string; label: string; className?: string; children: (a: { id: string; invalid: boolean; describedBy?: string }) => React.ReactNode }) {
  const id = useId();
  const msg = state && !state.ok ? state.fields?.[name]?.[0] : undefined;
  return (
    <div className={className}>
      <label htmlFor={id} className="label">{label}</label>
      {children({ id, invalid: Boolean(msg), describedBy: msg ? `${id}-err` : undefined })}
      {msg && <p id={`${id}-err`} className="mt-1 text-xs text-red-700">{msg}</p>}
    </div>
  );
}

function Outcome({ state }: { state: State }) {
  if (!state) return null;
  return state.ok ? (
    <p role="status" className="text-sm text-emerald-700">{state.message}</p>
  ) : (
    <p role="alert" className="text-sm text-red-700">{state.error}</p>
  );
}

export function NewCohortForm() {
  const [state, action, pending] = useActionState<State, FormData>(createCohortAction, null);
  const v = (k: string) => (state && !state.ok ? state.values?.[k] : undefined) ?? '';
  const key = state && !state.ok ? JSON.stringify(state.values) : state?.ok ? state.message : 'new';
  return (
    <form key={key} action={action} aria-label="New cohort" className="grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end" noValidate>
      <Field state={state} name="name" label="Cohort name">{(a) => <input id={a.id} name="name" defaultValue={v('name')} className="field" aria-invalid={a.invalid} aria-describedby={a.describedBy} maxLength={80} placeholder="RAD 210 Section A" />}</Field>
      <Field state={state} name="term" label="Term">{(a) => <input id={a.id} name="term" defaultValue={v('term')} className="field" aria-invalid={a.invalid} aria-describedby={a.describedBy} maxLength={40} placeholder="Spring 2027" />}</Field>
      <button type="submit" className="btn-primary" disabled={pending}><Plus className="h-4 w-4" aria-hidden />Create cohort</button>
      <div className="sm:col-span-3"><Outcome state={state} /></div>
    </form>
  );
}

const local = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

const KIND_LABEL: Record<string, string> = { practice: 'Practice set', lesson: 'Lesson', mock: 'Mock exam', scenario: 'Fault scenario' };

export interface ScenarioChoice { id: string; title: string; minutes: number }

/**
 * A new assignment, or (with `edit`) an existing one: its kind stays, the rest is the same form with the same
 * checks and messages. Dates are shown and typed in the instructor's local time (known only in the browser).
 */
export function AssignmentForm({
  cohortId,
  lessons,
  categories,
  scenarios,
  edit,
}: {
  cohortId: string;
  lessons: { slug: string; title: string }[];
  categories: { id: string; label: string }[];
  scenarios: ScenarioChoice[];
  edit?: { id: string; values: Record<string, string>; opensAt: string; dueAt: string };
}) {
  const [state, action, pending] = useActionState<State, FormData>(edit ? updateAssignmentAction : createAssignmentAction, null);
  const v = (k: string, fallback = '') => (state && !state.ok ? state.values?.[k] : undefined) ?? edit?.values[k] ?? fallback;
  const key = state && !state.ok ? JSON.stringify(state.values) : state?.ok ? state.message : 'new';
  const [kind, setKind] = useState(v('kind', 'practice'));
  const [scenario, setScenario] = useState(v('scenario'));
  const [dates, setDates] = useState<{ opens: string; due: string; tz: number } | null>(null);
  useEffect(() => {
    const now = new Date();
    now.setSeconds(0, 0);
    if (edit) {
      setDates({ opens: local(new Date(edit.opensAt)), due: local(new Date(edit.dueAt)), tz: now.getTimezoneOffset() });
      return;
    }
    const due = new Date(now.getTime() + 7 * 86_400_000);
    due.setHours(23, 59);
    setDates({ opens: local(now), due: local(due), tz: now.getTimezoneOffset() });
  }, [edit]);
  if (!dates) return <p className="text-sm text-slate-500">Loading the form…</p>;
  const budget = scenarios.find((x) => x.id === scenario)?.minutes;
  const name = edit ? 'Edit assignment' : 'New assignment';
  return (
    <form key={key} action={action} aria-label={name} className="space-y-3" noValidate data-testid={edit ? 'edit-assignment' : 'new-assignment'}>
      <input type="hidden" name="cohortId" value={cohortId} />
      {edit && <input type="hidden" name="assignmentId" value={edit.id} />}
      <input type="hidden" name="tzOffset" value={dates.tz} />
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        {edit ? (
          <div>
            <p className="label">Assign</p>
            <p className="py-1.5 text-sm font-medium text-slate-800">{KIND_LABEL[kind] ?? kind}</p>
          </div>
        ) : (
          <Field state={state} name="kind" label="Assign">
            {(a) => (
              <select id={a.id} name="kind" value={kind} onChange={(e) => setKind(e.target.value)} className="field" aria-invalid={a.invalid}>
                <option value="practice">Practice set</option>
                <option value="lesson">Lesson</option>
                <option value="mock">Mock exam</option>
                <option value="scenario">Fault scenario</option>
              </select>
            )}
          </Field>
        )}
        {(kind === 'lesson' || kind === 'practice') && (
          <Field state={state} name="lesson" label={kind === 'lesson' ? 'Lesson' : 'From lesson (optional)'}>
            {(a) => (
              <select id={a.id} name="lesson" defaultValue={v('lesson')} className="field" aria-invalid={a.invalid} aria-describedby={a.describedBy}>
                <option value="">{kind === 'lesson' ? 'Choose a lesson' : 'Any lesson'}</option>
                {lessons.map((l) => <option key={l.slug} value={l.slug}>{l.title}</option>)}
              </select>
            )}
          </Field>
        )}
        {kind === 'practice' && (
          <>
            <Field state={state} name="category" label="ARRT category">
              {(a) => (
                <select id={a.id} name="category" defaultValue={v('category')} className="field" aria-invalid={a.invalid} aria-describedby={a.describedBy}>
                  <option value="">All categories</option>
                  {categories.map((c) => <option key={c.id} value={c.id}>{c.label}</option>)}
                </select>
              )}
            </Field>
            <Field state={state} name="size" label="Items">
              {(a) => (
                <select id={a.id} name="size" defaultValue={v('size', '10')} className="field" aria-invalid={a.invalid} aria-describedby={a.describedBy}>
                  {[10, 20, 30, 50].map((n) => <option key={n}>{n}</option>)}
                </select>
              )}
            </Field>
          </>
        )}
        {kind === 'mock' && (
          <Field state={state} name="mockSize" label="Mock exam length">
            {(a) => (
              <select id={a.id} name="mockSize" defaultValue={v('mockSize', '20')} className="field" aria-invalid={a.invalid} aria-describedby={a.describedBy}>
                <option value="20">20 items</option>
                <option value="50">50 items</option>
              </select>
            )}
          </Field>
        )}
        {kind === 'scenario' && (
          <>
            <Field state={state} name="scenario" label="Scenario">
              {(a) => (
                <select id={a.id} name="scenario" value={scenario} onChange={(e) => setScenario(e.target.value)} className="field" aria-invalid={a.invalid} aria-describedby={a.describedBy}>
                  <option value="">Choose a scenario</option>
                  {scenarios.map((x) => <option key={x.id} value={x.id}>{x.title}</option>)}
                </select>
              )}
            </Field>
            <Field state={state} name="hints" label="Hints">
              {(a) => (
                <select id={a.id} name="hints" defaultValue={v('hints', 'allowed')} className="field" aria-invalid={a.invalid} aria-describedby={a.describedBy}>
                  <option value="allowed">Allowed</option>
                  <option value="cost">Allowed, each one counts against</option>
                  <option value="none">No hints</option>
                </select>
              )}
            </Field>
            <Field state={state} name="minutes" label="Time budget (minutes)">
              {(a) => <input id={a.id} name="minutes" inputMode="numeric" defaultValue={v('minutes')} className="field" aria-invalid={a.invalid} aria-describedby={a.describedBy} maxLength={3} placeholder={budget ? `${budget} (the scenario’s)` : 'the scenario’s'} />}
            </Field>
          </>
        )}
      </div>
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <Field state={state} name="opensAt" label="Opens">{(a) => <input id={a.id} type="datetime-local" name="opensAt" defaultValue={v('opensAt', dates.opens)} className="field" aria-invalid={a.invalid} aria-describedby={a.describedBy} />}</Field>
        <Field state={state} name="dueAt" label="Due">{(a) => <input id={a.id} type="datetime-local" name="dueAt" defaultValue={v('dueAt', dates.due)} className="field" aria-invalid={a.invalid} aria-describedby={a.describedBy} />}</Field>
        <Field state={state} name="title" label="Title (optional)" className="sm:col-span-2">{(a) => <input id={a.id} name="title" defaultValue={v('title')} className="field" aria-invalid={a.invalid} aria-describedby={a.describedBy} maxLength={90} placeholder="Named from what is assigned" />}</Field>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        {edit ? (
          <button type="submit" className="btn-primary" disabled={pending}><Save className="h-4 w-4" aria-hidden />Save changes</button>
        ) : (
          <button type="submit" className="btn-primary" disabled={pending}><Plus className="h-4 w-4" aria-hidden />Assign</button>
        )}
        <Outcome state={state} />
      </div>
    </form>
  );
}

export function JoinForm({ code }: { code: string }) {
  const [state, action, pending] = useActionState<State, FormData>(joinCohortAction, null);
  return (
    <form action={action} aria-label="Join cohort" className="space-y-3">
      <input type="hidden" name="code" value={code} />
      <button type="submit" className="btn-primary" disabled={pending}><UserPlus className="h-4 w-4" aria-hidden />Join this cohort</button>
      <Outcome state={state} />
    </form>
  );
}
