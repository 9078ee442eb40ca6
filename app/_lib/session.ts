// Who is asking, for server components, server actions and route handlers. Every role check on the server goes
// through requireRole: the UI hides what a role cannot do, but the server is what refuses it.
import { cache } from 'react';
import { headers } from 'next/headers';
import { getAuth, getBackgroundAuth } from './auth';
import { HttpError } from './errors';
import { hasRole, type Role } from './roles';
import { StaleWhileRevalidate } from './staleCache';

export interface Viewer {
  id: string;
  name: string;
  email: string;
  role: Role;
  isGuest: boolean;
}

/**
 * Viewers already read for a request's exact Cookie header, for a few seconds. better-auth's check of its signed
 * cookie cache still costs ~1 ms of CPU per call (and a database read once that cookie has expired), more than
 * recording a quiz answer (issue 7); the same cookies checked seconds ago give the same answer. Only for
 * getViewer (display and progress, already up to a minute behind): getVerifiedViewer, which every role
 * decision uses, always asks the database. Signing in, out or up changes the cookies, so a new key.
 *
 * A value older than REFRESH_AFTER_MS is still used, and read again in the background for the next request
 * (stale-while-revalidate): the check is asynchronous (Web Crypto, or the database), and a request that waits on it
 * waits behind every other request the process has in hand: with 100 students answering back to back that was the
 * whole tail of the answer time (p95 255 ms against a median of 0.8). A value is never used past VIEWER_TTL_MS, and
 * a background read that finds no session forgets it at once.
 */
const VIEWER_TTL_MS = 5_000;
const REFRESH_AFTER_MS = 2_500;
const recentViewers = new StaleWhileRevalidate<Viewer>(VIEWER_TTL_MS, REFRESH_AFTER_MS, 10_000);

async function lookup(h: Headers, fresh: boolean, auth = getAuth()): Promise<Viewer | null> {
  const session = await auth.api.getSession({ headers: h, ...(fresh ? { query: { disableCookieCache: true } } : {}) });
  if (!session) return null;
  const u = session.user as typeof session.user & { role?: string; isAnonymous?: boolean | null };
  return Object.freeze({
    id: u.id,
    name: u.name,
    email: u.email,
    role: (hasRole(u.role, 'student') ? u.role : 'student') as Role,
    isGuest: Boolean(u.isAnonymous),
  });
}

async function viewer(fresh: boolean): Promise<Viewer | null> {
  const h = await headers();
  const cookie = h.get('cookie');
  if (!fresh && cookie) {
    // a re-read answers no request and sets no cookie (a renewed cookie cache reaches the browser with its next
    // response that reads the session itself), so it sends only the cookies, through the auth without Next's plugin
    const known = recentViewers.get(cookie, () => lookup(new Headers({ cookie }), false, getBackgroundAuth()));
    if (known) return known;
  }
  // fresh: read the session and role from the database, past the one-minute cookie cache (auth.ts)
  const v = await lookup(h, fresh);
  if (!cookie) return v;
  if (v) recentViewers.set(cookie, v);
  else recentViewers.delete(cookie);
  return v;
}

/** Who is asking, for display and for recording progress (may be up to a minute behind a role change). */
export const getViewer = cache(() => viewer(false));

/** Who is asking, checked against the database: every role decision uses this. */
export const getVerifiedViewer = cache(() => viewer(true));

/** A signed-in, non-guest account with at least `role`; otherwise 401 (not signed in) or 403 (not allowed). */
export async function requireRole(role: Role): Promise<Viewer> {
  const v = await getVerifiedViewer();
  if (!v || v.isGuest) throw new HttpError(401, 'Sign in to do this.');
  if (!hasRole(v.role, role)) throw new HttpError(403, `This needs the ${role} role; your account is a ${v.role}.`);
  return v;
}

/** The current learner: a signed-in user, or a guest created now so their progress can be kept. */
export async function requireLearner(): Promise<Viewer> {
  const existing = await getViewer();
  if (existing) return existing;
  const result = await getAuth().api.signInAnonymous({ headers: await headers() });
  if (!result) throw new HttpError(503, 'Could not start a guest session. Try again.');
  const u = result.user;
  return { id: u.id, name: u.name, email: u.email, role: 'student', isGuest: true };
}
