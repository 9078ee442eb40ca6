// Accounts the suite needs, made with the real command line (`pacslab user add`), as an administrator would.
import { execFileSync } from 'node:child_process';
import { E2E } from './env';

export default function globalSetup() {
  const run = (...args: string[]) =>
    execFileSync(process.execPath, ['app/_cli/pacslab.mjs', ...args], { env: { ...process.env, ...E2E.serverEnv }, stdio: 'pipe' }).toString();
  run('user', 'add', '--role', 'admin', '--email', E2E.admin.email, '--password', E2E.admin.password, '--name', 'Ada Admin');
  run('user', 'add', '--role', 'instructor', '--email', E2E.instructor.email, '--password', E2E.instructor.password, '--name', 'Ivan Instructor');
}
