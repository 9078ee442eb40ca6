// Storage Commitment after a send (IHE RAD-10, PS3.4 J.3): the console asks the archive to commit to the images
// it just sent, and may purge its own copy only of those in `committed`. The simulated modality has no listener
// of its own, so it takes the result only on the same association (PS3.4 J.3.3 allows either): an SCP that
// answers on a new association (DCMTK-style peers, or ours once the wait is over) leaves the result `pending`,
// and the images stay uncommitted on the console, as they would on a real one whose report never arrived.
import { requestStorageCommitment, type Peer, type StorageCommitmentOutcome } from '../dimse/client';

/** How long the console keeps the association open for the report by default. */
export const DEFAULT_COMMIT_WAIT_MS = 10_000;

export async function commitInstances(peer: Peer, refs: { sopClassUid: string; sopInstanceUid: string }[], waitMs: number = DEFAULT_COMMIT_WAIT_MS): Promise<StorageCommitmentOutcome> {
  return requestStorageCommitment(peer, refs, { waitMs });
}
