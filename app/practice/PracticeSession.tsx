'use client';
import { useState } from 'react';
import Link from 'next/link';
import type { PublicQuestion } from '@/app/_lib/content';
import { QuestionCard } from '@/app/_components/QuestionCard';

export function PracticeSession({ questions, set, flagged }: { questions: PublicQuestion[]; set: string; flagged: string[] }) {
  const [index, setIndex] = useState(0);
  const [results, setResults] = useState<boolean[]>([]);
  const answered = results.length > index;
  const finished = index >= questions.length;
  const correct = results.filter(Boolean).length;

  if (finished) {
    return (
      <div className="card p-6 text-center" data-testid="practice-summary">
        <p className="text-sm font-medium uppercase tracking-wide text-slate-500">Set complete</p>
        <p className="mt-2 text-4xl font-semibold">{correct} / {questions.length}</p>
        <p className="mt-1 text-slate-600">{Math.round((100 * correct) / questions.length)}% correct</p>
        <div className="mt-6 flex flex-wrap justify-center gap-3">
          <Link href="/practice" className="btn-primary" prefetch={false}>Start another set</Link>
          <Link href="/practice/review" className="btn-secondary">Spaced review</Link>
        </div>
      </div>
    );
  }
  const q = questions[index];
  return (
    <div>
      <div className="mb-3 flex items-center justify-between text-sm text-slate-600">
        <span data-testid="practice-position">Item {index + 1} of {questions.length}</span>
        <span>{correct} correct so far</span>
      </div>
      <div className="mb-4 h-1.5 overflow-hidden rounded-full bg-slate-200" aria-hidden>
        <div className="h-full bg-brand-500 transition-all" style={{ width: `${(100 * index) / questions.length}%` }} />
      </div>
      <QuestionCard key={q.id} question={q} mode="practice" set={set} flagged={flagged.includes(q.id)} number={index + 1} onAnswered={(ok) => setResults((r) => [...r, ok])} />
      {answered && (
        <div className="mt-4 flex justify-end">
          <button type="button" className="btn-primary" onClick={() => setIndex((i) => i + 1)} autoFocus>
            {index + 1 < questions.length ? 'Next item' : 'See results'}
          </button>
        </div>
      )}
    </div>
  );
}
