// No secret in the repository (issue 11): every file git tracks or would add (git ls-files, ignored files left out)
// is scanned for private keys, .env files with values, the generated session secret, and the token formats of the
// common providers. The patterns are checked against planted samples first, so the scan cannot pass by matching
// nothing. A match fails with the file and line; a real secret found here must be revoked, not just deleted.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

/** name → pattern; each is written so that this file does not match itself. */
const TOKEN_PATTERNS: Record<string, RegExp> = {
  'private key': new RegExp('-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----'),
  'AWS access key id': /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/,
  'GitHub token': /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})\b/,
  'Slack token': /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/,
  'Google API key': /\bAIza[0-9A-Za-z_-]{35}\b/,
  'Stripe live key': /\b[sr]k_live_[0-9a-zA-Z]{20,}\b/,
  'npm token': /\bnpm_[A-Za-z0-9]{36}\b/,
  'OpenAI / Anthropic key': /\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{32,}\b/,
  'database URL with a password': /\b(?:postgres(?:ql)?|mysql|mongodb(?:\+srv)?):\/\/[^\s:/@'"`]+:[^\s@'"`$]{3,}@(?!(?:127\.0\.0\.1|localhost|host|db\.example\.org)\b)/,
  'AUTH_SECRET with a value': /\bAUTH_SECRET\s*=\s*['"]?[A-Za-z0-9+/_=-]{32,}/,
};

/** Files that may hold a secret by their very name. */
function secretByName(path: string): string | null {
  const name = path.split('/').pop()!;
  if (/^\.env(\..+)?$/.test(name) && !/\.(example|sample|template)$/.test(name)) return '.env file';
  if (/^(id_rsa|id_ed25519|id_ecdsa)$/.test(name) || /\.(pem|key|p12|pfx|jks)$/.test(name)) return 'key file';
  if (path === 'data/auth-secret' || name === 'auth-secret') return 'the generated session secret';
  return null;
}

export function scan(path: string, text: string): string[] {
  const found: string[] = [];
  const byName = secretByName(path);
  // an .env file with only names (KEY=) or comments is a template; one value makes it a secret
  if (byName === '.env file' ? /^\s*[A-Z_][A-Z0-9_]*\s*=\s*\S/m.test(text) : byName) found.push(`${path}: ${byName}`);
  const lines = text.split('\n');
  for (const [what, re] of Object.entries(TOKEN_PATTERNS)) {
    const i = lines.findIndex((l) => re.test(l));
    if (i >= 0) found.push(`${path}:${i + 1}: ${what}`);
  }
  return found;
}

function repositoryFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, maxBuffer: 64 << 20 }).toString();
  return out.split('\0').filter(Boolean);
}

describe('no secret in the repository', () => {
  it('recognises every kind of secret it looks for (planted samples)', () => {
    const k = (...parts: string[]) => parts.join('');
    const samples: [string, string][] = [
      ['a.txt', k('-----BEGIN ', 'RSA PRIVATE KEY-----\nMIIE...')],
      ['b.ts', k('const id = "AKIA', 'ABCDEFGHIJKLMNOP";')],
      ['c.md', k('token ghp_', 'a'.repeat(36))],
      ['d.json', k('{"k": "xoxb-', '123456789012-abcdef"}')],
      ['e.ts', k('AIza', 'b'.repeat(35))],
      ['f.ts', k('sk_live_', 'c'.repeat(24))],
      ['g.ts', k('npm_', 'd'.repeat(36))],
      ['h.ts', k('sk-', 'e'.repeat(40))],
      ['i.sh', k('DATABASE_URL=postgresql://app:hunter2', '@prod.example.com:5432/app')],
      ['j.sh', k('AUTH_SECRET=', 'f'.repeat(40))],
      ['.env', 'AUTH_SECRET=whatever\n'],
      ['config/server.pem', 'x'],
      ['data/auth-secret', 'x'],
    ];
    for (const [path, text] of samples) expect(scan(path, text), path).not.toEqual([]);
    // and what is not a secret
    expect(scan('.env.example', 'AUTH_SECRET=change-me\n')).toEqual([]);
    expect(scan('.env', '# PORT=3000\nAUTH_SECRET=\n')).toEqual([]);
    expect(scan('README.md', 'DATABASE_URL=postgresql://pacslab@db.example.org:5432/pacslab npm start')).toEqual([]);
    expect(scan('x.ts', 'TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test')).toEqual([]);
  });

  it('finds none in the files git tracks or would add', () => {
    const files = repositoryFiles();
    expect(files.length).toBeGreaterThan(100);
    const found: string[] = [];
    for (const path of files) {
      const full = join(root, path);
      let size: number;
      try {
        size = statSync(full).size;
      } catch {
        continue; // deleted in the working tree
      }
      const byName = secretByName(path);
      if (size > 2_000_000 && !byName) continue; // large binaries (DICOM samples, images) hold no text secrets
      const buf = readFileSync(full);
      if (!byName && buf.subarray(0, 8000).includes(0)) continue; // binary
      found.push(...scan(path, buf.toString('utf8')));
    }
    expect(found, 'secrets in the repository: revoke them, then remove them from the history').toEqual([]);
  });
});
