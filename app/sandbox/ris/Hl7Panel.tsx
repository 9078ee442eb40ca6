// The RIS's HL7 v2 interface as an interface analyst sees it: is the MLLP listener up, how were the last day's
// messages answered (AA accepted, AE application error, AR rejected), and the latest messages with their errors.
import { Activity, Inbox } from 'lucide-react';
import { getDb } from '@/prisma/db';
import { hl7InterfaceSummary, hl7OutboundLog } from '@/sim/ris/hl7/hl7Log';
import { hl7OutboundFromEnv } from '@/sim/ris/hl7/oru';
import { checkHl7 } from '@/app/_lib/health';
import { formatDateTime } from '@/app/_lib/format';

const ackStyle: Record<string, string> = {
  AA: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  AE: 'bg-amber-50 text-amber-900 ring-amber-200',
  AR: 'bg-red-50 text-red-800 ring-red-200',
  failed: 'bg-red-50 text-red-800 ring-red-200',
  'not-sent': 'bg-slate-100 text-slate-600 ring-slate-200',
};

export async function Hl7Panel({ sandboxId }: { sandboxId: string }) {
  const host = process.env.HL7_HOST?.trim() || '127.0.0.1';
  const port = Number(process.env.HL7_PORT ?? 2575);
  const [summary, listener, sent] = await Promise.all([hl7InterfaceSummary(getDb(), sandboxId, { limit: 15 }), checkHl7(), hl7OutboundLog(getDb(), sandboxId, 10)]);
  const outbound = hl7OutboundFromEnv();
  return (
    <section className="card overflow-x-auto" aria-labelledby="hl7-heading" data-testid="hl7-panel">
      <div className="flex flex-wrap items-center justify-between gap-3 px-4 pt-4">
        <h2 id="hl7-heading" className="flex items-center gap-2 font-semibold"><Inbox className="h-4 w-4 text-slate-500" aria-hidden /> HL7 v2 interface (orders in, results out)</h2>
        <p className={`inline-flex items-center gap-1.5 rounded-full px-3 py-1 text-xs font-medium ring-1 ${listener.status === 'up' ? 'bg-emerald-50 text-emerald-800 ring-emerald-200' : 'bg-amber-50 text-amber-900 ring-amber-200'}`}>
          <Activity className="h-3.5 w-3.5" aria-hidden />
          {listener.status === 'up' ? `MLLP listener up on ${host}:${port}` : `MLLP listener not reachable: ${listener.detail}`}
        </p>
      </div>
      <p className="px-4 pt-1 text-sm text-slate-600">
        Last 24 hours: <span className="font-medium text-emerald-800">{summary.counts.AA} accepted</span> · <span className="font-medium text-amber-800">{summary.counts.AE} application errors</span> ·{' '}
        <span className="font-medium text-red-800">{summary.counts.AR} rejected</span>
        {summary.lastReceivedAt ? ` · last message ${formatDateTime(summary.lastReceivedAt)}` : ' · no message received yet'}. MSH-5 must name this sandbox&apos;s RIS AE.
      </p>
      <table className="table-dense mt-3">
        <thead><tr><th>Received</th><th>Message</th><th>Control ID</th><th>ACK</th><th>Order</th><th>Why</th></tr></thead>
        <tbody>
          {summary.messages.map((m) => (
            <tr key={m.id}>
              <td className="whitespace-nowrap text-xs">{formatDateTime(m.receivedAt)}</td>
              <td className="font-mono text-xs">{m.messageType}</td>
              <td className="font-mono text-xs">{m.controlId}</td>
              <td><span className={`badge ring-1 ${ackStyle[m.status] ?? ''}`}>{m.status}</span></td>
              <td className="font-mono text-xs">{m.accessionNumber || m.placerOrderNumber || '–'}</td>
              <td className="text-slate-600">{m.error || '–'}</td>
            </tr>
          ))}
          {summary.messages.length === 0 && (
            <tr><td colSpan={6} className="py-6 text-center text-slate-500">No HL7 messages yet. An ORM^O01 sent over MLLP to {host}:{port} lands on the worklist.</td></tr>
          )}
        </tbody>
      </table>
      <h3 className="px-4 pt-5 text-sm font-semibold">Results out (ORU^R01 for signed reports)</h3>
      <p className="px-4 pt-1 text-sm text-slate-600">
        {outbound === null ? 'No outbound endpoint configured (HL7_OUTBOUND=host:port): signed reports are logged here, not sent.' : 'error' in outbound ? outbound.error : `Sent over MLLP to ${outbound.host}:${outbound.port}; the receiver's ACK is shown.`}
      </p>
      <table className="table-dense mt-2" data-testid="hl7-outbound">
        <thead><tr><th>Sent</th><th>Message</th><th>Control ID</th><th>Answer</th><th>Accession</th><th>Why</th></tr></thead>
        <tbody>
          {sent.map((m) => (
            <tr key={m.id}>
              <td className="whitespace-nowrap text-xs">{formatDateTime(m.receivedAt)}</td>
              <td className="font-mono text-xs">{m.messageType}</td>
              <td className="font-mono text-xs">{m.controlId}</td>
              <td><span className={`badge whitespace-nowrap ring-1 ${ackStyle[m.status] ?? ''}`}>{m.status}</span></td>
              <td className="font-mono text-xs">{m.accessionNumber || '–'}</td>
              <td className="text-slate-600">{m.error || '–'}{m.peerAddress ? <span className="block text-xs text-slate-500">to {m.peerAddress}</span> : null}</td>
            </tr>
          ))}
          {sent.length === 0 && (
            <tr><td colSpan={6} className="py-6 text-center text-slate-500">No results sent yet. Signing a report on the reading worklist sends one.</td></tr>
          )}
        </tbody>
      </table>
    </section>
  );
}
