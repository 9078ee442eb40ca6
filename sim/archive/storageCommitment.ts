// Storage Commitment Push Model SCP (PS3.4 Annex J): placeholder until implemented below.
import type { Db } from '../../prisma/db';
import { STORAGE_COMMITMENT_PUSH_MODEL_SOP_CLASS } from '../dicom/sopClasses';
import { UNCOMPRESSED_TRANSFER_SYNTAXES } from '../dicom/transferSyntaxes';
import type { DimseService } from '../dimse/types';
import type { ArchiveFiles } from './archiveFiles';

export function createStorageCommitmentService(_opts: { db: Db; files: ArchiveFiles }): DimseService {
  return { name: 'Storage Commitment', sopClasses: [STORAGE_COMMITMENT_PUSH_MODEL_SOP_CLASS], transferSyntaxes: UNCOMPRESSED_TRANSFER_SYNTAXES, handlers: {} };
}
