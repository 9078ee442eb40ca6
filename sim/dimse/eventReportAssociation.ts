// An outgoing association on which the archive, as SCP of a SOP class, sends one N-EVENT-REPORT: Storage
// Commitment results when the requester's association has closed (PS3.4 J.3.3, IHE RAD TF-2 4.10). The
// association requester proposes the SOP class with SCP/SCU Role Selection SCU-role 0, SCP-role 1 (PS3.7
// D.3.3.4): it is the SCP of the SOP class although it opened the association. TCP_NODELAY on; the association
// and the DIMSE exchange go to the network log like any other.
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import dimse from 'dcmjs-dimse';
import { describeStatus } from '../dicom/status';
import { UNCOMPRESSED_TRANSFER_SYNTAXES } from '../dicom/transferSyntaxes';
import type { NetworkLog } from './networkLog';

const { Association } = dimse.association;
type DimseRequest = InstanceType<typeof dimse.requests.Request>;
type DimseResponse = InstanceType<typeof dimse.responses.Response>;

/** dcmjs-dimse's Network class (the parent of its Scp; not exported by name). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const Network = Object.getPrototypeOf(dimse.Scp) as new (socket: net.Socket, opts: Record<string, unknown>) => any;

export interface EventReportTarget {
  host: string;
  port: number;
  /** our AE (the association requester) and the peer's */
  callingAe: string;
  calledAe: string;
}

export interface SendEventReportOptions extends EventReportTarget {
  sopClassUid: string;
  request: DimseRequest;
  timeoutMs?: number;
  log?: { log: NetworkLog; sandboxId: string };
}

/** Opens an association, sends the N-EVENT-REPORT, waits for its response, releases. Resolves with the status. */
export function sendEventReportOnNewAssociation(o: SendEventReportOptions): Promise<{ status: number }> {
  const started = new Date();
  const t0 = performance.now();
  const association = new Association(o.callingAe, o.calledAe);
  const pcId = association.addPresentationContext(o.sopClassUid);
  for (const ts of UNCOMPRESSED_TRANSFER_SYNTAXES) association.addTransferSyntaxToPresentationContext(pcId, ts);
  const context = association.getPresentationContext(pcId);
  // PS3.7 D.3.3.4: the requester takes the SCP role of this SOP class only
  context.setUserRole(false);
  context.setProviderRole(true);

  const socket = net.connect({ host: o.host, port: o.port });
  socket.setNoDelay(true);
  const network = new Network(socket, { connectTimeout: o.timeoutMs ?? 30_000, associationTimeout: o.timeoutMs ?? 30_000, pduTimeout: o.timeoutMs ?? 30_000 });
  const writer = o.log?.log.open({
    sandboxId: o.log.sandboxId,
    callingAe: o.callingAe,
    calledAe: o.calledAe,
    peerAddress: `${o.host}:${o.port}`,
    outcome: 'accepted',
    contexts: [{ id: pcId, abstractSyntax: o.sopClassUid, transferSyntaxes: [...UNCOMPRESSED_TRANSFER_SYNTAXES], result: 0, reason: 'proposed by us (SCU-role 0, SCP-role 1) to send N-EVENT-REPORT' }],
    startedAt: started,
  });

  return new Promise((resolve, reject) => {
    let settled = false;
    let status: number | undefined;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      const bytes = network.getStatistics();
      if (writer) {
        if (status !== undefined) {
          writer.dimse({
            command: 'N-EVENT-REPORT-RQ (sent by us)',
            sopClassUid: o.sopClassUid,
            sopInstanceUid: String(o.request.getAffectedSopInstanceUid?.() ?? ''),
            status,
            statusMeaning: `${describeStatus(status)} (answer to our N-EVENT-REPORT)`,
            durationMs: performance.now() - t0,
            bytes: 0,
            at: new Date(),
          });
        }
        void writer.close({ outcome: error ? 'failed' : 'released', bytesIn: bytes.getBytesReceived(), bytesOut: bytes.getBytesSent(), detail: error?.message });
      }
      if (error) reject(error);
      else resolve({ status: status! });
    };
    network.on('connect', () => network.sendAssociationRequest(association));
    network.on('associationAccepted', (accepted: InstanceType<typeof Association>) => {
      const pc = accepted.getPresentationContext(pcId);
      if (pc.getResult() !== 0) {
        network.sendAssociationReleaseRequest();
        finish(new Error(`${o.calledAe} did not accept the Storage Commitment presentation context (result ${pc.getResult()}): it cannot receive the report on a new association`));
        return;
      }
      let response: DimseResponse | undefined;
      o.request.on('response', (r: DimseResponse) => (response = r));
      o.request.on('done', () => {
        status = response?.getStatus();
        network.sendAssociationReleaseRequest();
        if (status === undefined) finish(new Error('no response to the N-EVENT-REPORT'));
      });
      network.sendRequests(o.request);
    });
    network.on('associationReleaseResponse', () => finish());
    network.on('associationRejected', (r: { result: number; source: number; reason: number }) =>
      finish(new Error(`${o.calledAe} rejected the association (result ${r.result}, source ${r.source}, reason ${r.reason})`)),
    );
    network.on('abort', () => finish(status === undefined ? new Error(`${o.calledAe} aborted the association`) : undefined));
    network.on('networkError', (e: Error) => finish(status === undefined ? new Error(`${o.host}:${o.port}: ${e.message}`) : undefined));
    network.on('close', () => finish(status === undefined ? new Error(`${o.calledAe} closed the connection before answering`) : undefined));
  });
}
