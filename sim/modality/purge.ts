// Freeing the scanner's disk. IHE Scheduled Workflow (RAD-10, Storage Commitment): a modality may delete its
// local copy of an image only after an archive has committed to keep it (PS3.4 J.3.3: listed in the
// N-EVENT-REPORT's Referenced SOP Sequence). Images no archive has committed are kept, and the console says why.
import { z } from 'zod';
import type { Db } from '../../prisma/db';
import { ModalityError } from './failures';
import { folderPath, imagePath, removeFile, removeFolderIfEmpty } from './store';

export async function purgeAcquisition(db: Db, acquisitionId: string): Promise<{ purged: number; kept: number; message: string }> {
  z.string().min(1).parse(acquisitionId);
  const acquisition = await db.acquisition.findUnique({
    where: { id: acquisitionId },
    include: { images: { include: { sendItems: { where: { committedAt: { not: null } }, select: { job: { select: { target: true } } } } } } },
  });
  if (!acquisition) throw new ModalityError('not-found', `acquisition ${acquisitionId} does not exist`);
  const committed = acquisition.images.filter((i) => i.sendItems.length);
  const kept = acquisition.images.length - committed.length;
  for (const image of committed) await removeFile(imagePath(acquisition.folder, image.file));
  if (!kept) {
    await removeFolderIfEmpty(folderPath(acquisition.folder));
    await db.acquisition.update({ where: { id: acquisitionId }, data: { purgedAt: new Date() } });
  }
  const archives = [...new Set(committed.flatMap((i) => i.sendItems.map((s) => s.job.target.split('@')[0])))].join(', ');
  const n = (k: number) => `${k} image${k === 1 ? '' : 's'}`;
  let message: string;
  if (!committed.length) {
    message = `Nothing deleted: none of the ${n(kept)} has been committed by an archive yet. A scanner deletes its copy only after Storage Commitment (IHE SWF) — send the study and wait for the commitment`;
  } else if (kept) {
    message = `Deleted the local copies of ${n(committed.length)} committed by ${archives}; kept ${n(kept)} not committed by any archive (IHE SWF: delete only after Storage Commitment) — send them again`;
  } else {
    message = `Deleted the local copies of all ${n(committed.length)}: committed by ${archives}`;
  }
  return { purged: committed.length, kept, message };
}
