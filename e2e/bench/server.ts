// The site for a benchmark, started the way playwright.config.ts does (`pacslab start --no-build`: production build,
// web server with the DICOM and HL7 daemons), on its own ports over a fresh SQLite database and archive in a temp
// folder (or `databaseUrl`), in its own process group so that stopping it stops all three.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { E2E } from '../env';

export interface BenchServer {
  base: string;
  /** the web port + 8000 */
  dicomPort: number;
  /** its temp folder (database, archive): the bench may put its own files there too */
  dir: string;
  stop(): void;
}

export async function startBenchServer(opts: { port: number; name: string; databaseUrl?: string; timeoutMs?: number }): Promise<BenchServer> {
  const base = `http://127.0.0.1:${opts.port}`;
  // a server left on this port by an earlier run would answer for ours (and measure another build)
  if (await fetch(`${base}/api/health`).then(() => true, () => false)) throw new Error(`port ${opts.port} is already in use: stop what runs there, or set BENCH_PORT`);
  const dir = mkdtempSync(join(tmpdir(), `pacslab-${opts.name}-`));
  const dicomPort = opts.port + 8000;
  const server = spawn(process.execPath, ['app/_cli/pacslab.mjs', 'start', '--no-build'], {
    env: {
      ...process.env,
      ...E2E.serverEnv,
      PORT: String(opts.port),
      DICOM_PORT: String(dicomPort),
      HL7_PORT: String(opts.port - 600),
      DATA_DIR: dir,
      DATABASE_URL: opts.databaseUrl ?? `file:${join(dir, 'pacslab.db')}`,
      ARCHIVE_DIR: join(dir, 'archive'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let log = '';
  server.stdout.on('data', (d) => (log += d));
  server.stderr.on('data', (d) => (log += d));
  const stop = () => {
    if (server.exitCode === null && server.pid) {
      try {
        process.kill(-server.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', stop);
  for (let i = 0; i < (opts.timeoutMs ?? 120_000) / 500; i++) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) return { base, dicomPort, dir, stop };
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  stop();
  throw new Error(`the server did not come up:\n${log}`);
}
