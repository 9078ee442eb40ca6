import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AlertTriangle, CheckCircle2, Clock, Flag, Info, Lightbulb, ListChecks, MapPin, Play, Siren, XCircle } from 'lucide-react';
import { getDb } from '@/prisma/db';
import { getViewer } from '@/app/_lib/session';
import { formatDateTime } from '@/app/_lib/format';
import { findScenario, type Scenario } from '@/content/scenarios';
import { findFault } from '@/sim/faults/catalogue';
import { ownSandboxInfo } from '../../_lib/current';
import { checkScenario, giveUpScenario, hintScenario, startScenario } from '../actions';
import { checksOf, formatDuration, hintsOf, nextHint, type CheckRecord, type HintRecord } from '../attempts';
import { ActionForm } from '@/app/_components/ActionForm';
import { Timer } from '../Timer';
import { AttemptBadge, DifficultyBadge, LessonLinks } from '../ui';
import { NetworkLogCopy } from '../NetworkLogCopy';
import { networkLogOf } from '@/sim/networkLogSnapshot';
import { now } from '@/app/_lib/clock';
import { HINT_POLICY_LABEL } from '@/app/teach/_lib/assignmentStatus';
import { assignedScenario, scenarioAssignmentScore } from '@/app/teach/_lib/scenarioPolicy';
import { scoreIfFixed } from '@/app/teach/_lib/scenarioScore';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  return { title: findScenario((await params).id)?.title ?? 'Scenario not found' };
}

/** Where to work: the scenario's start, the network log, the consoles of every scanner it involves, the viewer. */
function placesFor(s: Scenario) {
  const scanners = [...new Set(s.faults.map((f) => String((f.params as { modalityAe?: string }).modalityAe ?? 'CT1')))];
  const out: { href: string; label: string }[] = [{ href: s.startPlace, label: 'Start here' }];
  for (const ae of scanners) {
    out.push({ href: `/sandbox/modality/${ae}/queue`, label: `${ae} send queue` }, { href: `/sandbox/modality/${ae}/network`, label: `${ae} network settings` });
  }
  out.push(
    { href: '/sandbox/pacs/network-log', label: 'PACS network log' },
    { href: '/sandbox/pacs/nodes', label: 'PACS DICOM nodes' },
    { href: '/sandbox/pacs', label: 'PACS studies' },
    { href: '/sandbox/ris', label: 'RIS orders' },
    { href: '/sandbox/ris/interfaces', label: 'RIS interfaces (HL7 from the HIS)' },
    { href: '/sandbox/viewer', label: 'Viewer (the archive’s studies)' },
    { href: '/sandbox/reading', label: 'Reading worklist' },
  );
  const seen = new Set<string>();
  return out.filter((p) => (seen.has(p.href) ? false : (seen.add(p.href), true)));
}

function CheckHistory({ checks }: { checks: CheckRecord[] }) {
  if (!checks.length) return <p className="px-4 pb-4 text-sm text-slate-500">No check yet.</p>;
  return (
    <ol className="divide-y divide-slate-100" data-testid="check-history">
      {checks.map((c, i) => ({ c, n: i + 1 })).reverse().map(({ c, n }) => (
        <li key={c.at} className="p-4" data-testid="check-run" data-passed={String(c.passed)}>
          <p className="flex items-center gap-2 text-sm font-medium">
            {c.passed ? <CheckCircle2 className="h-4 w-4 text-emerald-600" aria-hidden /> : <XCircle className="h-4 w-4 text-red-600" aria-hidden />}
            Check {n} · {formatDateTime(new Date(c.at))} · {c.results.filter((r) => r.passed).length} of {c.results.length} pass
          </p>
          <ul className="mt-2 space-y-1">
            {c.results.map((r) => (
              <li key={`${r.faultId}-${r.id}`} className="flex gap-2 text-sm" data-testid="check-result" data-passed={String(r.passed)}>
                <span className={`badge shrink-0 self-start ${r.passed ? 'bg-emerald-50 text-emerald-800' : 'bg-red-50 text-red-800'}`}>{r.passed ? 'pass' : 'fail'}</span>
                <span><span className="font-medium">{r.label}</span> <span className="text-slate-600">— {r.detail}</span></span>
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ol>
  );
}

function HintList({ hints }: { hints: HintRecord[] }) {
  if (!hints.length) return null;
  return (
    <ol className="mt-3 space-y-2" data-testid="hints">
      {hints.map((h) => (
        <li key={h.at} className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-950" data-testid="hint">
          <span className="font-medium">Hint {h.step}/3:</span> {findFault(h.faultId)?.hints[h.step - 1]}
        </li>
      ))}
    </ol>
  );
}

export default async function ScenarioPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const scenario = findScenario(id);
  if (!scenario) notFound();
  const viewer = await getViewer();
  const db = getDb();
  const signedIn = Boolean(viewer && !viewer.isGuest);
  // a scenario runs in the student's own sandbox (made by the first Start)
  const [attempts, own, elsewhere] = await Promise.all([
    viewer ? db.scenarioAttempt.findMany({ where: { userId: viewer.id, scenarioId: id }, orderBy: { startedAt: 'desc' }, take: 10 }) : [],
    viewer && signedIn ? ownSandboxInfo(db, viewer.id) : null,
    viewer ? db.scenarioAttempt.findFirst({ where: { userId: viewer.id, status: 'in-progress', scenarioId: { not: id } } }) : null,
  ]);
  const current = attempts.find((a) => a.status === 'in-progress');
  const finished = attempts.find((a) => a.status !== 'in-progress');
  const otherRunning = elsewhere ? findScenario(elsewhere.scenarioId)?.title ?? elsewhere.scenarioId : null;
  const faultIds = scenario.faults.map((f) => f.faultId);
  const canFix = signedIn;
  // an instructor's assignment of this scenario sets the hint policy and the time budget (app/teach)
  const at = await now();
  const [assigned, scored] = viewer && !viewer.isGuest ? await Promise.all([assignedScenario(db, viewer.id, id, at), scenarioAssignmentScore(db, viewer.id, id, at)]) : [null, null];
  // "hints cost": what a fix is worth now and after the next hint (app/teach/_lib/scenarioScore.ts)
  const worth = assigned?.hints === 'cost' && current ? scoreIfFixed(hintsOf(current).length, assigned.cost) : null;
  const budget = assigned?.minutes ?? scenario.timeBudgetMinutes;

  return (
    <div>
      <div className="border-b border-slate-200 pb-3">
        <p className="text-xs font-semibold uppercase tracking-wide text-brand-700">
          <Link href="/sandbox/scenarios" className="hover:underline">Fault scenarios</Link> · {own ? `your sandbox (${own.archiveAe})` : 'your own sandbox'}
        </p>
        <h1 className="text-2xl font-semibold tracking-tight">{scenario.title}</h1>
        <div className="mt-1 flex flex-wrap items-center gap-3 text-sm text-slate-600">
          <DifficultyBadge d={scenario.difficulty} />
          <span className="inline-flex items-center gap-1"><Clock className="h-4 w-4" aria-hidden /> {budget} min budget</span>
          <span>{scenario.faults.length} fault{scenario.faults.length > 1 ? 's' : ''}</span>
        </div>
        {assigned && (
          <p className="mt-2 rounded-md border border-brand-100 bg-brand-50 px-3 py-2 text-sm text-brand-900" data-testid="assigned-scenario" data-hints={assigned.hints}>
            Assigned by your instructor (“{assigned.title}”, {assigned.cohort}), due {formatDateTime(assigned.dueAt)}: {assigned.minutes} min, {HINT_POLICY_LABEL[assigned.hints]}
            {assigned.hints === 'cost' ? `: each hint costs ${assigned.cost} points of your assignment score (100 for a fix without hints, 0 until it is fixed); your instructor sees it.` : '.'}
          </p>
        )}
      </div>

      <div className="mt-5 grid gap-5 lg:grid-cols-3">
        <div className="space-y-5 lg:col-span-2">
          <section className="card p-5" aria-labelledby="story-heading">
            <h2 id="story-heading" className="font-semibold">The story</h2>
            <p className="mt-2 whitespace-pre-line text-slate-700" data-testid="scenario-story">{scenario.story}</p>
            <h3 className="mt-4 text-sm font-semibold">Your task</h3>
            <p className="mt-1 text-slate-700" data-testid="scenario-task">{scenario.task}</p>
          </section>

          {current && (
            <>
              <section className="card border-amber-200 p-5" aria-labelledby="symptom-heading" data-testid="running-attempt">
                <div className="flex flex-wrap items-center justify-between gap-3">
                  <h2 id="symptom-heading" className="flex items-center gap-2 font-semibold"><Siren className="h-4 w-4 text-red-600" aria-hidden /> What people see</h2>
                  <Timer startedAt={current.startedAt.toISOString()} budgetMinutes={budget} />
                </div>
                <ul className="mt-3 space-y-2" data-testid="symptoms">
                  {faultIds.map((f) => (
                    <li key={f} className="flex gap-2 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900" data-testid="symptom">
                      <AlertTriangle className="mt-0.5 h-4 w-4 shrink-0" aria-hidden /> {findFault(f)?.symptom}
                    </li>
                  ))}
                </ul>
                <div className="mt-4 flex flex-wrap items-start gap-3">
                  <ActionForm action={checkScenario} hidden={{ scenarioId: id, attemptId: current.id }} submit={<><ListChecks className="h-4 w-4" aria-hidden /> Check my fix</>} pendingLabel="Checking…" className="flex max-w-xs flex-col items-start gap-1" testId="check-fix" />
                  {assigned?.hints === 'none' ? (
                    <span className="btn-secondary pointer-events-none opacity-60" data-testid="no-hints">No hints in this assignment</span>
                  ) : nextHint(faultIds, hintsOf(current)) ? (
                    <ActionForm action={hintScenario} hidden={{ scenarioId: id, attemptId: current.id }} submit={<><Lightbulb className="h-4 w-4" aria-hidden /> Hint</>} submitClass="btn-secondary" pendingLabel="…" className="flex max-w-xs flex-col items-start gap-1" testId="take-hint">
                      {worth && assigned && <p className="text-xs text-amber-800" data-testid="hint-cost">This hint costs {assigned.cost} points of your assignment score: a fix is worth {worth.now} now, {worth.afterNextHint} after it.</p>}
                    </ActionForm>
                  ) : (
                    <span className="btn-secondary pointer-events-none opacity-60">No hints left</span>
                  )}
                  <ActionForm action={giveUpScenario} hidden={{ scenarioId: id, attemptId: current.id }} submit={<><Flag className="h-4 w-4" aria-hidden /> Give up</>} submitClass="btn-ghost text-red-700" pendingLabel="Clearing…" className="ml-auto flex flex-col items-end gap-1" testId="give-up" confirm="Give up? The faults are cleared and the attempt is recorded as abandoned." />
                </div>
                <HintList hints={hintsOf(current)} />
                {worth && hintsOf(current).length > 0 && <p className="mt-2 text-sm text-amber-900" data-testid="hint-score">{hintsOf(current).length} hint{hintsOf(current).length === 1 ? '' : 's'} taken × {assigned!.cost} points: fixing it now scores {worth.now} of 100.</p>}
              </section>
              <section className="card" aria-labelledby="checks-heading">
                <h2 id="checks-heading" className="px-4 pt-4 font-semibold">Your checks</h2>
                <CheckHistory checks={checksOf(current)} />
              </section>
            </>
          )}

          {!current && finished && (
            <section className="card" aria-labelledby="result-heading" data-testid="attempt-result" data-status={finished.status}>
              <div className="p-5">
                <h2 id="result-heading" className="flex items-center gap-2 font-semibold">
                  {finished.status === 'passed' ? <CheckCircle2 className="h-5 w-5 text-emerald-600" aria-hidden /> : <Flag className="h-5 w-5 text-slate-500" aria-hidden />}
                  Your last attempt <AttemptBadge status={finished.status} />
                </h2>
                <dl className="mt-3 grid grid-cols-2 gap-3 text-sm md:grid-cols-4">
                  <div><dt className="label">Time taken</dt><dd className="font-medium tabular-nums" data-testid="attempt-time">{finished.finishedAt ? formatDuration(finished.finishedAt.getTime() - finished.startedAt.getTime()) : '—'}</dd></div>
                  <div><dt className="label">Budget</dt><dd className="font-medium">{budget} min</dd></div>
                  <div><dt className="label">Hints used</dt><dd className="font-medium" data-testid="attempt-hints">{hintsOf(finished).length} of {3 * faultIds.length}</dd></div>
                  <div><dt className="label">Checks</dt><dd className="font-medium" data-testid="attempt-checks">{checksOf(finished).length}</dd></div>
                </dl>
                {scored && <p className="mt-3 text-sm font-medium" data-testid="assignment-score">Assignment score (“{scored.title}”, {scored.cohort}): {scored.score} of 100{scored.fixed ? '' : ': not fixed yet'} · each hint cost {scored.cost} points.</p>}
                <p className="mt-2 text-xs text-slate-500">Started {formatDateTime(finished.startedAt)}{finished.finishedAt ? `, ended ${formatDateTime(finished.finishedAt)}` : ''}.</p>
                <HintList hints={hintsOf(finished)} />
              </div>
              <h3 className="border-t border-slate-100 px-4 pt-4 text-sm font-semibold">Check history</h3>
              <CheckHistory checks={checksOf(finished)} />
              <NetworkLogCopy log={networkLogOf(finished)} />
            </section>
          )}
        </div>

        <aside className="space-y-5">
          {!current && (
            <section className="card p-5" aria-labelledby="start-heading">
              <h2 id="start-heading" className="font-semibold">{finished ? 'Try again' : 'Ready?'}</h2>
              <p className="mt-1 text-sm text-slate-600" data-testid="start-explainer">
                {own ? (
                  <>Start takes your sandbox (archive <span className="font-mono">{own.archiveAe}</span>, worklist <span className="font-mono">{own.worklistAe}</span>) back to a fresh state: its studies, orders and scanner exams are deleted and today&apos;s orders booked again. Then it breaks it as the story says and starts the clock.</>
                ) : (
                  <>Start makes your own sandbox, with its own archive and worklist AE titles, breaks it as the story says and starts the clock. Nobody else&apos;s work is affected.</>
                )}
              </p>
              {otherRunning && (
                <p className="mt-3 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900" data-testid="sandbox-busy">
                  You have “{otherRunning}” in progress in your sandbox: finish it or give up before starting another.
                </p>
              )}
              {signedIn ? (
                <ActionForm action={startScenario} hidden={{ scenarioId: id }} submit={<><Play className="h-4 w-4" aria-hidden /> Start</>} pendingLabel="Breaking things…" className="mt-3 flex flex-wrap items-center gap-2" testId="start-scenario" />
              ) : (
                <p className="mt-3 text-sm" data-testid="start-sign-in">
                  Starting a scenario <Link className="font-medium text-brand-700 hover:underline" href="/sign-up">needs an account</Link>: each one runs in your own sandbox.
                </p>
              )}
            </section>
          )}
          {current && (
            <section className="card p-5" aria-labelledby="where-heading">
              <h2 id="where-heading" className="flex items-center gap-2 font-semibold"><MapPin className="h-4 w-4 text-slate-500" aria-hidden /> Where to work</h2>
              {own && current.sandboxId === own.id && (
                <p className="mt-1 text-sm text-slate-600" data-testid="scenario-sandbox">
                  In your sandbox: archive <span className="font-mono font-medium text-slate-900">{own.archiveAe}</span>, worklist{' '}
                  <span className="font-mono font-medium text-slate-900">{own.worklistAe}</span>, on {own.host}:{own.port}. The links below open it.
                </p>
              )}
              <ul className="mt-2 space-y-1 text-sm" data-testid="work-places">
                {placesFor(scenario).map((p) => (
                  <li key={p.href}><Link className="font-medium text-brand-700 hover:underline" href={p.href}>{p.label}</Link> <span className="font-mono text-xs text-slate-500">{p.href}</span></li>
                ))}
              </ul>
            </section>
          )}
          <section className="card p-5" aria-labelledby="lessons-heading">
            <h2 id="lessons-heading" className="font-semibold">Revise</h2>
            <div className="mt-2"><LessonLinks lessons={scenario.lessons} /></div>
          </section>
          <p className="flex gap-2 text-sm text-slate-600">
            <Info className="mt-0.5 h-4 w-4 shrink-0 text-brand-600" aria-hidden />
            <span>
              Each scenario runs in your own sandbox: its faults touch nobody else&apos;s work, and your instructor can follow you in it. Give up if you
              leave; an abandoned attempt ends by itself after a while.
              {!canFix && ' Sign in to fix things: the scanners’ settings can only be changed by a signed-in account.'}
            </span>
          </p>
        </aside>
      </div>
    </div>
  );
}
