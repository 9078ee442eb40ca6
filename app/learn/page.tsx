import type { Metadata } from 'next';
import Link from 'next/link';
import { CheckCircle2, Circle, Clock } from 'lucide-react';
import { allLessons } from '@/app/_lib/content';
import { getViewer } from '@/app/_lib/session';
import { getDb } from '@/prisma/db';
import { MyAssignments } from './MyAssignments';

export const metadata: Metadata = { title: 'Learn' };

export default async function LearnPage() {
  const lessons = allLessons();
  const viewer = await getViewer();
  const done = new Set(
    viewer ? (await getDb().lessonProgress.findMany({ where: { userId: viewer.id }, select: { lessonSlug: true } })).map((p) => p.lessonSlug) : [],
  );
  return (
    <div>
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Learn</h1>
          <p className="mt-1 text-slate-600">Image management and informatics, from what a PACS is to fixing a failed send.</p>
        </div>
        <p className="text-sm text-slate-600" data-testid="lessons-progress">
          <span className="font-semibold text-slate-900">{done.size}</span> of {lessons.length} lessons completed
        </p>
      </div>
      <div className="mt-2 h-2 overflow-hidden rounded-full bg-slate-200" aria-hidden>
        <div className="h-full bg-brand-500" style={{ width: `${lessons.length ? (100 * done.size) / lessons.length : 0}%` }} />
      </div>
      {viewer && !viewer.isGuest && <MyAssignments viewer={viewer} />}
      <ol className="mt-6 grid gap-3 sm:grid-cols-2">
        {lessons.map((l) => (
          <li key={l.slug}>
            <Link href={`/learn/${l.slug}`} className="card flex h-full gap-3 p-4 transition hover:border-brand-500 hover:shadow">
              {done.has(l.slug) ? <CheckCircle2 className="mt-0.5 h-5 w-5 shrink-0 text-emerald-600" aria-label="Completed" /> : <Circle className="mt-0.5 h-5 w-5 shrink-0 text-slate-300" aria-label="Not started" />}
              <span className="min-w-0">
                <span className="text-xs font-medium text-slate-500">Lesson {l.frontmatter.order}</span>
                <span className="block font-semibold text-slate-900">{l.frontmatter.title}</span>
                <span className="mt-1 block text-sm text-slate-600">{l.frontmatter.summary}</span>
                <span className="mt-2 inline-flex items-center gap-1 text-xs text-slate-500"><Clock className="h-3.5 w-3.5" aria-hidden />{l.frontmatter.minutes} min</span>
              </span>
            </Link>
          </li>
        ))}
      </ol>
      {lessons.length === 0 && <p className="mt-6 text-slate-600">No lessons yet.</p>}
    </div>
  );
}
