// Classroom load (issue 11): a class of 30 sends at once while 100 students answer quizzes.
//   - DICOM: N concurrent modality associations (our storeScu, and DCMTK storescu for every third when installed),
//     each sending a study of M small images (64×64 CT, 16-bit) to its own student sandbox (PACS_xxxx) on a daemon
//     started here as a child process (sim/daemon.ts, its own database and ARCHIVE_DIR);
//   - HTTP (with --base-url, a running site: `npm start` or the e2e server): S guests sign in and answer registry
//     questions with POST /api/answers at random moments (Poisson arrivals, as e2e/bench/answers.bench.ts does)
//     for as long as the DICOM transfer lasts.
// Then every acknowledged instance must be indexed exactly once in its own sandbox, with its file holding the
// data set sent. Prints throughput, p50/p95/p99 latencies (per C-STORE as the sender sees it, per HTTP answer),
// peak RSS of the DICOM daemon, and the defects found.
//
//   npm run hardening:load -- --base-url http://127.0.0.1:3000 [--associations 30 --images 100 --students 100 \
//       --answer-every-ms 2000 --database-url postgresql://…]
// Without --base-url the HTTP part is skipped (and says so). sim/hardening/load.test.ts runs a small DICOM-only
// version in CI.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb } from '../../prisma/db';
import { buildPart10Header, newUid, splitPart10 } from '../dicom/part10';
import { store, type StoreResult } from '../dimse/client';
import { runIfEntry } from '../processLifecycle';
import { ensureUserSandbox } from '../sandboxes';
import { startDaemon, rssMb } from './daemonChild';
import { hasDcmtk, storescuWithAcks } from '../testing/dcmtk';

const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
const EXPLICIT_VR_LE = '1.2.840.10008.1.2.1';

// ------------------------------------------------------------------------------------------------ small images

function el(group: number, elem: number, vr: string, value: Buffer): Buffer {
  const long = vr === 'OB' || vr === 'OW';
  const h = Buffer.alloc(long ? 12 : 8);
  h.writeUInt16LE(group, 0);
  h.writeUInt16LE(elem, 2);
  h.write(vr, 4, 'latin1');
  if (long) h.writeUInt32LE(value.length, 8);
  else h.writeUInt16LE(value.length, 6);
  return Buffer.concat([h, value]);
}
/** text padded to even length: UI with NUL, the rest with a space (PS3.5 6.2) */
const txt = (s: string, vr: string) => Buffer.from(s.length % 2 ? s + (vr === 'UI' ? '\0' : ' ') : s, 'latin1');
const us = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
};

export interface SmallImage {
  sopInstanceUid: string;
  bytes: Buffer;
}

/** A 64×64 12-bit CT image as a Part 10 file, Explicit VR Little Endian (PS3.3 A.3; only what the index reads). */
export function smallCtImage(p: { studyUid: string; seriesUid: string; patientName: string; patientId: string; instanceNumber: number }): SmallImage {
  const sop = newUid();
  const pixels = Buffer.alloc(64 * 64 * 2);
  for (let i = 0; i < 64 * 64; i++) pixels.writeUInt16LE((i * 7 + p.instanceNumber * 31) & 0x0fff, i * 2);
  const dataset = Buffer.concat([
    el(0x0008, 0x0016, 'UI', txt(CT_IMAGE_STORAGE, 'UI')),
    el(0x0008, 0x0018, 'UI', txt(sop, 'UI')),
    el(0x0008, 0x0020, 'DA', txt('20261128', 'DA')),
    el(0x0008, 0x0060, 'CS', txt('CT', 'CS')),
    el(0x0010, 0x0010, 'PN', txt(p.patientName, 'PN')),
    el(0x0010, 0x0020, 'LO', txt(p.patientId, 'LO')),
    el(0x0020, 0x000d, 'UI', txt(p.studyUid, 'UI')),
    el(0x0020, 0x000e, 'UI', txt(p.seriesUid, 'UI')),
    el(0x0020, 0x0011, 'IS', txt('1', 'IS')),
    el(0x0020, 0x0013, 'IS', txt(String(p.instanceNumber), 'IS')),
    el(0x0028, 0x0002, 'US', us(1)),
    el(0x0028, 0x0004, 'CS', txt('MONOCHROME2', 'CS')),
    el(0x0028, 0x0010, 'US', us(64)),
    el(0x0028, 0x0011, 'US', us(64)),
    el(0x0028, 0x0100, 'US', us(16)),
    el(0x0028, 0x0101, 'US', us(12)),
    el(0x0028, 0x0102, 'US', us(11)),
    el(0x0028, 0x0103, 'US', us(0)),
    el(0x7fe0, 0x0010, 'OW', pixels),
  ]);
  const header = buildPart10Header({ mediaStorageSopClassUid: CT_IMAGE_STORAGE, mediaStorageSopInstanceUid: sop, transferSyntaxUid: EXPLICIT_VR_LE });
  return { sopInstanceUid: sop, bytes: Buffer.concat([header, dataset]) };
}

// ------------------------------------------------------------------------------------------------ helpers

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

// ------------------------------------------------------------------------------------------------ the run

export interface LoadOptions {
  associations: number;
  images: number;
  /** a running site for the quiz part; undefined skips it */
  baseUrl?: string;
  students: number;
  /** mean time between two answers of one student */
  answerEveryMs: number;
  /** every n-th association is DCMTK storescu (when installed); 0 = ours only */
  dcmtkEvery: number;
  databaseUrl?: string;
  log?: (line: string) => void;
}

export interface LoadReport {
  associations: { ours: number; dcmtk: number };
  instancesSent: number;
  acknowledged: number;
  verified: number;
  wallSeconds: number;
  imagesPerSecond: number;
  /** per C-STORE, as the senders saw it (time between two responses on one association; the first includes the association) */
  storeMs: { p50: number; p95: number; p99: number };
  http: { skipped: string } | { answers: number; failed: number; perSecond: number; p50: number; p95: number; p99: number };
  peakRssMb: number;
  defects: string[];
}

async function answerQuizzes(baseUrl: string, students: number, everyMs: number, until: () => boolean, log: (s: string) => void): Promise<LoadReport['http']> {
  const origin = new URL(baseUrl).origin;
  const { loadQuestions } = await import('../../content/questions');
  const items = loadQuestions().filter((q) => !q.id.startsWith('check-'));
  const payloads = items.flatMap((q) => {
    const wrong = q.type === 'ordered' ? [...q.key].reverse() : [q.options.find((o) => !q.key.includes(o.id))!.id];
    return [
      JSON.stringify({ questionId: q.id, answer: [...q.key], mode: 'practice', set: 'load' }),
      JSON.stringify({ questionId: q.id, answer: wrong, mode: 'practice', set: 'load' }),
    ];
  });
  // one guest per student, each from its own address (guest sign-in is rate-limited per client address)
  const cookies: string[] = [];
  for (let i = 0; i < students; i++) {
    const res = await fetch(`${origin}/api/auth/sign-in/anonymous`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin, 'x-forwarded-for': `10.78.${i >> 8}.${i & 255}` },
      body: '{}',
    });
    if (!res.ok) throw new Error(`guest sign-in ${i} at ${origin}: ${res.status} ${await res.text()}`);
    cookies.push(res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; '));
  }
  log(`${students} guests signed in at ${origin}; answering every ~${everyMs} ms each while the studies arrive`);
  const latencies: number[] = [];
  let failed = 0;
  const t0 = performance.now();
  await Promise.all(
    cookies.map(async (cookie) => {
      while (!until()) {
        await new Promise((r) => setTimeout(r, -Math.log(1 - Math.random()) * everyMs));
        if (until()) break;
        const s = performance.now();
        try {
          const res = await fetch(`${origin}/api/answers`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', cookie, origin },
            body: payloads[Math.floor(Math.random() * payloads.length)],
          });
          await res.text();
          if (res.status !== 200) failed++;
        } catch {
          failed++;
        }
        latencies.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    answers: latencies.length,
    failed,
    perSecond: +(latencies.length / seconds).toFixed(1),
    p50: +percentile(latencies, 50).toFixed(1),
    p95: +percentile(latencies, 95).toFixed(1),
    p99: +percentile(latencies, 99).toFixed(1),
  };
}

export async function runLoad(opts: LoadOptions): Promise<LoadReport> {
  const log = opts.log ?? (() => undefined);
  const work = mkdtempSync(join(tmpdir(), 'pacslab-load-'));
  const archiveDir = join(work, 'archive');
  mkdirSync(archiveDir);
  const databaseUrl = opts.databaseUrl ?? `file:${join(work, 'pacslab.db')}`;
  const dcmtk = opts.dcmtkEvery > 0 && hasDcmtk();
  const defects: string[] = [];
  const daemon = await startDaemon({ databaseUrl, archiveDir });
  const db = createDb(databaseUrl);
  let peakRssMb = rssMb(daemon.child.pid);
  const sampler = setInterval(() => (peakRssMb = Math.max(peakRssMb, rssMb(daemon.child.pid))), 100);
  try {
    // the class: one student sandbox each (own archive AE), the studies on disk
    const classes = [];
    for (let k = 0; k < opts.associations; k++) {
      const userId = `load-student-${k}`;
      await db.user.upsert({ where: { id: userId }, update: {}, create: { id: userId, name: `Load Student ${k}`, email: `load${k}@test` } });
      const sb = await ensureUserSandbox(db, userId, { host: '127.0.0.1', port: daemon.port });
      const dir = join(work, `send-${k}`);
      mkdirSync(dir);
      const studyUid = newUid();
      const seriesUid = newUid();
      const files = Array.from({ length: opts.images }, (_, i) => {
        const img = smallCtImage({ studyUid, seriesUid, patientName: `LOAD^STUDENT${k}`, patientId: `LD${k}`, instanceNumber: i + 1 });
        const file = join(dir, `${String(i).padStart(4, '0')}.dcm`);
        writeFileSync(file, img.bytes);
        return { file, sop: img.sopInstanceUid, hash: sha(img.bytes.subarray(splitPart10(img.bytes).datasetOffset)) };
      });
      classes.push({ sandboxId: sb.sandbox.id, calledAe: sb.aes.archive!, kind: dcmtk && k % opts.dcmtkEvery === opts.dcmtkEvery - 1 ? ('dcmtk' as const) : ('ours' as const), files });
    }
    log(`${classes.length} sandboxes and ${classes.length * opts.images} images ready; daemon on port ${daemon.port}`);

    let dicomDone = false;
    const http = opts.baseUrl
      ? answerQuizzes(opts.baseUrl, opts.students, opts.answerEveryMs, () => dicomDone, log)
      : Promise.resolve({ skipped: 'no --base-url: the quiz part needs a running site (npm start, or the e2e server)' });
    // give the students a moment to sign in before the class starts sending
    if (opts.baseUrl) await new Promise((r) => setTimeout(r, 1000));

    const acked = new Map<string, { sandboxId: string; hash: string }>();
    const storeMs: number[] = [];
    const t0 = performance.now();
    await Promise.all(
      classes.map(async (c) => {
        let last = performance.now();
        const bySop = new Map(c.files.map((f) => [f.sop, f]));
        const byFile = new Map(c.files.map((f) => [f.file, f]));
        const ack = (f: { sop: string; hash: string } | undefined) => {
          const now = performance.now();
          storeMs.push(now - last);
          last = now;
          if (f) acked.set(f.sop, { sandboxId: c.sandboxId, hash: f.hash });
        };
        if (c.kind === 'dcmtk') {
          const out = await storescuWithAcks({ port: daemon.port, calledAe: c.calledAe }, c.files.map((f) => f.file), (file) => ack(byFile.get(file)), { timeoutMs: 600_000 });
          if (!/Releasing Association/.test(out)) defects.push(`DCMTK storescu to ${c.calledAe} did not finish: ${out.slice(-300)}`);
        } else {
          const peer = { host: '127.0.0.1', port: daemon.port, callingAe: 'CT1', calledAe: c.calledAe, timeoutMs: 120_000 };
          await store(peer, c.files.map((f) => f.file), (_d, _t, r: StoreResult) => {
            if (r.category === 'success') ack(bySop.get(r.sopInstanceUid));
            else defects.push(`C-STORE of ${r.sopInstanceUid} to ${c.calledAe}: ${r.meaning}`);
          }).catch((e: Error) => defects.push(`association to ${c.calledAe} failed: ${e.message}`));
        }
      }),
    );
    const wallSeconds = (performance.now() - t0) / 1000;
    dicomDone = true;
    const httpReport = await http;
    storeMs.sort((a, b) => a - b);

    // every acknowledged instance: indexed exactly once, in its own sandbox, its file the data set sent
    let verified = 0;
    const sops = [...acked.keys()];
    for (let i = 0; i < sops.length; i += 500) {
      const rows = await db.instance.findMany({ where: { sopInstanceUid: { in: sops.slice(i, i + 500) } }, select: { sopInstanceUid: true, sandboxId: true, filePath: true } });
      const count = new Map<string, number>();
      for (const r of rows) count.set(r.sopInstanceUid, (count.get(r.sopInstanceUid) ?? 0) + 1);
      for (const sop of sops.slice(i, i + 500)) if (count.get(sop) !== 1) defects.push(`acknowledged ${sop} is indexed ${count.get(sop) ?? 0} times`);
      for (const r of rows) {
        const want = acked.get(r.sopInstanceUid)!;
        if (r.sandboxId !== want.sandboxId) defects.push(`${r.sopInstanceUid} is indexed in another sandbox`);
        const abs = join(archiveDir, ...r.filePath.split('/'));
        if (!existsSync(abs)) {
          defects.push(`${r.sopInstanceUid}: its file ${r.filePath} is missing`);
          continue;
        }
        const bytes = readFileSync(abs);
        if (sha(bytes.subarray(splitPart10(bytes).datasetOffset)) !== want.hash) defects.push(`${r.sopInstanceUid}: the stored data set differs from the one sent`);
        else verified++;
      }
    }
    const instancesSent = classes.length * opts.images;
    if (acked.size !== instancesSent) defects.push(`${instancesSent - acked.size} of ${instancesSent} instances were not acknowledged`);
    if ('failed' in httpReport && httpReport.failed) defects.push(`${httpReport.failed} quiz answers failed or were not answered 200`);
    return {
      associations: { ours: classes.filter((c) => c.kind === 'ours').length, dcmtk: classes.filter((c) => c.kind === 'dcmtk').length },
      instancesSent,
      acknowledged: acked.size,
      verified,
      wallSeconds: +wallSeconds.toFixed(2),
      imagesPerSecond: +(acked.size / wallSeconds).toFixed(1),
      storeMs: { p50: +percentile(storeMs, 50).toFixed(1), p95: +percentile(storeMs, 95).toFixed(1), p99: +percentile(storeMs, 99).toFixed(1) },
      http: httpReport,
      peakRssMb: Math.round(peakRssMb),
      defects,
    };
  } finally {
    clearInterval(sampler);
    await daemon.stop();
    await db.$disconnect();
    rmSync(work, { recursive: true, force: true });
  }
}

async function main() {
  const arg = (name: string, fallback: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
  };
  const r = await runLoad({
    associations: Number(arg('associations', '30')),
    images: Number(arg('images', '100')),
    baseUrl: arg('base-url', '') || undefined,
    students: Number(arg('students', '100')),
    answerEveryMs: Number(arg('answer-every-ms', '2000')),
    dcmtkEvery: Number(arg('dcmtk-every', '3')),
    databaseUrl: arg('database-url', '') || undefined,
    log: console.log,
  });
  const http = 'skipped' in r.http ? r.http.skipped : `${r.http.answers} answers (${r.http.perSecond}/s), p50 ${r.http.p50} ms, p95 ${r.http.p95} ms, p99 ${r.http.p99} ms, ${r.http.failed} failed`;
  console.log(`\n| classroom load | |\n| --- | --- |`);
  for (const [k, v] of [
    ['associations at once (ours / DCMTK storescu)', `${r.associations.ours + r.associations.dcmtk} (${r.associations.ours} / ${r.associations.dcmtk}), one sandbox each`],
    ['instances sent / acknowledged / verified once, byte for byte', `${r.instancesSent} / ${r.acknowledged} / ${r.verified}`],
    ['wall time, throughput', `${r.wallSeconds} s, ${r.imagesPerSecond} images/s`],
    ['C-STORE latency seen by the senders (p50 / p95 / p99)', `${r.storeMs.p50} / ${r.storeMs.p95} / ${r.storeMs.p99} ms`],
    ['quiz answers over HTTP (POST /api/answers)', http],
    ['peak RSS of the DICOM daemon', `${r.peakRssMb} MB`],
    ['defects', r.defects.length],
  ] as const)
    console.log(`| ${k} | ${v} |`);
  if (r.defects.length) {
    console.error(`\n${r.defects.length} defect(s):\n- ${r.defects.slice(0, 50).join('\n- ')}`);
    process.exit(1);
  }
}

runIfEntry(import.meta.url, main);
