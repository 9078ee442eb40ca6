// Who may use a sandbox's administrator tools (the PACS node table, rescheduling a RIS order): instructors and admins always;
// the owner of a student's own sandbox (it is theirs to break and mend); a student while a fault scenario of theirs
// runs in that sandbox, because fixing it is the point ("work with every tool of the sandbox", issue 8). Every use
// is audited by the action itself.
import { getDb, type Db } from '@/prisma/db';
import { HttpError } from '@/app/_lib/errors';
import { hasRole } from '@/app/_lib/roles';
import { getVerifiedViewer, type Viewer } from '@/app/_lib/session';

export async function mayAdminister(db: Db, viewer: Pick<Viewer, 'id' | 'role' | 'isGuest'> | null, sandboxId: string): Promise<boolean> {
  if (!viewer || viewer.isGuest) return false;
  if (hasRole(viewer.role, 'instructor')) return true;
  if ((await db.sandbox.count({ where: { id: sandboxId, ownerId: viewer.id } })) > 0) return true;
  return (await db.scenarioAttempt.count({ where: { userId: viewer.id, sandboxId, status: 'in-progress' } })) > 0;
}

/** The verified viewer if they may administer the sandbox now; 401 or 403 in words otherwise. */
export async function requireSandboxAdmin(sandboxId: string, what = 'This change'): Promise<Viewer> {
  const viewer = await getVerifiedViewer();
  if (!viewer || viewer.isGuest) throw new HttpError(401, 'Sign in to do this.');
  if (await mayAdminister(getDb(), viewer, sandboxId)) return viewer;
  throw new HttpError(403, `${what} needs the instructor role (your account is a ${viewer.role}), your own sandbox, or a fault scenario of yours running in this sandbox.`);
}
