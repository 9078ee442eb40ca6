// Spaced review: one ReviewCard per (learner, bank item), created when the item is missed or flagged, scheduled
// with FSRS (app/_lib/fsrs.ts) after every review answer. Takes the database and "now" from the caller, so the
// pages use the request clock (app/_lib/clock.ts) and the tests their own.
import type { Db } from '@/prisma/db';
import { HttpError } from './errors';
import { describeInterval, fromSnapshot, newCard, ratingFor, ratingNumber, schedule, snapshot, type CardFields, type ReviewRating } from './fsrs';

type Tx = Pick<Db, 'reviewCard'>;

function fieldsOf(row: CardFields): CardFields {
  const { due, stability, difficulty, elapsedDays, scheduledDays, learningSteps, reps, lapses, state, lastReview } = row;
  return { due, stability, difficulty, elapsedDays, scheduledDays, learningSteps, reps, lapses, state, lastReview };
}

/** A missed item: its card is created if needed and rated Again, so it comes back within minutes and then daily. */
export async function recordMiss(db: Tx, userId: string, questionId: string, now: Date): Promise<void> {
  const existing = await db.reviewCard.findUnique({ where: { userId_questionId: { userId, questionId } } });
  const before = existing ? fieldsOf(existing) : newCard(now);
  const after = schedule(before, 'again', now);
  const data = { ...after, lastRating: ratingNumber('again'), previous: snapshot(before) };
  if (existing) await db.reviewCard.update({ where: { id: existing.id }, data });
  else {
    // create, not upsert: a non-native upsert is a transaction, and this is on the answer path
    try {
      await db.reviewCard.create({ data: { userId, questionId, ...data } });
    } catch (error) {
      if ((error as { code?: string }).code !== 'P2002') throw error;
      await db.reviewCard.update({ where: { userId_questionId: { userId, questionId } }, data });
    }
  }
}

/** Flags (or unflags) an item for review. A flagged item with no card gets a new one, due now. */
export async function setFlag(db: Tx, userId: string, questionId: string, flagged: boolean, now: Date): Promise<{ flagged: boolean }> {
  const where = { userId_questionId: { userId, questionId } };
  if (flagged) {
    await db.reviewCard.upsert({ where, update: { flagged: true }, create: { userId, questionId, flagged: true, ...newCard(now) } });
    return { flagged: true };
  }
  const existing = await db.reviewCard.findUnique({ where });
  if (!existing) return { flagged: false };
  // a card that only existed because of the flag, never reviewed or missed, goes with it
  if (existing.reps === 0) await db.reviewCard.delete({ where: { id: existing.id } });
  else await db.reviewCard.update({ where: { id: existing.id }, data: { flagged: false } });
  return { flagged: false };
}

export interface ReviewOutcome {
  due: string;
  /** "in 3 days" */
  next: string;
  rating: ReviewRating;
}

/** A review answer: Again when wrong, Good when right (the learner may re-rate a right answer Hard or Easy). */
export async function answerReview(db: Tx, userId: string, questionId: string, correct: boolean, now: Date): Promise<ReviewOutcome> {
  const existing = await db.reviewCard.findUnique({ where: { userId_questionId: { userId, questionId } } });
  const before = existing ? fieldsOf(existing) : newCard(now);
  const rating = ratingFor(correct);
  const after = schedule(before, rating, now);
  const data = { ...after, lastRating: ratingNumber(rating), previous: snapshot(before) };
  if (existing) await db.reviewCard.update({ where: { id: existing.id }, data });
  else await db.reviewCard.create({ data: { userId, questionId, ...data } });
  return { due: after.due.toISOString(), next: describeInterval(now, after.due), rating };
}

/** Re-rates the last review of a right answer as Hard or Easy: scheduled again from the card as it was before. */
export async function rerateReview(db: Tx, userId: string, questionId: string, rating: 'hard' | 'good' | 'easy'): Promise<ReviewOutcome> {
  const card = await db.reviewCard.findUnique({ where: { userId_questionId: { userId, questionId } } });
  const before = fromSnapshot(card?.previous);
  if (!card || !before || !card.lastReview || card.lastRating === ratingNumber('again')) {
    throw new HttpError(409, 'Only a review you answered correctly can be rated Hard, Good or Easy.');
  }
  const at = card.lastReview;
  const after = schedule(before, rating, at);
  await db.reviewCard.update({ where: { id: card.id }, data: { ...after, lastRating: ratingNumber(rating) } });
  return { due: after.due.toISOString(), next: describeInterval(at, after.due), rating };
}

export async function dueCount(db: Tx, userId: string, now: Date): Promise<number> {
  return db.reviewCard.count({ where: { userId, due: { lte: now } } });
}

export async function dueCards(db: Tx, userId: string, now: Date, take = 50) {
  return db.reviewCard.findMany({ where: { userId, due: { lte: now } }, orderBy: { due: 'asc' }, take });
}

/** The next card to come due after `now`, for the "nothing due" message. */
export async function nextDue(db: Tx, userId: string, now: Date): Promise<Date | null> {
  const row = await db.reviewCard.findFirst({ where: { userId, due: { gt: now } }, orderBy: { due: 'asc' }, select: { due: true } });
  return row?.due ?? null;
}
