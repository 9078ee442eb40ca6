// Tier migration and restore as background jobs (issue 10): the PACS console starts one and returns at once; the
// job runs in the same process, not awaited by the request, and writes its progress (studies and images done of
// the total) to its TierJob row at most every PROGRESS_MS, then the result (MigrationResult / RestoreResult as
// JSON) or the error in words. One job at a time per sandbox: a second start while one is queued or running is
// refused (TierJobBusyError, HTTP 409 in words).
//
// A process that dies (restart, crash, kill -9) leaves its row `running`. Such a row is marked `interrupted` by
// markInterruptedJobs(), which runs when a job starts and when the Storage page or a study page reads the latest
// job (latestTierJob): cheap (one update) and where someone is looking. A row is taken as dead when this process
// does not run it and its heartbeat (TierJob.heartbeatAt) is older than STALE_MS: a running job writes it every
// HEARTBEAT_MS, so a job run by another process (the CLI) is not taken for dead. Nothing is lost by an interruption: tiers.ts writes each new file in full before
// the index is switched to it and removes the old one only after, so every image is there in its old or new form.
import type { Db } from '../../prisma/db';
import { migrateByAge, restoreStudy, TierError, type MigrationResult, type RestoreResult, type TierOptions, type TierProgress } from './tiers';

export const TIER_JOB_KINDS = ['migrate', 'restore'] as const;
export type TierJobKind = (typeof TIER_JOB_KINDS)[number];
export const ACTIVE_STATUSES = ['queued', 'running'] as const;

/** progress is written at most this often */
export const PROGRESS_MS = 250;
const HEARTBEAT_MS = 2_000;
/** a `running` row of another process without a heartbeat for this long is taken as dead */
export const STALE_MS = 30_000;

export const INTERRUPTED_MESSAGE =
  'The process running this job ended before it finished (a restart or a crash). Nothing is lost: each image\'s new file is written in full before the index is switched to it, and the old file is removed only after, so every image is in the archive in its old or its new form. Run it again to finish.';

/** A job of the sandbox is already queued or running: refused (HTTP 409). */
export class TierJobBusyError extends TierError {
  readonly status = 409;
  constructor(message: string) {
    super('conflict', message);
    this.name = 'TierJobBusyError';
  }
}

export type TierJobRow = Awaited<ReturnType<Db['tierJob']['findFirstOrThrow']>>;

/** The jobs this process runs (on globalThis: Next's dev reloads keep one registry). */
const registry = ((globalThis as unknown as { __pacslabTierJobs?: Set<string> }).__pacslabTierJobs ??= new Set<string>());

const isFresh = (job: { heartbeatAt: Date | null }, now: number) => job.heartbeatAt !== null && now - job.heartbeatAt.getTime() < STALE_MS;

/** Marks `interrupted` the queued/running rows of the sandbox that no live process runs (see the header). */
export async function markInterruptedJobs(db: Db, sandboxId: string, now = new Date()): Promise<number> {
  const active = await db.tierJob.findMany({ where: { sandboxId, status: { in: [...ACTIVE_STATUSES] } }, select: { id: true, heartbeatAt: true, status: true } });
  const dead = active.filter((j) => !registry.has(j.id) && !isFresh(j, now.getTime()));
  if (!dead.length) return 0;
  const r = await db.tierJob.updateMany({ where: { id: { in: dead.map((j) => j.id) }, status: { in: [...ACTIVE_STATUSES] } }, data: { status: 'interrupted', error: INTERRUPTED_MESSAGE, finishedAt: now } });
  for (const j of dead) console.warn(`[tier jobs] job ${j.id} of sandbox ${sandboxId} was ${j.status} with no process running it: marked interrupted`);
  return r.count;
}

/** The latest job of the sandbox (of a kind, for a study), after marking dead ones interrupted. */
export async function latestTierJob(db: Db, sandboxId: string, where: { kind?: TierJobKind; target?: string } = {}): Promise<TierJobRow | null> {
  await markInterruptedJobs(db, sandboxId);
  return db.tierJob.findFirst({ where: { sandboxId, ...where }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
}

export const isActive = (job: { status: string } | null | undefined) => !!job && (ACTIVE_STATUSES as readonly string[]).includes(job.status);

const describeJob = (j: { kind: string; target: string; status: string; studiesDone: number; studiesTotal: number; instancesDone: number; instancesTotal: number }) =>
  `${j.kind === 'restore' ? `a restore of study ${j.target}` : 'a tier migration'} is ${j.status} in this sandbox (${j.instancesDone} of ${j.instancesTotal} images done): wait for it to finish, then try again`;

export interface StartTierJob {
  kind: TierJobKind;
  /** restore: the Study Instance UID */
  target?: string;
  actorId?: string | null;
  /** passed to migrateByAge / restoreStudy (archive folder, clock; tests) */
  options?: Omit<TierOptions, 'onProgress' | 'actorId'>;
  /** called with each progress (the CLI prints it), unthrottled */
  onProgress?: (p: TierProgress) => void;
}

export type TierJobResult = MigrationResult | RestoreResult;

/**
 * Creates the job row and starts the work in the background of this process. Returns the row (queued) and a
 * promise of the finished row (never rejects: a failure is written to the row). Refuses with TierJobBusyError
 * when a job of the sandbox is queued or running.
 */
export async function startTierJob(db: Db, sandboxId: string, input: StartTierJob): Promise<{ job: TierJobRow; finished: Promise<TierJobRow> }> {
  if (!(TIER_JOB_KINDS as readonly string[]).includes(input.kind)) throw new TierError('invalid', `a tier job is one of: ${TIER_JOB_KINDS.join(', ')}`);
  if (input.kind === 'restore' && !input.target) throw new TierError('invalid', 'which study to restore? No Study Instance UID was given');
  if (!(await db.sandbox.findUnique({ where: { id: sandboxId }, select: { id: true } }))) throw new TierError('not-found', `sandbox ${sandboxId} does not exist`);
  await markInterruptedJobs(db, sandboxId);
  const running = await db.tierJob.findFirst({ where: { sandboxId, status: { in: [...ACTIVE_STATUSES] } } });
  if (running) throw new TierJobBusyError(describeJob(running));
  const job = await db.tierJob.create({ data: { sandboxId, kind: input.kind, target: input.target ?? '', status: 'queued', createdById: input.actorId ?? null, heartbeatAt: new Date() } });
  // two starts at once (two requests, the CLI and the console) may both pass the check above: the oldest row wins
  const active = await db.tierJob.findMany({ where: { sandboxId, status: { in: [...ACTIVE_STATUSES] } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  if (active[0] && active[0].id !== job.id) {
    await db.tierJob.delete({ where: { id: job.id } });
    throw new TierJobBusyError(describeJob(active[0]));
  }
  registry.add(job.id);
  const finished = run(db, sandboxId, job, input).finally(() => registry.delete(job.id));
  return { job, finished };
}

async function run(db: Db, sandboxId: string, job: TierJobRow, input: StartTierJob): Promise<TierJobRow> {
  let latest: TierProgress | undefined;
  let lastWrite = 0;
  let writing: Promise<unknown> = Promise.resolve();
  let finished = false;
  const write = (extra: Record<string, unknown> = {}) => {
    lastWrite = Date.now();
    const p = latest;
    writing = writing
      .then(() => {
        if (finished) return;
        return db.tierJob.update({ where: { id: job.id }, data: { ...(p ?? {}), heartbeatAt: new Date(), ...extra } });
      })
      .catch((e) => console.error(`[tier jobs] could not write the progress of job ${job.id}: ${(e as Error).message}`));
  };
  const heartbeat = setInterval(() => write(), HEARTBEAT_MS);
  heartbeat.unref?.();
  try {
    await db.tierJob.update({ where: { id: job.id }, data: { status: 'running', startedAt: new Date(), heartbeatAt: new Date() } });
    const options: TierOptions = {
      ...input.options,
      actorId: input.actorId ?? null,
      onProgress: (p) => {
        latest = p;
        input.onProgress?.(p);
        if (Date.now() - lastWrite >= PROGRESS_MS) write();
      },
    };
    const result: TierJobResult = input.kind === 'migrate' ? await migrateByAge(db, sandboxId, options) : await restoreStudy(db, sandboxId, input.target!, options);
    clearInterval(heartbeat);
    await writing;
    finished = true;
    return await db.tierJob.update({
      where: { id: job.id },
      data: { ...(latest ?? {}), status: 'done', finishedAt: new Date(), result: JSON.parse(JSON.stringify(result)) as object },
    });
  } catch (e) {
    clearInterval(heartbeat);
    await writing;
    finished = true;
    const error =
      e instanceof TierError
        ? `${e.message}.`
        : `The ${input.kind === 'restore' ? 'restore' : 'migration'} stopped on a server error (${(e as Error).message}). Nothing is lost: every image is in the archive in its old or its new form; the error has been logged — run it again.`;
    console.error(`[tier jobs] job ${job.id} (${input.kind}${input.target ? ` ${input.target}` : ''}) of sandbox ${sandboxId} failed`, e);
    return db.tierJob
      .update({ where: { id: job.id }, data: { ...(latest ?? {}), status: 'failed', finishedAt: new Date(), error } })
      .catch((err) => {
        console.error(`[tier jobs] could not record the failure of job ${job.id}: ${(err as Error).message}`);
        return { ...job, status: 'failed', error };
      });
  }
}

/** The stored result of a finished job, typed by kind (JSON: dates are ISO strings). */
export function migrationResultOf(job: { kind: string; status: string; result: unknown }): (Omit<MigrationResult, 'cutoff'> & { cutoff: string }) | null {
  if (job.kind !== 'migrate' || job.status !== 'done' || !job.result || typeof job.result !== 'object') return null;
  const r = job.result as Partial<MigrationResult>;
  return Array.isArray(r.moved) && Array.isArray(r.skipped) ? (r as unknown as Omit<MigrationResult, 'cutoff'> & { cutoff: string }) : null;
}

export function restoreResultOf(job: { kind: string; status: string; result: unknown }): RestoreResult | null {
  if (job.kind !== 'restore' || job.status !== 'done' || !job.result || typeof job.result !== 'object') return null;
  const r = job.result as Partial<RestoreResult>;
  return typeof r.message === 'string' ? (r as RestoreResult) : null;
}

/** Percentage of a job's images done (studies when it has no image count). */
export function jobPercent(j: { instancesDone: number; instancesTotal: number; studiesDone: number; studiesTotal: number; status: string }): number {
  if (j.status === 'done') return 100;
  if (j.instancesTotal) return Math.min(100, Math.floor((100 * j.instancesDone) / j.instancesTotal));
  return j.studiesTotal ? Math.min(100, Math.floor((100 * j.studiesDone) / j.studiesTotal)) : 0;
}
