// THE one wrapper around dcmjs-dimse (0.3.3). It owns the net.Server and every socket (bound to the configured
// host only, TCP_NODELAY on), sizes PDUs both ways, enforces ARTIM and idle timeouts, routes each association
// by called AE title to a sandbox and checks the calling AE against that sandbox's known nodes, negotiates
// presentation contexts through contextPolicy.ts, turns dcmjs-dimse's callback events into async handlers
// returning typed statuses (a thrown error becomes a logged failure status; the association lives on), keeps
// C-STORE data sets as the exact bytes received, and writes everything to the network log.
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import dimse from 'dcmjs-dimse';
import type { Db } from '../../prisma/db';
import { directSqlite } from '../../prisma/directSqlite';
import { IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME } from '../dicom/part10';
import { describeStatus, Status } from '../dicom/status';
import { acceptPolicyOf, narrowSupported } from '../archive/acceptPolicy';
import { negotiateContexts, type ContextDecision } from './contextPolicy';
import { AssociationLogWriter, NetworkLog } from './networkLog';
import { decodeCommandSet, encodeCommandSet } from './commandSet';
import { FlatDataset } from './flatDataset';
import { PduError, PduReader, PduType, readPdvs, type Pdv } from './pduReader';
import { traceAssociation, traceMark as mark } from './ingestTrace';
import { maxAssociationsPerSandbox, maxDatasetBytes } from './sandboxLimits';
import type {
  AssociationInfo,
  DatasetRequest,
  DimseCommand,
  DimseReply,
  DimseResult,
  DimseService,
  NodeRef,
  ServicesByRole,
} from './types';

const { Scp, Implementation, Dataset, responses, constants } = dimse;
type DimseRequest = InstanceType<typeof dimse.requests.Request>;
type DimseResponse = InstanceType<typeof dimse.responses.Response>;
type DimseAssociation = InstanceType<typeof dimse.association.Association>;
type DimseContext = InstanceType<typeof dimse.association.PresentationContext>;

// dcmjs-dimse logs through a global loglevel logger; the network log is ours.
dimse.log.setLevel('silent');
Implementation.setImplementationClassUid(IMPLEMENTATION_CLASS_UID);
Implementation.setImplementationVersion(IMPLEMENTATION_VERSION_NAME);

/** Largest P-DATA-TF variable field we accept (PS3.8 D.1): announced in our A-ASSOCIATE-AC. */
export const DEFAULT_MAX_PDU_RECEIVE = 65536;
/** Upper bound on what we send even when the peer announces "unlimited" (0) or more. */
export const MAX_PDU_SEND_CAP = 1024 * 1024;
/** Any other PDU (A-ASSOCIATE-RQ with many contexts included) fits in this. */
const MAX_CONTROL_PDU = 1024 * 1024;

export interface DimseServerOptions {
  db: Db;
  host: string;
  /** 0 picks a free port */
  port: number;
  services: ServicesByRole;
  maxPduReceive?: number;
  /** ARTIM (PS3.8 9.1.5): from connection to A-ASSOCIATE-RQ, and after A-RELEASE-RP/RJ until the peer closes */
  artimTimeoutMs?: number;
  /** no PDU for this long on an open association: A-ABORT */
  idleTimeoutMs?: number;
  maxAssociations?: number;
}

export interface DimseServer {
  port: number;
  host: string;
  activeAssociations(): number;
  close(): Promise<void>;
}

/** A-ASSOCIATE-RJ parameters (PS3.8 9.3.4, Table 9-21) with the words the network log shows. */
export const Reject = {
  calledAe: { result: 1, source: 1, reason: 7, text: 'rejected-permanent, service-user: called-AE-title-not-recognized (7)' },
  callingAe: { result: 1, source: 1, reason: 3, text: 'rejected-permanent, service-user: calling-AE-title-not-recognized (3)' },
  congestion: { result: 2, source: 3, reason: 1, text: 'rejected-transient, service-provider (presentation): temporary-congestion (1)' },
  limit: { result: 2, source: 3, reason: 2, text: 'rejected-transient, service-provider (presentation): local-limit-exceeded (2)' },
  noContexts: { result: 1, source: 1, reason: 1, text: 'rejected-permanent, service-user: no-reason-given (1): no presentation context could be accepted' },
  // the archive service is stopped (PACS console, pacs-offline fault): PS3.8 9.3.4 has no "service stopped"
  // reason; a provider that cannot take the association now but may later answers transient + temporary
  // congestion (source 3, reason 1), which tells the requestor to try again later rather than to fix its setup
  stopped: { result: 2, source: 3, reason: 1, text: 'rejected-transient, service-provider (presentation): temporary-congestion (1): the archive service is stopped' },
} as const;

interface Route {
  sandboxId: string;
  local: NodeRef;
  peer: NodeRef;
  /** network-stall fault armed for this sandbox's archive when the association was routed (claimed at the first C-STORE) */
  stallAfter: number | null;
}

type RouteResult = { ok: true; route: Route } | { ok: false; reject: (typeof Reject)[keyof typeof Reject]; sandboxId: string | null; detail: string };

type NodeRow = { id: string; sandboxId: string; aeTitle: string; role: string; host: string; port: number; acceptPolicy: string };
type ServiceRow = { archiveStoppedAt: Date | null; archiveStoppedReason: string; archiveStallAfter: number | null };
interface RouteRows {
  local: NodeRow | null;
  peer: NodeRow | null;
  service: ServiceRow | null;
}

const NODE_COLUMNS = '"id", "sandboxId", "aeTitle", "role", "host", "port", "acceptPolicy"';
const LOCAL_NODE_SQL = `SELECT ${NODE_COLUMNS} FROM "DicomNode" WHERE "aeTitle" = ? AND "local" = 1 LIMIT 1`;
const PEER_NODE_SQL = `SELECT ${NODE_COLUMNS} FROM "DicomNode" WHERE "sandboxId" = ? AND "aeTitle" = ? AND "local" = 0 LIMIT 1`;
const SERVICE_SQL = 'SELECT "archiveStoppedAt", "archiveStoppedReason", "archiveStallAfter" FROM "Sandbox" WHERE "id" = ?';

/**
 * The rows routing needs, read on SQLite by prepared statements on the direct connection (prisma/directSqlite.ts:
 * routed ~0.2 ms after the A-ASSOCIATE-RQ arrived, against 1.7 ms for the same three reads through Prisma, on every
 * association's way to its A-ASSOCIATE-AC); undefined when there is none or the database is busy.
 */
function routeRowsDirect(db: Db, calledAe: string, callingAe: string): RouteRows | undefined {
  const direct = directSqlite(db);
  if (!direct) return undefined;
  const node = (r: Record<string, unknown> | undefined): NodeRow | null =>
    r ? { id: String(r.id), sandboxId: String(r.sandboxId), aeTitle: String(r.aeTitle), role: String(r.role), host: String(r.host), port: Number(r.port), acceptPolicy: String(r.acceptPolicy) } : null;
  const local = direct.get(LOCAL_NODE_SQL, [calledAe]);
  if (local === 'busy') return undefined;
  if (!local) return { local: null, peer: null, service: null };
  const peer = direct.get(PEER_NODE_SQL, [local.sandboxId, callingAe]);
  const service = local.role === 'archive' ? direct.get(SERVICE_SQL, [local.sandboxId]) : undefined;
  if (peer === 'busy' || service === 'busy') return undefined;
  return {
    local: node(local),
    peer: node(peer),
    service: service
      ? {
          // DateTime as Prisma's adapter writes it (ISO 8601 text), Int as bigint (safe integers)
          archiveStoppedAt: service.archiveStoppedAt == null ? null : new Date(typeof service.archiveStoppedAt === 'bigint' ? Number(service.archiveStoppedAt) : String(service.archiveStoppedAt)),
          archiveStoppedReason: String(service.archiveStoppedReason ?? ''),
          archiveStallAfter: service.archiveStallAfter == null ? null : Number(service.archiveStallAfter),
        }
      : null,
  };
}

/** The same reads through Prisma (PostgreSQL, or a busy SQLite file). */
async function routeRowsPrisma(db: Db, calledAe: string, callingAe: string): Promise<RouteRows> {
  const local = await db.dicomNode.findFirst({ where: { aeTitle: calledAe, local: true } });
  if (!local) return { local: null, peer: null, service: null };
  // the archive's service state (sim/archive/archiveService.ts) with the peer lookup, in parallel: one primary-key
  // read per archive association, no added round trip
  const [peer, service] = await Promise.all([
    db.dicomNode.findFirst({ where: { sandboxId: local.sandboxId, aeTitle: callingAe, local: false } }),
    local.role === 'archive'
      ? db.sandbox.findUnique({ where: { id: local.sandboxId }, select: { archiveStoppedAt: true, archiveStoppedReason: true, archiveStallAfter: true } })
      : null,
  ]);
  return { local, peer, service };
}

async function routeAssociation(db: Db, calledAe: string, callingAe: string): Promise<RouteResult> {
  const { local, peer, service } = routeRowsDirect(db, calledAe, callingAe) ?? (await routeRowsPrisma(db, calledAe, callingAe));
  if (!local) {
    return { ok: false, reject: Reject.calledAe, sandboxId: null, detail: `no sandbox serves the AE title "${calledAe}": check the called AE` };
  }
  if (service?.archiveStoppedAt) {
    return {
      ok: false,
      reject: Reject.stopped,
      sandboxId: local.sandboxId,
      detail: `${calledAe} is stopped since ${service.archiveStoppedAt.toISOString()} (${service.archiveStoppedReason || 'no reason given'}): start it on the PACS console, then retry`,
    };
  }
  if (!peer) {
    return {
      ok: false,
      reject: Reject.callingAe,
      sandboxId: local.sandboxId,
      detail: `"${callingAe}" is not a known node of the sandbox that owns ${calledAe}: add it to the DICOM nodes or fix the calling AE`,
    };
  }
  const ref = (n: NodeRow): NodeRef => ({ id: n.id, aeTitle: n.aeTitle, role: n.role, host: n.host, port: n.port, acceptPolicy: acceptPolicyOf(n.acceptPolicy) });
  return { ok: true, route: { sandboxId: local.sandboxId, local: ref(local), peer: ref(peer), stallAfter: service?.archiveStallAfter ?? null } };
}

const COMMAND_NAMES: Record<number, string> = {
  0x0001: 'C-STORE-RQ', 0x0020: 'C-FIND-RQ', 0x0010: 'C-GET-RQ', 0x0021: 'C-MOVE-RQ', 0x0030: 'C-ECHO-RQ',
  0x0100: 'N-EVENT-REPORT-RQ', 0x0110: 'N-GET-RQ', 0x0120: 'N-SET-RQ', 0x0130: 'N-ACTION-RQ', 0x0140: 'N-CREATE-RQ',
  0x0150: 'N-DELETE-RQ', 0x0fff: 'C-CANCEL-RQ',
};

/** pynetdicom's failure status for a handler that threw, per service */
const THROWN_STATUS: Record<DimseCommand, number> = {
  'C-ECHO': Status.ProcessingFailure,
  'C-STORE': Status.StoreHandlerFailed,
  'C-FIND': Status.FindHandlerFailed,
  'C-MOVE': Status.MoveHandlerFailed,
  'C-GET': Status.GetHandlerFailed,
  'N-ACTION': Status.ProcessingFailure,
  'N-CREATE': Status.ProcessingFailure,
  'N-SET': Status.ProcessingFailure,
  'N-GET': Status.ProcessingFailure,
  'N-DELETE': Status.ProcessingFailure,
  'N-EVENT-REPORT': Status.ProcessingFailure,
};

/**
 * Collects a C-STORE data set exactly as it comes off the wire (dcmjs-dimse's createStoreWritableStream hook),
 * instead of letting dcmjs parse and re-encode it. write() always returns true: dcmjs-dimse awaits 'drain'
 * otherwise, and would then start on the next PDU before finishing this one.
 */
class RawDatasetCollector extends EventEmitter {
  readonly chunks: Buffer[] = [];
  length = 0;
  ended = false;
  /** more than `limit` bytes arrived: the chunks were dropped and the C-STORE is answered A700 (sandboxLimits.ts) */
  overLimit = false;
  constructor(
    readonly context: DimseContext,
    readonly limit = Number.MAX_SAFE_INTEGER,
  ) {
    super();
  }
  write(chunk: Buffer): boolean {
    this.length += chunk.length;
    if (this.overLimit) return true;
    if (this.length > this.limit) {
      this.overLimit = true;
      this.chunks.length = 0; // let the memory go; the rest of the data set is counted, not kept
      return true;
    }
    this.chunks.push(chunk);
    return true;
  }
  end() {
    this.ended = true;
  }
  getTransferSyntaxUid() {
    return this.context.getAcceptedTransferSyntaxUid();
  }
}

function truncateComment(s: string) {
  // (0000,0902) Error Comment is LO: 64 characters at most
  return s.length > 64 ? `${s.slice(0, 61)}...` : s;
}

interface Shared {
  db: Db;
  services: ServicesByRole;
  log: NetworkLog;
  maxPduReceive: number;
  artimTimeoutMs: number;
  maxAssociations: number;
  active: Set<Connection>;
  inflight: Set<Promise<unknown>>;
}

function makeConnectionClass(shared: Shared) {
  return class extends Connection {
    constructor(socket: net.Socket, opts: Record<string, unknown>) {
      super(socket, opts, shared);
    }
  };
}

class Connection extends Scp {
  declare socket: net.Socket;
  declare association: DimseAssociation;
  private shared!: Shared;
  private logWriter: AssociationLogWriter | undefined;
  private info: AssociationInfo | undefined;
  private route: Route | undefined;
  private handlersByAbstract = new Map<string, DimseService>();
  private ended = new AbortController();
  private cancels = new Map<number, AbortController>();
  private outcome: 'accepted' | 'released' | 'aborted' | 'failed' | 'rejected' | undefined;
  private endDetail = '';
  private startedAt = new Date();
  private finished = false;
  /** network-stall fault armed when routed: C-STOREs seen, and whether this association won the one-shot stall */
  private stall: { after: number; seen: number; claim: Promise<boolean> | undefined } | undefined;
  /** why the association went quiet (network stall), put in front of how it ended in the network log */
  private stallNote = '';

  constructor(socket: net.Socket, opts: Record<string, unknown>, shared: Shared) {
    super(socket, opts);
    // dcmjs-dimse defaults datasetNameMap to {}, which makes every outgoing data set merge a copy of dcmjs's
    // whole name dictionary (~1.2 ms per C-FIND response, measured); undefined takes the plain path
    (this as unknown as { datasetNameMap?: unknown }).datasetNameMap = undefined;
    this.shared = shared;
    shared.active.add(this);
    this.on('networkError', (e: Error) => {
      if (!this.endDetail) this.endDetail = e.message.replace(/^\S* -> /, '');
      if (this.outcome === 'accepted') this.outcome = 'failed';
      socket.destroy();
    });
    this.on('close', () => this.finish());
  }

  private get peerAddress() {
    return `${this.socket.remoteAddress ?? ''}:${this.socket.remotePort ?? ''}`;
  }

  private byteCounts() {
    const s = (this as unknown as { getStatistics(): { getBytesReceived(): number; getBytesSent(): number } }).getStatistics();
    return { bytesIn: s.getBytesReceived(), bytesOut: s.getBytesSent() };
  }

  private finish() {
    if (this.finished) return;
    this.finished = true;
    this.shared.active.delete(this);
    this.ended.abort();
    const self = this as unknown as { dimse?: { getCommandFieldType(): number; getAffectedSopInstanceUid?(): string }; dimseStoreStream?: RawDatasetCollector };
    if (self.dimse && this.logWriter) {
      // the peer went away in the middle of a request: say so, nothing of it is stored
      const partial = self.dimseStoreStream;
      this.logWriter.dimse({
        command: COMMAND_NAMES[self.dimse.getCommandFieldType()] ?? 'DIMSE',
        sopInstanceUid: self.dimse.getAffectedSopInstanceUid?.() ?? '',
        status: -1,
        statusMeaning: `not answered: the association ended ${partial ? `after ${partial.length} bytes of the data set` : 'before the data set arrived'}; nothing was stored`,
        durationMs: 0,
        bytes: partial?.length ?? 0,
        at: new Date(),
      });
      if (this.outcome === 'accepted') this.outcome = 'failed';
      this.endDetail ||= 'the peer closed the connection in the middle of a transfer';
    }
    if (this.logWriter && this.outcome !== 'rejected') {
      const outcome = this.outcome === 'accepted' ? 'aborted' : (this.outcome ?? 'failed');
      const ended = this.endDetail || (this.outcome === 'accepted' ? 'connection closed without A-RELEASE' : '');
      const detail = this.stallNote ? `${this.stallNote}; then ${ended}` : ended;
      void this.logWriter.close({ outcome, ...this.byteCounts(), detail });
    }
  }

  // ---- receiving: our PDU reader instead of dcmjs-dimse's (see pduReader.ts) -----------------------------

  /**
   * Replaces dcmjs-dimse's socket wiring (called from its constructor, before our fields exist). Same events
   * and timeouts as the original; PDUs are framed by PduReader, which also enforces the PDU size limits, and
   * P-DATA-TF PDVs are handed to dcmjs-dimse's DIMSE assembly as views, never copied.
   */
  _wrapSocket() {
    const self = this as unknown as DimseInternals;
    const socket = this.socket;
    socket.setTimeout(self.connectTimeout);
    let reader: PduReader | undefined;
    const fail = (e: Error) => {
      self._reset();
      (this as unknown as EventEmitter).emit('networkError', e);
    };
    socket.on('data', (chunk: Buffer) => {
      self.statistics.addBytesReceived(chunk.length);
      reader ??= new PduReader({ maxPDataLength: this.shared.maxPduReceive, maxControlLength: MAX_CONTROL_PDU }, (type, parts, length) => this.receivePdu(type, parts, length));
      try {
        reader.push(chunk);
      } catch (e) {
        // A-ABORT, service-provider, invalid-PDU-parameter-value (PS3.8 9.3.8)
        if (this.association) this.sendAbort(constants.AbortSource.ServiceProvider, constants.AbortReason.InvalidPduParameter);
        fail(e as Error);
      }
    });
    socket.on('error', (e: Error) => fail(new Error(`connection error: ${e.message}`)));
    socket.on('timeout', () => fail(new Error('connection timeout')));
    socket.on('close', () => {
      self._reset();
      (this as unknown as EventEmitter).emit('close');
    });
    self.timeoutIntervalId = setInterval(() => {
      const now = Date.now();
      let why: string | undefined;
      if (self.connected && !self.lastPduTime && now - self.connectedTime! >= self.associationTimeout) why = `no A-ASSOCIATE-RQ within ${self.associationTimeout} ms (ARTIM)`;
      else if (self.connected && self.lastPduTime && now - self.lastPduTime >= self.pduTimeout) why = `no PDU for ${self.pduTimeout} ms (idle timeout)`;
      if (why) {
        if (this.association) this.sendAbort();
        fail(new Error(why));
      }
    }, 1000);
  }

  private receivePdu(type: number, parts: Buffer[], length: number) {
    const self = this as unknown as DimseInternals;
    if (!self.dimse) mark('0 wait for the next request');
    self.lastPduTime = Date.now();
    if (type !== PduType.PDataTf) {
      void self._processPdu(parts.length === 1 ? parts[0] : Buffer.concat(parts, length));
      return;
    }
    try {
      for (const pdv of readPdvs(parts, length)) this.receivePdv(pdv);
    } catch (e) {
      this.sendAbort(constants.AbortSource.ServiceProvider, constants.AbortReason.UnexpectedPdu);
      (this as unknown as EventEmitter).emit('networkError', e as Error);
    }
  }

  /** fragments of the command set, or of a data set other than C-STORE's, being received */
  private fragments: Buffer[] = [];

  /**
   * DIMSE message assembly (PS3.7 9.3.1, PS3.8 E.2), in place of dcmjs-dimse's _processPDataTf: a command set is
   * decoded by our command codec, a C-STORE data set goes straight to its raw collector, any other data set is
   * decoded by dcmjs as before. The resulting request objects are dcmjs-dimse's own, dispatched by its
   * _performDimse, so everything downstream is unchanged.
   */
  private receivePdv(pdv: Pdv) {
    const self = this as unknown as DimseInternals;
    const context = this.association?.getPresentationContext(pdv.presentationContextId);
    if (!context) throw new PduError(`PDV on presentation context ${pdv.presentationContextId}, which was not negotiated`);
    if (pdv.command) {
      if (self.dimse) throw new PduError('a command PDV arrived while the data set of the previous command was expected');
      this.fragments.push(...pdv.value);
      if (!pdv.last) return;
      const bytes = this.fragments.length === 1 ? this.fragments[0] : Buffer.concat(this.fragments);
      this.fragments = [];
      const elements = decodeCommandSet(bytes) ?? new Dataset(Buffer.from(bytes)).getElements();
      const Type = MESSAGE_TYPES[Number(elements.CommandField)];
      if (!Type) throw new PduError(`unknown Command Field 0x${Number(elements.CommandField).toString(16)}`);
      const message = new Type();
      message.setCommandDataset(new Dataset(elements));
      message.dataset = undefined;
      if (!message.hasDataset()) {
        self._performDimse(context, message);
        return;
      }
      self.dimse = message;
      if (message.getCommandFieldType() === 0x0001 /* C-STORE-RQ */) self.dimseStoreStream = this.createStoreWritableStream(context) as unknown as RawDatasetCollector;
      return;
    }
    const message = self.dimse;
    if (!message) throw new PduError('a data set PDV arrived without a command');
    const store = self.dimseStoreStream;
    if (store) for (const v of pdv.value) store.write(v);
    else this.fragments.push(...pdv.value);
    if (!pdv.last) return;
    self.dimse = undefined;
    self.dimseStoreStream = undefined;
    if (store) {
      store.end();
      message.setDataset(store as never);
    } else {
      const bytes = Buffer.concat(this.fragments);
      this.fragments = [];
      message.setDataset(new Dataset(bytes, context.getAcceptedTransferSyntaxUid(), self.datasetReadOptions));
    }
    self._performDimse(context, message);
  }

  /**
   * Sends a DIMSE message, in place of dcmjs-dimse's _sendPDataTF: the command set is encoded by our codec, the
   * data set (if any) by its own Dataset object (dcmjs's writer, or FlatDataset, BytesDataset), and every PDU of
   * the message goes out in one socket write. dcmjs-dimse wrote each PDU separately, so with TCP_NODELAY a C-FIND
   * match cost two segments and two wake-ups of the peer.
   */
  _sendPDataTF(command: DimseRequest | DimseResponse, contextId: number, maxPdu: number) {
    const self = this as unknown as DimseInternals;
    const encoded = encodeCommandSet(command.getCommandDataset().getElements());
    if (!encoded) {
      this.socket.cork();
      (Scp.prototype as unknown as { _sendPDataTF: (...a: unknown[]) => void })._sendPDataTF.call(this, command, contextId, maxPdu);
      this.socket.uncork();
      return;
    }
    const pdus = [pDataTf(contextId, 0x03, encoded)];
    const dataset = command.getDataset() as unknown as { getDenaturalizedDataset(o: unknown, n: unknown): Buffer } | undefined;
    if (dataset) {
      const bytes = dataset.getDenaturalizedDataset(self.datasetWriteOptions, self.datasetNameMap);
      // PDV values up to the peer's maximum PDU length less the PDV item header, as dcmjs-dimse did (PS3.8 9.3.5)
      const fragment = (maxPdu === 0 ? MAX_PDU_SEND_CAP : Math.min(maxPdu, MAX_PDU_SEND_CAP)) - 6;
      for (let o = 0; o < bytes.length || o === 0; o += fragment) {
        const last = o + fragment >= bytes.length;
        pdus.push(pDataTf(contextId, last ? 0x02 : 0x00, bytes.subarray(o, o + fragment)));
        if (last) break;
      }
    }
    const out = pdus.length === 1 ? pdus[0] : Buffer.concat(pdus);
    this.socket.write(out);
    self.statistics.addBytesSent(out.length);
  }

  // ---- association negotiation ----------------------------------------------------------------------------

  associationRequested(association: DimseAssociation) {
    this.association = association;
    traceAssociation();
    const p = this.negotiate(association).catch((e: Error) => {
      this.sendReject(Reject.congestion, null, `could not route the association: ${e.message}`);
    });
    this.track(p);
  }

  private sendReject(r: (typeof Reject)[keyof typeof Reject], sandboxId: string | null, detail: string) {
    this.outcome = 'rejected';
    this.sendAssociationReject(r.result, r.source, r.reason);
    this.logWriter = this.shared.log.open({
      sandboxId,
      callingAe: this.association.getCallingAeTitle(),
      calledAe: this.association.getCalledAeTitle(),
      peerAddress: this.peerAddress,
      outcome: 'rejected',
      rejectReason: `${r.text}: ${detail}`,
      contexts: this.proposedContexts().map((c) => ({ ...c, result: 2, reason: 'association rejected' })) as ContextDecision[],
      startedAt: this.startedAt,
    });
    // ARTIM: the requestor closes after A-ASSOCIATE-RJ; do it for it if it does not (PS3.8 9.2.2)
    setTimeout(() => this.socket.destroy(), this.shared.artimTimeoutMs).unref();
  }

  private proposedContexts() {
    // dcmjs-dimse reads a Role Selection item (PS3.7 D.3.3.4, one per abstract syntax) into the first context
    // of that abstract syntax only; it applies to all of them
    const roles = new Map<string, { scu: boolean; scp: boolean }>();
    for (const { context } of this.association.getPresentationContexts()) {
      const scu = context.getUserRole() as boolean | undefined;
      const scp = context.getProviderRole() as boolean | undefined;
      if (scu !== undefined || scp !== undefined) roles.set(context.getAbstractSyntaxUid(), { scu: scu === true, scp: scp === true });
    }
    return this.association.getPresentationContexts().map(({ id, context }) => ({
      id,
      abstractSyntax: context.getAbstractSyntaxUid(),
      transferSyntaxes: [...context.getTransferSyntaxUids()],
      roles: roles.get(context.getAbstractSyntaxUid()),
    }));
  }

  private async negotiate(association: DimseAssociation) {
    const calledAe = association.getCalledAeTitle();
    const callingAe = association.getCallingAeTitle();
    if (this.shared.active.size > this.shared.maxAssociations) {
      this.sendReject(Reject.limit, null, `more than ${this.shared.maxAssociations} associations at once`);
      return;
    }
    const routed = await routeAssociation(this.shared.db, calledAe, callingAe);
    if (!routed.ok) {
      this.sendReject(routed.reject, routed.sandboxId, routed.detail);
      return;
    }
    const route = routed.route;
    // per-sandbox bound (sandboxLimits.ts): counted and claimed (this.route below) in the same tick, no await between
    const perSandbox = maxAssociationsPerSandbox();
    let open = 0;
    for (const c of this.shared.active) if (c.route?.sandboxId === route.sandboxId) open++;
    if (open >= perSandbox) {
      this.sendReject(Reject.limit, route.sandboxId, `the sandbox that owns ${calledAe} already has ${open} associations open, the most one sandbox may have at once (MAX_ASSOCIATIONS_PER_SANDBOX=${perSandbox}): retry when one ends`);
      return;
    }
    const services = this.shared.services[route.local.role] ?? [];
    const supported = new Map<string, Set<string>>();
    const requestorScpRole = new Set<string>();
    for (const s of services) {
      for (const sop of s.sopClasses) {
        this.handlersByAbstract.set(sop, s);
        supported.set(sop, new Set(s.transferSyntaxes));
      }
      for (const sop of s.requestorScpRole ?? []) requestorScpRole.add(sop);
    }
    const proposed = this.proposedContexts();
    // the archive node's storage policy (acceptPolicy.ts): a syntax it does not take gets result 4
    const decisions = negotiateContexts(proposed, narrowSupported(supported, route.local.acceptPolicy ?? 'all'), { requestorScpRole });
    const answered = new Set<string>();
    for (const d of decisions) {
      const context = association.getPresentationContext(d.id);
      context.setResult(d.result, d.acceptedTransferSyntax);
      // dcmjs-dimse writes a Role Selection item in the A-ASSOCIATE-AC for every context with a role set: one
      // per abstract syntax, and only for one we accepted
      const answer = d.acceptedRoles && !answered.has(d.abstractSyntax) ? d.acceptedRoles : undefined;
      if (answer) answered.add(d.abstractSyntax);
      context.setUserRole(answer?.scu as boolean);
      context.setProviderRole(answer?.scp as boolean);
    }
    if (!decisions.some((d) => d.result === 0)) {
      this.sendReject(Reject.noContexts, route.sandboxId, `none of the ${decisions.length} proposed presentation contexts is served by ${calledAe}`);
      return;
    }
    this.route = route;
    if (route.stallAfter !== null) this.stall = { after: route.stallAfter, seen: 0, claim: undefined };
    this.outcome = 'accepted';
    this.logWriter = this.shared.log.open({
      sandboxId: route.sandboxId,
      callingAe,
      calledAe,
      peerAddress: this.peerAddress,
      outcome: 'accepted',
      contexts: decisions,
      startedAt: this.startedAt,
    });
    this.info = {
      id: this.logWriter.id,
      sandboxId: route.sandboxId,
      callingAe,
      calledAe,
      peerAddress: this.peerAddress,
      localNode: route.local,
      peerNode: route.peer,
      contexts: decisions,
      signal: this.ended.signal,
      state: new Map(),
      sendRequest: (request) => this.sendRequestAsync(request),
      isOpen: () => !this.finished && this.outcome === 'accepted',
    };
    this.sendAssociationAccept();
  }

  /** Our A-ASSOCIATE-AC announces our own receive limit; we then send with the peer's (PS3.8 D.1). */
  sendAssociationAccept() {
    const peerMax = this.association.getMaxPduLength();
    this.association.setMaxPduLength(this.shared.maxPduReceive);
    Implementation.setMaxPduLength(this.shared.maxPduReceive);
    super.sendAssociationAccept();
    this.association.setMaxPduLength(peerMax === 0 ? MAX_PDU_SEND_CAP : Math.min(peerMax, MAX_PDU_SEND_CAP));
  }

  associationReleaseRequested() {
    this.outcome = 'released';
    // the association is ending (AssociationInfo.signal): a request we sent and that is still unanswered will
    // not be answered now (PS3.8 7.2); its sender learns at once, not after the ARTIM timeout
    this.ended.abort();
    this.sendAssociationReleaseResponse();
    setTimeout(() => this.socket.destroy(), this.shared.artimTimeoutMs).unref();
  }

  abort(source: number, reason: number) {
    this.outcome = 'aborted';
    this.endDetail = `A-ABORT from the peer (source ${source}, reason ${reason})`;
    this.socket.destroy();
  }

  /** Sends a request to the peer on this association (N-EVENT-REPORT, C-GET sub-operations); logged like the requests we receive. */
  private sendRequestAsync(request: DimseRequest): Promise<DimseResponse> {
    const started = performance.now();
    const command = `${COMMAND_NAMES[request.getCommandFieldType()] ?? 'DIMSE'} (sent by us)`;
    const log = (status: number, meaning: string) =>
      this.logWriter?.dimse({
        command,
        sopClassUid: safe(() => request.getAffectedSopClassUid()) ?? safe(() => request.getRequestedSopClassUid()) ?? '',
        sopInstanceUid: safe(() => request.getAffectedSopInstanceUid()) ?? safe(() => request.getRequestedSopInstanceUid()) ?? '',
        status,
        statusMeaning: meaning,
        durationMs: performance.now() - started,
        bytes: 0,
        at: new Date(),
      });
    return new Promise((resolve, reject) => {
      if (!this.info?.isOpen()) return reject(new Error('the association is closed'));
      let last: DimseResponse | undefined;
      const onClose = () => {
        log(-1, 'not answered: the association ended before the peer responded');
        reject(new Error('the association ended before the response arrived'));
      };
      this.ended.signal.addEventListener('abort', onClose, { once: true });
      request.on('response', (r: DimseResponse) => {
        last = r;
      });
      request.on('done', () => {
        this.ended.signal.removeEventListener('abort', onClose);
        if (last) {
          log(last.getStatus(), `${describeStatus(last.getStatus())} (the peer's answer)`);
          resolve(last);
        } else {
          log(-1, 'not sent: no accepted presentation context for it');
          reject(new Error('no presentation context accepted for the request'));
        }
      });
      this.sendRequests(request);
    });
  }

  // ---- C-STORE: keep the bytes as received -----------------------------------------------------------------

  createStoreWritableStream(context: DimseContext) {
    return new RawDatasetCollector(context, maxDatasetBytes()) as never;
  }

  createDatasetFromStoreWritableStream(stream: unknown, _context: DimseContext, callback: (d: never) => void) {
    callback(stream as never);
  }

  // ---- dispatch ----------------------------------------------------------------------------------------------

  private track(p: Promise<unknown>) {
    this.shared.inflight.add(p);
    void p.finally(() => this.shared.inflight.delete(p));
  }

  private serviceFor(abstractSyntax: string) {
    return this.handlersByAbstract.get(abstractSyntax);
  }

  private logDimse(command: string, req: DimseRequest, result: DimseResult, started: number, bytes: number, sopClassUid?: string, sopInstanceUid?: string, meaningOverride?: string) {
    const meaning = meaningOverride ?? describeStatus(result.status) + (result.logDetail || result.errorComment ? `: ${result.logDetail ?? result.errorComment}` : '');
    this.logWriter?.dimse({
      command,
      sopClassUid: sopClassUid ?? safe(() => req.getAffectedSopClassUid()) ?? safe(() => req.getRequestedSopClassUid()) ?? '',
      sopInstanceUid: sopInstanceUid ?? safe(() => req.getAffectedSopInstanceUid()) ?? safe(() => req.getRequestedSopInstanceUid()) ?? '',
      status: result.status,
      statusMeaning: meaning,
      durationMs: performance.now() - started,
      bytes,
      at: new Date(),
    });
  }

  private contextOf(req: DimseRequest): DimseContext | undefined {
    return this.association.getAcceptedPresentationContextFromRequest(req);
  }

  private base(req: DimseRequest, context: DimseContext | undefined, signal: AbortSignal) {
    return {
      messageId: req.getMessageId(),
      abstractSyntax: context?.getAbstractSyntaxUid() ?? '',
      transferSyntaxUid: context?.getAcceptedTransferSyntaxUid() ?? '',
      raw: req,
      signal,
    };
  }

  private cancelSignal(req: DimseRequest) {
    const c = new AbortController();
    this.cancels.set(req.getMessageId(), c);
    const onEnd = () => c.abort();
    this.ended.signal.addEventListener('abort', onEnd, { once: true });
    return {
      signal: c.signal,
      done: () => {
        this.cancels.delete(req.getMessageId());
        this.ended.signal.removeEventListener('abort', onEnd);
      },
    };
  }

  /** Runs a single-response handler; a throw or a missing handler becomes a failure status. */
  private single(
    command: DimseCommand,
    req: DimseRequest,
    callback: (r: DimseResponse) => void,
    makeResponse: () => DimseResponse,
    run: (service: DimseService, info: AssociationInfo, context: DimseContext | undefined) => Promise<DimseResult & { reply?: Record<string, unknown> }> | undefined,
    opts: { context?: DimseContext; bytes?: number; sopClassUid?: string; sopInstanceUid?: string } = {},
  ) {
    const started = performance.now();
    const context = opts.context ?? this.contextOf(req);
    const service = context ? this.serviceFor(context.getAbstractSyntaxUid()) : undefined;
    const p = (async (): Promise<DimseResult & { reply?: Record<string, unknown> }> => {
      if (!this.info || !service) return { status: Status.SopClassNotSupported, logDetail: 'no service for this SOP class on this AE' };
      const pending = run(service, this.info, context);
      if (!pending) return { status: Status.UnrecognizedOperation, logDetail: `${command} is not offered for this SOP class` };
      try {
        return await pending;
      } catch (e) {
        const message = (e as Error).message ?? String(e);
        console.error(`${command} handler failed (${this.info.callingAe}→${this.info.calledAe}): ${(e as Error).stack ?? message}`);
        return { status: THROWN_STATUS[command], errorComment: truncateComment(message), logDetail: `handler failed: ${message}` };
      }
    })().then((result) => {
      const response = makeResponse();
      response.setStatus(result.status);
      if (result.errorComment) response.setErrorComment(truncateComment(result.errorComment));
      if (result.errorId !== undefined) response.getCommandDataset().setElement('ErrorID', result.errorId as never); // a US value: dcmjs-dimse types every element as a string
      if (result.affectedSopInstanceUid) response.setAffectedSopInstanceUid(result.affectedSopInstanceUid);
      if (result.reply && context) response.setDataset(new Dataset(result.reply, context.getAcceptedTransferSyntaxUid()));
      mark('6 handler tail');
      if (!this.finished) callback(response);
      mark('7 send the response');
      this.logDimse(COMMAND_NAMES[req.getCommandFieldType()] ?? command, req, result, started, opts.bytes ?? 0, opts.sopClassUid, opts.sopInstanceUid);
    });
    this.track(p);
  }

  private corked = false;

  /**
   * Holds this association's socket writes until the current run of synchronous code and promise callbacks
   * ends, then sends them in one writev. A handler yielding matches one after the other (a page of C-FIND
   * results) thus goes out in one system call and a few TCP segments instead of one per response; each
   * response is still its own command and data set PDUs (PS3.8 9.3.5: any number of P-DATA-TF PDUs may
   * follow each other). The batch ends whenever the handler waits for anything (the database, a yield to the
   * event loop), so nothing is held back while we wait.
   */
  private corkUntilTick() {
    if (this.corked) return;
    this.corked = true;
    this.socket.cork();
    process.nextTick(() => {
      this.corked = false;
      this.socket.uncork();
    });
  }

  /** Runs a multi-response handler (C-FIND, C-MOVE, C-GET): each reply is sent as it comes (corkUntilTick). */
  private multi(
    command: 'C-FIND' | 'C-MOVE' | 'C-GET',
    req: DimseRequest,
    callback: (r: DimseResponse | DimseResponse[]) => void,
    makeResponse: () => DimseResponse,
    extra: Record<string, unknown> = {},
  ) {
    const started = performance.now();
    const context = this.contextOf(req);
    const service = context ? this.serviceFor(context.getAbstractSyntaxUid()) : undefined;
    const cancel = this.cancelSignal(req);
    const send = (reply: DimseReply, isFinal: boolean) => {
      const r = makeResponse() as DimseResponse & Partial<Record<'setRemaining' | 'setCompleted' | 'setFailures' | 'setWarnings', (n: number) => void>>;
      r.setStatus(reply.status);
      if (reply.errorComment) r.setErrorComment(truncateComment(reply.errorComment));
      // C-FIND identifiers are flat: written by flatDataset.ts in microseconds (dcmjs's writer: ~1-2 ms each)
      if (reply.dataset && context) r.setDataset(new FlatDataset(reply.dataset, context.getAcceptedTransferSyntaxUid()));
      if (reply.remaining !== undefined) r.setRemaining?.(reply.remaining);
      if (reply.completed !== undefined) r.setCompleted?.(reply.completed);
      if (reply.failed !== undefined) r.setFailures?.(reply.failed);
      if (reply.warning !== undefined) r.setWarnings?.(reply.warning);
      if (this.finished) return;
      this.corkUntilTick();
      // dcmjs-dimse 0.3.3 lets a handler call its callback once: pending responses go out directly, the final
      // one through the callback (PS3.7 9.1.2/9.1.3: any number of pendings, then exactly one final response)
      if (isFinal) callback(r);
      else this.sendResponse(req as never, r as never);
    };
    const p = (async () => {
      let final: DimseReply;
      let pendings = 0;
      const handler = service?.handlers[command] as ((a: AssociationInfo, r: DatasetRequest) => AsyncIterable<DimseReply>) | undefined;
      if (!this.info || !service) final = { status: Status.SopClassNotSupported, logDetail: 'no service for this SOP class on this AE' };
      else if (!handler) final = { status: Status.UnrecognizedOperation, logDetail: `${command} is not offered for this SOP class` };
      else {
        final = { status: Status.Success };
        try {
          const request: DatasetRequest = {
            ...this.base(req, context, cancel.signal),
            sopClassUid: safe(() => req.getAffectedSopClassUid()) ?? '',
            sopInstanceUid: '',
            dataset: req.getDataset()?.getElements(),
            ...extra,
          };
          for await (const reply of handler(this.info, request)) {
            if (reply.status === Status.Pending || reply.status === Status.PendingWarning) {
              pendings++;
              send(reply, false);
            } else {
              final = reply;
              break;
            }
          }
        } catch (e) {
          const message = (e as Error).message ?? String(e);
          console.error(`${command} handler failed: ${(e as Error).stack ?? message}`);
          final = { status: THROWN_STATUS[command], errorComment: truncateComment(message), logDetail: `handler failed: ${message}` };
        }
      }
      cancel.done();
      send(final, true);
      this.logDimse(COMMAND_NAMES[req.getCommandFieldType()] ?? command, req, { ...final, logDetail: [final.logDetail, pendings ? `${pendings} pending responses` : ''].filter(Boolean).join('; ') || undefined }, started, 0);
    })();
    this.track(p);
  }

  cEchoRequest(req: DimseRequest, callback: (r: DimseResponse) => void) {
    this.single('C-ECHO', req, callback, () => responses.CEchoResponse.fromRequest(req), (s, info, context) =>
      s.handlers['C-ECHO']?.(info, this.base(req, context, this.ended.signal)),
    );
  }

  cStoreRequest(req: DimseRequest, callback: (r: DimseResponse) => void) {
    const raw = req.getDataset() as unknown as RawDatasetCollector;
    if (raw?.overLimit) {
      // PS3.4 B.2.3: A7xx Refused: Out of Resources; nothing was written
      const limit = raw.limit;
      const mib = (n: number) => `${(n / 1024 / 1024).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MiB`;
      this.single('C-STORE', req, callback, () => responses.CStoreResponse.fromRequest(req as InstanceType<typeof dimse.requests.CStoreRequest>), async () => ({
        status: 0xa700,
        errorComment: `data set over the ${mib(limit)} limit`,
        logDetail: `the data set is ${mib(raw.length)}, more than this archive takes in one C-STORE (MAX_DATASET_BYTES=${limit}); nothing was stored`,
      }), { context: raw.context, bytes: raw.length, sopClassUid: req.getAffectedSopClassUid(), sopInstanceUid: req.getAffectedSopInstanceUid() });
      return;
    }
    const stall = this.stall;
    if (!stall) return this.storeRequest(req, callback);
    // network-stall fault: the first C-STORE claims the one-shot stall (a conditional update: one association
    // of all listeners wins it); the winner answers `after` C-STOREs, then sends nothing more, as a PACS whose
    // network froze mid-association. The requestor's DIMSE timeout fires and it aborts (PS3.8 9.3.8); what was
    // not answered is not stored, so a Retry sends exactly those images once.
    const n = ++stall.seen;
    stall.claim ??= this.shared.db.sandbox
      .updateMany({ where: { id: this.route!.sandboxId, archiveStallAfter: stall.after }, data: { archiveStallAfter: null } })
      .then((r) => r.count === 1, () => false);
    const p = stall.claim.then((won) => {
      if (!won) {
        this.stall = undefined;
        return this.storeRequest(req, callback);
      }
      if (n <= stall.after) return this.storeRequest(req, callback);
      this.stallNote ||= `network stall (injected fault): the archive stopped answering after ${stall.after} C-STORE response${stall.after === 1 ? '' : 's'}`;
      this.logDimse('C-STORE-RQ', req, { status: -1, logDetail: undefined }, performance.now(), (req.getDataset() as unknown as RawDatasetCollector).length, req.getAffectedSopClassUid(), req.getAffectedSopInstanceUid(), 'not answered: the network stalled (no C-STORE-RSP sent); nothing was stored');
    });
    this.track(p);
  }

  private storeRequest(req: DimseRequest, callback: (r: DimseResponse) => void) {
    mark('1 receive the request');
    const raw = req.getDataset() as unknown as RawDatasetCollector;
    const affectedSopClassUid = req.getAffectedSopClassUid();
    const affectedSopInstanceUid = req.getAffectedSopInstanceUid();
    this.single(
      'C-STORE',
      req,
      callback,
      () => responses.CStoreResponse.fromRequest(req as InstanceType<typeof dimse.requests.CStoreRequest>),
      (s, info) =>
        s.handlers['C-STORE']?.(info, {
          ...this.base(req, raw.context, this.ended.signal),
          affectedSopClassUid,
          affectedSopInstanceUid,
          datasetChunks: raw.chunks,
          datasetLength: raw.length,
          moveOriginatorAe: safe(() => req.getCommandDataset().getElement('MoveOriginatorApplicationEntityTitle')) || undefined,
        }),
      { context: raw.context, bytes: raw.length, sopClassUid: affectedSopClassUid, sopInstanceUid: affectedSopInstanceUid },
    );
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  cFindRequest(req: any, callback: (r: any) => void) {
    this.multi('C-FIND', req, callback, () => responses.CFindResponse.fromRequest(req as never));
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  cMoveRequest(req: any, callback: (r: any) => void) {
    const moveDestination = safe(() => req.getCommandDataset().getElement('MoveDestination')) ?? '';
    this.multi('C-MOVE', req, callback, () => responses.CMoveResponse.fromRequest(req as never), { moveDestination: String(moveDestination).trim() });
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  cGetRequest(req: any, callback: (r: any) => void) {
    this.multi('C-GET', req, callback, () => responses.CGetResponse.fromRequest(req as never));
  }

  private datasetRequest(req: DimseRequest, context: DimseContext | undefined, requested: boolean): DatasetRequest {
    return {
      ...this.base(req, context, this.ended.signal),
      sopClassUid: (requested ? safe(() => req.getRequestedSopClassUid()) : safe(() => req.getAffectedSopClassUid())) ?? '',
      sopInstanceUid: (requested ? safe(() => req.getRequestedSopInstanceUid()) : safe(() => req.getAffectedSopInstanceUid())) ?? '',
      dataset: req.getDataset()?.getElements(),
    };
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  nActionRequest(req: any, callback: (r: any) => void) {
    const r = req as InstanceType<typeof dimse.requests.NActionRequest>;
    this.single('N-ACTION', req, callback, () => responses.NActionResponse.fromRequest(r), (s, info, context) =>
      s.handlers['N-ACTION']?.(info, { ...this.datasetRequest(req, context, true), actionTypeId: r.getActionTypeId() }),
    );
  }

  nCreateRequest(req: DimseRequest, callback: (r: DimseResponse) => void) {
    this.single('N-CREATE', req, callback, () => responses.NCreateResponse.fromRequest(req as never), (s, info, context) =>
      s.handlers['N-CREATE']?.(info, this.datasetRequest(req, context, false)),
    );
  }

  nSetRequest(req: DimseRequest, callback: (r: DimseResponse) => void) {
    this.single('N-SET', req, callback, () => responses.NSetResponse.fromRequest(req as never), (s, info, context) =>
      s.handlers['N-SET']?.(info, this.datasetRequest(req, context, true)),
    );
  }

  nGetRequest(req: DimseRequest, callback: (r: DimseResponse) => void) {
    this.single('N-GET', req, callback, () => responses.NGetResponse.fromRequest(req as never), (s, info, context) =>
      s.handlers['N-GET']?.(info, this.datasetRequest(req, context, true)),
    );
  }

  nDeleteRequest(req: DimseRequest, callback: (r: DimseResponse) => void) {
    this.single('N-DELETE', req, callback, () => responses.NDeleteResponse.fromRequest(req as never), (s, info, context) =>
      s.handlers['N-DELETE']?.(info, this.datasetRequest(req, context, true)),
    );
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  nEventReportRequest(req: any, callback: (r: any) => void) {
    const r = req as InstanceType<typeof dimse.requests.NEventReportRequest>;
    this.single('N-EVENT-REPORT', req, callback, () => responses.NEventReportResponse.fromRequest(r), (s, info, context) =>
      s.handlers['N-EVENT-REPORT']?.(info, { ...this.datasetRequest(req, context, false), eventTypeId: r.getEventTypeId() }),
    );
  }

  cCancelRequest(req: DimseRequest) {
    const id = Number(safe(() => req.getCommandDataset().getElement('MessageIDBeingRespondedTo')));
    this.cancels.get(id)?.abort();
  }
}

/** One P-DATA-TF PDU holding one PDV (PS3.8 9.3.5): message control header 0x01 command, 0x02 last fragment. */
function pDataTf(contextId: number, header: number, value: Buffer): Buffer {
  const out = Buffer.allocUnsafe(12 + value.length);
  out[0] = PduType.PDataTf;
  out[1] = 0;
  out.writeUInt32BE(6 + value.length, 2);
  out.writeUInt32BE(2 + value.length, 6);
  out[10] = contextId;
  out[11] = header;
  value.copy(out, 12);
  return out;
}

/** The parts of dcmjs-dimse's Network class our socket wiring uses (not in its typings). */
interface DimseInternals {
  connectTimeout: number;
  associationTimeout: number;
  pduTimeout: number;
  connected: boolean;
  connectedTime: number | undefined;
  lastPduTime: number | undefined;
  timeoutIntervalId: NodeJS.Timeout | undefined;
  statistics: { addBytesReceived(n: number): void; addBytesSent(n: number): void };
  datasetReadOptions: Record<string, unknown>;
  datasetWriteOptions: Record<string, unknown>;
  datasetNameMap: Record<string, unknown>;
  /** the command whose data set is being received */
  dimse: (DimseRequest & { dataset?: unknown; setCommandDataset(d: unknown): void }) | undefined;
  dimseStoreStream: RawDatasetCollector | undefined;
  _reset(): void;
  _processPdu(pdu: Buffer): Promise<void>;
  _performDimse(context: DimseContext, message: unknown): void;
}

/** dcmjs-dimse's message class for each Command Field (PS3.7 E.1) */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const MESSAGE_TYPES = {
  0x0001: dimse.requests.CStoreRequest, 0x8001: dimse.responses.CStoreResponse,
  0x0010: dimse.requests.CGetRequest, 0x8010: dimse.responses.CGetResponse,
  0x0020: dimse.requests.CFindRequest, 0x8020: dimse.responses.CFindResponse,
  0x0021: dimse.requests.CMoveRequest, 0x8021: dimse.responses.CMoveResponse,
  0x0030: dimse.requests.CEchoRequest, 0x8030: dimse.responses.CEchoResponse,
  0x0100: dimse.requests.NEventReportRequest, 0x8100: dimse.responses.NEventReportResponse,
  0x0110: dimse.requests.NGetRequest, 0x8110: dimse.responses.NGetResponse,
  0x0120: dimse.requests.NSetRequest, 0x8120: dimse.responses.NSetResponse,
  0x0130: dimse.requests.NActionRequest, 0x8130: dimse.responses.NActionResponse,
  0x0140: dimse.requests.NCreateRequest, 0x8140: dimse.responses.NCreateResponse,
  0x0150: dimse.requests.NDeleteRequest, 0x8150: dimse.responses.NDeleteResponse,
  0x0fff: dimse.requests.CCancelRequest,
} as unknown as Record<number, new () => any>;

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

export async function startDimseServer(opts: DimseServerOptions): Promise<DimseServer> {
  const shared: Shared = {
    db: opts.db,
    services: opts.services,
    log: new NetworkLog(opts.db),
    maxPduReceive: opts.maxPduReceive ?? DEFAULT_MAX_PDU_RECEIVE,
    artimTimeoutMs: opts.artimTimeoutMs ?? 30_000,
    maxAssociations: opts.maxAssociations ?? 100,
    active: new Set(),
    inflight: new Set(),
  };
  const idleTimeoutMs = opts.idleTimeoutMs ?? 120_000;
  const ConnectionClass = makeConnectionClass(shared);
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ noDelay: true }, (socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const conn = new ConnectionClass(socket, {
      connectTimeout: idleTimeoutMs,
      associationTimeout: shared.artimTimeoutMs,
      pduTimeout: idleTimeoutMs,
    });
    (conn as unknown as { connected: boolean; connectedTime: number }).connected = true;
    (conn as unknown as { connectedTime: number }).connectedTime = Date.now();
  });
  server.maxConnections = shared.maxAssociations * 2;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (e) => console.error(`DICOM listener error: ${e.message}`));
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    host: opts.host,
    activeAssociations: () => shared.active.size,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      while (shared.inflight.size) await Promise.allSettled([...shared.inflight]);
      await shared.log.drain();
    },
  };
}
