// The signed-in student's open assignments from their cohorts, with status and due date; overdue work is marked.
import Link from 'next/link';
import { Play } from 'lucide-react';
import { HINT_POLICY_LABEL } from '@/app/teach/_lib/assignmentStatus';
import { now } from '@/app/_lib/clock';
import type { Viewer } from '@/app/_lib/session';
import { getDb } from '@/prisma/db';
import { myAssignments } from '@/app/teach/_lib/cohorts';

const LABEL = { done: 'Done', late: 'Done late', 'in-progress': 'In progress', missing: 'Overdue', open: 'To do', upcoming: 'Not open yet' } as const;
const STYLE = { done: 'bg-emerald-100 text-emerald-900', late: 'bg-amber-100 text-amber-900', 'in-progress': 'bg-sky-100 text-sky-900', missing: 'bg-red-100 text-red-900', open: 'bg-slate-100 text-slate-700', upcoming: 'bg-slate-50 text-slate-500' } as const;

export async function MyAssignments({ viewer }: { viewer: Viewer }) {
  const { cohorts, items } = await myAssignments(getDb(), viewer, await now());
  if (!cohorts) return null;
  return (
    <section className="card mt-6 p-4" aria-label="Assignments" data-testid="my-assignments">
      <h2 className="text-base font-semibold">Assignments</h2>
      {items.length === 0 ? (
        <p className="mt-1 text-sm text-slate-500">Nothing assigned yet.</p>
      ) : (
        <ul className="mt-2 divide-y divide-slate-200">
          {items.map((a) => (
            <li key={a.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 py-2">
              <Link href={a.href} className="font-medium text-brand-700 hover:underline">{a.title}</Link>
              <span className={`badge ${STYLE[a.status.state]}`} data-testid="assignment-status">{LABEL[a.status.state]}{a.status.of > 1 && a.status.done < a.status.of ? ` · ${a.status.done}/${a.status.of}` : ''}</span>
              <span className="text-xs text-slate-500">due {a.dueAt.toISOString().slice(0, 16).replace('T', ' ')} UTC · {a.cohort}{a.scenario ? ` · fault scenario, ${a.scenario.minutes} min, ${HINT_POLICY_LABEL[a.scenario.hints]}${a.scenario.hints === 'cost' ? ` (${a.scenario.cost} points each)` : ''}` : ''}</span>
              {a.status.score !== undefined && <span className="text-xs font-medium text-slate-700" data-testid="assignment-score">score {a.status.score}/100</span>}
              {a.scenario && a.status.state !== 'done' && a.status.state !== 'late' && a.status.state !== 'upcoming' && (
                <Link href={a.href} className="btn-secondary ml-auto py-1 text-xs" data-testid="assignment-start"><Play className="h-3.5 w-3.5" aria-hidden />{a.status.state === 'in-progress' ? 'Continue' : 'Start'}</Link>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
