// The sandbox the consoles (PACS, RIS, scanners, viewer, reading, scenarios) work on for this request: the one an
// httpOnly cookie names (its slug), checked on the server on every request. Anyone may use the public demo; a
// student their own sandbox; instructors and admins any sandbox (they follow their students). A cookie naming a
// sandbox the viewer may not use is ignored: the demo it is. Call currentSandbox(), never demoSandbox(), in new code.
import { cache } from 'react';
import { cookies } from 'next/headers';
import { getDb, type Db } from '@/prisma/db';
import { env } from '@/app/_lib/env';
import { HttpError } from '@/app/_lib/errors';
import { hasRole } from '@/app/_lib/roles';
import { getVerifiedViewer, getViewer, type Viewer } from '@/app/_lib/session';
import { DEMO_SLUG } from '@/sim/seed';
import { findUserSandbox, isUserSandboxSlug, localAes } from '@/sim/sandboxes';

export const SANDBOX_COOKIE = 'pacslab-sandbox';

/** Puts the choice in the cookie currentSandbox() reads (httpOnly: page scripts never see or set it). Actions only. */
export async function rememberSandbox(slug: string) {
  (await cookies()).set(SANDBOX_COOKIE, slug, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: env().PUBLIC_URL.startsWith('https:'),
    maxAge: 60 * 60 * 24 * 180,
  });
}

/** A slug as the cookie may carry it: `demo`, `u-K7Q2`, … */
export const SLUG_PATTERN = /^[a-z0-9][A-Za-z0-9-]{0,63}$/;

type Who = Pick<Viewer, 'id' | 'role' | 'isGuest'> | null;
interface SandboxRef {
  slug: string;
  ownerId: string | null;
}

/** Whether `viewer` may work in `sandbox`: the demo for anyone, one's own, every one for instructors and admins. */
export function mayUseSandbox(viewer: Who, sandbox: SandboxRef): boolean {
  if (sandbox.slug === DEMO_SLUG) return true;
  if (!viewer || viewer.isGuest) return false;
  if (sandbox.ownerId && sandbox.ownerId === viewer.id) return true;
  return hasRole(viewer.role, 'instructor');
}

async function demo(db: Db) {
  return db.sandbox.findUnique({ where: { slug: DEMO_SLUG } });
}

/** The sandbox `slug` names if `viewer` may use it, else the demo (null only when not even the demo exists). */
export async function resolveSandbox(db: Db, viewer: Who, slug: string | undefined | null) {
  if (!slug || slug === DEMO_SLUG || !SLUG_PATTERN.test(slug)) return demo(db);
  const sandbox = await db.sandbox.findUnique({ where: { slug } });
  if (!sandbox || !mayUseSandbox(viewer, sandbox)) return demo(db);
  return sandbox;
}

/** The sandbox a switcher form asks for, if `viewer` may work in it; 422/404/401/403 in words otherwise. */
export async function checkSandboxChoice(db: Db, viewer: Who, rawSlug: unknown) {
  const slug = String(rawSlug ?? '').trim();
  if (!SLUG_PATTERN.test(slug)) throw new HttpError(422, 'Which sandbox? The form did not say.');
  const sandbox = await db.sandbox.findUnique({ where: { slug } });
  if (!sandbox) throw new HttpError(404, `There is no sandbox “${slug}”.`);
  if (!mayUseSandbox(viewer, sandbox)) {
    if (!viewer || viewer.isGuest) throw new HttpError(401, 'Sign in to work in your own sandbox.');
    throw new HttpError(403, `“${sandbox.name}” belongs to another student: only its owner and instructors may work in it.`);
  }
  return sandbox;
}

/** The viewer, from the database when it matters (a role decision), from the session cookie otherwise. */
async function viewerFor(slug: string | undefined) {
  if (!slug || slug === DEMO_SLUG) return null;
  const v = await getViewer();
  // an owner is an owner whatever their role; only an instructor's role is worth the database round trip
  if (!v || v.isGuest) return v;
  const own = await getDb().sandbox.count({ where: { slug, ownerId: v.id } });
  return own ? v : getVerifiedViewer();
}

/** The sandbox this request works on (once per request). */
export const currentSandbox = cache(async () => {
  const slug = (await cookies()).get(SANDBOX_COOKIE)?.value;
  return resolveSandbox(getDb(), await viewerFor(slug), slug);
});

export interface SandboxInfo {
  id: string;
  slug: string;
  name: string;
  ownerId: string | null;
  isDemo: boolean;
  /** the archive and worklist AE titles it serves on the listener */
  archiveAe: string;
  worklistAe: string;
  /** "Demo hospital (shared)", "My sandbox", "Ada Lovelace's sandbox" */
  label: string;
}

/** How the UI names a sandbox: "Demo hospital (shared)", "My sandbox" to its owner, its own name to others. */
export function sandboxLabel(sandbox: { slug: string; name: string; ownerId: string | null }, viewerId: string | null | undefined): string {
  if (sandbox.slug === DEMO_SLUG) return `${sandbox.name} (shared)`;
  if (viewerId && sandbox.ownerId === viewerId) return 'My sandbox';
  return sandbox.name;
}

async function infoOf(db: Db, sandbox: { id: string; slug: string; name: string; ownerId: string | null }, viewerId: string | null | undefined): Promise<SandboxInfo> {
  const aes = await localAes(db, sandbox.id);
  return {
    id: sandbox.id,
    slug: sandbox.slug,
    name: sandbox.name,
    ownerId: sandbox.ownerId,
    isDemo: sandbox.slug === DEMO_SLUG,
    archiveAe: aes.archive ?? 'PACS',
    worklistAe: aes.worklist ?? 'RIS',
    label: sandboxLabel(sandbox, viewerId),
  };
}

/** The current sandbox with its AE titles and the name to show (once per request); null when no demo exists yet. */
export const currentSandboxInfo = cache(async (): Promise<SandboxInfo | null> => {
  const [sandbox, viewer] = await Promise.all([currentSandbox(), getViewer()]);
  return sandbox ? infoOf(getDb(), sandbox, viewer?.id) : null;
});

/** A user's own sandbox with its AE titles and where the listener is (for the pages that tell them what to call), or null. */
export async function ownSandboxInfo(db: Db, userId: string): Promise<(SandboxInfo & { host: string; port: number }) | null> {
  const own = await findUserSandbox(db, userId);
  if (!own) return null;
  const { DICOM_HOST, DICOM_PORT } = env();
  return { ...(await infoOf(db, own, userId)), host: DICOM_HOST, port: DICOM_PORT };
}

export interface SandboxChoice extends SandboxInfo {
  /** whose it is, for an instructor's list */
  ownerName: string | null;
}

/** How many students' sandboxes an instructor's switcher lists (the most recent first). */
export const CHOICES_LIMIT = 100;

/**
 * What the switcher offers `viewer`: the demo, their own sandbox if they have one, and for instructors and admins
 * every student's sandbox (most recently made first, at most CHOICES_LIMIT).
 */
export async function sandboxChoices(db: Db, viewer: Who): Promise<{ choices: SandboxChoice[]; own: SandboxChoice | null; more: number }> {
  const out: SandboxChoice[] = [];
  const d = await demo(db);
  if (d) out.push({ ...(await infoOf(db, d, viewer?.id)), ownerName: null });
  if (!viewer || viewer.isGuest) return { choices: out, own: null, more: 0 };
  const mine = await findUserSandbox(db, viewer.id);
  const own = mine ? { ...(await infoOf(db, mine, viewer.id)), ownerName: null } : null;
  if (own) out.push(own);
  let more = 0;
  if (hasRole(viewer.role, 'instructor')) {
    const where = { slug: { startsWith: 'u-' }, ...(mine ? { id: { not: mine.id } } : {}) };
    const [others, total] = await Promise.all([
      db.sandbox.findMany({
        where,
        orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
        take: CHOICES_LIMIT,
        include: { owner: { select: { name: true } }, nodes: { where: { local: true }, select: { aeTitle: true, role: true } } },
      }),
      db.sandbox.count({ where }),
    ]);
    more = Math.max(0, total - others.length);
    for (const s of others) {
      if (!isUserSandboxSlug(s.slug)) continue;
      out.push({
        id: s.id,
        slug: s.slug,
        name: s.name,
        ownerId: s.ownerId,
        isDemo: false,
        archiveAe: s.nodes.find((n) => n.role === 'archive')?.aeTitle ?? '—',
        worklistAe: s.nodes.find((n) => n.role === 'worklist')?.aeTitle ?? '—',
        label: s.name,
        ownerName: s.owner?.name ?? null,
      });
    }
  }
  return { choices: out, own, more };
}
