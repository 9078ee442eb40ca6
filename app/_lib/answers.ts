// Grading one answer and recording it: the one path behind the answerQuestion server action and
// POST /api/answers. The key and rationales are returned only after the answer is stored.
// Queries on the hot path, none in a transaction: one indexed read of the attempt (created on a set's first
// answer), one insert of the response, and for a miss or a review answer one read and one write of its card.
import { z } from 'zod';
import type { Db } from '@/prisma/db';
import { gradeAnswer } from '@/content/grade';
import type { LoadedQuestion } from '@/content/questions';
import { questionBank } from './content';
import { HttpError } from './errors';
import { answerReview, recordMiss, type ReviewOutcome } from './review';

export const answerInput = z.object({
  questionId: z.string().regex(/^[a-z0-9-]{1,80}$/, 'unknown question'),
  answer: z.array(z.string().regex(/^[a-f]$/)).min(1, 'Choose an answer first.').max(6),
  mode: z.enum(['practice', 'lesson-check', 'review']),
  /** the practice set this answer belongs to (its seed); answers without one group by day */
  set: z.string().regex(/^[a-z0-9]{1,16}$/).optional(),
});
export type AnswerInput = z.infer<typeof answerInput>;

export interface Graded {
  correct: boolean;
  key: string[];
  rationales: Record<string, string>;
  /** review mode: when the item comes back */
  review?: ReviewOutcome;
  /** a miss outside review mode: the item was added to spaced review */
  addedToReview?: boolean;
}

/** 404 for an id not in the bank (the zod check has already given 422 for a malformed one). */
export function questionOr404(questionId: string): LoadedQuestion {
  const question = questionBank().get(questionId);
  if (!question) throw new HttpError(404, 'There is no such question.');
  return question;
}

function setKeyFor(input: AnswerInput, question: LoadedQuestion, now: Date): string {
  const day = now.toISOString().slice(0, 10);
  if (input.mode === 'lesson-check') return `lesson:${question.lesson.split('#')[0]}`;
  if (input.mode === 'practice' && input.set) return `set:${input.set}`;
  return `day:${day}`;
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === 'P2002';
}

/**
 * The attempt an answer belongs to: found by its unique (user, mode, set), created on the set's first answer.
 * Two plain statements rather than a nested write: a nested write is a transaction, and on SQLite the driver
 * adapter runs transactions one at a time, which queued 100 concurrent students behind each other.
 */
async function attemptFor(db: Db, userId: string, mode: string, setKey: string, now: Date): Promise<string> {
  const where = { userId_mode_setKey: { userId, mode, setKey } };
  const found = await db.quizAttempt.findUnique({ where, select: { id: true } });
  if (found) return found.id;
  try {
    return (await db.quizAttempt.create({ data: { userId, mode, setKey, startedAt: now }, select: { id: true } })).id;
  } catch (error) {
    // two first answers of one set at once: the other request created it
    if (!isUniqueViolation(error)) throw error;
    return (await db.quizAttempt.findUniqueOrThrow({ where, select: { id: true } })).id;
  }
}

export async function submitAnswer(db: Db, userId: string, input: AnswerInput, now: Date): Promise<Graded> {
  const question = questionOr404(input.questionId);
  const answer = input.answer.filter((id) => question.options.some((o) => o.id === id));
  const correct = answer.length === input.answer.length && gradeAnswer(question, answer);
  const setKey = setKeyFor(input, question, now);
  const attemptId = await attemptFor(db, userId, input.mode, setKey, now);
  await db.response.create({
    data: { attemptId, questionId: question.id, answer: JSON.stringify(input.answer), correct, answeredAt: now },
    select: { id: true },
  });
  const graded: Graded = {
    correct,
    key: [...question.key],
    rationales: Object.fromEntries(question.options.map((o) => [o.id, o.rationale])),
  };
  if (input.mode === 'review') graded.review = await answerReview(db, userId, question.id, correct, now);
  else if (!correct) {
    await recordMiss(db, userId, question.id, now);
    graded.addedToReview = true;
  }
  return graded;
}
