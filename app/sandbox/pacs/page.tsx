import type { Metadata } from 'next';
import Link from 'next/link';
import { HardDrive, Search } from 'lucide-react';
import { formatBytes, formatDicomDate, formatPersonName } from '@/app/_lib/format';
import { ARCHIVE_MODALITIES, PAGE_SIZE, searchStudies, storageUsage, studySearch } from '../_lib/pacs';
import { currentSandbox, currentSandboxInfo } from '../_lib/current';
import { ServicePanel } from './ServicePanel';
import { StudyStatusBadge } from './StudyStatusBadge';
import { StudyCountBar } from '@/app/_components/StudyCountBar';

export const metadata: Metadata = { title: 'PACS console' };
export const dynamic = 'force-dynamic';

type SP = Promise<Record<string, string | string[] | undefined>>;

export default async function StudyBrowser({ searchParams }: { searchParams: SP }) {
  const raw = Object.fromEntries(Object.entries(await searchParams).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v || undefined]));
  const q = studySearch.parse(raw);
  const sandbox = await currentSandbox();
  if (!sandbox) return <p className="text-amber-800">The demo sandbox does not exist yet: run <code>npx pacslab db seed</code>.</p>;
  const [usage, result, info] = await Promise.all([storageUsage(sandbox.id), searchStudies(sandbox.id, q), currentSandboxInfo()]);
  const quota = sandbox.storageQuotaBytes;
  const pct = quota > 0n ? Math.min(100, Number((usage.bytes * 1000n) / quota) / 10) : 0;
  const pages = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
  const pageLink = (page: number) => `?${new URLSearchParams({ ...Object.fromEntries(Object.entries(raw).filter(([, v]) => v) as [string, string][]), page: String(page) })}`;

  return (
    <div className="space-y-5">
      <ServicePanel sandboxId={sandbox.id} archiveAe={info?.archiveAe ?? 'PACS'} />
      <section className="card flex flex-wrap items-center gap-x-8 gap-y-3 p-4" aria-label="Storage">
        <div className="flex min-w-64 flex-1 items-center gap-3">
          <HardDrive className="h-5 w-5 text-slate-500" aria-hidden />
          <div className="flex-1">
            <div className="flex justify-between text-sm">
              <span className="font-medium">Storage used</span>
              <span className="text-slate-600" data-testid="storage-used">{formatBytes(usage.bytes)} of {formatBytes(quota)}</span>
            </div>
            <div className="mt-1 h-2 overflow-hidden rounded-full bg-slate-200" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label="Storage used">
              <div className={`h-full ${pct > 90 ? 'bg-red-500' : pct > 75 ? 'bg-amber-500' : 'bg-brand-500'}`} style={{ width: `${Math.max(pct, usage.bytes > 0n ? 1 : 0)}%` }} />
            </div>
          </div>
        </div>
        <dl className="flex gap-6 text-sm">
          {[['Patients', usage.patients], ['Studies', usage.studies], ['Series', usage.series], ['Images', usage.instances]].map(([k, v]) => (
            <div key={k}><dt className="text-xs uppercase tracking-wide text-slate-500">{k}</dt><dd className="font-semibold">{v}</dd></div>
          ))}
        </dl>
      </section>

      <form className="card grid grid-cols-2 gap-3 p-4 md:grid-cols-4 lg:grid-cols-8" role="search" aria-label="Find studies">
        <label className="col-span-2"><span className="label">Patient name</span><input name="name" defaultValue={q.name} className="field" placeholder="DOE^J*" /></label>
        <label><span className="label">Patient ID</span><input name="patientId" defaultValue={q.patientId} className="field" /></label>
        <label><span className="label">Accession</span><input name="accession" defaultValue={q.accession} className="field" /></label>
        <label><span className="label">From</span><input type="date" name="from" defaultValue={raw.from} className="field" /></label>
        <label><span className="label">To</span><input type="date" name="to" defaultValue={raw.to} className="field" /></label>
        <label><span className="label">Modality</span>
          <select name="modality" defaultValue={q.modality ?? ''} className="field">
            <option value="">Any</option>
            {ARCHIVE_MODALITIES.map((m) => <option key={m}>{m}</option>)}
          </select>
        </label>
        <div className="flex items-end gap-2">
          <button className="btn-primary w-full" type="submit"><Search className="h-4 w-4" aria-hidden /> Search</button>
        </div>
      </form>

      <section className="card overflow-x-auto">
        <StudyCountBar total={result.total} page={q.page} pages={pages} pageLink={pageLink} testId="study-count" />
        <table className="table-dense" data-testid="studies-table">
          <thead>
            <tr><th>Patient</th><th>Patient ID</th><th>Study date</th><th>Accession</th><th>Description</th><th>Mod.</th><th className="text-right">Series</th><th className="text-right">Images</th><th className="text-right">Size</th><th>Status</th></tr>
          </thead>
          <tbody>
            {result.rows.map((s) => (
              <tr key={s.id} className="hover:bg-slate-50">
                <td className="font-medium">
                  <Link href={`/sandbox/pacs/studies/${s.studyInstanceUid}`} className="text-brand-700 hover:underline">{formatPersonName(s.patient.patientName) || '(no name)'}</Link>
                  <span className="block text-xs font-normal text-slate-500">{formatDicomDate(s.patient.birthDate)} {s.patient.sex}</span>
                </td>
                <td className="font-mono text-xs">{s.patient.patientId}</td>
                <td className="whitespace-nowrap">{formatDicomDate(s.studyDate)}</td>
                <td className="font-mono text-xs">{s.accessionNumber || <span className="text-amber-700">none</span>}</td>
                <td className="max-w-56 truncate">{s.studyDescription}</td>
                <td>{s.modalities.join(', ')}</td>
                <td className="text-right tabular-nums">{s.seriesCount}</td>
                <td className="text-right tabular-nums">{s.instanceCount}</td>
                <td className="whitespace-nowrap text-right tabular-nums">{formatBytes(s.bytes)}</td>
                <td><StudyStatusBadge status={s.status} /></td>
              </tr>
            ))}
            {result.rows.length === 0 && (
              <tr><td colSpan={10} className="py-8 text-center text-slate-500">
                No studies match. Send one with <code className="rounded bg-slate-100 px-1">storescu -aet CT1 -aec {info?.archiveAe ?? 'PACS'} …</code> or a scanner console.
              </td></tr>
            )}
          </tbody>
        </table>
      </section>
    </div>
  );
}
