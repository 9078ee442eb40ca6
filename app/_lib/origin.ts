// Cross-site request forgery for route handlers: a browser tells where a request comes from in its Origin header
// (Fetch standard), and a page on another site must not make a signed-in visitor's browser change anything here.
// Server actions get the same check from Next itself (Origin against Host); route handlers that change state
// (POST, PUT, PATCH, DELETE) call sameOriginOr403. A request without an Origin header is not from a browser page
// (curl, DCMTK-like clients, the benchmark): it carries only the credentials its sender chose to give it.
import { env } from './env';
import { HttpError } from './errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The origins whose pages may send state-changing requests: PUBLIC_URL, localhost and 127.0.0.1 on PORT. */
export function trustedOrigins(): Set<string> {
  const e = env();
  return new Set([e.PUBLIC_URL, `http://localhost:${e.PORT}`, `http://127.0.0.1:${e.PORT}`].map((o) => o.replace(/\/$/, '')));
}

/** Whether `origin` is this site: a trusted origin, or the origin the request itself was addressed to (its Host). */
export function isSameOrigin(origin: string, request: Request): boolean {
  if (trustedOrigins().has(origin)) return true;
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
  if (!host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false; // "null" (a sandboxed frame, a file: page) and anything unparsable are not this site
  }
}

/** 403 for a state-changing request sent by a page of another origin. */
export function sameOriginOr403(request: Request): void {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return;
  const origin = request.headers.get('origin');
  if (origin === null) return;
  if (!isSameOrigin(origin, request)) {
    throw new HttpError(403, `Refused: this request came from a page of another site (${origin.slice(0, 100)}). Changes are accepted only from this site's own pages.`);
  }
}
