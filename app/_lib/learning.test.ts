// Answers, mock exams and spaced review over a real database (SQLite, or PostgreSQL with TEST_DATABASE_URL).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@/prisma/testing';
import { seededRandom } from '@/content/exam-blueprint';
import { questionBank } from './content';
import { submitAnswer } from './answers';
import { deadlineOf, loadMock, saveMockItem, startMock, submitMock } from './mock';
import { dueCards, dueCount, rerateReview, setFlag } from './review';

let t: TestDb;
const t0 = new Date('2027-03-01T09:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);
const DAY = 86_400_000;

async function user(id: string) {
  await t.db.user.create({ data: { id, name: id, email: `${id}@school.edu` } });
  return id;
}

function wrongAnswer(questionId: string): string[] {
  const q = questionBank().get(questionId)!;
  if (q.type === 'ordered') return [...q.key].reverse();
  if (q.type === 'multiple') return [q.key[0]];
  return [q.options.find((o) => !q.key.includes(o.id))!.id];
}
const rightAnswer = (questionId: string) => [...questionBank().get(questionId)!.key];
const someItem = [...questionBank().values()].find((q) => q.type === 'single' && !q.id.startsWith('check-'))!;

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.drop());

describe('answers', () => {
  it('grades, keeps one attempt per practice set, and puts a miss into spaced review', async () => {
    const u = await user('ana');
    const ok = await submitAnswer(t.db, u, { questionId: someItem.id, answer: rightAnswer(someItem.id), mode: 'practice', set: 'abc' }, t0);
    expect(ok.correct).toBe(true);
    expect(ok.key).toEqual(someItem.key);
    expect(Object.keys(ok.rationales)).toHaveLength(someItem.options.length);
    const bad = await submitAnswer(t.db, u, { questionId: someItem.id, answer: wrongAnswer(someItem.id), mode: 'practice', set: 'abc' }, later(1000));
    expect(bad.correct).toBe(false);
    expect(bad.addedToReview).toBe(true);
    const attempts = await t.db.quizAttempt.findMany({ where: { userId: u }, include: { responses: true } });
    expect(attempts).toHaveLength(1);
    expect(attempts[0].responses.map((r) => r.correct).sort()).toEqual([false, true]);
    expect(await dueCount(t.db, u, t0)).toBe(0); // Again: back in minutes, not at once
    expect(await dueCount(t.db, u, later(DAY))).toBe(1);
  });

  it('answers arriving together for a new set share one attempt', async () => {
    const u = await user('cy');
    const ids = [...questionBank().values()].filter((q) => !q.id.startsWith('check-')).slice(0, 6).map((q) => q.id);
    await Promise.all(ids.map((id) => submitAnswer(t.db, u, { questionId: id, answer: rightAnswer(id), mode: 'practice', set: 'zz' }, t0)));
    const attempts = await t.db.quizAttempt.findMany({ where: { userId: u }, include: { responses: true } });
    expect(attempts).toHaveLength(1);
    expect(attempts[0].responses).toHaveLength(6);
  });
});

describe('spaced review', () => {
  it('a missed item is due the next day; a right review pushes it out; a flag queues an item at once', async () => {
    const u = await user('bo');
    await submitAnswer(t.db, u, { questionId: someItem.id, answer: wrongAnswer(someItem.id), mode: 'practice' }, t0);
    const nextDay = later(DAY);
    expect((await dueCards(t.db, u, nextDay)).map((c) => c.questionId)).toEqual([someItem.id]);

    const r = await submitAnswer(t.db, u, { questionId: someItem.id, answer: rightAnswer(someItem.id), mode: 'review' }, nextDay);
    expect(r.review?.rating).toBe('good');
    const due1 = new Date(r.review!.due);
    expect(due1.getTime()).toBeGreaterThan(nextDay.getTime());
    expect(await dueCount(t.db, u, nextDay)).toBe(0);

    // re-rated Easy: later than Good; Hard: earlier
    const easy = new Date((await rerateReview(t.db, u, someItem.id, 'easy')).due);
    const hard = new Date((await rerateReview(t.db, u, someItem.id, 'hard')).due);
    expect(easy.getTime()).toBeGreaterThan(due1.getTime());
    expect(hard.getTime()).toBeLessThan(easy.getTime());

    // a wrong review is a lapse: back within the day
    const back = await submitAnswer(t.db, u, { questionId: someItem.id, answer: wrongAnswer(someItem.id), mode: 'review' }, easy);
    expect(back.review?.rating).toBe('again');
    expect(new Date(back.review!.due).getTime() - easy.getTime()).toBeLessThan(DAY);
    await expect(rerateReview(t.db, u, someItem.id, 'easy')).rejects.toMatchObject({ status: 409 });

    const other = [...questionBank().values()].find((q) => q.id !== someItem.id && !q.id.startsWith('check-'))!;
    await setFlag(t.db, u, other.id, true, t0);
    expect((await dueCards(t.db, u, t0)).map((c) => c.questionId)).toContain(other.id);
    await setFlag(t.db, u, other.id, false, t0);
    expect(await t.db.reviewCard.findUnique({ where: { userId_questionId: { userId: u, questionId: other.id } } })).toBeNull();
  });
});

describe('mock exam', () => {
  it('draws a 20-item form with a time limit, saves answers and flags, grades only at submit', async () => {
    const u = await user('di');
    const { id } = await startMock(t.db, u, 20, t0, seededRandom(7));
    const exam = await loadMock(t.db, u, id);
    expect(exam.items).toHaveLength(20);
    expect(new Set(exam.items.map((i) => i.questionId)).size).toBe(20);
    expect(exam.timeLimitSec).toBe(25 * 60);
    expect(deadlineOf(exam).getTime()).toBe(t0.getTime() + 25 * 60_000);

    // right on the first 12, wrong on the next 4, 4 left unanswered; flag item 3
    for (const item of exam.items.slice(0, 16)) {
      const answer = item.position < 12 ? rightAnswer(item.questionId) : wrongAnswer(item.questionId);
      expect(await saveMockItem(t.db, u, id, item.position, { answer }, later(60_000))).toEqual({ saved: true });
    }
    await saveMockItem(t.db, u, id, 3, { flagged: true }, later(60_000));
    const saved = await loadMock(t.db, u, id);
    expect(saved.items.filter((i) => i.answer)).toHaveLength(16);
    expect(saved.items.every((i) => i.correct === null)).toBe(true);
    expect(saved.items[3].flagged).toBe(true);

    await expect(saveMockItem(t.db, 'ana', id, 0, { flagged: true }, t0)).rejects.toMatchObject({ status: 404 });

    const result = await submitMock(t.db, u, id, later(10 * 60_000));
    expect(result).toMatchObject({ correct: 12, total: 20, answered: 16, percent: 60, timedOut: false, durationSec: 600 });
    expect(result.scaledEstimate).toBeLessThan(75);
    expect(result.passEstimate).toBe(false);
    expect(result.byCategory.reduce((s, c) => s + c.total, 0)).toBe(20);
    expect(result.bySubcategory.reduce((s, c) => s + c.correct, 0)).toBe(12);

    // idempotent, and closed to changes
    expect(await submitMock(t.db, u, id, later(11 * 60_000))).toEqual(result);
    await expect(saveMockItem(t.db, u, id, 0, { answer: ['a'] }, later(11 * 60_000))).rejects.toMatchObject({ status: 409 });

    const graded = await loadMock(t.db, u, id);
    expect(graded.items.filter((i) => i.correct)).toHaveLength(12);
    expect(await t.db.response.count({ where: { attemptId: id } })).toBe(16);
    // 8 missed (4 wrong + 4 unanswered) come back in spaced review
    expect(await dueCount(t.db, u, later(DAY))).toBe(8);
  });

  it('a save after the deadline submits the exam instead (the server clock is the truth)', async () => {
    const u = await user('ed');
    const { id } = await startMock(t.db, u, 20, t0, seededRandom(8));
    const exam = await loadMock(t.db, u, id);
    const lateSave = await saveMockItem(t.db, u, id, 0, { answer: rightAnswer(exam.items[0].questionId) }, later(26 * 60_000));
    expect(lateSave).toEqual({ saved: false, submitted: true });
    const after = await loadMock(t.db, u, id);
    expect(after.submittedAt?.getTime()).toBe(deadlineOf(after).getTime());
    expect(after.result).toMatchObject({ answered: 0, correct: 0, timedOut: true, durationSec: 1500 });
  });

  it('offers only the configured lengths', async () => {
    await expect(startMock(t.db, 'ana', 7, t0)).rejects.toMatchObject({ status: 422 });
  });
});
