'use client';
import { useState } from 'react';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { Loader2 } from 'lucide-react';
import { authClient, authErrorMessage } from '@/app/_lib/auth-client';

type Mode = 'sign-in' | 'sign-up';

function safeNext(value: string | null): string {
  // only same-site paths: never an open redirect
  return value && value.startsWith('/') && !value.startsWith('//') ? value : '/learn';
}

export function AuthForm({ mode, guest }: { mode: Mode; guest: boolean }) {
  const router = useRouter();
  const next = safeNext(useSearchParams().get('next'));
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get('email') ?? '').trim();
    const password = String(form.get('password') ?? '');
    const name = String(form.get('name') ?? '').trim();
    const errors: Record<string, string> = {};
    if (mode === 'sign-up' && name.length < 2) errors.name = 'Enter your name (at least 2 characters).';
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) errors.email = 'Enter an e-mail address like name@school.edu.';
    if (mode === 'sign-up' && password.length < 10) errors.password = 'Use at least 10 characters.';
    if (mode === 'sign-in' && !password) errors.password = 'Enter your password.';
    setFieldErrors(errors);
    setError(null);
    if (Object.keys(errors).length) return;
    setPending(true);
    const result =
      mode === 'sign-up'
        ? await authClient.signUp.email({ email, password, name })
        : await authClient.signIn.email({ email, password });
    setPending(false);
    if (result.error) {
      setError(authErrorMessage(result.error));
      return;
    }
    router.push(next);
    router.refresh();
  }

  const field = (id: string, label: string, props: React.InputHTMLAttributes<HTMLInputElement>) => (
    <div>
      <label htmlFor={id} className="label">{label}</label>
      <input id={id} name={id} className="field" aria-invalid={Boolean(fieldErrors[id])} aria-describedby={fieldErrors[id] ? `${id}-error` : undefined} {...props} />
      {fieldErrors[id] && <p id={`${id}-error`} className="mt-1 text-sm text-red-700">{fieldErrors[id]}</p>}
    </div>
  );

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" data-testid={`${mode}-form`}>
      {mode === 'sign-up' && guest && (
        <p className="rounded-md bg-brand-50 px-3 py-2 text-sm text-brand-900 ring-1 ring-brand-100">
          You have been working as a guest. Your lessons and answers move to your new account.
        </p>
      )}
      {mode === 'sign-up' && field('name', 'Name', { autoComplete: 'name', required: true, maxLength: 80 })}
      {field('email', 'E-mail', { type: 'email', autoComplete: 'email', required: true, maxLength: 254 })}
      {field('password', 'Password', {
        type: 'password',
        autoComplete: mode === 'sign-up' ? 'new-password' : 'current-password',
        required: true,
        maxLength: 128,
      })}
      {error && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200">{error}</p>
      )}
      <button type="submit" className="btn-primary w-full" disabled={pending}>
        {pending && <Loader2 className="h-4 w-4 animate-spin" aria-hidden />}
        {mode === 'sign-up' ? 'Create account' : 'Sign in'}
      </button>
      <p className="text-center text-sm text-slate-600">
        {mode === 'sign-up' ? (
          <>Already have an account? <Link className="font-medium text-brand-700 hover:underline" href="/sign-in">Sign in</Link></>
        ) : (
          <>New here? <Link className="font-medium text-brand-700 hover:underline" href="/sign-up">Create an account</Link></>
        )}
      </p>
    </form>
  );
}
