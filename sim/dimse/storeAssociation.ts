// An outgoing Storage SCU association the archive opens itself (the C-MOVE sub-association, PS3.4 C.4.2.3):
// our own presentation contexts, one C-STORE at a time under the caller's control (so it can send a C-MOVE
// pending response after each and stop on C-CANCEL), the bytes given sent as they are, TCP_NODELAY on, and the
// whole association written to the network log like any incoming one.
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import dimse from 'dcmjs-dimse';
import { describeStatus } from '../dicom/status';
import { transferSyntaxName } from '../dicom/transferSyntaxes';
import { sopClassName } from '../dicom/sopClasses';
import { ContextResult, type ContextDecision, type ContextResultCode } from './contextPolicy';
import type { AssociationLogWriter, NetworkLog } from './networkLog';

const { Association } = dimse.association;
const { CStoreRequest } = dimse.requests;
type DimseDataset = InstanceType<typeof dimse.Dataset>;
type DimseResponse = InstanceType<typeof dimse.responses.Response>;

/** dcmjs-dimse's Network class (the parent of its Scp; not exported by name). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const Network = Object.getPrototypeOf(dimse.Scp) as new (socket: net.Socket, opts: Record<string, unknown>) => any;

export interface ProposedStoreContext {
  abstractSyntax: string;
  transferSyntaxes: readonly string[];
}

export interface StoreAssociationOptions {
  host: string;
  port: number;
  callingAe: string;
  calledAe: string;
  contexts: readonly ProposedStoreContext[];
  timeoutMs?: number;
  /** the network log of the sandbox, and the sandbox */
  log?: { log: NetworkLog; sandboxId: string };
}

/** Why an association could not be used, in the words a PACS administrator reads in the network log. */
export class StoreAssociationError extends Error {}

export interface StoreAssociation {
  /** transfer syntaxes accepted per SOP class */
  accepted: ReadonlyMap<string, ReadonlySet<string>>;
  store(
    dataset: DimseDataset,
    opts?: { moveOriginatorAe?: string; moveOriginatorMessageId?: number },
  ): Promise<{ status: number; errorComment?: string }>;
  /** A-RELEASE (or A-ABORT when `abort`), and the network log row closed */
  close(opts?: { abort?: boolean; detail?: string }): Promise<void>;
}

const REJECT_SOURCE: Record<number, string> = { 1: 'service-user', 2: 'service-provider (ACSE)', 3: 'service-provider (presentation)' };
const REJECT_REASON: Record<string, string> = {
  '1:1': 'no-reason-given',
  '1:2': 'application-context-name-not-supported',
  '1:3': 'calling-AE-title-not-recognized',
  '1:7': 'called-AE-title-not-recognized',
  '2:1': 'no-reason-given',
  '2:2': 'protocol-version-not-supported',
  '3:1': 'temporary-congestion',
  '3:2': 'local-limit-exceeded',
};

export function openStoreAssociation(opts: StoreAssociationOptions): Promise<StoreAssociation> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const association = new Association(opts.callingAe, opts.calledAe);
  for (const c of opts.contexts) {
    const id = association.addPresentationContext(c.abstractSyntax);
    for (const ts of c.transferSyntaxes) association.addTransferSyntaxToPresentationContext(id, ts);
  }
  const startedAt = new Date();
  const peer = `${opts.host}:${opts.port}`;
  let writer: AssociationLogWriter | undefined;
  const decisions = (): ContextDecision[] =>
    association.getPresentationContexts().map(({ id, context }) => {
      const result = (context.getResult() ?? ContextResult.NoReason) as ContextResultCode;
      const accepted = result === ContextResult.Acceptance ? context.getAcceptedTransferSyntaxUid() : undefined;
      return {
        id,
        abstractSyntax: context.getAbstractSyntaxUid(),
        transferSyntaxes: [...context.getTransferSyntaxUids()],
        result,
        acceptedTransferSyntax: accepted,
        reason: accepted ? `accepted by ${opts.calledAe} in ${transferSyntaxName(accepted)}` : `${sopClassName(context.getAbstractSyntaxUid())}: not accepted by ${opts.calledAe}`,
      };
    });
  const logStart = (outcome: 'accepted' | 'rejected' | 'failed', rejectReason?: string) => {
    if (!opts.log) return;
    writer = opts.log.log.open({ sandboxId: opts.log.sandboxId, callingAe: opts.callingAe, calledAe: opts.calledAe, peerAddress: peer, outcome, rejectReason, contexts: decisions(), startedAt });
  };

  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: opts.host, port: opts.port });
    socket.setNoDelay(true);
    const network = new Network(socket, { connectTimeout: timeoutMs, associationTimeout: timeoutMs, pduTimeout: timeoutMs });
    let open = false;
    let ended = false;
    let closed: () => void = () => {};
    const closedP = new Promise<void>((r) => (closed = r));
    let current: { reject(e: Error): void } | undefined;
    const fail = (message: string) => {
      if (ended) return;
      ended = true;
      if (!open) {
        logStart('failed');
        void writer?.close({ outcome: 'failed', bytesIn: 0, bytesOut: 0, detail: message });
        reject(new StoreAssociationError(message));
      } else {
        void writer?.close({ outcome: 'failed', ...bytes(), detail: message });
        current?.reject(new StoreAssociationError(message));
      }
      socket.destroy();
    };
    const bytes = () => {
      const s = network.getStatistics();
      return { bytesIn: s.getBytesReceived(), bytesOut: s.getBytesSent() };
    };
    network.on('connect', () => network.sendAssociationRequest(association));
    network.on('networkError', (e: NodeJS.ErrnoException) => {
      const m = e.message ?? String(e);
      if (/ECONNREFUSED/.test(m) || e.code === 'ECONNREFUSED') fail(`connection refused by ${opts.calledAe} at ${peer}: nothing listens there (check the node's host and port, and that it is running)`);
      else if (/timeout/i.test(m)) fail(`no answer from ${opts.calledAe} at ${peer} within ${timeoutMs} ms`);
      else fail(`network error talking to ${opts.calledAe} at ${peer}: ${m.replace(/^\S* -> /, '')}`);
    });
    network.on('close', () => {
      closed();
      if (!ended) fail(open ? `${opts.calledAe} closed the connection` : `${opts.calledAe} at ${peer} closed the connection before answering the association request`);
    });
    network.on('associationRejected', (r: { result: number; source: number; reason: number }) => {
      ended = true;
      const text = `A-ASSOCIATE-RJ from ${opts.calledAe}: ${r.result === 1 ? 'rejected-permanent' : 'rejected-transient'}, ${REJECT_SOURCE[r.source] ?? `source ${r.source}`}: ${REJECT_REASON[`${r.source}:${r.reason}`] ?? 'reason'} (${r.reason})`;
      logStart('rejected', text);
      void writer?.close({ outcome: 'rejected', ...bytes() });
      socket.end();
      reject(new StoreAssociationError(text));
    });
    network.on('abort', (a: { source: number; reason: number }) => fail(`A-ABORT from ${opts.calledAe} (source ${a.source}, reason ${a.reason})`));
    network.on('associationAccepted', () => {
      open = true;
      logStart('accepted');
      const accepted = new Map<string, Set<string>>();
      for (const { context } of association.getPresentationContexts()) {
        if (context.getResult() !== ContextResult.Acceptance) continue;
        const ts = context.getAcceptedTransferSyntaxUid();
        if (!ts) continue;
        const set = accepted.get(context.getAbstractSyntaxUid()) ?? new Set<string>();
        set.add(ts);
        accepted.set(context.getAbstractSyntaxUid(), set);
      }
      // Peer's max PDU from the A-ASSOCIATE-AC (0 = unlimited, capped by dcmjs-dimse at 4 MiB)
      resolve({
        accepted,
        store(dataset, o = {}) {
          return new Promise((res, rej) => {
            if (ended) return rej(new StoreAssociationError(`the association with ${opts.calledAe} has ended`));
            const started = performance.now();
            const sopClass = String(dataset.getElement('SOPClassUID') ?? '');
            if (!accepted.get(sopClass)?.has(dataset.getTransferSyntaxUid())) {
              // dcmjs-dimse would skip such a request without ever answering it
              return rej(new StoreAssociationError(`${opts.calledAe} accepted no context for ${sopClassName(sopClass)} in ${transferSyntaxName(dataset.getTransferSyntaxUid())}`));
            }
            const request = new CStoreRequest(dataset);
            if (o.moveOriginatorAe) request.getCommandDataset().setElement('MoveOriginatorApplicationEntityTitle', o.moveOriginatorAe);
            if (o.moveOriginatorMessageId !== undefined) request.getCommandDataset().setElement('MoveOriginatorMessageID', o.moveOriginatorMessageId as unknown as string);
            let response: DimseResponse | undefined;
            current = { reject: rej };
            request.on('response', (r: DimseResponse) => (response = r));
            request.on('done', () => {
              current = undefined;
              const sopInstanceUid = String(dataset.getElement('SOPInstanceUID') ?? '');
              const sopClassUid = String(dataset.getElement('SOPClassUID') ?? '');
              if (!response) {
                const detail = `no accepted presentation context for ${sopClassName(sopClassUid)} in ${transferSyntaxName(dataset.getTransferSyntaxUid())}`;
                writer?.dimse({ command: 'C-STORE-RQ', sopClassUid, sopInstanceUid, status: -1, statusMeaning: `not sent: ${detail}`, durationMs: 0, bytes: 0, at: new Date() });
                return rej(new StoreAssociationError(detail));
              }
              const status = response.getStatus();
              const comment = (response as unknown as { getErrorComment?(): string }).getErrorComment?.() || undefined;
              writer?.dimse({
                command: 'C-STORE-RQ',
                sopClassUid,
                sopInstanceUid,
                status,
                statusMeaning: `${describeStatus(status)}${comment ? `: ${comment}` : ''} (answered by ${opts.calledAe})`,
                durationMs: performance.now() - started,
                bytes: (dataset as unknown as { getDenaturalizedDataset(): Buffer }).getDenaturalizedDataset().length,
                at: new Date(),
              });
              res({ status, errorComment: comment });
            });
            network.sendRequests(request);
          });
        },
        async close(c = {}) {
          if (ended) return;
          ended = true;
          const done = bytes();
          if (c.abort) {
            network.sendAbort();
            socket.end();
            void writer?.close({ outcome: 'aborted', ...done, detail: c.detail ?? 'A-ABORT sent' });
            return;
          }
          const released = new Promise<void>((r) => network.on('associationReleaseResponse', () => r()));
          network.sendAssociationReleaseRequest();
          const t = setTimeout(() => socket.destroy(), timeoutMs);
          await Promise.race([released, closedP]);
          clearTimeout(t);
          socket.end();
          void writer?.close({ outcome: 'released', ...bytes(), detail: c.detail });
        },
      });
    });
  });
}
