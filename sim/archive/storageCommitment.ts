// Storage Commitment Push Model SCP (PS3.4 Annex J, SOP class 1.2.840.10008.1.20.1) for the archive AE, as IHE
// Scheduled Workflow's Storage Commitment transaction (RAD-10) uses it: a modality may delete its copy of an
// image only once the archive has committed to keep it.
//
// N-ACTION (Action Type ID 1, "Request Storage Commitment", J.3.2) with a Transaction UID and the Referenced SOP
// Sequence is answered with success at once; the result then comes as an N-EVENT-REPORT (J.3.3): Event Type 1
// when every instance is committed, 2 when some are not, with the Referenced SOP Sequence (committed) and the
// Failed SOP Sequence (Failure Reason 0112 "no such object instance", 0119 "class/instance conflict", J.3.3.1.1).
// The report goes on the same association while the requester keeps it open, otherwise on a new association to
// the requester's known DICOM node (its host and port in the sandbox's node list).
//
// Committed means: an index row for that SOP Instance UID with the same SOP Class UID, and its file present
// under its final name, which it only gets after its data was fdatasync'd and before its folder is fsync'd
// (archiveFiles.ts); both happen before the C-STORE success. The files are the archive's source of truth and
// are never deleted by anything but an audited correction.
import dimse from 'dcmjs-dimse';
import type { Db } from '../../prisma/db';
import { STORAGE_COMMITMENT_PUSH_MODEL_SOP_CLASS, STORAGE_COMMITMENT_PUSH_MODEL_SOP_INSTANCE } from '../dicom/sopClasses';
import { Status } from '../dicom/status';
import { UNCOMPRESSED_TRANSFER_SYNTAXES } from '../dicom/transferSyntaxes';
import { parseUid } from '../dicom/uid';
import { sendEventReportOnNewAssociation } from '../dimse/eventReportAssociation';
import { NetworkLog } from '../dimse/networkLog';
import type { AssociationInfo, DimseService, NActionRequest, NActionResult, NodeRef } from '../dimse/types';
import type { ArchiveFiles } from './archiveFiles';

const { NEventReportRequest } = dimse.requests;

/** Failure Reason (0008,1197) values (PS3.4 J.3.3.1.1.2, PS3.7 C.5) */
export const FailureReason = {
  ProcessingFailure: 0x0110,
  NoSuchObjectInstance: 0x0112,
  ResourceLimitation: 0x0213,
  ReferencedSopClassNotSupported: 0x0122,
  ClassInstanceConflict: 0x0119,
  DuplicateTransactionUid: 0x0131,
} as const;

export interface ReferencedSop {
  ReferencedSOPClassUID: string;
  ReferencedSOPInstanceUID: string;
}

export interface FailedSop extends ReferencedSop {
  FailureReason: number;
}

export interface CommitmentResult {
  transactionUid: string;
  committed: ReferencedSop[];
  failed: FailedSop[];
}

/** What happened to each report, for tests and the console. */
export interface ReportOutcome {
  transactionUid: string;
  eventTypeId: 1 | 2;
  via: 'same association' | 'new association';
  status?: number;
  error?: string;
}

export interface StorageCommitmentOptions {
  db: Db;
  files: ArchiveFiles;
  /** after a report was sent (or could not be) */
  onReport?: (o: ReportOutcome) => void;
  /** retries of a new-association report that failed, and the wait between them */
  retries?: number;
  retryDelayMs?: number;
}

const LOOKUP_CHUNK = 500;

/** Decides, instance by instance, what the archive commits to (J.3.3.1.1). */
export async function commitInstances(db: Db, files: ArchiveFiles, sandboxId: string, transactionUid: string, refs: readonly ReferencedSop[]): Promise<CommitmentResult> {
  const committed: ReferencedSop[] = [];
  const failed: FailedSop[] = [];
  const valid = refs.filter((r) => parseUid(r.ReferencedSOPInstanceUID).ok);
  const rows = new Map<string, { sopClassUid: string; filePath: string }>();
  for (let i = 0; i < valid.length; i += LOOKUP_CHUNK) {
    const uids = valid.slice(i, i + LOOKUP_CHUNK).map((r) => r.ReferencedSOPInstanceUID);
    for (const row of await db.instance.findMany({ where: { sandboxId, sopInstanceUid: { in: uids } }, select: { sopInstanceUid: true, sopClassUid: true, filePath: true } })) {
      rows.set(row.sopInstanceUid, row);
    }
  }
  for (const ref of refs) {
    const row = rows.get(ref.ReferencedSOPInstanceUID);
    if (!row || !(await files.exists(row.filePath))) failed.push({ ...ref, FailureReason: FailureReason.NoSuchObjectInstance });
    else if (row.sopClassUid !== ref.ReferencedSOPClassUID) failed.push({ ...ref, FailureReason: FailureReason.ClassInstanceConflict });
    else committed.push(ref);
  }
  return { transactionUid, committed, failed };
}

/** The N-EVENT-REPORT's Event Type ID and Event Information (PS3.4 J.3.3.1, Table J.3-2). */
export function eventReport(result: CommitmentResult, retrieveAe: string): { eventTypeId: 1 | 2; information: Record<string, unknown> } {
  const information: Record<string, unknown> = { TransactionUID: result.transactionUid, RetrieveAETitle: retrieveAe };
  if (result.committed.length) information.ReferencedSOPSequence = result.committed.map((r) => ({ ReferencedSOPClassUID: r.ReferencedSOPClassUID, ReferencedSOPInstanceUID: r.ReferencedSOPInstanceUID }));
  if (result.failed.length) information.FailedSOPSequence = result.failed;
  return { eventTypeId: result.failed.length ? 2 : 1, information };
}

function text(v: unknown): string {
  return typeof v === 'string' ? v.replace(/\0+$/, '').trim() : '';
}

export function createStorageCommitmentService(opts: StorageCommitmentOptions): DimseService {
  const { db, files } = opts;
  const log = new NetworkLog(db);

  function request(eventTypeId: 1 | 2, information: Record<string, unknown>) {
    const r = new NEventReportRequest(STORAGE_COMMITMENT_PUSH_MODEL_SOP_CLASS, STORAGE_COMMITMENT_PUSH_MODEL_SOP_INSTANCE, eventTypeId);
    r.setDataset(new dimse.Dataset(information, UNCOMPRESSED_TRANSFER_SYNTAXES[0]));
    return r;
  }

  async function report(a: AssociationInfo, result: CommitmentResult) {
    const { eventTypeId, information } = eventReport(result, a.localNode.aeTitle);
    const outcome: ReportOutcome = { transactionUid: result.transactionUid, eventTypeId, via: 'same association' };
    if (a.isOpen()) {
      try {
        const response = await a.sendRequest(request(eventTypeId, information));
        outcome.status = response.getStatus();
        opts.onReport?.(outcome);
        return;
      } catch {
        // the requester released or lost the association meanwhile: a new one, as if it had never been open
      }
    }
    outcome.via = 'new association';
    const peer: NodeRef = a.peerNode;
    const retries = opts.retries ?? 2;
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await sendEventReportOnNewAssociation({
          host: peer.host,
          port: peer.port,
          callingAe: a.localNode.aeTitle,
          calledAe: peer.aeTitle,
          sopClassUid: STORAGE_COMMITMENT_PUSH_MODEL_SOP_CLASS,
          request: request(eventTypeId, information),
          log: { log, sandboxId: a.sandboxId },
        });
        outcome.status = r.status;
        outcome.error = undefined;
        break;
      } catch (e) {
        outcome.error = `could not send the storage commitment result for transaction ${result.transactionUid} to ${peer.aeTitle} at ${peer.host}:${peer.port}: ${(e as Error).message}`;
        if (attempt >= retries) break;
        await new Promise((r) => setTimeout(r, opts.retryDelayMs ?? 2000));
      }
    }
    if (outcome.error) console.error(`storage commitment: ${outcome.error}`);
    opts.onReport?.(outcome);
  }

  /** N-ACTION, Request Storage Commitment (PS3.4 J.3.2) */
  async function handleNAction(a: AssociationInfo, r: NActionRequest): Promise<NActionResult> {
    if (r.sopInstanceUid !== STORAGE_COMMITMENT_PUSH_MODEL_SOP_INSTANCE) {
      return { status: Status.NoSuchSopInstance, errorComment: 'use the well-known instance 1.2.840.10008.1.20.1.1', logDetail: `Requested SOP Instance UID ${r.sopInstanceUid} is not the Storage Commitment well-known instance` };
    }
    if (r.actionTypeId !== 1) return { status: Status.NoSuchActionType, errorComment: 'Action Type ID must be 1', logDetail: `Action Type ID ${r.actionTypeId}: only 1 (Request Storage Commitment) exists` };
    const info = r.dataset ?? {};
    const transactionUid = text(info.TransactionUID);
    if (!transactionUid || !parseUid(transactionUid).ok) {
      return { status: transactionUid ? Status.InvalidArgumentValue : Status.MissingAttribute, errorComment: 'Transaction UID (0008,1195) missing or invalid', logDetail: `Transaction UID ${JSON.stringify(transactionUid)} is missing or not a UID` };
    }
    const items = info.ReferencedSOPSequence;
    if (!Array.isArray(items) || !items.length) {
      return { status: Status.MissingAttribute, errorComment: 'Referenced SOP Sequence (0008,1199) missing or empty', logDetail: 'the request names no instance to commit' };
    }
    const refs: ReferencedSop[] = items.map((i: Record<string, unknown>) => ({ ReferencedSOPClassUID: text(i.ReferencedSOPClassUID), ReferencedSOPInstanceUID: text(i.ReferencedSOPInstanceUID) }));
    // the answer first (success: the request is accepted), the result after it (PS3.4 J.3.2.1.1.2, J.3.3)
    setImmediate(() => {
      commitInstances(db, files, a.sandboxId, transactionUid, refs)
        .then((result) => report(a, result))
        .catch((e: Error) => console.error(`storage commitment for transaction ${transactionUid} failed: ${e.stack ?? e.message}`));
    });
    return { status: Status.Success, logDetail: `transaction ${transactionUid}: ${refs.length} instance(s) to commit; the result follows as N-EVENT-REPORT` };
  }

  return {
    name: 'Storage Commitment Push Model',
    sopClasses: [STORAGE_COMMITMENT_PUSH_MODEL_SOP_CLASS],
    transferSyntaxes: UNCOMPRESSED_TRANSFER_SYNTAXES,
    handlers: { 'N-ACTION': handleNAction },
  };
}
