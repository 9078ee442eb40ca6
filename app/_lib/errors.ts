// One typed error for everything a person can get wrong, mapped to HTTP in one place. Unknown errors become a
// plain 500 with no detail (logged on the server), never a stack trace in a response.
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { sameOriginOr403 } from './origin';

export class HttpError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 429 | 503,
    message: string,
    readonly details?: Record<string, string[]>,
  ) {
    super(message);
  }
}

/** Field errors from zod, keyed by path, in words for the person who filled the form. */
export function fieldErrors(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.') || '_';
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

export function parseOr422<T extends z.ZodType>(schema: T, input: unknown, what = 'request'): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw new HttpError(422, `The ${what} is not valid.`, fieldErrors(result.error));
  return result.data;
}

/** Reads a JSON body; a malformed one is the sender's error (400), not ours. */
export async function readJson(request: Request): Promise<unknown> {
  // the media type itself, not a substring: "text/plain; x=application/json" is a type a page of another site may
  // send without asking first (a CORS-safelisted type), so it must not pass for JSON
  const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') throw new HttpError(415, 'Send the body as application/json.');
  try {
    return await request.json();
  } catch {
    throw new HttpError(400, 'The body is not valid JSON.');
  }
}

export function errorResponse(error: unknown): NextResponse {
  if (error instanceof HttpError) {
    return NextResponse.json({ error: error.message, ...(error.details ? { details: error.details } : {}) }, { status: error.status });
  }
  console.error('[api] unexpected error', error);
  return NextResponse.json({ error: 'Something went wrong on the server. It has been logged.' }, { status: 500 });
}

/** Wraps a route handler: a state-changing request from another site's page is refused (403); every thrown error is answered through errorResponse. */
export function route<C>(handler: (request: Request, context: C) => Promise<Response>) {
  return async (request: Request, context: C): Promise<Response> => {
    try {
      sameOriginOr403(request);
      return await handler(request, context);
    } catch (error) {
      return errorResponse(error);
    }
  };
}
