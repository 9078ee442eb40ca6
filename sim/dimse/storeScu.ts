// A lean C-STORE SCU (PS3.4 B, PS3.7 9.1.1, PS3.8 9): sends Part 10 files over one association byte for byte,
// without parsing their data sets. dcmjs-dimse's Client parsed every data set into dcmjs (and, with our
// RawDataset, kept the bytes beside it) and wrote each PDU in its own small write: 16–24 img/s for 512 KiB CT
// slices, against 33+ for DCMTK storescu on the same (loaded) machine. Here the command set is encoded by our
// command codec (commandSet.ts), the data set is the file's bytes after the meta header (part10.ts), cut into
// P-DATA-TF PDUs of the peer's maximum length and written in one corked batch, and responses are framed by the
// same PDU reader as the server (pduReader.ts). One request is outstanding at a time: we never propose
// asynchronous operations (PS3.7 D.3.3.3), so the default window of 1 applies.
import { readFileSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import net from 'node:net';
import { describeStatus, statusCategory } from '../dicom/status';
import { IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME, splitPart10 } from '../dicom/part10';
import { sopClassName } from '../dicom/sopClasses';
import { DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN, EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN, transferSyntaxName } from '../dicom/transferSyntaxes';
import { networkFailure, rejectText, ScuError, type Peer, type ScuFailure, type StoreResult } from './client';
import { decodeCommandSet, encodeCommandSet } from './commandSet';
import { PduError, PduReader, PduType, readPdvs } from './pduReader';

/** What we announce we can receive (PS3.8 D.1); responses are a few dozen bytes, so this is ample. */
export const SCU_MAX_PDU_RECEIVE = 128 * 1024;
/** Upper bound on what we send when the peer announces "unlimited" (0) or more (PS3.8 D.1). */
export const SCU_MAX_PDU_SEND_CAP = 1024 * 1024;
/** PS3.7 A.2.1: DICOM Application Context Name */
const APPLICATION_CONTEXT = '1.2.840.10008.3.1.1.1';
/** Presentation context IDs are odd numbers 1–255 (PS3.8 9.3.2.2): at most 128 per association. */
const MAX_CONTEXTS = 128;
const LE_FALLBACK = [EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN] as const;

/** A C-STORE that did not happen because the association offers no context for the file (never from the peer). */
export const NOT_SENT_STATUS = -1;

/**
 * A ScuError that also carries the responses received before the association failed. Not a subclass: client.ts
 * (which defines ScuError) imports this module, so the class is not there yet when this module is evaluated.
 */
export type StoreError = ScuError & { results: StoreResult[] };

function storeError(failure: ScuFailure, results: StoreResult[]): StoreError {
  return Object.assign(new ScuError(failure), { results });
}

/** The results received before a store() failed (empty for anything but a StoreError). */
export function partialResults(e: unknown): StoreResult[] {
  return e instanceof ScuError && Array.isArray((e as Partial<StoreError>).results) ? (e as StoreError).results : [];
}

interface FileHeader {
  file: string;
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
}

/** The File Meta Information of a Part 10 file (PS3.10 7.1), from its first few KiB. */
async function readHeader(file: string): Promise<FileHeader> {
  const fh = await open(file, 'r');
  let head: Buffer;
  try {
    const buf = Buffer.alloc(16 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  let parts = splitPart10(head);
  // a meta header longer than what was read (large private meta elements): read the whole file
  if (head.length === 16 * 1024 && parts.datasetOffset + 8 > head.length) parts = splitPart10(await readFile(file));
  const sopClassUid = parts.meta.get(0x0002) ?? '';
  const sopInstanceUid = parts.meta.get(0x0003) ?? '';
  if (!parts.transferSyntaxUid) throw new Error(`${file} is not a DICOM Part 10 file (no DICM prefix or no transfer syntax)`);
  if (!sopClassUid || !sopInstanceUid) throw new Error(`${file} has no Media Storage SOP Class/Instance UID (0002,0002)/(0002,0003) in its meta header: it cannot be sent as is`);
  return { file, sopClassUid, sopInstanceUid, transferSyntaxUid: parts.transferSyntaxUid };
}

interface ProposedContext {
  id: number;
  abstractSyntax: string;
  transferSyntaxes: readonly string[];
}

/**
 * One context per (SOP class, transfer syntax) pair of the files, each proposing the file's own syntax alone,
 * then one per SOP class proposing Explicit/Implicit VR LE (PS3.8 9.3.2.2; PS3.7 D.3.3.2 lets an abstract
 * syntax appear in several contexts). The LE contexts only tell a peer that lacks the file's syntax from one
 * that lacks the SOP class: we never transcode, a file is sent in its own syntax or not at all.
 */
export function proposeContexts(headers: readonly Pick<FileHeader, 'sopClassUid' | 'transferSyntaxUid'>[]): ProposedContext[] {
  const own = new Map<string, [string, string]>();
  const classes = new Set<string>();
  for (const h of headers) {
    own.set(`${h.sopClassUid}|${h.transferSyntaxUid}`, [h.sopClassUid, h.transferSyntaxUid]);
    classes.add(h.sopClassUid);
  }
  if (own.size > MAX_CONTEXTS) throw new Error(`these files need ${own.size} presentation contexts (SOP class × transfer syntax); one association holds at most ${MAX_CONTEXTS}: send them in smaller batches`);
  const out: ProposedContext[] = [...own.values()].map(([abstractSyntax, ts], i) => ({ id: 2 * i + 1, abstractSyntax, transferSyntaxes: [ts] }));
  // the fallbacks only where they fit, and only for classes not already sent in LE alone
  for (const sopClass of classes) {
    if (out.length >= MAX_CONTEXTS) break;
    out.push({ id: 2 * out.length + 1, abstractSyntax: sopClass, transferSyntaxes: LE_FALLBACK });
  }
  return out;
}

// ---- PDU encoding (PS3.8 9.3) ------------------------------------------------------------------------------

function item(type: number, body: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h[0] = type;
  h.writeUInt16BE(body.length, 2);
  return Buffer.concat([h, body]);
}

function pdu(type: number, body: Buffer): Buffer {
  const h = Buffer.alloc(6);
  h[0] = type;
  h.writeUInt32BE(body.length, 2);
  return Buffer.concat([h, body]);
}

const ascii = (s: string) => Buffer.from(s, 'latin1');

function aeField(ae: string, what: string): Buffer {
  // PS3.8 9.3.2: 16 bytes, space padded; PS3.5 6.2: AE is at most 16 characters, no backslash or control characters
  if (!ae.trim() || ae.length > 16 || /[\\\x00-\x1f]/.test(ae)) throw new Error(`${what} AE title ${JSON.stringify(ae)} is not valid: 1–16 characters, no backslash`);
  return ascii(ae.padEnd(16, ' '));
}

/** A-ASSOCIATE-RQ (PS3.8 9.3.2) */
export function associateRq(callingAe: string, calledAe: string, contexts: readonly ProposedContext[], maxPduReceive = SCU_MAX_PDU_RECEIVE): Buffer {
  const maxLength = Buffer.alloc(4);
  maxLength.writeUInt32BE(maxPduReceive);
  const user = item(0x50, Buffer.concat([item(0x51, maxLength), item(0x52, ascii(IMPLEMENTATION_CLASS_UID)), item(0x55, ascii(IMPLEMENTATION_VERSION_NAME))]));
  const pcs = contexts.map((c) =>
    item(0x20, Buffer.concat([Buffer.from([c.id, 0, 0, 0]), item(0x30, ascii(c.abstractSyntax)), ...c.transferSyntaxes.map((ts) => item(0x40, ascii(ts)))])),
  );
  const fixed = Buffer.alloc(68);
  fixed.writeUInt16BE(0x0001, 0); // protocol version
  aeField(calledAe, 'called').copy(fixed, 4);
  aeField(callingAe, 'calling').copy(fixed, 20);
  return pdu(PduType.AssociateRq, Buffer.concat([fixed, item(0x10, ascii(APPLICATION_CONTEXT)), ...pcs, user]));
}

export interface AcceptedAssociation {
  /** presentation context ID → accepted transfer syntax (result 0 only) */
  accepted: Map<number, string>;
  /** presentation context ID → result/reason code (PS3.8 Table 9-18) */
  results: Map<number, number>;
  /** the peer's maximum P-DATA-TF length; 0 = no limit (PS3.8 D.1) */
  maxPduLength: number;
  /** (max operations invoked, max operations performed) when the peer answered an asynchronous window item */
  asyncWindow?: [number, number];
}

/** A-ASSOCIATE-AC (PS3.8 9.3.3): the items we need. */
export function parseAssociateAc(b: Buffer): AcceptedAssociation {
  const accepted = new Map<number, string>();
  const results = new Map<number, number>();
  let maxPduLength = 0;
  let asyncWindow: [number, number] | undefined;
  const end = Math.min(b.length, 6 + b.readUInt32BE(2));
  const items = (from: number, to: number, fn: (type: number, body: Buffer) => void) => {
    let p = from;
    while (p + 4 <= to) {
      const type = b[p];
      const len = b.readUInt16BE(p + 2);
      if (p + 4 + len > to) throw new PduError(`A-ASSOCIATE-AC item 0x${type.toString(16)} overruns the PDU`);
      fn(type, b.subarray(p + 4, p + 4 + len));
      p += 4 + len;
    }
  };
  items(6 + 68, end, (type, body) => {
    if (type === 0x21 && body.length >= 4) {
      const id = body[0];
      const result = body[2];
      results.set(id, result);
      if (result === 0) {
        // a single transfer syntax sub-item (0x40)
        let ts = '';
        for (let p = 4; p + 4 <= body.length; ) {
          const len = body.readUInt16BE(p + 2);
          if (body[p] === 0x40) ts = body.toString('latin1', p + 4, p + 4 + len).replace(/[\0 ]+$/, '');
          p += 4 + len;
        }
        if (ts) accepted.set(id, ts);
      }
    } else if (type === 0x50) {
      for (let p = 0; p + 4 <= body.length; ) {
        const sub = body[p];
        const len = body.readUInt16BE(p + 2);
        if (sub === 0x51 && len === 4) maxPduLength = body.readUInt32BE(p + 4);
        if (sub === 0x53 && len === 4) asyncWindow = [body.readUInt16BE(p + 4), body.readUInt16BE(p + 6)];
        p += 4 + len;
      }
    }
  });
  return { accepted, results, maxPduLength, asyncWindow };
}

/** One P-DATA-TF PDU holding one PDV (PS3.8 9.3.5), as [header, value] so the value is never copied. */
function pDataTf(contextId: number, control: number, value: Buffer): [Buffer, Buffer] {
  const h = Buffer.allocUnsafe(12);
  h[0] = PduType.PDataTf;
  h[1] = 0;
  h.writeUInt32BE(6 + value.length, 2);
  h.writeUInt32BE(2 + value.length, 6);
  h[10] = contextId;
  h[11] = control;
  return [h, value];
}

/** The PDUs of one DIMSE message: the command in one PDV (bits: command, last), the data set in fragments. */
export function dimseMessage(contextId: number, command: Buffer, dataset: Buffer | undefined, maxPduLength: number): Buffer[] {
  const out = pDataTf(contextId, 0x03, command);
  if (!dataset) return out;
  // PS3.8 9.3.5.1: the PDU's length (the PDV item's 4-byte length, context ID and control header included) ≤ the max
  // fragments of even length (DCMTK aborts on an odd one), so an odd maximum is rounded down
  const fragment = ((maxPduLength === 0 ? SCU_MAX_PDU_SEND_CAP : Math.min(maxPduLength, SCU_MAX_PDU_SEND_CAP)) - 6) & ~1;
  if (fragment < 1) throw new Error(`the peer's maximum PDU length ${maxPduLength} is too small to carry data`);
  for (let o = 0; ; o += fragment) {
    const last = o + fragment >= dataset.length;
    out.push(...pDataTf(contextId, last ? 0x02 : 0x00, dataset.subarray(o, o + fragment)));
    if (last) return out;
  }
}

const releaseRq = () => pdu(PduType.ReleaseRq, Buffer.alloc(4));
const releaseRp = () => pdu(PduType.ReleaseRp, Buffer.alloc(4));
/** A-ABORT, service-user (PS3.8 9.3.8) */
const abortPdu = () => pdu(PduType.Abort, Buffer.alloc(4));

// ---- the association --------------------------------------------------------------------------------------

interface Pdu {
  type: number;
  bytes: Buffer;
  parts: Buffer[];
  length: number;
}

/** PS3.8 Table 9-26: A-ABORT sources and (provider) reasons. */
function abortText(source: number, reason: number): string {
  const src = source === 0 ? 'service user' : source === 2 ? 'service provider' : `source ${source}`;
  const reasons: Record<number, string> = { 0: 'not specified', 1: 'unrecognized PDU', 2: 'unexpected PDU', 4: 'unrecognized PDU parameter', 5: 'unexpected PDU parameter', 6: 'invalid PDU parameter value' };
  return source === 2 ? `${src}: ${reasons[reason] ?? `reason ${reason}`}` : src;
}

/** A socket speaking PDUs: waits for the next one with a timeout; a broken connection fails every wait. */
class PduChannel {
  private queue: Pdu[] = [];
  private waiter: { resolve: (p: Pdu) => void; reject: (e: ScuError) => void; timer: NodeJS.Timeout } | undefined;
  private failure: ScuFailure | undefined;
  private readonly reader: PduReader;

  constructor(
    readonly socket: net.Socket,
    private readonly peer: Peer,
  ) {
    this.reader = new PduReader({ maxPDataLength: SCU_MAX_PDU_RECEIVE, maxControlLength: 1024 * 1024 }, (type, parts, length) => {
      const bytes = parts.length === 1 ? parts[0] : Buffer.concat(parts, length);
      if (type === PduType.Abort) {
        this.fail({ kind: 'aborted', message: `${peer.calledAe} aborted the association (A-ABORT, ${abortText(bytes[8], bytes[9])})` });
        socket.destroy();
        return;
      }
      this.deliver({ type, bytes, parts: [bytes], length });
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        this.reader.push(chunk);
      } catch (e) {
        socket.end(abortPdu());
        this.fail({ kind: 'network-error', message: `${peer.calledAe} at ${peer.host}:${peer.port} sent a malformed PDU (${(e as Error).message}); the association was aborted` });
      }
    });
    socket.on('error', (e: NodeJS.ErrnoException) => this.fail(networkFailure(peer, e)));
    socket.on('close', () => this.fail({ kind: 'network-error', message: `${peer.calledAe} at ${peer.host}:${peer.port} closed the connection without A-RELEASE or A-ABORT` }));
  }

  get failed() {
    return this.failure;
  }

  private deliver(p: Pdu) {
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      clearTimeout(w.timer);
      w.resolve(p);
    } else this.queue.push(p);
  }

  fail(f: ScuFailure) {
    if (this.failure) return;
    this.failure = f;
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      clearTimeout(w.timer);
      w.reject(new ScuError(f));
    }
  }

  /** the next PDU, or a ScuError: timeout (`waitingFor` names what), abort, closed connection */
  next(timeoutMs: number, waitingFor: string): Promise<Pdu> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(new ScuError(this.failure));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        this.fail({ kind: 'timeout', message: `no ${waitingFor} from ${this.peer.calledAe} at ${this.peer.host}:${this.peer.port} within ${timeoutMs / 1000} s; the association was aborted` });
        this.socket.end(abortPdu());
        reject(new ScuError(this.failure!));
      }, timeoutMs);
      this.waiter = { resolve, reject, timer };
    });
  }

  /** writes buffers as one batch (corked: one writev, no small segments between them) */
  write(buffers: readonly Buffer[]) {
    const s = this.socket;
    s.cork();
    for (const b of buffers) s.write(b);
    s.uncork();
  }
}

function connect(peer: Peer, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: peer.host, port: peer.port });
    socket.setNoDelay(true);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ScuError({ kind: 'timeout', message: `could not connect to ${peer.host}:${peer.port} within ${timeoutMs / 1000} s (check the host, and any firewall)` }));
    }, timeoutMs);
    socket.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new ScuError(networkFailure(peer, e)));
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}

/** The status of a C-STORE-RSP (PS3.7 9.3.1.2) from the P-DATA-TF PDUs that carry its command set. */
async function readResponse(ch: PduChannel, peer: Peer, timeoutMs: number, messageId: number, what: string): Promise<number> {
  const fragments: Buffer[] = [];
  for (;;) {
    const p = await ch.next(timeoutMs, `C-STORE response for ${what}`);
    if (p.type === PduType.ReleaseRq) {
      // PS3.8 7.2: the peer may not release with a request outstanding; answer and say what happened
      ch.write([releaseRp()]);
      throw new ScuError({ kind: 'network-error', message: `${peer.calledAe} asked to release the association before answering the C-STORE of ${what}` });
    }
    if (p.type !== PduType.PDataTf) throw new ScuError({ kind: 'network-error', message: `unexpected PDU type 0x${p.type.toString(16).padStart(2, '0')} while waiting for the C-STORE response for ${what}` });
    for (const pdv of readPdvs(p.parts, p.length)) {
      if (!pdv.command) continue; // a C-STORE-RSP has no data set (PS3.7 9.3.1.2); nothing to keep
      fragments.push(...pdv.value);
      if (!pdv.last) continue;
      const cmd = decodeCommandSet(Buffer.concat(fragments));
      fragments.length = 0;
      if (!cmd || cmd.CommandField !== 0x8001) throw new ScuError({ kind: 'network-error', message: `expected a C-STORE-RSP for ${what}, got command field 0x${Number(cmd?.CommandField ?? 0).toString(16)}` });
      if (cmd.MessageIDBeingRespondedTo !== messageId) throw new ScuError({ kind: 'network-error', message: `C-STORE-RSP answers message ${String(cmd.MessageIDBeingRespondedTo)}, we sent ${messageId}` });
      if (typeof cmd.Status !== 'number') throw new ScuError({ kind: 'network-error', message: `the C-STORE-RSP for ${what} has no Status (0000,0900)` });
      return cmd.Status;
    }
  }
}

function result(file: string, sopInstanceUid: string, status: number): StoreResult {
  return { status, category: statusCategory(status), meaning: describeStatus(status), file, sopInstanceUid };
}

/**
 * Sends Part 10 files over one association, byte for byte in their own transfer syntax; resolves with one
 * result per file (in order) after A-RELEASE. A file whose syntax the peer did not accept is not sent: its
 * result is NOT_SENT_STATUS with a "no presentation context" meaning (we never transcode). When the
 * association fails, rejects with a StoreError (a ScuError) carrying the results received so far (each also
 * went to onProgress as it came; partialResults(e) reads them).
 */
export async function storeScu(peer: Peer, files: readonly string[], onProgress?: (done: number, total: number, last: StoreResult) => void): Promise<StoreResult[]> {
  // the meta headers of all files first (the association proposes their contexts), 16 reads at a time
  const headers: FileHeader[] = new Array(files.length);
  let nextHeader = 0;
  const reader = async () => {
    while (nextHeader < files.length) {
      const i = nextHeader++;
      headers[i] = await readHeader(files[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, files.length) }, reader));
  const results: StoreResult[] = [];
  if (!headers.length) return results;
  const contexts = proposeContexts(headers);
  const rq = associateRq(peer.callingAe, peer.calledAe, contexts);
  const timeoutMs = peer.timeoutMs ?? 30_000;

  let ch: PduChannel | undefined;
  const push = (r: StoreResult) => {
    results.push(r);
    onProgress?.(results.length, files.length, r);
  };
  try {
    const socket = await connect(peer, timeoutMs);
    ch = new PduChannel(socket, peer);
    ch.write([rq]);
    const answer = await ch.next(timeoutMs, 'A-ASSOCIATE-AC');
    if (answer.type === PduType.AssociateRj) {
      // PS3.8 9.3.4: result, source, reason at bytes 7–9
      const [r, source, reason] = [answer.bytes[7], answer.bytes[8], answer.bytes[9]];
      socket.destroy();
      throw new ScuError({ kind: 'association-rejected', message: rejectText(r, source, reason), result: r, source, reason });
    }
    if (answer.type !== PduType.AssociateAc) throw new ScuError({ kind: 'network-error', message: `${peer.calledAe} answered the A-ASSOCIATE-RQ with PDU type 0x${answer.type.toString(16).padStart(2, '0')}` });
    const ac = parseAssociateAc(answer.bytes);

    // the accepted context for each (class, syntax): the file's own syntax, never a transcoding
    const own = new Map<string, number>();
    for (const c of contexts) {
      const ts = ac.accepted.get(c.id);
      if (ts && c.transferSyntaxes !== LE_FALLBACK && ts === c.transferSyntaxes[0] && !own.has(`${c.abstractSyntax}|${ts}`)) own.set(`${c.abstractSyntax}|${ts}`, c.id);
    }
    // the LE fallback context also serves a file that is itself in the syntax accepted there
    for (const c of contexts) {
      const ts = ac.accepted.get(c.id);
      if (ts && c.transferSyntaxes === LE_FALLBACK && !own.has(`${c.abstractSyntax}|${ts}`)) own.set(`${c.abstractSyntax}|${ts}`, c.id);
    }

    let messageId = 0;
    let nextData: Promise<Buffer> | undefined;
    // read synchronously, while the peer works on the previous file: fs/promises' readFile takes four thread-pool
    // round trips (open, fstat, read, close) and measured ~0.5 ms per 512 KiB slice, longer than a C-STORE
    // round trip to a fast SCP; a synchronous read from the page cache is a fraction of that
    const load = (i: number): Promise<Buffer> => {
      try {
        return Promise.resolve(readFileSync(headers[i].file));
      } catch (e) {
        return Promise.reject(e as Error);
      }
    };
    const firstSendable = (from: number) => {
      for (let i = from; i < headers.length; i++) if (own.has(`${headers[i].sopClassUid}|${headers[i].transferSyntaxUid}`)) return i;
      return -1;
    };
    let ahead = firstSendable(0);
    if (ahead >= 0) nextData = load(ahead);
    for (let i = 0; i < headers.length; i++) {
      const h = headers[i];
      const contextId = own.get(`${h.sopClassUid}|${h.transferSyntaxUid}`);
      if (contextId === undefined) {
        const acceptedFor = [...new Set(contexts.filter((c) => c.abstractSyntax === h.sopClassUid).flatMap((c) => ac.accepted.get(c.id) ?? []))];
        const why = acceptedFor.length
          ? `${peer.calledAe} accepts ${sopClassName(h.sopClassUid)} only in ${acceptedFor.map(transferSyntaxName).join(', ')}, not in the file's ${transferSyntaxName(h.transferSyntaxUid)}; the file is sent as it is or not at all`
          : `${peer.calledAe} accepted no presentation context for ${sopClassName(h.sopClassUid)}`;
        push({ status: NOT_SENT_STATUS, category: 'failure', meaning: `no presentation context: not sent (${why})`, file: h.file, sopInstanceUid: h.sopInstanceUid });
        continue;
      }
      let bytes: Buffer;
      try {
        bytes = await nextData!;
      } catch (e) {
        push({ status: NOT_SENT_STATUS, category: 'failure', meaning: `not sent: the file could not be read (${(e as Error).message})`, file: h.file, sopInstanceUid: h.sopInstanceUid });
        ahead = firstSendable(i + 1);
        nextData = ahead >= 0 ? load(ahead) : undefined;
        continue;
      }
      const parts = splitPart10(bytes);
      messageId = (messageId % 0xffff) + 1;
      // PS3.7 9.3.1.1: C-STORE-RQ; Priority 0 = MEDIUM; Command Data Set Type other than 0101H = a data set follows
      const command = encodeCommandSet({ AffectedSOPClassUID: h.sopClassUid, CommandField: 0x0001, MessageID: messageId, Priority: 0, CommandDataSetType: 0x0000, AffectedSOPInstanceUID: h.sopInstanceUid })!;
      let data = bytes.subarray(parts.datasetOffset);
      // PS3.5 A.5: a deflated data set of odd length is padded with one trailing 00H (pydicom writes it unpadded;
      // DCMTK aborts the association on the odd fragment). Every other encoding is even by construction.
      if (data.length % 2 && h.transferSyntaxUid === DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN) data = Buffer.concat([data, Buffer.alloc(1)]);
      ch.write(dimseMessage(contextId, command, data, ac.maxPduLength));
      // read the next file while the peer stores this one
      ahead = firstSendable(i + 1);
      nextData = ahead >= 0 ? load(ahead) : undefined;
      const status = await readResponse(ch, peer, timeoutMs, messageId, h.file);
      push(result(h.file, h.sopInstanceUid, status));
    }

    // PS3.8 7.2: A-RELEASE-RQ, then wait for A-RELEASE-RP; the results are complete whatever happens now
    ch.write([releaseRq()]);
    try {
      for (;;) {
        const p = await ch.next(timeoutMs, 'A-RELEASE-RP');
        if (p.type === PduType.ReleaseRp) break;
        // release collision (PS3.8 9.2.7 table: the requestor answers the peer's RQ with an RP)
        if (p.type === PduType.ReleaseRq) ch.write([releaseRp()]);
      }
    } catch {
      // a peer that closes instead of answering the release has still stored everything it answered
    }
    socket.end();
    return results;
  } catch (e) {
    ch?.socket.destroy();
    if (e instanceof ScuError) throw storeError(e.failure, results);
    if (e instanceof PduError) throw storeError({ kind: 'network-error', message: `${peer.calledAe} sent a malformed PDU: ${e.message}` }, results);
    throw e;
  }
}
