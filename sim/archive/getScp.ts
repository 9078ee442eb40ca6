// The C-GET SCP of the archive: Patient Root and Study Root Query/Retrieve Information Model - GET (PS3.4 C.4.3,
// C.6.1.1.3 / C.6.2.1.3). The C-STORE sub-operations go back on the SAME association, on the presentation
// contexts the requestor proposed for the storage SOP classes with the SCP role (SCP/SCU Role Selection,
// PS3.7 D.3.3.4, answered by contextPolicy.ts), each instance as its stored bytes whenever an accepted context
// has its stored transfer syntax.
import dimse from 'dcmjs-dimse';
import type { Db } from '../../prisma/db';
import { STORAGE_SOP_CLASSES } from '../dicom/sopClasses';
import { Status } from '../dicom/status';
import { UNCOMPRESSED_TRANSFER_SYNTAXES } from '../dicom/transferSyntaxes';
import type { AssociationInfo, DatasetRequest, DimseReply, DimseService } from '../dimse/types';
import type { ArchiveFiles } from './archiveFiles';
import { QR_SOP_CLASSES, type QrModel } from './query';
import { BytesDataset, datasetForSend, planSendSyntax, resolveRetrieve, runSubOperations } from './retrieveSubOperations';

const { CStoreRequest } = dimse.requests;

export function modelOfGetSopClass(uid: string): QrModel | undefined {
  if (uid === QR_SOP_CLASSES.PATIENT_ROOT.get) return 'PATIENT_ROOT';
  if (uid === QR_SOP_CLASSES.STUDY_ROOT.get) return 'STUDY_ROOT';
  return undefined;
}

/** Transfer syntaxes accepted per storage SOP class on contexts where the requestor took the SCP role. */
export function storeContextsOf(assoc: AssociationInfo): Map<string, Set<string>> {
  const byClass = new Map<string, Set<string>>();
  for (const c of assoc.contexts) {
    if (c.result !== 0 || !c.acceptedTransferSyntax || !c.acceptedRoles?.scp) continue;
    const set = byClass.get(c.abstractSyntax) ?? new Set<string>();
    set.add(c.acceptedTransferSyntax);
    byClass.set(c.abstractSyntax, set);
  }
  return byClass;
}

/**
 * handleCGet: the one C-GET handler. Statuses per PS3.4 C.4.3.1.4 (Table C.4-3): A900 / C000 for an identifier
 * that cannot be resolved (as C-FIND), FF00 pendings with the four counts after each C-STORE sub-operation, then
 * 0000, B000 (with the Failed SOP Instance UID List) or A702 (all failed); FE00 on C-CANCEL. An instance for whose
 * SOP class no context was negotiated with the SCP role (or none in a syntax we may send it in) is a failed
 * sub-operation (PS3.4 C.4.3.3), named with its reason in the network log.
 */
export async function* handleCGet(deps: { db: Db; files: ArchiveFiles }, assoc: AssociationInfo, req: DatasetRequest): AsyncGenerator<DimseReply> {
  const model = modelOfGetSopClass(req.abstractSyntax || req.sopClassUid);
  if (!model) {
    yield { status: Status.SopClassNotSupported, logDetail: `C-GET on ${req.abstractSyntax || req.sopClassUid} is not a Query/Retrieve GET model` };
    return;
  }
  const found = await resolveRetrieve(deps.db, assoc.sandboxId, req.dataset, model);
  if ('reply' in found) {
    yield found.reply;
    return;
  }
  const contexts = storeContextsOf(assoc);
  let converted = 0;
  yield* runSubOperations({
    instances: found.instances,
    signal: req.signal,
    summary: () => (converted ? `${converted} sent uncompressed because no context had the stored syntax` : undefined),
    async store(inst) {
      const accepted = contexts.get(inst.sopClassUid);
      if (!accepted) {
        return { status: Status.ProcessingFailure, detail: `no presentation context for ${inst.sopClassUid} with the SCP role was negotiated (PS3.4 C.4.3.3)` };
      }
      const plan = planSendSyntax(inst.transferSyntaxUid, accepted);
      if (!plan.ok) return { status: Status.ProcessingFailure, detail: `not sent: ${plan.reason}` };
      if (!assoc.isOpen()) return { status: Status.ProcessingFailure, detail: 'the association has ended' };
      const bytes = await datasetForSend(deps.files, inst, plan);
      const request = new CStoreRequest(new BytesDataset(bytes, plan.syntax, inst.sopClassUid, inst.sopInstanceUid));
      const response = await assoc.sendRequest(request);
      if (plan.convert && response.getStatus() === Status.Success) converted++;
      const comment = (response as unknown as { getErrorComment?(): string }).getErrorComment?.();
      return { status: response.getStatus(), detail: comment ? `${assoc.callingAe} answered: ${comment}` : undefined };
    },
  });
}

/** The archive's C-GET service (Patient Root, Study Root), for the archive role's service list. */
export function createGetService(opts: { db: Db; files: ArchiveFiles }): DimseService {
  return {
    name: 'Query/Retrieve GET (Patient Root, Study Root)',
    sopClasses: [QR_SOP_CLASSES.PATIENT_ROOT.get, QR_SOP_CLASSES.STUDY_ROOT.get],
    transferSyntaxes: UNCOMPRESSED_TRANSFER_SYNTAXES,
    requestorScpRole: STORAGE_SOP_CLASSES.map((c) => c.uid),
    handlers: { 'C-GET': (assoc, req) => handleCGet(opts, assoc, req) },
  };
}
