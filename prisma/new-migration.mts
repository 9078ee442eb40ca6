// Developers: after editing prisma/models.prisma, `npx tsx prisma/new-migration.mts short_name` regenerates both
// clients and writes a migration for SQLite and one for PostgreSQL.
import { execFileSync } from 'node:child_process';
import { createMigration } from './migrate.ts';

const name = process.argv[2];
if (!name || !/^\w+$/.test(name)) {
  console.error('usage: npx tsx prisma/new-migration.mts short_name');
  process.exit(2);
}
const written = await createMigration(name);
execFileSync(process.execPath, ['prisma/generate.mjs'], { stdio: 'inherit' });
console.log(written.length ? `wrote:\n  ${written.join('\n  ')}` : 'no schema change: nothing written');
