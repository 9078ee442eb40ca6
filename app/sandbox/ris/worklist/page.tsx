import type { Metadata } from 'next';
import { z } from 'zod';
import { Search, Terminal } from 'lucide-react';
import { env } from '@/app/_lib/env';
import { formatDicomDate, formatDicomTime, formatPersonName } from '@/app/_lib/format';
import { currentSandbox } from '../../_lib/current';
import { isoFromDicomDate, modalityStations, risAeTitle, todayDicomDate, worklistForDay } from '../../_lib/ris';
import { MppsBadge, OrderStatusBadge, PriorityBadge } from '../Badges';

export const metadata: Metadata = { title: 'Modality worklist' };
export const dynamic = 'force-dynamic';

const filters = z.object({
  station: z.string().trim().toUpperCase().max(16).regex(/^[^\\]*$/).optional().catch(undefined),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional().catch(undefined),
});

type Item = Record<string, unknown>;
const pnOf = (v: unknown) => (Array.isArray(v) && v[0] && typeof v[0] === 'object' ? String((v[0] as { Alphabetic?: string }).Alphabetic ?? '') : '');

export default async function WorklistPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;
  const f = filters.parse({ station: one(sp.station), date: one(sp.date) });
  const [sandbox, today] = await Promise.all([currentSandbox(), todayDicomDate()]);
  if (!sandbox) return <p className="text-amber-800">The demo sandbox does not exist yet: run <code>npx pacslab db seed</code>.</p>;
  const date = f.date ? f.date.replaceAll('-', '') : today;
  const [stations, ris] = await Promise.all([modalityStations(sandbox.id), risAeTitle(sandbox.id)]);
  const station = f.station && stations.some((s) => s.aeTitle === f.station) ? f.station : undefined;
  const { answered, left } = await worklistForDay(sandbox.id, date, station);
  const { DICOM_HOST, DICOM_PORT } = env();
  const calling = station ?? stations[0]?.aeTitle ?? 'CT1';
  const command = [
    `TCP_NODELAY=1 findscu -v -W -aet ${calling} -aec ${ris} ${DICOM_HOST} ${DICOM_PORT} \\`,
    ...(station ? [`  -k "(0040,0100)[0].ScheduledStationAETitle=${station}" \\`] : [`  -k "(0040,0100)[0].ScheduledStationAETitle" \\`]),
    `  -k "(0040,0100)[0].ScheduledProcedureStepStartDate=${date}" \\`,
    `  -k "(0040,0100)[0].ScheduledProcedureStepStartTime" -k "(0040,0100)[0].Modality" \\`,
    `  -k "(0040,0100)[0].ScheduledProcedureStepDescription" -k "(0040,0100)[0].ScheduledProcedureStepID" \\`,
    `  -k PatientName -k PatientID -k PatientBirthDate -k PatientSex \\`,
    `  -k AccessionNumber -k RequestedProcedureID -k RequestedProcedureDescription \\`,
    `  -k RequestedProcedurePriority -k ReferringPhysicianName -k StudyInstanceUID`,
  ].join('\n');

  return (
    <div className="space-y-5">
      <p className="text-sm text-slate-600">
        What the <span className="font-mono">{ris}</span> AE answers to a Modality Worklist query (C-FIND, PS3.4 K.6): one item per
        scheduled procedure step still to be done. A step that a modality has started (MPPS IN PROGRESS), completed or
        discontinued, or an order that was cancelled, leaves the worklist.
      </p>
      <form className="card grid grid-cols-2 gap-3 p-4 md:grid-cols-4" role="search" aria-label="Worklist query">
        <label><span className="label">Scheduled station AE</span>
          <select name="station" defaultValue={station ?? ''} className="field font-mono">
            <option value="">Any station</option>
            {stations.map((s) => <option key={s.aeTitle} value={s.aeTitle}>{s.aeTitle}</option>)}
          </select>
        </label>
        <label><span className="label">Scheduled date</span><input type="date" name="date" defaultValue={isoFromDicomDate(date)} className="field" /></label>
        <div className="col-span-2 flex items-end md:col-span-1">
          <button className="btn-primary" type="submit"><Search className="h-4 w-4" aria-hidden /> Query</button>
        </div>
      </form>

      <section className="card overflow-x-auto" aria-label="Worklist items">
        <div className="px-4 py-3 text-sm text-slate-600" data-testid="worklist-count">
          {answered.length} {answered.length === 1 ? 'item' : 'items'} for {station ?? 'any station'} on {formatDicomDate(date)}{date === today ? ' (today)' : ''}
        </div>
        <table className="table-dense" data-testid="worklist-table">
          <thead>
            <tr>
              <th title="(0040,0002)/(0040,0003) Start Date and Time, (0040,0001) Scheduled Station AE Title, (0008,0060) Modality">Time / station</th>
              <th title="(0010,0010) Patient's Name, (0010,0020) Patient ID, (0010,0030) Birth Date, (0010,0040) Sex">Patient</th>
              <th title="(0008,0050) Accession Number / (0040,1001) Requested Procedure ID / (0040,0009) Scheduled Procedure Step ID">Accession / RP ID / SPS ID</th>
              <th title="(0032,1060) Requested Procedure Description / (0040,0007) Scheduled Procedure Step Description">Procedure</th>
              <th title="(0008,0090) Referring Physician's Name">Referring</th>
              <th title="(0040,1003) Requested Procedure Priority">Priority</th>
              <th title="(0020,000D) Study Instance UID">Study Instance UID</th>
              <th title="(0040,0252) Performed Procedure Step Status">MPPS</th>
            </tr>
          </thead>
          <tbody>
            {answered.map(({ order, item }) => {
              const step = (item.ScheduledProcedureStepSequence as Item[])[0];
              return (
                <tr key={order.id} data-accession={order.accessionNumber}>
                  <td className="whitespace-nowrap" title={`${String(step.ScheduledProcedureStepStartDate)} ${String(step.ScheduledProcedureStepStartTime)}`}>
                    <span className="font-medium tabular-nums">{formatDicomTime(String(step.ScheduledProcedureStepStartTime)).slice(0, 5)}</span>
                    <span className="block text-xs"><span className="font-mono font-medium">{String(step.ScheduledStationAETitle)}</span> <span className="text-slate-500">{String(step.Modality)}</span></span>
                  </td>
                  <td className="min-w-44">
                    <span className="font-medium">{formatPersonName(pnOf(item.PatientName))}</span>
                    <span className="block font-mono text-xs text-slate-500">{pnOf(item.PatientName)}</span>
                    <span className="block text-xs text-slate-500"><span className="font-mono">{String(item.PatientID)}</span> · <span className="whitespace-nowrap">{formatDicomDate(String(item.PatientBirthDate)) || '–'} {String(item.PatientSex)}</span></span>
                  </td>
                  <td className="whitespace-nowrap font-mono text-xs">
                    {String(item.AccessionNumber)}
                    {item.RequestedProcedureID === item.AccessionNumber && step.ScheduledProcedureStepID === item.AccessionNumber ? (
                      <span className="block font-sans text-slate-500">same as RP ID and SPS ID</span>
                    ) : (
                      <><span className="block text-slate-500">{String(item.RequestedProcedureID)}</span><span className="block text-slate-500">{String(step.ScheduledProcedureStepID)}</span></>
                    )}
                  </td>
                  <td className="min-w-52">{String(item.RequestedProcedureDescription)}{step.ScheduledProcedureStepDescription !== item.RequestedProcedureDescription && <span className="block text-xs text-slate-500" title="(0040,0007) Scheduled Procedure Step Description">SPS: {String(step.ScheduledProcedureStepDescription)}</span>}</td>
                  <td className="whitespace-nowrap">{formatPersonName(pnOf(item.ReferringPhysicianName)) || '–'}</td>
                  <td><PriorityBadge priority={String(item.RequestedProcedurePriority)} /></td>
                  <td className="max-w-32 truncate font-mono text-xs text-slate-600" title={String(item.StudyInstanceUID)}>{String(item.StudyInstanceUID)}</td>
                  <td><MppsBadge status={order.performedSteps[0]?.status} /></td>
                </tr>
              );
            })}
            {answered.length === 0 && (
              <tr><td colSpan={8} className="py-8 text-center text-slate-500">The RIS would answer this query with no items (C-FIND Success, no pendings).</td></tr>
            )}
          </tbody>
        </table>
      </section>

      <section className="card p-4" aria-labelledby="try-heading">
        <h2 id="try-heading" className="flex items-center gap-2 font-semibold"><Terminal className="h-4 w-4 text-slate-500" aria-hidden /> Try the same query with DCMTK</h2>
        <p className="mt-1 text-sm text-slate-600">
          Calling AE <span className="font-mono">{calling}</span> must be a known node; <span className="font-mono">-W</span> selects the Modality Worklist
          SOP class (1.2.840.10008.5.1.4.31). Each <span className="font-mono">-k</span> without a value asks for that attribute back.
        </p>
        <pre className="mt-3 overflow-x-auto rounded-lg bg-slate-900 p-3 text-xs leading-relaxed text-slate-100" data-testid="findscu-command"><code>{command}</code></pre>
      </section>

      <section className="card overflow-x-auto" aria-label="Steps that left the worklist">
        <h2 className="px-4 pt-4 font-semibold">Not on the worklist</h2>
        <p className="px-4 pb-3 text-sm text-slate-600">Steps for the same station and day that the RIS no longer answers, and why: the order&apos;s status and the modality&apos;s last MPPS.</p>
        <table className="table-dense" data-testid="left-table">
          <thead><tr><th>Time</th><th>Station</th><th>Patient</th><th>Accession</th><th>Procedure</th><th>Order</th><th>MPPS</th><th>Performed on</th></tr></thead>
          <tbody>
            {left.map((o) => (
              <tr key={o.id} data-accession={o.accessionNumber}>
                <td className="whitespace-nowrap tabular-nums">{formatDicomTime(o.scheduledStartTime).slice(0, 5)}</td>
                <td className="font-mono text-xs">{o.scheduledStationAeTitle}</td>
                <td>{formatPersonName(o.patientName)}</td>
                <td className="font-mono text-xs">{o.accessionNumber}</td>
                <td className="max-w-64">{o.requestedProcedureDescription}</td>
                <td><OrderStatusBadge status={o.status} /></td>
                <td><MppsBadge status={o.performedSteps[0]?.status} /></td>
                <td className="font-mono text-xs">{o.performedSteps[0]?.performedStationAeTitle || '–'}</td>
              </tr>
            ))}
            {left.length === 0 && <tr><td colSpan={8} className="py-6 text-center text-slate-500">None: every step of this day is still to be done.</td></tr>}
          </tbody>
        </table>
      </section>
    </div>
  );
}
