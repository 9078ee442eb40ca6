import { NextResponse } from 'next/server';
import { checkDatabase, checkDicom, checkHl7 } from '@/app/_lib/health';

export const dynamic = 'force-dynamic';

/** GET /api/health: 200 when the web process and the database are up (DICOM and HL7 are reported, not required). */
export async function GET() {
  const [database, dicom, hl7] = await Promise.all([checkDatabase(), checkDicom(), checkHl7()]);
  const ok = database.status === 'up';
  const all = dicom.status === 'up' && hl7.status === 'up';
  return NextResponse.json(
    { status: ok ? (all ? 'ok' : 'degraded') : 'down', web: { status: 'up' }, database, dicom, hl7, time: new Date().toISOString() },
    { status: ok ? 200 : 503, headers: { 'cache-control': 'no-store' } },
  );
}
