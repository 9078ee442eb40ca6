// The small interface every DICOM service (archive, worklist, MPPS, faults) is written against. Handlers are
// async functions returning typed statuses; the wrapper (dimseServer.ts) owns sockets, negotiation, logging,
// and turns a thrown error into a failure status (pynetdicom's habit).
import type dimse from 'dcmjs-dimse';
import type { ContextDecision } from './contextPolicy';

export type DimseCommand =
  | 'C-ECHO'
  | 'C-STORE'
  | 'C-FIND'
  | 'C-MOVE'
  | 'C-GET'
  | 'N-ACTION'
  | 'N-CREATE'
  | 'N-SET'
  | 'N-GET'
  | 'N-DELETE'
  | 'N-EVENT-REPORT';

export interface NodeRef {
  id: string;
  aeTitle: string;
  role: string;
  host: string;
  port: number;
  /** a local archive node's storage policy (sim/archive/acceptPolicy.ts); absent: every syntax */
  acceptPolicy?: 'all' | 'lossless' | 'uncompressed';
}

/** What a handler knows about the association it serves. */
export interface AssociationInfo {
  /** AssociationLog id */
  id: string;
  sandboxId: string;
  callingAe: string;
  calledAe: string;
  peerAddress: string;
  /** the local node called (PACS, RIS, …) and the known peer calling */
  localNode: NodeRef;
  peerNode: NodeRef;
  contexts: readonly ContextDecision[];
  /** aborted when the association ends (release, abort, network loss) */
  signal: AbortSignal;
  /** per-association scratch space for handler caches (sandbox row, patient/study/series ids …) */
  state: Map<string, unknown>;
  /** sends a request to the peer on this association (e.g. N-EVENT-REPORT, C-GET sub-operations) */
  sendRequest(request: InstanceType<typeof dimse.requests.Request>): Promise<InstanceType<typeof dimse.responses.Response>>;
  /** still open for sending */
  isOpen(): boolean;
}

export interface DimseResult {
  status: number;
  /** (0000,0902) Error Comment, LO: at most 64 characters are sent */
  errorComment?: string;
  /** (0000,0903) Error ID, US: a service-specific refinement of a failure (e.g. MPPS A710, PS3.4 F.7.2.2.2) */
  errorId?: number;
  /** (0000,1000) Affected SOP Instance UID of an N-CREATE response, when the SCP created the UID itself (PS3.7 10.1.5.1.4) */
  affectedSopInstanceUid?: string;
  /** extra words for the network log only */
  logDetail?: string;
}

export interface RequestBase {
  messageId: number;
  /** abstract syntax of the presentation context the request came on */
  abstractSyntax: string;
  transferSyntaxUid: string;
  /** the dcmjs-dimse request, for services that need more than the typed fields */
  raw: InstanceType<typeof dimse.requests.Request>;
  /** aborted on C-CANCEL or when the association ends */
  signal: AbortSignal;
}

export interface EchoRequest extends RequestBase {}

export interface StoreRequest extends RequestBase {
  /** (0000,0002) Affected SOP Class UID and (0000,1000) Affected SOP Instance UID, as received */
  affectedSopClassUid: string;
  affectedSopInstanceUid: string;
  /** the data set exactly as received, in `transferSyntaxUid` (chunks as they came off the wire) */
  datasetChunks: readonly Buffer[];
  datasetLength: number;
  /** (0000,1030) Move Originator AE Title, when this store is a C-MOVE sub-operation */
  moveOriginatorAe?: string;
}

export interface DatasetRequest extends RequestBase {
  /** affected or requested SOP class/instance from the command set */
  sopClassUid: string;
  sopInstanceUid: string;
  /** the data set (identifier, action information …) naturalized by dcmjs, or undefined if none */
  dataset?: Record<string, unknown>;
}

export interface NActionRequest extends DatasetRequest {
  actionTypeId: number;
}

export interface NActionResult extends DimseResult {
  reply?: Record<string, unknown>;
}

/** One response of a multi-response service (C-FIND pending matches, C-MOVE/C-GET progress). */
export interface DimseReply extends DimseResult {
  dataset?: Record<string, unknown>;
  /** C-MOVE/C-GET sub-operation counts (0000,1020-1023) */
  remaining?: number;
  completed?: number;
  failed?: number;
  warning?: number;
}

export interface DimseHandlers {
  'C-ECHO'?: (a: AssociationInfo, r: EchoRequest) => Promise<DimseResult>;
  'C-STORE'?: (a: AssociationInfo, r: StoreRequest) => Promise<DimseResult>;
  'C-FIND'?: (a: AssociationInfo, r: DatasetRequest) => AsyncIterable<DimseReply>;
  'C-MOVE'?: (a: AssociationInfo, r: DatasetRequest & { moveDestination: string }) => AsyncIterable<DimseReply>;
  'C-GET'?: (a: AssociationInfo, r: DatasetRequest) => AsyncIterable<DimseReply>;
  'N-ACTION'?: (a: AssociationInfo, r: NActionRequest) => Promise<NActionResult>;
  'N-CREATE'?: (a: AssociationInfo, r: DatasetRequest) => Promise<DimseResult & { reply?: Record<string, unknown> }>;
  'N-SET'?: (a: AssociationInfo, r: DatasetRequest) => Promise<DimseResult & { reply?: Record<string, unknown> }>;
  'N-GET'?: (a: AssociationInfo, r: DatasetRequest) => Promise<DimseResult & { reply?: Record<string, unknown> }>;
  'N-DELETE'?: (a: AssociationInfo, r: DatasetRequest) => Promise<DimseResult>;
  'N-EVENT-REPORT'?: (a: AssociationInfo, r: DatasetRequest & { eventTypeId: number }) => Promise<DimseResult>;
}

/**
 * A service a local AE offers: the SOP classes (abstract syntaxes) it accepts, the transfer syntaxes it takes
 * them in, and its handlers. Query/retrieve, worklist and MPPS plug in the same way as storage.
 */
export interface DimseService {
  name: string;
  sopClasses: readonly string[];
  transferSyntaxes: readonly string[];
  handlers: DimseHandlers;
  /**
   * SOP classes whose SCP role the requestor may take on this AE (SCP/SCU Role Selection, PS3.7 D.3.3.4): the
   * storage SOP classes a C-GET SCP sends its C-STORE sub-operations in (PS3.4 C.4.3.3).
   */
  requestorScpRole?: readonly string[];
}

/** Services offered by each local node role (`archive`, `worklist`, …). */
export type ServicesByRole = Record<string, readonly DimseService[]>;
