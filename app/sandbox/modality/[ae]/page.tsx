import type { Metadata } from 'next';
import Link from 'next/link';
import { z } from 'zod';
import { AlertTriangle, RefreshCw, UserPlus } from 'lucide-react';
import { formatDicomDate, formatDicomTime, formatPersonName } from '@/app/_lib/format';
import { ScuError } from '@/sim/dimse/client';
import { peerFor } from '@/sim/modality/config';
import { protocolsFor, suggestProtocol, type GenModality } from '@/sim/modality/generate';
import { queryWorklist, type WorklistItem } from '@/sim/modality/worklist';
import { isoFromDicomDate, todayDicomDate } from '../../_lib/ris';
import { destinationLabel, requireScanner } from '../../_lib/modality';
import { PriorityBadge } from '../../ris/Badges';
import { ActionForm } from '@/app/_components/ActionForm';
import { startExamFromWorklist, startManualExam } from './actions';

export const metadata: Metadata = { title: 'Scanner worklist' };
export const dynamic = 'force-dynamic';

const filters = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional().catch(undefined),
  any: z.literal('1').optional().catch(undefined),
  name: z.string().trim().max(64).regex(/^[^\\]*$/).optional().catch(undefined),
  select: z.string().trim().max(16).optional().catch(undefined),
});

type Sp = Promise<Record<string, string | string[] | undefined>>;

export default async function ScannerWorklist({ params, searchParams }: { params: Promise<{ ae: string }>; searchParams: Sp }) {
  const [{ ae }, sp] = await Promise.all([params, searchParams]);
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;
  const f = filters.parse({ date: one(sp.date), any: one(sp.any), name: one(sp.name), select: one(sp.select) });
  const ctx = await requireScanner(ae);
  const { config } = ctx;
  const today = await todayDicomDate();
  const date = f.date ? f.date.replaceAll('-', '') : today;
  const broker = ctx.destinations.find((d) => d.role === 'worklist');
  const protocols = protocolsFor(config.modality as GenModality);

  let items: WorklistItem[] = [];
  let failure: string | null = null;
  let finalMeaning = '';
  if (!broker) failure = 'No worklist broker is configured on this scanner: add one on the Network tab.';
  else {
    try {
      const r = await queryWorklist(peerFor(config, broker), {
        date,
        stationAeTitle: f.any ? null : config.localAeTitle,
        modality: f.any ? undefined : config.modality,
        patientName: f.name ? `*${f.name.toUpperCase().replace(/[\s,]+/g, '*')}*` : undefined,
      });
      items = r.items.sort((a, b) => a.scheduledStartTime.localeCompare(b.scheduledStartTime));
      if (r.final.category !== 'success') failure = `The worklist query ended with ${r.final.meaning}.`;
      finalMeaning = r.final.meaning;
    } catch (e) {
      if (!(e instanceof ScuError)) throw e;
      failure = e.message;
    }
  }
  const selected = f.select ? items.find((i) => i.accessionNumber === f.select) : undefined;
  const keep = (extra: Record<string, string | undefined>) => {
    const q = new URLSearchParams();
    if (f.date) q.set('date', f.date);
    if (f.any) q.set('any', '1');
    if (f.name) q.set('name', f.name);
    for (const [k, v] of Object.entries(extra)) if (v) q.set(k, v);
    const s = q.toString();
    return `/sandbox/modality/${ae}${s ? `?${s}` : ''}`;
  };

  return (
    <div className="space-y-5">
      <form className="card grid grid-cols-2 items-end gap-3 p-4 md:grid-cols-5" role="search" aria-label="Worklist query">
        <label><span className="label">Scheduled date</span><input type="date" name="date" defaultValue={isoFromDicomDate(date)} className="field" /></label>
        <label className="col-span-1 md:col-span-2"><span className="label">Patient name contains</span><input name="name" defaultValue={f.name ?? ''} className="field" placeholder="e.g. DOE" /></label>
        <label className="flex items-center gap-2 pb-2 text-sm">
          <input type="checkbox" name="any" value="1" defaultChecked={Boolean(f.any)} className="h-4 w-4 rounded border-slate-300" />
          Any station / modality
        </label>
        <button className="btn-primary" type="submit"><RefreshCw className="h-4 w-4" aria-hidden /> Refresh worklist</button>
      </form>

      {selected && (
        <section className="card border-brand-300 p-4" aria-labelledby="selected-heading" data-testid="selected-item">
          <h2 id="selected-heading" className="font-semibold">
            {formatPersonName(selected.patientName)} <span className="font-mono text-sm font-normal text-slate-500">{selected.patientId}</span>
          </h2>
          <p className="text-sm text-slate-600">
            {selected.requestedProcedureDescription || selected.scheduledProcedureStepDescription} · accession <span className="font-mono">{selected.accessionNumber}</span> ·
            born {formatDicomDate(selected.patientBirthDate) || '–'} {selected.patientSex}
          </p>
          <p className="mt-1 text-xs text-slate-500">
            Demographics, accession number and Study Instance UID come from the worklist item and go into every image, so the PACS files them under the
            order. Check the patient’s identity (two identifiers) before you start.
          </p>
          <ActionForm action={startExamFromWorklist} hidden={{ ae, item: JSON.stringify(selected) }} submit="Start exam and acquire" pendingLabel="Acquiring…" className="mt-3 flex flex-wrap items-end gap-3" testId="start-exam">
            <label className="min-w-56"><span className="label">Protocol</span>
              {/* preselected from the requested procedure (body part, contrast phase); a new item remounts it */}
              <select
                key={selected.accessionNumber}
                name="protocolId"
                className="field"
                defaultValue={suggestProtocol(config.modality as GenModality, selected.requestedProcedureDescription || selected.scheduledProcedureStepDescription)?.id ?? protocols[0]?.id}
              >
                {protocols.map((p) => <option key={p.id} value={p.id}>{p.label}</option>)}
              </select>
            </label>
            {config.modality === 'CT' && (
              <label className="w-28"><span className="label">Slices</span><input name="slices" type="number" min={1} max={600} defaultValue={60} className="field" /></label>
            )}
          </ActionForm>
        </section>
      )}

      <section className="card overflow-x-auto" aria-label="Worklist items">
        <div className="flex flex-wrap items-baseline justify-between gap-2 px-4 py-3 text-sm text-slate-600" data-testid="scanner-worklist-count">
          <span>
            {failure ? 'Worklist query failed' : `${items.length} ${items.length === 1 ? 'item' : 'items'}`} for {f.any ? 'any station' : <span className="font-mono">{config.localAeTitle}</span>} on {formatDicomDate(date)}{date === today ? ' (today)' : ''}
          </span>
          {broker && <span className="text-xs text-slate-500">MWL C-FIND to <span className="font-mono">{destinationLabel(broker)}</span>{finalMeaning && !failure ? ` · ${finalMeaning}` : ''}</span>}
        </div>
        {failure && (
          <div role="alert" className="mx-4 mb-3 flex gap-2 rounded-lg border border-red-200 bg-red-50 p-3 text-sm text-red-800" data-testid="worklist-error">
            <AlertTriangle className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
            <span>{failure} <Link className="font-medium underline" href={`/sandbox/modality/${ae}/network`}>Network settings</Link></span>
          </div>
        )}
        <table className="table-dense" data-testid="scanner-worklist">
          <thead>
            <tr>
              <th title="(0040,0002)/(0040,0003) Scheduled Procedure Step Start Date/Time">Time</th>
              <th title="(0010,0010) Patient's Name, (0010,0020) Patient ID">Patient</th>
              <th title="(0010,0030) Birth Date, (0010,0040) Sex">Born / sex</th>
              <th title="(0008,0050) Accession Number">Accession</th>
              <th title="(0032,1060) Requested Procedure Description">Procedure</th>
              <th title="(0040,0001) Scheduled Station AE Title, (0008,0060) Modality">Station</th>
              <th title="(0040,1003) Requested Procedure Priority">Priority</th>
              <th><span className="sr-only">Select</span></th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr key={`${i.accessionNumber}-${i.scheduledProcedureStepId}`} data-accession={i.accessionNumber} className={selected === i ? 'bg-brand-50' : undefined}>
                <td className="whitespace-nowrap tabular-nums">{formatDicomTime(i.scheduledStartTime).slice(0, 5)}</td>
                <td className="min-w-44"><span className="font-medium">{formatPersonName(i.patientName)}</span><span className="block font-mono text-xs text-slate-500">{i.patientId}</span></td>
                <td className="whitespace-nowrap">{formatDicomDate(i.patientBirthDate) || '–'} {i.patientSex}</td>
                <td className="font-mono text-xs">{i.accessionNumber}</td>
                <td className="min-w-48">{i.requestedProcedureDescription || i.scheduledProcedureStepDescription}</td>
                <td className="whitespace-nowrap font-mono text-xs">{i.scheduledStationAeTitle} <span className="font-sans text-slate-500">{i.modality}</span></td>
                <td>{i.priority ? <PriorityBadge priority={i.priority} /> : '–'}</td>
                <td><Link className="btn-secondary px-3 py-1" href={keep({ select: i.accessionNumber })} aria-label={`Select ${formatPersonName(i.patientName)}`}>Select</Link></td>
              </tr>
            ))}
            {!failure && items.length === 0 && (
              <tr><td colSpan={8} className="py-8 text-center text-slate-500">No scheduled steps for this scanner on this day. Try “Any station”, another date, or ask the RIS whether the order reached it.</td></tr>
            )}
          </tbody>
        </table>
      </section>

      <details className="card p-4" data-testid="manual-registration">
        <summary className="flex cursor-pointer items-center gap-2 font-semibold"><UserPlus className="h-4 w-4 text-amber-600" aria-hidden /> Register a patient by hand</summary>
        <div className="mt-3 flex gap-2 rounded-lg border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
          <AlertTriangle className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
          <p>
            The risky path. Without the worklist there is no accession number and no link to the order: the images get a new Study Instance UID, the PACS
            may hold the study as unverified, the order stays open on the RIS, and a typo in the name or ID files the images under the wrong patient.
            Use it only when the worklist is down, and tell the RIS.
          </p>
        </div>
        <ActionForm action={startManualExam} hidden={{ ae }} submit="Register and acquire" submitClass="btn-secondary" pendingLabel="Acquiring…" className="mt-3 grid grid-cols-2 items-end gap-3 md:grid-cols-4" testId="manual-exam">
          <label><span className="label">Family name</span><input name="familyName" className="field" required maxLength={30} /></label>
          <label><span className="label">Given name</span><input name="givenName" className="field" maxLength={30} /></label>
          <label><span className="label">Patient ID (MRN)</span><input name="patientId" className="field font-mono" required maxLength={64} /></label>
          <label><span className="label">Birth date</span><input name="birthDate" type="date" className="field" /></label>
          <label><span className="label">Sex</span>
            <select name="sex" className="field" defaultValue=""><option value="">unknown</option><option value="F">F</option><option value="M">M</option><option value="O">O</option></select>
          </label>
          <label className="md:col-span-2"><span className="label">Study description</span><input name="studyDescription" className="field" maxLength={64} /></label>
          <label><span className="label">Protocol</span>
            <select name="protocolId" className="field" defaultValue={protocols[0]?.id}>{protocols.map((p) => <option key={p.id} value={p.id}>{p.label}</option>)}</select>
          </label>
          {config.modality === 'CT' && <label><span className="label">Slices</span><input name="slices" type="number" min={1} max={600} defaultValue={60} className="field" /></label>}
        </ActionForm>
      </details>
    </div>
  );
}
