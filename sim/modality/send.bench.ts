// Send benchmark (issue 5): a generated CT study (300 slices by default) sent to our archive by the scanner's send
// queue (sendQueue.ts: one association, per-image progress in the database, then storage commitment), and the same
// files by DCMTK storescu (TCP_NODELAY=1, one association, +sd), each to a fresh DICOM daemon (sim/daemon.ts,
// temp SQLite database and archive folder, TCP_NODELAY=1, as sim/bench/ingest.ts starts it). Also times the
// generation itself. The send queue shares the daemon's SQLite file, as the web server does.
//
// Run: npx tsx sim/modality/send.bench.ts [--slices 300] [--rounds 2] [--keep]
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb } from '../../prisma/db';
import { generateStudy, writeStudy } from './generate';
import { store } from '../dimse/client';
import { createSendJobs, runSendJob } from './sendQueue';
import { relativeFile } from './store';
import { freePort, waitForPort } from '../testing/ports';
import { daemonEnv } from '../daemonEnv';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const NODELAY_ENV = { ...process.env, TCP_NODELAY: '1' };

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

async function startDaemon(dir: string) {
  const port = await freePort();
  mkdirSync(dir, { recursive: true });
  const url = `file:${join(dir, 'pacslab.db')}`;
  const tsx = join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs');
  const child = spawn(process.execPath, ['--import', existsSync(tsx) ? tsx : 'tsx', join(REPO_ROOT, 'sim', 'daemon.ts')], {
    cwd: REPO_ROOT,
    env: { ...NODELAY_ENV, DATABASE_URL: url, ARCHIVE_DIR: join(dir, 'archive'), DICOM_HOST: '127.0.0.1', DICOM_PORT: String(port), HL7_HOST: '127.0.0.1', HL7_PORT: '0', ...daemonEnv() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output = (output + d).slice(-20_000)));
  child.stderr!.on('data', (d) => (output = (output + d).slice(-20_000)));
  await waitForPort(port, child, () => output);
  const stop = () =>
    new Promise<void>((res) => {
      if (child.exitCode !== null || child.signalCode !== null) return res();
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', () => {
        clearTimeout(t);
        res();
      });
      child.kill('SIGTERM');
    });
  return { port, url, dir, stop };
}

function storescu(port: number, dir: string): Promise<number> {
  const t0 = performance.now();
  return new Promise((res, rej) => {
    const child = spawn('storescu', ['-aet', 'CT1', '-aec', 'PACS', '+sd', '127.0.0.1', String(port), dir], { env: NODELAY_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', rej);
    child.on('close', (code) => (code === 0 && !/^E: /m.test(out) ? res((performance.now() - t0) / 1000) : rej(new Error(`storescu failed (${code}): ${out.slice(-2000)}`))));
  });
}

function archived(dir: string): number {
  const a = join(dir, 'archive');
  return existsSync(a) ? readdirSync(a, { recursive: true, withFileTypes: true }).filter((d) => d.isFile() && !d.name.endsWith('.db') && !d.name.startsWith('.')).length : 0;
}

async function main() {
  const slices = Number(arg('slices', '300'));
  const rounds = Number(arg('rounds', '2'));
  const keep = process.argv.includes('--keep');
  const work = mkdtempSync(join(tmpdir(), 'pacslab-sendbench-'));
  process.env.MODALITY_DIR = join(work, 'modality');
  const req = { protocolId: 'ct-chest', seed: 42, slices, now: new Date(), patient: { patientName: 'BENCH^CT', patientId: 'BENCH1' }, station: { aeTitle: 'CT1', stationName: 'CT1' } };
  const rows: [string, string][] = [];
  try {
    // generation: in memory, then to disk as acquire() does
    let t0 = performance.now();
    const study = generateStudy(req);
    const genSeconds = (performance.now() - t0) / 1000;
    const bytes = study.images.reduce((n, i) => n + i.bytes.length, 0);
    const folder = 'bench/CT1/study';
    const folderAbs = join(process.env.MODALITY_DIR, folder);
    t0 = performance.now();
    const written = await writeStudy(req, folderAbs);
    const writeSeconds = (performance.now() - t0) / 1000;
    console.log(`generated ${study.images.length} CT slices (${(bytes / 1e6).toFixed(0)} MB): ${genSeconds.toFixed(2)} s in memory; writeStudy (generate + write files) ${writeSeconds.toFixed(2)} s`);
    rows.push(['generation, in memory', `${genSeconds.toFixed(2)} s`], ['generation + writing the files', `${writeSeconds.toFixed(2)} s`]);

    for (let round = 1; round <= rounds; round++) {
      // our send queue
      {
        const d = await startDaemon(join(work, `r${round}-queue`));
        const db = createDb(d.url);
        try {
          const sandbox = await db.sandbox.findUniqueOrThrow({ where: { slug: 'demo' } });
          const acq = await db.acquisition.create({
            data: {
              sandboxId: sandbox.id, modalityAe: 'CT1', manual: true, patientId: 'BENCH1', patientName: 'BENCH^CT', studyInstanceUid: written.studyInstanceUid,
              protocolId: 'ct-chest', seed: 42, imageCount: written.files.length, folder,
              images: { create: written.files.map((f) => ({ ...f.image, file: relativeFile(folderAbs, f.path), bytes: statSync(f.path).size })) },
            },
          });
          const [job] = await createSendJobs(db, acq.id);
          const t = performance.now();
          const done = await runSendJob(db, job.id);
          const total = (performance.now() - t) / 1000;
          if (done.status !== 'done' || done.sent !== written.files.length) throw new Error(`send queue: ${done.status} ${done.sent}/${done.total}: ${done.error}`);
          const last = await db.sendItem.aggregate({ where: { jobId: job.id }, _max: { sentAt: true } });
          const sendSeconds = (last._max.sentAt!.getTime() - done.startedAt!.getTime()) / 1000;
          const stored = archived(d.dir);
          if (stored < written.files.length) throw new Error(`the archive holds ${stored} of ${written.files.length}`);
          console.log(`round ${round}: send queue  ${(written.files.length / sendSeconds).toFixed(0).padStart(5)} img/s (C-STORE phase ${sendSeconds.toFixed(2)} s; with storage commitment ${total.toFixed(2)} s, commit ${done.commitStatus})`);
          rows.push([`round ${round}: send queue (C-STORE phase)`, `${(written.files.length / sendSeconds).toFixed(0)} img/s`], [`round ${round}: send queue incl. storage commitment`, `${(written.files.length / total).toFixed(0)} img/s`]);
        } finally {
          await db.$disconnect();
          await d.stop();
          if (!keep) rmSync(d.dir, { recursive: true, force: true });
        }
      }
      // the same client without the queue (what `pacslab send` does): store() of sim/dimse/client.ts, no database
      {
        const d = await startDaemon(join(work, `r${round}-store`));
        try {
          const files = written.files.map((f) => f.path);
          const t = performance.now();
          const results = await store({ host: '127.0.0.1', port: d.port, callingAe: 'CT1', calledAe: 'PACS', timeoutMs: 30_000 }, files);
          const s = (performance.now() - t) / 1000;
          if (results.filter((r) => r.category === 'success').length !== files.length) throw new Error('store(): not every image was stored');
          console.log(`round ${round}: store()     ${(files.length / s).toFixed(0).padStart(5)} img/s (${s.toFixed(2)} s)`);
          rows.push([`round ${round}: client.ts store() alone (no queue, no database)`, `${(files.length / s).toFixed(0)} img/s`]);
        } finally {
          await d.stop();
          if (!keep) rmSync(d.dir, { recursive: true, force: true });
        }
      }
      // DCMTK storescu, same files, fresh archive
      {
        const d = await startDaemon(join(work, `r${round}-storescu`));
        try {
          const s = await storescu(d.port, folderAbs);
          const stored = archived(d.dir);
          if (stored < written.files.length) throw new Error(`the archive holds ${stored} of ${written.files.length}`);
          console.log(`round ${round}: storescu    ${(written.files.length / s).toFixed(0).padStart(5)} img/s (${s.toFixed(2)} s)`);
          rows.push([`round ${round}: DCMTK storescu`, `${(written.files.length / s).toFixed(0)} img/s`]);
        } finally {
          await d.stop();
          if (!keep) rmSync(d.dir, { recursive: true, force: true });
        }
      }
    }
    console.log(`\n| ${slices}-slice CT to our archive | |\n| --- | --- |`);
    for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
  } finally {
    if (!keep) rmSync(work, { recursive: true, force: true });
    else console.log(`kept ${work}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
