import type { Metadata } from 'next';
import Link from 'next/link';
import { formatDateTime, formatPersonName } from '@/app/_lib/format';
import { MppsBadge } from '../../../ris/Badges';
import { recentExams, requireScanner } from '../../../_lib/modality';

export const metadata: Metadata = { title: 'Scanner exams' };
export const dynamic = 'force-dynamic';

export default async function ScannerExams({ params }: { params: Promise<{ ae: string }> }) {
  const { ae } = await params;
  const ctx = await requireScanner(ae);
  const exams = await recentExams(ctx.sandbox.id, ae, 50);
  return (
    <section className="card overflow-x-auto" aria-label="Exams on this scanner">
      <p className="px-4 py-3 text-sm text-slate-600">Exams acquired on {ae}, newest first. Images stay on the scanner’s disk until the archive has committed to keep them and you purge them.</p>
      <table className="table-dense" data-testid="exam-list">
        <thead><tr><th>Acquired</th><th>Patient</th><th>Accession</th><th>Protocol</th><th>Images</th><th>MPPS</th><th>Sent</th><th>Local copy</th></tr></thead>
        <tbody>
          {exams.map((e) => {
            const done = e.sendJobs.filter((j) => j.status === 'done').map((j) => j.target);
            return (
              <tr key={e.id}>
                <td className="whitespace-nowrap"><Link className="font-medium text-brand-700 hover:underline" href={`/sandbox/modality/${ae}/exams/${e.id}`}>{formatDateTime(e.createdAt)}</Link></td>
                <td>{formatPersonName(e.patientName)} <span className="block font-mono text-xs text-slate-500">{e.patientId}</span></td>
                <td className="font-mono text-xs">{e.accessionNumber || <span className="font-sans text-amber-700">none (by hand)</span>}</td>
                <td className="text-xs">{e.protocolId}</td>
                <td className="tabular-nums">{e.imageCount}</td>
                <td><MppsBadge status={e.mppsStatus === 'none' ? undefined : e.mppsStatus} /></td>
                <td className="font-mono text-xs">{done.length ? done.join(', ') : <span className="font-sans text-slate-400">not yet</span>}</td>
                <td className="text-xs">{e.purgedAt ? 'purged' : 'on disk'}</td>
              </tr>
            );
          })}
          {exams.length === 0 && <tr><td colSpan={8} className="py-8 text-center text-slate-500">No exams yet: pick a patient on the Worklist tab.</td></tr>}
        </tbody>
      </table>
    </section>
  );
}
