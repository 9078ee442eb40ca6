// The C-FIND SCP of the archive: Patient Root and Study Root Query/Retrieve Information Model - FIND
// (PS3.4 C.4.1, C.6.1.1.1 / C.6.2.1.1), a thin DIMSE wrapper over query.ts. One pending response per match
// (FF00, or FF01 when the identifier asked for optional keys we do not support, PS3.4 C.4.1.1.4), then Success;
// a C-CANCEL stops the matching and ends with FE00; a bad identifier ends with A900, a failure with C000-range.
import type { Db } from '../../prisma/db';
import { Status } from '../dicom/status';
import { UNCOMPRESSED_TRANSFER_SYNTAXES } from '../dicom/transferSyntaxes';
import type { AssociationInfo, DatasetRequest, DimseReply, DimseService } from '../dimse/types';
import { prepareFind, QR_SOP_CLASSES, runFind, unableToProcess, type QrModel } from './query';

/**
 * Let the event loop run every this many responses. The listener sends the pendings yielded in between as one
 * batch (one writev: dimseServer.ts, corkUntilTick), and an incoming C-CANCEL can only be read here: the cancel
 * flag is checked before every match, but a cancel arrives between batches, so at most this many pendings go
 * out after the peer sent it; the final status is then Cancel, FE00 (PS3.4 C.4.1.1.4).
 */
const YIELD_EVERY = 32;

export function modelOfFindSopClass(uid: string): QrModel | undefined {
  if (uid === QR_SOP_CLASSES.PATIENT_ROOT.find) return 'PATIENT_ROOT';
  if (uid === QR_SOP_CLASSES.STUDY_ROOT.find) return 'STUDY_ROOT';
  return undefined;
}

const cancelled = (n: number): DimseReply => ({ status: Status.Cancel, logDetail: `C-CANCEL received after ${n} matches` });

/**
 * handleCFind: the one C-FIND handler. Scoped to the sandbox the association was routed to; Retrieve AE Title is
 * the called archive AE. Combined date-time matching would need the extended negotiation item (PS3.4
 * C.5.1.1.2), which dcmjs-dimse does not surface, so Study Date and Study Time are matched independently.
 */
export async function* handleCFind(db: Db, assoc: AssociationInfo, req: DatasetRequest): AsyncGenerator<DimseReply> {
  const model = modelOfFindSopClass(req.abstractSyntax || req.sopClassUid);
  if (!model) {
    yield { status: Status.SopClassNotSupported, logDetail: `C-FIND on ${req.abstractSyntax || req.sopClassUid} is not a Query/Retrieve FIND model` };
    return;
  }
  const options = { retrieveAeTitle: assoc.localNode.aeTitle };
  const q = prepareFind(model, req.dataset ?? {}, options);
  if (!q.ok) {
    yield { status: q.status, errorComment: q.errorComment, logDetail: `${q.meaning}: ${q.detail}` };
    return;
  }
  let n = 0;
  try {
    for await (const match of runFind(db, assoc.sandboxId, q, options)) {
      if (req.signal.aborted) {
        yield cancelled(n);
        return;
      }
      n++;
      yield { status: q.pendingStatus, dataset: match };
      if (n % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  } catch (err) {
    const f = unableToProcess(err);
    yield { status: f.status, errorComment: f.errorComment, logDetail: f.detail };
    return;
  }
  if (req.signal.aborted) {
    yield cancelled(n);
    return;
  }
  yield {
    status: Status.Success,
    logDetail: `${n} matches at ${q.level} level${q.unsupported.length ? `; not supported, returned empty: ${q.unsupported.join(', ')}` : ''}`,
  };
}

/** The archive's C-FIND service, for the archive role's service list (sim/daemon.ts wires it). */
export function findService(db: Db): DimseService {
  return {
    name: 'Query/Retrieve FIND (Patient Root, Study Root)',
    sopClasses: [QR_SOP_CLASSES.PATIENT_ROOT.find, QR_SOP_CLASSES.STUDY_ROOT.find],
    transferSyntaxes: UNCOMPRESSED_TRANSFER_SYNTAXES,
    handlers: { 'C-FIND': (assoc, req) => handleCFind(db, assoc, req) },
  };
}
