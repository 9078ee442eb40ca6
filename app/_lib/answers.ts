// Grading one answer and recording it: the one path behind the answerQuestion server action and
// POST /api/answers. The key and rationales are returned only after the answer is stored.
// The hot path is one parameterised statement for a right answer (the response, inserted with its attempt found
// by the attempt's unique (user, mode, set) in the same statement) and, for a miss or a review answer, one read
// and one upsert of its review card; the set's first answer also inserts the attempt. Raw SQL rather than
// Prisma's create()/findUnique(): Prisma 7 spends ~0.3 ms of CPU planning each call, and at 100 students
// answering back to back one Node process is CPU-bound (issue 7). None of it is a transaction: on SQLite the
// driver adapter runs transactions one at a time, which queued concurrent students behind each other.
import { z } from 'zod';
import type { Db } from '@/prisma/db';
import { cuid } from './cuid';
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

/** The key and rationales of an item, built once per item (the bank is loaded once per process). */
const revealed = new WeakMap<LoadedQuestion, Pick<Graded, 'key' | 'rationales'>>();

function revealedFor(question: LoadedQuestion): Pick<Graded, 'key' | 'rationales'> {
  let r = revealed.get(question);
  if (!r) {
    r = Object.freeze({
      key: Object.freeze([...question.key]) as string[],
      rationales: Object.freeze(Object.fromEntries(question.options.map((o) => [o.id, o.rationale]))),
    });
    revealed.set(question, r);
  }
  return r;
}

type Raw = Pick<Db, '$executeRaw' | '$queryRaw'>;

interface Row {
  userId: string;
  mode: string;
  setKey: string;
  questionId: string;
  answer: string;
  correct: boolean;
  now: Date;
}

/** Inserts the response into the attempt of (user, mode, set) if that attempt exists; false when it does not. */
async function insertResponse(db: Raw, r: Row): Promise<boolean> {
  const inserted = await db.$executeRaw`INSERT INTO "Response" ("id", "attemptId", "questionId", "answer", "correct", "answeredAt") SELECT ${cuid()}, "id", ${r.questionId}, ${r.answer}, ${r.correct}, ${r.now} FROM "QuizAttempt" WHERE "userId" = ${r.userId} AND "mode" = ${r.mode} AND "setKey" = ${r.setKey}`;
  return inserted === 1;
}

/**
 * Stores one response, creating its attempt on the set's first answer. The attempt insert does nothing when two
 * first answers of one set race (the unique (user, mode, set) keeps one); either way the response then goes in.
 */
async function storeResponse(db: Raw, r: Row): Promise<void> {
  if (await insertResponse(db, r)) return;
  await db.$executeRaw`INSERT INTO "QuizAttempt" ("id", "userId", "mode", "setKey", "startedAt") VALUES (${cuid()}, ${r.userId}, ${r.mode}, ${r.setKey}, ${r.now}) ON CONFLICT ("userId", "mode", "setKey") DO NOTHING`;
  if (!(await insertResponse(db, r))) throw new Error(`the attempt for ${r.mode} ${r.setKey} could not be stored`);
}

export async function submitAnswer(db: Db, userId: string, input: AnswerInput, now: Date): Promise<Graded> {
  const question = questionOr404(input.questionId);
  const answer = input.answer.filter((id) => question.options.some((o) => o.id === id));
  const correct = answer.length === input.answer.length && gradeAnswer(question, answer);
  const setKey = setKeyFor(input, question, now);
  await storeResponse(db, { userId, mode: input.mode, setKey, questionId: question.id, answer: JSON.stringify(input.answer), correct, now });
  const graded: Graded = { correct, ...revealedFor(question) };
  if (input.mode === 'review') graded.review = await answerReview(db, userId, question.id, correct, now);
  else if (!correct) {
    await recordMiss(db, userId, question.id, now);
    graded.addedToReview = true;
  }
  return graded;
}
