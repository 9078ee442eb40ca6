// Hostile input (issue 11): a seeded mutation fuzzer for the DICOM listener (PS3.8 upper layer PDUs, DIMSE
// commands, data sets) and the HL7 MLLP listener, run against the real daemons as child processes, while a
// well-behaved client keeps working. What must hold, whatever arrives on the sockets:
//   - neither process dies (a crash is an exit of the child, seen at once);
//   - a well-behaved client is served throughout: a C-ECHO every 250 ms succeeds, and at the end a valid C-STORE is
//     stored and an HL7 order is acknowledged AA;
//   - nothing is written outside the archive folder (path-like UIDs such as "../../x" are sent on purpose), and the
//     archive holds only complete files the index names.
// The mutations (seeded, so a failing seed replays exactly): bit flips, PDU and item lengths set to 0, 1, 0x7fffffff
// and 0xffffffff, truncated streams, garbage, repeated and reordered PDUs, wrong PDU types; in data sets: bad VRs,
// oversize element lengths, sequences nested thousands deep, path-like and overlong UIDs; for HL7: missing and
// doubled MLLP framing, oversize frames, mangled MSH fields and encoding characters.
//
//   npx tsx sim/hardening/fuzz.ts [--seconds 600] [--seed 1] [--concurrency 4]    (longer runs on demand)
// CI runs a bounded campaign in sim/hardening/fuzz.test.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb } from '../../prisma/db';
import { echo, store } from '../dimse/client';
import { encodeCommandSet } from '../dimse/commandSet';
import { associateRq, dimseMessage, proposeContexts } from '../dimse/storeScu';
import { generateStudy } from '../modality/generate';
import { runIfEntry } from '../processLifecycle';
import { freePort, waitForPort } from '../testing/ports';
import { daemonEnv } from '../daemonEnv';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** mulberry32: small, fast, and the same sequence for the same seed everywhere */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
  };
}
export type Rng = ReturnType<typeof rng>;

// ------------------------------------------------------------------------------------------------ DICOM corpus

const VERIFICATION = '1.2.840.10008.1.1';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const CT_IMAGE = '1.2.840.10008.5.1.4.1.1.2';

/** an explicit VR little endian element (PS3.5 7.1.2) */
function element(group: number, elem: number, vr: string, value: Buffer, lengthOverride?: number): Buffer {
  const long = ['OB', 'OW', 'OF', 'SQ', 'UT', 'UN', 'UC', 'UR'].includes(vr);
  const h = Buffer.alloc(long ? 12 : 8);
  h.writeUInt16LE(group, 0);
  h.writeUInt16LE(elem, 2);
  h.write(vr, 4, 'latin1');
  if (long) h.writeUInt32LE(lengthOverride ?? value.length, 8);
  else h.writeUInt16LE((lengthOverride ?? value.length) & 0xffff, 6);
  return Buffer.concat([h, value]);
}
const ui = (s: string) => Buffer.from(s.length % 2 ? `${s}\0` : s, 'latin1');

/** a data set whose first element opens `depth` nested sequences of undefined length (PS3.5 7.5) */
function deepSequence(depth: number): Buffer {
  const open = Buffer.alloc(12 + 8);
  open.writeUInt16LE(0x0040, 0);
  open.writeUInt16LE(0x0275, 2); // Request Attributes Sequence
  open.write('SQ', 4, 'latin1');
  open.writeUInt32LE(0xffffffff, 8);
  open.writeUInt16LE(0xfffe, 12);
  open.writeUInt16LE(0xe000, 14); // item, undefined length
  open.writeUInt32LE(0xffffffff, 16);
  return Buffer.concat(Array.from({ length: depth }, () => open));
}

export interface DicomCorpus {
  /** each case: the PDUs a client sends, in order */
  cases: Buffer[][];
  /** a valid data set (the body of a C-STORE) and its identity, for data set mutations */
  dataset: Buffer;
  sopInstanceUid: string;
}

export function dicomCorpus(callingAe: string, calledAe: string): DicomCorpus {
  const img = generateStudy({ protocolId: 'ct-head', seed: 1, slices: 1, patient: { patientName: 'FUZZ^CASE', patientId: 'FUZZ1' } }).images[0];
  // the data set after the File Meta Information (132 + group 2)
  let pos = 132;
  while (img.bytes.readUInt16LE(pos) === 0x0002) {
    const vr = img.bytes.toString('latin1', pos + 4, pos + 6);
    pos += ['OB', 'OW', 'UN', 'SQ', 'UT'].includes(vr) ? 12 + img.bytes.readUInt32LE(pos + 8) : 8 + img.bytes.readUInt16LE(pos + 6);
  }
  const dataset = img.bytes.subarray(pos);
  const contexts = proposeContexts([
    { sopClassUid: VERIFICATION, transferSyntaxUid: EXPLICIT_LE },
    { sopClassUid: CT_IMAGE, transferSyntaxUid: EXPLICIT_LE },
  ]);
  const rq = associateRq(callingAe, calledAe, contexts);
  const ctx = (uid: string) => contexts.find((c) => c.abstractSyntax === uid)?.id ?? 1;
  const echoCmd = encodeCommandSet({ AffectedSOPClassUID: VERIFICATION, CommandField: 0x0030, MessageID: 1, CommandDataSetType: 0x0101 })!;
  const storeCmd = (sop: string) => encodeCommandSet({ AffectedSOPClassUID: CT_IMAGE, CommandField: 0x0001, MessageID: 2, Priority: 0, CommandDataSetType: 0x0000, AffectedSOPInstanceUID: sop })!;
  const release = Buffer.from([0x05, 0, 0, 0, 0, 4, 0, 0, 0, 0]);
  const storeOf = (sop: string, ds: Buffer) => dimseMessage(ctx(CT_IMAGE), storeCmd(sop), ds, 16_384);
  const pathUid = '1.2.3/../../../fuzz-escape';
  const cases: Buffer[][] = [
    [rq],
    [rq, ...dimseMessage(ctx(VERIFICATION), echoCmd, undefined, 16_384), release],
    [rq, ...storeOf(img.sopInstanceUid, dataset), release],
    // path-like and overlong UIDs in the command and the data set
    [rq, ...storeOf(pathUid, Buffer.concat([element(0x0008, 0x0018, 'UI', ui(pathUid)), dataset])), release],
    [rq, ...storeOf('1.'.repeat(40) + '1', dataset), release],
    // a data set of nested sequences 5000 deep, and one with a bad VR and an oversize length
    [rq, ...storeOf(`${img.sopInstanceUid}.9`, deepSequence(5000)), release],
    [rq, ...storeOf(`${img.sopInstanceUid}.8`, Buffer.concat([element(0x0008, 0x0016, 'ZZ', ui(CT_IMAGE)), dataset])), release],
    [rq, ...storeOf(`${img.sopInstanceUid}.7`, Buffer.concat([element(0x0010, 0x0010, 'UT', Buffer.from('X'), 0xfffffff0), dataset])), release],
  ];
  return { cases, dataset, sopInstanceUid: img.sopInstanceUid };
}

/** One seeded mutation of a case: most keep the association's start intact so the deeper layers get exercised. */
export function mutateDicom(r: Rng, pdus: readonly Buffer[]): Buffer[] {
  const out = pdus.map((p) => Buffer.from(p));
  const k = out.length > 1 && r.next() < 0.7 ? 1 + r.int(out.length - 1) : r.int(out.length);
  const p = out[k];
  switch (r.int(9)) {
    case 0: // flip bits
      for (let n = 1 + r.int(8); n > 0; n--) p[r.int(p.length)] ^= 1 << r.int(8);
      break;
    case 1: // the PDU length
      if (p.length >= 6) p.writeUInt32BE(r.pick([0, 1, 2, 0x7fffffff, 0xffffffff, p.length * 2, Math.max(0, p.length - 7)]), 2);
      break;
    case 2: // an item or PDV length somewhere inside
      if (p.length > 12) {
        const at = 6 + r.int(p.length - 10);
        if (r.next() < 0.5) p.writeUInt16BE(r.pick([0, 1, 0xffff]), at);
        else p.writeUInt32BE(r.pick([0, 1, 0xffffffff, 0x10000]), at);
      }
      break;
    case 3: // truncated stream: everything after a random byte is never sent
      out[k] = p.subarray(0, r.int(p.length));
      out.length = k + 1;
      break;
    case 4: // garbage instead of, or after, the PDU
      out.splice(k, r.next() < 0.5 ? 1 : 0, Buffer.from(Array.from({ length: 1 + r.int(300) }, () => r.int(256))));
      break;
    case 5: // a PDU again, or the PDUs out of order
      if (r.next() < 0.5) out.splice(k, 0, Buffer.from(p));
      else out.reverse();
      break;
    case 6: // another PDU type
      p[0] = r.pick([0x00, 0x02, 0x03, 0x06, 0x07, 0x08, 0xff]);
      break;
    case 7: // a PDV's message control header: command/data and last bits
      if (p[0] === 0x04 && p.length > 11) p[11] = r.int(256);
      break;
    default: // a presentation context ID nobody proposed
      if (p[0] === 0x04 && p.length > 10) p[10] = r.pick([0, 2, 255, 127]);
  }
  return out;
}

// ------------------------------------------------------------------------------------------------ HL7 corpus

const SB = Buffer.from([0x0b]);
const EB = Buffer.from([0x1c, 0x0d]);
const frame = (text: string) => Buffer.concat([SB, Buffer.from(text, 'latin1'), EB]);

export function hl7Corpus(receivingApp = 'RIS'): string[] {
  const stamp = '20261128120000';
  const msh = (type: string, control: string) => `MSH|^~\\&|HIS|HOSP|${receivingApp}|RAD|${stamp}||${type}|${control}|P|2.5.1`;
  const orm = (n: number) =>
    [
      msh('ORM^O01', `FZ${n}`),
      `PID|1||FZ${n}^^^GENERAL^MR||FUZZ^CASE||19800215|F`,
      'PV1|1|O',
      `ORC|NW|FZP${n}||||SC||^^^20261130143000^^R||||1234^SMITH^JOHN^^^DR`,
      `OBR|1|FZP${n}||CTHEAD^CT Head without contrast^L|||||||||||||1234^SMITH^JOHN^A^^DR|||||||CT|||^^^20261130143000^^S||||^Headache`,
    ].join('\r');
  return [orm(1), orm(2), [msh('ADT^A08', 'FZA'), 'PID|1||FZ1^^^GENERAL^MR||FUZZ^RENAMED||19800215|F'].join('\r')];
}

export function mutateHl7(r: Rng, text: string): Buffer {
  switch (r.int(8)) {
    case 0: { // flip characters
      const b = Buffer.from(text, 'latin1');
      for (let n = 1 + r.int(6); n > 0; n--) b[r.int(b.length)] = r.int(256);
      return Buffer.concat([SB, b, EB]);
    }
    case 1: // no end block: the listener must time out or cap the frame, not wait forever holding memory
      return Buffer.concat([SB, Buffer.from(text, 'latin1')]);
    case 2: // no start block
      return Buffer.concat([Buffer.from(text, 'latin1'), EB]);
    case 3: // an oversize frame
      return frame(text + '\r' + 'NTE|1||' + 'A'.repeat(200_000 + r.int(800_000)));
    case 4: // mangled encoding characters / MSH
      return frame(text.replace('^~\\&', r.pick(['', '^', '^^^^', '\x00\x00\x00\x00', '|||'])));
    case 5: // a segment with thousands of fields and components
      return frame(text + '\r' + 'ZZZ' + '|^~&'.repeat(5_000 + r.int(20_000)));
    case 6: // two frames in one write, and an empty one
      return Buffer.concat([frame(text), frame(''), frame(text)]);
    default: // segments cut at random
      return frame(text.slice(0, r.int(text.length)));
  }
}

// ------------------------------------------------------------------------------------------------ sockets

/** Sends the buffers (split at random points, as TCP may), reads until the peer closes or `ms` pass. */
export function sendRaw(host: string, port: number, buffers: readonly Buffer[], r: Rng, ms = 400): Promise<{ received: number; closedByPeer: boolean }> {
  return new Promise((resolve) => {
    let received = 0;
    let closedByPeer = false;
    const socket = net.connect({ host, port });
    socket.setNoDelay(true);
    const end = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ received, closedByPeer });
    };
    const timer = setTimeout(end, ms);
    socket.on('data', (d) => (received += d.length));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closedByPeer = true;
      end();
    });
    socket.on('connect', () => {
      for (const b of buffers) {
        if (b.length > 64 && r.next() < 0.3) {
          const cut = r.int(b.length);
          socket.write(b.subarray(0, cut));
          socket.write(b.subarray(cut));
        } else socket.write(b);
      }
    });
  });
}

// ------------------------------------------------------------------------------------------------ the daemons

interface Child {
  port: number;
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

async function startChild(script: string, env: Record<string, string>, portVar: string): Promise<Child> {
  const port = await freePort();
  const tsx = join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs');
  const child = spawn(process.execPath, ['--import', existsSync(tsx) ? tsx : 'tsx', join(REPO_ROOT, script)], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, [portVar]: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out = (out + d).slice(-50_000)));
  child.stderr!.on('data', (d) => (out = (out + d).slice(-50_000)));
  await waitForPort(port, child, () => out);
  return {
    port,
    child,
    output: () => out,
    stop: () =>
      new Promise<void>((res) => {
        if (child.exitCode !== null || child.signalCode !== null) return res();
        const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(t);
          res();
        });
        child.kill('SIGTERM');
      }),
  };
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)));
}

function rssKb(pid: number | undefined): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

export interface CampaignReport {
  seed: number;
  seconds: number;
  dicomCases: number;
  hl7Cases: number;
  /** the listener answered or closed (never left a socket hanging past the case's time) */
  dicomClosedByPeer: number;
  echoes: number;
  echoFailures: string[];
  echoP95Ms: number;
  crashes: string[];
  /** files outside the archive folder and the database, or in it but not named by the index */
  strayFiles: string[];
  finalStoreOk: boolean;
  finalHl7Ack: string;
  peakRssMb: { dicom: number; hl7: number };
}

/** Starts both daemons on a fresh database and folder, fuzzes them for `seconds`, checks what must hold. */
export async function runCampaign(opts: { seconds: number; seed: number; concurrency?: number; databaseUrl?: string; log?: (s: string) => void }): Promise<CampaignReport> {
  const log = opts.log ?? (() => undefined);
  const work = mkdtempSync(join(tmpdir(), 'pacslab-fuzz-'));
  const archiveDir = join(work, 'archive');
  mkdirSync(archiveDir);
  // a fresh SQLite file here by default; the PostgreSQL pass of the tests gives a fresh database of its own
  const databaseUrl = opts.databaseUrl ?? `file:${join(work, 'pacslab.db')}`;
  const env = { DATABASE_URL: databaseUrl, ARCHIVE_DIR: archiveDir, DICOM_HOST: '127.0.0.1', HL7_HOST: '127.0.0.1', TCP_NODELAY: '1', MALLOC_ARENA_MAX: '2' };
  const report: CampaignReport = {
    seed: opts.seed, seconds: opts.seconds, dicomCases: 0, hl7Cases: 0, dicomClosedByPeer: 0, echoes: 0, echoFailures: [], echoP95Ms: 0,
    crashes: [], strayFiles: [], finalStoreOk: false, finalHl7Ack: '', peakRssMb: { dicom: 0, hl7: 0 },
  };
  const dicom = await startChild('sim/daemon.ts', { ...env, ...daemonEnv(), HL7_PORT: '0' }, 'DICOM_PORT');
  const hl7 = await startChild('sim/hl7d.ts', env, 'HL7_PORT');
  const crashed = (name: string, c: Child) => (code: number | null, signal: string | null) => report.crashes.push(`${name} exited (code ${code}, signal ${signal}): ${c.output().slice(-2000)}`);
  const onDicomExit = crashed('DICOM daemon', dicom);
  const onHl7Exit = crashed('HL7 listener', hl7);
  dicom.child.once('exit', onDicomExit);
  hl7.child.once('exit', onHl7Exit);
  const peer = { host: '127.0.0.1', port: dicom.port, callingAe: 'CT1', calledAe: 'PACS', timeoutMs: 10_000 };
  const corpus = dicomCorpus('CT1', 'PACS');
  const messages = hl7Corpus();
  const until = Date.now() + opts.seconds * 1000;
  const latencies: number[] = [];
  try {
    // the well-behaved client, throughout
    const wellBehaved = (async () => {
      while (Date.now() < until) {
        const t0 = performance.now();
        try {
          const e = await echo(peer);
          if (e.category !== 'success') report.echoFailures.push(`C-ECHO status ${e.status}`);
        } catch (err) {
          report.echoFailures.push(`C-ECHO failed at +${Math.round((Date.now() - (until - opts.seconds * 1000)) / 1000)} s: ${(err as Error).message}`);
        }
        latencies.push(performance.now() - t0);
        report.echoes++;
        report.peakRssMb.dicom = Math.max(report.peakRssMb.dicom, rssKb(dicom.child.pid) / 1024);
        report.peakRssMb.hl7 = Math.max(report.peakRssMb.hl7, rssKb(hl7.child.pid) / 1024);
        await new Promise((res) => setTimeout(res, 250));
      }
    })();
    const worker = async (w: number) => {
      const wr = rng(opts.seed * 1000 + w);
      while (Date.now() < until && !report.crashes.length) {
        if (wr.next() < 0.75) {
          const base = wr.pick(corpus.cases);
          const res = await sendRaw('127.0.0.1', dicom.port, wr.next() < 0.1 ? base : mutateDicom(wr, base), wr);
          report.dicomCases++;
          if (res.closedByPeer) report.dicomClosedByPeer++;
        } else {
          await sendRaw('127.0.0.1', hl7.port, [mutateHl7(wr, wr.pick(messages))], wr, 300);
          report.hl7Cases++;
        }
      }
    };
    await Promise.all([wellBehaved, ...Array.from({ length: opts.concurrency ?? 4 }, (_, w) => worker(w))]);
    latencies.sort((a, b) => a - b);
    report.echoP95Ms = Math.round(latencies[Math.floor(latencies.length * 0.95)] ?? 0);
    log(`${report.dicomCases} DICOM and ${report.hl7Cases} HL7 cases in ${opts.seconds} s; ${report.echoes} C-ECHOs, ${report.echoFailures.length} failed`);

    // still serving: a valid C-STORE is stored, a valid order acknowledged
    if (!report.crashes.length) {
      const file = join(work, 'valid.dcm');
      const img = generateStudy({ protocolId: 'ct-head', seed: 99, slices: 1, patient: { patientName: 'AFTER^FUZZ', patientId: 'AF1' } }).images[0];
      writeFileSync(file, img.bytes);
      const [res] = await store(peer, [file]).catch(() => [{ category: 'failure' as const }]);
      report.finalStoreOk = res?.category === 'success';
      rmSync(file);
      const ack = await new Promise<string>((resolve) => {
        let text = '';
        const s = net.connect({ host: '127.0.0.1', port: hl7.port }, () => s.write(frame(hl7Corpus()[0].replace('FZ1', 'AFTER1').replace('FZP1', 'AFTERP1'))));
        s.on('data', (d) => {
          text += d.toString('latin1');
          if (text.includes('\x1c\r')) s.end();
        });
        s.on('error', () => resolve(''));
        s.on('close', () => resolve(/MSA\|(\w+)/.exec(text)?.[1] ?? ''));
        setTimeout(() => s.destroy(), 10_000);
      });
      report.finalHl7Ack = ack;
    }
  } finally {
    dicom.child.off('exit', onDicomExit);
    hl7.child.off('exit', onHl7Exit);
    await dicom.stop();
    await hl7.stop();
  }
  // nothing outside the archive folder but the database; in the archive, only what the index names
  const db = createDb(databaseUrl);
  try {
    const named = new Set((await db.instance.findMany({ select: { filePath: true } })).map((i) => i.filePath));
    for (const f of filesUnder(work)) {
      if (/^pacslab\.db(-wal|-shm|-journal)?$/.test(f)) continue;
      const inArchive = f.startsWith(`archive/`) ? f.slice('archive/'.length) : null;
      if (inArchive === null || (!named.has(inArchive) && !inArchive.startsWith('.incoming/'))) report.strayFiles.push(f);
      else if (inArchive.startsWith('.incoming/')) report.strayFiles.push(`${f} (a temp file left after shutdown)`);
    }
    for (const f of readdirSync(tmpdir())) if (f.includes('fuzz-escape')) report.strayFiles.push(join(tmpdir(), f));
    if (existsSync(join(REPO_ROOT, 'fuzz-escape'))) report.strayFiles.push(join(REPO_ROOT, 'fuzz-escape'));
  } finally {
    await db.$disconnect();
    if (statSync(work).isDirectory()) rmSync(work, { recursive: true, force: true });
  }
  return report;
}

/** What must hold after a campaign, in words; empty when everything did. */
export function violations(r: CampaignReport): string[] {
  return [
    ...r.crashes,
    ...r.echoFailures.slice(0, 5).map((e) => `the well-behaved client was refused: ${e}`),
    ...r.strayFiles.map((f) => `a file was left outside the archive or unindexed: ${f}`),
    ...(r.crashes.length ? [] : [!r.finalStoreOk ? 'after the run a valid C-STORE was not stored' : '', r.finalHl7Ack !== 'AA' ? `after the run a valid ORM^O01 was answered "${r.finalHl7Ack}", not AA` : '']),
  ].filter(Boolean);
}

async function main() {
  const arg = (name: string, fallback: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
  };
  const report = await runCampaign({ seconds: Number(arg('seconds', '60')), seed: Number(arg('seed', '1')), concurrency: Number(arg('concurrency', '4')), log: console.log });
  const bad = violations(report);
  console.log(`\n| fuzz campaign (seed ${report.seed}, ${report.seconds} s) | |\n| --- | --- |`);
  for (const [k, v] of [
    ['DICOM cases (mutated PDUs, commands, data sets)', report.dicomCases],
    ['… answered or closed by the listener within 400 ms', report.dicomClosedByPeer],
    ['HL7 MLLP cases', report.hl7Cases],
    ['well-behaved C-ECHOs during the run', `${report.echoes} (${report.echoFailures.length} failed), p95 ${report.echoP95Ms} ms`],
    ['crashes', report.crashes.length],
    ['files outside the archive / unindexed', report.strayFiles.length],
    ['valid C-STORE after the run', report.finalStoreOk ? 'stored' : 'NOT stored'],
    ['valid ORM^O01 after the run', report.finalHl7Ack || 'no answer'],
    ['peak RSS, DICOM daemon / HL7 listener', `${report.peakRssMb.dicom.toFixed(0)} MB / ${report.peakRssMb.hl7.toFixed(0)} MB`],
  ] as const)
    console.log(`| ${k} | ${v} |`);
  if (bad.length) {
    console.error(`\n${bad.length} violation(s):\n- ${bad.join('\n- ')}`);
    process.exit(1);
  }
}

runIfEntry(import.meta.url, main);
