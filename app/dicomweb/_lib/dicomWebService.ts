// The DICOMweb service of one archive AE (PS3.18): maps a method and the path below /dicomweb/{AE} to QIDO-RS,
// WADO-RS and STOW-RS, and every failure to a JSON error with its HTTP status. Takes the database, archive folder
// and sandbox as arguments so tests drive it without a web server; the route file adds access control and CORS.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '@/prisma/db';
import type { DuplicatePolicy } from '@/sim/archive/storageService';
import { HttpError } from '@/app/_lib/errors';
import { DicomWebError, errorJson } from './dicomWebError';
import { searchForResources, type QidoTarget } from './qido';
import { parseRenderParams, renderedMediaType, renderPng, THUMBNAIL_SIZE } from './render';
import { readWhole } from './pixels';
import { storeInstances } from './stow';
import { parseFrameList, resolveInstances, retrieveBulkData, retrieveFrames, retrieveInstances, retrieveMetadata, type WadoTarget } from './wado';

export interface DicomWebContext {
  db: Db;
  archiveDir: string;
  sandboxId: string;
  /** the archive AE title in the URL */
  aeTitle: string;
  /** `{origin}/dicomweb/{AE}`: the base of RetrieveURL and BulkDataURI values */
  baseUrl: string;
  duplicatePolicy?: DuplicatePolicy;
  maxStowBytes?: number;
}

const DICOM_JSON = 'application/dicom+json';

function warningHeaders(warnings: string[]): [string, string][] {
  // RFC 7234 5.5 warn-code 299 "miscellaneous persistent warning", as PS3.18 8.4.3 uses it
  // header values are bytes: keep them printable ASCII (the status texts use ≠ and the like)
  const ascii = (w: string) => w.replace(/≠/g, '!=').replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '?');
  return warnings.map((w) => ['warning', `299 PACSLAB "${ascii(w)}"`]);
}

function json(status: number, body: unknown, warnings: string[] = []): Response {
  const headers = new Headers([['content-type', DICOM_JSON], ...warningHeaders(warnings)]);
  return new Response(JSON.stringify(body), { status, headers });
}

async function rendered(ctx: DicomWebContext, t: WadoTarget, frame: number | 'representative', thumbnail: boolean, request: Request): Promise<Response> {
  const type = renderedMediaType(request.headers.get('accept'));
  const opts = parseRenderParams(new URL(request.url).searchParams);
  if (thumbnail && !opts.viewport) opts.viewport = { width: THUMBNAIL_SIZE, height: THUMBNAIL_SIZE };
  const instances = await resolveInstances(ctx, t);
  // a study's or series' thumbnail: the middle image of its first series (PS3.18 10.4.1.1.4 leaves the choice to us)
  const firstSeries = instances.filter((i) => i.seriesInstanceUid === instances[0].seriesInstanceUid);
  const candidates = t.instance ? instances : [firstSeries[Math.floor((firstSeries.length - 1) / 2)], ...instances];
  let last: unknown;
  for (const i of candidates.slice(0, 5)) {
    try {
      const file = await readFile(join(ctx.archiveDir, ...i.filePath.split('/')));
      const png = await renderPng(readWhole(file), frame === 'representative' ? 1 : frame, opts);
      return new Response(new Uint8Array(png), { headers: { 'content-type': type, 'cache-control': 'private, max-age=300' } });
    } catch (e) {
      if (t.instance || !(e instanceof DicomWebError)) throw e;
      last = e; // not an image, or not renderable: try the next one for a study/series thumbnail
    }
  }
  throw last instanceof DicomWebError ? last : new DicomWebError(404, 'Nothing in it can be rendered.');
}

function notFound(path: string[]): DicomWebError {
  return new DicomWebError(404, `No DICOMweb resource at "${path.join('/')}". QIDO-RS: studies, series, instances; WADO-RS: studies/{study}[/series/{series}[/instances/{instance}]][/metadata|/rendered|/thumbnail|/frames/{list}]; STOW-RS: POST studies.`);
}

async function get(ctx: DicomWebContext, request: Request, path: string[]): Promise<Response> {
  const url = new URL(request.url);
  const accept = request.headers.get('accept');
  const search = async (target: QidoTarget) => {
    const r = await searchForResources(ctx.db, ctx.sandboxId, target, url.searchParams, { baseUrl: ctx.baseUrl, retrieveAeTitle: ctx.aeTitle });
    if (r.matches.length === 0) return new Response(null, { status: 204, headers: new Headers(warningHeaders(r.warnings)) });
    return json(200, r.matches, r.warnings);
  };
  const [p0, study, p2, series, p4, instance, p6, ...rest] = path;
  if (p0 === 'studies' && path.length === 1) return search({ level: 'studies' });
  if (p0 === 'series' && path.length === 1) return search({ level: 'series' });
  if (p0 === 'instances' && path.length === 1) return search({ level: 'instances' });
  if (p0 !== 'studies' || !study) throw notFound(path);

  const t: WadoTarget = { study };
  if (path.length === 2) return retrieveInstances(ctx, t, accept);
  if (path.length === 3) {
    if (p2 === 'series') return search({ level: 'series', study });
    if (p2 === 'instances') return search({ level: 'instances', study });
    if (p2 === 'metadata') return json(200, await retrieveMetadata(ctx, t, accept));
    if (p2 === 'thumbnail') return rendered(ctx, t, 'representative', true, request);
    throw notFound(path);
  }
  if (p2 !== 'series' || !series) throw notFound(path);
  t.series = series;
  if (path.length === 4) return retrieveInstances(ctx, t, accept);
  if (path.length === 5) {
    if (p4 === 'instances') return search({ level: 'instances', study, series });
    if (p4 === 'metadata') return json(200, await retrieveMetadata(ctx, t, accept));
    if (p4 === 'thumbnail') return rendered(ctx, t, 'representative', true, request);
    throw notFound(path);
  }
  if (p4 !== 'instances' || !instance) throw notFound(path);
  const it = { study, series, instance };
  if (path.length === 6) return retrieveInstances(ctx, it, accept);
  if (p6 === 'metadata' && rest.length === 0) return json(200, await retrieveMetadata(ctx, it, accept));
  if (p6 === 'rendered' && rest.length === 0) return rendered(ctx, it, 1, false, request);
  if (p6 === 'thumbnail' && rest.length === 0) return rendered(ctx, it, 1, true, request);
  if (p6 === 'bulkdata') return retrieveBulkData(ctx, it, rest, accept);
  if (p6 === 'frames' && rest.length === 1) return retrieveFrames(ctx, it, rest[0], accept);
  if (p6 === 'frames' && rest.length === 2 && (rest[1] === 'rendered' || rest[1] === 'thumbnail')) {
    const frames = parseFrameList(rest[0]);
    if (frames.length !== 1) throw new DicomWebError(400, 'Rendering takes one frame number (e.g. frames/3/rendered).');
    return rendered(ctx, it, frames[0], rest[1] === 'thumbnail', request);
  }
  throw notFound(path);
}

async function post(ctx: DicomWebContext, request: Request, path: string[]): Promise<Response> {
  if (path[0] !== 'studies' || path.length > 2) {
    throw new DicomWebError(404, `STOW-RS stores to "studies" or "studies/{study}", not "${path.join('/')}".`);
  }
  const r = await storeInstances(
    { db: ctx.db, archiveDir: ctx.archiveDir, sandboxId: ctx.sandboxId, aeTitle: ctx.aeTitle, baseUrl: ctx.baseUrl, duplicatePolicy: ctx.duplicatePolicy, maxBytes: ctx.maxStowBytes },
    request,
    path[1],
  );
  return json(r.status, r.body, r.warnings);
}

function safeDecode(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

/** Answers one DICOMweb request below /dicomweb/{AE}; never throws. */
export async function handleDicomWeb(ctx: DicomWebContext, request: Request, path: string[]): Promise<Response> {
  try {
    const segments = path.map(safeDecode);
    if (request.method === 'GET' || request.method === 'HEAD') return await get(ctx, request, segments);
    if (request.method === 'POST') return await post(ctx, request, segments);
    return errorJson(405, `${request.method} is not a DICOMweb method here (GET, POST, OPTIONS).`, { allow: 'GET, HEAD, POST, OPTIONS' });
  } catch (e) {
    if (e instanceof DicomWebError || e instanceof HttpError) return errorJson(e.status, e.message);
    console.error('[dicomweb] unexpected error', e);
    return errorJson(500, 'Something went wrong on the server. It has been logged.');
  }
}
