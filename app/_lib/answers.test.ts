// The answer path writes its rows with raw SQL (issue 7): they must read back through Prisma exactly as rows
// Prisma itself writes (dates, booleans, JSON, cuid-shaped ids), on SQLite and PostgreSQL (TEST_DATABASE_URL).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@/prisma/testing';
import { questionBank } from './content';
import { cuid } from './cuid';
import { submitAnswer } from './answers';
import { newCard, ratingNumber, schedule, snapshot } from './fsrs';
import { dueCount, setFlag } from './review';

let t: TestDb;
const t0 = new Date('2027-04-01T09:00:00.123Z');
const CUID = /^c[a-z0-9]{24}$/;
const items = [...questionBank().values()].filter((q) => q.type === 'single' && !q.id.startsWith('check-'));
const [itemA, itemB, itemC] = items;
const wrong = (id: string) => {
  const q = questionBank().get(id)!;
  return [q.options.find((o) => !q.key.includes(o.id))!.id];
};

async function user(id: string) {
  await t.db.user.create({ data: { id, name: id, email: `${id}@school.edu` } });
  return id;
}

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.drop());

describe('answer rows written with raw SQL', () => {
  it('a response and its attempt read back through Prisma as Prisma writes them', async () => {
    const u = await user('raw1');
    await submitAnswer(t.db, u, { questionId: itemA.id, answer: [...itemA.key], mode: 'practice', set: 'r1' }, t0);
    const attempt = await t.db.quizAttempt.findUniqueOrThrow({ where: { userId_mode_setKey: { userId: u, mode: 'practice', setKey: 'set:r1' } }, include: { responses: true } });
    expect(attempt.id).toMatch(CUID);
    expect(attempt.startedAt).toEqual(t0);
    expect(attempt.submittedAt).toBeNull();
    expect(attempt.responses).toHaveLength(1);
    const [r] = attempt.responses;
    expect(r).toMatchObject({ questionId: itemA.id, answer: JSON.stringify(itemA.key), correct: true, answeredAt: t0 });
    expect(r.id).toMatch(CUID);
    // a time filter compares the raw-written value like one Prisma wrote
    expect(await t.db.response.count({ where: { attemptId: attempt.id, answeredAt: { gte: t0, lte: t0 } } })).toBe(1);
  });

  it('a miss writes its card as Prisma would, and a card Prisma wrote is read, rescheduled and keeps its flag', async () => {
    const u = await user('raw2');
    await submitAnswer(t.db, u, { questionId: itemA.id, answer: wrong(itemA.id), mode: 'practice' }, t0);
    const card = await t.db.reviewCard.findUniqueOrThrow({ where: { userId_questionId: { userId: u, questionId: itemA.id } } });
    const expected = schedule(newCard(t0), 'again', t0);
    expect(card).toMatchObject({ ...expected, flagged: false, lastRating: ratingNumber('again'), previous: snapshot(newCard(t0)) });
    expect(card.id).toMatch(CUID);
    expect(card.createdAt).toBeInstanceOf(Date);

    // a flagged card (written by Prisma): the miss reschedules it from its stored fields and leaves the flag
    await setFlag(t.db, u, itemB.id, true, t0);
    const flagged = await t.db.reviewCard.findUniqueOrThrow({ where: { userId_questionId: { userId: u, questionId: itemB.id } } });
    const at = new Date(t0.getTime() + 60_000);
    await submitAnswer(t.db, u, { questionId: itemB.id, answer: wrong(itemB.id), mode: 'practice' }, at);
    const after = await t.db.reviewCard.findUniqueOrThrow({ where: { id: flagged.id } });
    expect(after).toMatchObject({ ...schedule(newCard(t0), 'again', at), flagged: true, createdAt: flagged.createdAt, previous: snapshot(newCard(t0)) });

    // the raw-written due sorts and filters like a Prisma-written one (same stored format)
    await setFlag(t.db, u, itemC.id, true, expected.due);
    const text = await t.db.$queryRaw<{ questionId: string; due: string }[]>`SELECT "questionId", CAST("due" AS TEXT) AS "due" FROM "ReviewCard" WHERE "userId" = ${u} AND "questionId" IN (${itemA.id}, ${itemC.id})`;
    expect(text).toHaveLength(2);
    expect(text[0].due).toBe(text[1].due);
    expect(await dueCount(t.db, u, expected.due)).toBe(2);
  });

  it('two review answers for an item keep one card, and every answer gets the whole key and rationales', async () => {
    const u = await user('raw3');
    const answers = await Promise.all(
      [0, 1].map((i) => submitAnswer(t.db, u, { questionId: itemA.id, answer: i ? [...itemA.key] : wrong(itemA.id), mode: 'review' }, t0)),
    );
    expect(await t.db.reviewCard.count({ where: { userId: u } })).toBe(1);
    for (const a of answers) {
      expect(a.key).toEqual(itemA.key);
      expect(a.rationales).toEqual(Object.fromEntries(itemA.options.map((o) => [o.id, o.rationale])));
    }
    expect(await t.db.quizAttempt.count({ where: { userId: u, mode: 'review' } })).toBe(1);
  });

  it('an answer for a user that is gone fails and writes nothing', async () => {
    await expect(submitAnswer(t.db, 'nobody', { questionId: itemA.id, answer: [...itemA.key], mode: 'practice', set: 'gone' }, t0)).rejects.toThrow();
    expect(await t.db.quizAttempt.count({ where: { userId: 'nobody' } })).toBe(0);
  });
});

describe('cuid', () => {
  it('makes distinct 25-character ids in the shape of Prisma’s cuid()', () => {
    const ids = Array.from({ length: 5000 }, cuid);
    for (const id of ids.slice(0, 50)) expect(id).toMatch(CUID);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
