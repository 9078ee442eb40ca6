// CSRF for route handlers (app/_lib/origin.ts) and the JSON media type check (errors.ts readJson), on real Request
// objects through the same route() wrapper the handlers use.
import { describe, expect, it } from 'vitest';
import { readJson, route } from './errors';
import { isSameOrigin } from './origin';

const ok = route(async (request: Request) => Response.json(await readJson(request)));
const post = (headers: Record<string, string>, body = '{"a":1}') =>
  ok(new Request('http://127.0.0.1:3000/api/x', { method: 'POST', headers: { host: '127.0.0.1:3000', ...headers }, body }), {});

describe('route handlers and the Origin of a request', () => {
  it('accepts a POST from this site, and one with no Origin (not a browser page)', async () => {
    expect((await post({ origin: 'http://127.0.0.1:3000', 'content-type': 'application/json' })).status).toBe(200);
    expect((await post({ 'content-type': 'application/json' })).status).toBe(200);
    expect((await post({ origin: 'http://localhost:3000', 'content-type': 'application/json' })).status).toBe(200);
  });

  it('refuses a POST from a page of another site with 403 in words, before the handler runs', async () => {
    for (const origin of ['http://evil.example', 'null', 'http://127.0.0.1:3001', 'https://127.0.0.1:3000.evil.example']) {
      const r = await post({ origin, 'content-type': 'application/json' });
      expect(r.status, origin).toBe(403);
      expect((await r.json()).error).toMatch(/another site/);
    }
  });

  it('lets GET through whatever its Origin (reads change nothing; CORS decides what a page may read)', async () => {
    const get = route(async () => new Response('fine'));
    const r = await get(new Request('http://127.0.0.1:3000/api/x', { headers: { origin: 'http://evil.example' } }), {});
    expect(r.status).toBe(200);
  });

  it('trusts the Host the request was sent to (a proxy in front), not a look-alike', () => {
    const req = (host: string) => new Request('http://x/', { headers: { host } });
    expect(isSameOrigin('https://pacs.school.edu', req('pacs.school.edu'))).toBe(true);
    expect(isSameOrigin('https://pacs.school.edu.evil.example', req('pacs.school.edu'))).toBe(false);
    expect(isSameOrigin('not a url', req('pacs.school.edu'))).toBe(false);
  });
});

describe('readJson', () => {
  it('takes application/json (any parameters) and refuses a type that merely mentions it', async () => {
    expect((await post({ 'content-type': 'application/json; charset=utf-8' })).status).toBe(200);
    // a page of another site may send text/plain without asking first (a CORS-safelisted type)
    expect((await post({ 'content-type': 'text/plain; x=application/json' })).status).toBe(415);
    expect((await post({ 'content-type': 'application/jsonp' })).status).toBe(415);
    expect((await post({})).status).toBe(415);
  });

  it('answers a malformed body with 400', async () => {
    const r = await post({ 'content-type': 'application/json' }, '{"a":');
    expect(r.status).toBe(400);
    expect((await r.json()).error).toMatch(/not valid JSON/);
  });
});
