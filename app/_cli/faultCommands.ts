// `pacslab fault list | inject | check | clear | active`: the fault catalogue (sim/faults) for instructors' scripts.
// Thin over sim/faults/engine: what a script injects is what the consoles and "Check my fix" see.
import { type Command, InvalidArgumentError } from 'commander';
import { getDb } from '@/prisma/db';
import { fail } from './common';

/** --param k=v, repeatable: collected into one object (values stay text; each fault's schema converts them). */
function collectParam(v: string, prev: Record<string, string>): Record<string, string> {
  const m = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/.exec(v);
  if (!m) throw new InvalidArgumentError('give a parameter as name=value, e.g. --param modalityAe=CT1');
  return { ...prev, [m[1]]: m[2] };
}

async function sandboxBySlug(slug: string) {
  const sandbox = await getDb().sandbox.findUnique({ where: { slug }, select: { id: true, slug: true } });
  if (!sandbox) fail(`there is no sandbox "${slug}" (the public one is "demo")`);
  return sandbox;
}

/** A FaultError (bad input, unknown id, wrong state) is the user's to fix: print it plainly and exit 1. */
async function faultAction<T>(fn: () => Promise<T>): Promise<T> {
  const { FaultError } = await import('@/sim/faults/types');
  try {
    return await fn();
  } catch (e) {
    if (e instanceof FaultError) fail(e.message);
    throw e;
  }
}

export function register(program: Command): void {
  const fault = program.command('fault').description('the fault catalogue: inject failures into a sandbox, check a fix on the real state, clean up');

  fault
    .command('list')
    .description('every fault of the catalogue: id, title, symptom and the lesson it teaches')
    .action(async () => {
      const { listFaults } = await import('@/sim/faults/engine');
      for (const f of listFaults()) {
        console.log(`${f.id.padEnd(20)} ${f.title}`);
        console.log(`${''.padEnd(20)} symptom: ${f.symptom}`);
        console.log(`${''.padEnd(20)} lesson:  ${f.lesson.slug} › ${f.lesson.heading}`);
      }
    });

  fault
    .command('inject')
    .description('inject a fault into a sandbox (over the running DICOM listener); prints the injection id and the symptom')
    .argument('<fault>', 'a fault id from `pacslab fault list`')
    .requiredOption('--sandbox <slug>', 'the sandbox, e.g. demo')
    .option('--param <name=value>', 'a parameter of the fault, repeatable (e.g. modalityAe=CT1, mode=host)', collectParam, {})
    .action(async (faultId: string, o: { sandbox: string; param: Record<string, string> }) => {
      const { injectFault } = await import('@/sim/faults/engine');
      const { findFault } = await import('@/sim/faults/catalogue');
      const sandbox = await sandboxBySlug(o.sandbox);
      const injection = await faultAction(() => injectFault(getDb(), sandbox.id, faultId, o.param, null));
      console.log(`injected ${faultId} into ${sandbox.slug}: ${injection.id}`);
      console.log(`symptom: ${findFault(faultId)!.symptom}`);
    });

  fault
    .command('check')
    .description('run the checks of an injection on the real state ("Check my fix"); exit code 1 unless every check passes')
    .argument('<id>', 'the injection id')
    .action(async (id: string) => {
      const { checkFault } = await import('@/sim/faults/engine');
      const r = await faultAction(() => checkFault(getDb(), id));
      for (const c of r.results) console.log(`${c.passed ? 'PASS' : 'FAIL'}  ${c.label} — ${c.detail}`);
      console.log(`${r.injection.faultId} ${r.injection.id}: ${r.injection.status}`);
      if (!r.passed) process.exitCode = 1;
    });

  fault
    .command('clear')
    .description('undo an injection (idempotent), or every active or fixed one of a sandbox with --all --sandbox')
    .argument('[id]', 'the injection id')
    .option('--all', 'every injection of the sandbox not yet cleared')
    .option('--sandbox <slug>', 'with --all: the sandbox')
    .action(async (id: string | undefined, o: { all?: boolean; sandbox?: string }) => {
      const { clearFault } = await import('@/sim/faults/engine');
      const db = getDb();
      if (id && o.all) fail('give an injection id or --all --sandbox <slug>, not both');
      let ids: string[];
      if (o.all) {
        if (!o.sandbox) fail('--all needs --sandbox <slug>');
        const sandbox = await sandboxBySlug(o.sandbox);
        ids = (await db.faultInjection.findMany({ where: { sandboxId: sandbox.id, status: { in: ['active', 'fixed'] } }, orderBy: { injectedAt: 'asc' }, select: { id: true } })).map((i) => i.id);
      } else if (id) {
        ids = [id];
      } else {
        fail('give an injection id, or --all --sandbox <slug>');
      }
      for (const i of ids) {
        const r = await faultAction(() => clearFault(db, i, null));
        console.log(`${r.faultId} ${r.id}: ${r.status}`);
      }
      if (!ids.length) console.log('nothing to clear');
    });

  fault
    .command('active')
    .description('the injections of a sandbox still to be fixed')
    .requiredOption('--sandbox <slug>', 'the sandbox, e.g. demo')
    .action(async (o: { sandbox: string }) => {
      const { activeFaults } = await import('@/sim/faults/engine');
      const sandbox = await sandboxBySlug(o.sandbox);
      const rows = await activeFaults(getDb(), sandbox.id);
      for (const r of rows) console.log(`${r.id}  ${r.faultId.padEnd(20)} injected ${r.injectedAt.toISOString()}`);
      if (!rows.length) console.log(`no active fault in ${sandbox.slug}`);
    });
}
