// The C-MOVE SCP of the archive: Patient Root and Study Root Query/Retrieve Information Model - MOVE (PS3.4 C.4.2,
// C.6.1.1.2 / C.6.2.1.2). The Move Destination is looked up among the sandbox's known DICOM nodes; the instances
// the identifier names are sent with C-STORE over ONE new association to it, with our archive AE as calling AE,
// each as its stored bytes in its stored transfer syntax whenever the destination accepts that syntax.
import type { Db } from '../../prisma/db';
import { Status } from '../dicom/status';
import { EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN, transferSyntax, UNCOMPRESSED_TRANSFER_SYNTAXES } from '../dicom/transferSyntaxes';
import { NetworkLog } from '../dimse/networkLog';
import { openStoreAssociation, type ProposedStoreContext, type StoreAssociation } from '../dimse/storeAssociation';
import type { AssociationInfo, DatasetRequest, DimseReply, DimseService } from '../dimse/types';
import type { ArchiveFiles } from './archiveFiles';
import { QR_SOP_CLASSES, type QrModel, type RetrieveInstance } from './query';
import { BytesDataset, datasetForSend, planSendSyntax, resolveRetrieve, runSubOperations } from './retrieveSubOperations';

export function modelOfMoveSopClass(uid: string): QrModel | undefined {
  if (uid === QR_SOP_CLASSES.PATIENT_ROOT.move) return 'PATIENT_ROOT';
  if (uid === QR_SOP_CLASSES.STUDY_ROOT.move) return 'STUDY_ROOT';
  return undefined;
}

/**
 * The presentation contexts of the sub-association: for each SOP class, one context per stored transfer syntax
 * proposing that syntax alone (so a destination that takes it cannot pick another), then, when some instance of
 * the class could be sent uncompressed without loss, one context proposing the uncompressed syntaxes as the
 * fallback (PS3.7 D.3.3.2: several contexts may share an abstract syntax).
 */
export function subAssociationContexts(instances: readonly RetrieveInstance[]): ProposedStoreContext[] {
  const byClass = new Map<string, Set<string>>();
  for (const i of instances) {
    const set = byClass.get(i.sopClassUid) ?? new Set<string>();
    set.add(i.transferSyntaxUid);
    byClass.set(i.sopClassUid, set);
  }
  const contexts: ProposedStoreContext[] = [];
  for (const [sopClass, syntaxes] of byClass) {
    for (const ts of syntaxes) contexts.push({ abstractSyntax: sopClass, transferSyntaxes: [ts] });
    const convertible = [...syntaxes].some((ts) => transferSyntax(ts)?.lossy === false);
    if (convertible) contexts.push({ abstractSyntax: sopClass, transferSyntaxes: [EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN] });
  }
  // at most 128 presentation contexts per association (odd ids 1-255, PS3.8 9.3.2.2)
  return contexts.slice(0, 128);
}

export interface RetrieveDeps {
  db: Db;
  files: ArchiveFiles;
  /** the network log the sub-associations are written to */
  log: NetworkLog;
  /** for tests: how long to wait on the destination */
  timeoutMs?: number;
}

/**
 * handleCMove: the one C-MOVE handler. Statuses per PS3.4 C.4.2.1.5 (Table C.4-2): A801 when the Move
 * Destination is not one of the sandbox's known nodes; A900 / C000 for an identifier that cannot be resolved (as
 * the FIND SCP answers); then FF00 pendings with the four sub-operation counts after each C-STORE, and a final
 * 0000 (all completed), B000 (some failed or warned, with the Failed SOP Instance UID List) or A702 (all failed).
 *
 * A Move Destination we know but cannot associate with (connection refused, A-ASSOCIATE-RJ, no accepted context)
 * is not "Move Destination unknown": A801 says its address is unknown, and here it is known. PS3.4 C.4.2.3.1
 * has the SCP report the sub-operations it could not perform as failed, so every instance counts as a failed
 * sub-operation and the final status is A702 "unable to perform sub-operations", with the reason in the network
 * log (the sub-association has its own network log row, outcome rejected or failed).
 */
export async function* handleCMove(deps: RetrieveDeps, assoc: AssociationInfo, req: DatasetRequest & { moveDestination?: string }): AsyncGenerator<DimseReply> {
  const model = modelOfMoveSopClass(req.abstractSyntax || req.sopClassUid);
  if (!model) {
    yield { status: Status.SopClassNotSupported, logDetail: `C-MOVE on ${req.abstractSyntax || req.sopClassUid} is not a Query/Retrieve MOVE model` };
    return;
  }
  const destinationAe = String(req.moveDestination ?? '').trim();
  const destination = destinationAe
    ? await deps.db.dicomNode.findFirst({ where: { sandboxId: assoc.sandboxId, aeTitle: destinationAe, local: false } })
    : null;
  if (!destination) {
    yield {
      status: Status.MoveDestinationUnknown,
      errorComment: destinationAe ? `Move destination ${destinationAe} unknown` : 'Move Destination (0000,0600) is empty',
      logDetail: destinationAe
        ? `"${destinationAe}" is not a known DICOM node of this sandbox: add it (AE title, host, port) to the DICOM nodes, or fix movescu -aem`
        : 'the C-MOVE-RQ names no Move Destination',
    };
    return;
  }
  const found = await resolveRetrieve(deps.db, assoc.sandboxId, req.dataset, model);
  if ('reply' in found) {
    yield found.reply;
    return;
  }
  const instances = found.instances;
  const where = `${destination.aeTitle} at ${destination.host}:${destination.port}`;
  let sub: StoreAssociation;
  try {
    sub = await openStoreAssociation({
      host: destination.host,
      port: destination.port,
      callingAe: assoc.localNode.aeTitle,
      calledAe: destination.aeTitle,
      contexts: subAssociationContexts(instances),
      timeoutMs: deps.timeoutMs,
      log: { log: deps.log, sandboxId: assoc.sandboxId },
    });
  } catch (e) {
    const why = (e as Error).message;
    // the sub-association's own log row is written before the requestor hears the outcome
    await deps.log.drain();
    yield {
      status: Status.OutOfResourcesSubOperations,
      completed: 0,
      failed: instances.length,
      warning: 0,
      dataset: { FailedSOPInstanceUIDList: instances.length === 1 ? instances[0].sopInstanceUid : instances.map((i) => i.sopInstanceUid) },
      errorComment: `cannot associate with ${destination.aeTitle}`,
      logDetail: `the sub-association to ${where} could not be opened (${why}): all ${instances.length} sub-operations failed`,
    };
    return;
  }
  let converted = 0;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await sub.close({ abort: req.signal.aborted && !assoc.isOpen() });
    await deps.log.drain();
  };
  try {
    for await (const reply of runSubOperations({
      instances,
      signal: req.signal,
      summary: () => (converted ? `${converted} sent uncompressed because ${destination.aeTitle} did not accept the stored syntax` : undefined),
      async store(inst) {
        const plan = planSendSyntax(inst.transferSyntaxUid, sub.accepted.get(inst.sopClassUid) ?? new Set());
        if (!plan.ok) return { status: Status.ProcessingFailure, detail: `not sent to ${destination.aeTitle}: ${plan.reason}` };
        const bytes = await datasetForSend(deps.files, inst, plan);
        const r = await sub.store(new BytesDataset(bytes, plan.syntax, inst.sopClassUid, inst.sopInstanceUid), {
          moveOriginatorAe: assoc.callingAe,
          moveOriginatorMessageId: req.messageId,
        });
        if (plan.convert && r.status === Status.Success) converted++;
        return { status: r.status, detail: r.errorComment ? `${destination.aeTitle} answered: ${r.errorComment}` : undefined };
      },
    })) {
      // the sub-association is released (and logged) before the final response goes out
      if (reply.status !== Status.Pending) await close();
      yield reply;
    }
  } finally {
    await close();
  }
}

/** The archive's C-MOVE service (Patient Root, Study Root), for the archive role's service list. */
export function createMoveService(opts: { db: Db; files: ArchiveFiles; log?: NetworkLog; timeoutMs?: number }): DimseService {
  const deps: RetrieveDeps = { db: opts.db, files: opts.files, log: opts.log ?? new NetworkLog(opts.db), timeoutMs: opts.timeoutMs };
  return {
    name: 'Query/Retrieve MOVE (Patient Root, Study Root)',
    sopClasses: [QR_SOP_CLASSES.PATIENT_ROOT.move, QR_SOP_CLASSES.STUDY_ROOT.move],
    transferSyntaxes: UNCOMPRESSED_TRANSFER_SYNTAXES,
    handlers: { 'C-MOVE': (assoc, req) => handleCMove(deps, assoc, req as DatasetRequest & { moveDestination?: string }) },
  };
}
