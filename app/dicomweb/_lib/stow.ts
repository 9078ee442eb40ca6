// STOW-RS (PS3.18 10.5): Store Transaction. Each part of a multipart/related; type="application/dicom" body is a
// Part 10 file; its data set goes through the archive's one C-STORE implementation (sim/archive/storageService:
// UID validation, SOP class check, quota, duplicate policy, durable write, index), so DICOM and DICOMweb store
// alike. The data set is kept byte for byte; the file meta group is the archive's own, as for C-STORE (PS3.10 7.1:
// it names the implementation that wrote the file). The response lists what was stored and what failed and why.
import { mkdir } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Db } from '@/prisma/db';
import { ArchiveFiles, INCOMING_DIR } from '@/sim/archive/archiveFiles';
import { createStorageService, type DuplicatePolicy } from '@/sim/archive/storageService';
import { DatasetParseError, parseDatasetHeader } from '@/sim/dicom/datasetHeader';
import { splitPart10 } from '@/sim/dicom/part10';
import { describeStatus, Status, statusCategory } from '@/sim/dicom/status';
import { isSupportedTransferSyntax } from '@/sim/dicom/transferSyntaxes';
import { parseUid } from '@/sim/dicom/uid';
import type { AssociationInfo, DimseResult, StoreRequest } from '@/sim/dimse/types';
import { jsonAttribute, type DicomJson } from './dicomJson';
import { DicomWebError } from './dicomWebError';
import { boundaryOf, MultipartError, parseMultipart } from './multipart';

/** Default cap on a STOW-RS request body. */
export const DEFAULT_MAX_STOW_BYTES = 512 * 1024 * 1024;
/** The calling AE the network-side store path records for instances that came over DICOMweb. */
export const STOW_SOURCE_AE = 'STOW-RS';

/** FailureReason (0008,1197) values used here (PS3.18 Table 10.5.3-2 / PS3.4 B.2.3). */
export const FailureReason = {
  ProcessingFailure: 0x0110,
  SopClassNotSupported: 0x0122,
  OutOfResources: 0xa700,
  DataSetDoesNotMatchSopClass: 0xa900,
  CannotUnderstand: 0xc000,
  TransferSyntaxNotSupported: 0xc122,
} as const;

export interface StowContext {
  db: Db;
  archiveDir: string;
  sandboxId: string;
  /** the archive AE title the request was addressed to */
  aeTitle: string;
  /** `{origin}/dicomweb/{AE}` */
  baseUrl: string;
  duplicatePolicy?: DuplicatePolicy;
  maxBytes?: number;
}

const filesByRoot = globalThis as unknown as { __pacslabStowFiles?: Map<string, ArchiveFiles> };

/** One ArchiveFiles per archive folder. Never `init()` here: that sweeps .incoming, which the DICOM listener may be writing into. */
async function archiveFiles(root: string): Promise<ArchiveFiles> {
  filesByRoot.__pacslabStowFiles ??= new Map();
  let f = filesByRoot.__pacslabStowFiles.get(root);
  if (!f) {
    await mkdir(join(root, INCOMING_DIR), { recursive: true });
    f = new ArchiveFiles(root);
    filesByRoot.__pacslabStowFiles.set(root, f);
  }
  return f;
}

/** Reads the body, refusing (413) as soon as it passes `max` bytes. */
async function readCapped(request: Request, max: number): Promise<Buffer> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > max) {
    throw new DicomWebError(413, `The request body is ${declared} bytes; this archive accepts at most ${max} bytes per STOW-RS request. Send the instances in several requests.`);
  }
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      throw new DicomWebError(413, `The request body passed ${max} bytes; this archive accepts at most ${max} bytes per STOW-RS request. Send the instances in several requests.`);
    }
    chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }
  return Buffer.concat(chunks, size);
}

interface Outcome {
  sopClassUid: string;
  sopInstanceUid: string;
  status: number;
  comment: string;
  studyInstanceUid?: string;
  seriesInstanceUid?: string;
}

function fakeAssociation(ctx: StowContext): AssociationInfo {
  const node = { id: '', aeTitle: ctx.aeTitle, role: 'archive', host: '', port: 0 };
  return {
    id: `stow-${randomUUID()}`,
    sandboxId: ctx.sandboxId,
    callingAe: STOW_SOURCE_AE,
    calledAe: ctx.aeTitle,
    peerAddress: '',
    localNode: node,
    peerNode: { ...node, aeTitle: STOW_SOURCE_AE, role: 'dicomweb' },
    contexts: [],
    signal: new AbortController().signal,
    state: new Map(),
    sendRequest: () => Promise.reject(new Error('STOW-RS has no association to send on')),
    isOpen: () => false,
  };
}

/** Stores one Part 10 file through the C-STORE handler. */
async function storeOne(
  handler: (a: AssociationInfo, r: StoreRequest) => Promise<DimseResult>,
  assoc: AssociationInfo,
  file: Buffer,
  messageId: number,
  studyInPath: string | undefined,
): Promise<Outcome> {
  const parts = splitPart10(file);
  const sopClassUid = parts.meta.get(0x0002) ?? '';
  const sopInstanceUid = parts.meta.get(0x0003) ?? '';
  const ts = parts.transferSyntaxUid;
  const fail = (status: number, comment: string): Outcome => ({ sopClassUid, sopInstanceUid, status, comment });
  if (parts.datasetOffset === 0) return fail(FailureReason.CannotUnderstand, 'the part is not a DICOM Part 10 file (no "DICM" after the 128-byte preamble)');
  if (!ts || !sopClassUid || !sopInstanceUid) {
    return fail(FailureReason.CannotUnderstand, 'the file meta information lacks the Transfer Syntax, Media Storage SOP Class or SOP Instance UID');
  }
  if (!isSupportedTransferSyntax(ts)) return fail(FailureReason.TransferSyntaxNotSupported, `transfer syntax ${ts} is not one this archive stores`);
  const dataset = file.subarray(parts.datasetOffset);
  let study: string | undefined;
  let series: string | undefined;
  try {
    const h = parseDatasetHeader(dataset, ts);
    study = h.StudyInstanceUID;
    series = h.SeriesInstanceUID;
  } catch (e) {
    if (e instanceof DatasetParseError) return fail(FailureReason.CannotUnderstand, `the data set cannot be parsed: ${e.message}`);
    throw e;
  }
  // PS3.18 10.5.1: storing to studies/{study} accepts only instances of that study
  if (studyInPath && study !== studyInPath) {
    return fail(FailureReason.DataSetDoesNotMatchSopClass, `the instance belongs to study ${study ?? '(none)'}, not to ${studyInPath} named in the URL`);
  }
  let result: DimseResult;
  try {
    result = await handler(assoc, {
      messageId,
      abstractSyntax: sopClassUid,
      transferSyntaxUid: ts,
      raw: undefined as unknown as StoreRequest['raw'],
      signal: assoc.signal,
      affectedSopClassUid: sopClassUid,
      affectedSopInstanceUid: sopInstanceUid,
      datasetChunks: [dataset],
      datasetLength: dataset.length,
    });
  } catch (e) {
    console.error('[stow-rs] store failed', e);
    return fail(FailureReason.ProcessingFailure, 'processing failure while storing (logged on the server)');
  }
  return {
    sopClassUid,
    sopInstanceUid,
    status: result.status,
    comment: result.logDetail ?? result.errorComment ?? describeStatus(result.status),
    studyInstanceUid: study,
    seriesInstanceUid: series,
  };
}

/** The response's FailureReason for a C-STORE status (the status itself: PS3.18 reuses the PS3.4 codes). */
function failureReason(status: number): number {
  if (status === Status.SopClassNotSupported) return FailureReason.SopClassNotSupported;
  if (status >= 0xa700 && status <= 0xa7ff) return FailureReason.OutOfResources;
  if (status >= 0xa900 && status <= 0xa9ff) return FailureReason.DataSetDoesNotMatchSopClass;
  if (status >= 0xc000 && status <= 0xcfff) return status === FailureReason.TransferSyntaxNotSupported ? status : FailureReason.CannotUnderstand;
  return status || FailureReason.ProcessingFailure;
}

export interface StowResult {
  status: 200 | 202 | 409;
  body: DicomJson;
  outcomes: Outcome[];
  /** each failure in words (the route sends them as Warning headers: the JSON model has no place for them) */
  warnings: string[];
}

/** Store Instances (PS3.18 10.5): `POST studies` or `POST studies/{study}`. */
export async function storeInstances(ctx: StowContext, request: Request, studyInPath?: string): Promise<StowResult> {
  if (studyInPath !== undefined) {
    const r = parseUid(studyInPath);
    if (!r.ok || r.uid !== studyInPath) throw new DicomWebError(400, `Study Instance UID "${studyInPath}" in the path is not a valid UID (PS3.5 9.1).`);
  }
  const contentType = request.headers.get('content-type') ?? '';
  if (!/^multipart\/related\b/i.test(contentType)) {
    throw new DicomWebError(415, `STOW-RS takes multipart/related; type="application/dicom" (Part 10 files), not "${contentType || 'no content type'}".`);
  }
  const typeParam = /;\s*type="?([^";]+)"?/i.exec(contentType)?.[1]?.toLowerCase();
  if (typeParam && typeParam !== 'application/dicom') {
    throw new DicomWebError(415, `This archive stores Part 10 files only (type="application/dicom"); type="${typeParam}" (metadata and bulk data) is not supported.`);
  }
  const boundary = boundaryOf(contentType);
  if (!boundary) throw new DicomWebError(400, 'The Content-Type has no boundary parameter, so the parts cannot be found.');
  const body = await readCapped(request, ctx.maxBytes ?? DEFAULT_MAX_STOW_BYTES);
  let parts;
  try {
    parts = parseMultipart(body, boundary);
  } catch (e) {
    if (e instanceof MultipartError) throw new DicomWebError(400, `The multipart body is malformed: ${e.message}.`);
    throw e;
  }
  if (parts.length === 0) throw new DicomWebError(400, 'The multipart body holds no parts: nothing to store.');

  const files = await archiveFiles(ctx.archiveDir);
  const service = createStorageService({ db: ctx.db, files, duplicatePolicy: ctx.duplicatePolicy });
  const handler = service.handlers['C-STORE']!;
  const assoc = fakeAssociation(ctx);
  const outcomes: Outcome[] = [];
  let n = 0;
  for (const p of parts) {
    n++;
    const type = (p.headers['content-type'] ?? 'application/dicom').split(';')[0].trim().toLowerCase();
    if (type !== 'application/dicom') {
      outcomes.push({ sopClassUid: '', sopInstanceUid: '', status: FailureReason.CannotUnderstand, comment: `part ${n} is ${type}, not application/dicom` });
      continue;
    }
    outcomes.push(await storeOne(handler, assoc, p.body, n, studyInPath));
  }

  const stored = outcomes.filter((o) => statusCategory(o.status) === 'success' || statusCategory(o.status) === 'warning');
  const failed = outcomes.filter((o) => !stored.includes(o));
  const out: DicomJson = {};
  const studyUrl = (uid: string) => `${ctx.baseUrl}/studies/${uid}`;
  const firstStudy = studyInPath ?? stored[0]?.studyInstanceUid;
  if (firstStudy && stored.length) out['00081190'] = jsonAttribute('UR', studyUrl(firstStudy));
  if (failed.length) {
    out['00081198'] = {
      vr: 'SQ',
      Value: failed.map((o) => ({
        '00081150': jsonAttribute('UI', o.sopClassUid),
        '00081155': jsonAttribute('UI', o.sopInstanceUid),
        '00081197': jsonAttribute('US', failureReason(o.status)),
      })),
    };
  }
  if (stored.length) {
    out['00081199'] = {
      vr: 'SQ',
      Value: stored.map((o) => {
        const item: DicomJson = {
          '00081150': jsonAttribute('UI', o.sopClassUid),
          '00081155': jsonAttribute('UI', o.sopInstanceUid),
          '00081190': jsonAttribute('UR', `${studyUrl(o.studyInstanceUid!)}/series/${o.seriesInstanceUid}/instances/${o.sopInstanceUid}`),
        };
        if (o.status !== Status.Success) item['00081196'] = jsonAttribute('US', o.status);
        return item;
      }),
    };
  }
  const status = failed.length === 0 ? 200 : stored.length === 0 ? 409 : 202;
  const warnings = failed.map((o) => `${o.sopInstanceUid || 'a part'}: failed, 0x${failureReason(o.status).toString(16).toUpperCase().padStart(4, '0')}: ${o.comment}`);
  return { status, body: out, outcomes, warnings };
}
