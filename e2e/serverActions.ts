// Calls a server action over HTTP the way Next's client does (a POST to a page that uses it, the action's id in the
// Next-Action header, the arguments encoded as React's encodeReply does), so a test can call any action with any
// session and any Origin, as anyone with curl could. Action ids come from the build's server-reference-manifest.json
// (file and export name → id), so nothing here is tied to one build.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ManifestEntry {
  workers: Record<string, unknown>;
  filename: string;
  exportedName: string;
}

let manifest: Map<string, { id: string; pages: string[] }> | undefined;

function load() {
  if (manifest) return manifest;
  const dist = process.env.PACSLAB_DIST_DIR || '.next';
  const raw = JSON.parse(readFileSync(join(process.cwd(), dist, 'server', 'server-reference-manifest.json'), 'utf8')) as { node: Record<string, ManifestEntry> };
  manifest = new Map();
  for (const [id, e] of Object.entries(raw.node)) {
    const pages = Object.keys(e.workers)
      .filter((w) => w.endsWith('/page') && !w.includes('_not-found'))
      .map((w) => w.slice('app'.length, -'/page'.length).replace(/\/\([^)]+\)/g, '') || '/');
    manifest.set(`${e.filename}#${e.exportedName}`, { id, pages });
  }
  return manifest;
}

/** The action's id and a page path that uses it (dynamic segments filled from `params`). */
export function actionRef(file: string, action: string, params: Record<string, string> = {}) {
  const entry = load().get(`${file}#${action}`);
  if (!entry) throw new Error(`${file}#${action} is not in the build's server-reference-manifest (rebuild?)`);
  // prefer a page without dynamic segments; fill the others
  const page = [...entry.pages].sort((a, b) => Number(a.includes('[')) - Number(b.includes('[')) || a.length - b.length)[0] ?? '/';
  const path = page.replace(/\[(?:\.\.\.)?(\w+)\]/g, (_m, name: string) => encodeURIComponent(params[name] ?? 'x'));
  return { id: entry.id, path };
}

export interface CallOptions {
  /** (prev, form) actions: the form fields; formOnly: (form) actions */
  form?: Record<string, string>;
  formOnly?: boolean;
  /** (input) actions: the arguments */
  args?: unknown[];
  /** the Cookie header (a session, a sandbox choice) */
  cookie?: string;
  /** the Origin header: the site's own by default; null for none */
  origin?: string | null;
  params?: Record<string, string>;
}

/** POSTs the action; returns the status and body (React's flight format, where the result sits as JSON). */
export async function callAction(baseURL: string, file: string, action: string, o: CallOptions = {}) {
  const { id, path } = actionRef(file, action, o.params);
  const headers: Record<string, string> = { 'next-action': id, accept: 'text/x-component' };
  if (o.cookie) headers.cookie = o.cookie;
  const origin = o.origin === undefined ? baseURL : o.origin;
  if (origin) headers.origin = origin;
  let body: FormData | string;
  if (o.form) {
    // encodeReply: a FormData argument becomes "$K1" and its fields "_1_<name>"; the root "0" comes last, as the
    // server resolves "$K1" from the fields it has already read when the root arrives
    body = new FormData();
    for (const [k, v] of Object.entries(o.form)) body.append(`_1_${k}`, v);
    body.set('0', JSON.stringify(o.formOnly ? ['$K1'] : [null, '$K1']));
  } else {
    headers['content-type'] = 'text/plain;charset=UTF-8';
    body = JSON.stringify(o.args ?? []);
  }
  const response = await fetch(new URL(path, baseURL), { method: 'POST', headers, body, redirect: 'manual' });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

export type Answer = { kind: 'ok' } | { kind: 'refused'; error: string } | { kind: 'thrown'; body: string };

/** What an action answered: ok, the message of its { ok: false, error } result, or an error it threw. */
export function actionAnswer(r: { status: number; headers: Headers; body: string }): Answer {
  // the result object, as React serialises it: {"ok":false,"error":"…",…} or {"ok":true,…}
  const err = /"ok":false,"error":"((?:[^"\\]|\\.)*)"/.exec(r.body);
  if (err) return { kind: 'refused', error: JSON.parse(`"${err[1]}"`) as string };
  if (/"ok":true/.test(r.body)) return { kind: 'ok' };
  if (r.headers.get('x-action-redirect')) return { kind: 'ok' };
  if (r.status >= 400 || /"digest":"/.test(r.body) || /^\d+:E\{/m.test(r.body)) return { kind: 'thrown', body: `${r.status} ${r.body.slice(0, 300)}` };
  return { kind: 'ok' };
}
