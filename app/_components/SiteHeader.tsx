import Link from 'next/link';
import { LogOut, ScanLine, UserRound } from 'lucide-react';
import { getViewer } from '@/app/_lib/session';
import { hasRole } from '@/app/_lib/roles';
import { NavLinks } from './NavLinks';
import { signOutAction } from '@/app/(auth)/actions';

export async function SiteHeader() {
  const viewer = await getViewer();
  const links = [
    { href: '/learn', label: 'Learn' },
    { href: '/practice', label: 'Practice' },
    ...(viewer ? [{ href: '/account', label: 'Progress' }] : []),
    { href: '/sandbox', label: 'Sandbox' },
    { href: '/teach', label: 'Teach' },
    ...(viewer && !viewer.isGuest && hasRole(viewer.role, 'admin') ? [{ href: '/admin/users', label: 'Admin' }] : []),
  ];
  return (
    <header className="sticky top-0 z-40 border-b border-slate-200 bg-white/95 backdrop-blur">
      <div className="mx-auto flex h-14 max-w-6xl items-center gap-4 px-4 sm:px-6">
        <Link href="/" className="flex shrink-0 items-center gap-2 whitespace-nowrap font-semibold tracking-tight text-slate-900">
          <span className="grid h-8 w-8 place-items-center rounded-md bg-brand-600 text-white">
            <ScanLine className="h-5 w-5" aria-hidden />
          </span>
          <span>PACS Lab</span>
        </Link>
        <nav aria-label="Main" className="hidden md:block">
          <NavLinks links={links} />
        </nav>
        <div className="ml-auto flex min-w-0 items-center gap-2 text-sm">
          {viewer && !viewer.isGuest ? (
            <>
              <Link href="/account" className="btn-ghost min-w-0 px-2" data-testid="account-link">
                <UserRound className="h-4 w-4" aria-hidden />
                <span className="min-w-0 max-w-40 truncate">{viewer.name}</span>
                <span className="badge hidden bg-slate-100 text-slate-600 sm:inline-flex">{viewer.role}</span>
              </Link>
              <form action={signOutAction}>
                <button type="submit" className="btn-ghost shrink-0 px-2" aria-label="Sign out">
                  <LogOut className="h-4 w-4" aria-hidden />
                  <span className="hidden sm:inline">Sign out</span>
                </button>
              </form>
            </>
          ) : (
            <>
              {viewer?.isGuest && (
                <Link href="/account" className="badge hidden bg-amber-50 text-amber-800 ring-1 ring-amber-200 sm:inline-flex">
                  Guest: progress kept on this browser
                </Link>
              )}
              <Link href="/sign-in" className="btn-ghost px-3">Sign in</Link>
              <Link href="/sign-up" className="btn-primary px-3 py-1.5">Sign up</Link>
            </>
          )}
        </div>
      </div>
      <nav aria-label="Main (mobile)" className="border-t border-slate-100 px-2 md:hidden">
        <NavLinks links={links} />
      </nav>
    </header>
  );
}
