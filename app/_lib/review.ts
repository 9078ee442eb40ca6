// Spaced review: one ReviewCard per (learner, bank item), created when the item is missed or flagged, scheduled
// with FSRS (app/_lib/fsrs.ts) after every review answer. Takes the database and "now" from the caller, so the
// pages use the request clock (app/_lib/clock.ts) and the tests their own.
import type { Db } from '@/prisma/db';
import { cuid } from './cuid';
import { HttpError } from './errors';
import { describeInterval, fromSnapshot, newCard, ratingFor, ratingNumber, schedule, snapshot, type CardFields, type ReviewRating } from './fsrs';

type Tx = Pick<Db, 'reviewCard'>;
type Raw = Pick<Db, '$executeRaw' | '$queryRaw'>;

/** The scheduling fields of a learner's card for an item, or null when there is none (one indexed read). */
async function readCard(db: Raw, userId: string, questionId: string): Promise<CardFields | null> {
  const rows = await db.$queryRaw<CardFields[]>`SELECT "due", "stability", "difficulty", "elapsedDays", "scheduledDays", "learningSteps", "reps", "lapses", "state", "lastReview" FROM "ReviewCard" WHERE "userId" = ${userId} AND "questionId" = ${questionId}`;
  const row = rows[0];
  if (!row) return null;
  // SQLite hands integers back as numbers or bigints depending on the column's declared type: normalise
  return {
    due: new Date(row.due),
    stability: Number(row.stability),
    difficulty: Number(row.difficulty),
    elapsedDays: Number(row.elapsedDays),
    scheduledDays: Number(row.scheduledDays),
    learningSteps: Number(row.learningSteps),
    reps: Number(row.reps),
    lapses: Number(row.lapses),
    state: Number(row.state),
    lastReview: row.lastReview === null ? null : new Date(row.lastReview),
  };
}

/**
 * Schedules a card with `rating` at `now` and stores it: one native upsert (INSERT … ON CONFLICT on the unique
 * (user, item), SQLite and PostgreSQL alike), so a first miss needs no create-then-update retry and no
 * transaction. A new card is not flagged; an existing card keeps its flag.
 */
async function reviewCard(db: Raw, userId: string, questionId: string, rating: ReviewRating, now: Date): Promise<CardFields> {
  const before = (await readCard(db, userId, questionId)) ?? newCard(now);
  const a = schedule(before, rating, now);
  const lastRating = ratingNumber(rating);
  const previous = JSON.stringify(snapshot(before));
  await db.$executeRaw`INSERT INTO "ReviewCard" ("id", "userId", "questionId", "flagged", "due", "stability", "difficulty", "elapsedDays", "scheduledDays", "learningSteps", "reps", "lapses", "state", "lastReview", "lastRating", "previous", "createdAt")
    VALUES (${cuid()}, ${userId}, ${questionId}, ${false}, ${a.due}, ${a.stability}, ${a.difficulty}, ${a.elapsedDays}, ${a.scheduledDays}, ${a.learningSteps}, ${a.reps}, ${a.lapses}, ${a.state}, ${a.lastReview}, ${lastRating}, ${previous}, ${new Date()})
    ON CONFLICT ("userId", "questionId") DO UPDATE SET "due" = excluded."due", "stability" = excluded."stability", "difficulty" = excluded."difficulty", "elapsedDays" = excluded."elapsedDays", "scheduledDays" = excluded."scheduledDays", "learningSteps" = excluded."learningSteps", "reps" = excluded."reps", "lapses" = excluded."lapses", "state" = excluded."state", "lastReview" = excluded."lastReview", "lastRating" = excluded."lastRating", "previous" = excluded."previous"`;
  return a;
}

/** A missed item: its card is created if needed and rated Again, so it comes back within minutes and then daily. */
export async function recordMiss(db: Raw, userId: string, questionId: string, now: Date): Promise<void> {
  await reviewCard(db, userId, questionId, 'again', now);
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
export async function answerReview(db: Raw, userId: string, questionId: string, correct: boolean, now: Date): Promise<ReviewOutcome> {
  const rating = ratingFor(correct);
  const after = await reviewCard(db, userId, questionId, rating, now);
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
