import type { Metadata } from 'next';
import { z } from 'zod';
import { AlertTriangle, CheckCircle2, Filter, XCircle } from 'lucide-react';
import { getDb } from '@/prisma/db';
import { describeStatus, formatStatusCode, statusCategory } from '@/sim/dicom/status';
import { sopClassName } from '@/sim/dicom/sopClasses';
import { transferSyntaxName } from '@/sim/dicom/transferSyntaxes';
import { formatBytes, formatDateTime } from '@/app/_lib/format';
import { currentSandbox } from '../../_lib/current';
import { AutoRefresh } from '@/app/_components/AutoRefresh';

export const metadata: Metadata = { title: 'Network log' };
export const dynamic = 'force-dynamic';

const filters = z.object({
  ae: z.string().trim().toUpperCase().max(16).optional().catch(undefined),
  outcome: z.enum(['accepted', 'released', 'rejected', 'aborted', 'failed', 'problems']).optional().catch(undefined),
});

interface LoggedContext {
  id: number;
  abstractSyntax: string;
  transferSyntaxes: string[];
  result: number;
  resultText: string;
  accepted: boolean;
  acceptedTransferSyntax: string | null;
  reason: string;
}

const outcomeStyle: Record<string, string> = {
  accepted: 'bg-sky-50 text-sky-800 ring-sky-200',
  released: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  rejected: 'bg-red-50 text-red-800 ring-red-200',
  aborted: 'bg-amber-50 text-amber-900 ring-amber-200',
  failed: 'bg-red-50 text-red-800 ring-red-200',
};

export default async function NetworkLogPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const sp = await searchParams;
  const f = filters.parse({ ae: sp.ae || undefined, outcome: sp.outcome || undefined });
  const sandbox = await currentSandbox();
  const db = getDb();
  const rows = await db.associationLog.findMany({
    where: {
      // the demo's own associations, and calls to AE titles nobody serves (a typo in the called AE is a classic)
      OR: [{ sandboxId: sandbox?.id ?? '-' }, { sandboxId: null }],
      ...(f.ae ? { AND: [{ OR: [{ callingAe: { contains: f.ae } }, { calledAe: { contains: f.ae } }] }] } : {}),
      ...(f.outcome === 'problems'
        ? { AND: [{ OR: [{ outcome: { in: ['rejected', 'aborted', 'failed'] } }, { dimse: { some: { status: { notIn: [0] }, NOT: { status: { in: [0xff00, 0xff01] } } } } }] }] }
        : f.outcome
          ? { outcome: f.outcome }
          : {}),
    },
    orderBy: { startedAt: 'desc' },
    take: 100,
    include: { dimse: { orderBy: { at: 'asc' }, take: 500 }, _count: { select: { dimse: true } } },
  });

  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-600">
        Every association the archive saw: who called whom, which presentation contexts were accepted, each DIMSE request and the
        status it got. When a send fails, start here. The log follows new associations as they arrive (every 3 s).
      </p>
      <AutoRefresh active ms={3000} />
      <form className="card flex flex-wrap items-end gap-3 p-4" role="search" aria-label="Filter the network log">
        <label><span className="label">AE title</span><input name="ae" defaultValue={f.ae} className="field w-40 font-mono" placeholder="CT1" /></label>
        <label><span className="label">Outcome</span>
          <select name="outcome" defaultValue={f.outcome ?? ''} className="field w-48">
            <option value="">All</option>
            <option value="problems">Problems only</option>
            <option value="released">Released (normal end)</option>
            <option value="accepted">Accepted (open or unlogged end)</option>
            <option value="rejected">Rejected</option>
            <option value="aborted">Aborted</option>
            <option value="failed">Failed</option>
          </select>
        </label>
        <button className="btn-secondary" type="submit"><Filter className="h-4 w-4" aria-hidden /> Filter</button>
      </form>

      <ol className="space-y-2" data-testid="association-log">
        {rows.map((a) => {
          const contexts = (a.contexts as LoggedContext[] | null) ?? [];
          const refusedContexts = contexts.filter((c) => !c.accepted);
          const failures = a.dimse.filter((d) => ['failure', 'warning', 'cancel'].includes(statusCategory(d.status)));
          const ms = a.endedAt ? a.endedAt.getTime() - a.startedAt.getTime() : null;
          const bad = a.outcome === 'rejected' || a.outcome === 'aborted' || a.outcome === 'failed' || failures.length > 0;
          return (
            <li key={a.id} className={`card ${bad ? 'border-l-4 border-l-red-400' : ''}`}>
              <details>
                <summary className="flex cursor-pointer list-none flex-wrap items-center gap-x-4 gap-y-1 px-4 py-3 text-sm">
                  {bad ? <XCircle className="h-4 w-4 text-red-600" aria-label="problem" /> : <CheckCircle2 className="h-4 w-4 text-emerald-600" aria-label="ok" />}
                  <span className="w-40 text-xs text-slate-500">{formatDateTime(a.startedAt)}</span>
                  <span className="font-mono font-medium">{a.callingAe} → {a.calledAe}</span>
                  <span className={`badge ring-1 ${outcomeStyle[a.outcome] ?? ''}`}>{a.outcome}</span>
                  <span className="text-slate-600">{a._count.dimse} request{a._count.dimse === 1 ? '' : 's'}{failures.length ? `, ${failures.length} not successful` : ''}</span>
                  <span className="ml-auto text-xs text-slate-500">{a.peerAddress} · {formatBytes(a.bytesIn)} in{ms !== null ? ` · ${ms} ms` : ''}</span>
                  {(a.rejectReason || a.detail) && <span className="w-full pl-8 text-red-800">{a.rejectReason || a.detail}</span>}
                </summary>
                <div className="space-y-4 border-t border-slate-100 px-4 py-3 text-sm">
                  {contexts.length > 0 && a.outcome !== 'rejected' && (
                    <div className="overflow-x-auto">
                      <h4 className="mb-1 font-semibold">Presentation contexts ({contexts.length - refusedContexts.length} accepted, {refusedContexts.length} refused)</h4>
                      <table className="table-dense">
                        <thead><tr><th>ID</th><th>Abstract syntax</th><th>Result</th><th>Transfer syntax</th><th>Why</th></tr></thead>
                        <tbody>
                          {contexts.map((c) => (
                            <tr key={c.id}>
                              <td className="tabular-nums">{c.id}</td>
                              <td>{sopClassName(c.abstractSyntax)}</td>
                              <td>{c.accepted ? <span className="text-emerald-700">accepted</span> : <span className="text-red-700">{c.result} {c.resultText}</span>}</td>
                              <td>{c.acceptedTransferSyntax ? transferSyntaxName(c.acceptedTransferSyntax) : c.transferSyntaxes.map(transferSyntaxName).join(', ')}</td>
                              <td className="text-slate-600">{c.reason}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </div>
                  )}
                  {a.dimse.length > 0 && (
                    <div className="overflow-x-auto">
                      <h4 className="mb-1 font-semibold">DIMSE requests</h4>
                      <table className="table-dense">
                        <thead><tr><th>Time</th><th>Request</th><th>SOP class</th><th>Status</th><th>Meaning</th><th className="text-right">ms</th><th className="text-right">Bytes</th></tr></thead>
                        <tbody>
                          {a.dimse.map((d) => {
                            const cat = statusCategory(d.status);
                            return (
                              <tr key={d.id}>
                                <td className="whitespace-nowrap text-xs">{formatDateTime(d.at).slice(11)}</td>
                                <td className="font-mono text-xs">{d.command}</td>
                                <td>{d.sopClassUid ? sopClassName(d.sopClassUid) : '–'}</td>
                                <td className={`font-mono ${cat === 'failure' ? 'text-red-700' : cat === 'warning' ? 'text-amber-700' : 'text-emerald-700'}`}>{d.status < 0 ? 'none' : formatStatusCode(d.status)}</td>
                                <td>{d.statusMeaning || describeStatus(d.status)}</td>
                                <td className="text-right tabular-nums">{d.durationMs}</td>
                                <td className="text-right tabular-nums">{formatBytes(d.bytes)}</td>
                              </tr>
                            );
                          })}
                        </tbody>
                      </table>
                      {a._count.dimse > a.dimse.length && <p className="mt-1 text-slate-500">Showing the first {a.dimse.length} of {a._count.dimse} requests.</p>}
                    </div>
                  )}
                  {a.outcome === 'rejected' && (
                    <p className="flex gap-2 rounded-md bg-amber-50 p-3 text-amber-900"><AlertTriangle className="h-4 w-4 shrink-0" aria-hidden />
                      {/service is stopped/i.test(a.rejectReason) ? `The archive service is stopped, so ${a.calledAe} turns every association away (a transient rejection: the sender may retry later). Start it in the Service panel on the Studies tab, then retry the failed sends.` : /calling/i.test(a.rejectReason) ? `The archive does not know the calling AE title "${a.callingAe}". Add it as a DICOM node (DICOM nodes tab), or fix the AE title on the sending device.` : /called/i.test(a.rejectReason) ? `Nothing here answers to the AE title "${a.calledAe}". Check the destination AE title configured on the sending device (it is case-sensitive).` : 'Check the AE titles on both ends and the rejection reason above.'}
                    </p>
                  )}
                </div>
              </details>
            </li>
          );
        })}
        {rows.length === 0 && <li className="card p-8 text-center text-sm text-slate-500">No associations logged{f.ae || f.outcome ? ' for this filter' : ' yet'}.</li>}
      </ol>
    </div>
  );
}
