// The live lab view (issue 9): during a class the instructor sees each student's own sandbox as it is now — the
// scenario running there, time against its budget, hints used, which checks passed at the last "Check my fix",
// the faults active (the scenario's and any the instructor added), the last network error a console would show —
// and may inject a further fault into one student's sandbox, check it, or clear it. Server-only; every read and
// write goes through cohortFor (an instructor's own cohort, or an admin), and the student must be enrolled in it.
import { z } from 'zod';
import type { Db } from '@/prisma/db';
import { HttpError } from '@/app/_lib/errors';
import type { Viewer } from '@/app/_lib/session';
import { findScenario } from '@/content/scenarios';
import { checkFault, clearFault, injectFault, listFaults } from '@/sim/faults/engine';
import { faultError } from '@/app/sandbox/scenarios/attempts';
import { isUserSandboxSlug } from '@/sim/sandboxes';
import { cohortFor } from './cohorts';
import { assignedScenario } from './scenarioPolicy';

type Who = Pick<Viewer, 'id' | 'role'>;

export interface LabCheck {
  at: string;
  passed: number;
  total: number;
  failing: string[];
}

export interface LabRow {
  userId: string;
  name: string;
  email: string;
  sandbox: { id: string; slug: string; archiveAe: string | null } | null;
  attempt: {
    id: string;
    scenarioId: string;
    title: string;
    startedAt: Date;
    budgetMinutes: number | null;
    hints: number;
    lastCheck: LabCheck | null;
  } | null;
  faults: { id: string; faultId: string; title: string; byInstructor: boolean; injectedAt: Date; lastCheck: LabCheck | null }[];
  lastError: { at: Date; where: string; text: string } | null;
}

const FAULT_TITLES = new Map(listFaults().map((f) => [f.id, f.title]));

const checkResults = z.array(z.object({ id: z.string(), label: z.string(), passed: z.boolean(), detail: z.string().optional() }));
const checkRuns = z.array(z.object({ at: z.string(), results: checkResults }));

function summarise(at: string, results: z.infer<typeof checkResults>): LabCheck {
  return { at, passed: results.filter((r) => r.passed).length, total: results.length, failing: results.filter((r) => !r.passed).map((r) => r.label) };
}

/** One row per enrolled student, in name order: their own sandbox as it is now. */
export async function liveLab(db: Db, who: Who, cohortId: string): Promise<{ cohort: { id: string; name: string; term: string }; rows: LabRow[] }> {
  const cohort = await cohortFor(db, who, cohortId);
  const enrollments = await db.enrollment.findMany({ where: { cohortId }, include: { user: { select: { id: true, name: true, email: true } } } });
  const userIds = enrollments.map((e) => e.user.id);
  const sandboxes = await db.sandbox.findMany({
    where: { ownerId: { in: userIds } },
    select: { id: true, slug: true, ownerId: true, nodes: { where: { local: true, role: 'archive' }, select: { aeTitle: true } } },
  });
  const own = new Map(sandboxes.filter((s) => isUserSandboxSlug(s.slug)).map((s) => [s.ownerId!, s]));
  const sandboxIds = [...own.values()].map((s) => s.id);
  const [attempts, faults, jobs, associations] = await Promise.all([
    db.scenarioAttempt.findMany({ where: { userId: { in: userIds }, status: 'in-progress' }, orderBy: { startedAt: 'desc' } }),
    db.faultInjection.findMany({ where: { sandboxId: { in: sandboxIds }, status: 'active' }, orderBy: { injectedAt: 'asc' } }),
    // the scanners' last failed sends (a refused connection never reaches the archive's log)
    db.sendJob.findMany({ where: { sandboxId: { in: sandboxIds }, status: 'failed' }, orderBy: { updatedAt: 'desc' }, select: { sandboxId: true, modalityAe: true, target: true, error: true, updatedAt: true } }),
    // the archive's and the RIS's refused or broken associations
    db.associationLog.findMany({
      where: { sandboxId: { in: sandboxIds }, outcome: { in: ['rejected', 'aborted', 'failed'] } },
      orderBy: { startedAt: 'desc' },
      take: 500,
      select: { sandboxId: true, callingAe: true, calledAe: true, outcome: true, rejectReason: true, detail: true, startedAt: true },
    }),
  ]);
  const rows: LabRow[] = enrollments.map(({ user }) => {
    const sandbox = own.get(user.id) ?? null;
    const attempt = attempts.find((a) => a.userId === user.id && (!sandbox || a.sandboxId === sandbox.id)) ?? null;
    const scenario = attempt ? findScenario(attempt.scenarioId) : undefined;
    const runs = attempt ? checkRuns.safeParse(attempt.checks) : null;
    const lastRun = runs?.success ? runs.data.at(-1) : undefined;
    const hints = attempt && Array.isArray(attempt.hints) ? attempt.hints.length : 0;
    const scenarioInjections = new Set(attempt && Array.isArray(attempt.injectionIds) ? (attempt.injectionIds as string[]) : []);
    const job = sandbox ? jobs.find((j) => j.sandboxId === sandbox.id) : undefined;
    const assoc = sandbox ? associations.find((a) => a.sandboxId === sandbox.id) : undefined;
    const candidates = [
      job && { at: job.updatedAt, where: `${job.modalityAe} → ${job.target}`, text: job.error },
      assoc && { at: assoc.startedAt, where: `${assoc.callingAe} → ${assoc.calledAe} (${assoc.outcome})`, text: assoc.rejectReason || assoc.detail || assoc.outcome },
    ].filter(Boolean) as { at: Date; where: string; text: string }[];
    const lastError = candidates.sort((a, b) => b.at.getTime() - a.at.getTime())[0] ?? null;
    return {
      userId: user.id,
      name: user.name,
      email: user.email,
      sandbox: sandbox ? { id: sandbox.id, slug: sandbox.slug, archiveAe: sandbox.nodes[0]?.aeTitle ?? null } : null,
      attempt: attempt
        ? {
            id: attempt.id,
            scenarioId: attempt.scenarioId,
            title: scenario?.title ?? attempt.scenarioId,
            startedAt: attempt.startedAt,
            budgetMinutes: scenario?.timeBudgetMinutes ?? null,
            hints,
            lastCheck: lastRun ? summarise(lastRun.at, lastRun.results) : null,
          }
        : null,
      faults: faults
        .filter((f) => sandbox && f.sandboxId === sandbox.id)
        .map((f) => {
          const last = checkResults.safeParse(f.lastCheck);
          return {
            id: f.id,
            faultId: f.faultId,
            title: FAULT_TITLES.get(f.faultId) ?? f.faultId,
            byInstructor: !scenarioInjections.has(f.id),
            injectedAt: f.injectedAt,
            lastCheck: last.success && f.lastCheck ? summarise(f.injectedAt.toISOString(), last.data) : null,
          };
        }),
      lastError,
    };
  });
  // an assignment's own time budget wins over the scenario's (what the student's timer shows)
  const now = new Date();
  await Promise.all(
    rows.map(async (r) => {
      if (!r.attempt) return;
      const assigned = await assignedScenario(db, r.userId, r.attempt.scenarioId, now);
      if (assigned?.minutes) r.attempt.budgetMinutes = assigned.minutes;
    }),
  );
  rows.sort((a, b) => a.name.localeCompare(b.name));
  return { cohort: { id: cohort.id, name: cohort.name, term: cohort.term }, rows };
}

/** The student's own sandbox, if they are in this (the instructor's) cohort and have one. */
async function studentSandbox(db: Db, who: Who, cohortId: string, userId: string) {
  await cohortFor(db, who, cohortId);
  const enrolled = await db.enrollment.findUnique({ where: { cohortId_userId: { cohortId, userId } } });
  if (!enrolled) throw new HttpError(404, 'That student is not in this cohort.');
  const sandbox = (await db.sandbox.findMany({ where: { ownerId: userId }, select: { id: true, slug: true } })).find((s) => isUserSandboxSlug(s.slug));
  if (!sandbox) throw new HttpError(409, 'This student has no sandbox yet: it is made when they start a scenario or press "Create my sandbox".');
  return sandbox;
}

/** A further fault in one student's sandbox (the engine audits it, with the instructor as the actor). */
export async function injectIntoStudent(db: Db, who: Who, cohortId: string, userId: string, faultId: string) {
  const sandbox = await studentSandbox(db, who, cohortId, userId);
  if (!FAULT_TITLES.has(faultId)) throw new HttpError(422, `Choose a fault from the list (there is no "${faultId}").`);
  return injectFault(db, sandbox.id, faultId, {}, who.id).catch(faultError);
}

/** Checks or clears a fault active in a student's sandbox of this cohort. */
export async function actOnStudentFault(db: Db, who: Who, cohortId: string, userId: string, injectionId: string, action: 'check' | 'clear') {
  const sandbox = await studentSandbox(db, who, cohortId, userId);
  const injection = await db.faultInjection.findFirst({ where: { id: injectionId, sandboxId: sandbox.id } });
  if (!injection) throw new HttpError(404, 'That fault is not in this student’s sandbox.');
  if (action === 'clear') return { cleared: await clearFault(db, injection.id, who.id).catch(faultError), check: null };
  return { cleared: null, check: await checkFault(db, injection.id).catch(faultError) };
}
