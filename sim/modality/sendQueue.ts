// The scanner's send queue: one job per acquisition and destination, one item per image. A job sends, over one
// association, only the items not yet sent, so however many retries it takes each image goes out once; it uses
// the destination's settings as they are when it runs (fix the port, press Retry). Progress is written in
// batches as C-STORE responses arrive. After the images, the scanner asks the archive to commit to them
// (Storage Commitment Push Model, PS3.4 Annex J; IHE SWF RAD-10) and records which ones it did.
import { z } from 'zod';
import type { Db } from '../../prisma/db';
import { store, type Peer, type StoreResult } from '../dimse/client';
import type { SendJob, SendItem } from '../../prisma/generated/sqlite/client';
import { peerFor, targetOf } from './config';
import { commitInstances, DEFAULT_COMMIT_WAIT_MS } from './commitment';
import { encodeForSend, fileSyntax, sendSyntaxLabel } from './sendSyntax';
import { describeFailure, dimseFailure, failureOf, ModalityError, type ConsoleFailure } from './failures';
import { exists, imagePath } from './store';

export type { SendJob, SendItem };

/** How long the scanner waits for the archive's N-EVENT-REPORT before leaving the commitment "requested". */
export const COMMIT_WAIT_MS = DEFAULT_COMMIT_WAIT_MS;
/** Progress is written at most this often while responses arrive. */
const FLUSH_MS = 300;
/** A job still 'sending' without any write for this long belongs to a process that died: it may be taken over. */
const STALE_SENDING_MS = 5 * 60_000;

const idSchema = z.string().min(1, 'an id is required');

export interface SendItemRow {
  id: string;
  imageId: string;
  sopInstanceUid: string;
  seriesNumber: number;
  instanceNumber: number;
  status: string;
  dimseStatus: number | null;
  message: string;
  attempts: number;
  sentAt: Date | null;
  committedAt: Date | null;
  commitFailure: number | null;
}

export interface SendQueueRow {
  id: string;
  acquisitionId: string;
  patientName: string;
  patientId: string;
  accessionNumber: string;
  studyDescription: string;
  destinationId: string | null;
  destinationName: string;
  target: string;
  /** queued | sending | done | failed */
  status: string;
  errorKind: string;
  error: string;
  attempts: number;
  total: number;
  sent: number;
  failed: number;
  /** sent of total, 0-100 */
  percent: number;
  /** none | requested | committed | partial | failed */
  commitStatus: string;
  commitError: string;
  committed: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** only when asked for (listSendQueue's itemsFor) */
  items?: SendItemRow[];
}

export async function createSendJobs(db: Db, acquisitionId: string, destinationIds?: string[]): Promise<SendJob[]> {
  idSchema.parse(acquisitionId);
  const ids = destinationIds === undefined ? undefined : z.array(idSchema).parse(destinationIds);
  const acquisition = await db.acquisition.findUnique({ where: { id: acquisitionId }, include: { images: { select: { id: true } } } });
  if (!acquisition) throw new ModalityError('not-found', `acquisition ${acquisitionId} does not exist`);
  if (!acquisition.images.length) throw new ModalityError('invalid', 'this acquisition has no images to send');
  const where = { sandboxId: acquisition.sandboxId, modalityAe: acquisition.modalityAe, role: 'archive' };
  const destinations = ids
    ? await db.modalityDestination.findMany({ where: { ...where, id: { in: ids } } })
    : await db.modalityDestination.findMany({ where: { ...where, isDefault: true } });
  if (ids) {
    const missing = ids.filter((id) => !destinations.some((d) => d.id === id));
    if (missing.length) throw new ModalityError('invalid', `not an archive destination of ${acquisition.modalityAe}: ${missing.join(', ')}`);
  }
  if (!destinations.length) throw new ModalityError('invalid', `${acquisition.modalityAe} has no default archive destination: add one on the network configuration page, or choose one`);
  const jobs: SendJob[] = [];
  for (const d of destinations) {
    const job = await db.$transaction(async (tx) => {
      const j = await tx.sendJob.create({
        data: { sandboxId: acquisition.sandboxId, modalityAe: acquisition.modalityAe, acquisitionId, destinationId: d.id, target: targetOf(d), total: acquisition.images.length },
      });
      await tx.sendItem.createMany({ data: acquisition.images.map((i) => ({ jobId: j.id, imageId: i.id })) });
      return j;
    });
    jobs.push(job);
  }
  return jobs;
}

/**
 * Takes the job for this process: one conditional update, so of two callers (two requests, two processes) only
 * one gets it. A job may be taken when queued or failed, when done but not (wholly) committed, or when 'sending'
 * went stale (its process died).
 */
async function claim(db: Db, jobId: string): Promise<boolean> {
  const now = new Date();
  const r = await db.sendJob.updateMany({
    where: {
      id: jobId,
      OR: [
        { status: { in: ['queued', 'failed'] } },
        // everything sent, but the commitment is still open or failed: Retry asks for it again
        { status: 'done', commitStatus: { in: ['requested', 'partial', 'failed'] } },
        { status: 'sending', updatedAt: { lt: new Date(now.getTime() - STALE_SENDING_MS) } },
      ],
    },
    data: { status: 'sending', attempts: { increment: 1 }, startedAt: now, finishedAt: null, error: '', errorKind: '' },
  });
  return r.count === 1;
}

/** Progress of one attempt, written in batches (one updateMany per outcome) so hundreds of images stay fast. */
class ProgressWriter {
  private buffer: { itemId: string; result: StoreResult; at: number }[] = [];
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly jobId: string,
  ) {}

  push(itemId: string, result: StoreResult) {
    // when the archive answered, not when the batch is written (the progress bar and the bench read sentAt)
    this.buffer.push({ itemId, result, at: Date.now() });
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, FLUSH_MS);
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    this.buffer = [];
    this.chain = this.chain.then(() => (batch.length ? this.write(batch) : undefined));
    return this.chain;
  }

  private async write(batch: { itemId: string; result: StoreResult; at: number }[]) {
    const groups = new Map<string, { ok: boolean; status: number; meaning: string; ids: string[]; at: number }>();
    for (const { itemId, result, at } of batch) {
      // success and warning both mean the archive has the image (PS3.4 B.2.3)
      const ok = result.category === 'success' || result.category === 'warning';
      // a negative status: never sent (no presentation context for its syntax); the reason is in `meaning`
      const key = `${ok}|${result.status}|${result.status < 0 ? result.meaning : ''}`;
      const g = groups.get(key) ?? { ok, status: result.status, meaning: result.meaning, ids: [], at };
      g.ids.push(itemId);
      g.at = Math.max(g.at, at);
      groups.set(key, g);
    }
    for (const g of groups.values()) {
      await this.db.sendItem.updateMany({
        where: { id: { in: g.ids } },
        data: g.ok
          ? { status: 'sent', dimseStatus: g.status, message: g.status ? describeFailure(dimseFailure('C-STORE', g.status)).replace(' failed:', ' warning:') : '', sentAt: new Date(g.at) }
          : g.status < 0
            ? { status: 'failed', dimseStatus: null, message: `Not sent: ${g.meaning}` }
            : { status: 'failed', dimseStatus: g.status, message: describeFailure(dimseFailure('C-STORE', g.status)) },
      });
    }
    await this.counts();
  }

  async counts() {
    const [sent, failed] = await Promise.all([
      this.db.sendItem.count({ where: { jobId: this.jobId, status: 'sent' } }),
      this.db.sendItem.count({ where: { jobId: this.jobId, status: 'failed' } }),
    ]);
    await this.db.sendJob.update({ where: { id: this.jobId }, data: { sent, failed } });
  }
}

/** Runs one attempt of a job; throws ModalityError when it is being sent already or does not exist. */
export async function runSendJob(db: Db, jobId: string): Promise<SendJob> {
  idSchema.parse(jobId);
  if (!(await claim(db, jobId))) {
    const job = await db.sendJob.findUnique({ where: { id: jobId } });
    if (!job) throw new ModalityError('not-found', `send job ${jobId} does not exist`);
    if (job.status === 'sending') throw new ModalityError('conflict', 'this job is being sent already');
    return job; // done: nothing left to send
  }
  try {
    await attempt(db, jobId);
  } catch (e) {
    // our own fault (database, disk): the job must not stay 'sending'
    await db.sendJob.update({ where: { id: jobId }, data: { status: 'failed', errorKind: '', error: `Internal error while sending: ${(e as Error).message}`, finishedAt: new Date() } });
    throw e;
  }
  return db.sendJob.findUniqueOrThrow({ where: { id: jobId } });
}

async function attempt(db: Db, jobId: string): Promise<void> {
  const job = await db.sendJob.findUniqueOrThrow({ where: { id: jobId }, include: { acquisition: true, destination: true } });
  const finish = (data: Partial<Pick<SendJob, 'status' | 'error' | 'errorKind'>>) => db.sendJob.update({ where: { id: jobId }, data: { ...data, finishedAt: new Date() } });
  const destination = job.destination;
  if (!destination) {
    await finish({ status: 'failed', errorKind: '', error: `The destination ${job.target} was deleted from this scanner's network configuration — send the study again to another destination` });
    return;
  }
  const config = await db.modalityConfig.findUnique({ where: { sandboxId_modalityAe: { sandboxId: job.sandboxId, modalityAe: job.modalityAe } } });
  if (!config) throw new Error(`${job.modalityAe} has no settings`);
  const peer = peerFor(config, destination);
  await db.sendJob.update({ where: { id: jobId }, data: { target: targetOf(destination) } });

  const todo = await db.sendItem.findMany({ where: { jobId, status: { not: 'sent' } }, include: { image: true }, orderBy: [{ image: { seriesNumber: 'asc' } }, { image: { instanceNumber: 'asc' } }] });
  const byFile = new Map<string, string>();
  const gone: string[] = [];
  // one stat per image, all at once (sequential awaits cost ~0.1 ms each before the first byte goes out)
  const present = await Promise.all(todo.map((item) => exists(imagePath(job.acquisition.folder, item.image.file))));
  todo.forEach((item, i) => {
    if (present[i]) byFile.set(imagePath(job.acquisition.folder, item.image.file), item.id);
    else gone.push(item.id);
  });
  if (gone.length) {
    await db.sendItem.updateMany({ where: { id: { in: gone } }, data: { status: 'failed', message: 'The local copy of this image is gone (purged or deleted) — it cannot be sent from this scanner', attempts: { increment: 1 } } });
  }
  const files = [...byFile.keys()];
  // the "Send images as" setting changed since the exam was acquired: the scanner converts its stored images
  // first (losslessly; one header read when nothing changed), as the console says
  if (files.length && (await fileSyntax(files[0])) !== config.transferSyntaxUid) {
    try {
      await encodeForSend(files, config.transferSyntaxUid);
    } catch (e) {
      await finish({ status: 'failed', errorKind: '', error: `The images could not be converted to ${sendSyntaxLabel(config.transferSyntaxUid)} for sending: ${(e as Error).message}` });
      return;
    }
  }
  const progress = new ProgressWriter(db, jobId);
  let failure: ConsoleFailure | undefined;
  if (files.length) {
    await db.sendItem.updateMany({ where: { id: { in: [...byFile.values()] } }, data: { attempts: { increment: 1 } } });
    const answered = new Set<string>();
    try {
      await store(peer, files, (_done, _total, last) => {
        const id = byFile.get(last.file);
        if (!id) return;
        answered.add(id);
        progress.push(id, last);
      });
    } catch (e) {
      failure = failureOf(e, peer, answered.size ? `the next C-STORE response from ${peer.calledAe} at ${peer.host}:${peer.port}` : `${peer.calledAe} at ${peer.host}:${peer.port} to accept the association`);
    }
    await progress.flush();
    const unanswered = [...byFile.values()].filter((id) => !answered.has(id));
    if (unanswered.length) {
      const message = failure ? `Not sent: ${describeFailure(failure)}` : 'Not sent: the association ended before this image was answered';
      await db.sendItem.updateMany({ where: { id: { in: unanswered } }, data: { status: 'failed', message } });
    }
  }
  await progress.counts();
  const after = await db.sendJob.findUniqueOrThrow({ where: { id: jobId } });
  let final: Pick<SendJob, 'status' | 'error' | 'errorKind'> = { status: 'done', error: '', errorKind: '' };
  if (failure) {
    final = { status: 'failed', errorKind: failure.kind, error: describeFailure(failure) };
  } else if (after.failed) {
    const first = await db.sendItem.findFirst({ where: { jobId, status: 'failed' }, orderBy: { dimseStatus: 'desc' } });
    const text = first?.dimseStatus != null ? describeFailure(dimseFailure('C-STORE', first.dimseStatus)) : (first?.message ?? 'some images were not sent');
    final = { status: 'failed', errorKind: first?.dimseStatus != null ? 'dimse-failure' : '', error: `${text} (${after.failed} of ${after.total} image${after.total === 1 ? '' : 's'} not sent)` };
  }
  // the images the archive has now: ask it to commit to them; the job stays 'sending' (nobody else runs it)
  // until the answer is in
  await requestCommitment(db, jobId, peer);
  await finish(final);
}

/** Storage Commitment for every sent, not yet committed image of the job (PS3.4 J.3.2). */
async function requestCommitment(db: Db, jobId: string, peer: Peer): Promise<void> {
  const items = await db.sendItem.findMany({ where: { jobId, status: 'sent', committedAt: null }, include: { image: { select: { sopInstanceUid: true, sopClassUid: true } } } });
  if (!items.length) return;
  await db.sendJob.update({ where: { id: jobId }, data: { commitStatus: 'requested', commitError: '' } });
  let commitStatus: string;
  let commitError = '';
  let transactionUid = '';
  try {
    const r = await commitInstances(peer, items.map((i) => ({ sopClassUid: i.image.sopClassUid, sopInstanceUid: i.image.sopInstanceUid })), COMMIT_WAIT_MS);
    transactionUid = r.transactionUid;
    if (r.actionStatus.category !== 'success') {
      commitStatus = 'failed';
      commitError = `Storage commitment request refused: ${describeFailure(dimseFailure('N-ACTION', r.actionStatus.status))}`;
    } else if (r.pending) {
      commitStatus = 'requested';
      commitError = `No storage commitment result from ${peer.calledAe} within ${COMMIT_WAIT_MS / 1000} s — keep the local copies; the archive may still answer`;
    } else {
      const byUid = new Map(items.map((i) => [i.image.sopInstanceUid, i.id]));
      const now = new Date();
      const committedIds = r.committed.map((u) => byUid.get(u)).filter((x): x is string => !!x);
      if (committedIds.length) await db.sendItem.updateMany({ where: { id: { in: committedIds } }, data: { committedAt: now, commitFailure: null } });
      for (const f of r.failed) {
        const id = byUid.get(f.sopInstanceUid);
        if (id) await db.sendItem.update({ where: { id }, data: { commitFailure: f.reason } });
      }
      // of every image of the job: a job with images still unsent is at best partly committed
      const all = await db.sendItem.count({ where: { jobId } });
      const committed = await db.sendItem.count({ where: { jobId, committedAt: { not: null } } });
      commitStatus = committed === all ? 'committed' : committed ? 'partial' : 'failed';
      if (r.failed.length) {
        const reasons = [...new Set(r.failed.map((f) => `0x${f.reason.toString(16).toUpperCase().padStart(4, '0')} ${f.meaning}`))].join('; ');
        commitError = `${peer.calledAe} did not commit ${r.failed.length} image${r.failed.length === 1 ? '' : 's'}: ${reasons} — do not purge them; send them again`;
      }
    }
  } catch (e) {
    commitStatus = 'failed';
    commitError = `Storage commitment request failed: ${describeFailure(failureOf(e, peer, `the storage commitment result from ${peer.calledAe}`))}`;
  }
  await db.sendJob.update({ where: { id: jobId }, data: { commitStatus, commitError, ...(transactionUid ? { commitTransactionUid: transactionUid } : {}) } });
}

/** Fire-and-forget for server actions: never rejects; a job already being sent is left to whoever sends it. */
export function startSendJob(db: Db, jobId: string): void {
  runSendJob(db, jobId).catch((e: unknown) => {
    if (e instanceof ModalityError) return;
    console.error(`send job ${jobId}: ${(e as Error)?.stack ?? e}`);
  });
}

/** Sends again what was not sent, with the destination's current settings; waits for the attempt. */
export async function retrySendJob(db: Db, jobId: string): Promise<SendJob> {
  return runSendJob(db, jobId);
}

/** Queues every failed job of the scanner again and sends them one after another in the background; returns how many. */
export async function retryAllFailed(db: Db, sandboxId: string, modalityAe: string): Promise<number> {
  const failed = await db.sendJob.findMany({ where: { sandboxId, modalityAe, status: 'failed' }, select: { id: true }, orderBy: { createdAt: 'asc' } });
  const ids = failed.map((j) => j.id);
  if (!ids.length) return 0;
  await db.sendJob.updateMany({ where: { id: { in: ids }, status: 'failed' }, data: { status: 'queued' } });
  void (async () => {
    for (const id of ids) {
      await runSendJob(db, id).catch((e: unknown) => {
        if (!(e instanceof ModalityError)) console.error(`send job ${id}: ${(e as Error)?.stack ?? e}`);
      });
    }
  })();
  return ids.length;
}

export async function deleteSendJob(db: Db, jobId: string): Promise<void> {
  idSchema.parse(jobId);
  const r = await db.sendJob.deleteMany({ where: { id: jobId, status: { not: 'sending' } } });
  if (r.count) return;
  const job = await db.sendJob.findUnique({ where: { id: jobId }, select: { status: true } });
  if (!job) throw new ModalityError('not-found', `send job ${jobId} does not exist`);
  throw new ModalityError('conflict', 'This job is being sent right now — wait until it finishes or fails, then delete it');
}

export async function listSendItems(db: Db, jobId: string): Promise<SendItemRow[]> {
  const items = await db.sendItem.findMany({ where: { jobId }, include: { image: true }, orderBy: [{ image: { seriesNumber: 'asc' } }, { image: { instanceNumber: 'asc' } }] });
  return items.map((i) => ({
    id: i.id,
    imageId: i.imageId,
    sopInstanceUid: i.image.sopInstanceUid,
    seriesNumber: i.image.seriesNumber,
    instanceNumber: i.image.instanceNumber,
    status: i.status,
    dimseStatus: i.dimseStatus,
    message: i.message,
    attempts: i.attempts,
    sentAt: i.sentAt,
    committedAt: i.committedAt,
    commitFailure: i.commitFailure,
  }));
}

/** The queue as the console shows it, newest first; per-image rows for the jobs named in itemsFor. */
export async function listSendQueue(db: Db, sandboxId: string, modalityAe: string, opts: { itemsFor?: string[]; take?: number } = {}): Promise<SendQueueRow[]> {
  const jobs = await db.sendJob.findMany({
    where: { sandboxId, modalityAe },
    include: { acquisition: { select: { patientName: true, patientId: true, accessionNumber: true, studyDescription: true } }, destination: { select: { name: true } } },
    orderBy: { createdAt: 'desc' },
    take: opts.take ?? 200,
  });
  const committed = jobs.length
    ? await db.sendItem.groupBy({ by: ['jobId'], where: { jobId: { in: jobs.map((j) => j.id) }, committedAt: { not: null } }, _count: { _all: true } })
    : [];
  const committedBy = new Map(committed.map((c) => [c.jobId, c._count._all]));
  const rows: SendQueueRow[] = [];
  for (const j of jobs) {
    rows.push({
      id: j.id,
      acquisitionId: j.acquisitionId,
      patientName: j.acquisition.patientName,
      patientId: j.acquisition.patientId,
      accessionNumber: j.acquisition.accessionNumber,
      studyDescription: j.acquisition.studyDescription,
      destinationId: j.destinationId,
      destinationName: j.destination?.name ?? '(deleted destination)',
      target: j.target,
      status: j.status,
      errorKind: j.errorKind,
      error: j.error,
      attempts: j.attempts,
      total: j.total,
      sent: j.sent,
      failed: j.failed,
      percent: j.total ? Math.floor((100 * j.sent) / j.total) : 0,
      commitStatus: j.commitStatus,
      commitError: j.commitError,
      committed: committedBy.get(j.id) ?? 0,
      createdAt: j.createdAt,
      startedAt: j.startedAt,
      finishedAt: j.finishedAt,
      items: opts.itemsFor?.includes(j.id) ? await listSendItems(db, j.id) : undefined,
    });
  }
  return rows;
}
