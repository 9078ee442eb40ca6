'use client';
import { useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { Loader2, Timer } from 'lucide-react';
import { startMockExam } from '../actions';

export function StartMock({ options }: { options: { items: number; minutes: number }[] }) {
  const [length, setLength] = useState(options[0].items);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const router = useRouter();
  return (
    <div>
      <fieldset className="mt-3 grid gap-2 sm:grid-cols-3">
        <legend className="sr-only">Exam length</legend>
        {options.map((o) => (
          <label key={o.items} className={`flex cursor-pointer items-center gap-3 rounded-lg border px-3 py-3 text-sm transition ${length === o.items ? 'border-brand-500 bg-brand-50 ring-1 ring-brand-500' : 'border-slate-200 hover:bg-slate-50'}`}>
            <input type="radio" name="length" value={o.items} checked={length === o.items} onChange={() => setLength(o.items)} className="accent-brand-600" />
            <span>
              <span className="block font-semibold text-slate-900">{o.items} items</span>
              <span className="block text-xs text-slate-500">{o.minutes} minutes</span>
            </span>
          </label>
        ))}
      </fieldset>
      {error && <p role="alert" className="mt-3 text-sm text-red-700">{error}</p>}
      <div className="mt-4 flex flex-wrap items-center justify-between gap-3">
        <p className="text-xs text-slate-500">The clock starts when you press Start and keeps running if you leave the page.</p>
        <button
          type="button"
          className="btn-primary"
          disabled={pending}
          onClick={() =>
            start(async () => {
              const r = await startMockExam({ length });
              if (r.ok) router.push(`/practice/mock/${r.data.id}`);
              else setError(r.error);
            })
          }
        >
          {pending ? <Loader2 className="h-4 w-4 animate-spin" aria-hidden /> : <Timer className="h-4 w-4" aria-hidden />}
          Start the exam
        </button>
      </div>
    </div>
  );
}
