// Who may use an archive AE's DICOMweb service. The demo sandbox is public (guests included: the demo is open to
// everyone, and OHIF in another origin may read it, hence CORS for the demo only); any other sandbox is its
// owner's, and instructors and admins may read every sandbox (they follow their students' work).
import type { Db } from '@/prisma/db';
import { DEMO_SLUG } from '@/sim/seed';
import { hasRole, type Role } from '@/app/_lib/roles';
import { DicomWebError } from './dicomWebError';

export interface ArchiveAe {
  sandboxId: string;
  slug: string;
  ownerId: string | null;
  aeTitle: string;
}

export interface AccessViewer {
  id: string;
  role: Role;
  isGuest: boolean;
}

/** The sandbox whose local archive node has this AE title (AE titles of local nodes are unique); 404 otherwise. */
export async function resolveArchiveAe(db: Db, aeTitle: string): Promise<ArchiveAe> {
  if (!/^[\x20-\x5b\x5d-\x7e]{1,16}$/.test(aeTitle) || !aeTitle.trim()) {
    throw new DicomWebError(404, `"${aeTitle}" is not a valid AE title (1 to 16 characters, no backslash or control characters).`);
  }
  const node = await db.dicomNode.findFirst({
    where: { aeTitle, local: true, role: 'archive' },
    select: { aeTitle: true, sandbox: { select: { id: true, slug: true, ownerId: true } } },
  });
  if (!node) throw new DicomWebError(404, `No archive with AE title "${aeTitle}" here. The demo archive is PACS (/dicomweb/PACS); a student's archive AE is shown on their sandbox page.`);
  return { sandboxId: node.sandbox.id, slug: node.sandbox.slug, ownerId: node.sandbox.ownerId, aeTitle: node.aeTitle };
}

export function isPublic(ae: ArchiveAe): boolean {
  return ae.slug === DEMO_SLUG;
}

/** Throws 401/403 unless the viewer may use this archive's DICOMweb service. */
export function checkAccess(ae: ArchiveAe, viewer: AccessViewer | null): void {
  if (isPublic(ae)) return;
  if (!viewer) throw new DicomWebError(401, `The archive ${ae.aeTitle} belongs to a student's sandbox: sign in to use its DICOMweb service.`);
  if (ae.ownerId && viewer.id === ae.ownerId) return;
  if (!viewer.isGuest && hasRole(viewer.role, 'instructor')) return;
  throw new DicomWebError(403, `The archive ${ae.aeTitle} belongs to another person's sandbox; only its owner and instructors may use it.`);
}
