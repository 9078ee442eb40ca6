'use client';
// The instructor's forms (new cohort, new or edited assignment) and the student's join form: useActionState, and a
// refused form keeps what was typed, with the reason under the field.
import { useActionState, useEffect, useId, useState } from 'react';
import { Plus, Save, Trash2, UserPlus } from 'lucide-react';
import { createAssignmentAction, createCohortAction, deleteAssignmentAction, joinCohortAction, moveStudentAction, removeStudentAction, updateAssignmentAction, type FormResult } from '../actions';

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
/** A fault a drill may inject (content/scenarios/drill.ts): its key, the catalogue title, its scanner, its budget. */
export interface DrillChoice { key: string; title: string; modalityAe: string; minutes: number }
/** What the Scenario select sends for a fault drill (content/scenarios/drillId.ts DRILL_CHOICE). */
const DRILL = 'drill';
/** A student of the cohort's roster, as the Students table shows them. */
export interface RosterEntry { userId: string; name: string; email: string }

/**
 * Who the assignment is for: the whole cohort, or the students ticked (sent as `students`, one field per tick).
 * The labels avoid the word the "Assign" select is found by.
 */
function Audience({ state, roster, audience, setAudience, chosen }: { state: State; roster: RosterEntry[]; audience: string; setAudience: (v: string) => void; chosen: Set<string> }) {
  const id = useId();
  const msgs = state && !state.ok ? state.fields?.students ?? state.fields?.audience : undefined;
  return (
    <fieldset className="space-y-2" aria-describedby={msgs ? `${id}-err` : undefined} data-testid="assignment-audience">
      <legend className="label">For</legend>
      <div className="flex flex-wrap gap-x-5 gap-y-1 text-sm">
        <label className="flex items-center gap-2"><input type="radio" name="audience" value="cohort" checked={audience === 'cohort'} onChange={() => setAudience('cohort')} className="h-4 w-4 accent-slate-700" />The whole cohort</label>
        <label className="flex items-center gap-2"><input type="radio" name="audience" value="chosen" checked={audience === 'chosen'} onChange={() => setAudience('chosen')} className="h-4 w-4 accent-slate-700" />Chosen students</label>
      </div>
      {audience === 'chosen' &&
        (roster.length ? (
          <div className="max-h-48 overflow-y-auto rounded-md border border-slate-200 bg-white p-2" role="group" aria-label="Chosen students" data-testid="assignment-roster">
            <ul className="grid gap-1 sm:grid-cols-2 lg:grid-cols-3">
              {roster.map((r) => (
                <li key={r.userId}>
                  <label className="flex items-start gap-2 text-sm">
                    <input type="checkbox" name="students" value={r.userId} defaultChecked={chosen.has(r.userId)} className="mt-0.5 h-4 w-4 shrink-0 rounded border-slate-300" />
                    <span className="min-w-0"><span className="font-medium">{r.name}</span><span className="block truncate text-xs text-slate-500">{r.email}</span></span>
                  </label>
                </li>
              ))}
            </ul>
          </div>
        ) : (
          <p className="text-sm text-slate-500">No students have joined yet: share the join code, or give it to the whole cohort.</p>
        ))}
      {msgs && <div id={`${id}-err`} className="text-xs text-red-700">{msgs.map((m) => <p key={m}>{m}</p>)}</div>}
    </fieldset>
  );
}

/**
 * A fault drill's faults: the catalogue's, ticked (sent as `faults`, one field per tick). Whether they go together is
 * the server's to say when the form is saved (the sentence appears here). No label here may contain the words the
 * form's other fields are found by (Scenario, Hints, Due…).
 */
function DrillFaults({ state, drills, ticked, setTicked, max }: { state: State; drills: DrillChoice[]; ticked: Set<string>; setTicked: (s: Set<string>) => void; max: number }) {
  const id = useId();
  const msgs = state && !state.ok ? state.fields?.faults : undefined;
  const toggle = (key: string, on: boolean) => {
    const next = new Set(ticked);
    if (on) next.add(key);
    else next.delete(key);
    setTicked(next);
  };
  return (
    <fieldset className="space-y-2" aria-describedby={msgs ? `${id}-note ${id}-err` : `${id}-note`} data-testid="drill-faults">
      <legend className="label">Faults for the drill</legend>
      <p id={`${id}-note`} className="text-xs text-slate-500">
        Tick up to {max}. The student is told only what people would notice, not the cause; each fault is set up as in its written story, on the scanner shown. Faults that cannot run together are refused when you save, with the reason.
      </p>
      <div className="rounded-md border border-slate-200 bg-white p-2" role="group" aria-label="Catalogue faults">
        <ul className="grid gap-1 sm:grid-cols-2">
          {drills.map((d) => (
            <li key={d.key}>
              <label className="flex items-start gap-2 text-sm">
                <input type="checkbox" name="faults" value={d.key} checked={ticked.has(d.key)} onChange={(e) => toggle(d.key, e.target.checked)} className="mt-0.5 h-4 w-4 shrink-0 rounded border-slate-300" />
                <span className="min-w-0">{d.title} <span className="badge ml-1 bg-slate-100 text-slate-600">{d.modalityAe}</span></span>
              </label>
            </li>
          ))}
        </ul>
      </div>
      {msgs && <div id={`${id}-err`} role="alert" className="text-xs text-red-700">{msgs.map((m) => <p key={m}>{m}</p>)}</div>}
    </fieldset>
  );
}

/**
 * A new assignment, or (with `edit`) an existing one: its kind stays, the rest is the same form with the same
 * checks and messages. Dates are shown and typed in the instructor's local time (known only in the browser).
 */
export function AssignmentForm({
  cohortId,
  lessons,
  categories,
  scenarios,
  drills = [],
  drillMaxMinutes = 60,
  roster,
  edit,
}: {
  cohortId: string;
  lessons: { slug: string; title: string }[];
  categories: { id: string; label: string }[];
  scenarios: ScenarioChoice[];
  /** the faults a fault drill may inject; none: no drill option */
  drills?: DrillChoice[];
  drillMaxMinutes?: number;
  roster: RosterEntry[];
  edit?: { id: string; values: Record<string, string>; opensAt: string; dueAt: string };
}) {
  const [state, action, pending] = useActionState<State, FormData>(edit ? updateAssignmentAction : createAssignmentAction, null);
  const v = (k: string, fallback = '') => (state && !state.ok ? state.values?.[k] : undefined) ?? edit?.values[k] ?? fallback;
  const key = state && !state.ok ? JSON.stringify(state.values) : state?.ok ? state.message : 'new';
  const [kind, setKind] = useState(v('kind', 'practice'));
  const [scenario, setScenario] = useState(v('scenario'));
  const [hints, setHints] = useState(v('hints', 'allowed'));
  const [ticked, setTicked] = useState(() => new Set(v('faults').split(',').filter(Boolean)));
  const [audience, setAudience] = useState(v('audience', 'cohort'));
  // ticked: what was sent when refused (none ticked is none), else the edited assignment's
  const chosen = new Set((state && !state.ok ? (state.values?.students ?? '') : (edit?.values.students ?? '')).split(',').filter(Boolean));
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
  // a drill's budget: its faults' scenarios' budgets added up, capped (content/scenarios/drill.ts)
  const drillBudget = drills.filter((d) => ticked.has(d.key)).reduce((sum, d) => sum + d.minutes, 0);
  const budget = scenario === DRILL ? (drillBudget ? Math.min(drillMaxMinutes, drillBudget) : undefined) : scenarios.find((x) => x.id === scenario)?.minutes;
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
                  {drills.length > 0 && <option value={DRILL}>Fault drill: choose the faults…</option>}
                </select>
              )}
            </Field>
            <Field state={state} name="hints" label="Hints">
              {(a) => (
                <select id={a.id} name="hints" value={hints} onChange={(e) => setHints(e.target.value)} className="field" aria-invalid={a.invalid} aria-describedby={a.describedBy}>
                  <option value="allowed">Allowed</option>
                  <option value="cost">Allowed, each one costs points</option>
                  <option value="none">No hints</option>
                </select>
              )}
            </Field>
            {hints === 'cost' && (
              <Field state={state} name="hintCost" label="Points per hint (of 100)">
                {(a) => <input id={a.id} name="hintCost" inputMode="numeric" defaultValue={v('hintCost')} className="field" aria-invalid={a.invalid} aria-describedby={a.describedBy} maxLength={3} placeholder="10" />}
              </Field>
            )}
            <Field state={state} name="minutes" label="Time budget (minutes)">
              {(a) => <input id={a.id} name="minutes" inputMode="numeric" defaultValue={v('minutes')} className="field" aria-invalid={a.invalid} aria-describedby={a.describedBy} maxLength={3} placeholder={budget ? `${budget} (the ${scenario === DRILL ? 'drill' : 'scenario'}’s)` : 'the scenario’s'} />}
            </Field>
          </>
        )}
      </div>
      {kind === 'scenario' && scenario === DRILL && <DrillFaults state={state} drills={drills} ticked={ticked} setTicked={setTicked} max={3} />}
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <Field state={state} name="opensAt" label="Opens">{(a) => <input id={a.id} type="datetime-local" name="opensAt" defaultValue={v('opensAt', dates.opens)} className="field" aria-invalid={a.invalid} aria-describedby={a.describedBy} />}</Field>
        <Field state={state} name="dueAt" label="Due">{(a) => <input id={a.id} type="datetime-local" name="dueAt" defaultValue={v('dueAt', dates.due)} className="field" aria-invalid={a.invalid} aria-describedby={a.describedBy} />}</Field>
        <Field state={state} name="title" label="Title (optional)" className="sm:col-span-2">{(a) => <input id={a.id} name="title" defaultValue={v('title')} className="field" aria-invalid={a.invalid} aria-describedby={a.describedBy} maxLength={90} placeholder="Named from what is assigned" />}</Field>
      </div>
      <Audience state={state} roster={roster} audience={audience} setAudience={setAudience} chosen={chosen} />
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

/** A small form on one button (the cohort page's Remove, Move, Delete): a refusal is said in words beside it. */
function RowAction({ action, hidden, label, children, confirm, testId, className = '' }: { action: (prev: State, form: FormData) => Promise<FormResult>; hidden: Record<string, string>; label: React.ReactNode; children?: React.ReactNode; confirm?: string; testId?: string; className?: string }) {
  const [state, formAction, pending] = useActionState<State, FormData>(action, null);
  return (
    <form action={formAction} className={`flex flex-wrap items-center gap-1 ${className}`} data-testid={testId} onSubmit={confirm ? (e) => { if (!window.confirm(confirm)) e.preventDefault(); } : undefined}>
      {Object.entries(hidden).map(([k, val]) => <input key={k} type="hidden" name={k} value={val} />)}
      {children}
      {label}
      {state && !state.ok && <p role="alert" className="basis-full max-w-56 text-xs text-red-700" data-testid={testId ? `${testId}-error` : undefined}>{state.error}</p>}
      {pending && <span className="sr-only" role="status">Working…</span>}
    </form>
  );
}

export function RemoveStudentButton({ cohortId, userId, name }: { cohortId: string; userId: string; name: string }) {
  return (
    <RowAction action={removeStudentAction} hidden={{ cohortId, userId }} testId="remove-student" confirm={`Remove ${name} from this cohort? Their own results are kept.`} label={<button type="submit" className="btn-ghost text-xs text-red-700" aria-label={`Remove ${name}`}>Remove</button>} />
  );
}

export function MoveStudentForm({ cohortId, userId, name, others }: { cohortId: string; userId: string; name: string; others: { id: string; name: string }[] }) {
  return (
    <RowAction action={moveStudentAction} hidden={{ cohortId, userId }} testId="move-student" label={<button type="submit" className="btn-ghost text-xs">Move</button>}>
      <select name="to" className="field w-36 py-0.5 text-xs" aria-label={`Move ${name} to`} title={`Move ${name} to another of your cohorts`}>
        {others.map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
      </select>
    </RowAction>
  );
}

export function DeleteAssignmentButton({ cohortId, assignmentId, title }: { cohortId: string; assignmentId: string; title: string }) {
  return (
    <RowAction action={deleteAssignmentAction} hidden={{ cohortId, assignmentId }} testId="delete-assignment" label={<button type="submit" className="btn-ghost text-xs text-red-700" aria-label={`Delete ${title}`}><Trash2 className="h-3.5 w-3.5" aria-hidden />Delete</button>} />
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
