// Benchmark (not a test): quiz-answer submission under 100 concurrent students, against a production build.
//
//   npm run build && npx tsx e2e/bench/answers.bench.ts            (BENCH_SECONDS=20, BENCH_PORT=3191 to change)
//
// Starts the site the way playwright.config.ts does (`pacslab start --no-build`, production, a fresh SQLite
// database in a temp folder; BENCH_DATABASE_URL=postgresql://… to use PostgreSQL), signs in 100 guests, and
// drives POST /api/answers with autocannon over 100 connections, one guest per connection, a random bank item
// and a right or wrong answer each time (misses also write a spaced-review card). Two runs:
//   saturated: every connection sends its next answer as soon as the last is answered (worst case);
//   students:  100 independent students, each on its own keep-alive connection, answering at random moments
//              (Poisson arrivals) so that together they send BENCH_RATES answers a second (default 10, 50, 100:
//              each student answering every 10 s, 2 s or 1 s; a real candidate takes about a minute per
//              registry item, so a class of 100 sends about 2 a second). autocannon's own rate limit fires all
//              connections on the same tick, which measures a thundering herd rather than a class, so this run
//              uses a small loop over fetch (keep-alive) instead.
// Prints latency seen by the client (p50/p95/p99) and the handler's own time from the Server-Timing header.
import autocannon, { type Result } from 'autocannon';
import { loadQuestions } from '@/content/questions';
import { startBenchServer, type BenchServer } from './server';

const PORT = Number(process.env.BENCH_PORT ?? 3191);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const RATES = (process.env.BENCH_RATES ?? '10,50,100').split(',').map(Number).filter((n) => n > 0);
const STUDENTS = 100;
let base = '';

/** One guest session per student (distinct client addresses: guest sign-in is rate-limited per address). */
async function guests(): Promise<string[]> {
  const cookies: string[] = [];
  for (let i = 0; i < STUDENTS; i++) {
    const res = await fetch(`${base}/api/auth/sign-in/anonymous`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base, 'x-forwarded-for': `10.77.${i >> 8}.${i & 255}` },
      body: '{}',
    });
    if (!res.ok) throw new Error(`guest sign-in ${i}: ${res.status} ${await res.text()}`);
    cookies.push(res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; '));
  }
  return cookies;
}

/**
 * What a browser holds by now: the sign-in cookies updated by the Set-Cookie of a session read. better-auth's signed
 * session cookie cache lasts a minute and a browser picks up its renewal from any response; autocannon would keep
 * sending the sign-in cookies, so after a minute every request would take the database path no browser takes.
 */
async function refreshed(cookies: string[]): Promise<string[]> {
  return Promise.all(
    cookies.map(async (cookie) => {
      const res = await fetch(`${base}/api/auth/get-session`, { headers: { cookie } });
      await res.text();
      const jar = new Map(cookie.split('; ').map((c) => [c.slice(0, c.indexOf('=')), c] as const));
      for (const c of res.headers.getSetCookie()) {
        const pair = c.split(';')[0];
        jar.set(pair.slice(0, pair.indexOf('=')), pair);
      }
      return [...jar.values()].join('; ');
    }),
  );
}

function bodies(): string[] {
  const items = loadQuestions().filter((q) => !q.id.startsWith('check-'));
  const out: string[] = [];
  for (const q of items) {
    const right = [...q.key];
    const wrong = q.type === 'ordered' ? [...q.key].reverse() : [q.options.find((o) => !q.key.includes(o.id))!.id];
    out.push(JSON.stringify({ questionId: q.id, answer: right, mode: 'practice', set: 'bench' }));
    out.push(JSON.stringify({ questionId: q.id, answer: wrong, mode: 'practice', set: 'bench' }));
  }
  return out;
}

function pct(sorted: number[], p: number) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function students(rate: number, cookies: string[], payloads: string[]) {
  const end = performance.now() + SECONDS * 1000;
  const client: number[] = [];
  const server: number[] = [];
  let failed = 0;
  const meanGapMs = (STUDENTS / rate) * 1000;
  await Promise.all(
    cookies.map(async (cookie) => {
      for (;;) {
        const gap = -Math.log(1 - Math.random()) * meanGapMs;
        if (performance.now() + gap > end) break;
        await new Promise((r) => setTimeout(r, gap));
        const t0 = performance.now();
        const res = await fetch(`${base}/api/answers`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie },
          body: payloads[Math.floor(Math.random() * payloads.length)],
          signal: AbortSignal.timeout(10_000),
        }).catch((e: Error) => e);
        if (res instanceof Error) {
          failed += 1; // no answer within 10 s (or the connection failed): counted, not waited for
          console.error(`[bench] ${res.name}: ${res.message}`);
          continue;
        }
        await res.text();
        client.push(performance.now() - t0);
        if (res.status !== 200) failed += 1;
        const m = /app;dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '');
        if (m) server.push(Number(m[1]));
      }
    }),
  );
  client.sort((a, b) => a - b);
  server.sort((a, b) => a - b);
  return {
    run: `students: ${rate} req/s (Poisson)`,
    requests: client.length,
    'req/s': Math.round(client.length / SECONDS),
    'client p50 ms': +pct(client, 50).toFixed(1),
    'client p95 ms': +pct(client, 95).toFixed(1),
    'client p99 ms': +pct(client, 99).toFixed(1),
    'server p50 ms': +pct(server, 50).toFixed(1),
    'server p95 ms': +pct(server, 95).toFixed(1),
    'server p99 ms': +pct(server, 99).toFixed(1),
    'errors/non-2xx': failed,
  };
}

async function run(name: string, cookies: string[], payloads: string[], overallRate?: number) {
  const serverMs: number[] = [];
  const parts: Record<string, number[]> = {};
  let next = 0;
  const result = await autocannon({
    url: `${base}/api/answers`,
    connections: STUDENTS,
    duration: SECONDS,
    ...(overallRate ? { overallRate } : {}),
    requests: [
      {
        method: 'POST',
        setupRequest: (req: Record<string, unknown>, context: Record<string, unknown>) => {
          context.cookie ??= cookies[next++ % cookies.length];
          return {
            ...req,
            headers: { 'content-type': 'application/json', cookie: context.cookie as string },
            body: payloads[Math.floor(Math.random() * payloads.length)],
          };
        },
        onResponse: (_status: number, _body: string, _context: unknown, headers: Record<string, string>) => {
          const timing = headers?.['server-timing'] ?? '';
          const m = /app;dur=([\d.]+)/.exec(timing);
          if (m) serverMs.push(Number(m[1]));
          for (const part of ['body', 'viewer', 'record']) {
            const p = new RegExp(`${part};dur=([\\d.]+)`).exec(timing);
            if (p) (parts[part] ??= []).push(Number(p[1]));
          }
        },
      },
    ],
  });
  serverMs.sort((a, b) => a - b);
  for (const [part, ms] of Object.entries(parts)) {
    ms.sort((a, b) => a - b);
    console.error(`[bench] ${name}: handler part "${part}" p50 ${pct(ms, 50)} p90 ${pct(ms, 90)} p95 ${pct(ms, 95)} p99 ${pct(ms, 99)} ms`);
  }
  const non2xx = result.non2xx + result.errors + result.timeouts;
  return {
    run: name,
    requests: result.requests.total,
    'req/s': Math.round(result.requests.average),
    'client p50 ms': result.latency.p50,
    'client p95 ms': p95(result),
    'client p99 ms': result.latency.p99,
    'server p50 ms': +pct(serverMs, 50).toFixed(1),
    'server p95 ms': +pct(serverMs, 95).toFixed(1),
    'server p99 ms': +pct(serverMs, 99).toFixed(1),
    'errors/non-2xx': non2xx,
  };
}

/** autocannon reports p90 and p97.5, not p95: interpolate between them (linear; stated in the output). */
function p95(result: Result): number {
  const l = result.latency;
  return +(l.p90 + ((l.p97_5 - l.p90) * (95 - 90)) / (97.5 - 90)).toFixed(1);
}

let server: BenchServer | undefined;
try {
  server = await startBenchServer({ port: PORT, name: 'bench', databaseUrl: process.env.BENCH_DATABASE_URL });
  base = server.base;
  const cookies = await guests();
  const payloads = bodies();
  // warm-up: compile paths, fill caches, open the database
  await autocannon({ url: `${base}/api/answers`, connections: 10, duration: 3, method: 'POST', headers: { 'content-type': 'application/json', cookie: cookies[0] }, body: payloads[0] });
  const rows = [];
  for (const rate of RATES) {
    console.error(`[bench] students at ${rate} req/s`);
    rows.push(await students(rate, await refreshed(cookies), payloads));
  }
  console.error('[bench] saturated');
  rows.push(await run('saturated: 100 conns, closed loop', await refreshed(cookies), payloads));
  console.log(`\nPOST /api/answers, ${STUDENTS} guests on ${STUDENTS} connections, ${SECONDS} s per run, ${process.env.BENCH_DATABASE_URL ? 'PostgreSQL' : 'SQLite'}, production build`);
  console.table(rows);
  console.log('saturated: client p95 interpolated between autocannon\'s p90 and p97.5; server = the handler\'s own time (Server-Timing), from request parsing to the JSON answer.');
} finally {
  server?.stop();
  process.exit(0); // autocannon's and fetch's keep-alive sockets would hold the process open
}
