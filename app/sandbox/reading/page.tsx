import type { Metadata } from 'next';
import Link from 'next/link';
import { AlertTriangle, Search } from 'lucide-react';
import { formatDicomDate, formatDicomTime, formatPersonName } from '@/app/_lib/format';
import { ARCHIVE_MODALITIES } from '../_lib/pacs';
import { currentSandbox } from '../_lib/current';
import { PRIORITIES, READING_LIMIT, READING_STATES, readingSearch, readingWorklist } from '../_lib/ris';
import { PriorityBadge, ReadingBadge, ReportBadge } from '../ris/Badges';
import { StudyStatusBadge } from '../pacs/StudyStatusBadge';
import { getDb } from '@/prisma/db';
import { getViewer } from '@/app/_lib/session';
import { filterQuery, listSavedFilters } from '../_lib/savedFilters';
import { SavedFilters } from './SavedFilters';

export const metadata: Metadata = { title: 'Reading worklist' };
export const dynamic = 'force-dynamic';

const stateLabel: Record<string, string> = { unread: 'Unread', 'in-progress': 'In progress', read: 'Read', hold: 'On hold' };

export default async function ReadingPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = Object.fromEntries(Object.entries(await searchParams).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v || undefined]));
  const q = readingSearch.parse(raw);
  const sandbox = await currentSandbox();
  if (!sandbox) return <p className="text-amber-800">The demo sandbox does not exist yet: run <code>npx pacslab db seed</code>.</p>;
  const [{ total, rows }, viewer] = await Promise.all([readingWorklist(sandbox.id, q), getViewer()]);
  const signedIn = Boolean(viewer && !viewer.isGuest);
  const filters = signedIn && viewer ? await listSavedFilters(getDb(), viewer.id, 'reading') : [];
  const orphans = rows.filter((r) => !r.order).length;

  return (
    <div className="space-y-5">
      <p className="text-sm text-slate-600">
        The radiologist&apos;s list: studies in the archive, most urgent first. <span className="font-medium">Unread</span> covers received, unverified and
        verified studies; <span className="font-medium">in progress</span> means the modality has not completed its procedure step yet (MPPS IN PROGRESS,
        more images may come); <span className="font-medium">read</span> is reported. <span className="font-medium">Report</span> opens the study to write and sign its report. Priority comes from the matching order.
      </p>
      {/* keyed by the query: a saved filter's link is a client navigation, and the selects must show its values */}
      <form key={filterQuery(q)} className="card grid grid-cols-2 gap-3 p-4 md:grid-cols-6" role="search" aria-label="Filter the reading worklist">
        <label><span className="label">Status</span>
          <select name="state" defaultValue={q.state ?? ''} className="field">
            <option value="">Any</option>
            {READING_STATES.map((s) => <option key={s} value={s}>{stateLabel[s]}</option>)}
          </select>
        </label>
        <label><span className="label">Modality</span>
          <select name="modality" defaultValue={q.modality ?? ''} className="field">
            <option value="">Any</option>
            {ARCHIVE_MODALITIES.map((m) => <option key={m}>{m}</option>)}
          </select>
        </label>
        <label><span className="label">Priority</span>
          <select name="priority" defaultValue={q.priority ?? ''} className="field">
            <option value="">Any</option>
            {PRIORITIES.map((p) => <option key={p}>{p}</option>)}
          </select>
        </label>
        <label><span className="label">Study date from</span><input type="date" name="from" defaultValue={q.from} className="field" /></label>
        <label><span className="label">to</span><input type="date" name="to" defaultValue={q.to} className="field" /></label>
        <div className="flex items-end">
          <button className="btn-primary w-full" type="submit"><Search className="h-4 w-4" aria-hidden /> Filter</button>
        </div>
      </form>

      {signedIn ? (
        <SavedFilters filters={filters} query={filterQuery(q)} />
      ) : (
        <p className="text-xs text-slate-500">Sign in to save filters.</p>
      )}

      <section className="card overflow-x-auto" aria-label="Studies to read">
        <div className="flex flex-wrap items-center justify-between gap-2 px-4 py-3 text-sm text-slate-600">
          <span data-testid="reading-count">{total} {total === 1 ? 'study' : 'studies'}{total > READING_LIMIT ? ` (first ${READING_LIMIT} shown)` : ''}</span>
          {orphans > 0 && (
            <span className="inline-flex items-center gap-1 text-amber-800"><AlertTriangle className="h-4 w-4" aria-hidden /> {orphans} with no matching order</span>
          )}
        </div>
        <table className="table-dense" data-testid="reading-table">
          <thead>
            <tr><th>Priority</th><th>Patient</th><th>Patient ID</th><th>Study date</th><th>Accession</th><th>Procedure</th><th>Mod.</th><th className="text-right">Images</th><th>Reading</th><th>Report</th><th>Archive status</th></tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.id} className="hover:bg-slate-50" data-accession={s.accessionNumber}>
                <td>{s.order ? <PriorityBadge priority={s.order.priority} /> : <span className="text-xs text-slate-400">–</span>}</td>
                <td className="font-medium">
                  <Link href={`/sandbox/pacs/studies/${s.studyInstanceUid}`} className="text-brand-700 hover:underline">{formatPersonName(s.patient.patientName) || '(no name)'}</Link>
                  <span className="block text-xs font-normal text-slate-500">{formatDicomDate(s.patient.birthDate)} {s.patient.sex}</span>
                </td>
                <td className="font-mono text-xs">{s.patient.patientId}</td>
                <td className="whitespace-nowrap">{formatDicomDate(s.studyDate)} <span className="text-slate-500">{formatDicomTime(s.studyTime)}</span></td>
                <td className="font-mono text-xs">
                  {s.accessionNumber || <span className="text-amber-700">none</span>}
                  {!s.order && (
                    <span className="mt-1 flex items-start gap-1 font-sans text-xs text-amber-800" data-testid="no-order">
                      <AlertTriangle className="mt-0.5 h-3.5 w-3.5 shrink-0" aria-hidden />
                      <span>No matching order: the seed of “study missing from the worklist”</span>
                    </span>
                  )}
                </td>
                <td className="min-w-48 max-w-64">
                  {s.order?.requestedProcedureDescription || s.studyDescription || '–'}
                  {s.order?.referringPhysicianName && <span className="block text-xs text-slate-500">for {formatPersonName(s.order.referringPhysicianName)}</span>}
                </td>
                <td>{s.modalities.join(', ')}</td>
                <td className="text-right tabular-nums">{s.instanceCount}</td>
                <td><ReadingBadge state={s.state} /></td>
                <td className="whitespace-nowrap">
                  <span data-testid="report-state"><ReportBadge status={s.reportStatus} /></span>
                  <Link href={`/sandbox/viewer?study=${s.studyInstanceUid}`} className="ml-2 text-xs font-medium text-brand-700 hover:underline" aria-label="Open in viewer">View</Link>
                  <Link href={`/sandbox/reading/${s.studyInstanceUid}`} className="ml-2 text-xs font-medium text-brand-700 hover:underline" aria-label={`${s.reportStatus === 'final' ? 'View report' : 'Report'} ${s.accessionNumber || s.studyInstanceUid}`}>{s.reportStatus === 'final' ? 'View report' : 'Report'}</Link>
                </td>
                <td><StudyStatusBadge status={s.status} /></td>
              </tr>
            ))}
            {rows.length === 0 && (
              <tr><td colSpan={11} className="py-8 text-center text-slate-500">No studies match. Studies arrive when a modality sends them to the PACS.</td></tr>
            )}
          </tbody>
        </table>
      </section>
    </div>
  );
}
