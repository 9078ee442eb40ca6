// GET /teach/cohorts/:id/csv/:table → the table as text/csv. Same checks as the page: signed in (401), an
// instructor of this cohort or an admin (403), a known table (404).
import { getDb } from '@/prisma/db';
import { HttpError, route } from '@/app/_lib/errors';
import { requireRole } from '@/app/_lib/session';
import { now } from '@/app/_lib/clock';
import { cohortDashboard, cohortFor } from '../../../../_lib/cohorts';
import { toCsv } from '../../../../_lib/csv';
import { table, TABLES, type TableName } from '../../../../_lib/tables';

export const dynamic = 'force-dynamic';

export const GET = route(async (_request: Request, { params }: { params: Promise<{ id: string; table: string }> }) => {
  const { id, table: name } = await params;
  const viewer = await requireRole('instructor');
  const db = getDb();
  const cohort = await cohortFor(db, viewer, id);
  if (!(TABLES as readonly string[]).includes(name)) throw new HttpError(404, `No such table; choose ${TABLES.join(', ')}.`);
  const t = table(await cohortDashboard(db, viewer, id, await now()), name as TableName);
  const file = `${cohort.name}-${name}`.replace(/[^\w-]+/g, '-').toLowerCase();
  return new Response(toCsv(t.header, t.rows), {
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${file}.csv"`, 'cache-control': 'no-store' },
  });
});
