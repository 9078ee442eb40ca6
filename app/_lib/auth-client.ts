'use client';
import { createAuthClient } from 'better-auth/react';
import { anonymousClient } from 'better-auth/client/plugins';

/** Talks to /api/auth on the same origin (so the rate limits and origin checks of the server apply). */
export const authClient = createAuthClient({ plugins: [anonymousClient()] });

/** better-auth error codes in the words a student understands. */
export function authErrorMessage(error: { status?: number; code?: string; message?: string } | null | undefined): string {
  if (!error) return 'Something went wrong. Try again.';
  if (error.status === 429) return 'Too many attempts. Wait a minute, then try again.';
  switch (error.code) {
    case 'INVALID_EMAIL_OR_PASSWORD':
      return 'That e-mail and password do not match an account.';
    case 'USER_ALREADY_EXISTS':
    case 'USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL':
      return 'An account with that e-mail already exists. Sign in instead.';
    case 'PASSWORD_TOO_SHORT':
      return 'The password is too short: use at least 10 characters.';
    case 'PASSWORD_TOO_LONG':
      return 'The password is too long: use at most 128 characters.';
    case 'INVALID_EMAIL':
      return 'That does not look like an e-mail address.';
    default:
      return error.message || 'Something went wrong. Try again.';
  }
}
