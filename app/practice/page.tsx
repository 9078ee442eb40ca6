import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { ArrowRight, RotateCcw, Timer } from 'lucide-react';
import { presentedOptions } from '@/content/grade';
import { seededRandom, shuffled } from '@/content/exam-blueprint';
import { CATEGORIES, type CategoryId } from '@/content/schema';
import { allLessons, questionBank, toPublic } from '@/app/_lib/content';
import { getViewer } from '@/app/_lib/session';
import { now } from '@/app/_lib/clock';
import { dueCount } from '@/app/_lib/review';
import { getDb } from '@/prisma/db';
import { PracticeSession } from './PracticeSession';

export const metadata: Metadata = { title: 'Practice' };
export const dynamic = 'force-dynamic';

const SIZES = [10, 20, 30, 50];
type Search = { category?: string; lesson?: string; size?: string; set?: string };

export default async function PracticePage({ searchParams }: { searchParams: Promise<Search> }) {
  const sp = await searchParams;
  const lessons = allLessons();
  const category = sp.category && sp.category in CATEGORIES ? (sp.category as CategoryId) : undefined;
  const lesson = sp.lesson && lessons.some((l) => l.slug === sp.lesson) ? sp.lesson : undefined;
  const size = SIZES.includes(Number(sp.size)) ? Number(sp.size) : 10;
  const filters = { ...(category ? { category } : {}), ...(lesson ? { lesson } : {}), ...(size !== 10 ? { size: String(size) } : {}) };
  // the set's seed is in the URL, so a set survives the refresh that follows a guest's first answer
  const seed = /^[a-z0-9]{1,12}$/.test(sp.set ?? '') ? Number.parseInt(sp.set!, 36) : Number.NaN;
  if (!Number.isFinite(seed)) redirect(`/practice?${new URLSearchParams({ ...filters, set: Math.floor(Math.random() * 2 ** 31).toString(36) })}`);

  const practiceItems = [...questionBank().values()].filter((q) => !q.id.startsWith('check-'));
  const pool = practiceItems.filter((q) => (!category || q.category === category) && (!lesson || q.lesson.startsWith(`${lesson}#`)));
  const picked = shuffled(pool, seededRandom(seed)).slice(0, size);
  const byCategory = new Map<string, number>();
  const byLesson = new Map<string, number>();
  for (const q of practiceItems) {
    byCategory.set(q.category, (byCategory.get(q.category) ?? 0) + 1);
    const slug = q.lesson.split('#')[0];
    byLesson.set(slug, (byLesson.get(slug) ?? 0) + 1);
  }

  const viewer = await getViewer();
  const db = getDb();
  const at = await now();
  const [due, flaggedRows] = viewer
    ? await Promise.all([
        dueCount(db, viewer.id, at),
        db.reviewCard.findMany({ where: { userId: viewer.id, flagged: true, questionId: { in: picked.map((q) => q.id) } }, select: { questionId: true } }),
      ])
    : [0, []];
  const flagged = new Set(flaggedRows.map((r) => r.questionId));

  return (
    <div className="mx-auto max-w-3xl">
      <h1 className="text-2xl font-semibold tracking-tight">Practice</h1>
      <p className="mt-1 text-slate-600">Registry-style items with instant feedback and a rationale for every option. Missed and flagged items come back in spaced review.</p>

      <div className="mt-5 grid gap-3 sm:grid-cols-2">
        <Link href="/practice/mock" className="card group flex items-center gap-3 p-4 hover:border-brand-500" data-testid="mock-link">
          <span className="grid h-10 w-10 shrink-0 place-items-center rounded-lg bg-brand-50 text-brand-700"><Timer className="h-5 w-5" aria-hidden /></span>
          <span className="min-w-0 flex-1">
            <span className="block text-sm font-semibold text-slate-900">Timed mock exam</span>
            <span className="block text-xs text-slate-500">20, 50 or 100 items weighted like the registry</span>
          </span>
          <ArrowRight className="h-4 w-4 text-slate-400 group-hover:text-brand-600" aria-hidden />
        </Link>
        <Link href="/practice/review" className="card group flex items-center gap-3 p-4 hover:border-brand-500" data-testid="review-link">
          <span className="grid h-10 w-10 shrink-0 place-items-center rounded-lg bg-amber-50 text-amber-700"><RotateCcw className="h-5 w-5" aria-hidden /></span>
          <span className="min-w-0 flex-1">
            <span className="block text-sm font-semibold text-slate-900">Spaced review</span>
            <span className="block text-xs text-slate-500" data-testid="due-count">{due ? `${due} item${due === 1 ? '' : 's'} due now` : 'Nothing due right now'}</span>
          </span>
          {due > 0 && <span className="badge bg-amber-100 text-amber-900">{due}</span>}
          <ArrowRight className="h-4 w-4 text-slate-400 group-hover:text-brand-600" aria-hidden />
        </Link>
      </div>

      <form action="/practice" method="get" className="card mt-5 grid gap-3 p-4 sm:grid-cols-[1fr_1fr_auto_auto] sm:items-end" aria-label="Choose a practice set">
        <div>
          <label className="label" htmlFor="f-category">Category</label>
          <select id="f-category" name="category" defaultValue={category ?? ''} className="field">
            <option value="">All categories ({practiceItems.length})</option>
            {Object.entries(CATEGORIES).filter(([id]) => byCategory.get(id)).map(([id, c]) => (
              <option key={id} value={id}>{c.label} ({byCategory.get(id)})</option>
            ))}
          </select>
        </div>
        <div>
          <label className="label" htmlFor="f-lesson">Lesson</label>
          <select id="f-lesson" name="lesson" defaultValue={lesson ?? ''} className="field">
            <option value="">All lessons</option>
            {lessons.filter((l) => byLesson.get(l.slug)).map((l) => (
              <option key={l.slug} value={l.slug}>{l.frontmatter.order}. {l.frontmatter.title} ({byLesson.get(l.slug)})</option>
            ))}
          </select>
        </div>
        <div>
          <label className="label" htmlFor="f-size">Items</label>
          <select id="f-size" name="size" defaultValue={String(size)} className="field">
            {SIZES.map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
        </div>
        <button type="submit" className="btn-primary">New set</button>
      </form>

      <div className="mt-6">
        {picked.length ? (
          <PracticeSession key={sp.set} set={sp.set!} questions={picked.map((q) => toPublic(q, presentedOptions(q)))} flagged={[...flagged]} />
        ) : (
          <p className="card p-6 text-center text-slate-600">No items match these filters yet. Try another lesson or category.</p>
        )}
      </div>
    </div>
  );
}
