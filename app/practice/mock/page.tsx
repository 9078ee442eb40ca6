import type { Metadata } from 'next';
import Link from 'next/link';
import { ChevronLeft, Clock } from 'lucide-react';
import { allocate, ARRT_RADIOGRAPHY, MOCK_LENGTHS } from '@/content/exam-blueprint';
import { PASS_PERCENT } from '@/content/scaled-score';
import { CATEGORIES } from '@/content/schema';
import { questionBank } from '@/app/_lib/content';
import { getViewer } from '@/app/_lib/session';
import { now } from '@/app/_lib/clock';
import { deadlineOf, openMock, type MockResult } from '@/app/_lib/mock';
import { getDb } from '@/prisma/db';
import { StartMock } from './StartMock';

export const metadata: Metadata = { title: 'Mock exam' };
export const dynamic = 'force-dynamic';

export default async function MockSetupPage() {
  const pool = [...questionBank().values()].filter((q) => !q.id.startsWith('check-'));
  const plans = MOCK_LENGTHS.map((o) => allocate(pool, o.items));
  const categories = (Object.keys(CATEGORIES) as (keyof typeof CATEGORIES)[]).filter((c) => plans[0].some((r) => r.category === c));
  const viewer = await getViewer();
  const at = await now();
  const db = getDb();
  const [open, past] = viewer
    ? await Promise.all([
        openMock(db, viewer.id, at),
        db.quizAttempt.findMany({ where: { userId: viewer.id, mode: 'mock', submittedAt: { not: null } }, orderBy: { startedAt: 'desc' }, take: 5, select: { id: true, startedAt: true, result: true } }),
      ])
    : [null, []];

  return (
    <div className="mx-auto max-w-3xl">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
        <Link href="/practice" className="inline-flex items-center gap-1 hover:text-slate-800"><ChevronLeft className="h-4 w-4" aria-hidden /> Practice</Link>
      </nav>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight">Timed mock exam</h1>
      <p className="mt-1 text-slate-600">
        Items are drawn at random within each sub-category, in proportion to the registry&apos;s published content weights for the
        categories this bank covers. No feedback until you submit; then a score report by category and a review of every item.
      </p>

      {open && (
        <div className="mt-5 flex flex-wrap items-center justify-between gap-3 rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-200">
          <span>You have an exam in progress; its clock is still running (ends {deadlineOf(open).toISOString().slice(11, 16)} UTC).</span>
          <Link href={`/practice/mock/${open.id}`} className="btn-primary py-1.5">Resume exam</Link>
        </div>
      )}

      <section className="card mt-5 p-5" aria-labelledby="start-h">
        <h2 id="start-h" className="text-base font-semibold">Choose a length</h2>
        <StartMock options={MOCK_LENGTHS.map((o) => ({ items: o.items, minutes: o.minutes }))} />
      </section>

      <section className="mt-6" aria-labelledby="bp-h">
        <h2 id="bp-h" className="text-base font-semibold">What each form holds</h2>
        <p className="mt-1 text-sm text-slate-600">
          Weights: {ARRT_RADIOGRAPHY.source} (Patient Care 33, Safety 53, Image Production 51, Procedures 63), renormalised over the
          categories in this bank. Where a sub-category has fewer items than its share, the rest go to the others.
        </p>
        <div className="mt-3 overflow-x-auto rounded-xl border border-slate-200 bg-white">
          <table className="table-dense" data-testid="blueprint">
            <thead>
              <tr><th>Category</th><th className="text-right">Weight</th>{MOCK_LENGTHS.map((o) => <th key={o.items} className="text-right">{o.items}</th>)}</tr>
            </thead>
            <tbody>
              {categories.map((c) => (
                <tr key={c}>
                  <td className="font-medium">{CATEGORIES[c].label}</td>
                  <td className="text-right tabular-nums text-slate-500">{Math.round(100 * plans[0].filter((r) => r.category === c).reduce((s, r) => s + r.weight, 0))}%</td>
                  {plans.map((p, i) => <td key={i} className="text-right tabular-nums">{p.filter((r) => r.category === c).reduce((s, r) => s + r.count, 0)}</td>)}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="mt-2 text-xs text-slate-500">
          Scores are reported as an <strong>estimate</strong> on the registry&apos;s 1–99 scale (75 passes), assuming the passing standard sits near {PASS_PERCENT}% correct. ARRT does not publish a percent-correct cut, so treat it as a guide.
        </p>
      </section>

      {past.length > 0 && (
        <section className="mt-6" aria-labelledby="past-h">
          <h2 id="past-h" className="text-base font-semibold">Your recent exams</h2>
          <ul className="mt-2 divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white">
            {past.map((p) => {
              const r = p.result as unknown as MockResult | null;
              return (
                <li key={p.id} className="flex items-center justify-between gap-3 px-4 py-2 text-sm">
                  <Link href={`/practice/mock/${p.id}`} className="font-medium text-brand-700 hover:underline">{p.startedAt.toISOString().slice(0, 10)} · {r?.total ?? '?'} items</Link>
                  <span className="inline-flex items-center gap-2 tabular-nums text-slate-600">
                    <Clock className="h-3.5 w-3.5" aria-hidden /> {r ? `${r.percent}% · est. ${r.scaledEstimate}` : '–'}
                  </span>
                </li>
              );
            })}
          </ul>
        </section>
      )}
    </div>
  );
}
