#!/usr/bin/env node
// `npx pacslab …`: runs the TypeScript command line through the project's own tsx.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const tsx = join(dirname(require.resolve('tsx/package.json')), 'dist', 'cli.mjs');
const result = spawnSync(process.execPath, [tsx, '--tsconfig', join(here, '..', '..', 'tsconfig.json'), join(here, 'main.ts'), ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { NEXT_TELEMETRY_DISABLED: '1', ...process.env },
});
process.exit(result.status ?? (result.signal ? 1 : 0));
