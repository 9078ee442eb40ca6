// The process settings of the DICOM daemon (sim/daemon.ts), shared by every way it is started: `npm start`
// (app/_cli/start.ts), the hardening runs (sim/hardening) and the benches, so that what is measured is what runs.
// `npm run sim` sets the same two in package.json. Both keep resident memory under the archive's budget (300 MB
// while a 2 GB study streams in: sim/bench/ingest.ts, `--count 4000`):
//   - MALLOC_ARENA_MAX=2: glibc's default of 8 malloc arenas per core fragments under the 64 KiB socket buffers
//     of a long transfer (measured on a 2 GB study: 306-333 MB peak without, 268-293 MB with, at the same speed).
//   - --max-semi-space-size=2 (MiB): V8's young generation otherwise grows to its 16 MiB semi-spaces under
//     ingest's allocation churn and stays resident. Measured over 1000 CT slices: 253-269 MB resident when
//     ready and 255-273 MB at the peak, against 279-280 and 283-289; the same daemon CPU time per 300 images
//     (user 0.82-0.89 s against 0.77-0.96 s) and the same ingest rate within the machine's noise.

export const DAEMON_NODE_OPTIONS = '--max-semi-space-size=2';

/** The environment variables to add to a DICOM daemon's environment (`env` is the one it would otherwise get). */
export function daemonEnv(env: NodeJS.ProcessEnv = process.env): { MALLOC_ARENA_MAX: string; NODE_OPTIONS: string } {
  const options = env.NODE_OPTIONS?.trim();
  return {
    MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX ?? '2',
    NODE_OPTIONS: options?.includes('--max-semi-space-size') ? options : [options, DAEMON_NODE_OPTIONS].filter(Boolean).join(' '),
  };
}
