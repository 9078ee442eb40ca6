// Every /sandbox page: which sandbox the consoles work on (the shared demo, the student's own, or for instructors
// a student's), with "Create my sandbox" for a signed-in user who has none.
import Link from 'next/link';
import { UserRound } from 'lucide-react';
import { getDb } from '@/prisma/db';
import { getViewer } from '@/app/_lib/session';
import { currentSandboxInfo, sandboxChoices } from './_lib/current';
import { CreateSandbox, SandboxSwitcher, type SwitcherChoice } from './SandboxSwitcher';

export default async function SandboxLayout({ children }: { children: React.ReactNode }) {
  const [viewer, current] = await Promise.all([getViewer(), currentSandboxInfo()]);
  const { choices, own, more } = await sandboxChoices(getDb(), viewer);
  const list: SwitcherChoice[] = choices.map((c) => ({
    slug: c.slug,
    label: c.label,
    archiveAe: c.archiveAe,
    ownerName: c.ownerName,
    group: c.isDemo ? 'demo' : c.id === own?.id ? 'own' : 'students',
  }));
  // an instructor following a student whose sandbox is past the list's limit still sees where they are
  if (current && !list.some((c) => c.slug === current.slug)) list.push({ slug: current.slug, label: current.label, archiveAe: current.archiveAe, ownerName: null, group: 'students' });
  const signedIn = Boolean(viewer && !viewer.isGuest);
  return (
    <div>
      {current && (
        <div
          className="mb-5 flex flex-wrap items-center justify-between gap-x-4 gap-y-2 rounded-lg border border-slate-200 bg-white px-3 py-2 shadow-sm"
          data-testid="sandbox-bar"
          data-slug={current.slug}
        >
          <SandboxSwitcher choices={list} current={current.slug} more={more} />
          <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-slate-600">
            <span data-testid="sandbox-aes">
              Archive <span className="font-mono font-medium text-slate-900">{current.archiveAe}</span> · worklist{' '}
              <span className="font-mono font-medium text-slate-900">{current.worklistAe}</span>
            </span>
            {!current.isDemo && current.ownerId !== viewer?.id && (
              <span className="badge bg-amber-50 text-amber-800 ring-1 ring-amber-200"><UserRound className="mr-1 h-3 w-3" aria-hidden /> following a student</span>
            )}
            {signedIn && <CreateSandbox show={!own} />}
            {!signedIn && (
              <span className="text-slate-500">
                <Link href="/sign-up" className="font-medium text-brand-700 hover:underline">Your own sandbox</Link> comes with an account.
              </span>
            )}
          </div>
        </div>
      )}
      {children}
    </div>
  );
}
