// Who is asking, for server components, server actions and route handlers. Every role check on the server goes
// through requireRole: the UI hides what a role cannot do, but the server is what refuses it.
import { cache } from 'react';
import { headers } from 'next/headers';
import { getAuth } from './auth';
import { HttpError } from './errors';
import { hasRole, type Role } from './roles';

export interface Viewer {
  id: string;
  name: string;
  email: string;
  role: Role;
  isGuest: boolean;
}

async function viewer(fresh: boolean): Promise<Viewer | null> {
  // fresh: read the session and role from the database, past the one-minute cookie cache (auth.ts)
  const session = await getAuth().api.getSession({ headers: await headers(), ...(fresh ? { query: { disableCookieCache: true } } : {}) });
  if (!session) return null;
  const u = session.user as typeof session.user & { role?: string; isAnonymous?: boolean | null };
  return {
    id: u.id,
    name: u.name,
    email: u.email,
    role: (hasRole(u.role, 'student') ? u.role : 'student') as Role,
    isGuest: Boolean(u.isAnonymous),
  };
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
