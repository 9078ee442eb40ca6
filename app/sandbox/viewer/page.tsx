// The viewer: `/sandbox/viewer?study={StudyInstanceUID}` opens a study of the current sandbox's archive in the
// Cornerstone3D viewer; `/sandbox/viewer` alone lists the archive's studies to pick one.
import { preload } from 'react-dom';
import type { Metadata } from 'next';
import Link from 'next/link';
import { Eye, Search } from 'lucide-react';
import { formatDicomDate, formatPersonName } from '@/app/_lib/format';
import { PAGE_SIZE, searchStudies, studySearch } from '../_lib/pacs';
import { currentSandbox, currentSandboxInfo } from '../_lib/current';
import { ViewerLoader } from './ViewerLoader';
import { StudyCountBar } from '@/app/_components/StudyCountBar';
import { getDb } from '@/prisma/db';
import { firstInstance, viewerChunks } from './first';

export const metadata: Metadata = { title: 'Viewer' };
export const dynamic = 'force-dynamic';

type SP = Promise<Record<string, string | string[] | undefined>>;

export default async function ViewerPage({ searchParams }: { searchParams: SP }) {
  const raw = Object.fromEntries(Object.entries(await searchParams).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v || undefined]));
  // a UID is digits and dots, at most 64 characters (PS3.5 9.1); anything else gets the picker with a note
  const study = raw.study && /^[0-9.]{1,64}$/.test(raw.study) ? raw.study : undefined;
  // the current sandbox's archive serves the images (DICOMweb at /dicomweb/{its archive AE})
  const info = await currentSandboxInfo();
  const archiveAe = info?.archiveAe ?? 'PACS';
  if (study) {
    // issue 6, time to first image: the viewer's code (a client-only dynamic import, which Next does not preload)
    // starts downloading with the HTML, and the loader fetches the image the viewer opens on meanwhile
    for (const href of viewerChunks()) preload(href, { as: 'script' });
    const sandbox = await currentSandbox();
    const first = sandbox ? await firstInstance(getDb(), sandbox.id, study) : undefined;
    return <ViewerLoader studyUid={study} ae={archiveAe} first={first} />;
  }

  const q = studySearch.parse(raw);
  const sandbox = await currentSandbox();
  if (!sandbox) return <p className="text-amber-800">The demo sandbox does not exist yet: run <code>npx pacslab db seed</code>.</p>;
  const result = await searchStudies(sandbox.id, q);
  const pages = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
  const pageLink = (page: number) => `?${new URLSearchParams({ ...Object.fromEntries(Object.entries(raw).filter(([, v]) => v) as [string, string][]), page: String(page) })}`;

  return (
    <div className="space-y-5">
      <div className="border-b border-slate-200 pb-3">
        <p className="text-xs font-semibold uppercase tracking-wide text-brand-700">{info?.label ?? 'Demo hospital (shared)'} · archive AE {archiveAe}</p>
        <h1 className="text-2xl font-semibold tracking-tight">Viewer</h1>
        <p className="mt-1 text-sm text-slate-600">
          Pick a study to read. The viewer loads its images over the archive&apos;s DICOMweb (<code className="text-xs">/dicomweb/{archiveAe}</code>), exactly as a
          web viewer in a hospital does: window/level, measurements, cine, prior comparison and the full DICOM header.
        </p>
        {raw.study && !study && <p className="mt-2 text-sm text-amber-800">“{raw.study}” is not a Study Instance UID (digits and dots, at most 64 characters).</p>}
      </div>
      <form className="card grid grid-cols-2 gap-3 p-4 md:grid-cols-5" role="search" aria-label="Find studies">
        <label className="col-span-2"><span className="label">Patient name</span><input name="name" defaultValue={q.name} className="field" placeholder="DOE^J*" /></label>
        <label><span className="label">Patient ID</span><input name="patientId" defaultValue={q.patientId} className="field" /></label>
        <label><span className="label">Accession</span><input name="accession" defaultValue={q.accession} className="field" /></label>
        <div className="flex items-end"><button className="btn-primary w-full" type="submit"><Search className="h-4 w-4" aria-hidden /> Search</button></div>
      </form>
      <section className="card overflow-x-auto">
        <StudyCountBar total={result.total} page={q.page} pages={pages} pageLink={pageLink} testId="viewer-study-count" />
        <table className="table-dense" data-testid="viewer-studies">
          <thead>
            <tr><th>Patient</th><th>Patient ID</th><th>Study date</th><th>Accession</th><th>Description</th><th>Mod.</th><th className="text-right">Images</th><th></th></tr>
          </thead>
          <tbody>
            {result.rows.map((s) => (
              <tr key={s.id} className="hover:bg-slate-50">
                <td className="font-medium">{formatPersonName(s.patient.patientName) || '(no name)'}</td>
                <td className="font-mono text-xs">{s.patient.patientId}</td>
                <td className="whitespace-nowrap">{formatDicomDate(s.studyDate)}</td>
                <td className="font-mono text-xs">{s.accessionNumber || '–'}</td>
                <td className="max-w-56 truncate">{s.studyDescription}</td>
                <td>{s.modalities.join(', ')}</td>
                <td className="text-right tabular-nums">{s.instanceCount}</td>
                <td className="text-right">
                  <Link href={`/sandbox/viewer?study=${s.studyInstanceUid}`} className="inline-flex items-center gap-1 font-medium text-brand-700 hover:underline"><Eye className="h-4 w-4" aria-hidden /> Open</Link>
                </td>
              </tr>
            ))}
            {result.rows.length === 0 && (
              <tr><td colSpan={8} className="py-8 text-center text-slate-500">
                The archive is empty. Send a study with <code className="rounded bg-slate-100 px-1">storescu -aet CT1 -aec {archiveAe} …</code> or a scanner console.
              </td></tr>
            )}
          </tbody>
        </table>
      </section>
    </div>
  );
}
