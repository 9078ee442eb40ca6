// What a scanner console says when talking to a PACS, RIS or MPPS manager goes wrong: one typed failure per
// thing that can happen on the network (connection refused, association rejected with its reason, timeout,
// abort, a DIMSE failure status), turned into words in one place, `describeFailure`, with what to check next.
// The send queue, MPPS and storage commitment all store `describeFailure(...)` as their error text.
import { ScuError, type Peer } from '../dimse/client';
import { lookupStatus, statusCategory } from '../dicom/status';

export type DimseOperation = 'C-STORE' | 'C-FIND' | 'N-CREATE' | 'N-SET' | 'N-ACTION';

export type ConsoleFailure =
  | { kind: 'connection-refused'; host: string; port: number; service?: string }
  | { kind: 'association-rejected'; calledAe: string; callingAe: string; host: string; port: number; result: number; source: number; reason: number; service?: string }
  | { kind: 'timeout'; host: string; port: number; seconds: number; waitingFor: string }
  | { kind: 'aborted'; calledAe: string; host: string; port: number }
  | { kind: 'network-error'; host: string; port: number; detail: string }
  | { kind: 'dimse-failure'; operation: DimseOperation; status: number; meaning: string };

export type ConsoleFailureKind = ConsoleFailure['kind'];

/** Errors from the console's own operations (bad input, missing rows, a job in the wrong state). */
export class ModalityError extends Error {
  constructor(
    readonly kind: 'invalid' | 'not-found' | 'conflict',
    message: string,
  ) {
    super(message);
  }
}

const hex = (n: number) => `0x${n.toString(16).toUpperCase().padStart(4, '0')}`;

/** PS3.8 9.3.4 (A-ASSOCIATE-RJ): the reason as a PACS administrator names it, and what the scanner's user checks. */
function rejection(f: Extract<ConsoleFailure, { kind: 'association-rejected' }>): string {
  const permanence = f.result === 1 ? 'permanent' : 'transient';
  const what = `Association rejected by ${f.calledAe}`;
  if (f.source === 1) {
    const service = f.service ?? 'the PACS';
    if (f.reason === 3) return `${what}: calling AE title not recognized (${permanence}) — check this scanner's AE title (${f.callingAe}) and that ${service} knows it`;
    if (f.reason === 7) return `${what}: called AE title not recognized (${permanence}) — check the destination AE title (${f.calledAe}) against ${service}'s own`;
    if (f.reason === 2) return `${what}: application context name not supported (${permanence}) — the peer is not a DICOM application`;
    return `${what}: no reason given (${permanence}) — ask the PACS administrator whether this scanner is allowed to connect`;
  }
  if (f.source === 2) {
    return `${what}: ${f.reason === 2 ? 'protocol version not supported' : 'no reason given'} (${permanence}, ACSE) — the peer does not speak this DICOM protocol version`;
  }
  if (f.reason === 1) return `${what}: temporary congestion (${permanence}) — the PACS is busy or its service is stopped: retry in a moment, and if it keeps failing ask whether the archive service is running`;
  if (f.reason === 2) return `${what}: local limit exceeded (${permanence}) — the PACS has too many associations open: retry in a moment`;
  return `${what}: reason ${f.reason} (${permanence})`;
}

/** The console's wording for a failure. */
export function describeFailure(f: ConsoleFailure): string {
  switch (f.kind) {
    case 'connection-refused':
      return `Connection refused by ${f.host}:${f.port} — nothing listens on that port: check the destination port and that ${f.service ?? 'the PACS'} is running`;
    case 'association-rejected':
      return rejection(f);
    case 'timeout':
      return `Timed out after ${f.seconds} s waiting for ${f.waitingFor} — check the host and port, any firewall, and that the peer is a DICOM node`;
    case 'aborted':
      return `Association aborted by ${f.calledAe} at ${f.host}:${f.port} (A-ABORT) — the peer gave up mid-transfer: look at its log`;
    case 'network-error':
      return `Network error talking to ${f.host}:${f.port}: ${f.detail} — check the host name and the network`;
    case 'dimse-failure':
      return `${f.operation} failed: ${hex(f.status)} ${f.meaning}`;
  }
}

export function dimseFailure(operation: DimseOperation, status: number): ConsoleFailure {
  // the table's meaning alone: describeFailure puts the code in front (PS3.7 Annex C, PS3.4 B.2.3)
  return { kind: 'dimse-failure', operation, status, meaning: lookupStatus(status)?.meaning ?? `unknown status (${statusCategory(status)})` };
}

/**
 * Classifies anything an SCU call threw. `waitingFor` says what was pending when a timeout hit ("the PACS to
 * accept the association", "the C-STORE responses"); `service` names the peer in advice ("the PACS", "the RIS").
 */
export function failureOf(e: unknown, peer: Peer, waitingFor = `an answer from ${peer.calledAe} at ${peer.host}:${peer.port}`, service?: string): ConsoleFailure {
  const where = { host: peer.host, port: peer.port };
  if (e instanceof ScuError) {
    const f = e.failure;
    switch (f.kind) {
      case 'connection-refused':
        return { kind: 'connection-refused', ...where, ...(service ? { service } : {}) };
      case 'association-rejected':
        return { kind: 'association-rejected', calledAe: peer.calledAe, callingAe: peer.callingAe, ...where, result: f.result, source: f.source, reason: f.reason, ...(service ? { service } : {}) };
      case 'timeout':
        return { kind: 'timeout', ...where, seconds: Math.round((peer.timeoutMs ?? 30_000) / 1000), waitingFor };
      case 'aborted':
        return { kind: 'aborted', calledAe: peer.calledAe, ...where };
      case 'network-error':
        return { kind: 'network-error', ...where, detail: networkDetail(f.message) };
    }
  }
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOTFOUND' || err?.code === 'EAI_AGAIN') return { kind: 'network-error', ...where, detail: `host name ${peer.host} not found` };
  return { kind: 'network-error', ...where, detail: err?.message ?? String(e) };
}

function networkDetail(message: string): string {
  if (/ENOTFOUND|EAI_AGAIN/.test(message)) return 'host name not found';
  if (/EHOSTUNREACH|ENETUNREACH/.test(message)) return 'host unreachable';
  if (/ECONNRESET/.test(message)) return 'the connection was reset by the peer';
  return message.replace(/^network error talking to [^:]+:\d+: /, '');
}
