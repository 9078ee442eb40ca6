// Crash consistency (issue 11): kill -9 the DICOM daemon at seeded random points while real senders store
// instances into it, restart it, and prove what the archive promises (DESIGN.md invariants):
//   - every instance that got a success status (0000) is in the index exactly once, its file exists, parses, and
//     its data set is byte for byte the one sent;
//   - no partial file remains: nothing in ARCHIVE_DIR/.incoming, and every archived file is complete (an
//     instance stored but never acknowledged is allowed, a truncated or foreign one is not);
//   - no index row without its file and no file without its row (after the start-up recovery).
// Each round: the daemon runs (a real child process: sim/daemon.ts, its own database and ARCHIVE_DIR, reused
// across rounds), 1-3 senders (our storeScu and DCMTK storescu when installed) each store a generated study over
// their own association, the daemon is killed with SIGKILL at a seeded delay within the expected send time,
// restarted (its start-up recovery runs before it listens), and the whole archive is checked.
//
//   npx tsx sim/hardening/crash.ts --rounds 200 --seed 1 [--per-sender 12] [--database-url postgresql://…]
// prints a table (rounds, kills mid-association, instances acknowledged, verified, defects). CI runs a few
// rounds per database in sim/hardening/crash.test.ts.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createDb, type Db } from '../../prisma/db';
import { INCOMING_DIR } from '../archive/archiveFiles';
import { parseDatasetHeader } from '../dicom/datasetHeader';
import { splitPart10 } from '../dicom/part10';
import { store, type StoreResult } from '../dimse/client';
import { generateStudy } from '../modality/generate';
import { runIfEntry } from '../processLifecycle';
import { startDaemon, type DaemonChild } from './daemonChild';
import { rng, type Rng } from './fuzz';
import { hasDcmtk, storescuWithAcks } from '../testing/dcmtk';

export type SenderKind = 'storescu (ours)' | 'storescu (DCMTK)';

export interface RoundRecord {
  round: number;
  senders: SenderKind[];
  instancesSent: number;
  /** when the kill came, in ms after the senders started, and what was planned */
  killAtMs: number;
  plannedKillMs: number;
  /** a sender still had its association open when the daemon died */
  killedMidAssociation: boolean;
  acknowledged: number;
  /** stored and complete though never acknowledged (the response was lost with the process) */
  storedUnacknowledged: number;
  /** what the restarted daemon's recovery reported */
  recovery: { partialFiles: number; indexedAgain: number; orphanRows: number } | undefined;
  restartMs: number;
  defects: string[];
}

export interface CrashReport {
  seed: number;
  rounds: RoundRecord[];
  killsMidAssociation: number;
  acknowledged: number;
  verified: number;
  defects: string[];
  recovered: { partialFiles: number; indexedAgain: number; orphanRows: number };
}

export interface CrashOptions {
  rounds: number;
  seed: number;
  /** default: a fresh SQLite file in the work folder */
  databaseUrl?: string;
  /** instances each sender stores in a round (default 12) */
  perSender?: number;
  /** at most this many concurrent senders a round (default 3) */
  maxSenders?: number;
  /** use DCMTK storescu as one of the senders when it is installed (default true) */
  dcmtk?: boolean;
  /** stop starting new rounds after this long (CI keeps a bound; the rounds done are reported) */
  budgetMs?: number;
  log?: (line: string) => void;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** the data set of a Part 10 file (after its File Meta Information), as a C-STORE carries it */
function datasetOf(bytes: Buffer): Buffer {
  return bytes.subarray(splitPart10(bytes).datasetOffset);
}

interface SentInstance {
  hash: string;
  round: number;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)).split('\\').join('/'));
}

/** The "archive recovery: …" line the daemon prints at every start (sim/daemon.ts). */
const RECOVERY_LINE = /archive recovery: (\d+) partial file\(s\) removed, (\d+) file\(s\) indexed again, (\d+) orphan index row\(s\) removed/;

/**
 * The whole archive against what was sent: `acked` (every round so far) must be there, complete; every file
 * must be one of ours, complete, and indexed; every row must have its file; nothing in .incoming. Data sets of
 * `fresh` instances (this round's) are hashed again; older ones were hashed in their own round and only their
 * presence is checked now.
 */
async function verifyArchive(db: Db, archiveDir: string, sent: Map<string, SentInstance>, acked: Set<string>, round: number): Promise<{ defects: string[]; verified: number; storedUnacked: number }> {
  const defects: string[] = [];
  const rows = await db.instance.findMany({ select: { sopInstanceUid: true, filePath: true } });
  const bySop = new Map<string, string[]>();
  for (const r of rows) bySop.set(r.sopInstanceUid, [...(bySop.get(r.sopInstanceUid) ?? []), r.filePath]);
  const onDisk = new Set(filesUnder(archiveDir));
  const incoming = [...onDisk].filter((f) => f.startsWith(`${INCOMING_DIR}/`));
  for (const f of incoming) defects.push(`a temporary file remains after the restart: ${f}`);
  const rowPaths = new Set(rows.map((r) => r.filePath));
  for (const r of rows) if (!onDisk.has(r.filePath)) defects.push(`index row without its file: ${r.sopInstanceUid} → ${r.filePath}`);
  for (const f of onDisk) if (!f.startsWith(`${INCOMING_DIR}/`) && !rowPaths.has(f)) defects.push(`file without an index row after recovery: ${f}`);
  let verified = 0;
  let storedUnacked = 0;
  for (const sop of acked) {
    const paths = bySop.get(sop) ?? [];
    if (paths.length !== 1) defects.push(`acknowledged ${sop} is indexed ${paths.length} times (expected exactly once)`);
  }
  for (const [sop, paths] of bySop) {
    const s = sent.get(sop);
    if (!s) continue; // the demo seed's own instances, if any
    if (s.round !== round) {
      if (acked.has(sop)) verified++;
      continue;
    }
    const path = paths[0];
    if (!onDisk.has(path)) continue; // reported above
    const bytes = readFileSync(join(archiveDir, ...path.split('/')));
    let why: string | undefined;
    try {
      const p = splitPart10(bytes);
      if (!p.transferSyntaxUid) why = 'no Part 10 header';
      else {
        const h = parseDatasetHeader(bytes.subarray(p.datasetOffset), p.transferSyntaxUid, { whole: true });
        if (h.SOPInstanceUID !== sop) why = `it holds ${h.SOPInstanceUID}`;
        else if (sha(bytes.subarray(p.datasetOffset)) !== s.hash) why = 'its data set differs from the one sent';
      }
    } catch (e) {
      why = `it does not parse: ${(e as Error).message}`;
    }
    if (why) defects.push(`${acked.has(sop) ? 'acknowledged' : 'stored'} ${sop} (${path}): ${why}`);
    else if (acked.has(sop)) verified++;
    else storedUnacked++;
  }
  return { defects, verified, storedUnacked };
}

export async function runCrashRounds(opts: CrashOptions): Promise<CrashReport> {
  const log = opts.log ?? (() => undefined);
  const work = mkdtempSync(join(tmpdir(), 'pacslab-crash-'));
  const archiveDir = join(work, 'archive');
  const sendDir = join(work, 'send');
  mkdirSync(archiveDir);
  mkdirSync(sendDir);
  const databaseUrl = opts.databaseUrl ?? `file:${join(work, 'pacslab.db')}`;
  const perSender = opts.perSender ?? 12;
  const maxSenders = opts.maxSenders ?? 3;
  const dcmtk = (opts.dcmtk ?? true) && hasDcmtk();
  const started = Date.now();
  const r: Rng = rng(opts.seed);
  const report: CrashReport = { seed: opts.seed, rounds: [], killsMidAssociation: 0, acknowledged: 0, verified: 0, defects: [], recovered: { partialFiles: 0, indexedAgain: 0, orphanRows: 0 } };
  const sent = new Map<string, SentInstance>();
  const acked = new Set<string>();
  // the expected send time of a round (association set-up, then a time per instance, with the senders side by
  // side), learnt from the acknowledgements' times of the rounds before: kills then fall across the whole transfer
  let setupMs = 400;
  let msPerInstance = 40;
  let daemon: DaemonChild | undefined = await startDaemon({ databaseUrl, archiveDir });
  const db = createDb(databaseUrl);
  try {
    for (let round = 1; round <= opts.rounds; round++) {
      if (opts.budgetMs && round > 1 && Date.now() - started > opts.budgetMs) break;
      // this round's senders and their studies, all from the seed
      const senders: SenderKind[] = Array.from({ length: 1 + r.int(maxSenders) }, (_, i) => (dcmtk && (i === 1 || r.next() < 0.3) ? 'storescu (DCMTK)' : 'storescu (ours)'));
      const batches = senders.map((kind, k) => {
        const dir = join(sendDir, `r${round}s${k}`);
        mkdirSync(dir);
        const protocolId = r.pick(['ct-head', 'mr-knee']);
        const n = Math.max(1, Math.ceil(perSender * (0.5 + r.next() / 2)));
        const study = generateStudy({ protocolId, seed: opts.seed * 1_000_000 + round * 10 + k, slices: protocolId === 'ct-head' ? n : undefined, patient: { patientName: `CRASH^R${round}S${k}`, patientId: `CR${round}-${k}` } });
        const files = study.images.slice(0, n).map((img, i) => {
          const file = join(dir, `${String(i).padStart(4, '0')}.dcm`);
          writeFileSync(file, img.bytes);
          sent.set(img.sopInstanceUid, { hash: sha(datasetOf(img.bytes)), round });
          return { file, sop: img.sopInstanceUid };
        });
        return { kind, files };
      });
      const total = batches.reduce((n, b) => n + b.files.length, 0);
      const expectedMs = setupMs + msPerInstance * total;
      const plannedKillMs = Math.round(r.next() * expectedMs * 1.1);
      const record: RoundRecord = {
        round, senders, instancesSent: total, killAtMs: 0, plannedKillMs, killedMidAssociation: false, acknowledged: 0,
        storedUnacknowledged: 0, recovery: undefined, restartMs: 0, defects: [],
      };

      // send, and kill -9 at the planned time (or as soon as every sender is done, if that is earlier)
      const live = daemon!;
      const t0 = performance.now();
      let running = batches.length;
      const roundAcks: string[] = [];
      const ackTimes: number[] = [];
      const sends = batches.map(async (b) => {
        try {
          if (b.kind === 'storescu (DCMTK)') {
            await storescuWithAcks({ port: live.port, calledAe: 'PACS' }, b.files.map((f) => f.file), (f) => {
              const sop = b.files.find((x) => x.file === f)?.sop;
              if (!sop) return;
              roundAcks.push(sop);
              ackTimes.push(performance.now() - t0);
            });
          } else {
            const peer = { host: '127.0.0.1', port: live.port, callingAe: 'CT1', calledAe: 'PACS', timeoutMs: 30_000 };
            const onResult = (_d: number, _t: number, last: StoreResult) => {
              if (last.category === 'success' || last.category === 'warning') {
                roundAcks.push(last.sopInstanceUid);
                ackTimes.push(performance.now() - t0);
              }
            };
            await store(peer, b.files.map((f) => f.file), onResult).catch(() => undefined);
          }
        } finally {
          running--;
        }
      });
      const allSent = Promise.all(sends).then(() => performance.now() - t0);
      const winner = await Promise.race([allSent.then((ms) => ({ done: ms })), new Promise<{ done?: number }>((res) => setTimeout(() => res({}), plannedKillMs))]);
      record.killedMidAssociation = running > 0;
      record.killAtMs = Math.round(performance.now() - t0);
      await live.kill9();
      await allSent;
      if (ackTimes.length >= 2) {
        ackTimes.sort((a, b) => a - b);
        setupMs = (setupMs + ackTimes[0]) / 2;
        const perInstance = (ackTimes[ackTimes.length - 1] - ackTimes[0]) / (ackTimes.length - 1);
        msPerInstance = winner.done !== undefined ? (msPerInstance + perInstance) / 2 : Math.max(msPerInstance, (msPerInstance + perInstance) / 2);
      } else if (winner.done === undefined) setupMs *= 1.3; // killed before anything was answered: the set-up takes longer than thought
      if (record.killedMidAssociation) report.killsMidAssociation++;
      for (const sop of roundAcks) acked.add(sop);
      record.acknowledged = roundAcks.length;
      report.acknowledged += roundAcks.length;

      // restart: the recovery runs before it listens
      const t1 = performance.now();
      daemon = undefined;
      daemon = await startDaemon({ databaseUrl, archiveDir });
      record.restartMs = Math.round(performance.now() - t1);
      const m = await daemon.waitForOutput(RECOVERY_LINE).catch((e: Error) => {
        record.defects.push(e.message);
        return undefined;
      });
      if (m) record.recovery = { partialFiles: Number(m[1]), indexedAgain: Number(m[2]), orphanRows: Number(m[3]) };
      if (record.recovery) for (const k of ['partialFiles', 'indexedAgain', 'orphanRows'] as const) report.recovered[k] += record.recovery[k];

      const v = await verifyArchive(db, archiveDir, sent, acked, round);
      record.defects.push(...v.defects);
      record.storedUnacknowledged = v.storedUnacked;
      report.verified = v.verified;
      for (const d of record.defects) report.defects.push(`round ${round} (seed ${opts.seed}): ${d}`);
      report.rounds.push(record);
      rmSync(sendDir, { recursive: true, force: true });
      mkdirSync(sendDir);
      log(
        `round ${round}: ${senders.join(' + ')}, ${total} instances, kill -9 at ${record.killAtMs} ms (planned ${plannedKillMs})` +
          `${record.killedMidAssociation ? ' mid-association' : ' after the senders finished'}; ${record.acknowledged} acknowledged, ` +
          `${record.storedUnacknowledged} stored without acknowledgement; recovery ${JSON.stringify(record.recovery)}; restart ${record.restartMs} ms; ` +
          `${record.defects.length} defect(s)`,
      );
    }
  } finally {
    await daemon?.stop();
    await db.$disconnect();
    rmSync(work, { recursive: true, force: true });
  }
  return report;
}

async function main() {
  const arg = (name: string, fallback: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
  };
  const rep = await runCrashRounds({
    rounds: Number(arg('rounds', '20')),
    seed: Number(arg('seed', '1')),
    perSender: Number(arg('per-sender', '12')),
    databaseUrl: arg('database-url', '') || undefined,
    log: console.log,
  });
  const rows: [string, string | number][] = [
    ['rounds (kill -9, restart, full check)', rep.rounds.length],
    ['… kills with an association open', rep.killsMidAssociation],
    ['instances acknowledged (status 0000)', rep.acknowledged],
    ['… verified present, indexed once, byte for byte', rep.verified],
    ['stored without acknowledgement (allowed, complete)', rep.rounds.reduce((n, x) => n + x.storedUnacknowledged, 0)],
    ['recovery: partial files removed / files indexed again / orphan rows removed', `${rep.recovered.partialFiles} / ${rep.recovered.indexedAgain} / ${rep.recovered.orphanRows}`],
    ['median restart to listening', `${[...rep.rounds].map((x) => x.restartMs).sort((a, b) => a - b)[Math.floor(rep.rounds.length / 2)] ?? 0} ms`],
    ['defects', rep.defects.length],
  ];
  console.log(`\n| crash consistency (seed ${rep.seed}) | |\n| --- | --- |`);
  for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
  if (rep.defects.length) {
    console.error(`\n${rep.defects.length} defect(s):\n- ${rep.defects.slice(0, 50).join('\n- ')}`);
    process.exit(1);
  }
}

runIfEntry(import.meta.url, main);
