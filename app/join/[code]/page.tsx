import type { Metadata } from 'next';
import Link from 'next/link';
import { getViewer } from '@/app/_lib/session';
import { getDb } from '@/prisma/db';
import { normalizeJoinCode } from '@/app/teach/_lib/joinCode';
import { JoinForm } from '@/app/teach/_components/CohortForms';

export const metadata: Metadata = { title: 'Join a cohort' };
export const dynamic = 'force-dynamic';

export default async function JoinPage({ params }: { params: Promise<{ code: string }> }) {
  const { code: raw } = await params;
  const code = normalizeJoinCode(decodeURIComponent(raw));
  const cohort = code ? await getDb().cohort.findUnique({ where: { joinCode: code }, select: { id: true, name: true, term: true, instructor: { select: { name: true } } } }) : null;
  const viewer = await getViewer();
  const here = `/join/${code ?? raw}`;
  const member = cohort && viewer && !viewer.isGuest ? await getDb().enrollment.findUnique({ where: { cohortId_userId: { cohortId: cohort.id, userId: viewer.id } } }) : null;
  return (
    <div className="mx-auto max-w-md pt-6 sm:pt-12" data-testid="join-page">
      <h1 className="text-2xl font-semibold tracking-tight">Join a cohort</h1>
      <div className="card mt-6 p-6">
        {!cohort ? (
          <p role="alert" className="text-slate-700">No cohort has the join code <span className="font-mono">{decodeURIComponent(raw)}</span>. Check it with your instructor: it looks like K7Q2-9XMN.</p>
        ) : (
          <>
            <p className="text-lg font-semibold">{cohort.name}</p>
            <p className="text-sm text-slate-600">{cohort.term} · {cohort.instructor.name}</p>
            <div className="mt-4">
              {!viewer || viewer.isGuest ? (
                <p className="text-sm text-slate-700">
                  Your instructor sees your results once you join, so you need an account.{' '}
                  <Link href={`/sign-up?next=${encodeURIComponent(here)}`} className="font-medium text-brand-700 hover:underline">Create an account</Link> or{' '}
                  <Link href={`/sign-in?next=${encodeURIComponent(here)}`} className="font-medium text-brand-700 hover:underline">sign in</Link>, then come back here.
                </p>
              ) : member ? (
                <p className="text-sm text-emerald-700">You are in this cohort. Your assignments are on <Link href="/learn" className="font-medium underline">Learn</Link>.</p>
              ) : (
                <>
                  <p className="mb-3 text-sm text-slate-600">Joining shares your lessons, answers and mock-exam results with the cohort’s instructor.</p>
                  <JoinForm code={cohort ? code! : ''} />
                </>
              )}
            </div>
          </>
        )}
      </div>
    </div>
  );
}
