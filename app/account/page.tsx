import type { Metadata } from 'next';
import Link from 'next/link';
import { Flame, RotateCcw } from 'lucide-react';
import { getViewer } from '@/app/_lib/session';
import { allLessons, questionBank } from '@/app/_lib/content';
import { now } from '@/app/_lib/clock';
import { computeProgress } from '@/app/_lib/progress';
import { getDb } from '@/prisma/db';
import { ProgressChart } from './ProgressChart';

export const metadata: Metadata = { title: 'Your progress' };
export const dynamic = 'force-dynamic';

function Stat({ label, value, testId, hint }: { label: string; value: React.ReactNode; testId?: string; hint?: string }) {
  return (
    <div className="card p-4">
      <dt className="text-xs uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold tabular-nums" data-testid={testId}>{value}</dd>
      {hint && <dd className="mt-0.5 text-xs text-slate-500">{hint}</dd>}
    </div>
  );
}

export default async function AccountPage() {
  const viewer = await getViewer();
  if (!viewer) {
    return (
      <div className="mx-auto max-w-md py-12 text-center">
        <h1 className="text-2xl font-semibold">No progress yet</h1>
        <p className="mt-2 text-slate-600">Read a lesson or answer a question and your progress starts here, with or without an account.</p>
        <Link className="btn-primary mt-6" href="/learn">Start with a lesson</Link>
      </div>
    );
  }
  const db = getDb();
  const at = await now();
  const [done, responses, due] = await Promise.all([
    db.lessonProgress.findMany({ where: { userId: viewer.id }, orderBy: { completedAt: 'desc' } }),
    db.response.findMany({ where: { attempt: { userId: viewer.id } }, select: { questionId: true, correct: true, answeredAt: true } }),
    db.reviewCard.count({ where: { userId: viewer.id, due: { lte: at } } }),
  ]);
  const lessons = new Map(allLessons().map((l) => [l.slug, l]));
  const p = computeProgress(responses, done.map((d) => d.completedAt), questionBank(), at);

  return (
    <div className="mx-auto max-w-4xl">
      <h1 className="text-2xl font-semibold tracking-tight">Your progress</h1>
      {viewer.isGuest ? (
        <p className="mt-3 rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-200">
          You are learning as a guest: progress is kept for this browser only. <Link href="/sign-up" className="font-semibold underline">Create an account</Link> to keep it everywhere; everything below moves with you.
        </p>
      ) : (
        <p className="mt-1 text-slate-600">{viewer.name} · {viewer.email} · {viewer.role}</p>
      )}

      <dl className="mt-6 grid grid-cols-2 gap-3 sm:grid-cols-4">
        <Stat label="Lessons completed" value={`${done.length} / ${lessons.size}`} testId="lessons-completed" />
        <Stat label="Items answered" value={p.answered} testId="answers-count" />
        <Stat label="Accuracy" value={p.accuracy === null ? '–' : `${p.accuracy}%`} testId="accuracy" />
        <Stat
          label="Streak"
          value={<span className="inline-flex items-center gap-1.5">{p.streak.current > 0 && <Flame className="h-5 w-5 text-amber-500" aria-hidden />}{p.streak.current} day{p.streak.current === 1 ? '' : 's'}</span>}
          testId="streak"
          hint={`longest ${p.streak.longest} · ${p.streak.activeDays} active day${p.streak.activeDays === 1 ? '' : 's'}`}
        />
      </dl>

      <Link href="/practice/review" className="card mt-3 flex items-center gap-3 p-4 hover:border-brand-500" data-testid="progress-due">
        <span className="grid h-9 w-9 shrink-0 place-items-center rounded-lg bg-amber-50 text-amber-700"><RotateCcw className="h-5 w-5" aria-hidden /></span>
        <span className="flex-1 text-sm"><strong className="font-semibold">{due}</strong> review item{due === 1 ? '' : 's'} due now</span>
        <span className="text-sm font-medium text-brand-700">Review</span>
      </Link>

      <section className="card mt-6 p-4" aria-labelledby="chart-h">
        <h2 id="chart-h" className="text-base font-semibold">Per category over time</h2>
        <ProgressChart days={p.days} categories={p.categories.map((c) => ({ id: c.category, label: c.label }))} />
      </section>

      <section className="mt-6" aria-labelledby="cat-h">
        <h2 id="cat-h" className="text-base font-semibold">By category</h2>
        <div className="mt-2 overflow-x-auto rounded-xl border border-slate-200 bg-white">
          <table className="table-dense" data-testid="category-progress">
            <thead><tr><th>Category</th><th className="text-right">Answered</th><th className="text-right">Accuracy</th><th className="text-right">Mastered</th></tr></thead>
            <tbody>
              {p.categories.map((c) => (
                <tr key={c.category}>
                  <td className="font-medium">{c.label}</td>
                  <td className="text-right tabular-nums">{c.answered}</td>
                  <td className="text-right tabular-nums">{c.accuracy === null ? '–' : `${c.accuracy}%`}</td>
                  <td className="text-right tabular-nums">{c.mastered} / {c.bankItems} <span className="text-slate-500">({c.mastery}%)</span></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <h2 className="mt-8 text-base font-semibold">Completed lessons</h2>
      <ul className="mt-2 divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white" data-testid="completed-lessons">
        {done.map((d) => (
          <li key={d.id} className="flex justify-between gap-3 px-4 py-2 text-sm">
            <Link href={`/learn/${d.lessonSlug}`} className="font-medium text-brand-700 hover:underline">{lessons.get(d.lessonSlug)?.frontmatter.title ?? d.lessonSlug}</Link>
            <span className="shrink-0 text-slate-500">{d.completedAt.toISOString().slice(0, 10)}</span>
          </li>
        ))}
        {done.length === 0 && <li className="px-4 py-3 text-sm text-slate-500">None yet.</li>}
      </ul>
    </div>
  );
}
