'use client';
import { useState, useTransition } from 'react';
import { ArrowDown, ArrowUp, CheckCircle2, Loader2, XCircle } from 'lucide-react';
import type { PublicQuestion } from '@/app/_lib/content';
import { answerQuestion, type Graded } from '@/app/learn/actions';

const letters = 'ABCDEF';

export function QuestionCard({ question, mode, number, onAnswered }: {
  question: PublicQuestion;
  mode: 'practice' | 'lesson-check';
  number?: number;
  onAnswered?: (correct: boolean) => void;
}) {
  const [chosen, setChosen] = useState<string[]>(question.type === 'ordered' ? question.options.map((o) => o.id) : []);
  const [graded, setGraded] = useState<Graded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const locked = graded !== null;

  function toggle(id: string) {
    if (locked) return;
    if (question.type === 'multiple') setChosen((c) => (c.includes(id) ? c.filter((x) => x !== id) : [...c, id]));
    else setChosen([id]);
  }

  function move(index: number, by: -1 | 1) {
    if (locked) return;
    setChosen((c) => {
      const next = [...c];
      const j = index + by;
      if (j < 0 || j >= next.length) return c;
      [next[index], next[j]] = [next[j], next[index]];
      return next;
    });
  }

  function submit() {
    setError(null);
    start(async () => {
      const result = await answerQuestion({ questionId: question.id, answer: chosen, mode });
      if (!result.ok) {
        setError(result.details?.answer?.[0] ?? result.error);
        return;
      }
      setGraded(result.data);
      onAnswered?.(result.data.correct);
    });
  }

  const optionById = new Map(question.options.map((o) => [o.id, o]));
  const status = (id: string) => {
    if (!graded) return '';
    if (graded.key.includes(id)) return 'border-emerald-400 bg-emerald-50';
    if (chosen.includes(id)) return 'border-red-300 bg-red-50';
    return 'opacity-80';
  };

  return (
    <section className="card p-5" data-testid="question" data-question-id={question.id} aria-labelledby={`q-${question.id}`}>
      <p className="text-xs font-medium uppercase tracking-wide text-slate-500">
        {number ? `Question ${number} · ` : ''}
        {question.type === 'multiple' ? `Select all that apply` : question.type === 'ordered' ? 'Put in order' : question.type === 'hotspot' ? 'Click the right place' : 'Choose one'}
      </p>
      <h3 id={`q-${question.id}`} className="mt-1 text-base font-medium leading-relaxed text-slate-900">{question.stem}</h3>

      {question.type === 'hotspot' && question.figure ? (
        <div className="relative mt-4 w-full overflow-hidden rounded-lg border border-slate-200 bg-white">
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img src={question.figure.src} alt={question.figure.alt} className="block w-full" />
          {question.options.map((o) => {
            const [x, y, w, h] = o.region ?? [0, 0, 0, 0];
            const picked = chosen.includes(o.id);
            return (
              <button
                key={o.id}
                type="button"
                aria-label={o.text}
                aria-pressed={picked}
                disabled={locked}
                onClick={() => toggle(o.id)}
                style={{ left: `${x}%`, top: `${y}%`, width: `${w}%`, height: `${h}%` }}
                className={`absolute rounded border-2 transition ${picked ? 'border-brand-600 bg-brand-500/20' : 'border-transparent hover:border-brand-500/60 hover:bg-brand-500/10'} ${graded?.key.includes(o.id) ? '!border-emerald-500 !bg-emerald-400/20' : ''}`}
              />
            );
          })}
        </div>
      ) : question.type === 'ordered' ? (
        <ol className="mt-4 space-y-2">
          {chosen.map((id, i) => (
            <li key={id} className={`flex items-center gap-3 rounded-lg border border-slate-200 px-3 py-2 ${graded ? (graded.key[i] === id ? 'border-emerald-400 bg-emerald-50' : 'border-red-300 bg-red-50') : ''}`}>
              <span className="w-5 text-sm font-semibold text-slate-500">{i + 1}.</span>
              <span className="flex-1 text-sm">{optionById.get(id)?.text}</span>
              <span className="flex gap-1">
                <button type="button" className="btn-ghost p-1" disabled={locked || i === 0} onClick={() => move(i, -1)} aria-label={`Move "${optionById.get(id)?.text}" up`}><ArrowUp className="h-4 w-4" /></button>
                <button type="button" className="btn-ghost p-1" disabled={locked || i === chosen.length - 1} onClick={() => move(i, 1)} aria-label={`Move "${optionById.get(id)?.text}" down`}><ArrowDown className="h-4 w-4" /></button>
              </span>
            </li>
          ))}
        </ol>
      ) : (
        <ul className="mt-4 space-y-2" role={question.type === 'single' ? 'radiogroup' : 'group'} aria-labelledby={`q-${question.id}`}>
          {question.options.map((o, i) => {
            const picked = chosen.includes(o.id);
            return (
              <li key={o.id}>
                <button
                  type="button"
                  role={question.type === 'single' ? 'radio' : 'checkbox'}
                  aria-checked={picked}
                  disabled={locked}
                  onClick={() => toggle(o.id)}
                  className={`flex w-full items-start gap-3 rounded-lg border px-3 py-2.5 text-left text-sm transition ${picked && !graded ? 'border-brand-500 bg-brand-50 ring-1 ring-brand-500' : 'border-slate-200 hover:border-slate-300 hover:bg-slate-50'} ${status(o.id)}`}
                >
                  <span className={`grid h-6 w-6 shrink-0 place-items-center rounded-full border text-xs font-semibold ${picked ? 'border-brand-600 bg-brand-600 text-white' : 'border-slate-300 text-slate-500'}`}>{letters[i]}</span>
                  <span className="pt-0.5">{o.text}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}

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
          {question.type === 'ordered' && !graded.correct && (
            <p className="text-sm text-slate-700">Correct order: {graded.key.map((k) => optionById.get(k)?.text).join(' → ')}</p>
          )}
          <dl className="space-y-2 text-sm">
            {question.options.map((o, i) => (
              <div key={o.id} className={`rounded-md px-3 py-2 ${graded.key.includes(o.id) ? 'bg-emerald-50 text-emerald-950' : 'bg-slate-50 text-slate-700'}`}>
                <dt className="font-medium">{question.type === 'ordered' ? o.text : `${letters[i]}. ${o.text}`}{graded.key.includes(o.id) && question.type !== 'ordered' ? ' (key)' : ''}</dt>
                <dd className="mt-0.5">{graded.rationales[o.id]}</dd>
              </div>
            ))}
          </dl>
        </div>
      )}
    </section>
  );
}
