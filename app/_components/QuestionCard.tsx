'use client';
import { useState, useTransition } from 'react';
import { CheckCircle2, Flag, Loader2, RotateCcw, XCircle } from 'lucide-react';
import type { PublicQuestion } from '@/app/_lib/content';
import { answerQuestion, type Graded } from '@/app/learn/actions';
import { flagQuestion, rateReview } from '@/app/practice/actions';
import { AnswerInput, Rationales } from './AnswerInput';
import { formatHint } from './answer-format';

export function QuestionCard({ question, mode, number, set, flagged, onAnswered }: {
  question: PublicQuestion;
  mode: 'practice' | 'lesson-check' | 'review';
  number?: number;
  /** the practice set this answer belongs to */
  set?: string;
  /** shows a "Flag for review" toggle with this initial state */
  flagged?: boolean;
  onAnswered?: (correct: boolean) => void;
}) {
  const [chosen, setChosen] = useState<string[]>(question.type === 'ordered' ? question.options.map((o) => o.id) : []);
  const [graded, setGraded] = useState<Graded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();

  function submit() {
    setError(null);
    start(async () => {
      const result = await answerQuestion({ questionId: question.id, answer: chosen, mode, ...(set ? { set } : {}) });
      if (!result.ok) {
        setError(result.details?.answer?.[0] ?? result.error);
        return;
      }
      setGraded(result.data);
      onAnswered?.(result.data.correct);
    });
  }

  return (
    <section className="card p-5 [overflow-wrap:anywhere]" data-testid="question" data-question-id={question.id} aria-labelledby={`q-${question.id}`}>
      <div className="flex items-start justify-between gap-3">
        <p className="text-xs font-medium uppercase tracking-wide text-slate-500">
          {number ? `Question ${number} · ` : ''}
          {formatHint(question.type)}
        </p>
        {flagged !== undefined && <FlagToggle questionId={question.id} initial={flagged} />}
      </div>
      <h3 id={`q-${question.id}`} className="mt-1 text-base font-medium leading-relaxed text-slate-900">{question.stem}</h3>

      <AnswerInput question={question} chosen={chosen} onChange={setChosen} locked={graded !== null} keyIds={graded?.key} />

      {error && <p role="alert" className="mt-3 text-sm text-red-700">{error}</p>}

      {!graded ? (
        <div className="mt-4 flex justify-end">
          <button type="button" className="btn-primary" onClick={submit} disabled={pending || (question.type !== 'ordered' && chosen.length === 0)}>
            {pending && <Loader2 className="h-4 w-4 animate-spin" aria-hidden />}
            Check answer
          </button>
        </div>
      ) : (
        <div className="mt-4 space-y-3" aria-live="polite">
          <p className={`flex items-center gap-2 text-sm font-semibold ${graded.correct ? 'text-emerald-700' : 'text-red-700'}`} data-testid="verdict">
            {graded.correct ? <CheckCircle2 className="h-5 w-5" /> : <XCircle className="h-5 w-5" />}
            {graded.correct ? 'Correct' : 'Not quite'}
          </p>
          {graded.addedToReview && (
            <p className="flex items-center gap-2 text-xs text-slate-600" data-testid="added-to-review">
              <RotateCcw className="h-3.5 w-3.5" aria-hidden /> Added to your spaced review: it comes back shortly, then on a schedule.
            </p>
          )}
          {graded.review && <ReviewSchedule questionId={question.id} outcome={graded.review} canRate={graded.correct} />}
          <Rationales question={question} keyIds={graded.key} rationales={graded.rationales} correct={graded.correct} />
        </div>
      )}
    </section>
  );
}

function FlagToggle({ questionId, initial }: { questionId: string; initial: boolean }) {
  const [flagged, setFlagged] = useState(initial);
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="flex shrink-0 flex-col items-end">
      <button
        type="button"
        aria-pressed={flagged}
        disabled={pending}
        onClick={() =>
          start(async () => {
            const r = await flagQuestion({ questionId, flagged: !flagged });
            if (r.ok) {
              setFlagged(r.data.flagged);
              setError(null);
            } else setError(r.error);
          })
        }
        className={`inline-flex items-center gap-1.5 rounded-md px-2 py-1 text-xs font-medium ring-1 transition ${flagged ? 'bg-amber-50 text-amber-800 ring-amber-300' : 'bg-white text-slate-600 ring-slate-200 hover:bg-slate-50'}`}
      >
        <Flag className={`h-3.5 w-3.5 ${flagged ? 'fill-amber-400 text-amber-600' : ''}`} aria-hidden />
        {flagged ? 'Flagged for review' : 'Flag for review'}
      </button>
      {error && <span role="alert" className="mt-1 text-xs text-red-700">{error}</span>}
    </span>
  );
}

function ReviewSchedule({ questionId, outcome, canRate }: { questionId: string; outcome: NonNullable<Graded['review']>; canRate: boolean }) {
  const [current, setCurrent] = useState(outcome);
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="rounded-lg bg-slate-50 px-3 py-2 text-sm text-slate-700 ring-1 ring-slate-200" data-testid="review-schedule">
      <p>Comes back <strong className="font-semibold text-slate-900">{current.next}</strong>{current.rating !== 'again' ? ` (rated ${current.rating})` : ''}.</p>
      {canRate && (
        <div className="mt-2 flex flex-wrap items-center gap-2">
          <span className="text-xs text-slate-500">How did that feel?</span>
          {(['hard', 'good', 'easy'] as const).map((r) => (
            <button
              key={r}
              type="button"
              disabled={pending}
              aria-pressed={current.rating === r}
              onClick={() =>
                start(async () => {
                  const res = await rateReview({ questionId, rating: r });
                  if (res.ok) setCurrent(res.data);
                  else setError(res.error);
                })
              }
              className={`rounded-md px-2.5 py-1 text-xs font-medium capitalize ring-1 ${current.rating === r ? 'bg-brand-600 text-white ring-brand-600' : 'bg-white text-slate-700 ring-slate-300 hover:bg-slate-100'}`}
            >
              {r}
            </button>
          ))}
        </div>
      )}
      {error && <p role="alert" className="mt-1 text-xs text-red-700">{error}</p>}
    </div>
  );
}
