'use client';
import { useState } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { Flag } from 'lucide-react';
import type { PublicQuestion } from '@/app/_lib/content';
import { QuestionCard } from '@/app/_components/QuestionCard';

type Item = { question: PublicQuestion; flagged: boolean; lapses: number };

export function ReviewSession({ items: due }: { items: Item[] }) {
  // the session works through the items due when it began: answering re-renders the page (the answered item is no
  // longer due), and a list that changed under it would lose the student's place; "Check for more" takes the new list
  const [items, setItems] = useState<Item[]>(due);
  const [index, setIndex] = useState(0);
  const [results, setResults] = useState<boolean[]>([]);
  // "Check for more": the list the page had when it was pressed, to take the next one the server sends
  const [refreshFrom, setRefreshFrom] = useState<Item[] | null>(null);
  const router = useRouter();
  if (refreshFrom && due !== refreshFrom) {
    setRefreshFrom(null);
    setItems(due);
    setIndex(0);
    setResults([]);
  }
  const answered = results.length > index;

  if (index >= items.length) {
    const right = results.filter(Boolean).length;
    return (
      <div className="card p-6 text-center" data-testid="review-summary">
        <p className="text-sm font-medium uppercase tracking-wide text-slate-500">Review done</p>
        <p className="mt-2 text-4xl font-semibold">{right} / {items.length}</p>
        <p className="mt-1 text-slate-600">Each item is scheduled again; misses come back within minutes.</p>
        <div className="mt-6 flex flex-wrap justify-center gap-3">
          <button type="button" className="btn-primary" onClick={() => { setRefreshFrom(due); router.refresh(); }}>Check for more</button>
          <Link href="/practice" className="btn-secondary">Back to practice</Link>
        </div>
      </div>
    );
  }
  const it = items[index];
  return (
    <div>
      <div className="mb-3 flex items-center justify-between text-sm text-slate-600">
        <span data-testid="review-position">Review {index + 1} of {items.length}</span>
        <span className="inline-flex items-center gap-2">
          {it.flagged && <span className="badge bg-amber-50 text-amber-800 ring-1 ring-amber-200"><Flag className="mr-1 h-3 w-3" aria-hidden /> flagged</span>}
          {it.lapses > 0 && <span className="badge bg-slate-100 text-slate-600">missed {it.lapses}×</span>}
        </span>
      </div>
      <div className="mb-4 h-1.5 overflow-hidden rounded-full bg-slate-200" aria-hidden>
        <div className="h-full bg-amber-500 transition-all" style={{ width: `${(100 * index) / items.length}%` }} />
      </div>
      <QuestionCard key={it.question.id} question={it.question} mode="review" flagged={it.flagged} onAnswered={(ok) => setResults((r) => [...r, ok])} />
      {answered && (
        <div className="mt-4 flex justify-end">
          <button type="button" className="btn-primary" onClick={() => setIndex((i) => i + 1)} autoFocus>
            {index + 1 < items.length ? 'Next review' : 'Finish'}
          </button>
        </div>
      )}
    </div>
  );
}
