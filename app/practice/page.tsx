import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { presentedOptions } from '@/content/grade';
import { CATEGORIES, type CategoryId } from '@/content/schema';
import { questionBank, toPublic } from '@/app/_lib/content';
import { PracticeSession } from './PracticeSession';

export const metadata: Metadata = { title: 'Practice' };
export const dynamic = 'force-dynamic';

const SET_SIZE = 10;

/** A seeded shuffle (mulberry32), so a set survives the refresh that follows a guest's first answer. */
function shuffle<T>(items: T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

export default async function PracticePage({ searchParams }: { searchParams: Promise<{ category?: string; size?: string; set?: string }> }) {
  const sp = await searchParams;
  const category = sp.category && sp.category in CATEGORIES ? (sp.category as CategoryId) : undefined;
  const seed = Number.parseInt(sp.set ?? '', 36);
  if (!Number.isFinite(seed)) {
    const next = new URLSearchParams({ ...(category ? { category } : {}), ...(sp.size ? { size: sp.size } : {}), set: Math.floor(Math.random() * 2 ** 31).toString(36) });
    redirect(`/practice?${next}`);
  }
  const size = Math.min(Math.max(Number(sp.size) || SET_SIZE, 5), 50);
  const pool = [...questionBank().values()].filter((q) => !q.id.startsWith('check-') && (!category || q.category === category));
  const picked = shuffle(pool, seed).slice(0, size).map((q) => toPublic(q, presentedOptions(q)));
  const counts = new Map<string, number>();
  for (const q of questionBank().values()) if (!q.id.startsWith('check-')) counts.set(q.category, (counts.get(q.category) ?? 0) + 1);

  return (
    <div className="mx-auto max-w-3xl">
      <h1 className="text-2xl font-semibold tracking-tight">Practice</h1>
      <p className="mt-1 text-slate-600">A set of {size} registry-style items with instant feedback and a rationale for every option.</p>
      <nav aria-label="Filter by category" className="mt-4 flex flex-wrap gap-2 text-sm">
        <Link href="/practice" className={`badge px-3 py-1 ring-1 ${!category ? 'bg-brand-600 text-white ring-brand-600' : 'bg-white text-slate-700 ring-slate-300 hover:bg-slate-50'}`}>All categories</Link>
        {Object.entries(CATEGORIES).filter(([id]) => counts.get(id)).map(([id, c]) => (
          <Link key={id} href={`/practice?category=${id}`} className={`badge px-3 py-1 ring-1 ${category === id ? 'bg-brand-600 text-white ring-brand-600' : 'bg-white text-slate-700 ring-slate-300 hover:bg-slate-50'}`}>
            {c.label} ({counts.get(id)})
          </Link>
        ))}
      </nav>
      <div className="mt-6">
        {picked.length ? <PracticeSession key={sp.set} questions={picked} /> : <p className="text-slate-600">No questions in this category yet.</p>}
      </div>
    </div>
  );
}
