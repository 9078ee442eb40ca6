// A learner's progress, computed from what is stored (responses, completed lessons, review cards). Pure, so it
// is tested on its own; days are UTC calendar days.
import { CATEGORIES, type CategoryId } from '@/content/schema';

export interface ResponseRow {
  questionId: string;
  correct: boolean;
  answeredAt: Date;
}

export interface CategoryProgress {
  category: CategoryId;
  label: string;
  answered: number;
  correct: number;
  /** percent of answers correct */
  accuracy: number | null;
  /** distinct items whose latest answer was right */
  mastered: number;
  /** practice items in the bank for this category */
  bankItems: number;
  /** mastered / bankItems, percent */
  mastery: number;
}

export interface DayPoint {
  date: string;
  answered: number;
  /** per category: cumulative accuracy and mastery (percent) as of the end of that day */
  [key: string]: number | string | null;
}

export interface Progress {
  answered: number;
  correct: number;
  accuracy: number | null;
  categories: CategoryProgress[];
  days: DayPoint[];
  streak: { current: number; longest: number; activeDays: number; lastActive: string | null };
}

const day = (d: Date) => d.toISOString().slice(0, 10);

function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return day(d);
}

/** Consecutive days with any activity: the current run (alive if it reached today or yesterday) and the longest. */
export function streaks(activity: Date[], now: Date): Progress['streak'] {
  const days = [...new Set(activity.map(day))].sort();
  let longest = 0;
  let run = 0;
  let prev: string | null = null;
  for (const d of days) {
    run = prev && addDays(prev, 1) === d ? run + 1 : 1;
    longest = Math.max(longest, run);
    prev = d;
  }
  const today = day(now);
  const set = new Set(days);
  let current = 0;
  let cursor = set.has(today) ? today : addDays(today, -1);
  while (set.has(cursor)) {
    current += 1;
    cursor = addDays(cursor, -1);
  }
  return { current, longest, activeDays: days.length, lastActive: days.at(-1) ?? null };
}

export function computeProgress(
  responses: ResponseRow[],
  lessonDates: Date[],
  bank: Map<string, { category: CategoryId }>,
  now: Date,
  chartDays = 30,
): Progress {
  const bankCount = new Map<CategoryId, number>();
  for (const [id, q] of bank) if (!id.startsWith('check-')) bankCount.set(q.category, (bankCount.get(q.category) ?? 0) + 1);
  const sorted = responses.filter((r) => bank.has(r.questionId)).sort((a, b) => a.answeredAt.getTime() - b.answeredAt.getTime());

  const answered = new Map<CategoryId, number>();
  const correct = new Map<CategoryId, number>();
  const latest = new Map<string, boolean>();
  const masteredIn = (c: CategoryId) => [...latest].filter(([id, ok]) => ok && bank.get(id)?.category === c).length;
  const cats = (Object.keys(CATEGORIES) as CategoryId[]).filter((c) => bankCount.get(c));

  // walk the answers in time order, recording the state at the end of each day in the chart window
  // from the day before the first answer (at least a week, at most chartDays), so a new learner's chart is not empty
  const earliest = addDays(day(now), -(chartDays - 1));
  const start = sorted.length ? addDays(day(sorted[0].answeredAt), -1) : earliest;
  const first = [start, earliest, addDays(day(now), -6)].sort()[1];
  const points: DayPoint[] = [];
  let i = 0;
  for (let d = first; d <= day(now); d = addDays(d, 1)) {
    let today = 0;
    while (i < sorted.length && day(sorted[i].answeredAt) <= d) {
      const r = sorted[i++];
      const c = bank.get(r.questionId)!.category;
      answered.set(c, (answered.get(c) ?? 0) + 1);
      if (r.correct) correct.set(c, (correct.get(c) ?? 0) + 1);
      latest.set(r.questionId, r.correct);
      if (day(r.answeredAt) === d) today += 1;
    }
    const point: DayPoint = { date: d, answered: today };
    for (const c of cats) {
      const n = answered.get(c) ?? 0;
      point[`${c}:accuracy`] = n ? Math.round((100 * (correct.get(c) ?? 0)) / n) : null;
      point[`${c}:mastery`] = Math.round((1000 * masteredIn(c)) / (bankCount.get(c) ?? 1)) / 10;
    }
    points.push(point);
  }
  // answers after "now" (a clock set back in tests) still count in the totals
  while (i < sorted.length) {
    const r = sorted[i++];
    const c = bank.get(r.questionId)!.category;
    answered.set(c, (answered.get(c) ?? 0) + 1);
    if (r.correct) correct.set(c, (correct.get(c) ?? 0) + 1);
    latest.set(r.questionId, r.correct);
  }

  const categories = cats.map((c) => {
    const n = answered.get(c) ?? 0;
    const ok = correct.get(c) ?? 0;
    const mastered = masteredIn(c);
    return {
      category: c,
      label: CATEGORIES[c].label,
      answered: n,
      correct: ok,
      accuracy: n ? Math.round((100 * ok) / n) : null,
      mastered,
      bankItems: bankCount.get(c) ?? 0,
      mastery: Math.round((1000 * mastered) / (bankCount.get(c) ?? 1)) / 10,
    };
  });
  const total = sorted.length;
  const right = sorted.filter((r) => r.correct).length;
  return {
    answered: total,
    correct: right,
    accuracy: total ? Math.round((100 * right) / total) : null,
    categories,
    days: points,
    streak: streaks([...responses.map((r) => r.answeredAt), ...lessonDates], now),
  };
}
