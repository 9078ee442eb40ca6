'use client';
// The exam runner: one item at a time, a navigator (answered / unanswered / flagged, jump anywhere), a countdown
// from the server's deadline (the browser's clock only measures time since the page loaded), answers saved as
// they change (in order, one request at a time), auto-submit at zero, and a confirmation before submitting.
import { useCallback, useEffect, useMemo, useRef, useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { AlertTriangle, ChevronLeft, ChevronRight, Clock, Flag, Loader2, Send } from 'lucide-react';
import type { PublicQuestion } from '@/app/_lib/content';
import { AnswerInput } from '@/app/_components/AnswerInput';
import { formatHint } from '@/app/_components/answer-format';
import { saveMockAnswer, submitMockExam } from '../../actions';

type Item = { position: number; question: PublicQuestion; answer: string[] | null; flagged: boolean };

function clock(ms: number) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h ? `${h}:` : ''}${String(m).padStart(h ? 2 : 1, '0')}:${String(s).padStart(2, '0')}`;
}

export function MockExam({ attemptId, items, deadline, serverNow }: { attemptId: string; items: Item[]; deadline: string; serverNow: string }) {
  const router = useRouter();
  const [answers, setAnswers] = useState<(string[] | null)[]>(() => items.map((i) => i.answer));
  const [flags, setFlags] = useState<boolean[]>(() => items.map((i) => i.flagged));
  const [index, setIndex] = useState(() => Math.max(0, items.findIndex((i) => !i.answer)));
  const [confirming, setConfirming] = useState(false);
  const [saveState, setSaveState] = useState<'saved' | 'saving' | 'error'>('saved');
  const [error, setError] = useState<string | null>(null);
  const [submitting, startSubmit] = useTransition();
  // remaining = deadline - (server time at render + time elapsed here); immune to a wrong clock in the browser
  const budget = useMemo(() => new Date(deadline).getTime() - new Date(serverNow).getTime(), [deadline, serverNow]);
  const mountedAt = useRef<number | null>(null);
  const [remaining, setRemaining] = useState(budget);
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const submitted = useRef(false);

  const submit = useCallback(() => {
    if (submitted.current) return;
    submitted.current = true;
    startSubmit(async () => {
      await queue.current; // the last answers reach the server first
      const r = await submitMockExam({ attemptId });
      if (!r.ok) {
        submitted.current = false;
        setError(r.error);
        return;
      }
      router.refresh();
    });
  }, [attemptId, router]);

  useEffect(() => {
    mountedAt.current ??= performance.now();
    const tick = () => {
      const left = budget - (performance.now() - (mountedAt.current ?? 0));
      setRemaining(left);
      if (left <= 0) submit();
    };
    tick();
    const t = setInterval(tick, 1000);
    return () => clearInterval(t);
  }, [budget, submit]);

  function save(position: number, change: { answer?: string[] | null; flagged?: boolean }) {
    setSaveState('saving');
    queue.current = queue.current.then(async () => {
      const r = await saveMockAnswer({ attemptId, position, ...change });
      if (!r.ok) {
        setSaveState('error');
        setError(r.error);
      } else if (!r.data.saved) {
        router.refresh(); // time was up on the server: it has been submitted
      } else {
        setSaveState('saved');
        setError(null);
      }
    });
  }

  const item = items[index];
  const answer = answers[index];
  const chosen = answer ?? (item.question.type === 'ordered' ? item.question.options.map((o) => o.id) : []);
  const unanswered = answers.map((a, i) => (a ? -1 : i)).filter((i) => i >= 0);
  const flaggedCount = flags.filter(Boolean).length;
  const lowTime = remaining < 5 * 60_000;

  function setAnswer(next: string[]) {
    setAnswers((a) => a.map((x, i) => (i === index ? (next.length ? next : null) : x)));
    save(item.position, { answer: next.length ? next : null });
  }
  function toggleFlag() {
    const next = !flags[index];
    setFlags((f) => f.map((x, i) => (i === index ? next : x)));
    save(item.position, { flagged: next });
  }
  function go(i: number) {
    setIndex(Math.min(items.length - 1, Math.max(0, i)));
    setConfirming(false);
  }

  return (
    <div className="mx-auto max-w-5xl">
      <div className="sticky top-[94px] z-30 -mx-4 mb-4 md:top-14 border-b border-slate-200 bg-white/95 px-4 py-2 backdrop-blur sm:mx-0 sm:rounded-xl sm:border sm:shadow-sm">
        <div className="flex items-center justify-between gap-3">
          <div className="min-w-0">
            <h1 className="truncate text-sm font-semibold text-slate-900">Mock exam</h1>
            <p className="text-xs text-slate-500" aria-live="polite">
              {items.length - unanswered.length} of {items.length} answered · {flaggedCount} flagged ·{' '}
              <span data-testid="save-state">{saveState === 'saving' ? 'saving…' : saveState === 'error' ? 'not saved' : 'saved'}</span>
            </p>
          </div>
          <p
            className={`inline-flex items-center gap-1.5 rounded-md px-2.5 py-1 font-mono text-lg font-semibold tabular-nums ${lowTime ? 'bg-amber-50 text-amber-800 ring-1 ring-amber-300' : 'bg-slate-100 text-slate-800'}`}
            role="timer"
            aria-label={`Time left ${clock(remaining)}`}
            data-testid="countdown"
          >
            <Clock className="h-4 w-4" aria-hidden /> {clock(remaining)}
          </p>
          <button type="button" className="btn-primary hidden sm:inline-flex" onClick={() => setConfirming(true)} disabled={submitting}>
            <Send className="h-4 w-4" aria-hidden /> Submit exam
          </button>
        </div>
      </div>

      {error && <p role="alert" className="mb-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200">{error}</p>}

      <div className="grid gap-4 lg:grid-cols-[1fr_260px]">
        <div className="min-w-0">
          <section className="card p-5 [overflow-wrap:anywhere]" data-testid="mock-item" data-question-id={item.question.id} aria-labelledby={`q-${item.question.id}`}>
            <div className="flex items-start justify-between gap-3">
              <p className="text-xs font-medium uppercase tracking-wide text-slate-500" data-testid="mock-position">Item {index + 1} of {items.length} · {formatHint(item.question.type)}</p>
              <button
                type="button"
                aria-pressed={flags[index]}
                onClick={toggleFlag}
                className={`inline-flex shrink-0 items-center gap-1.5 rounded-md px-2 py-1 text-xs font-medium ring-1 transition ${flags[index] ? 'bg-amber-50 text-amber-800 ring-amber-300' : 'bg-white text-slate-600 ring-slate-200 hover:bg-slate-50'}`}
              >
                <Flag className={`h-3.5 w-3.5 ${flags[index] ? 'fill-amber-400 text-amber-600' : ''}`} aria-hidden />
                {flags[index] ? 'Flagged' : 'Flag'}
              </button>
            </div>
            <h2 id={`q-${item.question.id}`} className="mt-1 text-base font-medium leading-relaxed text-slate-900">{item.question.stem}</h2>
            <AnswerInput key={item.question.id} question={item.question} chosen={chosen} onChange={setAnswer} locked={submitting} />
            {item.question.type === 'ordered' && !answer && (
              <button type="button" className="btn-secondary mt-3" onClick={() => setAnswer(chosen)}>Keep this order</button>
            )}
          </section>
          <div className="mt-4 flex items-center justify-between gap-2">
            <button type="button" className="btn-secondary" onClick={() => go(index - 1)} disabled={index === 0}><ChevronLeft className="h-4 w-4" aria-hidden /> Previous</button>
            {index + 1 < items.length ? (
              <button type="button" className="btn-primary" onClick={() => go(index + 1)}>Next <ChevronRight className="h-4 w-4" aria-hidden /></button>
            ) : (
              <button type="button" className="btn-primary" onClick={() => setConfirming(true)} disabled={submitting}><Send className="h-4 w-4" aria-hidden /> Review and submit</button>
            )}
          </div>
        </div>

        <aside aria-label="Item navigator" className="card h-fit p-4 lg:sticky lg:top-32">
          <p className="text-sm font-semibold text-slate-900">Items</p>
          <ol className="mt-3 grid grid-cols-8 gap-1.5 sm:grid-cols-10 lg:grid-cols-5" data-testid="navigator">
            {items.map((it, i) => {
              const answered = Boolean(answers[i]);
              return (
                <li key={it.position}>
                  <button
                    type="button"
                    onClick={() => go(i)}
                    aria-current={i === index ? 'step' : undefined}
                    aria-label={`Item ${i + 1}: ${answered ? 'answered' : 'unanswered'}${flags[i] ? ', flagged' : ''}`}
                    data-state={answered ? 'answered' : 'unanswered'}
                    data-flagged={flags[i] ? 'true' : undefined}
                    className={`relative grid h-8 w-full place-items-center rounded-md text-xs font-semibold tabular-nums ring-1 transition ${answered ? 'bg-brand-600 text-white ring-brand-600' : 'bg-white text-slate-700 ring-slate-300 hover:bg-slate-50'} ${i === index ? 'outline-2 outline-offset-1 outline-slate-900' : ''}`}
                  >
                    {i + 1}
                    {flags[i] && <span className="absolute -right-1 -top-1 h-2.5 w-2.5 rounded-full bg-amber-400 ring-2 ring-white" aria-hidden />}
                  </button>
                </li>
              );
            })}
          </ol>
          <ul className="mt-3 flex flex-wrap gap-x-3 gap-y-1 text-xs text-slate-500">
            <li className="inline-flex items-center gap-1"><span className="h-2.5 w-2.5 rounded-sm bg-brand-600" aria-hidden /> answered</li>
            <li className="inline-flex items-center gap-1"><span className="h-2.5 w-2.5 rounded-sm ring-1 ring-slate-300" aria-hidden /> unanswered</li>
            <li className="inline-flex items-center gap-1"><span className="h-2.5 w-2.5 rounded-full bg-amber-400" aria-hidden /> flagged</li>
          </ul>
          <button type="button" className="btn-primary mt-4 w-full" onClick={() => setConfirming(true)} disabled={submitting}>
            <Send className="h-4 w-4" aria-hidden /> Submit exam
          </button>
        </aside>
      </div>

      {confirming && (
        <div className="fixed inset-0 z-50 grid place-items-end bg-slate-900/40 p-0 sm:place-items-center sm:p-4" onClick={() => setConfirming(false)}>
          <div
            role="dialog"
            aria-modal="true"
            aria-labelledby="confirm-h"
            className="w-full max-w-md rounded-t-2xl bg-white p-5 shadow-xl sm:rounded-2xl"
            onClick={(e) => e.stopPropagation()}
            onKeyDown={(e) => e.key === 'Escape' && setConfirming(false)}
            data-testid="submit-confirm"
          >
            <h2 id="confirm-h" className="text-lg font-semibold">Submit the exam?</h2>
            {unanswered.length ? (
              <div className="mt-2 text-sm text-slate-700">
                <p className="flex items-start gap-2 text-amber-800">
                  <AlertTriangle className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
                  {unanswered.length} item{unanswered.length === 1 ? ' is' : 's are'} unanswered and will be scored as wrong:
                </p>
                <ul className="mt-2 flex flex-wrap gap-1.5" data-testid="unanswered-list">
                  {unanswered.map((i) => (
                    <li key={i}>
                      <button type="button" className="rounded-md bg-white px-2 py-1 text-xs font-semibold tabular-nums ring-1 ring-slate-300 hover:bg-slate-50" onClick={() => go(i)}>
                        {i + 1}
                      </button>
                    </li>
                  ))}
                </ul>
              </div>
            ) : (
              <p className="mt-2 text-sm text-slate-700">Every item has an answer.{flaggedCount ? ` ${flaggedCount} still flagged.` : ''}</p>
            )}
            <p className="mt-3 text-xs text-slate-500">After submitting you cannot change answers. You will see your score report and every rationale.</p>
            <div className="mt-5 flex flex-wrap justify-end gap-2">
              <button type="button" className="btn-secondary" onClick={() => setConfirming(false)} autoFocus>Keep working</button>
              <button type="button" className="btn-primary" onClick={submit} disabled={submitting}>
                {submitting && <Loader2 className="h-4 w-4 animate-spin" aria-hidden />}
                Submit now
              </button>
            </div>
          </div>
        </div>
      )}
    </div>
  );
}
