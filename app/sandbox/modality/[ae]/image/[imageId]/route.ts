// A thumbnail of one image on the scanner's local disk (the console's acquisition preview). The file path comes
// from the database (acquisition folder + file name written by sim/modality), never from the URL.
import { readFile } from 'node:fs/promises';
import { getDb } from '@/prisma/db';
import { errorResponse, HttpError, route } from '@/app/_lib/errors';
import { readWhole } from '@/app/dicomweb/_lib/pixels';
import { renderPng, THUMBNAIL_SIZE } from '@/app/dicomweb/_lib/render';
import { imagePath } from '@/sim/modality/store';
import { isScanner } from '../../../../_lib/modality';
import { currentSandbox } from '../../../../_lib/current';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = route(async (_request: Request, { params }: { params: Promise<{ ae: string; imageId: string }> }) => {
  const { ae, imageId } = await params;
  const sandbox = await currentSandbox();
  if (!isScanner(ae) || !sandbox || !/^[a-z0-9]{1,40}$/i.test(imageId)) throw new HttpError(404, 'No such image on this scanner.');
  const image = await getDb().acquiredImage.findFirst({
    where: { id: imageId, acquisition: { sandboxId: sandbox.id, modalityAe: ae } },
    include: { acquisition: { select: { folder: true, purgedAt: true } } },
  });
  if (!image) throw new HttpError(404, 'No such image on this scanner.');
  if (image.acquisition.purgedAt) throw new HttpError(410, 'This image was purged from the scanner after the archive committed to it.');
  let bytes: Buffer;
  try {
    bytes = await readFile(imagePath(image.acquisition.folder, image.file));
  } catch {
    throw new HttpError(410, 'This image is no longer on the scanner’s disk.');
  }
  try {
    const png = await renderPng(readWhole(bytes), 1, { viewport: { width: THUMBNAIL_SIZE, height: THUMBNAIL_SIZE } });
    return new Response(new Uint8Array(png), { headers: { 'content-type': 'image/png', 'cache-control': 'private, max-age=3600' } });
  } catch (e) {
    return errorResponse(new HttpError(415, `This image cannot be previewed here: ${e instanceof Error ? e.message : String(e)}`));
  }
});
