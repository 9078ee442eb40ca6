import { NextResponse } from 'next/server';
import { checkDatabase, checkDicom } from '@/app/_lib/health';

export const dynamic = 'force-dynamic';

/** GET /api/health: 200 when the web process and the database are up (DICOM is reported, not required). */
export async function GET() {
  const [database, dicom] = await Promise.all([checkDatabase(), checkDicom()]);
  const ok = database.status === 'up';
  return NextResponse.json(
    { status: ok ? (dicom.status === 'up' ? 'ok' : 'degraded') : 'down', web: { status: 'up' }, database, dicom, time: new Date().toISOString() },
    { status: ok ? 200 : 503, headers: { 'cache-control': 'no-store' } },
  );
}
