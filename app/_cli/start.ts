// `npm start` / `pacslab start`: one command that brings everything up on a fresh machine. It migrates the
// database, seeds the demo sandbox, builds the site when the production build is missing or older than the
// sources, then runs the web server and the DICOM services as two child processes (they can run apart too:
// `npm run sim`) and stops both when either stops or on Ctrl-C.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { databaseUrl, getDb, providerOf } from '@/prisma/db';
import { applyMigrations } from '@/prisma/migrate';
import { env } from '@/app/_lib/env';
import { daemonEnv } from '@/sim/daemonEnv';

const root = resolve(import.meta.dirname, '..', '..');
const nextBin = join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
const tsxBin = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.') || entry.name === 'generated') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export function buildIsStale(): boolean {
  const buildId = join(root, process.env.PACSLAB_DIST_DIR || '.next', 'BUILD_ID');
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  const sources = ['app', 'content', 'public', 'sim', 'prisma'].map((d) => join(root, d)).filter(existsSync);
  return Math.max(...sources.map(newestSource), statSync(join(root, 'package.json')).mtimeMs) > built;
}

export async function start({ build }: { build: boolean }) {
  const e = env();
  const url = databaseUrl();
  const t0 = Date.now();
  const applied = await applyMigrations(url);
  console.log(`[start] database (${providerOf(url)}): ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}`);
  const { seedDemo } = await import('@/sim/seed');
  await seedDemo(getDb());
  await getDb().$disconnect();

  if (!build) {
    if (!existsSync(join(root, process.env.PACSLAB_DIST_DIR || '.next', 'BUILD_ID'))) throw new Error('there is no production build: run `npm run build` first');
  } else if (buildIsStale()) {
    console.log('[start] building the site (first start or sources changed; about a minute)…');
    const r = spawnSync(process.execPath, [nextBin, 'build', '--webpack'], { cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
    if (r.status !== 0) throw new Error('the build failed (see above)');
  }

  const children: ChildProcess[] = [];
  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    setTimeout(() => process.exit(code), 5000).unref();
    Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r))))).then(() => process.exit(code));
  };
  const run = (name: string, args: string[], extraEnv: Record<string, string> = {}) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...extraEnv } });
    child.once('exit', (code, signal) => {
      if (!stopping) {
        console.error(`[start] ${name} stopped (${signal ?? `exit ${code}`}); stopping the rest`);
        stop(code || 1);
      }
    });
    children.push(child);
  };
  // the daemon's memory settings (sim/daemonEnv.ts): resident memory stays flat while large studies stream in
  run('DICOM services', [tsxBin, '--tsconfig', join(root, 'tsconfig.json'), join(root, 'sim', 'daemon.ts')], daemonEnv());
  run('HL7 listener', [tsxBin, '--tsconfig', join(root, 'tsconfig.json'), join(root, 'sim', 'hl7d.ts')]);
  run('web server', [nextBin, 'start', '-p', String(e.PORT), '-H', e.HOST]);
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  console.log(`[start] starting the web site on ${e.PUBLIC_URL} and DICOM services on ${e.DICOM_HOST}:${e.DICOM_PORT} (database and build took ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}
