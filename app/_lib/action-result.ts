// Server actions answer with a result, never a thrown error: an HttpError becomes its message (and field errors),
// anything else a plain "something went wrong" (logged on the server, never leaked).
import { HttpError } from './errors';

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: string; details?: Record<string, string[]> };

export async function guarded<T>(fn: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return { ok: true, data: await fn() };
  } catch (error) {
    if (error instanceof HttpError) return { ok: false, error: error.message, details: error.details };
    console.error('[action] unexpected error', error);
    return { ok: false, error: 'Something went wrong on the server. It has been logged; try again.' };
  }
}
