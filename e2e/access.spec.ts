// Access control over HTTP against the real server (issue 11): the matrix in app/_lib/accessMatrix.ts walked cell by
// cell — every page, route handler and server action, for a visitor with no session, a guest, a student (owner of
// a sandbox, member of a cohort), another student, the cohort's instructor, another instructor and an admin —
// with each one's real session cookie. Then what the matrix cannot say in one cell: security headers on every
// kind of response, sessions that expire, state-changing requests from another site refused (CSRF), invalid and
// oversized bodies answered with a 4xx in words, never a 500.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, test } from '@playwright/test';
import { ACTIONS, ACTORS, PAGES, ROUTES, type Actor, type ActionOutcome, type PageOutcome } from '../app/_lib/accessMatrix';
import { storescu } from './dicom';
import { E2E } from './env';
import { uniqueEmail } from './helpers';
import { actionAnswer, callAction } from './serverActions';

const base = E2E.baseURL;

// ---------------------------------------------------------------- sessions, as a browser holds them

/** The name=value pairs a response sets (the Cookie header a browser would send back). */
function cookiesFrom(response: Response): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const i = pair.indexOf('=');
    out[pair.slice(0, i).trim()] = pair.slice(i + 1).trim();
  }
  return out;
}
const header = (jar: Record<string, string>) => Object.entries(jar).filter(([, v]) => v !== '').map(([k, v]) => `${k}=${v}`).join('; ');

async function auth(path: string, body: unknown): Promise<Record<string, string>> {
  const r = await fetch(`${base}/api/auth/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: base }, body: JSON.stringify(body) });
  expect(r.status, `${path}: ${await r.clone().text()}`).toBe(200);
  const jar = cookiesFrom(r);
  expect(Object.keys(jar).some((k) => k.endsWith('session_token')), 'a session cookie').toBe(true);
  return jar;
}
const signUp = (name: string, email: string) => auth('sign-up/email', { name, email, password: 'access password 1' });
const signIn = (email: string, password: string) => auth('sign-in/email', { email, password });

interface Fixtures {
  studentId: string;
  otherId: string;
  targetId: string;
  cohort2Id: string;
  assignmentId: string;
  studentSlug: string;
  studentAe: string;
  studyUid: string;
  instanceId: string;
  cohortId: string;
  joinCode: string;
  mockId: string;
  scenarioId: string;
  attemptId: string;
  lessonSlug: string;
}

const jars = {} as Record<Actor, Record<string, string>>;
const fx = {} as Fixtures;
const cli = (...args: string[]) => execFileSync(process.execPath, ['app/_cli/pacslab.mjs', ...args], { env: { ...process.env, ...E2E.serverEnv }, stdio: 'pipe' }).toString();
const db = () => new Database(join(E2E.dir, 'pacslab.db'));

function fill(text: string): string {
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (k in fx ? String(fx[k as keyof Fixtures]) : m));
}
function fillDeep<T>(v: T): T {
  return JSON.parse(fill(JSON.stringify(v))) as T;
}
/** The Cookie header for an actor, with the sandbox cookie naming the student's sandbox or the demo. */
function cookieFor(actor: Actor, studentSandbox = false): string {
  return header({ ...jars[actor], 'pacslab-sandbox': studentSandbox ? fx.studentSlug : 'demo' });
}

async function act(actor: Actor, file: string, action: string, o: { form?: Record<string, string>; args?: unknown[]; formOnly?: boolean; studentSandboxCookie?: boolean; origin?: string | null } = {}) {
  return callAction(base, file, action, {
    form: o.form && fillDeep(o.form),
    args: o.args && fillDeep(o.args),
    formOnly: o.formOnly,
    cookie: cookieFor(actor, o.studentSandboxCookie),
    origin: o.origin,
    params: { ae: 'CT1', uid: fx.studyUid ?? 'x', id: fx.scenarioId ?? 'x', code: fx.joinCode ?? 'x', userId: fx.studentId ?? 'x', slug: fx.lessonSlug ?? 'x', studyInstanceUid: fx.studyUid ?? 'x' },
  });
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  // the accounts: two students, two instructors (the second made as an admin would, on the command line), an admin
  jars.anon = {};
  jars.guest = await auth('sign-in/anonymous', {});
  const studentEmail = uniqueEmail('acc-student');
  jars.student = await signUp('Access Student', studentEmail);
  jars.other = await signUp('Access Other', uniqueEmail('acc-other'));
  const targetEmail = uniqueEmail('acc-target');
  await signUp('Access Target', targetEmail);
  jars.instructor = await signIn(E2E.instructor.email, E2E.instructor.password);
  const i2 = { email: uniqueEmail('acc-instructor2'), password: 'second teacher 1' };
  cli('user', 'add', '--role', 'instructor', '--email', i2.email, '--password', i2.password, '--name', 'Other Instructor');
  jars.instructor2 = await signIn(i2.email, i2.password);
  jars.admin = await signIn(E2E.admin.email, E2E.admin.password);
  const ids = db();
  const idOf = (email: string) => (ids.prepare('select id from User where email = ?').get(email) as { id: string }).id;
  fx.studentId = idOf(studentEmail);
  fx.otherId = (ids.prepare("select id from User where name = 'Access Other' order by createdAt desc").get() as { id: string }).id;
  fx.targetId = idOf(targetEmail);
  ids.close();

  // each student's own sandbox
  for (const who of ['student', 'other'] as const) {
    const r = await callAction(base, 'app/sandbox/actions.ts', 'createMySandbox', { form: {}, cookie: header(jars[who]) });
    expect(actionAnswer(r), r.body.slice(0, 400)).toEqual({ kind: 'ok' });
    const slug = cookiesFrom(new Response(null, { headers: r.headers }))['pacslab-sandbox'];
    expect(slug).toMatch(/^u-[A-Z2-9]{4}$/);
    if (who === 'student') fx.studentSlug = slug;
  }
  fx.studentAe = `PACS_${fx.studentSlug.slice(2)}`;

  // a fault scenario of the student's (Start resets their sandbox, so it comes before their study); its fault only
  // changes the CT1 scanner's port, not the archive a DCMTK client calls below
  fx.scenarioId = 'send-failed-wrong-port';
  const started = await callAction(base, 'app/sandbox/scenarios/actions.ts', 'startScenario', { form: { scenarioId: fx.scenarioId }, cookie: header(jars.student) });
  expect(actionAnswer(started), started.body.slice(0, 400)).toEqual({ kind: 'ok' });
  const att = db();
  fx.attemptId = (att.prepare("select id from ScenarioAttempt where userId = ? and status = 'in-progress'").get(fx.studentId) as { id: string }).id;
  att.close();

  // a study of its own in the student's archive, sent by a real DICOM client (DCMTK)
  const dir = mkdtempSync(join(tmpdir(), 'acc-ct-'));
  cli('generate', '--modality', 'CT', '--slices', '1', '--out', dir);
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  const sent = storescu('CT1', fx.studentAe, files);
  expect(sent.status, sent.out).toBe(0);
  const store = db();
  const inst = store
    .prepare('select i.id as id, st.studyInstanceUid as uid from Instance i join Series se on se.id = i.seriesRefId join Study st on st.id = se.studyRefId join Sandbox sb on sb.id = i.sandboxId where sb.slug = ?')
    .get(fx.studentSlug) as { id: string; uid: string };
  store.close();
  fx.instanceId = inst.id;
  fx.studyUid = inst.uid;

  // the instructor's cohort, which the student joins
  const made = await callAction(base, 'app/teach/actions.ts', 'createCohortAction', { form: { name: `Access ${Date.now().toString(36)}`, term: 'Spring 2027' }, cookie: header(jars.instructor) });
  const code = /join code ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(made.body);
  expect(code, made.body.slice(0, 400)).not.toBeNull();
  fx.joinCode = code![1];
  const c = db();
  fx.cohortId = (c.prepare('select id from Cohort where joinCode = ?').get(fx.joinCode) as { id: string }).id;
  c.close();
  // another instructor's cohort, and an assignment in the first one
  const made2 = await callAction(base, 'app/teach/actions.ts', 'createCohortAction', { form: { name: `Access other ${Date.now().toString(36)}`, term: 'Spring 2027' }, cookie: header(jars.instructor2) });
  const code2 = /join code ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(made2.body)![1];
  const assigned = await callAction(base, 'app/teach/actions.ts', 'createAssignmentAction', { form: { cohortId: fx.cohortId, kind: 'mock', mockSize: '20', title: 'Access fixture mock', opensAt: '2026-01-01T08:00', dueAt: '2030-01-01T08:00' }, cookie: header(jars.instructor) });
  expect(actionAnswer(assigned), assigned.body.slice(0, 300)).toEqual({ kind: 'ok' });
  const c2 = db();
  fx.cohort2Id = (c2.prepare('select id from Cohort where joinCode = ?').get(code2) as { id: string }).id;
  fx.assignmentId = (c2.prepare("select id from Assignment where cohortId = ? and title = 'Access fixture mock'").get(fx.cohortId) as { id: string }).id;
  c2.close();
  const joined = await callAction(base, 'app/teach/actions.ts', 'joinCohortAction', { form: { code: fx.joinCode }, cookie: header(jars.student) });
  expect(actionAnswer(joined).kind, joined.body.slice(0, 400)).toBe('ok');

  // the student's mock exam, a fault scenario attempt of theirs, a lesson
  const mock = await callAction(base, 'app/practice/actions.ts', 'startMockExam', { args: [{ length: 20 }], cookie: header(jars.student) });
  fx.mockId = /"id":"([^"]+)"/.exec(mock.body)![1];
  fx.lessonSlug = readdirSync('content/lessons').find((f) => f.endsWith('.mdx'))!.replace(/\.mdx$/, '').replace(/^\d+-/, '');
});

// ---------------------------------------------------------------- the matrix

test('every page answers each actor as the matrix says', async () => {
  test.setTimeout(240_000);
  const wrong: string[] = [];
  let cellsChecked = 0;
  for (const row of PAGES) {
    const url = fill(row.url);
    for (const actor of ACTORS) {
      const r = await fetch(`${base}${url}`, { headers: { cookie: cookieFor(actor, row.studentSandboxCookie) }, redirect: 'manual' });
      const body = await r.text();
      const location = r.headers.get('location') ?? '';
      let got: PageOutcome | number = r.status as PageOutcome;
      if (r.status >= 300 && r.status < 400 && location.includes('/sign-in')) got = 'signin';
      if (r.status === 200 && row.studentSandboxCookie) {
        const slug = /data-slug="([^"]+)"/.exec(body)?.[1];
        got = slug === 'demo' ? 'demo' : slug === fx.studentSlug ? 'own' : 200;
      }
      const want = row.expect[actor];
      const ok = got === want || (want === 200 && (got === 'own' || got === 'demo') && !row.studentSandboxCookie);
      cellsChecked++;
      if (!ok) wrong.push(`${row.file} ${url} as ${actor}: expected ${want}, got ${got}${location ? ` → ${location}` : ''}`);
    }
  }
  console.log(`pages: ${PAGES.length} rows × ${ACTORS.length} actors = ${cellsChecked} cells`);
  expect(wrong).toEqual([]);
});

test('every route handler answers each actor as the matrix says', async () => {
  test.setTimeout(180_000);
  const wrong: string[] = [];
  for (const row of ROUTES) {
    const url = fill(row.url);
    for (const actor of ACTORS) {
      const headers: Record<string, string> = { cookie: cookieFor(actor, row.studentSandboxCookie) };
      let body: string | undefined;
      if (row.method === 'POST') {
        headers.origin = base;
        if (row.body === 'validAnswer') {
          headers['content-type'] = 'application/json';
          body = JSON.stringify(await validAnswer());
        } else if (row.body === 'emptyStow') {
          headers['content-type'] = 'multipart/related; type="application/dicom"; boundary=B';
          body = '--B--\r\n';
        } else {
          headers['content-type'] = 'application/json';
          body = JSON.stringify(fillDeep(row.body));
        }
      }
      const r = await fetch(`${base}${url}`, { method: row.method, headers, body, redirect: 'manual' });
      const text = await r.text();
      const want = row.expect[actor];
      // 200 stands for any success (an empty QIDO-RS search is 204 No Content, PS3.18 8.3.4)
      if (!(r.status === want || (want === 200 && r.status >= 200 && r.status < 300))) wrong.push(`${row.method} ${url} as ${actor}: expected ${row.expect[actor]}, got ${r.status} ${text.slice(0, 160)}`);
      // every refusal says why, in words
      if (r.status >= 400 && r.status < 500) expect(text.length, `${url} as ${actor}`).toBeGreaterThan(10);
    }
  }
  console.log(`route handlers: ${ROUTES.length} rows × ${ACTORS.length} actors`);
  expect(wrong).toEqual([]);
});

const REFUSED_401 = /sign in|session has ended|start a session/i;
const REFUSED_403 = /needs the|belongs to another|only its owner|only instructors|another instructor|your account is a|not in one of your cohorts|only your own/i;

function classify(answer: ReturnType<typeof actionAnswer>): ActionOutcome | string {
  if (answer.kind === 'ok') return 'ok';
  if (answer.kind === 'thrown') return 'thrown';
  if (REFUSED_401.test(answer.error)) return 401;
  if (REFUSED_403.test(answer.error)) return 403;
  return 'error';
}

test('every server action answers each actor as the matrix says, and a refusal changes nothing', async () => {
  test.setTimeout(300_000);
  const wrong: string[] = [];
  let n = 0;
  for (const row of ACTIONS) {
    for (const actor of ACTORS) {
      if (row.skip?.includes(actor)) continue;
      let r;
      try {
        r = await act(actor, row.file, row.action, row);
      } catch (e) {
        wrong.push(`${row.file}#${row.action}: ${e instanceof Error ? e.message : e}`);
        break;
      }
      const got = classify(actionAnswer(r));
      n++;
      if (got !== row.expect[actor]) {
        const a = actionAnswer(r);
        wrong.push(`${row.file}#${row.action} as ${actor}: expected ${row.expect[actor]}, got ${got}${a.kind === 'refused' ? ` (“${a.error}”)` : ''}`);
      }
    }
  }
  console.log(`server actions: ${ACTIONS.length} rows × ${ACTORS.length} actors (${n} calls)`);
  // what the refused calls would have changed is unchanged; what the admin did, done
  const d = db();
  expect(d.prepare('select count(*) as n from Enrollment where cohortId = ? and userId = ?').get(fx.cohortId, fx.studentId)).toEqual({ n: 1 });
  expect(d.prepare('select count(*) as n from Assignment where id = ?').get(fx.assignmentId)).toEqual({ n: 1 });
  expect(d.prepare("select count(*) as n from Assignment where cohortId = ? and title = 'Access matrix mock'").get(fx.cohort2Id)).toEqual({ n: 0 });
  expect(d.prepare("select status from ScenarioAttempt where id = ?").get(fx.attemptId)).toEqual({ status: 'in-progress' });
  expect(d.prepare('select role from User where id = ?').get(fx.targetId)).toEqual({ role: 'instructor' });
  expect(d.prepare('select role from User where id = ?').get(fx.otherId)).toEqual({ role: 'student' });
  d.close();
  expect(wrong).toEqual([]);
});

async function validAnswer() {
  const { readFileSync } = await import('node:fs');
  const bank = JSON.parse(readFileSync('content/questions/pacs.json', 'utf8')) as { questions: { id: string }[] };
  return { questionId: bank.questions[0].id, answer: ['a'], mode: 'practice' };
}

// ---------------------------------------------------------------- what one cell cannot say

test('sign-out ends only the caller’s own session', async () => {
  const mine = await signUp('Access Leaver', uniqueEmail('acc-leaver'));
  const r = await callAction(base, 'app/(auth)/actions.ts', 'signOutAction', { args: [], cookie: header(mine) });
  expect(r.status).toBeLessThan(500);
  // that session is gone (checked against the database, past the one-minute cookie cache); the others are not
  const token = Object.entries(mine).find(([k]) => k.endsWith('session_token'))!;
  const again = await fetch(`${base}/teach/students/${fx.studentId}`, { headers: { cookie: `${token[0]}=${token[1]}` }, redirect: 'manual' });
  expect(again.status).toBe(307);
  expect(again.headers.get('location')).toContain('/sign-in');
  const student = await fetch(`${base}/teach/students/${fx.studentId}`, { headers: { cookie: cookieFor('student') }, redirect: 'manual' });
  expect(student.status).toBe(200);
});

test('security headers on pages, APIs, DICOMweb, errors and static files', async () => {
  for (const url of ['/', '/sandbox/pacs', '/api/health', '/dicomweb/PACS/studies?limit=1', '/no-such-page', '/sandbox/viewer/dictionary', '/favicon.ico']) {
    const r = await fetch(`${base}${url}`, { redirect: 'manual' });
    const h = r.headers;
    expect(h.get('x-content-type-options'), url).toBe('nosniff');
    expect(h.get('x-frame-options'), url).toBe('DENY');
    expect(h.get('referrer-policy'), url).toBe('strict-origin-when-cross-origin');
    expect(h.get('permissions-policy'), url).toContain('camera=()');
    const csp = h.get('content-security-policy') ?? '';
    expect(csp, url).toContain("frame-ancestors 'none'");
    expect(csp, url).toContain("default-src 'self'");
    expect(csp, url).toContain("'wasm-unsafe-eval'");
    expect(csp, url).toMatch(/worker-src 'self' blob:/);
    expect(csp, url).toContain("object-src 'none'");
    expect(csp, url).not.toContain("'unsafe-eval'");
    // plain http: no HSTS (a browser would pin an address that has no TLS)
    expect(h.get('strict-transport-security'), url).toBeNull();
    expect(h.get('x-powered-by'), url).toBeNull();
  }
  // behind a TLS proxy (X-Forwarded-Proto: https) HSTS is sent
  const tls = await fetch(`${base}/`, { headers: { 'x-forwarded-proto': 'https' } });
  expect(tls.headers.get('strict-transport-security')).toMatch(/max-age=\d{7,}/);
  // the demo's DICOMweb keeps its CORS for OHIF in another origin; a student's archive has none
  const demo = await fetch(`${base}/dicomweb/PACS/studies?limit=1`, { headers: { origin: 'http://ohif.example' } });
  expect(demo.headers.get('access-control-allow-origin')).toBe('*');
  const own = await fetch(`${base}/dicomweb/${fx.studentAe}/studies`, { headers: { cookie: cookieFor('student'), origin: 'http://ohif.example' } });
  expect(own.status).toBe(200);
  expect(own.headers.get('access-control-allow-origin')).toBeNull();
  // session cookies: httpOnly, SameSite=Lax
  const r = await fetch(`${base}/api/auth/sign-in/email`, { method: 'POST', headers: { 'content-type': 'application/json', origin: base }, body: JSON.stringify(E2E.instructor) });
  const tokenLine = r.headers.getSetCookie().find((l) => l.includes('session_token='))!;
  expect(tokenLine).toMatch(/HttpOnly/i);
  expect(tokenLine).toMatch(/SameSite=Lax/i);
});

test('a session whose expiry has passed is refused everywhere a role or an owner is checked', async () => {
  const email = uniqueEmail('acc-expiring');
  const jar = await signUp('Access Expiring', email);
  const made = await callAction(base, 'app/sandbox/actions.ts', 'createMySandbox', { form: {}, cookie: header(jar) });
  const slug = cookiesFrom(new Response(null, { headers: made.headers }))['pacslab-sandbox'];
  const ae = `PACS_${slug.slice(2)}`;
  const [name, value] = Object.entries(jar).find(([k]) => k.endsWith('session_token'))!;
  const cookie = `${name}=${value}`;
  const before = await fetch(`${base}/dicomweb/${ae}/studies`, { headers: { cookie } });
  expect(before.status).toBe(204); // allowed, and empty
  // better-auth keeps sessions 14 days (app/_lib/auth.ts); this one's end is moved into the past in the database
  const token = decodeURIComponent(value).split('.')[0];
  const d = db();
  const changed = d.prepare('update Session set expiresAt = ? where token = ?').run('2020-01-01T00:00:00.000+00:00', token);
  d.close();
  expect(changed.changes).toBe(1);
  const dicomweb = await fetch(`${base}/dicomweb/${ae}/studies`, { headers: { cookie } });
  expect(dicomweb.status).toBe(401);
  const page = await fetch(`${base}/teach/students/x`, { headers: { cookie }, redirect: 'manual' });
  expect(page.status).toBe(307);
  const session = await (await fetch(`${base}/api/auth/get-session`, { headers: { cookie } })).text();
  expect(session).toBe('null');
  const action = await callAction(base, 'app/sandbox/actions.ts', 'createMySandbox', { form: {}, cookie });
  expect(classify(actionAnswer(action))).toBe(401);
  const answer = await fetch(`${base}/api/answers`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(await validAnswer()) });
  expect(answer.status).toBe(401);
});

test('state-changing requests from another site are refused (CSRF)', async () => {
  const evil = 'http://evil.example';
  // route handlers: 403 in words, whatever the session
  const answer = await fetch(`${base}/api/answers`, { method: 'POST', headers: { cookie: cookieFor('student'), origin: evil, 'content-type': 'application/json' }, body: JSON.stringify(await validAnswer()) });
  expect(answer.status).toBe(403);
  expect((await answer.json()).error).toMatch(/another site/);
  const stow = await fetch(`${base}/dicomweb/${fx.studentAe}/studies`, { method: 'POST', headers: { cookie: cookieFor('student'), origin: evil, 'content-type': 'multipart/related; type="application/dicom"; boundary=B' }, body: '--B--\r\n' });
  expect(stow.status).toBe(403);
  const compress = await fetch(`${base}/sandbox/compression/compress`, { method: 'POST', headers: { cookie: cookieFor('student', true), origin: evil, 'content-type': 'application/json' }, body: JSON.stringify({ instanceId: fx.instanceId, codec: 'rle' }) });
  expect(compress.status).toBe(403);
  // the same from the site's own origin works (so the 403s above are the Origin check, not something else)
  const same = await fetch(`${base}/api/answers`, { method: 'POST', headers: { cookie: cookieFor('student'), origin: base, 'content-type': 'application/json' }, body: JSON.stringify(await validAnswer()) });
  expect(same.status).toBe(200);
  // a "simple" request a foreign page can send without a preflight: text/plain that merely mentions JSON
  const simple = await fetch(`${base}/api/answers`, { method: 'POST', headers: { cookie: cookieFor('student'), 'content-type': 'text/plain; x=application/json' }, body: JSON.stringify(await validAnswer()) });
  expect(simple.status).toBe(415);
  // sign-in from another origin: better-auth refuses it (trustedOrigins)
  const signin = await fetch(`${base}/api/auth/sign-in/email`, { method: 'POST', headers: { origin: evil, 'content-type': 'application/json' }, body: JSON.stringify(E2E.admin) });
  expect(signin.status).toBe(403);
  // server actions: refused before Next decodes them (proxy.ts; Next would refuse too, with a bare 500), here an
  // admin's role change
  const forged = await act('admin', 'app/admin/users/actions.ts', 'setRole', { form: { userId: fx.otherId, role: 'admin' }, origin: evil });
  expect(forged.status).toBe(403);
  expect(JSON.parse(forged.body).error).toMatch(/another site/);
  const sandboxed = await act('admin', 'app/admin/users/actions.ts', 'setRole', { form: { userId: fx.otherId, role: 'admin' }, origin: 'null' });
  expect(sandboxed.status).toBe(403);
  const d = db();
  expect((d.prepare('select role from User where id = ?').get(fx.otherId) as { role: string }).role).toBe('student');
  d.close();
});

test('invalid and oversized bodies get a 4xx in words, never a 500', async () => {
  test.setTimeout(120_000);
  const big = 'x'.repeat(3 * 1024 * 1024);
  const post = (url: string, body: string, type: string, actor: Actor = 'student') =>
    fetch(`${base}${url}`, { method: 'POST', headers: { cookie: cookieFor(actor), origin: base, 'content-type': type }, body });
  const cases: [string, () => Promise<Response>, number | RegExp][] = [
    ['answers: not JSON', () => post('/api/answers', '{"questionId":', 'application/json'), 400],
    ['answers: wrong type', () => post('/api/answers', 'questionId=x', 'application/x-www-form-urlencoded'), 415],
    ['answers: JSON of the wrong shape', () => post('/api/answers', JSON.stringify({ questionId: 7, answer: 'a' }), 'application/json'), 422],
    ['answers: an array', () => post('/api/answers', '[1,2,3]', 'application/json'), 422],
    ['answers: 3 MB of JSON', () => post('/api/answers', JSON.stringify({ questionId: big, answer: ['a'], mode: 'practice' }), 'application/json'), /^4\d\d$/],
    ['answers: an unknown item', () => post('/api/answers', JSON.stringify({ questionId: 'no-such-item', answer: ['a'], mode: 'practice' }), 'application/json'), 404],
    ['compress: not JSON', () => post('/sandbox/compression/compress', 'nope', 'application/json'), 400],
    ['compress: wrong shape', () => post('/sandbox/compression/compress', JSON.stringify({ instanceId: ['x'], codec: 'nonsense' }), 'application/json'), 422],
    ['compress: 3 MB', () => post('/sandbox/compression/compress', JSON.stringify({ instanceId: big, codec: 'rle' }), 'application/json'), /^4\d\d$/],
    ['STOW-RS: no boundary', () => post(`/dicomweb/${fx.studentAe}/studies`, 'x', 'multipart/related; type="application/dicom"'), /^4\d\d$/],
    ['STOW-RS: not multipart', () => post(`/dicomweb/${fx.studentAe}/studies`, '{}', 'application/json'), /^4\d\d$/],
    ['STOW-RS: a part that is not DICOM', () => post(`/dicomweb/${fx.studentAe}/studies`, '--B\r\nContent-Type: application/dicom\r\n\r\nnot dicom at all\r\n--B--\r\n', 'multipart/related; type="application/dicom"; boundary=B'), /^(4\d\d)$/],
    ['STOW-RS: truncated multipart', () => post(`/dicomweb/${fx.studentAe}/studies`, '--B\r\nContent-Type: application/dicom\r\n\r\nDICM', 'multipart/related; type="application/dicom"; boundary=B'), /^4\d\d$/],
    ['STOW-RS: 3 MB of junk', () => post(`/dicomweb/${fx.studentAe}/studies`, `--B\r\nContent-Type: application/dicom\r\n\r\n${big}\r\n--B--\r\n`, 'multipart/related; type="application/dicom"; boundary=B'), /^4\d\d$/],
    ['QIDO-RS: a bad limit', () => fetch(`${base}/dicomweb/PACS/studies?limit=-5`), /^4\d\d$/],
    ['QIDO-RS: a bad date range', () => fetch(`${base}/dicomweb/PACS/studies?StudyDate=2024-13-45`), /^(200|4\d\d)$/],
    ['WADO-RS: a path-like UID', () => fetch(`${base}/dicomweb/PACS/studies/..%2F..%2Fetc%2Fpasswd/metadata`), /^4\d\d$/],
    ['WADO-RS: frames not a number', () => fetch(`${base}/dicomweb/PACS/studies/1.2/series/1.2/instances/1.2/frames/abc`), /^4\d\d$/],
    ['DICOMweb: an AE title too long', () => fetch(`${base}/dicomweb/${'A'.repeat(40)}/studies`), 404],
    ['auth: sign-up with a short password', () => fetch(`${base}/api/auth/sign-up/email`, { method: 'POST', headers: { origin: base, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x', email: uniqueEmail('short'), password: 'short' }) }), 400],
    ['auth: sign-up not JSON', () => fetch(`${base}/api/auth/sign-up/email`, { method: 'POST', headers: { origin: base, 'content-type': 'application/json' }, body: '{"name":' }), /^4\d\d$/],
    ['auth: sign-in with a 3 MB password', () => fetch(`${base}/api/auth/sign-in/email`, { method: 'POST', headers: { origin: base, 'content-type': 'application/json' }, body: JSON.stringify({ email: 'a@b.test', password: big }) }), /^4\d\d$/],
    ['auth: sign-in with an email that is not one', () => fetch(`${base}/api/auth/sign-in/email`, { method: 'POST', headers: { origin: base, 'content-type': 'application/json' }, body: JSON.stringify({ email: ['x'], password: 1 }) }), /^4\d\d$/],
  ];
  const wrong: string[] = [];
  for (const [what, send, want] of cases) {
    const r = await send();
    const text = await r.text();
    const ok = typeof want === 'number' ? r.status === want : want.test(String(r.status));
    if (!ok) wrong.push(`${what}: got ${r.status} ${text.slice(0, 200)}`);
    else if (r.status >= 400) expect(text.length, `${what}: a message in words`).toBeGreaterThan(10);
  }
  expect.soft(wrong).toEqual([]);
  // server actions with oversized and hostile fields: a refusal in words (or Next's 413 for a body past its 1 MB
  // limit), never a 500, and nothing is made
  const huge = await act('instructor', 'app/teach/actions.ts', 'createCohortAction', { form: { name: big.slice(0, 900_000), term: 'Spring 2027' } });
  expect(huge.status).toBe(200);
  expect(classify(actionAnswer(huge))).toBe('error');
  const over = await act('instructor', 'app/teach/actions.ts', 'createCohortAction', { form: { name: big, term: 'Spring 2027' } });
  expect(over.status, over.body.slice(0, 200)).toBe(413);
  expect(JSON.parse(over.body).error).toMatch(/too large/);
  const d = db();
  expect((d.prepare('select max(length(name)) as n from Cohort').get() as { n: number }).n).toBeLessThanOrEqual(80);
  d.close();
  const weird = await act('student', 'app/sandbox/actions.ts', 'selectSandbox', { form: { slug: '../../etc/passwd\u0000' } });
  expect(classify(actionAnswer(weird))).toBe('error');
  const badArgs = await callAction(base, 'app/practice/actions.ts', 'flagQuestion', { args: [{ questionId: { $gt: '' }, flagged: 'yes' }], cookie: cookieFor('student') });
  expect(classify(actionAnswer(badArgs))).toBe('error');
  expect(wrong).toEqual([]);
});

