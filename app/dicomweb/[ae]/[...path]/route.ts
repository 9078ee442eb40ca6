// DICOMweb (PS3.18) for an archive AE: /dicomweb/{AE}/studies, …/series, …/instances, WADO-RS below studies/{study},
// STOW-RS by POST. Thin: resolves the AE to its sandbox, checks who may use it, adds CORS for the public demo,
// and hands the request to app/dicomweb/_lib/dicomWebService.ts.
import { getDb } from '@/prisma/db';
import { getVerifiedViewer } from '@/app/_lib/session';
import { HttpError } from '@/app/_lib/errors';
import { sameOriginOr403 } from '@/app/_lib/origin';
import { archiveDirFromEnv } from '@/sim/archive/archiveFiles';
import { duplicatePolicyFromEnv } from '@/sim/archive/storageService';
import { checkAccess, isPublic, resolveArchiveAe, type ArchiveAe } from '../../_lib/access';
import { corsHeaders } from '../../_lib/cors';
import { DicomWebError, errorJson } from '../../_lib/dicomWebError';
import { handleDicomWeb } from '../../_lib/dicomWebService';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

interface RouteContext {
  params: Promise<{ ae: string; path: string[] }>;
}

async function archiveFor(ae: string): Promise<ArchiveAe | Response> {
  try {
    const archive = await resolveArchiveAe(getDb(), ae);
    checkAccess(archive, isPublic(archive) ? null : await getVerifiedViewer());
    return archive;
  } catch (e) {
    if (e instanceof DicomWebError) return errorJson(e.status, e.message);
    throw e;
  }
}

async function handle(request: Request, { params }: RouteContext): Promise<Response> {
  const { ae, path } = await params;
  // STOW-RS changes the archive: a page of another site may not make a visitor's browser store (CSRF)
  try {
    sameOriginOr403(request);
  } catch (e) {
    if (e instanceof HttpError) return errorJson(e.status, e.message);
    throw e;
  }
  const archive = await archiveFor(decodeURIComponent(ae));
  if (archive instanceof Response) return archive;
  const base = `${new URL(request.url).origin}/dicomweb/${encodeURIComponent(archive.aeTitle)}`;
  const response = await handleDicomWeb(
    {
      db: getDb(),
      archiveDir: archiveDirFromEnv(),
      sandboxId: archive.sandboxId,
      aeTitle: archive.aeTitle,
      baseUrl: base,
      duplicatePolicy: duplicatePolicyFromEnv(),
    },
    request,
    path,
  );
  if (isPublic(archive) && request.method !== 'POST') for (const [k, v] of Object.entries(corsHeaders())) response.headers.set(k, v);
  return response;
}

export const GET = handle;
export const HEAD = handle;
export const POST = handle;

/** CORS preflight: OHIF's Accept values (quoted multipart types) are not CORS-safelisted, so browsers ask first. */
export async function OPTIONS(request: Request, { params }: RouteContext): Promise<Response> {
  const { ae } = await params;
  const archive = await archiveFor(decodeURIComponent(ae));
  if (archive instanceof Response) return archive;
  const headers: Record<string, string> = { allow: 'GET, HEAD, POST, OPTIONS' };
  if (isPublic(archive)) Object.assign(headers, corsHeaders());
  return new Response(null, { status: 204, headers });
}
