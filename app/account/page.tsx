import type { Metadata } from 'next';
import Link from 'next/link';
import { getViewer } from '@/app/_lib/session';
import { allLessons } from '@/app/_lib/content';
import { getDb } from '@/prisma/db';

export const metadata: Metadata = { title: 'Your progress' };
export const dynamic = 'force-dynamic';

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
  const [done, responses] = await Promise.all([
    db.lessonProgress.findMany({ where: { userId: viewer.id }, orderBy: { completedAt: 'desc' } }),
    db.response.findMany({ where: { attempt: { userId: viewer.id } }, select: { correct: true } }),
  ]);
  const lessons = new Map(allLessons().map((l) => [l.slug, l]));
  const right = responses.filter((r) => r.correct).length;
  return (
    <div className="mx-auto max-w-3xl">
      <h1 className="text-2xl font-semibold tracking-tight">Your progress</h1>
      {viewer.isGuest ? (
        <p className="mt-3 rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-200">
          You are learning as a guest: progress is kept for this browser only. <Link href="/sign-up" className="font-semibold underline">Create an account</Link> to keep it everywhere; everything below moves with you.
        </p>
      ) : (
        <p className="mt-1 text-slate-600">{viewer.name} · {viewer.email} · {viewer.role}</p>
      )}
      <dl className="mt-6 grid grid-cols-3 gap-3">
        <div className="card p-4"><dt className="text-xs uppercase tracking-wide text-slate-500">Lessons completed</dt><dd className="mt-1 text-2xl font-semibold" data-testid="lessons-completed">{done.length}</dd></div>
        <div className="card p-4"><dt className="text-xs uppercase tracking-wide text-slate-500">Questions answered</dt><dd className="mt-1 text-2xl font-semibold" data-testid="answers-count">{responses.length}</dd></div>
        <div className="card p-4"><dt className="text-xs uppercase tracking-wide text-slate-500">Accuracy</dt><dd className="mt-1 text-2xl font-semibold">{responses.length ? `${Math.round((100 * right) / responses.length)}%` : '–'}</dd></div>
      </dl>
      <h2 className="mt-8 text-base font-semibold">Completed lessons</h2>
      <ul className="mt-2 divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white" data-testid="completed-lessons">
        {done.map((d) => (
          <li key={d.id} className="flex justify-between px-4 py-2 text-sm">
            <Link href={`/learn/${d.lessonSlug}`} className="font-medium text-brand-700 hover:underline">{lessons.get(d.lessonSlug)?.frontmatter.title ?? d.lessonSlug}</Link>
            <span className="text-slate-500">{d.completedAt.toISOString().slice(0, 10)}</span>
          </li>
        ))}
        {done.length === 0 && <li className="px-4 py-3 text-sm text-slate-500">None yet.</li>}
      </ul>
    </div>
  );
}
