// Page-level guards for server components: a visitor who is not signed in is sent to sign in; a signed-in account
// without the role gets a 403 page (Next's forbidden()).
import { forbidden, redirect } from 'next/navigation';
import { hasRole, type Role } from './roles';
import { getVerifiedViewer, type Viewer } from './session';

export async function pageRequiresRole(role: Role, path: string): Promise<Viewer> {
  const viewer = await getVerifiedViewer();
  if (!viewer || viewer.isGuest) redirect(`/sign-in?next=${encodeURIComponent(path)}`);
  if (!hasRole(viewer.role, role)) forbidden();
  return viewer;
}
