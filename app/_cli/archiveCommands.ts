// `pacslab archive migrate | restore | storage --sandbox <slug>`: the storage tiers (sim/archive/tiers.ts) for scripts
// and cron: the same jobs the PACS console's Storage tab starts (sim/archive/tierJobs.ts: one at a time per sandbox,
// progress on the job row), run to the end here with the progress printed to stderr.
import type { Command } from 'commander';
import { getDb } from '@/prisma/db';
import { fail } from './common';

async function sandboxBySlug(slug: string) {
  const sandbox = await getDb().sandbox.findUnique({ where: { slug }, select: { id: true, slug: true } });
  if (!sandbox) fail(`there is no sandbox "${slug}" (the public one is "demo")`);
  return sandbox;
}

async function tierAction<T>(fn: () => Promise<T>): Promise<T> {
  const { TierError } = await import('@/sim/archive/tiers');
  try {
    return await fn();
  } catch (e) {
    if (e instanceof TierError) fail(e.message);
    throw e;
  }
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MB`;

/** Runs a tier job to its end, printing its progress (at most every 250 ms); fails with the job's error in words. */
async function runJob(sandboxId: string, kind: 'migrate' | 'restore', target?: string) {
  const { startTierJob } = await import('@/sim/archive/tierJobs');
  let last = 0;
  const { finished } = await tierAction(() =>
    startTierJob(getDb(), sandboxId, {
      kind, target,
      onProgress: (p) => {
        if (Date.now() - last < 250 && p.instancesDone < p.instancesTotal) return;
        last = Date.now();
        const pct = p.instancesTotal ? Math.floor((100 * p.instancesDone) / p.instancesTotal) : 100;
        process.stderr.write(`  studies ${p.studiesDone}/${p.studiesTotal}, images ${p.instancesDone}/${p.instancesTotal} (${pct}%)\n`);
      },
    }),
  );
  const job = await finished;
  if (job.status !== 'done') fail(job.error || `the ${kind} job ended ${job.status}`);
  return job;
}

export function register(program: Command): void {
  const archive = program.command('archive').description("the archive's storage tiers: migrate by age, restore a study, storage per tier");

  archive
    .command('migrate')
    .description("move studies older than the sandbox's short-term period to the long-term tier, as its storage policy says")
    .requiredOption('--sandbox <slug>', 'the sandbox, e.g. demo')
    .action(async (o: { sandbox: string }) => {
      const { migrationResultOf } = await import('@/sim/archive/tierJobs');
      const sandbox = await sandboxBySlug(o.sandbox);
      const r = migrationResultOf(await runJob(sandbox.id, 'migrate'));
      if (!r) return fail('the migration finished without a result');
      console.log(`codec ${r.codec}; studies received before ${r.cutoff}`);
      for (const m of r.moved) console.log(`moved    ${m.accessionNumber || m.studyInstanceUid}: ${m.instances} image(s), ${mb(m.bytesBefore)} → ${mb(m.bytesAfter)}${m.lossy ? ' (lossy)' : ''}`);
      for (const s of r.skipped) console.log(`skipped  ${s.accessionNumber || s.studyInstanceUid}: ${s.reason}`);
      console.log(`${r.moved.length} moved, ${r.skipped.length} skipped`);
    });

  archive
    .command('restore')
    .description('bring a study back to the short-term tier')
    .argument('<studyInstanceUid>')
    .requiredOption('--sandbox <slug>', 'the sandbox, e.g. demo')
    .action(async (uid: string, o: { sandbox: string }) => {
      const { restoreResultOf } = await import('@/sim/archive/tierJobs');
      const sandbox = await sandboxBySlug(o.sandbox);
      console.log(restoreResultOf(await runJob(sandbox.id, 'restore', uid))?.message ?? 'The restore has finished.');
    });

  archive
    .command('storage')
    .description('bytes per tier and the saving')
    .requiredOption('--sandbox <slug>', 'the sandbox, e.g. demo')
    .action(async (o: { sandbox: string }) => {
      const { storageByTier } = await import('@/sim/archive/tiers');
      const sandbox = await sandboxBySlug(o.sandbox);
      const f = await storageByTier(getDb(), sandbox.id);
      console.log(`short-term  ${String(f.short.instances).padStart(6)} images  ${mb(f.short.bytes)}`);
      console.log(`long-term   ${String(f.long.instances).padStart(6)} images  ${mb(f.long.bytes)} (${mb(f.long.originalBytes)} as received)`);
      console.log(`saving      ${mb(f.saving)} (${Math.round(f.savingRatio * 100)}%)`);
    });
}
