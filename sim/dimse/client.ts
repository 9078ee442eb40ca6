// The SCU side of our one dcmjs-dimse wrapper: C-ECHO, C-STORE and C-FIND as async functions returning typed
// results, with failures named the way a scanner console names them (connection refused, association rejected
// with its reason, timeout, the DIMSE status and its meaning). Used by `pacslab echo|store|find` and, later, by
// the simulated modalities.
import net from 'node:net';
import { readFile } from 'node:fs/promises';
import dimse from 'dcmjs-dimse';
import { describeStatus, statusCategory } from '../dicom/status';
import { splitPart10 } from '../dicom/part10';

const { Client, Dataset } = dimse;
// dcmjs-dimse logs every PDU to the console by default; what matters is returned to the caller instead
dimse.log.setLevel(process.env.PACSLAB_DIMSE_LOG === '1' ? 'info' : 'silent');
const { PresentationContext } = dimse.association;
const { CEchoRequest, CFindRequest, CStoreRequest } = dimse.requests;

// dcmjs-dimse opens client sockets with net.connect and never disables Nagle's algorithm, so every PDU after
// the first waits for a delayed ACK (ENVIRONMENT.md measured ~17 img/s). Its module object is the one we patch:
// every socket opened through net.connect gets TCP_NODELAY. Harmless for other callers.
const patched = Symbol.for('pacslab.netConnectNoDelay');
const netModule = net as unknown as { connect: typeof net.connect; [patched]?: true };
if (!netModule[patched]) {
  const original = netModule.connect;
  netModule.connect = function connectNoDelay(this: unknown, ...args: unknown[]) {
    const socket = (original as (...a: unknown[]) => net.Socket).apply(this, args);
    socket.setNoDelay(true);
    return socket;
  } as typeof net.connect;
  netModule[patched] = true;
}

export interface Peer {
  host: string;
  port: number;
  callingAe: string;
  calledAe: string;
  timeoutMs?: number;
}

export type ScuFailure =
  | { kind: 'connection-refused'; message: string }
  | { kind: 'timeout'; message: string }
  | { kind: 'association-rejected'; message: string; result: number; source: number; reason: number }
  | { kind: 'aborted'; message: string }
  | { kind: 'network-error'; message: string };

export class ScuError extends Error {
  constructor(readonly failure: ScuFailure) {
    super(failure.message);
  }
}

/** PS3.8 Table 9-21: A-ASSOCIATE-RJ reasons by source. */
function rejectText(result: number, source: number, reason: number): string {
  const permanence = result === 1 ? 'permanent' : 'transient';
  const user: Record<number, string> = { 1: 'no reason given', 2: 'application context name not supported', 3: 'calling AE title not recognized', 7: 'called AE title not recognized' };
  const acse: Record<number, string> = { 1: 'no reason given', 2: 'protocol version not supported' };
  const presentation: Record<number, string> = { 1: 'temporary congestion', 2: 'local limit exceeded' };
  const text = (source === 1 ? user : source === 2 ? acse : presentation)[reason] ?? `reason ${reason}`;
  const who = source === 1 ? 'the called application' : source === 2 ? 'the ACSE layer' : 'the presentation layer';
  return `association rejected (${permanence}) by ${who}: ${text}`;
}

interface RunOptions {
  onResponse?: (response: InstanceType<typeof dimse.responses.CFindResponse> | InstanceType<typeof dimse.responses.CStoreResponse>, request: unknown) => void;
  onContexts?: (client: InstanceType<typeof Client>) => void;
}

/** Runs one association with the given requests; resolves when it is released, rejects with a ScuError. */
function run(peer: Peer, requests: { on(event: string, fn: (...a: never[]) => void): unknown }[], options: RunOptions = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    for (const r of requests) client.addRequest(r as never);
    options.onContexts?.(client);
    let settled = false;
    const fail = (f: ScuFailure) => {
      if (settled) return;
      settled = true;
      reject(new ScuError(f));
    };
    client.on('associationRejected', (r: { result: number; source: number; reason: number }) =>
      fail({ kind: 'association-rejected', message: rejectText(r.result, r.source, r.reason), ...r }));
    client.on('associationAborted', () => fail({ kind: 'aborted', message: 'the peer aborted the association (A-ABORT)' }));
    client.on('networkError', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(e.message)) fail({ kind: 'connection-refused', message: `connection refused by ${peer.host}:${peer.port}: nothing listens on that port (check the port and that the PACS is running)` });
      else if (e.code === 'ETIMEDOUT' || /timeout|timed out/i.test(e.message)) fail({ kind: 'timeout', message: `no answer from ${peer.host}:${peer.port} in time (check the host, and any firewall)` });
      else fail({ kind: 'network-error', message: `network error talking to ${peer.host}:${peer.port}: ${e.message}` });
    });
    client.on('closed', () => {
      if (!settled) {
        settled = true;
        resolve();
      }
    });
    const t = peer.timeoutMs ?? 30_000;
    client.send(peer.host, peer.port, peer.callingAe, peer.calledAe, { connectTimeout: t, associationTimeout: t, pduTimeout: t });
  });
}

export interface DimseOutcome {
  status: number;
  category: ReturnType<typeof statusCategory>;
  meaning: string;
}

function outcome(status: number): DimseOutcome {
  return { status, category: statusCategory(status), meaning: describeStatus(status) };
}

export async function echo(peer: Peer): Promise<DimseOutcome & { ms: number }> {
  const t0 = performance.now();
  const request = new CEchoRequest();
  let status = -1;
  request.on('response', (r: { getStatus(): number }) => (status = r.getStatus()));
  await run(peer, [request]);
  if (status < 0) throw new ScuError({ kind: 'network-error', message: 'the association ended without a C-ECHO response' });
  return { ...outcome(status), ms: Math.round(performance.now() - t0) };
}

/** A data set whose bytes are sent exactly as read from the file when the peer accepts the file's own syntax. */
class RawDataset extends Dataset {
  constructor(private readonly raw: Buffer, private readonly rawSyntax: string) {
    super(raw, rawSyntax);
  }
  override getDenaturalizedDataset(writeOptions?: Record<string, unknown>, nameMap?: Record<string, unknown>): Buffer {
    return this.getTransferSyntaxUid() === this.rawSyntax ? this.raw : super.getDenaturalizedDataset(writeOptions, nameMap);
  }
}

export interface StoreResult extends DimseOutcome {
  file: string;
  sopInstanceUid: string;
}

/** Sends Part 10 files over one association, byte for byte in their own transfer syntax. */
export async function store(peer: Peer, files: string[], onProgress?: (done: number, total: number, last: StoreResult) => void): Promise<StoreResult[]> {
  const results: StoreResult[] = [];
  const requests: InstanceType<typeof CStoreRequest>[] = [];
  for (const file of files) {
    const bytes = await readFile(file);
    const parts = splitPart10(bytes);
    if (!parts.transferSyntaxUid) throw new Error(`${file} is not a DICOM Part 10 file (no DICM prefix or no transfer syntax)`);
    const ds = new RawDataset(bytes.subarray(parts.datasetOffset), parts.transferSyntaxUid);
    const request = new CStoreRequest(ds);
    const sop = String(ds.getElement('SOPInstanceUID') ?? '');
    request.on('response', (r: { getStatus(): number }) => {
      const res = { ...outcome(r.getStatus()), file, sopInstanceUid: sop };
      results.push(res);
      onProgress?.(results.length, files.length, res);
    });
    requests.push(request);
  }
  // dcmjs-dimse proposes [Implicit, Explicit] for every uncompressed store context, and an SCP may accept the
  // first; then the data set would be re-encoded (private tags and character set lost). A second context with
  // the file's own syntax alone lets the peer accept that too, and dcmjs-dimse prefers the context whose
  // accepted syntax equals the data set's (PS3.7 D.3.3.2 allows several contexts per abstract syntax).
  const own = new Map<string, [string, string]>();
  for (const r of requests) {
    const ds = r.getDataset()!;
    const key = `${ds.getElement('SOPClassUID')}|${ds.getTransferSyntaxUid()}`;
    own.set(key, [String(ds.getElement('SOPClassUID')), ds.getTransferSyntaxUid()]);
  }
  await run(peer, requests, {
    onContexts: (client) => {
      for (const [sopClass, syntax] of own.values()) client.addAdditionalPresentationContext(new PresentationContext(0, sopClass, syntax), true);
    },
  });
  return results;
}

export type QueryModel = 'study' | 'patient' | 'worklist';

/** PS3.4 C.6 and K.6 */
const FIND_SOP_CLASS: Record<QueryModel, string> = {
  patient: '1.2.840.10008.5.1.4.1.2.1.1',
  study: '1.2.840.10008.5.1.4.1.2.2.1',
  worklist: '1.2.840.10008.5.1.4.31',
};

export async function find(peer: Peer, model: QueryModel, identifier: Record<string, unknown>): Promise<{ matches: Record<string, unknown>[]; final: DimseOutcome }> {
  const matches: Record<string, unknown>[] = [];
  let final: DimseOutcome | undefined;
  // the identifier goes out exactly as given (PS3.4 C.4.1.1.3): no keys added behind the caller's back
  const request = new CFindRequest();
  request.setAffectedSopClassUid(FIND_SOP_CLASS[model]);
  request.setDataset(new Dataset(identifier));
  request.on('response', (r: { getStatus(): number; getDataset(): { getElements(): Record<string, unknown> } | undefined }) => {
    const status = r.getStatus();
    if (status === 0xff00 || status === 0xff01) {
      const ds = r.getDataset();
      if (ds) matches.push({ ...ds.getElements() });
    } else final = outcome(status);
  });
  await run(peer, [request]);
  if (!final) throw new ScuError({ kind: 'network-error', message: 'the association ended before the final C-FIND response' });
  return { matches, final };
}
