// Accounts through better-auth (a maintained library: scrypt password hashes, http-only session cookies,
// database-backed rate limiting shared by every web node). Guests are better-auth "anonymous" users; when a
// guest signs up, their progress moves to the new account before the guest record is deleted.
import { betterAuth } from 'better-auth';
import { prismaAdapter } from 'better-auth/adapters/prisma';
import { anonymous } from 'better-auth/plugins/anonymous';
import { nextCookies } from 'better-auth/next-js';
import { getDb, providerOf, databaseUrl, type Db } from '@/prisma/db';
import { env } from './env';

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;

/** Moves everything a guest did to the account they just created (one transaction). */
export async function carryOverGuestProgress(db: Db, fromUserId: string, toUserId: string) {
  if (fromUserId === toUserId) return;
  await db.$transaction(async (tx) => {
    const done = await tx.lessonProgress.findMany({ where: { userId: toUserId }, select: { lessonSlug: true } });
    const have = new Set(done.map((d) => d.lessonSlug));
    await tx.lessonProgress.deleteMany({ where: { userId: fromUserId, lessonSlug: { in: [...have] } } });
    await tx.lessonProgress.updateMany({ where: { userId: fromUserId }, data: { userId: toUserId } });
    // attempts keyed by set (a practice set, a lesson's checks, a day's review) that both have: answers merge
    const theirs = await tx.quizAttempt.findMany({ where: { userId: toUserId, setKey: { not: null } }, select: { id: true, mode: true, setKey: true } });
    const byKey = new Map(theirs.map((a) => [`${a.mode}\u0000${a.setKey}`, a.id]));
    const clashing = await tx.quizAttempt.findMany({ where: { userId: fromUserId, setKey: { in: theirs.map((a) => a.setKey!) } }, select: { id: true, mode: true, setKey: true } });
    for (const a of clashing) {
      const into = byKey.get(`${a.mode}\u0000${a.setKey}`);
      if (!into) continue;
      await tx.response.updateMany({ where: { attemptId: a.id }, data: { attemptId: into } });
      await tx.quizAttempt.delete({ where: { id: a.id } });
    }
    await tx.quizAttempt.updateMany({ where: { userId: fromUserId }, data: { userId: toUserId } });
    // spaced review: the account's own card wins for an item both have (a guest's flag is kept on it)
    const cards = await tx.reviewCard.findMany({ where: { userId: toUserId }, select: { questionId: true } });
    const both = cards.map((c) => c.questionId);
    const flaggedByGuest = await tx.reviewCard.findMany({ where: { userId: fromUserId, questionId: { in: both }, flagged: true }, select: { questionId: true } });
    if (flaggedByGuest.length) await tx.reviewCard.updateMany({ where: { userId: toUserId, questionId: { in: flaggedByGuest.map((c) => c.questionId) } }, data: { flagged: true } });
    await tx.reviewCard.deleteMany({ where: { userId: fromUserId, questionId: { in: both } } });
    await tx.reviewCard.updateMany({ where: { userId: fromUserId }, data: { userId: toUserId } });
  });
}

export function createAuth(db: Db, options: { forNext: boolean; provider?: 'sqlite' | 'postgresql'; signInPerMinute?: number }) {
  const e = env();
  const origins = new Set([e.PUBLIC_URL, `http://localhost:${e.PORT}`, `http://127.0.0.1:${e.PORT}`]);
  return betterAuth({
    appName: 'PACS Lab',
    baseURL: e.PUBLIC_URL,
    secret: e.AUTH_SECRET,
    trustedOrigins: [...origins],
    database: prismaAdapter(db, { provider: options.provider ?? providerOf(databaseUrl()) }),
    telemetry: { enabled: false },
    emailAndPassword: {
      enabled: true,
      minPasswordLength: PASSWORD_MIN,
      maxPasswordLength: PASSWORD_MAX,
      autoSignIn: true,
    },
    user: {
      additionalFields: {
        // never settable from a sign-up body: roles change only through the admin page or the CLI
        role: { type: 'string', required: false, defaultValue: 'student', input: false },
      },
    },
    session: {
      expiresIn: 60 * 60 * 24 * 14,
      updateAge: 60 * 60 * 24,
      // the session (with its role) is also kept in a signed cookie for a minute, so the hot paths (answering a
      // question) skip a database read; a role change or revocation reaches a browser within that minute
      cookieCache: { enabled: true, maxAge: 60 },
    },
    rateLimit: {
      enabled: true,
      storage: 'database',
      window: 60,
      max: 100,
      customRules: {
        '/sign-in/email': { window: 60, max: options.signInPerMinute ?? e.AUTH_SIGNIN_PER_MINUTE },
        '/sign-up/email': { window: 60, max: options.signInPerMinute ?? e.AUTH_SIGNIN_PER_MINUTE },
        '/sign-in/anonymous': { window: 60, max: 20 },
      },
    },
    advanced: {
      ipAddress: { ipAddressHeaders: ['x-forwarded-for', 'x-real-ip'] },
      database: { generateId: () => crypto.randomUUID() },
    },
    plugins: [
      anonymous({
        emailDomainName: 'guest.pacslab.invalid',
        generateName: () => 'Guest',
        onLinkAccount: async ({ anonymousUser, newUser }) => {
          await carryOverGuestProgress(db, anonymousUser.user.id, newUser.user.id);
        },
      }),
      ...(options.forNext ? [nextCookies()] : []),
    ],
  });
}

export type Auth = ReturnType<typeof createAuth>;

const cache = globalThis as unknown as { __pacslabAuth?: Auth; __pacslabAuthReadOnly?: Auth };

/** The web process's auth instance (server actions set cookies through nextCookies). */
export function getAuth(): Auth {
  cache.__pacslabAuth ??= createAuth(getDb(), { forNext: true });
  return cache.__pacslabAuth;
}

/**
 * The same, without Next's cookie plugin: for session reads that answer no request (session.ts refreshes the viewers
 * it remembers in the background, after the response has gone), where there is no response to set a cookie on.
 */
export function getBackgroundAuth(): Auth {
  cache.__pacslabAuthReadOnly ??= createAuth(getDb(), { forNext: false });
  return cache.__pacslabAuthReadOnly;
}
