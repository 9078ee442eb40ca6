// Runs only for server-action requests (the Next-Action header; see `config`), before Next decodes them, to answer two
// refusals in words with their proper status. Next refuses both itself, but answers them as a bare 500 ("Invalid
// Server Actions request", "Body exceeded 1 MB limit"), which a person cannot act on:
//   - a request from a page of another site (its Origin is neither this host nor PUBLIC_URL): 403 (CSRF);
//   - a body over Next's server-action limit (1 MB, experimental.serverActions.bodySizeLimit left at its default): 413.
// Everything else goes on to Next unchanged, which checks both again.
import { NextResponse, type NextRequest } from 'next/server';

const ACTION_BODY_LIMIT = 1024 * 1024;

function sameSite(origin: string, request: NextRequest): boolean {
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false; // "null" (a sandboxed frame, a file: page) is not this site
  }
  const own = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
  if (own && host === own) return true;
  const pub = process.env.PUBLIC_URL;
  try {
    return Boolean(pub) && new URL(pub!).host === host;
  } catch {
    return false;
  }
}

export function proxy(request: NextRequest) {
  if (request.method !== 'POST') return NextResponse.next();
  const origin = request.headers.get('origin');
  if (origin && !sameSite(origin, request)) {
    return NextResponse.json({ error: `Refused: this form was sent from a page of another site (${origin.slice(0, 100)}). Changes are accepted only from this site's own pages.` }, { status: 403 });
  }
  const length = Number(request.headers.get('content-length') ?? 0);
  if (length > ACTION_BODY_LIMIT) {
    return NextResponse.json({ error: `The form is too large (${Math.ceil(length / 1024)} KB; at most 1024 KB). Shorten the text and send it again.` }, { status: 413 });
  }
  return NextResponse.next();
}

export const config = {
  matcher: [{ source: '/:path*', has: [{ type: 'header', key: 'next-action' }] }],
};
