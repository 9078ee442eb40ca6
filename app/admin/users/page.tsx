import type { Metadata } from 'next';
import { pageRequiresRole } from '@/app/_lib/guards';
import { getDb } from '@/prisma/db';
import { RoleForm } from './RoleForm';

export const metadata: Metadata = { title: 'Users' };
export const dynamic = 'force-dynamic';

export default async function UsersPage() {
  await pageRequiresRole('admin', '/admin/users');
  const db = getDb();
  const [users, audit] = await Promise.all([
    db.user.findMany({ where: { isAnonymous: false }, orderBy: [{ role: 'asc' }, { createdAt: 'desc' }], take: 500 }),
    db.auditEvent.findMany({ where: { action: 'user.role' }, orderBy: { at: 'desc' }, take: 10 }),
  ]);
  return (
    <div>
      <h1 className="text-2xl font-semibold tracking-tight">Users</h1>
      <p className="mt-1 text-slate-600">Give instructors their role here. Every change is recorded in the audit log.</p>
      <section className="card mt-6 overflow-x-auto">
        <table className="table-dense" data-testid="users-table">
          <thead><tr><th>Name</th><th>E-mail</th><th>Joined</th><th>Role</th></tr></thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} data-email={u.email}>
                <td className="font-medium">{u.name}</td>
                <td className="text-slate-600">{u.email}</td>
                <td className="text-slate-600">{u.createdAt.toISOString().slice(0, 10)}</td>
                <td><RoleForm userId={u.id} role={u.role} email={u.email} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="mt-6">
        <h2 className="text-base font-semibold">Recent role changes</h2>
        <ul className="mt-2 space-y-1 text-sm text-slate-600">
          {audit.map((a) => {
            const d = a.detail as { from?: string; to?: string; email?: string } | null;
            return <li key={a.id}>{a.at.toISOString().replace('T', ' ').slice(0, 16)}: {d?.email} {d?.from} → {d?.to}</li>;
          })}
          {audit.length === 0 && <li>None yet.</li>}
        </ul>
      </section>
    </div>
  );
}
