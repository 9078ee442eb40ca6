// Timed mock exams: a form drawn by the blueprint (content/exam-blueprint.ts), answers saved item by item while
// the clock runs (never graded before submit), graded on the server at submit or when time is up, with a
// report by category and sub-category and an estimated scaled score (content/scaled-score.ts).
// The server's clock is the truth: the deadline is startedAt + timeLimitSec; a save after it (plus a few
// seconds' grace for the request in flight) submits the exam instead.
import type { Db } from '@/prisma/db';
import { gradeAnswer } from '@/content/grade';
import { MOCK_LENGTHS, sampleForm } from '@/content/exam-blueprint';
import { estimateScaledScore, PASSING_SCALED } from '@/content/scaled-score';
import { CATEGORIES, type CategoryId } from '@/content/schema';
import { questionBank } from './content';
import { HttpError } from './errors';
import { recordMiss } from './review';

export const SAVE_GRACE_MS = 5_000;

export interface ScoreLine {
  category: CategoryId;
  label: string;
  subcategory?: string;
  correct: number;
  total: number;
  percent: number;
}

export interface MockResult {
  correct: number;
  total: number;
  answered: number;
  percent: number;
  /** an ESTIMATE on ARRT's 1–99 reporting scale (see content/scaled-score.ts) */
  scaledEstimate: number;
  passEstimate: boolean;
  durationSec: number;
  timedOut: boolean;
  byCategory: ScoreLine[];
  bySubcategory: ScoreLine[];
}

export function deadlineOf(attempt: { startedAt: Date; timeLimitSec: number | null }): Date {
  return new Date(attempt.startedAt.getTime() + (attempt.timeLimitSec ?? 0) * 1000);
}

/** Starts a mock exam of one of the offered lengths, items drawn with `random`. */
export async function startMock(db: Db, userId: string, length: number, now: Date, random: () => number = Math.random) {
  const option = MOCK_LENGTHS.find((o) => o.items === length);
  if (!option) throw new HttpError(422, `Choose ${MOCK_LENGTHS.map((o) => o.items).join(', ')} items.`);
  const pool = [...questionBank().values()].filter((q) => !q.id.startsWith('check-'));
  const form = sampleForm(pool, option.items, random);
  return db.quizAttempt.create({
    data: {
      userId,
      mode: 'mock',
      startedAt: now,
      timeLimitSec: option.minutes * 60,
      items: { create: form.map((q, position) => ({ position, questionId: q.id })) },
    },
    select: { id: true },
  });
}

export async function loadMock(db: Db, userId: string, attemptId: string) {
  const attempt = await db.quizAttempt.findFirst({
    where: { id: attemptId, userId, mode: 'mock' },
    include: { items: { orderBy: { position: 'asc' } } },
  });
  if (!attempt) throw new HttpError(404, 'There is no such mock exam on this account.');
  return attempt;
}

/** The unfinished mock exam this learner can resume, if any. */
export async function openMock(db: Db, userId: string, now: Date) {
  const rows = await db.quizAttempt.findMany({ where: { userId, mode: 'mock', submittedAt: null }, orderBy: { startedAt: 'desc' }, take: 5 });
  return rows.find((a) => deadlineOf(a).getTime() > now.getTime()) ?? null;
}

/** Saves the answer and/or flag of one item while the exam is open. */
export async function saveMockItem(
  db: Db,
  userId: string,
  attemptId: string,
  position: number,
  change: { answer?: string[] | null; flagged?: boolean },
  now: Date,
): Promise<{ saved: true } | { saved: false; submitted: true }> {
  const attempt = await db.quizAttempt.findFirst({ where: { id: attemptId, userId, mode: 'mock' }, select: { id: true, startedAt: true, timeLimitSec: true, submittedAt: true } });
  if (!attempt) throw new HttpError(404, 'There is no such mock exam on this account.');
  if (attempt.submittedAt) throw new HttpError(409, 'This exam has been submitted; answers can no longer change.');
  if (now.getTime() > deadlineOf(attempt).getTime() + SAVE_GRACE_MS) {
    await submitMock(db, userId, attemptId, now);
    return { saved: false, submitted: true };
  }
  const data: { answer?: string | null; flagged?: boolean } = {};
  if (change.answer !== undefined) data.answer = change.answer && change.answer.length ? JSON.stringify(change.answer) : null;
  if (change.flagged !== undefined) data.flagged = change.flagged;
  const { count } = await db.attemptItem.updateMany({ where: { attemptId, position }, data });
  if (count !== 1) throw new HttpError(404, 'There is no such item in this exam.');
  return { saved: true };
}

function line(category: CategoryId, subcategory: string | undefined, correct: number, total: number): ScoreLine {
  return { category, label: CATEGORIES[category].label, ...(subcategory ? { subcategory } : {}), correct, total, percent: total ? Math.round((1000 * correct) / total) / 10 : 0 };
}

/** Grades every item (unanswered counts as wrong, as on the registry) into the report. Pure. */
export function gradeMock(items: { questionId: string; answer: string | null }[], durationSec: number, timedOut: boolean): { result: MockResult; correctness: boolean[] } {
  const bank = questionBank();
  const cats = new Map<CategoryId, [number, number]>();
  const subs = new Map<string, [number, number]>();
  const correctness = items.map((item) => {
    const q = bank.get(item.questionId);
    if (!q) return false; // an item removed from the bank since: counted wrong, shown as withdrawn
    const answer = item.answer ? (JSON.parse(item.answer) as string[]) : null;
    const ok = answer !== null && gradeAnswer(q, answer);
    const c = cats.get(q.category) ?? [0, 0];
    cats.set(q.category, [c[0] + (ok ? 1 : 0), c[1] + 1]);
    const k = `${q.category}\u0000${q.subcategory}`;
    const s = subs.get(k) ?? [0, 0];
    subs.set(k, [s[0] + (ok ? 1 : 0), s[1] + 1]);
    return ok;
  });
  const correct = correctness.filter(Boolean).length;
  const total = items.length;
  const percent = total ? Math.round((1000 * correct) / total) / 10 : 0;
  const order = Object.keys(CATEGORIES) as CategoryId[];
  const byCategory = order.filter((c) => cats.has(c)).map((c) => line(c, undefined, ...cats.get(c)!));
  const bySubcategory = [...subs.entries()]
    .map(([k, [ok, n]]) => {
      const [c, sub] = k.split('\u0000') as [CategoryId, string];
      return line(c, sub, ok, n);
    })
    .sort((a, b) => order.indexOf(a.category) - order.indexOf(b.category) || (CATEGORIES[a.category].subcategories as readonly string[]).indexOf(a.subcategory!) - (CATEGORIES[b.category].subcategories as readonly string[]).indexOf(b.subcategory!));
  const scaledEstimate = estimateScaledScore(percent);
  return {
    result: {
      correct,
      total,
      answered: items.filter((i) => i.answer).length,
      percent,
      scaledEstimate,
      passEstimate: scaledEstimate >= PASSING_SCALED,
      durationSec,
      timedOut,
      byCategory,
      bySubcategory,
    },
    correctness,
  };
}

/**
 * Submits (idempotent: a second submit returns the first result). Grades, stores the result, records each
 * answered item as a Response (so progress counts it), and puts every missed item into spaced review.
 */
export async function submitMock(db: Db, userId: string, attemptId: string, now: Date): Promise<MockResult> {
  const attempt = await loadMock(db, userId, attemptId);
  if (attempt.submittedAt && attempt.result) return attempt.result as unknown as MockResult;
  const deadline = deadlineOf(attempt);
  const timedOut = now.getTime() >= deadline.getTime();
  const end = timedOut ? deadline : now;
  const durationSec = Math.max(0, Math.round((end.getTime() - attempt.startedAt.getTime()) / 1000));
  const { result, correctness } = gradeMock(attempt.items, durationSec, timedOut);
  const claimed = await db.$transaction(async (tx) => {
    // claim the submit: only one request gets to grade and write
    const { count } = await tx.quizAttempt.updateMany({ where: { id: attempt.id, submittedAt: null }, data: { submittedAt: end, result: result as never } });
    if (count !== 1) return false;
    for (const [i, item] of attempt.items.entries()) {
      await tx.attemptItem.update({ where: { id: item.id }, data: { correct: correctness[i] } });
    }
    const answered = attempt.items.map((item, i) => ({ item, ok: correctness[i] })).filter(({ item }) => item.answer);
    if (answered.length) {
      await tx.response.createMany({ data: answered.map(({ item, ok }) => ({ attemptId: attempt.id, questionId: item.questionId, answer: item.answer!, correct: ok, answeredAt: end })) });
    }
    return true;
  });
  if (!claimed) {
    const again = await loadMock(db, userId, attemptId);
    return again.result as unknown as MockResult;
  }
  const bank = questionBank();
  for (const [i, item] of attempt.items.entries()) {
    if (!correctness[i] && bank.has(item.questionId)) await recordMiss(db, userId, item.questionId, end);
  }
  return result;
}
