'use client';
// The answer controls for every registry format (one best answer, select-multiple, ordered list, hot-spot),
// shared by practice/lesson checks (graded at once) and the mock exam (graded at submit). Shows the key only
// when the server has sent it (`keyIds`).
import { ArrowDown, ArrowUp } from 'lucide-react';
import type { PublicQuestion } from '@/app/_lib/content';
import { letters } from './answer-format';


export function AnswerInput({ question, chosen, onChange, locked, keyIds }: {
  question: PublicQuestion;
  chosen: string[];
  onChange: (next: string[]) => void;
  locked: boolean;
  keyIds?: string[] | null;
}) {
  const optionById = new Map(question.options.map((o) => [o.id, o]));

  function toggle(id: string) {
    if (locked) return;
    if (question.type === 'multiple') onChange(chosen.includes(id) ? chosen.filter((x) => x !== id) : [...chosen, id]);
    else onChange([id]);
  }

  function move(index: number, by: -1 | 1) {
    if (locked) return;
    const next = [...chosen];
    const j = index + by;
    if (j < 0 || j >= next.length) return;
    [next[index], next[j]] = [next[j], next[index]];
    onChange(next);
  }

  const status = (id: string) => {
    if (!keyIds) return '';
    if (keyIds.includes(id)) return 'border-emerald-400 bg-emerald-50';
    if (chosen.includes(id)) return 'border-red-300 bg-red-50';
    return 'opacity-80';
  };

  if (question.type === 'hotspot' && question.figure) {
    return (
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
              className={`absolute rounded border-2 transition ${picked ? 'border-brand-600 bg-brand-500/20' : 'border-transparent hover:border-brand-500/60 hover:bg-brand-500/10'} ${keyIds?.includes(o.id) ? '!border-emerald-500 !bg-emerald-400/20' : ''}`}
            />
          );
        })}
      </div>
    );
  }

  if (question.type === 'ordered') {
    return (
      <ol className="mt-4 space-y-2">
        {chosen.map((id, i) => (
          <li key={id} className={`flex items-center gap-3 rounded-lg border border-slate-200 px-3 py-2 ${keyIds ? (keyIds[i] === id ? 'border-emerald-400 bg-emerald-50' : 'border-red-300 bg-red-50') : ''}`}>
            <span className="w-5 text-sm font-semibold text-slate-500">{i + 1}.</span>
            <span className="flex-1 text-sm">{optionById.get(id)?.text}</span>
            <span className="flex gap-1">
              <button type="button" className="btn-ghost p-1" disabled={locked || i === 0} onClick={() => move(i, -1)} aria-label={`Move "${optionById.get(id)?.text}" up`}><ArrowUp className="h-4 w-4" /></button>
              <button type="button" className="btn-ghost p-1" disabled={locked || i === chosen.length - 1} onClick={() => move(i, 1)} aria-label={`Move "${optionById.get(id)?.text}" down`}><ArrowDown className="h-4 w-4" /></button>
            </span>
          </li>
        ))}
      </ol>
    );
  }

  return (
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
              className={`flex w-full items-start gap-3 rounded-lg border px-3 py-2.5 text-left text-sm transition ${picked && !keyIds ? 'border-brand-500 bg-brand-50 ring-1 ring-brand-500' : 'border-slate-200 hover:border-slate-300 hover:bg-slate-50'} ${status(o.id)}`}
            >
              <span className={`grid h-6 w-6 shrink-0 place-items-center rounded-full border text-xs font-semibold ${picked ? 'border-brand-600 bg-brand-600 text-white' : 'border-slate-300 text-slate-500'}`}>{letters[i]}</span>
              <span className="pt-0.5">{o.text}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}

/** The key and a rationale for every option, after grading (practice) or after submit (mock review). */
export function Rationales({ question, keyIds, rationales, correct }: {
  question: Pick<PublicQuestion, 'type' | 'options'>;
  keyIds: string[];
  rationales: Record<string, string>;
  correct: boolean;
}) {
  const optionById = new Map(question.options.map((o) => [o.id, o]));
  return (
    <>
      {question.type === 'ordered' && !correct && (
        <p className="text-sm text-slate-700">Correct order: {keyIds.map((k) => optionById.get(k)?.text).join(' → ')}</p>
      )}
      <dl className="space-y-2 text-sm">
        {question.options.map((o, i) => (
          <div key={o.id} className={`rounded-md px-3 py-2 ${keyIds.includes(o.id) ? 'bg-emerald-50 text-emerald-950' : 'bg-slate-50 text-slate-700'}`}>
            <dt className="font-medium">{question.type === 'ordered' ? o.text : `${letters[i]}. ${o.text}`}{keyIds.includes(o.id) && question.type !== 'ordered' ? ' (key)' : ''}</dt>
            <dd className="mt-0.5">{rationales[o.id]}</dd>
          </div>
        ))}
      </dl>
    </>
  );
}
