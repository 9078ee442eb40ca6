// The RIS's interfaces as an interface analyst sees them: the inbound HL7 interface (orders and patient updates
// from the HIS) running or stopped, with Stop / Start, and the HIS's outbound queue: every order message the
// hospital system sent to this RIS, how it was answered, and Resend for what was not delivered.
import type { Metadata } from 'next';
import Link from 'next/link';
import { ArrowRightLeft, Lock, Power, PowerOff, RotateCw, Send } from 'lucide-react';
import { getDb } from '@/prisma/db';
import { getViewer } from '@/app/_lib/session';
import { ActionForm } from '@/app/_components/ActionForm';
import { formatDateTime, formatPersonName } from '@/app/_lib/format';
import { inboundState } from '@/sim/ris/hl7/interfaceState';
import { hisOutboundQueue } from '@/sim/ris/hl7/hisOutbound';
import { currentSandbox } from '../../_lib/current';
import { mayAdminister } from '../../_lib/sandboxAdmin';
import { risAeTitle } from '../../_lib/ris';
import { resendAllFailed, resendHisMessage, startInboundInterface, stopInboundInterface } from './actions';

export const metadata: Metadata = { title: 'RIS interfaces' };
export const dynamic = 'force-dynamic';

const statusStyle: Record<string, string> = {
  sent: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  failed: 'bg-red-50 text-red-800 ring-red-200',
  queued: 'bg-slate-100 text-slate-600 ring-slate-200',
};

function since(d: Date): string {
  const mins = Math.floor((Date.now() - d.getTime()) / 60_000);
  const at = d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
  return mins < 1 ? `${at} (less than a minute ago)` : mins < 120 ? `${at} (${mins} min ago)` : at;
}

export default async function InterfacesPage() {
  const sandbox = await currentSandbox();
  if (!sandbox) return <p className="text-amber-800">The demo sandbox does not exist yet: run <code>npx pacslab db seed</code>.</p>;
  const db = getDb();
  const [state, queue, viewer, ris] = await Promise.all([inboundState(db, sandbox.id), hisOutboundQueue(db, sandbox.id, 50), getViewer(), risAeTitle(sandbox.id)]);
  const canAdmin = await mayAdminister(db, viewer, sandbox.id);
  const host = process.env.HL7_HOST?.trim() || '127.0.0.1';
  const port = Number(process.env.HL7_PORT ?? 2575);
  const failed = queue.filter((m) => m.status !== 'sent').length;

  return (
    <div className="space-y-5">
      <section className="card flex flex-wrap items-start gap-x-8 gap-y-3 p-4" aria-label="Inbound HL7 interface" data-testid="hl7-inbound-panel">
        <div className="flex min-w-64 flex-1 items-start gap-3">
          <ArrowRightLeft className="mt-0.5 h-5 w-5 shrink-0 text-slate-500" aria-hidden />
          <div>
            <div className="flex items-center gap-2 text-sm">
              <span className="font-medium">Inbound HL7 interface (HIS → RIS {ris})</span>
              {state.running ? (
                <span className="badge bg-emerald-50 text-emerald-800 ring-1 ring-emerald-200" data-testid="hl7-inbound-status">running</span>
              ) : (
                <span className="badge bg-red-50 text-red-800 ring-1 ring-red-200" data-testid="hl7-inbound-status">stopped</span>
              )}
            </div>
            <p className="mt-0.5 text-xs text-slate-600">
              {state.running
                ? <>Orders (ORM^O01, OMI^O23) and patient updates (ADT^A08, ADT^A40) sent over MLLP to {host}:{port} with MSH-5 = {ris} are applied and acknowledged.</>
                : <>Stopped since {since(state.stoppedAt!)}{state.stoppedReason ? <> — {state.stoppedReason}</> : null}. Messages for {ris} are not applied and get no acknowledgement: the sender keeps them and must resend once the interface runs again.</>}
            </p>
          </div>
        </div>
        {canAdmin ? (
          state.running ? (
            <ActionForm action={stopInboundInterface} hidden={{}} className="ml-auto flex max-w-md flex-wrap items-center justify-end gap-2" testId="hl7-inbound-stop" submitClass="btn-secondary"
              submit={<><PowerOff className="h-4 w-4" aria-hidden /> Stop</>} pendingLabel="Stopping…"
              confirm="Stop the inbound HL7 interface? New orders from the HIS will not reach the worklist until you start it again.">
              <label className="w-52"><span className="sr-only">Reason</span><input name="reason" maxLength={200} className="field" placeholder="Reason (e.g. engine upgrade)" /></label>
            </ActionForm>
          ) : (
            <ActionForm action={startInboundInterface} hidden={{}} className="ml-auto flex max-w-md flex-wrap items-center justify-end gap-2" testId="hl7-inbound-start"
              submit={<><Power className="h-4 w-4" aria-hidden /> Start</>} pendingLabel="Starting…" />
          )
        ) : (
          <p className="ml-auto max-w-xs text-xs text-slate-500">Stopping or starting the interface needs an instructor, your own sandbox or a running fault scenario.</p>
        )}
      </section>

      <section className="card overflow-x-auto" aria-labelledby="his-queue-heading" data-testid="his-outbound">
        <div className="flex flex-wrap items-center justify-between gap-3 px-4 pt-4">
          <h2 id="his-queue-heading" className="flex items-center gap-2 font-semibold"><Send className="h-4 w-4 text-slate-500" aria-hidden /> HIS outbound queue (orders sent to this RIS)</h2>
          {canAdmin && failed > 0 && (
            <ActionForm action={resendAllFailed} hidden={{}} className="flex flex-wrap items-center justify-end gap-2" testId="his-resend-all" submitClass="btn-secondary"
              submit={<><RotateCw className="h-4 w-4" aria-hidden /> Resend all failed ({failed})</>} pendingLabel="Resending…" />
          )}
        </div>
        <p className="px-4 pt-1 text-sm text-slate-600">
          The hospital information system places orders by sending ORM^O01 messages over MLLP and waits for the RIS&apos;s acknowledgement. A message without an AA stays
          here; a resend carries the same control ID (MSH-10), so a RIS that already applied it answers without placing the order twice. The RIS&apos;s own log of what it
          received is on the <Link href="/sandbox/ris" className="underline">Orders</Link> page.
        </p>
        <table className="table-dense mt-3">
          <thead><tr><th>Queued</th><th>Message</th><th>Patient</th><th>Accession</th><th>Status</th><th className="text-right">Attempts</th><th>Last error</th>{canAdmin && <th><span className="sr-only">Resend</span></th>}</tr></thead>
          <tbody>
            {queue.map((m) => (
              <tr key={m.id} data-control-id={m.controlId}>
                <td className="whitespace-nowrap text-xs">{formatDateTime(m.createdAt)}{m.lastAttemptAt && <span className="block text-slate-500">last try {formatDateTime(m.lastAttemptAt).slice(11)}</span>}</td>
                <td className="whitespace-nowrap font-mono text-xs">{m.messageType}<span className="block text-slate-500">{m.controlId}</span></td>
                <td className="min-w-36">{formatPersonName(m.patientName) || '–'}</td>
                <td className="font-mono text-xs">{m.accessionNumber || '–'}</td>
                <td><span className={`badge whitespace-nowrap ring-1 ${statusStyle[m.status] ?? ''}`}>{m.status}{m.ackCode ? ` (${m.ackCode})` : ''}</span></td>
                <td className="text-right tabular-nums">{m.attempts}</td>
                <td className="min-w-56 text-slate-600">{m.lastError || '–'}</td>
                {canAdmin && (
                  <td>
                    {m.status !== 'sent' && (
                      <ActionForm action={resendHisMessage} hidden={{ id: m.id }} className="flex flex-wrap justify-end gap-2" testId="his-resend" submitClass="btn-ghost"
                        submit={<><RotateCw className="h-4 w-4" aria-hidden /> Resend</>} pendingLabel="Sending…" />
                    )}
                  </td>
                )}
              </tr>
            ))}
            {queue.length === 0 && (
              <tr><td colSpan={canAdmin ? 8 : 7} className="py-6 text-center text-slate-500">The HIS has sent no orders to this RIS yet (the day&apos;s seeded orders were booked in the RIS directly).</td></tr>
            )}
          </tbody>
        </table>
        {!canAdmin && queue.length > 0 && (
          <p className="flex items-center gap-1.5 px-4 py-3 text-xs text-slate-500"><Lock className="h-3.5 w-3.5" aria-hidden /> Resending needs an instructor, your own sandbox or a running fault scenario.</p>
        )}
      </section>
    </div>
  );
}
