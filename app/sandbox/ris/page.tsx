import type { Metadata } from 'next';
import Link from 'next/link';
import { Lock, Search } from 'lucide-react';
import { ORDER_STATUSES } from '@/sim/ris/orderStatus';
import { formatDicomDate, formatDicomTime, formatPersonName } from '@/app/_lib/format';
import { hasRole } from '@/app/_lib/roles';
import { getViewer } from '@/app/_lib/session';
import { getDb } from '@/prisma/db';
import { currentSandbox } from '../_lib/current';
import { mayAdminister } from '../_lib/sandboxAdmin';
import { isoFromDicomDate, modalityStations, ORDER_MODALITIES, orderSearch, ordersForDay, todayDicomDate } from '../_lib/ris';
import { MppsBadge, OrderStatusBadge, PriorityBadge } from './Badges';
import { NewOrderForm, OrderRowActions } from './OrderForms';
import { Hl7Panel } from './Hl7Panel';

export const metadata: Metadata = { title: 'RIS orders' };
export const dynamic = 'force-dynamic';

type SP = Promise<Record<string, string | string[] | undefined>>;

export default async function OrdersPage({ searchParams }: { searchParams: SP }) {
  const raw = Object.fromEntries(Object.entries(await searchParams).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v || undefined]));
  const q = orderSearch.parse(raw);
  const [sandbox, viewer, today] = await Promise.all([currentSandbox(), getViewer(), todayDicomDate()]);
  if (!sandbox) return <p className="text-amber-800">The demo sandbox does not exist yet: run <code>npx pacslab db seed</code>.</p>;
  const date = q.date ? q.date.replaceAll('-', '') : today;
  const [orders, stations] = await Promise.all([ordersForDay(sandbox.id, date, q), modalityStations(sandbox.id)]);
  const canEdit = Boolean(viewer && !viewer.isGuest && hasRole(viewer.role, 'instructor'));
  // a student running a fault scenario here may reschedule (not place or cancel) orders
  const canMove = canEdit || (await mayAdminister(getDb(), viewer, sandbox.id));
  const counts = Object.fromEntries(ORDER_STATUSES.map((s) => [s, orders.filter((o) => o.status === s).length]));
  const modalities = [...new Set([...ORDER_MODALITIES, ...orders.map((o) => o.modality)])];
  const stationTitles = stations.map((s) => s.aeTitle);
  const empty = `No orders ${q.modality || q.status ? 'match these filters' : 'are scheduled'} on ${formatDicomDate(date)}.`;
  const rowOrder = (o: (typeof orders)[number]) => ({
    accessionNumber: o.accessionNumber,
    status: o.status,
    date: isoFromDicomDate(o.scheduledStartDate),
    time: formatDicomTime(o.scheduledStartTime).slice(0, 5),
    station: o.scheduledStationAeTitle,
    patient: o.patientName,
  });

  return (
    <div className="space-y-5">
      <form className="card grid grid-cols-2 gap-3 p-4 md:grid-cols-5" role="search" aria-label="Find orders">
        <label><span className="label">Scheduled date</span><input type="date" name="date" defaultValue={isoFromDicomDate(date)} className="field" /></label>
        <label><span className="label">Modality</span>
          <select name="modality" defaultValue={q.modality ?? ''} className="field">
            <option value="">Any</option>
            {modalities.map((m) => <option key={m}>{m}</option>)}
          </select>
        </label>
        <label><span className="label">Status</span>
          <select name="status" defaultValue={q.status ?? ''} className="field">
            <option value="">Any</option>
            {ORDER_STATUSES.map((s) => <option key={s}>{s}</option>)}
          </select>
        </label>
        <div className="col-span-2 flex items-end gap-2 md:col-span-2">
          <button className="btn-primary" type="submit"><Search className="h-4 w-4" aria-hidden /> Show orders</button>
          {date !== today && <Link href="/sandbox/ris" className="btn-ghost">Today</Link>}
        </div>
      </form>

      <section className="card overflow-x-auto" aria-label="Orders">
        <div className="flex flex-wrap items-center justify-between gap-2 px-4 py-3 text-sm text-slate-600">
          <span data-testid="order-count">{orders.length} {orders.length === 1 ? 'order' : 'orders'} on {formatDicomDate(date)}{date === today ? ' (today)' : ''}</span>
          <span className="flex flex-wrap gap-3 text-xs">
            {ORDER_STATUSES.filter((s) => counts[s]).map((s) => <span key={s}><OrderStatusBadge status={s} /> {counts[s]}</span>)}
          </span>
        </div>
        {/* phones: one card per order; the dense table from md up */}
        <ul className="divide-y divide-slate-100 border-t border-slate-100 md:hidden" data-testid="orders-list">
          {orders.map((o) => (
            <li key={o.id} className="space-y-1 px-4 py-3 text-sm">
              <div className="flex items-baseline justify-between gap-2">
                <span className="font-semibold tabular-nums">{formatDicomTime(o.scheduledStartTime).slice(0, 5)} <span className="font-mono text-xs font-normal text-slate-500">{o.accessionNumber}</span></span>
                <span className="flex gap-1"><PriorityBadge priority={o.priority} /><OrderStatusBadge status={o.status} /></span>
              </div>
              <p className="font-medium">{formatPersonName(o.patientName) || '(no name)'} <span className="font-normal text-slate-500">· <span className="font-mono text-xs">{o.patientId}</span> · <span className="whitespace-nowrap">{formatDicomDate(o.patientBirthDate) || '–'} {o.patientSex}</span></span></p>
              <p>{o.requestedProcedureDescription} <span className="text-slate-500">· {o.modality} on <span className="font-mono text-xs">{o.scheduledStationAeTitle}</span></span></p>
              <p className="text-xs text-slate-500">{o.reason}{o.reason && o.referringPhysicianName ? ' · ' : ''}{o.referringPhysicianName && `ref. ${formatPersonName(o.referringPhysicianName)}`}</p>
              {o.performedSteps[0] && <MppsBadge status={o.performedSteps[0].status} />}
              {canMove && <OrderRowActions order={rowOrder(o)} stations={stationTitles} allowCancel={canEdit} />}
            </li>
          ))}
          {orders.length === 0 && <li className="px-4 py-6 text-center text-sm text-slate-500">{empty}</li>}
        </ul>
        <table className="table-dense hidden md:table" data-testid="orders-table">
          <thead>
            <tr><th>Time</th><th>Patient</th><th>Procedure</th><th>Mod. / station</th><th>Referring</th><th>Priority</th><th>Status</th>{canMove && <th><span className="sr-only">Changes</span></th>}</tr>
          </thead>
          <tbody>
            {orders.map((o) => (
              <tr key={o.id} className="hover:bg-slate-50" data-accession={o.accessionNumber}>
                <td className="whitespace-nowrap">
                  <span className="font-medium tabular-nums">{formatDicomTime(o.scheduledStartTime).slice(0, 5)}</span>
                  <span className="block font-mono text-xs text-slate-500" title="Accession Number (0008,0050)">{o.accessionNumber}</span>
                </td>
                <td className="min-w-44 font-medium">
                  {formatPersonName(o.patientName) || '(no name)'}
                  <span className="block text-xs font-normal text-slate-500"><span className="font-mono">{o.patientId}</span> · <span className="whitespace-nowrap">{formatDicomDate(o.patientBirthDate) || 'birth date unknown'} {o.patientSex}</span></span>
                </td>
                <td className="min-w-56">
                  {o.requestedProcedureDescription}
                  {o.reason && <span className="block text-xs text-slate-500">{o.reason}</span>}
                </td>
                <td className="whitespace-nowrap">{o.modality} <span className="font-mono text-xs text-slate-500">{o.scheduledStationAeTitle}</span></td>
                <td className="min-w-32">{formatPersonName(o.referringPhysicianName) || '–'}</td>
                <td><PriorityBadge priority={o.priority} /></td>
                <td>
                  <OrderStatusBadge status={o.status} />
                  {o.performedSteps[0] && <span className="mt-1 block" title="Last MPPS from the modality"><MppsBadge status={o.performedSteps[0].status} /></span>}
                </td>
                {canMove && <td><OrderRowActions order={rowOrder(o)} stations={stationTitles} allowCancel={canEdit} /></td>}
              </tr>
            ))}
            {orders.length === 0 && (
              <tr><td colSpan={canMove ? 8 : 7} className="py-8 text-center text-slate-500">{empty}</td></tr>
            )}
          </tbody>
        </table>
      </section>

      <section className="card p-4" aria-labelledby="new-order-heading" data-testid="new-order">
        <h2 id="new-order-heading" className="font-semibold">New order</h2>
        {canEdit ? (
          <>
            <p className="mb-3 mt-1 text-sm text-slate-600">The RIS gives it an accession number and a Study Instance UID at once; it is on the chosen scanner’s worklist as soon as it is placed.</p>
            <NewOrderForm stations={stations} modalities={ORDER_MODALITIES} defaultDate={isoFromDicomDate(today)} />
          </>
        ) : (
          <p className="mt-1 flex items-center gap-1.5 text-sm text-slate-500"><Lock className="h-4 w-4" aria-hidden /> Instructors and administrators can place, cancel and reschedule this sandbox&apos;s orders; the owner of a student&apos;s own sandbox can reschedule them.</p>
        )}
      </section>

      <Hl7Panel sandboxId={sandbox.id} />
    </div>
  );
}
