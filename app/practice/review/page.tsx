import type { Metadata } from 'next';
import Link from 'next/link';
import { ChevronLeft, RotateCcw } from 'lucide-react';
import { presentedOptions } from '@/content/grade';
import { questionBank, toPublic } from '@/app/_lib/content';
import { getViewer } from '@/app/_lib/session';
import { now } from '@/app/_lib/clock';
import { dueCards, nextDue } from '@/app/_lib/review';
import { describeInterval } from '@/app/_lib/fsrs';
import { getDb } from '@/prisma/db';
import { ReviewSession } from './ReviewSession';

export const metadata: Metadata = { title: 'Spaced review' };
export const dynamic = 'force-dynamic';

export default async function ReviewPage() {
  const viewer = await getViewer();
  const at = await now();
  const db = getDb();
  const bank = questionBank();
  const [cards, upcoming, total] = viewer
    ? await Promise.all([dueCards(db, viewer.id, at), nextDue(db, viewer.id, at), db.reviewCard.count({ where: { userId: viewer.id } })])
    : [[], null, 0];
  const due = cards.filter((c) => bank.has(c.questionId));

  return (
    <div className="mx-auto max-w-3xl">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
        <Link href="/practice" className="inline-flex items-center gap-1 hover:text-slate-800"><ChevronLeft className="h-4 w-4" aria-hidden /> Practice</Link>
      </nav>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight">Spaced review</h1>
      <p className="mt-1 text-slate-600">
        Items you missed or flagged come back on a schedule (FSRS): a miss returns within minutes and then daily; each right answer pushes the next
        review further out.
      </p>
      <p className="mt-3 text-sm text-slate-700" data-testid="review-due">
        <strong className="font-semibold">{due.length}</strong> due now · {total} item{total === 1 ? '' : 's'} in your review deck
      </p>
      <div className="mt-5">
        {due.length ? (
          <ReviewSession
            items={due.map((c) => {
              const q = bank.get(c.questionId)!;
              return { question: toPublic(q, presentedOptions(q)), flagged: c.flagged, lapses: c.lapses };
            })}
          />
        ) : (
          <div className="card p-6 text-center" data-testid="review-empty">
            <RotateCcw className="mx-auto h-8 w-8 text-slate-300" aria-hidden />
            <p className="mt-2 font-semibold text-slate-900">Nothing due right now</p>
            <p className="mt-1 text-sm text-slate-600">
              {upcoming ? `The next item comes back ${describeInterval(at, upcoming)}.` : 'Miss or flag an item in practice and it will appear here.'}
            </p>
            <Link href="/practice" className="btn-primary mt-4">Practise</Link>
          </div>
        )}
      </div>
    </div>
  );
}
