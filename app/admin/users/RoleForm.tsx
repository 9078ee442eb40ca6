'use client';
import { useActionState } from 'react';
import { setRole, type SetRoleResult } from './actions';

export function RoleForm({ userId, role, email }: { userId: string; role: string; email: string }) {
  const [state, action, pending] = useActionState<SetRoleResult | null, FormData>(setRole, null);
  return (
    <form action={action} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="userId" value={userId} />
      <label className="sr-only" htmlFor={`role-${userId}`}>Role for {email}</label>
      <select id={`role-${userId}`} name="role" defaultValue={role} className="field w-36 py-1.5">
        <option value="student">student</option>
        <option value="instructor">instructor</option>
        <option value="admin">admin</option>
      </select>
      <button type="submit" className="btn-secondary py-1.5" disabled={pending}>Save</button>
      {state && !state.ok && <span role="alert" className="text-sm text-red-700">{state.error}</span>}
      {state?.ok && <span className="text-sm text-emerald-700">Saved</span>}
    </form>
  );
}
