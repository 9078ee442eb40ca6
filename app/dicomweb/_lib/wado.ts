// WADO-RS (PS3.18 10.4): Retrieve Transaction for studies, series and instances (the stored Part 10 files,
// byte for byte, in their stored transfer syntax), their metadata (DICOM JSON without bulk data), frames and
// bulk data. The archive does not transcode: a client that accepts only another syntax gets a 406 saying so.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '@/prisma/db';
import { instancesToRetrieve, type RetrieveInstance } from '@/sim/archive/query';
import { EXPLICIT_VR_LITTLE_ENDIAN, transferSyntaxName } from '@/sim/dicom/transferSyntaxes';
import { parseUid } from '@/sim/dicom/uid';
import { PIXEL_MEDIA_TYPES, parseAccept, partTypeOf } from './accept';
import { dcmjsToJson, type DicomJson } from './dicomJson';
import { DicomWebError } from './dicomWebError';
import { multipartStream, newBoundary, type Part } from './multipart';
import { isEncapsulated, nativeFrame, pixelInfo, readHeader, readWhole, storedFrame } from './pixels';

export interface WadoTarget {
  study: string;
  series?: string;
  instance?: string;
}

export interface WadoContext {
  db: Db;
  archiveDir: string;
  sandboxId: string;
  /** `{origin}/dicomweb/{AE}` */
  baseUrl: string;
}

function checkUid(what: string, uid: string | undefined) {
  if (uid === undefined) return;
  const r = parseUid(uid);
  if (!r.ok || r.uid !== uid) throw new DicomWebError(400, `${what} "${uid}" in the path is not a valid UID (PS3.5 9.1).`);
}

function describe(t: WadoTarget): string {
  if (t.instance) return `instance ${t.instance} in series ${t.series} of study ${t.study}`;
  if (t.series) return `series ${t.series} in study ${t.study}`;
  return `study ${t.study}`;
}

/** The stored instances of a study, series or instance (study / series number / instance number order); 404 if none. */
export async function resolveInstances(ctx: WadoContext, t: WadoTarget): Promise<RetrieveInstance[]> {
  checkUid('Study Instance UID', t.study);
  checkUid('Series Instance UID', t.series);
  checkUid('SOP Instance UID', t.instance);
  const level = t.instance ? 'IMAGE' : t.series ? 'SERIES' : 'STUDY';
  const identifier: Record<string, string> = { StudyInstanceUID: t.study };
  if (t.series) identifier.SeriesInstanceUID = t.series;
  if (t.instance) identifier.SOPInstanceUID = t.instance;
  const r = await instancesToRetrieve(ctx.db, ctx.sandboxId, level, identifier, { model: 'STUDY_ROOT' });
  if (!r.ok) throw new DicomWebError(400, r.detail);
  if (r.instances.length === 0) throw new DicomWebError(404, `No ${describe(t)} in this archive.`);
  return r.instances;
}

function absolute(ctx: WadoContext, rel: string): string {
  return join(ctx.archiveDir, ...rel.split('/'));
}

async function readStored(ctx: WadoContext, i: RetrieveInstance): Promise<Buffer> {
  try {
    return await readFile(absolute(ctx, i.filePath));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new DicomWebError(404, `Instance ${i.sopInstanceUid} is indexed but its file is missing from the archive store.`);
    }
    throw e;
  }
}

export function instanceUrl(baseUrl: string, i: Pick<RetrieveInstance, 'studyInstanceUid' | 'seriesInstanceUid' | 'sopInstanceUid'>): string {
  return `${baseUrl}/studies/${i.studyInstanceUid}/series/${i.seriesInstanceUid}/instances/${i.sopInstanceUid}`;
}

// ---------------------------------------------------------------------------------------------------------
// Instances (PS3.18 10.4.1.1.1): multipart/related; type="application/dicom"
// ---------------------------------------------------------------------------------------------------------

/**
 * Which stored syntaxes an Accept header lets us send as they are. `transfer-syntax=*` takes any; a named syntax
 * takes that one; none named means Explicit VR Little Endian (PS3.18 8.7.3.5.2), and we also send the other
 * native syntaxes then (their pixel data is identical; the part's Content-Type names the real one).
 */
function acceptsStored(accept: string | null, partType: string, stored: string): boolean {
  for (const r of parseAccept(accept)) {
    if (partTypeOf(r, partType) !== partType && !(r.type === partType)) continue;
    const ts = r.params['transfer-syntax'];
    if (r.type === '*/*' || r.type === 'multipart/*' || ts === '*') return true;
    if (ts === stored) return true;
    if (ts === undefined && !isEncapsulated(stored)) return true;
  }
  return false;
}

function notAcceptable(accept: string | null, stored: string[], what: string): DicomWebError {
  const names = [...new Set(stored)].map((s) => `${transferSyntaxName(s)} (${s})`).join(', ');
  return new DicomWebError(
    406,
    `The ${what} is stored as ${names} and this archive sends what it stores without transcoding; ` +
      `your Accept header (${accept ?? 'none'}) does not allow that. Ask for ` +
      `multipart/related; type="application/dicom"; transfer-syntax=* (or the stored syntax).`,
  );
}

export async function retrieveInstances(ctx: WadoContext, t: WadoTarget, accept: string | null): Promise<Response> {
  const instances = await resolveInstances(ctx, t);
  const multipartOk = parseAccept(accept).some((r) => partTypeOf(r, 'application/dicom') === 'application/dicom');
  const singleOk = !!t.instance && parseAccept(accept).some((r) => r.type === 'application/dicom');
  if (!multipartOk && !singleOk) {
    throw new DicomWebError(406, `A ${t.instance ? 'instance' : t.series ? 'series' : 'study'} is sent as multipart/related; type="application/dicom"; your Accept header (${accept}) does not allow it.`);
  }
  const refused = instances.filter((i) => !acceptsStored(accept, 'application/dicom', i.transferSyntaxUid));
  if (refused.length) throw notAcceptable(accept, refused.map((i) => i.transferSyntaxUid), describe(t));

  if (!multipartOk && singleOk) {
    const i = instances[0];
    return new Response(new Uint8Array(await readStored(ctx, i)), {
      headers: { 'content-type': `application/dicom; transfer-syntax=${i.transferSyntaxUid}`, 'content-length': String(i.fileSize) },
    });
  }
  // every file must be there before the 200 goes out: a missing one is a 404 now rather than a truncated body later
  await Promise.all(instances.map((i) => readStoredCheck(ctx, i)));
  const parts: Part[] = instances.map((i) => ({
    contentType: `application/dicom; transfer-syntax=${i.transferSyntaxUid}`,
    headers: { 'Content-Location': instanceUrl(ctx.baseUrl, i) },
    body: () => createReadStream(absolute(ctx, i.filePath), { highWaterMark: 256 * 1024 }) as AsyncIterable<Uint8Array>,
  }));
  const boundary = newBoundary();
  return new Response(multipartStream(parts, boundary), {
    headers: { 'content-type': `multipart/related; type="application/dicom"; boundary=${boundary}` },
  });
}

async function readStoredCheck(ctx: WadoContext, i: RetrieveInstance) {
  const { stat } = await import('node:fs/promises');
  try {
    await stat(absolute(ctx, i.filePath));
  } catch {
    throw new DicomWebError(404, `Instance ${i.sopInstanceUid} is indexed but its file is missing from the archive store.`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Metadata (PS3.18 10.4.1.1.2): application/dicom+json, bulk data by reference
// ---------------------------------------------------------------------------------------------------------

function acceptsJson(accept: string | null): boolean {
  return parseAccept(accept).some((r) =>
    ['*/*', 'application/*', 'application/dicom+json', 'application/json'].includes(r.type) ||
    (r.type === 'multipart/related' && (r.params.type ?? '').toLowerCase() === 'application/dicom+json'),
  );
}

export async function retrieveMetadata(ctx: WadoContext, t: WadoTarget, accept: string | null): Promise<DicomJson[]> {
  if (!acceptsJson(accept)) throw new DicomWebError(406, `Metadata is sent as application/dicom+json; your Accept header (${accept}) does not allow it (application/dicom+xml is not supported).`);
  const instances = await resolveInstances(ctx, t);
  const out: DicomJson[] = [];
  for (const i of instances) {
    const { dict } = readHeader(await readStored(ctx, i));
    const url = instanceUrl(ctx.baseUrl, i);
    const json = dcmjsToJson(dict, { instanceUrl: url });
    // the header was read up to Pixel Data: point at it rather than inline it (PS3.18 F.2.7)
    if (i.sopClassUid && (json['00280010'] || json['00280011'])) {
      json['7FE00010'] = { vr: isEncapsulated(i.transferSyntaxUid) ? 'OB' : json['00280100']?.Value?.[0] === 8 ? 'OB' : 'OW', BulkDataURI: `${url}/bulkdata/7FE00010` };
    }
    // the transfer syntax is a file meta attribute (group 0002); clients want it (AvailableTransferSyntaxUID, PS3.18 Table 6.7.1-2a)
    json['00083002'] = { vr: 'UI', Value: [i.transferSyntaxUid] };
    out.push(Object.fromEntries(Object.entries(json).sort(([a], [b]) => (a < b ? -1 : 1))));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Frames (PS3.18 10.4.1.1.3) and bulk data (10.4.1.1.5)
// ---------------------------------------------------------------------------------------------------------

export function parseFrameList(raw: string): number[] {
  const list = raw.split(',').map((s) => s.trim());
  if (list.length === 0 || list.some((s) => !/^[1-9]\d{0,6}$/.test(s))) {
    throw new DicomWebError(400, `Frame list "${raw}" must be frame numbers from 1, separated by commas (e.g. 1 or 1,3,5).`);
  }
  return list.map(Number);
}

type FramePlan = { mode: 'stored'; partType: string } | { mode: 'native' };

/**
 * What to send for a frame request: the stored bitstream (`transfer-syntax=*`, the stored syntax named, or the
 * compressed media type asked for), or native little endian pixels (application/octet-stream without a syntax:
 * Explicit VR Little Endian, PS3.18 8.7.3.5.1), decoding a compressed frame for that.
 */
function planFrames(accept: string | null, stored: string): FramePlan {
  const encapsulated = isEncapsulated(stored);
  const storedType = encapsulated ? PIXEL_MEDIA_TYPES[stored] ?? 'application/octet-stream' : 'application/octet-stream';
  for (const r of parseAccept(accept)) {
    const partType = partTypeOf(r, 'application/octet-stream') ?? (r.type.startsWith('image/') || r.type === 'application/octet-stream' ? r.type : undefined);
    if (!partType) continue;
    const ts = r.params['transfer-syntax'];
    if (r.type === '*/*' || r.type === 'multipart/*') return { mode: 'stored', partType: storedType };
    if (partType === 'application/octet-stream') {
      if (ts === '*' || ts === stored) return { mode: 'stored', partType: encapsulated ? storedType : 'application/octet-stream' };
      if ((ts === undefined || ts === EXPLICIT_VR_LITTLE_ENDIAN) && !encapsulated) return { mode: 'stored', partType };
      if (ts === undefined || ts === EXPLICIT_VR_LITTLE_ENDIAN) return { mode: 'native' };
      continue;
    }
    if (encapsulated && partType === storedType && (ts === undefined || ts === '*' || ts === stored)) return { mode: 'stored', partType };
  }
  throw new DicomWebError(
    406,
    `The frames are stored as ${transferSyntaxName(stored)} (${stored}); your Accept header (${accept ?? 'none'}) allows neither that ` +
      `nor uncompressed pixels. Ask for multipart/related; type="application/octet-stream"; transfer-syntax=*` +
      (encapsulated ? ` or type="${storedType}".` : '.'),
  );
}

export async function retrieveFrames(ctx: WadoContext, t: Required<WadoTarget>, frameList: string, accept: string | null): Promise<Response> {
  const frames = parseFrameList(frameList);
  const [i] = await resolveInstances(ctx, t);
  const plan = planFrames(accept, i.transferSyntaxUid);
  const r = readWhole(await readStored(ctx, i));
  pixelInfo(r.dict);
  const parts: Part[] = [];
  for (const n of frames) {
    if (plan.mode === 'stored') {
      const ts = isEncapsulated(i.transferSyntaxUid) ? i.transferSyntaxUid : EXPLICIT_VR_LITTLE_ENDIAN;
      parts.push({ contentType: `${plan.partType}; transfer-syntax=${ts}`, body: storedFrame(r, n) });
    } else {
      parts.push({ contentType: `application/octet-stream; transfer-syntax=${EXPLICIT_VR_LITTLE_ENDIAN}`, body: (await nativeFrame(r, n)).data });
    }
  }
  const type = plan.mode === 'stored' ? plan.partType : 'application/octet-stream';
  const boundary = newBoundary();
  return new Response(multipartStream(parts, boundary), {
    headers: { 'content-type': `multipart/related; type="${type}"; boundary=${boundary}` },
  });
}

/** Bulk data by the URI the metadata gave: `…/bulkdata/{tag}[/{tag}/{item}/…]`. Pixel Data is sent frame by frame. */
export async function retrieveBulkData(ctx: WadoContext, t: Required<WadoTarget>, path: string[], accept: string | null): Promise<Response> {
  if (path.length === 0 || path.length % 2 === 0 || path.some((p, k) => (k % 2 === 0 ? !/^[0-9A-F]{8}$/i.test(p) : !/^\d+$/.test(p)))) {
    throw new DicomWebError(400, `Bulk data path "${path.join('/')}" is not one this archive gave out (tag, then item number and tag, …).`);
  }
  const [i] = await resolveInstances(ctx, t);
  const r = readWhole(await readStored(ctx, i));
  if (path.length === 1 && path[0].toUpperCase() === '7FE00010') {
    const n = pixelInfo(r.dict).numberOfFrames;
    return retrieveFrames(ctx, t, Array.from({ length: n }, (_, k) => k + 1).join(','), accept);
  }
  let dict = r.dict;
  for (let k = 0; k < path.length - 1; k += 2) {
    const items = dict[path[k].toUpperCase()]?.Value as typeof dict[] | undefined;
    const item = items?.[Number(path[k + 1])];
    if (!item) throw new DicomWebError(404, `No bulk data at ${path.join('/')}.`);
    dict = item;
  }
  const el = dict[path[path.length - 1].toUpperCase()];
  const buffers = (el?.Value ?? []).filter((v): v is ArrayBuffer => v instanceof ArrayBuffer);
  if (!el || buffers.length === 0) throw new DicomWebError(404, `No bulk data at ${path.join('/')}.`);
  const boundary = newBoundary();
  return new Response(
    multipartStream([{ contentType: 'application/octet-stream', body: Buffer.concat(buffers.map((b) => Buffer.from(b))) }], boundary),
    { headers: { 'content-type': `multipart/related; type="application/octet-stream"; boundary=${boundary}` } },
  );
}
