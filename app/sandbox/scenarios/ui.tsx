// Small pieces both scenario pages show: the difficulty and status badges and the lesson links.
import Link from 'next/link';
import { BookOpen } from 'lucide-react';
import { slugifyHeading } from '@/content/lessons';
import type { Difficulty, Scenario } from '@/content/scenarios';

const DIFFICULTY_TONE: Record<Difficulty, string> = {
  'warm-up': 'bg-emerald-50 text-emerald-800',
  standard: 'bg-sky-50 text-sky-800',
  challenge: 'bg-violet-50 text-violet-800',
};

export function DifficultyBadge({ d }: { d: Difficulty }) {
  return <span className={`badge ${DIFFICULTY_TONE[d]}`} data-testid="scenario-difficulty">{d}</span>;
}

const STATUS_TONE: Record<string, string> = {
  'in-progress': 'bg-amber-50 text-amber-900',
  passed: 'bg-emerald-50 text-emerald-800',
  abandoned: 'bg-slate-100 text-slate-600',
};

export function AttemptBadge({ status }: { status: string }) {
  return <span className={`badge ${STATUS_TONE[status] ?? 'bg-slate-100 text-slate-600'}`} data-testid="attempt-status" data-status={status}>{status}</span>;
}

export function LessonLinks({ lessons }: { lessons: Scenario['lessons'] }) {
  return (
    <ul className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
      {lessons.map((l) => (
        <li key={`${l.slug}#${l.heading}`}>
          <Link className="inline-flex items-center gap-1 font-medium text-brand-700 hover:underline" href={`/learn/${l.slug}#${slugifyHeading(l.heading)}`}>
            <BookOpen className="h-3.5 w-3.5" aria-hidden /> {l.heading}
          </Link>
        </li>
      ))}
    </ul>
  );
}
