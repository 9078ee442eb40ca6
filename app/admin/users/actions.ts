'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/prisma/db';
import { HttpError } from '@/app/_lib/errors';
import { ROLES } from '@/app/_lib/roles';
import { requireRole } from '@/app/_lib/session';

const input = z.object({ userId: z.string().min(1).max(64), role: z.enum(ROLES) });

export type SetRoleResult = { ok: true } | { ok: false; error: string };

/** Admins change roles; the change is audited. An admin cannot remove their own admin role (no lock-out). */
export async function setRole(_prev: SetRoleResult | null, form: FormData): Promise<SetRoleResult> {
  try {
    const admin = await requireRole('admin');
    const parsed = input.safeParse({ userId: form.get('userId'), role: form.get('role') });
    if (!parsed.success) throw new HttpError(422, 'Choose one of the roles student, instructor or admin.');
    const { userId, role } = parsed.data;
    if (userId === admin.id && role !== 'admin') throw new HttpError(409, 'You cannot remove your own admin role. Ask another admin.');
    const db = getDb();
    const user = await db.user.findUnique({ where: { id: userId } });
    if (!user || user.isAnonymous) throw new HttpError(404, 'There is no such account.');
    if (user.role !== role) {
      await db.$transaction([
        db.user.update({ where: { id: userId }, data: { role } }),
        db.auditEvent.create({ data: { actorId: admin.id, action: 'user.role', target: `user:${userId}`, detail: { from: user.role, to: role, email: user.email } } }),
      ]);
    }
    revalidatePath('/admin/users');
    return { ok: true };
  } catch (error) {
    if (error instanceof HttpError) return { ok: false, error: error.message };
    console.error('[admin] setRole failed', error);
    return { ok: false, error: 'Something went wrong on the server. It has been logged.' };
  }
}
