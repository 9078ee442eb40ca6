// The one wrapper around ts-fsrs (FSRS spaced-repetition scheduling). Pure: a stored ReviewCard's fields in,
// the next fields out, at a time the caller gives (so tests and the simulated clock decide "now").
// Fuzz is off so that a schedule is reproducible (the e2e "next day" check and the tests rely on it).
import { createEmptyCard, fsrs, Rating, State, type Card, type Grade } from 'ts-fsrs';

const scheduler = fsrs({ enable_fuzz: false, enable_short_term: true });

/** The scheduling fields of a ReviewCard row (prisma/models.prisma), in the app's camelCase. */
export interface CardFields {
  due: Date;
  stability: number;
  difficulty: number;
  elapsedDays: number;
  scheduledDays: number;
  learningSteps: number;
  reps: number;
  lapses: number;
  state: number;
  lastReview: Date | null;
}

export type ReviewRating = 'again' | 'hard' | 'good' | 'easy';
const RATINGS: Record<ReviewRating, Grade> = { again: Rating.Again, hard: Rating.Hard, good: Rating.Good, easy: Rating.Easy };

export function toCard(f: CardFields): Card {
  return {
    due: f.due,
    stability: f.stability,
    difficulty: f.difficulty,
    elapsed_days: f.elapsedDays,
    scheduled_days: f.scheduledDays,
    learning_steps: f.learningSteps,
    reps: f.reps,
    lapses: f.lapses,
    state: f.state as State,
    last_review: f.lastReview ?? undefined,
  };
}

export function fromCard(c: Card): CardFields {
  return {
    due: new Date(c.due),
    stability: c.stability,
    difficulty: c.difficulty,
    elapsedDays: c.elapsed_days,
    scheduledDays: c.scheduled_days,
    learningSteps: c.learning_steps,
    reps: c.reps,
    lapses: c.lapses,
    state: c.state,
    lastReview: c.last_review ? new Date(c.last_review) : null,
  };
}

/** A card never reviewed, due at `now` (a flagged item waits in the queue from the moment it is flagged). */
export function newCard(now: Date): CardFields {
  return fromCard(createEmptyCard(now));
}

/** The card after one review at `now` with `rating`. */
export function schedule(card: CardFields, rating: ReviewRating, now: Date): CardFields {
  return fromCard(scheduler.next(toCard(card), now, RATINGS[rating]).card);
}

/** Again for a wrong answer, Good for a right one; Hard and Easy only when the learner says so. */
export function ratingFor(correct: boolean): ReviewRating {
  return correct ? 'good' : 'again';
}

export function ratingNumber(rating: ReviewRating): number {
  return RATINGS[rating];
}

/** JSON-safe snapshot of a card (for ReviewCard.previous) and back. */
export function snapshot(card: CardFields): { [key: string]: string | number | null } {
  return { ...card, due: card.due.toISOString(), lastReview: card.lastReview?.toISOString() ?? null };
}

export function fromSnapshot(raw: unknown): CardFields | null {
  if (!raw || typeof raw !== 'object') return null;
  const s = raw as Record<string, unknown>;
  if (typeof s.due !== 'string') return null;
  return {
    due: new Date(s.due),
    stability: Number(s.stability),
    difficulty: Number(s.difficulty),
    elapsedDays: Number(s.elapsedDays),
    scheduledDays: Number(s.scheduledDays),
    learningSteps: Number(s.learningSteps),
    reps: Number(s.reps),
    lapses: Number(s.lapses),
    state: Number(s.state),
    lastReview: typeof s.lastReview === 'string' ? new Date(s.lastReview) : null,
  };
}

/** "in 10 minutes", "in 3 days": when a card comes back, for people. */
export function describeInterval(from: Date, to: Date): string {
  const minutes = Math.max(0, Math.round((to.getTime() - from.getTime()) / 60_000));
  if (minutes < 1) return 'now';
  if (minutes < 60) return `in ${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `in ${hours} hour${hours === 1 ? '' : 's'}`;
  const days = Math.round(hours / 24);
  if (days < 60) return `in ${days} day${days === 1 ? '' : 's'}`;
  const months = Math.round(days / 30);
  return `in about ${months} month${months === 1 ? '' : 's'}`;
}
