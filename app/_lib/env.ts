// Configuration from the environment, checked once with zod (every variable has a working default, so a fresh
// clone starts with no set-up). The README's configuration table lists the same variables.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);

const schema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DICOM_PORT: port.default(11112),
  DICOM_HOST: z.string().min(1).default('127.0.0.1'),
  /** the address people type in the browser; sign-in forms are only accepted from this origin (and localhost) */
  PUBLIC_URL: z.string().url().optional(),
  /** signs session cookies; generated into data/auth-secret on first start when unset (set it on multi-node) */
  AUTH_SECRET: z.string().min(32).optional(),
  DATA_DIR: z.string().min(1).default('data'),
  /** sign-in and sign-up attempts allowed per client address per minute */
  AUTH_SIGNIN_PER_MINUTE: z.coerce.number().int().min(1).max(1000).default(5),
});

export type Env = z.infer<typeof schema> & { PUBLIC_URL: string; AUTH_SECRET: string };

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration in the environment:\n${lines}`);
  }
  const e = parsed.data;
  cached = {
    ...e,
    PUBLIC_URL: (e.PUBLIC_URL ?? `http://${e.HOST === '0.0.0.0' ? '127.0.0.1' : e.HOST}:${e.PORT}`).replace(/\/$/, ''),
    AUTH_SECRET: e.AUTH_SECRET ?? localSecret(resolve(e.DATA_DIR, 'auth-secret')),
  };
  return cached;
}

/** A per-installation secret kept beside the SQLite database (mode 0600), so a single machine needs no set-up. */
function localSecret(path: string): string {
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dirname(path), { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  try {
    writeFileSync(path, secret, { mode: 0o600, flag: 'wx' });
  } catch {
    return readFileSync(path, 'utf8').trim(); // another process won the race
  }
  return secret;
}
