// The DICOM daemon (sim/daemon.ts) as a real child process for the hardening runs (crash.ts, load.ts): started
// with its own database and ARCHIVE_DIR on a free port, stopped with SIGTERM, or killed with SIGKILL (kill -9)
// to see what a crash leaves. Node is started directly (tsx as a loader), so the pid is the daemon's own.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitForPort } from '../testing/ports';
import { daemonEnv } from '../daemonEnv';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface DaemonChild {
  port: number;
  child: ChildProcess;
  /** everything it printed (stdout and stderr), the last 200 kB */
  output(): string;
  /** SIGTERM, then SIGKILL after 15 s; resolves once it exited */
  stop(): Promise<void>;
  /** kill -9: resolves once the process is gone */
  kill9(): Promise<void>;
  exited(): boolean;
  /** resolves with the first match of `re` in its output, waiting up to `ms` for it to be printed */
  waitForOutput(re: RegExp, ms?: number): Promise<RegExpExecArray>;
}

export interface DaemonEnv {
  databaseUrl: string;
  archiveDir: string;
  /** more environment (e.g. MAX_ASSOCIATIONS_PER_SANDBOX) */
  extra?: Record<string, string>;
}

/** Starts sim/daemon.ts and resolves once it listens (it migrates, seeds the demo and recovers the archive first). */
export async function startDaemon(env: DaemonEnv, timeoutMs = 120_000): Promise<DaemonChild> {
  const port = await freePort();
  const tsx = join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs');
  const child = spawn(process.execPath, ['--import', existsSync(tsx) ? tsx : 'tsx', join(REPO_ROOT, 'sim', 'daemon.ts')], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      DATABASE_URL: env.databaseUrl,
      ARCHIVE_DIR: env.archiveDir,
      DICOM_HOST: '127.0.0.1',
      DICOM_PORT: String(port),
      TCP_NODELAY: '1',
      ...daemonEnv(),
      ...env.extra,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-200_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const gone = new Promise<void>((res) => child.once('exit', () => res()));
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  try {
    await waitForPort(port, child, () => out, timeoutMs);
  } catch (e) {
    child.kill('SIGKILL');
    await gone;
    throw e;
  }
  return {
    port,
    child,
    output: () => out,
    exited,
    async waitForOutput(re, ms = 10_000) {
      const until = Date.now() + ms;
      for (;;) {
        const m = re.exec(out);
        if (m) return m;
        if (exited() || Date.now() > until) throw new Error(`the daemon did not print ${re} (${exited() ? 'it exited' : `${ms} ms`}): ${out.slice(-1000)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async stop() {
      if (exited()) return;
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.kill('SIGTERM');
      await gone;
      clearTimeout(t);
    },
    async kill9() {
      if (!exited()) child.kill('SIGKILL');
      await gone;
    },
  };
}

/** Resident set size of a process in MB (from /proc; 0 when it is gone). */
export function rssMb(pid: number | undefined): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}
