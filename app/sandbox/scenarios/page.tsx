import type { Metadata } from 'next';
import Link from 'next/link';
import { Clock, Info, Siren } from 'lucide-react';
import { getDb } from '@/prisma/db';
import { getViewer } from '@/app/_lib/session';
import { loadScenarios } from '@/content/scenarios';
import { ownSandboxInfo } from '../_lib/current';
import { AttemptBadge, DifficultyBadge, LessonLinks } from './ui';

export const metadata: Metadata = { title: 'Fault scenarios' };
export const dynamic = 'force-dynamic';

export default async function ScenariosPage() {
  const scenarios = loadScenarios();
  const viewer = await getViewer();
  const db = getDb();
  const [mine, own] = await Promise.all([
    viewer ? db.scenarioAttempt.findMany({ where: { userId: viewer.id }, orderBy: { startedAt: 'desc' } }) : [],
    viewer && !viewer.isGuest ? ownSandboxInfo(db, viewer.id) : null,
  ]);
  const last = new Map<string, (typeof mine)[number]>();
  for (const a of mine) if (!last.has(a.scenarioId)) last.set(a.scenarioId, a);
  const running = mine.find((a) => a.status === 'in-progress');
  const runningTitle = running ? scenarios.find((s) => s.id === running.scenarioId)?.title : undefined;
  return (
    <div>
      <div className="border-b border-slate-200 pb-3">
        <p className="text-xs font-semibold uppercase tracking-wide text-brand-700">Your own sandbox · practice mode</p>
        <h1 className="text-2xl font-semibold tracking-tight">Fault scenarios</h1>
        <p className="mt-1 max-w-3xl text-slate-600">
          Something has gone wrong in the hospital. Each scenario breaks the real DICOM network the way it breaks at work, tells you what
          people noticed, and grades your fix by what the archive, the worklist and the RIS actually hold afterwards.
        </p>
      </div>
      <p className="mt-4 flex max-w-3xl gap-2 text-sm text-slate-600">
        <Info className="mt-0.5 h-4 w-4 shrink-0 text-brand-600" aria-hidden />
        <span data-testid="scenarios-sandbox">
          {own ? (
            <>Scenarios run in your own sandbox (archive <span className="font-mono">{own.archiveAe}</span>, worklist <span className="font-mono">{own.worklistAe}</span>): Start takes it back to a fresh state first, and its faults touch nobody else&apos;s work. One scenario at a time.</>
          ) : (
            <>Scenarios run in your own sandbox, with its own archive and worklist AE titles: your first Start makes it. Its faults touch nobody else&apos;s work. Sign in to start one.</>
          )}
        </span>
      </p>
      {running && (
        <p className="mt-3 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900" data-testid="sandbox-busy">
          <Siren className="mr-1 inline h-4 w-4" aria-hidden />
          Your “{runningTitle ?? running.scenarioId}” is running in your sandbox: finish it or give up before starting another.
        </p>
      )}
      <ul className="mt-5 grid gap-4 md:grid-cols-2" data-testid="scenario-list">
        {scenarios.map((s) => {
          const a = last.get(s.id);
          return (
            <li key={s.id} className="card flex flex-col p-5" data-testid="scenario-card" data-id={s.id}>
              <div className="flex flex-wrap items-center gap-2">
                <DifficultyBadge d={s.difficulty} />
                <span className="inline-flex items-center gap-1 text-xs text-slate-500"><Clock className="h-3.5 w-3.5" aria-hidden /> {s.timeBudgetMinutes} min</span>
                <span className="text-xs text-slate-500">· {s.faults.length} fault{s.faults.length > 1 ? 's' : ''}</span>
                {a && <span className="ml-auto text-xs text-slate-500">Your last attempt: <AttemptBadge status={a.status} /></span>}
              </div>
              <h2 className="mt-2 text-base font-semibold">
                <Link className="hover:text-brand-700 hover:underline" href={`/sandbox/scenarios/${s.id}`}>{s.title}</Link>
              </h2>
              <p className="mt-1 line-clamp-3 text-sm text-slate-600">{s.story}</p>
              <div className="mt-auto pt-3">
                <LessonLinks lessons={s.lessons} />
              </div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
