import Link from 'next/link';
import { CheckCircle2, CircleDashed, Flag, XCircle } from 'lucide-react';
import { PASS_PERCENT, PASSING_SCALED } from '@/content/scaled-score';
import type { PublicQuestion } from '@/app/_lib/content';
import type { MockResult } from '@/app/_lib/mock';
import { Rationales } from '@/app/_components/AnswerInput';
import { formatHint, letters } from '@/app/_components/answer-format';

type ReviewItem = {
  position: number;
  correct: boolean;
  answer: string[] | null;
  flagged: boolean;
  question: (PublicQuestion & { key: string[]; rationales: Record<string, string> }) | null;
};

function minutes(sec: number) {
  const m = Math.floor(sec / 60);
  const s = sec % 60;
  return `${m} min ${String(s).padStart(2, '0')} s`;
}

function Bar({ percent }: { percent: number }) {
  return (
    <div className="h-1.5 w-full min-w-16 overflow-hidden rounded-full bg-slate-200" aria-hidden>
      <div className={`h-full ${percent >= PASS_PERCENT ? 'bg-emerald-500' : 'bg-amber-500'}`} style={{ width: `${percent}%` }} />
    </div>
  );
}

export function ScoreReport({ result, review }: { result: MockResult; review: ReviewItem[] }) {
  const missed = review.filter((r) => !r.correct).length;
  return (
    <div className="mt-5 space-y-6">
      <section className="card grid gap-4 p-5 sm:grid-cols-[auto_1fr] sm:items-center" data-testid="score-summary">
        <div className="text-center sm:border-r sm:border-slate-200 sm:pr-6">
          <p className="text-xs font-semibold uppercase tracking-wide text-slate-500">Estimated scaled score</p>
          <p className="mt-1 text-5xl font-semibold tabular-nums text-slate-900" data-testid="scaled-estimate">{result.scaledEstimate}</p>
          <p className={`mt-1 inline-flex items-center gap-1 text-sm font-semibold ${result.passEstimate ? 'text-emerald-700' : 'text-amber-700'}`}>
            {result.passEstimate ? <CheckCircle2 className="h-4 w-4" aria-hidden /> : <XCircle className="h-4 w-4" aria-hidden />}
            {result.passEstimate ? 'At or above 75' : 'Below 75'}
          </p>
        </div>
        <div className="space-y-2 text-sm">
          <dl className="grid grid-cols-3 gap-3">
            <div><dt className="text-xs text-slate-500">Correct</dt><dd className="text-lg font-semibold tabular-nums" data-testid="percent-correct">{result.correct} / {result.total} ({result.percent}%)</dd></div>
            <div><dt className="text-xs text-slate-500">Answered</dt><dd className="text-lg font-semibold tabular-nums">{result.answered}</dd></div>
            <div><dt className="text-xs text-slate-500">Time used</dt><dd className="text-lg font-semibold tabular-nums">{minutes(result.durationSec)}</dd></div>
          </dl>
          {result.timedOut && <p className="text-amber-800">Time ran out: the exam was submitted with the answers saved at that moment.</p>}
          <p className="rounded-md bg-slate-50 px-3 py-2 text-xs leading-relaxed text-slate-600 ring-1 ring-slate-200">
            <strong className="font-semibold text-slate-800">This is an estimate, not an ARRT score.</strong> The registry reports scaled scores from 1 to 99 and
            passes at {PASSING_SCALED}; the raw score behind 75 varies by form and is not published. We assume it sits near {PASS_PERCENT}% correct and
            scale linearly either side.
          </p>
        </div>
      </section>

      <section aria-labelledby="cat-h">
        <h2 id="cat-h" className="text-base font-semibold">By content category</h2>
        <div className="mt-2 overflow-x-auto rounded-xl border border-slate-200 bg-white">
          <table className="table-dense" data-testid="category-results">
            <thead>
              <tr><th>Category</th><th className="text-right">Correct</th><th className="text-right">%</th><th className="hidden w-1/4 sm:table-cell"><span className="sr-only">Bar</span></th></tr>
            </thead>
            <tbody>
              {result.byCategory.flatMap((c) => [
                <tr key={c.category} className="bg-slate-50/60">
                  <td className="font-semibold text-slate-900">{c.label}</td>
                  <td className="text-right tabular-nums">{c.correct} / {c.total}</td>
                  <td className="text-right font-semibold tabular-nums">{c.percent}%</td>
                  <td className="hidden align-middle sm:table-cell"><Bar percent={c.percent} /></td>
                </tr>,
                ...result.bySubcategory.filter((s) => s.category === c.category).map((s) => (
                  <tr key={`${c.category}-${s.subcategory}`}>
                    <td className="pl-6 text-slate-600">{s.subcategory}</td>
                    <td className="text-right tabular-nums text-slate-600">{s.correct} / {s.total}</td>
                    <td className="text-right tabular-nums text-slate-600">{s.percent}%</td>
                    <td className="hidden align-middle sm:table-cell"><Bar percent={s.percent} /></td>
                  </tr>
                )),
              ])}
            </tbody>
          </table>
        </div>
        {missed > 0 && (
          <p className="mt-2 text-sm text-slate-600">
            The {missed} item{missed === 1 ? '' : 's'} you missed {missed === 1 ? 'is' : 'are'} now in your <Link href="/practice/review" className="font-medium text-brand-700 underline">spaced review</Link>.
          </p>
        )}
      </section>

      <section aria-labelledby="rev-h">
        <h2 id="rev-h" className="text-base font-semibold">Review every item</h2>
        <p className="mt-1 text-sm text-slate-600">Open an item to see your answer, the key and the rationale for every option.</p>
        <ol className="mt-2 space-y-2" data-testid="mock-review">
          {review.map((r) => (
            <li key={r.position}>
              <details className="card group p-0 [overflow-wrap:anywhere]" data-result={r.correct ? 'correct' : r.answer ? 'wrong' : 'unanswered'}>
                <summary className="flex cursor-pointer list-none items-start gap-3 px-4 py-3 text-sm">
                  {r.correct ? <CheckCircle2 className="mt-0.5 h-4 w-4 shrink-0 text-emerald-600" aria-label="Correct" /> : r.answer ? <XCircle className="mt-0.5 h-4 w-4 shrink-0 text-red-600" aria-label="Wrong" /> : <CircleDashed className="mt-0.5 h-4 w-4 shrink-0 text-slate-400" aria-label="Not answered" />}
                  <span className="w-6 shrink-0 font-semibold tabular-nums text-slate-500">{r.position + 1}.</span>
                  <span className="min-w-0 flex-1 text-slate-800 group-open:font-medium">{r.question?.stem ?? 'This item has been withdrawn from the bank.'}</span>
                  {r.flagged && <Flag className="mt-0.5 h-4 w-4 shrink-0 fill-amber-400 text-amber-600" aria-label="Flagged" />}
                </summary>
                {r.question && (
                  <div className="space-y-3 border-t border-slate-100 px-4 py-3">
                    <p className="text-xs text-slate-500">{formatHint(r.question.type)} · {r.question.subcategory}</p>
                    <p className="text-sm">
                      <span className="text-slate-500">Your answer: </span>
                      <span className={r.correct ? 'font-medium text-emerald-700' : 'font-medium text-red-700'}>{answerText(r.question, r.answer)}</span>
                    </p>
                    {!r.correct && <p className="text-sm"><span className="text-slate-500">Key: </span><span className="font-medium text-emerald-800">{answerText(r.question, r.question.key)}</span></p>}
                    <Rationales question={r.question} keyIds={r.question.key} rationales={r.question.rationales} correct={r.correct} />
                    <Link href={`/learn/${r.question.lesson}`} className="inline-block text-xs font-medium text-brand-700 hover:underline">Read the lesson section</Link>
                  </div>
                )}
              </details>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}

function answerText(q: PublicQuestion, ids: string[] | null): string {
  if (!ids || !ids.length) return 'not answered';
  const index = new Map(q.options.map((o, i) => [o.id, i]));
  const text = (id: string) => q.options.find((o) => o.id === id)?.text ?? id;
  if (q.type === 'ordered') return ids.map(text).join(' → ');
  if (q.type === 'hotspot') return ids.map(text).join(', ');
  return ids.map((id) => `${letters[index.get(id) ?? 0]}. ${text(id)}`).join('; ');
}
