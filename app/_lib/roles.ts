// Roles are ordered: an admin can do what an instructor can, an instructor what a student can.
export const ROLES = ['student', 'instructor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function hasRole(actual: string | null | undefined, needed: Role): boolean {
  if (!isRole(actual)) return false;
  return ROLES.indexOf(actual) >= ROLES.indexOf(needed);
}
