// Start-up and shut-down shared by the service processes (sim/daemon.ts, sim/hl7d.ts).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** On SIGTERM or SIGINT: say what is closing, run `close` once, exit 0. */
export function closeOnSignals(what: string, close: () => Promise<void>) {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: closing the ${what}`);
    await close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/** Runs `main` when the module is the process's entry point (not when a test imports it). */
export function runIfEntry(moduleUrl: string, main: () => Promise<void>) {
  if (process.argv[1] && moduleUrl === pathToFileURL(resolve(process.argv[1])).href) {
    main().catch((e) => {
      console.error(e);
      process.exit(1);
    });
  }
}
