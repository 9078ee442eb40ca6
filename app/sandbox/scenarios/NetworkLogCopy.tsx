// The copy of the network log an attempt keeps (sim/networkLogSnapshot.ts), as the student's scenario page and the
// instructor's student page show it: each association (time, calling → called AE, outcome, why) with its DIMSE
// requests and the status each got (runs of the same request and status folded into one line), then the HL7
// messages of the RIS and the HIS's outbound queue. Collapsed by default.
import { Network } from 'lucide-react';
import { formatDateTime } from '@/app/_lib/format';
import { formatStatusCode, statusCategory } from '@/sim/dicom/status';
import type { NetworkLogAssociation, NetworkLogSnapshot } from '@/sim/networkLogSnapshot';

const outcomeStyle: Record<string, string> = {
  accepted: 'bg-sky-50 text-sky-800 ring-sky-200',
  released: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  rejected: 'bg-red-50 text-red-800 ring-red-200',
  aborted: 'bg-amber-50 text-amber-900 ring-amber-200',
  failed: 'bg-red-50 text-red-800 ring-red-200',
};
const ackStyle: Record<string, string> = {
  AA: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  sent: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  AE: 'bg-amber-50 text-amber-900 ring-amber-200',
  AR: 'bg-red-50 text-red-800 ring-red-200',
  failed: 'bg-red-50 text-red-800 ring-red-200',
};

const time = (iso: string) => formatDateTime(new Date(iso));

/** Consecutive requests with the same command and status as one line: "C-STORE-RQ × 48". */
function folded(dimse: NetworkLogAssociation['dimse']) {
  const out: { at: string; command: string; status: number; meaning: string; count: number }[] = [];
  for (const d of dimse) {
    const last = out.at(-1);
    if (last && last.command === d.command && last.status === d.status) last.count++;
    else out.push({ at: d.at, command: d.command, status: d.status, meaning: d.meaning, count: 1 });
  }
  return out;
}

function statusClass(status: number) {
  if (status < 0) return 'text-red-700';
  const c = statusCategory(status);
  return c === 'failure' ? 'text-red-700' : c === 'warning' ? 'text-amber-700' : 'text-emerald-700';
}

export function NetworkLogCopy({ log, testId = 'attempt-network-log' }: { log: NetworkLogSnapshot | null; testId?: string }) {
  if (!log) {
    return <p className="px-4 pb-4 text-sm text-slate-500" data-testid={testId}>No copy of the network log was kept for this attempt.</p>;
  }
  const empty = !log.associations.length && !log.hl7.length && !log.hisOutbound.length;
  return (
    <details className="group border-t border-slate-100" data-testid={testId}>
      <summary className="flex cursor-pointer list-none flex-wrap items-center gap-x-3 gap-y-1 px-4 py-3 text-sm">
        <Network className="h-4 w-4 text-slate-500" aria-hidden />
        <span className="font-semibold">Network log during this attempt</span>
        <span className="text-slate-600">
          {log.totals.associations} association{log.totals.associations === 1 ? '' : 's'}, {log.totals.dimse} DIMSE request{log.totals.dimse === 1 ? '' : 's'}, {log.totals.hl7 + log.totals.hisOutbound} HL7 message{log.totals.hl7 + log.totals.hisOutbound === 1 ? '' : 's'}
        </span>
        <span className="ml-auto text-xs text-slate-500 group-open:hidden">show</span>
        <span className="ml-auto hidden text-xs text-slate-500 group-open:inline">hide</span>
      </summary>
      <div className="space-y-4 overflow-x-auto px-4 pb-4 text-sm">
        <p className="text-xs text-slate-500">
          From {time(log.since)} to {time(log.until)}.{log.truncated ? ' Long: the newest entries are kept (at most 300 associations, 2000 DIMSE requests, 200 HL7 messages).' : ''}
        </p>
        {empty && <p className="text-slate-500">Nothing crossed the network of this sandbox during the attempt.</p>}
        {log.associations.length > 0 && (
          <table className="table-dense" data-testid="attempt-associations">
            <thead><tr><th>Time</th><th>Calling → called</th><th>Outcome</th><th>Requests: status and meaning</th></tr></thead>
            <tbody>
              {log.associations.map((a, i) => (
                <tr key={`${a.at}-${i}`} className="align-top">
                  <td className="whitespace-nowrap text-xs">{time(a.at)}</td>
                  <td className="whitespace-nowrap font-mono text-xs">{a.callingAe} → {a.calledAe}</td>
                  <td>
                    <span className={`badge ring-1 ${outcomeStyle[a.outcome] ?? ''}`}>{a.outcome}</span>
                    {a.detail && <span className="mt-1 block max-w-xs text-xs text-red-800">{a.detail}</span>}
                  </td>
                  <td>
                    {a.dimse.length ? (
                      <ul className="space-y-0.5">
                        {folded(a.dimse).map((d, j) => (
                          <li key={j} className="text-xs">
                            <span className="font-mono">{d.command}{d.count > 1 ? ` × ${d.count}` : ''}</span>{' '}
                            <span className={`font-mono ${statusClass(d.status)}`}>{d.status < 0 ? 'none' : formatStatusCode(d.status)}</span>{' '}
                            <span className="text-slate-600">{d.meaning}</span>
                          </li>
                        ))}
                      </ul>
                    ) : (
                      <span className="text-xs text-slate-500">{a.requests ? `${a.requests} (not kept)` : 'none'}</span>
                    )}
                    {a.requests > a.dimse.length && a.dimse.length > 0 && <span className="text-xs text-slate-500">… {a.requests - a.dimse.length} more not kept</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {log.hl7.length > 0 && (
          <table className="table-dense" data-testid="attempt-hl7">
            <thead><tr><th>Time</th><th>RIS HL7</th><th>Control ID</th><th>ACK</th><th>Order</th><th>Why</th></tr></thead>
            <tbody>
              {log.hl7.map((m, i) => (
                <tr key={`${m.at}-${i}`}>
                  <td className="whitespace-nowrap text-xs">{time(m.at)}</td>
                  <td className="whitespace-nowrap font-mono text-xs">{m.direction === 'out' ? 'out' : 'in'} {m.messageType}</td>
                  <td className="font-mono text-xs">{m.controlId}</td>
                  <td><span className={`badge ring-1 ${ackStyle[m.status] ?? ''}`}>{m.status}</span></td>
                  <td className="font-mono text-xs">{m.accessionNumber || '–'}</td>
                  <td className="text-xs text-slate-600">{m.error || '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {log.hisOutbound.length > 0 && (
          <table className="table-dense" data-testid="attempt-his-outbound">
            <thead><tr><th>Queued</th><th>HIS → RIS</th><th>Accession</th><th>Status</th><th className="text-right">Attempts</th><th>Last error</th></tr></thead>
            <tbody>
              {log.hisOutbound.map((m, i) => (
                <tr key={`${m.at}-${i}`}>
                  <td className="whitespace-nowrap text-xs">{time(m.at)}</td>
                  <td className="whitespace-nowrap font-mono text-xs">{m.messageType} <span className="text-slate-500">{m.controlId}</span></td>
                  <td className="font-mono text-xs">{m.accessionNumber || '–'}</td>
                  <td><span className={`badge ring-1 ${ackStyle[m.status] ?? 'bg-slate-100 text-slate-600 ring-slate-200'}`}>{m.status}{m.ackCode ? ` (${m.ackCode})` : ''}</span></td>
                  <td className="text-right tabular-nums">{m.attempts}</td>
                  <td className="text-xs text-slate-600">{m.lastError || '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </details>
  );
}
