// The access matrix covers everything there is: a page, route handler or server action added without a row in
// app/_lib/accessMatrix.ts fails here (and the e2e walk in e2e/access.spec.ts checks every cell over HTTP).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTIONS, ACTORS, PAGES, ROUTES } from './accessMatrix';

const root = join(import.meta.dirname, '..', '..');

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}
const files = walk(join(root, 'app')).map((f) => relative(root, f).split('\\').join('/'));

/** Every exported function of every 'use server' file (what a browser can call). */
export function serverActions(): { file: string; action: string }[] {
  return files
    .filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.test.ts'))
    .filter((f) => /^\s*(\/\/[^\n]*\n\s*)*['"]use server['"]/.test(readFileSync(join(root, f), 'utf8')))
    .flatMap((file) => [...readFileSync(join(root, file), 'utf8').matchAll(/^export\s+(?:async\s+)?function\s+(\w+)|^export\s+const\s+(\w+)/gm)].map((m) => ({ file, action: m[1] ?? m[2] })));
}

describe('the access matrix', () => {
  it('has a row for every page', () => {
    const pages = files.filter((f) => /\/page\.tsx$/.test(f));
    expect(pages.length).toBeGreaterThan(20);
    const covered = new Set(PAGES.map((p) => p.file));
    expect(pages.filter((p) => !covered.has(p)), 'pages without a row in app/_lib/accessMatrix.ts').toEqual([]);
  });

  it('has a row for every route handler', () => {
    const routes = files.filter((f) => /\/route\.ts$/.test(f));
    const covered = new Set(ROUTES.map((r) => r.file));
    expect(routes.filter((r) => !covered.has(r)), 'route handlers without a row in app/_lib/accessMatrix.ts').toEqual([]);
  });

  it('has a row for every server action', () => {
    const actions = serverActions();
    expect(actions.length).toBeGreaterThan(30);
    const covered = new Set(ACTIONS.map((a) => `${a.file}#${a.action}`));
    expect(actions.map((a) => `${a.file}#${a.action}`).filter((a) => !covered.has(a)), 'server actions without a row').toEqual([]);
  });

  it('names only files that exist and gives every actor a cell', () => {
    for (const row of [...PAGES, ...ROUTES, ...ACTIONS]) {
      expect(files, row.file).toContain(row.file);
      expect(Object.keys(row.expect).sort()).toEqual([...ACTORS].sort());
    }
  });
});
