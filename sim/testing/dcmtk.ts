// Runs DCMTK command-line tools for tests, always with TCP_NODELAY=1 in their environment (without it DCMTK
// waits on Nagle's algorithm over loopback: ~17 img/s instead of ~700). Fails with a clear message when the
// tool is not installed (the project's test command installs dcmtk).
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';

export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

const checked = new Set<string>();

export function requireDcmtk(tool: string) {
  if (!hasDcmtk(tool)) throw new Error(`DCMTK tool "${tool}" is not installed: install the Debian package dcmtk (apt-get install -y dcmtk)`);
}

/** Whether a DCMTK tool is installed (for runs that use it only when it is there). */
export function hasDcmtk(tool = 'storescu'): boolean {
  if (checked.has(tool)) return true;
  if (spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).status !== 0) return false;
  checked.add(tool);
  return true;
}

/** Runs a DCMTK tool to completion and captures its output. */
export function runDcmtk(tool: string, args: readonly string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ToolResult> {
  requireDcmtk(tool);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env: { ...process.env, ...opts.env, TCP_NODELAY: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, durationMs: performance.now() - started });
    });
  });
}

/** Starts a long-running DCMTK tool (e.g. storescp); returns the process to stop later. */
export function spawnDcmtk(tool: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  requireDcmtk(tool);
  return spawn(tool, args, { env: { ...process.env, ...opts.env, TCP_NODELAY: '1' }, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * DCMTK storescu (verbose) sending `files` over one association to 127.0.0.1:`port`, calling `onAck(file)` as
 * each success response is logged: its log is read live, "I: Sending file: <path>" … "I: Received Store Response
 * (Success)" (DCMTK 3.6: one response per C-STORE, in order). Never rejects on the tool's failure: resolves with
 * the last `logChars` (default 20,000) characters of its log when it exits, or when it is killed after `timeoutMs`.
 */
export function storescuWithAcks(
  peer: { port: number; calledAe: string; callingAe?: string; host?: string },
  files: readonly string[],
  onAck: (file: string) => void,
  opts: { timeoutMs?: number; logChars?: number } = {},
): Promise<string> {
  const logChars = opts.logChars ?? 20_000;
  return new Promise((resolve) => {
    const args = ['-v', '-aet', peer.callingAe ?? 'CT1', '-aec', peer.calledAe, peer.host ?? '127.0.0.1', String(peer.port), ...files];
    const child = spawnDcmtk('storescu', args);
    let log = '';
    let pending = '';
    let current: string | undefined;
    const read = (d: Buffer) => {
      log = (log + d).slice(-logChars);
      pending += d;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        const sending = /Sending file: (.+)$/.exec(line);
        if (sending) current = sending[1].trim();
        else if (/Received Store Response \(Success/.test(line) && current) {
          onAck(current);
          current = undefined;
        }
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(log);
    });
  });
}

export const PYDICOM_TEST_FILES = '/usr/lib/python3/dist-packages/pydicom/data/test_files';

/**
 * A reference DCMTK storescp in bit-preserving mode (+B: writes the data set exactly as received): what a
 * sender really put on the wire, to compare our stored bytes with.
 */
export async function startReferenceStorescp(dir: string, aeTitle = 'REFERENCE') {
  const { createServer } = net;
  const port = await new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const child = spawnDcmtk('storescp', ['+B', '-aet', aeTitle, '-od', dir, '-uf', '+xa', String(port)]);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  // wait until it listens
  for (let i = 0; i < 50; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const { connect } = net;
      const c = connect(port, '127.0.0.1', () => {
        c.destroy();
        resolve(true);
      });
      c.on('error', () => resolve(false));
    });
    if (up) break;
    if (child.exitCode !== null) throw new Error(`storescp exited: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    aeTitle,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
