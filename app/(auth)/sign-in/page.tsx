import type { Metadata } from 'next';
import { Suspense } from 'react';
import { AuthForm } from '../AuthForm';
import { getViewer } from '@/app/_lib/session';

export const metadata: Metadata = { title: 'Sign in' };

export default async function Page() {
  const viewer = await getViewer();
  return (
    <div className="mx-auto max-w-sm pt-6 sm:pt-12">
      <h1 className="text-2xl font-semibold tracking-tight">Sign in</h1>
      <p className="mt-1 text-sm text-slate-600">Welcome back. Pick up where you left off.</p>
      <div className="card mt-6 p-6">
        <Suspense>
          <AuthForm mode="sign-in" guest={Boolean(viewer?.isGuest)} />
        </Suspense>
      </div>
    </div>
  );
}
