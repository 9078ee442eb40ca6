'use client';
// The cohort's readiness by ARRT category and its distribution of mock-exam scores (recharts draws in the
// browser only, so the charts appear after hydration; the same figures are in the tables and CSV).
import { useEffect, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

const COLORS: Record<string, string> = { 'patient-care': '#7c3aed', safety: '#d97706', 'image-production': '#0e7a84', procedures: '#2563eb' };

function useMounted() {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return mounted;
}

export function ReadinessChart({ data }: { data: { category: string; label: string; mastered: number; meanMastery: number }[] }) {
  const mounted = useMounted();
  return (
    <div className="h-56 w-full" data-testid="readiness-chart">
      {mounted && (
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} layout="vertical" margin={{ top: 4, right: 16, bottom: 0, left: 8 }}>
            <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" domain={[0, 100]} unit="%" tick={{ fontSize: 11, fill: '#64748b' }} />
            <YAxis type="category" dataKey="label" width={110} tick={{ fontSize: 11, fill: '#334155' }} />
            <Tooltip formatter={(v) => [`${v}% of students`, 'Mastered']} labelStyle={{ fontWeight: 600 }} />
            <Bar dataKey="mastered" isAnimationActive={false} radius={[0, 3, 3, 0]}>
              {data.map((d) => <Cell key={d.category} fill={COLORS[d.category] ?? '#475569'} />)}
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      )}
    </div>
  );
}

export function MockScoreChart({ data }: { data: { band: string; count: number }[] }) {
  const mounted = useMounted();
  return (
    <div className="h-56 w-full" data-testid="mock-chart">
      {mounted && (
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: -24 }}>
            <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="band" tick={{ fontSize: 10, fill: '#64748b' }} interval={0} angle={-30} textAnchor="end" height={40} />
            <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: '#64748b' }} />
            <Tooltip formatter={(v) => [v, 'Mock exams']} labelFormatter={(l) => `${l}% correct`} />
            <Bar dataKey="count" fill="#0e7a84" isAnimationActive={false} radius={[3, 3, 0, 0]} />
          </BarChart>
        </ResponsiveContainer>
      )}
    </div>
  );
}
