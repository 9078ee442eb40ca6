// C-STORE ingest benchmark (issue 3): the same N files, sent by the same client (DCMTK storescu, one
// association, TCP_NODELAY=1 in its environment), in the same run, to
//   (a) DCMTK storescp writing to a temp folder (no fsync, no index: the ceiling),
//   (b) Orthanc (Debian package, 1.10) with a temp configuration and its own SQLite index,
//   (c) our DICOM daemon (sim/daemon.ts) with a temp SQLite database and archive folder,
// each started as a child process with TCP_NODELAY=1 in its environment, so its peak resident memory is read
// from /proc/PID/status (VmHWM) when it has received everything. Each receiver is measured running, not
// starting: it answers a C-ECHO, stores a warm-up study of WARM_UP images over an association of its own, gets a
// second, and the machine is put in the same state for each (see prepareMachine) before the timed storescu
// starts. No receiver's files are deleted before the run ends (see runIngestBench).
//
// The files: N copies of a real CT slice enlarged to 512×512 16-bit (CT_small.dcm from python3-pydicom, 128×128,
// pixels repeated 4×4, Pixel Spacing divided by 4, private tags kept), each with its own SOP Instance UID,
// all in one study and series: ~525 KB each, ~160 MB for the default 300, ~2 GB for 4000.
//
// Run: `npx pacslab bench ingest` (see --help), or import runIngestBench().
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { closeSync, existsSync, fdatasyncSync, fsyncSync, linkSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, rmSync, statfsSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import dcmjs from 'dcmjs';
import { runDcmtk } from '../testing/dcmtk';
import { freePort, waitForPort } from '../testing/ports';
import { daemonEnv } from '../daemonEnv';
import { createDb } from '../../prisma/db';
import { setStorageQuota } from '../faults/fixTools';
import { DEMO_SLUG } from '../seed';

export const CT_SOURCE = '/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm';
export const ORTHANC_BINARY = '/usr/sbin/Orthanc';
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CALLING_AE = 'CT1';

/**
 * Images every receiver stores, in a study of their own, before the timed transfer. A server is measured in its
 * steady state: our daemon runs on V8, which compiles the hot code of a C-STORE with its optimising compiler on
 * the second core during the first few dozen images (measured: on a cold start, half of the daemon's user CPU
 * over 300 images was that compiler, and the rate was 375-448 img/s against 493-563 after 100 warm-up images,
 * back to back). storescp and Orthanc are native code and get the same warm-up (their caches and SQLite).
 */
export const WARM_UP = 100;

export type Target = 'storescp' | 'orthanc' | 'ours';
export const TARGETS: readonly Target[] = ['storescp', 'orthanc', 'ours'];

export interface IngestBenchOptions {
  count?: number;
  targets?: readonly Target[];
  /** each round sends the files to every target once, in order */
  rounds?: number;
  /** keep the temp folders (printed) instead of removing them */
  keep?: boolean;
  /** progress lines */
  log?: (line: string) => void;
  /** run our daemon with PACSLAB_INGEST_TRACE=1 and log its per-stage timings */
  trace?: boolean;
}

export interface IngestResult {
  target: Target;
  round: number;
  images: number;
  bytes: number;
  seconds: number;
  imagesPerSecond: number;
  megabytesPerSecond: number;
  /** VmHWM of the receiving process, kB (peak resident set since it started) */
  peakRssKb?: number;
  /** VmRSS once it was ready, before anything was sent, kB */
  readyRssKb?: number;
}

// ---------------------------------------------------------------------------------------------- the files

/**
 * Writes `count` 512×512 CT files into `dir` (ct00001.dcm …) and returns their paths. One template is encoded
 * with dcmjs; each copy then gets its own SOP Instance UID and Instance Number by patching fixed-width values,
 * so 4000 files take seconds.
 */
export function makeCtFiles(dir: string, count: number): { files: string[]; bytes: number } {
  mkdirSync(dir, { recursive: true });
  // the project's dcmjs typings cover reading only
  const { DicomMessage, DicomMetaDictionary, DicomDict } = dcmjs.data as unknown as DcmjsData;
  (dcmjs as unknown as { log: { setLevel(l: string): void } }).log.setLevel('error');
  const src = readFileSync(CT_SOURCE);
  const parsed = DicomMessage.readFile(src.buffer.slice(src.byteOffset, src.byteOffset + src.byteLength));
  const ds = DicomMetaDictionary.naturalizeDataset(parsed.dict);
  const meta = DicomMetaDictionary.naturalizeDataset(parsed.meta);
  const small = new Int16Array((ds.PixelData as ArrayBuffer[])[0]);
  const big = new Int16Array(512 * 512);
  for (let y = 0; y < 512; y++) for (let x = 0; x < 512; x++) big[y * 512 + x] = small[(y >> 2) * 128 + (x >> 2)];
  // fixed-width UIDs (PS3.5 9.1: no leading zero in a component), so every copy has the same length
  const run = `${randomInt(1, 10)}${String(randomInt(0, 1e9)).padStart(9, '0')}${String(randomInt(0, 1e9)).padStart(9, '0')}`;
  const root = `2.25.${run}`;
  const placeholderSop = `${root}.9${'9'.repeat(6)}`;
  const placeholderNumber = '999999';
  Object.assign(ds, {
    Rows: 512,
    Columns: 512,
    PixelSpacing: (ds.PixelSpacing as number[]).map((v) => v / 4),
    PixelData: [big.buffer],
    StudyInstanceUID: `${root}.1`,
    SeriesInstanceUID: `${root}.2`,
    SOPInstanceUID: placeholderSop,
    InstanceNumber: placeholderNumber,
    SeriesDescription: 'ingest benchmark',
  });
  meta.MediaStorageSOPInstanceUID = placeholderSop;
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(ds);
  const template = Buffer.from(dict.write());
  const sopAt = indexesOf(template, Buffer.from(placeholderSop, 'latin1'));
  // (0020,0013) Instance Number, IS, in Explicit VR Little Endian: tag, "IS", 2-byte length, value
  const numberAt = indexesOf(template, Buffer.from([0x20, 0x00, 0x13, 0x00, 0x49, 0x53, 0x06, 0x00])).map((i) => i + 8);
  if (sopAt.length !== 2 || numberAt.length !== 1) throw new Error(`benchmark template: placeholders found ${sopAt.length}× (SOP) and ${numberAt.length}× (number), expected 2 and 1`);
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const copy = Buffer.from(template);
    const sop = `${root}.${1_000_001 + i}`.slice(0, placeholderSop.length);
    for (const at of sopAt) copy.write(sop, at, 'latin1');
    copy.write(String(i + 1).padStart(placeholderNumber.length, '0'), numberAt[0], 'latin1');
    const file = join(dir, `ct${String(i + 1).padStart(5, '0')}.dcm`);
    writeFileSync(file, copy);
    files.push(file);
  }
  return { files, bytes: template.length * count };
}

interface DcmjsData {
  DicomMessage: { readFile(b: ArrayBuffer): { dict: Record<string, unknown>; meta: Record<string, unknown> } };
  DicomMetaDictionary: {
    naturalizeDataset(d: Record<string, unknown>): Record<string, unknown>;
    denaturalizeDataset(d: Record<string, unknown>): Record<string, unknown>;
  };
  DicomDict: new (meta: Record<string, unknown>) => { dict: Record<string, unknown>; write(): ArrayBuffer };
}

function indexesOf(haystack: Buffer, needle: Buffer): number[] {
  const out: number[] = [];
  for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) out.push(i);
  return out;
}

// ---------------------------------------------------------------------------------------------- processes

const NODELAY_ENV = { ...process.env, TCP_NODELAY: '1' };

function procStatusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

interface Receiver {
  port: number;
  calledAe: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

function spawnReceiver(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv }) {
  const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? NODELAY_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output = (output + d).slice(-20_000)));
  child.stderr!.on('data', (d) => (output = (output + d).slice(-20_000)));
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
  return { child, output: () => output, stop };
}

async function startStorescp(work: string): Promise<Receiver> {
  const port = await freePort();
  const out = join(work, 'storescp');
  mkdirSync(out, { recursive: true });
  // defaults otherwise: writes each data set as a Part 10 file, no fsync, no index
  const r = spawnReceiver('storescp', ['-aet', 'STORESCP', '-od', out, String(port)], {});
  await waitForPort(port, r.child, r.output);
  return { port, calledAe: 'STORESCP', child: r.child, stop: r.stop };
}

async function startOrthanc(work: string): Promise<Receiver> {
  const [port, httpPort] = [await freePort(), await freePort()];
  const dir = join(work, 'orthanc');
  mkdirSync(dir, { recursive: true });
  const config = {
    Name: 'pacslab-bench',
    StorageDirectory: join(dir, 'storage'),
    IndexDirectory: join(dir, 'index'),
    StorageCompression: false,
    DicomAet: 'ORTHANC',
    DicomPort: port,
    DicomCheckCalledAet: false,
    DicomModalities: { ct1: [CALLING_AE, '127.0.0.1', 11120] },
    HttpPort: httpPort,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: false,
    Plugins: [],
    ConcurrentJobs: 1,
  };
  writeFileSync(join(dir, 'orthanc.json'), JSON.stringify(config, null, 2));
  const r = spawnReceiver(ORTHANC_BINARY, [join(dir, 'orthanc.json')], {});
  await waitForPort(port, r.child, r.output);
  return { port, calledAe: 'ORTHANC', child: r.child, stop: r.stop };
}

async function startOurs(work: string, trace = false): Promise<Receiver & { output(): string }> {
  const port = await freePort();
  const dir = join(work, 'ours');
  mkdirSync(dir, { recursive: true });
  const tsx = join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs');
  const env = {
    ...NODELAY_ENV,
    DATABASE_URL: `file:${join(dir, 'pacslab.db')}`,
    ARCHIVE_DIR: join(dir, 'archive'),
    DICOM_HOST: '127.0.0.1',
    DICOM_PORT: String(port),
    // the daemon also starts the HL7 v2 listener: any free port, so a running instance on 2575 is no obstacle
    HL7_HOST: '127.0.0.1',
    HL7_PORT: '0',
    // as `npm start` and `npm run sim` run the daemon (sim/daemonEnv.ts)
    ...daemonEnv(),
    ...(trace ? { PACSLAB_INGEST_TRACE: '1' } : {}),
  };
  const r = spawnReceiver(process.execPath, ['--import', existsSync(tsx) ? tsx : 'tsx', join(REPO_ROOT, 'sim', 'daemon.ts')], { cwd: REPO_ROOT, env });
  await waitForPort(port, r.child, r.output);
  // The demo sandbox's storage quota (2 GiB, sim/sandboxes.ts) refuses a 2 GB study sent after the warm-up with
  // A700, as it should: the bench raises it, as an administrator would, before anything is sent.
  const db = createDb(env.DATABASE_URL);
  try {
    const demo = await db.sandbox.findUniqueOrThrow({ where: { slug: DEMO_SLUG }, select: { id: true } });
    await setStorageQuota(db, demo.id, 2n ** 50n, { actorId: null, reason: 'ingest benchmark' });
  } finally {
    await db.$disconnect();
  }
  return { port, calledAe: 'PACS', child: r.child, stop: r.stop, output: r.output };
}

const STARTERS: Record<Target, (work: string, trace?: boolean) => Promise<Receiver & { output?(): string }>> = { storescp: startStorescp, orthanc: startOrthanc, ours: startOurs };

/** Sends every file over one association; resolves with the wall time of the whole storescu process. */
function storescu(port: number, calledAe: string, fileDir: string): Promise<number> {
  const started = performance.now();
  return new Promise((res, rej) => {
    // +sd: every file in the folder, one association; storescu waits for each C-STORE response
    const child = spawn('storescu', ['-aet', CALLING_AE, '-aec', calledAe, '+sd', '127.0.0.1', String(port), fileDir], { env: NODELAY_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stdout.on('data', (d) => (err += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', rej);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code !== 0 || /^E: /m.test(err)) rej(new Error(`storescu to ${calledAe} failed (exit ${code}): ${err.slice(-2000)}`));
      else res(ms);
    });
  });
}

/**
 * The same starting point for every receiver. (1) On a virtual machine the first write into memory the guest
 * has never used costs a fault in the hypervisor: a 512 KiB write into a new file measured 0.75-0.9 ms there
 * against 0.15 ms into memory used before, so whichever receiver ran first on a fresh machine paid ~0.7 ms per
 * image. Writing and deleting a file of twice the data set's size, once the receiver is up (its own start-up
 * takes memory too), gives each receiver used memory. As root, the clean page cache (the files the receivers
 * before stored, kept until the end of the run) is dropped first, so that memory is free for reuse, and the
 * files to send are read back into it. (2) A quiet disk: storescp and Orthanc leave ~160 MB unflushed (they never
 * fsync), and the kernel writing it back slowed the next receiver's own flushes; `sync` waits for it.
 */
function prepareMachine(work: string, bytes: number, sources: readonly string[] = []) {
  spawnSync('sync');
  if (dropPageCache()) {
    const buf = Buffer.allocUnsafe(1024 * 1024);
    for (const dir of sources) {
      for (const name of readdirSync(dir)) {
        const fd = openSync(join(dir, name), 'r');
        try {
          while (readSync(fd, buf) > 0);
        } finally {
          closeSync(fd);
        }
      }
    }
  }
  const path = join(work, 'page-cache-warm-up.bin');
  const chunk = Buffer.alloc(1024 * 1024, 0x5a);
  const fd = openSync(path, 'w');
  try {
    for (let written = 0; written < bytes; written += chunk.length) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
  rmSync(path);
  spawnSync('sync');
}

/** echo 1 > /proc/sys/vm/drop_caches (root only; false elsewhere). */
function dropPageCache(): boolean {
  try {
    writeFileSync('/proc/sys/vm/drop_caches', '1');
    return true;
  } catch {
    return false;
  }
}

function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

function countFiles(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile() && !d.name.endsWith('.db') && !d.name.includes('pacslab.db')).length;
}

export function checkTools(targets: readonly Target[]) {
  const missing: string[] = [];
  if (spawnSync('sh', ['-c', 'command -v storescu']).status !== 0) missing.push('storescu (apt-get install dcmtk)');
  if (targets.includes('storescp') && spawnSync('sh', ['-c', 'command -v storescp']).status !== 0) missing.push('storescp (apt-get install dcmtk)');
  if (targets.includes('orthanc') && !existsSync(ORTHANC_BINARY)) missing.push(`${ORTHANC_BINARY} (apt-get install orthanc)`);
  if (!existsSync(CT_SOURCE)) missing.push(`${CT_SOURCE} (apt-get install python3-pydicom)`);
  if (missing.length) throw new Error(`the benchmark needs: ${missing.join(', ')}`);
}

// ---------------------------------------------------------------------------------------------- the run

/**
 * What this machine's disk allows, measured with the bench's own files: the median time of the durable write
 * a receiver that answers only after the data is on disk must do per image (write a temporary file, fdatasync,
 * link it to its name, fsync the folder), with nothing else (no network, no parsing, no index).
 */
export function durableWriteMs(work: string, file: string, count: number, keep = false): number {
  const dir = join(work, 'durable-write-probe');
  const [incoming, final] = [join(dir, 'incoming'), join(dir, 'final')];
  mkdirSync(incoming, { recursive: true });
  mkdirSync(final, { recursive: true });
  const bytes = readFileSync(file);
  const dirFd = openSync(final, 'r');
  const times: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const tmp = join(incoming, `${i}.part`);
      const fd = openSync(tmp, 'wx');
      const t = performance.now();
      writeSync(fd, bytes);
      fdatasyncSync(fd);
      linkSync(tmp, join(final, `${i}.dcm`));
      fsyncSync(dirFd);
      times.push(performance.now() - t);
      closeSync(fd);
      rmSync(tmp);
    }
  } finally {
    closeSync(dirFd);
    // the caller removes `work` at the end of the run, when `keep` (see runIngestBench)
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

export async function runIngestBench(opts: IngestBenchOptions = {}): Promise<{ results: IngestResult[]; work: string; durableWriteMs: number }> {
  const count = opts.count ?? 300;
  const targets = opts.targets ?? TARGETS;
  const rounds = opts.rounds ?? 1;
  const log = opts.log ?? (() => undefined);
  checkTools(targets);
  const work = mkdtempSync(join(tmpdir(), 'pacslab-bench-'));
  const results: IngestResult[] = [];
  let durable = 0;
  try {
    const fileDir = join(work, 'files');
    const warmDir = join(work, 'warm-up');
    const { bytes } = makeCtFiles(fileDir, count);
    const warm = makeCtFiles(warmDir, WARM_UP);
    log(`${count} files of 512×512 CT (${(bytes / 1e6).toFixed(0)} MB) in ${fileDir}, and ${WARM_UP} of another study to warm up with`);
    // Nothing is deleted until the run ends, where the disk has room for it. This disk's ext4 has no journal, and
    // without one ext4 skips inodes freed in the last minute or more when it makes a new file (fs/ext4/ialloc.c,
    // recently_deleted): right after the previous receiver's files were deleted, that search was ~10% of the
    // CPU time of the next receiver's run.
    const perReceiver = (bytes + warm.bytes) * 1.05;
    const keepAll = freeBytes(work) > perReceiver * targets.length * rounds + 4 * bytes + 1e9;
    if (!keepAll) log('not enough free disk to keep every receiver\'s files until the end: each is deleted after its run');
    prepareMachine(work, 2 * bytes);
    durable = durableWriteMs(work, join(fileDir, readdirSync(fileDir)[0]), Math.min(count, 300), keepAll);
    log(`this disk: a durable write of one file (write, fdatasync, link, folder fsync) takes ${durable.toFixed(2)} ms (median)`);
    for (let round = 1; round <= rounds; round++) {
      for (const target of targets) {
        const targetWork = join(work, `round${round}`, target);
        const receiver = await STARTERS[target](targetWork, opts.trace);
        try {
          // a server is measured running, not starting: every receiver answers one C-ECHO and stores the warm-up
          // study (WARM_UP), then gets a second to finish its start-up work (measured: started straight away, ours
          // spent ~0.4 s more CPU on the 300 images)
          const echo = await runDcmtk('echoscu', ['-aet', CALLING_AE, '-aec', receiver.calledAe, '127.0.0.1', String(receiver.port)]);
          if (echo.code !== 0) throw new Error(`echoscu to ${receiver.calledAe} failed (exit ${echo.code}): ${(echo.stdout + echo.stderr).slice(-500)}`);
          await storescu(receiver.port, receiver.calledAe, warmDir);
          await new Promise((r) => setTimeout(r, 1000));
          prepareMachine(work, 2 * bytes, [fileDir]);
          const pid = receiver.child.pid!;
          const readyRssKb = procStatusKb(pid, 'VmRSS');
          const ms = await storescu(receiver.port, receiver.calledAe, fileDir);
          const peakRssKb = procStatusKb(pid, 'VmHWM');
          const seconds = ms / 1000;
          const stored = countFiles(join(targetWork, target === 'orthanc' ? 'orthanc/storage' : target === 'ours' ? 'ours/archive' : 'storescp'));
          if (stored < WARM_UP + count) throw new Error(`${target} holds ${stored} files after receiving ${WARM_UP} + ${count}`);
          const r: IngestResult = { target, round, images: count, bytes, seconds, imagesPerSecond: count / seconds, megabytesPerSecond: bytes / 1e6 / seconds, peakRssKb, readyRssKb };
          results.push(r);
          log(`round ${round}: ${target.padEnd(8)} ${r.imagesPerSecond.toFixed(0).padStart(5)} img/s`);
        } finally {
          await receiver.stop();
          if (opts.trace && receiver.output) for (const l of receiver.output().split('\n').filter((x) => x.startsWith('ingest trace:'))) log(`  ${l}`);
          if (!opts.keep && !keepAll) rmSync(targetWork, { recursive: true, force: true });
        }
      }
    }
  } finally {
    if (!opts.keep) rmSync(work, { recursive: true, force: true });
  }
  return { results, work, durableWriteMs: durable };
}

const NAMES: Record<Target, string> = {
  storescp: 'DCMTK storescp (no fsync, no index)',
  orthanc: 'Orthanc 1.10 (SQLite index)',
  ours: 'PACS Lab (fsync + index before success)',
};

/**
 * A Markdown table of the results (one row per target and round) and, per target, the median. Given the disk's
 * durable-write time, also the most a receiver that syncs before answering could reach here: storescu's cycle
 * with storescp (the client's own time plus a receiver that does almost nothing) plus that one write.
 */
export function formatIngestTable(results: readonly IngestResult[], durableWrite?: number): string {
  const mb = (kb?: number) => (kb === undefined ? '' : (kb / 1024).toFixed(0));
  const lines = ['| receiver | round | images | s | img/s | MB/s | RSS ready MB | peak RSS MB |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'];
  for (const r of results) {
    lines.push(`| ${NAMES[r.target]} | ${r.round} | ${r.images} | ${r.seconds.toFixed(2)} | ${r.imagesPerSecond.toFixed(0)} | ${r.megabytesPerSecond.toFixed(0)} | ${mb(r.readyRssKb)} | ${mb(r.peakRssKb)} |`);
  }
  const median = (t: Target) => {
    const v = results.filter((r) => r.target === t).map((r) => r.imagesPerSecond).sort((a, b) => a - b);
    return v.length ? v[Math.floor(v.length / 2)] : undefined;
  };
  const [scp, orthanc, ours] = [median('storescp'), median('orthanc'), median('ours')];
  if (ours !== undefined) {
    const parts = [`ours median ${ours.toFixed(0)} img/s`];
    if (orthanc) parts.push(`${(ours / orthanc).toFixed(2)}× Orthanc (target ≥ 3×)`);
    if (scp) parts.push(`${((100 * ours) / scp).toFixed(0)}% of storescp (target ≥ 50%)`);
    lines.push('', parts.join(', '));
  }
  if (scp && durableWrite) {
    const bound = 1000 / (1000 / scp + durableWrite);
    const vs = [orthanc ? `${(bound / orthanc).toFixed(2)}× Orthanc` : '', `${((100 * bound) / scp).toFixed(0)}% of storescp`].filter(Boolean).join(', ');
    lines.push(
      '',
      `bound on this machine for any receiver that syncs before answering: ${(1000 / scp).toFixed(2)} ms per image with storescp + ${durableWrite.toFixed(2)} ms durable write = ${bound.toFixed(0)} img/s (${vs})`,
    );
  }
  return lines.join('\n');
}
