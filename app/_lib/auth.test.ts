// better-auth configured as the site uses it, over a real database, driven through its HTTP handler.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@/prisma/testing';
import { carryOverGuestProgress, createAuth, type Auth } from './auth';

const ORIGIN = 'http://127.0.0.1:3000';

let t: TestDb;
let auth: Auth;

function post(path: string, body: unknown, init: { ip?: string; cookie?: string; raw?: string } = {}) {
  return auth.handler(
    new Request(`${ORIGIN}/api/auth${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: ORIGIN,
        'x-forwarded-for': init.ip ?? '10.9.8.7',
        ...(init.cookie ? { cookie: init.cookie } : {}),
      },
      body: init.raw ?? JSON.stringify(body),
    }),
  );
}

function cookieOf(res: Response): string {
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

beforeAll(async () => {
  t = await createTestDb();
  auth = createAuth(t.db, { forNext: false, provider: t.provider, signInPerMinute: 5 });
});
afterAll(async () => t?.drop());

describe('accounts', () => {
  it('signs up with a scrypt hash, an http-only session cookie and the student role', async () => {
    const res = await post('/sign-up/email', { email: 'ana@school.edu', password: 'long enough pass', name: 'Ana' }, { ip: '10.0.0.1' });
    expect(res.status).toBe(200);
    const setCookie = res.headers.getSetCookie().join('\n');
    expect(setCookie).toMatch(/session_token=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const user = await t.db.user.findUniqueOrThrow({ where: { email: 'ana@school.edu' }, include: { accounts: true } });
    expect(user.role).toBe('student');
    const hash = user.accounts[0].password ?? '';
    expect(hash).not.toContain('long enough pass');
    expect(hash).toMatch(/^[0-9a-f]+:[0-9a-f]+$/); // better-auth's scrypt salt:key
  });

  it('never lets a sign-up body choose its role', async () => {
    const res = await post('/sign-up/email', { email: 'eve@school.edu', password: 'long enough pass', name: 'Eve', role: 'admin' }, { ip: '10.0.0.2' });
    const user = await t.db.user.findUnique({ where: { email: 'eve@school.edu' } });
    expect(res.status === 400 || user?.role === 'student').toBe(true);
  });

  it('answers malformed bodies and bad fields with 4xx and a message', async () => {
    const bad = await post('/sign-up/email', null, { ip: '10.0.0.3', raw: '{not json' });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(bad.status).toBeLessThan(500);
    const short = await post('/sign-up/email', { email: 'bo@school.edu', password: 'short', name: 'Bo' }, { ip: '10.0.0.3' });
    expect(short.status).toBe(400);
    expect((await short.json()).code).toBe('PASSWORD_TOO_SHORT');
    const email = await post('/sign-up/email', { email: 'not-an-email', password: 'long enough pass', name: 'Bo' }, { ip: '10.0.0.3' });
    expect(email.status).toBe(400);
  });

  it('signs in with the right password only', async () => {
    expect((await post('/sign-in/email', { email: 'ana@school.edu', password: 'wrong password!' }, { ip: '10.0.0.4' })).status).toBe(401);
    expect((await post('/sign-in/email', { email: 'ana@school.edu', password: 'long enough pass' }, { ip: '10.0.0.4' })).status).toBe(200);
  });

  it('rate-limits sign-in per client address (429 after 5 a minute), shared through the database', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await post('/sign-in/email', { email: 'ana@school.edu', password: 'wrong password!' }, { ip: '10.0.0.99' })).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    expect(await t.db.rateLimit.count()).toBeGreaterThan(0);
    // another address is not affected
    expect((await post('/sign-in/email', { email: 'ana@school.edu', password: 'long enough pass' }, { ip: '10.0.0.100' })).status).toBe(200);
  });

  it("moves a guest's progress to the account they sign up for", async () => {
    const guest = await post('/sign-in/anonymous', {}, { ip: '10.0.0.5' });
    expect(guest.status).toBe(200);
    const cookie = cookieOf(guest);
    const guestUser = await t.db.user.findFirstOrThrow({ where: { isAnonymous: true } });
    await t.db.lessonProgress.create({ data: { userId: guestUser.id, lessonSlug: 'what-is-a-pacs' } });
    await t.db.quizAttempt.create({ data: { userId: guestUser.id, mode: 'practice', responses: { create: { questionId: 'pacs-001', answer: '["a"]', correct: true } } } });
    const due = new Date('2027-01-01T00:00:00Z');
    await t.db.reviewCard.create({ data: { userId: guestUser.id, questionId: 'pacs-002', due, flagged: true } });

    const res = await post('/sign-up/email', { email: 'gus@school.edu', password: 'long enough pass', name: 'Gus' }, { ip: '10.0.0.5', cookie });
    expect(res.status).toBe(200);
    const gus = await t.db.user.findUniqueOrThrow({ where: { email: 'gus@school.edu' }, include: { lessonProgress: true, quizAttempts: { include: { responses: true } } } });
    expect(gus.lessonProgress.map((p) => p.lessonSlug)).toEqual(['what-is-a-pacs']);
    expect(gus.quizAttempts[0].responses[0].questionId).toBe('pacs-001');
    expect(await t.db.user.findUnique({ where: { id: guestUser.id } })).toBeNull();
    const cards = await t.db.reviewCard.findMany({ where: { userId: gus.id } });
    expect(cards.map((c) => [c.questionId, c.flagged])).toEqual([['pacs-002', true]]);
  });

  it('merges a guest into an account that already has progress: same set, same review card', async () => {
    const due = new Date('2027-01-01T00:00:00Z');
    const mk = (id: string) => t.db.user.create({ data: { id, name: id, email: `${id}@school.edu`, isAnonymous: id.startsWith('guest') } });
    const [guest, owner] = [await mk('guest-m'), await mk('owner-m')];
    for (const u of [guest, owner]) {
      await t.db.lessonProgress.create({ data: { userId: u.id, lessonSlug: 'what-is-a-pacs' } });
      await t.db.quizAttempt.create({ data: { userId: u.id, mode: 'practice', setKey: 'set:abc', responses: { create: { questionId: 'pacs-001', answer: '["a"]', correct: u === guest } } } });
      await t.db.reviewCard.create({ data: { userId: u.id, questionId: 'pacs-003', due, flagged: u === guest, reps: u === owner ? 4 : 1 } });
    }
    await t.db.reviewCard.create({ data: { userId: guest.id, questionId: 'pacs-004', due } });
    await carryOverGuestProgress(t.db, guest.id, owner.id);
    const attempts = await t.db.quizAttempt.findMany({ where: { userId: owner.id }, include: { responses: true } });
    expect(attempts).toHaveLength(1);
    expect(attempts[0].responses).toHaveLength(2);
    const cards = await t.db.reviewCard.findMany({ where: { userId: owner.id }, orderBy: { questionId: 'asc' } });
    expect(cards.map((c) => [c.questionId, c.reps, c.flagged])).toEqual([['pacs-003', 4, true], ['pacs-004', 0, false]]);
    expect(await t.db.lessonProgress.count({ where: { userId: owner.id } })).toBe(1);
    expect(await t.db.reviewCard.count({ where: { userId: guest.id } })).toBe(0);
  });
});
