// For pages: the data module's 403 and 404 become Next's forbidden and not-found pages.
import { forbidden, notFound } from 'next/navigation';
import { HttpError } from '@/app/_lib/errors';

export async function orPage<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (error) {
    if (error instanceof HttpError && error.status === 403) forbidden();
    if (error instanceof HttpError && error.status === 404) notFound();
    throw error;
  }
}
