import type { Metadata } from 'next';
import Link from 'next/link';
import { AlertTriangle, CheckCircle2, FlaskConical, Lightbulb, Radio } from 'lucide-react';
import { pageRequiresRole } from '@/app/_lib/guards';
import { getDb } from '@/prisma/db';
import { ActionForm } from '@/app/_components/ActionForm';
import { AutoRefresh } from '@/app/_components/AutoRefresh';
import { Timer } from '@/app/sandbox/scenarios/Timer';
import { listFaults } from '@/sim/faults/engine';
import { orPage } from '../../../_lib/access';
import { liveLab, type LabCheck, type LabRow } from '../../../_lib/liveLab';
import { faultAction, injectAction } from './actions';

export const metadata: Metadata = { title: 'Live lab' };
export const dynamic = 'force-dynamic';

const FAULTS = listFaults();
const when = (d: Date) => d.toISOString().slice(11, 16) + ' UTC';

function Checks({ check }: { check: LabCheck | null }) {
  if (!check) return <span className="text-slate-400">not checked yet</span>;
  const all = check.passed === check.total;
  return (
    <span className={`inline-flex items-center gap-1 ${all ? 'text-emerald-700' : 'text-amber-800'}`} title={check.failing.join('\n')}>
      {all ? <CheckCircle2 className="h-3.5 w-3.5" aria-hidden /> : <AlertTriangle className="h-3.5 w-3.5" aria-hidden />}
      {check.passed}/{check.total} pass
    </span>
  );
}

function StudentCard({ row, cohortId }: { row: LabRow; cohortId: string }) {
  const a = row.attempt;
  return (
    <li className="card p-4" data-testid="lab-student" data-user={row.email}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <p className="font-semibold">{row.name}</p>
          <p className="text-xs text-slate-500">
            {row.email}
            {row.sandbox ? <> · sandbox <span className="font-mono">{row.sandbox.archiveAe ?? row.sandbox.slug}</span></> : ' · no sandbox yet'}
          </p>
        </div>
        {a ? (
          <div className="text-right text-sm">
            <p className="font-medium">
              <Link className="text-brand-700 hover:underline" href={`/sandbox/scenarios/${a.scenarioId}`}>{a.title}</Link>
            </p>
            <div className="mt-1 flex flex-wrap items-center justify-end gap-3 text-xs text-slate-600">
              {a.budgetMinutes ? <Timer startedAt={a.startedAt.toISOString()} budgetMinutes={a.budgetMinutes} /> : null}
              <span className="inline-flex items-center gap-1" data-testid="lab-hints"><Lightbulb className="h-3.5 w-3.5" aria-hidden />{a.hints} hint{a.hints === 1 ? '' : 's'}</span>
              <span data-testid="lab-checks"><Checks check={a.lastCheck} /></span>
            </div>
          </div>
        ) : (
          <p className="text-sm text-slate-500">No scenario running</p>
        )}
      </div>

      {a?.lastCheck && a.lastCheck.failing.length > 0 && (
        <p className="mt-2 text-xs text-slate-600">Not yet: {a.lastCheck.failing.join(' · ')}</p>
      )}

      <div className="mt-3 grid gap-3 md:grid-cols-2">
        <div>
          <p className="text-xs font-semibold uppercase tracking-wide text-slate-500">Active faults</p>
          {row.faults.length === 0 ? (
            <p className="mt-1 text-sm text-slate-500">None</p>
          ) : (
            <ul className="mt-1 space-y-1.5">
              {row.faults.map((f) => (
                <li key={f.id} className="flex flex-wrap items-center gap-2 text-sm" data-testid="lab-fault" data-fault={f.faultId}>
                  <span className={`rounded px-1.5 py-0.5 text-xs ${f.byInstructor ? 'bg-violet-100 text-violet-900' : 'bg-slate-100 text-slate-700'}`}>{f.byInstructor ? 'added by you' : 'scenario'}</span>
                  <span>{f.title}</span>
                  <span className="text-xs text-slate-500">{when(f.injectedAt)}</span>
                  {f.byInstructor && (
                    <span className="ml-auto inline-flex shrink-0 items-center gap-1">
                      <ActionForm action={faultAction} hidden={{ cohortId, userId: row.userId, injectionId: f.id, action: 'check' }} submit="Check" submitClass="btn-ghost text-xs" className="inline-flex items-center gap-1" testId="lab-fault-check" />
                      <ActionForm action={faultAction} hidden={{ cohortId, userId: row.userId, injectionId: f.id, action: 'clear' }} submit="Clear" submitClass="btn-ghost text-xs" className="inline-flex items-center gap-1" testId="lab-fault-clear" />
                    </span>
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <p className="text-xs font-semibold uppercase tracking-wide text-slate-500">Last network error</p>
          {row.lastError ? (
            <p className="mt-1 text-sm" data-testid="lab-last-error">
              <span className="font-mono text-xs text-slate-500">{when(row.lastError.at)} · {row.lastError.where}</span>
              <br />
              <span className="text-red-800">{row.lastError.text}</span>
            </p>
          ) : (
            <p className="mt-1 text-sm text-slate-500">None</p>
          )}
        </div>
      </div>

      {row.sandbox && (
        <ActionForm action={injectAction} hidden={{ cohortId, userId: row.userId }} submit="Inject" submitClass="btn-secondary" pendingLabel="Injecting…" className="mt-3 flex flex-wrap items-center gap-2 border-t border-slate-100 pt-3" testId="lab-inject">
          <label className="text-sm text-slate-600" htmlFor={`fault-${row.userId}`}>Add a fault to this sandbox</label>
          <select id={`fault-${row.userId}`} name="faultId" className="field w-auto py-1 text-sm" defaultValue="">
            <option value="" disabled>Choose a fault…</option>
            {FAULTS.map((f) => <option key={f.id} value={f.id}>{f.title}</option>)}
          </select>
        </ActionForm>
      )}
    </li>
  );
}

export default async function LiveLabPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const viewer = await pageRequiresRole('instructor', `/teach/cohorts/${id}/lab`);
  const { cohort, rows } = await orPage(liveLab(getDb(), viewer, id));
  const running = rows.filter((r) => r.attempt).length;
  return (
    <div data-testid="live-lab">
      <AutoRefresh active ms={5000} />
      <p className="text-sm"><Link href="/teach" className="text-brand-700 hover:underline">Teach</Link> / <Link href={`/teach/cohorts/${cohort.id}`} className="text-brand-700 hover:underline">{cohort.name}</Link> / live lab</p>
      <div className="mt-1 flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Live lab</h1>
          <p className="mt-1 text-slate-600">{cohort.term} · each student&apos;s own sandbox, as it is now</p>
        </div>
        <p className="inline-flex items-center gap-2 text-sm text-slate-600" data-testid="lab-summary">
          <Radio className="h-4 w-4 text-emerald-600" aria-hidden />
          {running} of {rows.length} student{rows.length === 1 ? '' : 's'} in a scenario · refreshes every 5 s
        </p>
      </div>
      <p className="mt-2 max-w-3xl text-sm text-slate-600">
        Each student works in their own sandbox. The checks are those of their last &ldquo;Check my fix&rdquo;; the last network error is what
        their scanner or the archive last refused. A fault you add here is checked and cleared from this page; it is not part of the
        student&apos;s scenario grade.
      </p>
      {rows.length === 0 ? (
        <div className="card mt-6 p-6 text-sm text-slate-600"><FlaskConical className="mb-2 h-5 w-5 text-slate-400" aria-hidden />No students have joined this cohort yet.</div>
      ) : (
        <ul className="mt-6 space-y-3" data-testid="lab-students">
          {rows.map((r) => <StudentCard key={r.userId} row={r} cohortId={cohort.id} />)}
        </ul>
      )}
    </div>
  );
}
