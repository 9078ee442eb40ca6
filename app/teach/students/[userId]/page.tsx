import type { Metadata } from 'next';
import Link from 'next/link';
import { pageRequiresRole } from '@/app/_lib/guards';
import { allLessons, questionBank } from '@/app/_lib/content';
import { now } from '@/app/_lib/clock';
import { computeProgress } from '@/app/_lib/progress';
import { getDb } from '@/prisma/db';
import { ProgressChart } from '@/app/account/ProgressChart';
import { formatDuration } from '@/app/sandbox/scenarios/attempts';
import { NetworkLogCopy } from '@/app/sandbox/scenarios/NetworkLogCopy';
import { AttemptBadge } from '@/app/sandbox/scenarios/ui';
import { findScenario } from '@/content/scenarios';
import { networkLogOf } from '@/sim/networkLogSnapshot';
import { formatDateTime } from '@/app/_lib/format';
import { canReadStudent, studentScenarios } from '../../_lib/cohorts';
import { SortableTable } from '../../_components/SortableTable';
import { orPage } from '../../_lib/access';

export const metadata: Metadata = { title: 'Student' };
export const dynamic = 'force-dynamic';

/** One student's results for their instructor (or an admin, or the student): 403 for anyone else. */
export default async function StudentPage({ params }: { params: Promise<{ userId: string }> }) {
  const { userId } = await params;
  const viewer = await pageRequiresRole('student', `/teach/students/${userId}`);
  const db = getDb();
  const student = await orPage(canReadStudent(db, viewer, userId));
  const at = await now();
  const [done, responses, scenarios, ended] = await Promise.all([
    db.lessonProgress.findMany({ where: { userId }, orderBy: { completedAt: 'desc' } }),
    db.response.findMany({ where: { attempt: { userId } }, select: { questionId: true, correct: true, answeredAt: true } }),
    studentScenarios(db, viewer, userId),
    // the latest ended attempts, each with the copy of the network log it kept
    db.scenarioAttempt.findMany({
      where: { userId, status: { not: 'in-progress' } },
      orderBy: { finishedAt: 'desc' },
      take: 10,
      select: { id: true, scenarioId: true, status: true, startedAt: true, finishedAt: true, networkLog: true },
    }),
  ]);
  const p = computeProgress(responses, done.map((d) => d.completedAt), questionBank(), at);
  const weakest = [...p.categories].filter((c) => c.answered > 0).sort((a, b) => (a.accuracy ?? 0) - (b.accuracy ?? 0))[0];
  return (
    <div className="mx-auto max-w-4xl" data-testid="student-page">
      <p className="text-sm"><Link href="/teach" className="text-brand-700 hover:underline">Teach</Link> / student</p>
      <h1 className="mt-1 text-2xl font-semibold tracking-tight">{student.name}</h1>
      <p className="mt-1 text-slate-600">{student.email}</p>
      <dl className="mt-6 grid grid-cols-2 gap-3 sm:grid-cols-4">
        {[
          ['Lessons completed', `${done.length} / ${allLessons().length}`],
          ['Items answered', p.answered],
          ['Accuracy', p.accuracy === null ? '–' : `${p.accuracy}%`],
          ['Weakest area', weakest ? `${weakest.label} (${weakest.accuracy}%)` : '–'],
        ].map(([label, value]) => (
          <div key={String(label)} className="card p-4">
            <dt className="text-xs uppercase tracking-wide text-slate-500">{label}</dt>
            <dd className="mt-1 text-lg font-semibold tabular-nums">{value}</dd>
          </div>
        ))}
      </dl>
      <section className="card mt-6 p-4" aria-label="Per category over time">
        <h2 className="text-base font-semibold">Per category over time</h2>
        <ProgressChart days={p.days} categories={p.categories.map((c) => ({ id: c.category, label: c.label }))} />
      </section>
      <section className="card mt-6 p-4" aria-label="Fault scenarios">
        <h2 className="text-base font-semibold">Fault scenarios</h2>
        <p className="mt-1 text-xs text-slate-500">Time to fix: the first passing attempt, Start to the passing check; hints: those taken in it (the latest attempt’s when none passed).</p>
        <div className="mt-3">
          <SortableTable
            label="Fault scenarios"
            testId="student-scenarios"
            empty="No fault scenario started yet."
            columns={[{ key: 'title', label: 'Scenario' }, { key: 'state', label: 'Status' }, { key: 'attempts', label: 'Attempts', numeric: true }, { key: 'fix', label: 'Time to fix', numeric: true }, { key: 'hints', label: 'Hints', numeric: true }]}
            rows={scenarios.map((x) => ({
              id: x.scenarioId,
              cells: {
                title: { sort: x.title, show: <Link href={`/sandbox/scenarios/${x.scenarioId}`} className="text-brand-700 hover:underline">{x.title}</Link> },
                state: { sort: x.state, show: <span className={`badge ${x.state === 'passed' ? 'bg-emerald-100 text-emerald-900' : x.state === 'in-progress' ? 'bg-sky-100 text-sky-900' : 'bg-slate-100 text-slate-700'}`}>{x.state === 'passed' ? 'fixed' : x.state === 'in-progress' ? 'in progress' : 'gave up'}</span> },
                attempts: { sort: x.attempts },
                fix: { sort: x.fixMs, show: x.fixMs === null ? '–' : formatDuration(x.fixMs) },
                hints: { sort: x.hints },
              },
            }))}
          />
        </div>
      </section>
      {ended.length > 0 && (
        <section className="card mt-6" aria-labelledby="attempt-logs-heading" data-testid="student-attempt-logs">
          <h2 id="attempt-logs-heading" className="px-4 pt-4 text-base font-semibold">Latest scenario attempts: what crossed the network</h2>
          <p className="mt-1 px-4 pb-2 text-xs text-slate-500">A copy of the sandbox&apos;s network log taken when each attempt ended; it outlives the sandbox&apos;s reset.</p>
          <ol>
            {ended.map((a) => (
              <li key={a.id} className="border-t border-slate-100" data-testid="student-attempt">
                <p className="flex flex-wrap items-center gap-2 px-4 pt-3 text-sm">
                  <Link href={`/sandbox/scenarios/${a.scenarioId}`} className="font-medium text-brand-700 hover:underline">{findScenario(a.scenarioId)?.title ?? a.scenarioId}</Link>
                  <AttemptBadge status={a.status} />
                  <span className="text-xs text-slate-500">{formatDateTime(a.startedAt)}{a.finishedAt ? ` · ${formatDuration(a.finishedAt.getTime() - a.startedAt.getTime())}` : ''}</span>
                </p>
                <NetworkLogCopy log={networkLogOf(a)} testId={`attempt-network-log-${a.id}`} />
              </li>
            ))}
          </ol>
        </section>
      )}
      <section className="card mt-6 overflow-x-auto p-4" aria-label="By category">
        <table className="table-dense">
          <thead><tr><th>Category</th><th className="text-right">Answered</th><th className="text-right">Accuracy</th><th className="text-right">Mastery</th></tr></thead>
          <tbody>
            {p.categories.map((c) => (
              <tr key={c.category}><td>{c.label}</td><td className="text-right tabular-nums">{c.answered}</td><td className="text-right tabular-nums">{c.accuracy === null ? '–' : `${c.accuracy}%`}</td><td className="text-right tabular-nums">{c.mastery}%</td></tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
