// `pacslab archive migrate | restore | storage --sandbox <slug>`: the storage tiers (sim/archive/tiers.ts) for scripts
// and cron: the same functions the PACS console's Storage tab calls.
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

export function register(program: Command): void {
  const archive = program.command('archive').description("the archive's storage tiers: migrate by age, restore a study, storage per tier");

  archive
    .command('migrate')
    .description("move studies older than the sandbox's short-term period to the long-term tier, as its storage policy says")
    .requiredOption('--sandbox <slug>', 'the sandbox, e.g. demo')
    .action(async (o: { sandbox: string }) => {
      const { migrateByAge } = await import('@/sim/archive/tiers');
      const sandbox = await sandboxBySlug(o.sandbox);
      const r = await tierAction(() => migrateByAge(getDb(), sandbox.id));
      console.log(`codec ${r.codec}; studies received before ${r.cutoff.toISOString()}`);
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
      const { restoreStudy } = await import('@/sim/archive/tiers');
      const sandbox = await sandboxBySlug(o.sandbox);
      console.log((await tierAction(() => restoreStudy(getDb(), sandbox.id, uid))).message);
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
