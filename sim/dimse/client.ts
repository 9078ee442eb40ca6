// The SCU side of our one dcmjs-dimse wrapper: C-ECHO, C-STORE and C-FIND as async functions returning typed
// results, with failures named the way a scanner console names them (connection refused, association rejected
// with its reason, timeout, the DIMSE status and its meaning). Used by `pacslab echo|store|find` and by the
// simulated modalities (sim/modality/): N-CREATE/N-SET for MPPS, N-ACTION + N-EVENT-REPORT for storage commitment.
import net from 'node:net';
import dimse from 'dcmjs-dimse';
import { describeStatus, statusCategory } from '../dicom/status';
import { STORAGE_COMMITMENT_PUSH_MODEL_SOP_CLASS, STORAGE_COMMITMENT_PUSH_MODEL_SOP_INSTANCE } from '../dicom/sopClasses';
import { IMPLICIT_VR_LITTLE_ENDIAN, UNCOMPRESSED_TRANSFER_SYNTAXES } from '../dicom/transferSyntaxes';
import { parseUid } from '../dicom/uid';
import { newUid } from '../ris/risUid';
import { storeScu } from './storeScu';

const { Client, Dataset } = dimse;
// dcmjs-dimse logs every PDU to the console by default; what matters is returned to the caller instead
dimse.log.setLevel(process.env.PACSLAB_DIMSE_LOG === '1' ? 'info' : 'silent');
const { Association } = dimse.association;
const { CEchoRequest, CFindRequest, NActionRequest, NCreateRequest, NSetRequest } = dimse.requests;
const { NEventReportResponse } = dimse.responses;

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
export function rejectText(result: number, source: number, reason: number): string {
  const permanence = result === 1 ? 'permanent' : 'transient';
  const user: Record<number, string> = { 1: 'no reason given', 2: 'application context name not supported', 3: 'calling AE title not recognized', 7: 'called AE title not recognized' };
  const acse: Record<number, string> = { 1: 'no reason given', 2: 'protocol version not supported' };
  const presentation: Record<number, string> = { 1: 'temporary congestion', 2: 'local limit exceeded' };
  const text = (source === 1 ? user : source === 2 ? acse : presentation)[reason] ?? `reason ${reason}`;
  const who = source === 1 ? 'the called application' : source === 2 ? 'the ACSE layer' : 'the presentation layer';
  return `association rejected (${permanence}) by ${who}: ${text}`;
}

/** A socket or timer error from dcmjs-dimse, named the way a console names it. */
export function networkFailure(peer: Peer, e: NodeJS.ErrnoException): ScuFailure {
  if (e.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(e.message)) return { kind: 'connection-refused', message: `connection refused by ${peer.host}:${peer.port}: nothing listens on that port (check the port and that the PACS is running)` };
  if (e.code === 'ETIMEDOUT' || /timeout|timed out/i.test(e.message)) return { kind: 'timeout', message: `no answer from ${peer.host}:${peer.port} in time (check the host, and any firewall)` };
  return { kind: 'network-error', message: `network error talking to ${peer.host}:${peer.port}: ${e.message}` };
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
    client.on('networkError', (e: NodeJS.ErrnoException) => fail(networkFailure(peer, e)));
    client.on('closed', () => {
      if (!settled) {
        settled = true;
        resolve();
      }
    });
    const t = peer.timeoutMs ?? 30_000;
    client.send(peer.host, peer.port, peer.callingAe, peer.calledAe, { connectTimeout: t, associationTimeout: t, pduTimeout: t });
    // dcmjs-dimse's Client does not pass on an A-ABORT from the peer (it only sees the socket close): listen to its
    // network, which send() has just created
    (client as unknown as { network?: { on(e: 'abort', fn: () => void): void } }).network?.on('abort', () => fail({ kind: 'aborted', message: `${peer.calledAe} aborted the association (A-ABORT)` }));
  });
}

export interface DimseOutcome {
  status: number;
  category: ReturnType<typeof statusCategory>;
  meaning: string;
  /** (0000,0902) Error Comment and (0000,0903) Error ID, when the peer sent them (N-CREATE/N-SET/N-ACTION) */
  errorComment?: string;
  errorId?: number;
}

function outcome(status: number): DimseOutcome {
  return { status, category: statusCategory(status), meaning: describeStatus(status) };
}

type AnyResponse = InstanceType<typeof dimse.responses.Response>;

/** The status of a DIMSE-N response with its Error Comment and Error ID, which say why a step was refused. */
function responseOutcome(r: AnyResponse): DimseOutcome {
  const o = outcome(r.getStatus());
  const comment = String(r.getErrorComment() ?? '').replace(/\0+$/, '').trim();
  const errorId = r.getCommandDataset().getElement('ErrorID') as unknown;
  if (comment) o.errorComment = comment;
  if (typeof errorId === 'number') o.errorId = errorId;
  return o;
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

export interface StoreResult extends DimseOutcome {
  file: string;
  sopInstanceUid: string;
}

/**
 * Sends Part 10 files over one association, byte for byte in their own transfer syntax (storeScu.ts: no data
 * set is parsed, never transcoded; a file whose syntax the peer does not accept gets a "no presentation
 * context" result). A failed association rejects with a StoreError (a ScuError) that carries the results
 * received so far; each result also reaches onProgress as it arrives.
 */
export async function store(peer: Peer, files: string[], onProgress?: (done: number, total: number, last: StoreResult) => void): Promise<StoreResult[]> {
  return storeScu(peer, files, onProgress);
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

/** One DIMSE-N request (N-CREATE, N-SET) on its own association, as most modalities send MPPS (IHE RAD-6/RAD-7). */
async function nRequest(peer: Peer, request: InstanceType<typeof NCreateRequest> | InstanceType<typeof NSetRequest>, kind: string): Promise<DimseOutcome & { affectedSopInstanceUid?: string }> {
  // dcmjs-dimse announces a data set and sends nothing for an empty one: the peer would wait for it until a timeout
  if (!Object.keys(request.getDataset()?.getElements() ?? {}).length) throw new Error(`${kind} needs at least one attribute to send`);
  let result: (DimseOutcome & { affectedSopInstanceUid?: string }) | undefined;
  request.on('response', (r: AnyResponse) => {
    result = responseOutcome(r);
    const uid = String(r.getAffectedSopInstanceUid() ?? '').replace(/\0+$/, '').trim();
    if (uid) result.affectedSopInstanceUid = uid;
  });
  await run(peer, [request]);
  if (!result) throw new ScuError({ kind: 'network-error', message: `the association ended without an ${kind} response` });
  return result;
}

/**
 * N-CREATE (PS3.7 10.1.5): creates an instance of a SOP class (an MPPS) on the peer. An empty sopInstanceUid leaves
 * the UID to the SCP, which then returns it as Affected SOP Instance UID (PS3.7 10.1.5.1.4).
 */
export async function nCreate(peer: Peer, sopClassUid: string, sopInstanceUid: string, attributes: Record<string, unknown>): Promise<DimseOutcome & { affectedSopInstanceUid?: string }> {
  const request = new NCreateRequest(sopClassUid, sopInstanceUid);
  request.setDataset(new Dataset(attributes, IMPLICIT_VR_LITTLE_ENDIAN));
  return nRequest(peer, request, 'N-CREATE');
}

/** N-SET (PS3.7 10.1.3): modifies attributes of an instance the peer holds. */
export async function nSet(peer: Peer, sopClassUid: string, sopInstanceUid: string, attributes: Record<string, unknown>): Promise<DimseOutcome> {
  const request = new NSetRequest(sopClassUid, sopInstanceUid);
  request.setDataset(new Dataset(attributes, IMPLICIT_VR_LITTLE_ENDIAN));
  const { affectedSopInstanceUid: _, ...o } = await nRequest(peer, request, 'N-SET');
  return o;
}

/** Failure Reason (0008,1197) in a storage commitment report (PS3.4 J.3.3.1.1.2; the codes are PS3.7 C.5 statuses). */
export const COMMITMENT_FAILURE_REASONS: Readonly<Record<number, string>> = {
  0x0110: 'Processing failure',
  0x0112: 'No such object instance',
  0x0213: 'Resource limitation',
  0x0122: 'Referenced SOP Class not supported',
  0x0119: 'Class / Instance conflict',
  0x0131: 'Duplicate transaction UID',
};

export interface CommitmentFailure {
  sopInstanceUid: string;
  reason: number;
  meaning: string;
}

export interface StorageCommitmentOutcome {
  transactionUid: string;
  /** the N-ACTION response */
  actionStatus: DimseOutcome;
  /** true when no N-EVENT-REPORT came on our association in time (the SCP may still send it on a new one) */
  pending: boolean;
  /** SOP Instance UIDs in the report's Referenced SOP Sequence */
  committed: string[];
  /** the report's Failed SOP Sequence */
  failed: CommitmentFailure[];
}

/** dcmjs-dimse's Network class (the parent of its Scp; not exported by name): one association, no auto-release. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const Network = Object.getPrototypeOf(dimse.Scp) as new (socket: net.Socket, opts: Record<string, unknown>) => any;

const text = (v: unknown): string => (typeof v === 'string' ? v.replace(/\0+$/, '').trim() : Array.isArray(v) ? text(v[0]) : typeof v === 'number' ? String(v) : '');
const sequence = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : []);

/**
 * Storage Commitment Push Model SCU (PS3.4 J.3.2, J.3.3): N-ACTION Action Type 1 with a Transaction UID and the
 * Referenced SOP Sequence, then the association is kept open for up to `waitMs` for the SCP's N-EVENT-REPORT,
 * which is answered with success and read: Referenced SOP Sequence = committed, Failed SOP Sequence = failed
 * with its Failure Reason. An SCP that sends its report on a NEW association (DCMTK-style peers, or ours once
 * this association is gone) cannot reach the simulated modality, which has no listener: the result is then
 * `pending: true`, which is the truth as the console knows it.
 */
export function requestStorageCommitment(
  peer: Peer,
  refs: readonly { sopClassUid: string; sopInstanceUid: string }[],
  opts: { transactionUid?: string; waitMs?: number } = {},
): Promise<StorageCommitmentOutcome> {
  if (!refs.length) return Promise.reject(new Error('storage commitment needs at least one instance to commit'));
  for (const r of refs) {
    const u = parseUid(r.sopInstanceUid);
    if (!u.ok) return Promise.reject(new Error(`cannot ask to commit ${JSON.stringify(r.sopInstanceUid)}: ${u.detail}`));
  }
  const transactionUid = opts.transactionUid ?? newUid();
  const waitMs = opts.waitMs ?? 10_000;
  const timeout = peer.timeoutMs ?? 30_000;

  const association = new Association(peer.callingAe, peer.calledAe);
  const pcId = association.addPresentationContext(STORAGE_COMMITMENT_PUSH_MODEL_SOP_CLASS);
  for (const ts of UNCOMPRESSED_TRANSFER_SYNTAXES) association.addTransferSyntaxToPresentationContext(pcId, ts);
  const action = new NActionRequest(STORAGE_COMMITMENT_PUSH_MODEL_SOP_CLASS, STORAGE_COMMITMENT_PUSH_MODEL_SOP_INSTANCE, 1);
  action.setDataset(
    new Dataset(
      { TransactionUID: transactionUid, ReferencedSOPSequence: refs.map((r) => ({ ReferencedSOPClassUID: r.sopClassUid, ReferencedSOPInstanceUID: r.sopInstanceUid })) },
      IMPLICIT_VR_LITTLE_ENDIAN,
    ),
  );

  const socket = net.connect({ host: peer.host, port: peer.port });
  // the PDU timeout must outlast the wait for the report, when nothing crosses the wire
  const network = new Network(socket, { connectTimeout: timeout, associationTimeout: timeout, pduTimeout: Math.max(timeout, waitMs + 5000) });

  return new Promise((resolve, reject) => {
    let settled = false;
    let releasing = false;
    let waitTimer: NodeJS.Timeout | undefined;
    let actionStatus: DimseOutcome | undefined;
    let report: { committed: string[]; failed: CommitmentFailure[] } | undefined;
    let refused: ScuFailure | undefined;

    const done = () => {
      if (settled) return;
      settled = true;
      clearTimeout(waitTimer);
      socket.destroy();
      if (!actionStatus) reject(new ScuError(refused ?? { kind: 'network-error', message: `the association with ${peer.calledAe} ended without an N-ACTION response` }));
      else resolve({ transactionUid, actionStatus, pending: actionStatus.category === 'success' || actionStatus.category === 'warning' ? !report : false, committed: report?.committed ?? [], failed: report?.failed ?? [] });
    };
    const fail = (f: ScuFailure) => {
      if (settled) return;
      if (refused) f = refused;
      // once the action was answered, a broken association only means the report did not come here
      if (actionStatus) return done();
      settled = true;
      clearTimeout(waitTimer);
      socket.destroy();
      reject(new ScuError(f));
    };
    const release = () => {
      if (releasing || settled) return;
      releasing = true;
      clearTimeout(waitTimer);
      network.sendAssociationReleaseRequest();
    };

    network.on('connect', () => network.sendAssociationRequest(association));
    network.on('associationAccepted', (accepted: InstanceType<typeof Association>) => {
      const pc = accepted.getPresentationContext(pcId);
      if (pc.getResult() !== 0) {
        // released politely; the promise rejects with this once the peer has answered the release
        refused = { kind: 'network-error', message: `${peer.calledAe} at ${peer.host}:${peer.port} accepted the association but not the Storage Commitment Push Model SOP class (presentation context result ${pc.getResult()}): it offers no storage commitment` };
        release();
        return;
      }
      action.on('response', (r: AnyResponse) => {
        actionStatus = responseOutcome(r);
        const accepted = actionStatus.category === 'success' || actionStatus.category === 'warning';
        if (!accepted || report) release();
        else waitTimer = setTimeout(release, waitMs);
      });
      network.sendRequests(action);
    });
    // PS3.4 J.3.3: the SCP may send the result on this association while it is open
    network.on('nEventReportRequest', (request: InstanceType<typeof dimse.requests.NEventReportRequest>, respond: (r: AnyResponse) => void) => {
      const info = (request.getDataset()?.getElements() ?? {}) as Record<string, unknown>;
      const response = NEventReportResponse.fromRequest(request);
      const ours = text(request.getAffectedSopClassUid()) === STORAGE_COMMITMENT_PUSH_MODEL_SOP_CLASS && text(info.TransactionUID) === transactionUid;
      if (!ours || report) {
        // a report of a transaction this console is not waiting for: refused, so the SCP knows it was not taken
        response.setStatus(0x0110);
        response.setErrorComment('not a storage commitment transaction this AE is waiting for');
        respond(response);
        return;
      }
      report = {
        committed: sequence(info.ReferencedSOPSequence).map((i) => text(i.ReferencedSOPInstanceUID)),
        failed: sequence(info.FailedSOPSequence).map((i) => {
          const reason = Number(text(i.FailureReason) || 0x0110);
          return { sopInstanceUid: text(i.ReferencedSOPInstanceUID), reason, meaning: COMMITMENT_FAILURE_REASONS[reason] ?? `failure reason 0x${reason.toString(16).toUpperCase().padStart(4, '0')}` };
        }),
      };
      response.setStatus(0x0000);
      respond(response);
      if (actionStatus) release();
    });
    network.on('associationReleaseResponse', () => done());
    network.on('associationRejected', (r: { result: number; source: number; reason: number }) => fail({ kind: 'association-rejected', message: rejectText(r.result, r.source, r.reason), ...r }));
    network.on('abort', () => fail({ kind: 'aborted', message: 'the peer aborted the association (A-ABORT)' }));
    network.on('networkError', (e: NodeJS.ErrnoException) => fail(networkFailure(peer, e)));
    network.on('close', () => (actionStatus ? done() : fail(refused ?? { kind: 'network-error', message: `${peer.calledAe} at ${peer.host}:${peer.port} closed the connection before answering the N-ACTION` })));
  });
}
