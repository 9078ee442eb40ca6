'use client';
// Mastery or accuracy per category over the last 30 days (recharts draws in the browser only).
import { useEffect, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

const COLORS: Record<string, string> = { 'patient-care': '#7c3aed', safety: '#d97706', 'image-production': '#0e7a84', procedures: '#2563eb' };

export function ProgressChart({ days, categories }: { days: Record<string, number | string | null>[]; categories: { id: string; label: string }[] }) {
  const [metric, setMetric] = useState<'mastery' | 'accuracy'>('mastery');
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return (
    <div>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-xs text-slate-500">
          {metric === 'mastery' ? 'Share of the bank’s items in each category whose latest answer was right.' : 'Share of all your answers that were right, to date.'}
        </p>
        <div role="group" aria-label="Metric" className="inline-flex rounded-md ring-1 ring-slate-300">
          {(['mastery', 'accuracy'] as const).map((m) => (
            <button
              key={m}
              type="button"
              aria-pressed={metric === m}
              onClick={() => setMetric(m)}
              className={`px-3 py-1 text-xs font-medium capitalize first:rounded-l-md last:rounded-r-md ${metric === m ? 'bg-brand-600 text-white' : 'bg-white text-slate-700 hover:bg-slate-50'}`}
            >
              {m}
            </button>
          ))}
        </div>
      </div>
      <div className="mt-3 h-64 w-full min-w-0 overflow-hidden" data-testid="progress-chart">
        {mounted && (
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={days} margin={{ top: 8, right: 12, bottom: 0, left: -18 }}>
              <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
              <XAxis dataKey="date" tickFormatter={(d: string) => d.slice(5)} tick={{ fontSize: 11, fill: '#64748b' }} minTickGap={24} />
              <YAxis domain={[0, 100]} unit="%" tick={{ fontSize: 11, fill: '#64748b' }} />
              <Tooltip formatter={(v) => (v == null ? '–' : `${v}%`)} labelStyle={{ fontWeight: 600 }} />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              {categories.map((c) => (
                <Line key={c.id} type="monotone" dataKey={`${c.id}:${metric}`} name={c.label} stroke={COLORS[c.id] ?? '#475569'} strokeWidth={2} dot={false} connectNulls isAnimationActive={false} />
              ))}
            </LineChart>
          </ResponsiveContainer>
        )}
      </div>
    </div>
  );
}
