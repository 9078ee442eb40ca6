// What C-MOVE and C-GET share (PS3.4 C.4.2, C.4.3): choosing the transfer syntax each stored instance is sent
// in, reading (and only when unavoidable, converting) its data set, and counting the C-STORE sub-operations into
// pending and final responses. The two SCPs differ only in where the C-STOREs go (a new association to the Move
// Destination, or back on the C-GET association), which `runSubOperations` takes as a function.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import dimse from 'dcmjs-dimse';
import codecs from 'dcmjs-codecs';
import { splitPart10 } from '../dicom/part10';
import { Status, statusCategory } from '../dicom/status';
import {
  EXPLICIT_VR_LITTLE_ENDIAN,
  IMPLICIT_VR_LITTLE_ENDIAN,
  transferSyntax,
  transferSyntaxName,
} from '../dicom/transferSyntaxes';
import type { DimseReply } from '../dimse/types';
import type { ArchiveFiles } from './archiveFiles';
import type { Db } from '../../prisma/db';
import { instancesToRetrieve, type QrModel, type RetrieveInstance } from './query';

const { Dataset } = dimse;

/** How one instance goes out: as stored, converted to an uncompressed syntax, or not at all (and why). */
export type SendPlan =
  | { ok: true; syntax: string; convert: false }
  | { ok: true; syntax: string; convert: true; why: string }
  | { ok: false; reason: string };

/**
 * Chooses the syntax an instance is sent in, given the transfer syntaxes the peer accepted for its SOP class.
 * The stored syntax whenever it was accepted (the stored bytes go out unchanged). Otherwise an uncompressed
 * syntax (Explicit VR Little Endian first, then Implicit, PS3.5 10.1), but only when that loses nothing: the
 * instance is already uncompressed, or compressed losslessly. A lossy-compressed instance is never re-encoded
 * behind anyone's back (decoding it would pass generation loss off as an original); it fails, with the reason.
 */
export function planSendSyntax(stored: string, accepted: ReadonlySet<string>): SendPlan {
  if (accepted.has(stored)) return { ok: true, syntax: stored, convert: false };
  const offered = accepted.size ? [...accepted].map(transferSyntaxName).join(', ') : 'nothing';
  const ts = transferSyntax(stored);
  if (!ts) return { ok: false, reason: `stored in ${stored}, which the peer did not accept (it accepted ${offered}) and this archive cannot convert` };
  if (ts.lossy) {
    return { ok: false, reason: `stored in ${ts.name} (lossy); the peer accepted only ${offered}, and a lossy image is never converted silently` };
  }
  for (const target of [EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN]) {
    if (accepted.has(target)) return { ok: true, syntax: target, convert: true, why: `stored in ${ts.name}, the peer did not accept it: sent as ${transferSyntaxName(target)}` };
  }
  return { ok: false, reason: `stored in ${ts.name}; the peer accepted neither it nor an uncompressed syntax for this SOP class (it accepted ${offered})` };
}

let codecsReady: Promise<void> | undefined;

/** dcmjs-codecs' WebAssembly codecs, loaded once, only when an instance must be decoded. */
function initCodecs(): Promise<void> {
  codecsReady ??= codecs.NativeCodecs.initializeAsync({
    webAssemblyModulePathOrUrl: join(process.cwd(), 'node_modules', 'dcmjs-codecs', 'build', 'dcmjs-native-codecs.wasm'),
  }).catch((e: unknown) => {
    codecsReady = undefined;
    throw e;
  });
  return codecsReady;
}

function arrayBufferOf(b: Buffer): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer;
}

/**
 * The data set of a stored instance in the planned syntax: the stored bytes after the Part 10 header, untouched,
 * when no conversion is needed; otherwise decoded (dcmjs-codecs) and written again in the target syntax.
 */
export async function datasetForSend(files: ArchiveFiles, inst: RetrieveInstance, plan: Extract<SendPlan, { ok: true }>): Promise<Buffer> {
  const file = await readFile(files.absolute(inst.filePath));
  const parts = splitPart10(file);
  const stored = parts.transferSyntaxUid ?? inst.transferSyntaxUid;
  if (!plan.convert && stored === plan.syntax) return file.subarray(parts.datasetOffset);
  const compressed = transferSyntax(stored)?.encapsulated ?? false;
  if (compressed) await initCodecs();
  const transcoder = new codecs.Transcoder(arrayBufferOf(file.subarray(parts.datasetOffset)), stored);
  transcoder.transcode(plan.syntax);
  return Buffer.from(transcoder.getDicomDataset());
}

/**
 * A dcmjs-dimse Dataset that writes exactly the given bytes. Only the two UIDs C-STORE-RQ needs are parsed;
 * nothing is re-encoded (dcmjs-dimse would otherwise naturalize and rewrite it, dropping private tags).
 */
export class BytesDataset extends Dataset {
  constructor(private readonly bytes: Buffer, syntax: string, sopClassUid: string, sopInstanceUid: string) {
    super({ SOPClassUID: sopClassUid, SOPInstanceUID: sopInstanceUid }, syntax);
  }
  override getDenaturalizedDataset(): Buffer {
    return this.bytes;
  }
}

/** What the peer answered to one C-STORE sub-operation, or why it was never sent. */
export interface SubOperationOutcome {
  status: number;
  /** in words, for the network log */
  detail?: string;
}

export interface SubOperationCounts {
  remaining: number;
  completed: number;
  failed: number;
  warning: number;
  failedUids: string[];
}

/** The final response's status for the counts (PS3.4 C.4.2.1.5 Table C.4-2; C.4.3.1.4 Table C.4-3). */
export function finalStatus(c: SubOperationCounts): number {
  if (c.failed === 0 && c.warning === 0) return Status.Success;
  if (c.completed === 0 && c.warning === 0) return Status.OutOfResourcesSubOperations;
  return Status.CoercionOfDataElements; // B000: sub-operations complete, one or more failures or warnings
}

/** (0008,0058) Failed SOP Instance UID List, in the identifier of a final response with failures. */
function failedIdentifier(c: SubOperationCounts): Record<string, unknown> | undefined {
  return c.failedUids.length ? { FailedSOPInstanceUIDList: c.failedUids.length === 1 ? c.failedUids[0] : c.failedUids } : undefined;
}

export interface SubOperationRun {
  instances: readonly RetrieveInstance[];
  /** aborted on C-CANCEL (and when the association ends) */
  signal: AbortSignal;
  /** performs one C-STORE sub-operation; a throw counts it as failed */
  store(inst: RetrieveInstance): Promise<SubOperationOutcome>;
  /** one line per failed sub-operation, for the network log */
  onFailure?(inst: RetrieveInstance, outcome: SubOperationOutcome): void;
  /** extra words for the final response's network log entry (e.g. the sub-association's fate) */
  summary?(): string | undefined;
}

/**
 * Runs the C-STORE sub-operations one after another: a Pending response (FF00) with the four counts after each,
 * then the final response. A C-CANCEL stops before the next sub-operation and ends with Cancel (FE00) and the
 * counts so far (PS3.4 C.4.2.3.1, C.4.3.3.1).
 */
export async function* runSubOperations(run: SubOperationRun): AsyncGenerator<DimseReply> {
  const c: SubOperationCounts = { remaining: run.instances.length, completed: 0, failed: 0, warning: 0, failedUids: [] };
  const failures: string[] = [];
  const words = () => {
    const s = `${c.completed} completed, ${c.failed} failed, ${c.warning} warning`;
    const extra = run.summary?.();
    const why = failures.length ? `; ${failures.slice(0, 5).join('; ')}${failures.length > 5 ? `; and ${failures.length - 5} more` : ''}` : '';
    return `${s}${extra ? `; ${extra}` : ''}${why}`;
  };
  for (const inst of run.instances) {
    if (run.signal.aborted) {
      // Number of Remaining is included in a Cancel response (PS3.4 C.4.2.1.6)
      yield { status: Status.Cancel, ...counts(c), remaining: c.remaining, dataset: failedIdentifier(c), logDetail: `C-CANCEL received: ${words()}, ${c.remaining} not sent` };
      return;
    }
    let outcome: SubOperationOutcome;
    try {
      outcome = await run.store(inst);
    } catch (e) {
      outcome = { status: Status.ProcessingFailure, detail: (e as Error).message };
    }
    c.remaining--;
    const category = statusCategory(outcome.status);
    if (category === 'success') c.completed++;
    else if (category === 'warning') c.warning++;
    else {
      c.failed++;
      c.failedUids.push(inst.sopInstanceUid);
      failures.push(`${inst.sopInstanceUid}: ${outcome.detail ?? `C-STORE status 0x${outcome.status.toString(16).padStart(4, '0')}`}`);
      run.onFailure?.(inst, outcome);
    }
    if (c.remaining > 0) yield { status: Status.Pending, ...counts(c), remaining: c.remaining };
  }
  const status = finalStatus(c);
  yield {
    status,
    ...counts(c),
    dataset: status === Status.Success ? undefined : failedIdentifier(c),
    errorComment: status === Status.OutOfResourcesSubOperations ? 'all sub-operations failed' : undefined,
    logDetail: `${run.instances.length} sub-operations: ${words()}`,
  };
}

function counts(c: SubOperationCounts) {
  return { completed: c.completed, failed: c.failed, warning: c.warning };
}

/**
 * The instances a C-MOVE or C-GET identifier names; or, when there is nothing to send (an identifier the
 * model refuses, or no match), the final reply to give instead (PS3.4 C.4.2.1.4, C.4.3.1.4).
 */
export async function resolveRetrieve(
  db: Db,
  sandboxId: string,
  identifier: Record<string, unknown> | undefined,
  model: QrModel,
): Promise<{ instances: RetrieveInstance[] } | { reply: DimseReply }> {
  const id = identifier ?? {};
  const found = await instancesToRetrieve(db, sandboxId, String(id.QueryRetrieveLevel ?? '').trim(), id, { model });
  if (!found.ok) return { reply: { status: found.status, errorComment: found.errorComment, logDetail: `${found.meaning}: ${found.detail}` } };
  if (found.instances.length === 0) {
    return { reply: { status: Status.Success, completed: 0, failed: 0, warning: 0, logDetail: `nothing matches at ${found.level} level: 0 sub-operations` } };
  }
  return { instances: found.instances };
}
