'use client';
// The running clock against the scenario's time budget: turns amber in the last fifth, red past the budget.
import { useEffect, useState } from 'react';
import { Timer as TimerIcon } from 'lucide-react';

const mmss = (ms: number) => {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

export function Timer({ startedAt, budgetMinutes }: { startedAt: string; budgetMinutes: number }) {
  const start = new Date(startedAt).getTime();
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const elapsed = now === null ? 0 : now - start;
  const budget = budgetMinutes * 60_000;
  const tone = elapsed > budget ? 'bg-red-50 text-red-800 ring-red-200' : elapsed > budget * 0.8 ? 'bg-amber-50 text-amber-900 ring-amber-200' : 'bg-slate-50 text-slate-800 ring-slate-200';
  return (
    <p className={`inline-flex items-center gap-2 rounded-full px-3 py-1 text-sm font-medium tabular-nums ring-1 ${tone}`} data-testid="scenario-timer">
      <TimerIcon className="h-4 w-4" aria-hidden />
      <span>{now === null ? '--:--' : mmss(elapsed)}</span>
      <span className="text-slate-500">of {budgetMinutes} min</span>
      {elapsed > budget && <span>· over budget</span>}
    </p>
  );
}
