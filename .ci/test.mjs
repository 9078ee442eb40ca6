#!/usr/bin/env node
// `npm test`: every test, the way CI runs it.
//   1. system tools npm cannot bring (Debian's chromium, dcmtk, pydicom's sample files, dicom3tools), installed
//      with apt when missing (as root; otherwise it says what to install);
//   2. the type check over the whole project;
//   3. unit and integration tests (vitest) on SQLite, then again on PostgreSQL for every test that uses a
//      database when TEST_DATABASE_URL is a postgresql:// URL (CI gives one);
//   4. a production build, then the Playwright end-to-end suite in Chromium;
// and ends with one line `tests: N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

const root = join(import.meta.dirname, '..');
process.chdir(root);
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', TCP_NODELAY: '1' };
const results = [];
let failedSteps = 0;

function step(name, cmd, args, extraEnv = {}) {
  const t0 = Date.now();
  console.log(`\n=== ${name} ===`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...env, ...extraEnv } });
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  console.log(`=== ${name}: ${r.status === 0 ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${seconds} s ===`);
  if (r.status !== 0) failedSteps++;
  return r.status === 0;
}

// ---------------------------------------------------------------- 1. system tools
const needed = [
  { pkg: 'chromium', check: '/usr/bin/chromium', why: 'end-to-end tests' },
  { pkg: 'dcmtk', check: '/usr/bin/storescu', why: 'DICOM interoperability tests' },
  { pkg: 'python3-pydicom', check: '/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm', why: 'real sample DICOM files' },
  { pkg: 'dicom3tools', check: '/usr/bin/dciodvfy', why: 'IOD validation of generated objects' },
];
const missing = needed.filter((n) => !existsSync(n.check));
if (missing.length) {
  const names = missing.map((m) => m.pkg);
  console.log(`Installing with apt: ${missing.map((m) => `${m.pkg} (${m.why})`).join(', ')}`);
  if (process.getuid?.() !== 0) {
    console.error(`Not root: install them first with\n  sudo apt-get install -y ${names.join(' ')}`);
    process.exit(1);
  }
  const aptEnv = { DEBIAN_FRONTEND: 'noninteractive' };
  if (!step('apt-get update', 'apt-get', ['update', '-qq'], aptEnv) || !step('apt-get install', 'apt-get', ['install', '-y', '-qq', ...names], aptEnv)) {
    console.error('Could not install the system packages the tests need (see above).');
    process.exit(1);
  }
}

// ---------------------------------------------------------------- 2. type check
step('type check (tsc)', process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.']);

// ---------------------------------------------------------------- 3. unit and integration tests
rmSync('test-results', { recursive: true, force: true });
mkdirSync('test-results', { recursive: true });
const vitest = ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json'];
step('unit and integration tests (SQLite)', process.execPath, [...vitest, '--outputFile.json=test-results/unit-sqlite.json'], { TEST_DATABASE_URL: '' });

const pgUrl = process.env.TEST_DATABASE_URL;
if (pgUrl && /^postgres(ql)?:\/\//.test(pgUrl)) {
  // again for every test file that opens a database: those that reach prisma/testing.ts (createTestDb) through their
  // imports. The others (codecs, content, parsers: a third of the suite's time) would only repeat the SQLite pass.
  const files = databaseTestFiles();
  console.log(`\n(PostgreSQL: ${files.length} test files reach prisma/testing.ts)`);
  step('unit and integration tests again on PostgreSQL', process.execPath, [...vitest, '--outputFile.json=test-results/unit-postgresql.json', ...files], { TEST_DATABASE_URL: pgUrl });
} else {
  console.log('\n(PostgreSQL variant skipped: set TEST_DATABASE_URL=postgresql://user@host:5432/db to run it)');
}

/** Test files (vitest's include globs) whose relative or `@/` imports reach prisma/testing.ts. */
function databaseTestFiles() {
  const git = spawnSync('git', ['ls-files', '-co', '--exclude-standard', '*.ts', '*.mts', '*.tsx'], { encoding: 'utf8' });
  const known = new Set(git.stdout.split('\n').filter(Boolean));
  const resolveImport = (from, spec) => {
    const base = spec.startsWith('@/') ? spec.slice(2) : spec.startsWith('.') ? join(dirname(from), spec) : null;
    if (base === null) return null;
    const clean = normalize(base);
    for (const cand of [clean, `${clean}.ts`, `${clean}.tsx`, `${clean}.mts`, join(clean, 'index.ts')]) if (known.has(cand)) return cand;
    return null;
  };
  const memo = new Map();
  const reaches = (file) => {
    if (file === 'prisma/testing.ts') return true;
    if (memo.has(file)) return memo.get(file);
    memo.set(file, false); // cycles
    const text = readFileSync(file, 'utf8');
    let hit = false;
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
      const next = resolveImport(file, m[1]);
      if (next && reaches(next)) { hit = true; break; }
    }
    memo.set(file, hit);
    return hit;
  };
  const include = /^(app|content|prisma|sim|docs)\/.*\.test\.ts$/;
  return [...known].filter((f) => include.test(f) && reaches(f)).sort();
}

// ---------------------------------------------------------------- 4. build and end-to-end
if (step('production build', process.execPath, ['node_modules/next/dist/bin/next', 'build', '--webpack'])) {
  step('end-to-end tests (Playwright, Chromium)', process.execPath, ['node_modules/@playwright/test/cli.js', 'test'], { E2E_RUN_ID: String(process.pid), CI: process.env.CI ?? '' });
} else {
  console.error('Skipping the end-to-end tests: the build failed.');
}

// ---------------------------------------------------------------- summary
let passed = 0;
let failed = 0;
for (const file of ['unit-sqlite.json', 'unit-postgresql.json']) {
  const p = join('test-results', file);
  if (!existsSync(p)) continue;
  const r = JSON.parse(readFileSync(p, 'utf8'));
  passed += r.numPassedTests ?? 0;
  failed += (r.numFailedTests ?? 0) + (r.numRuntimeErrorTestSuites ?? 0) + (r.numFailedTestSuites && !r.numFailedTests ? r.numFailedTestSuites : 0);
  results.push(`${file}: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
}
const e2e = join('test-results', 'e2e.json');
if (existsSync(e2e) && statSync(e2e).size) {
  const s = JSON.parse(readFileSync(e2e, 'utf8')).stats ?? {};
  passed += (s.expected ?? 0) + (s.flaky ?? 0);
  failed += s.unexpected ?? 0;
  results.push(`e2e: ${(s.expected ?? 0) + (s.flaky ?? 0)} passed${s.flaky ? ` (${s.flaky} flaky)` : ''}, ${s.unexpected ?? 0} failed`);
}
if (failedSteps && !failed) failed = failedSteps; // a step that failed without a test result (type check, build) counts
console.log(`\n${results.join('\n')}${failedSteps ? `\n${failedSteps} step(s) failed` : ''}`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failedSteps || failed ? 1 : 0);
