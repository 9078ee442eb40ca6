import type { Metadata } from 'next';
import Link from 'next/link';
import { Activity, Server, Terminal, UserRound } from 'lucide-react';
import { getDb } from '@/prisma/db';
import { checkDicom } from '@/app/_lib/health';
import { env } from '@/app/_lib/env';
import { getViewer } from '@/app/_lib/session';
import { currentSandboxInfo, ownSandboxInfo } from './_lib/current';

export const metadata: Metadata = { title: 'Sandbox' };
export const dynamic = 'force-dynamic';

const roleLabel: Record<string, string> = { archive: 'Archive (PACS)', worklist: 'Worklist broker (RIS)', modality: 'Modality', workstation: 'Review workstation' };

export default async function SandboxPage() {
  const [info, dicom, viewer] = await Promise.all([currentSandboxInfo(), checkDicom(), getViewer()]);
  const db = getDb();
  const [nodes, own] = await Promise.all([
    info ? db.dicomNode.findMany({ where: { sandboxId: info.id }, orderBy: [{ local: 'desc' }, { aeTitle: 'asc' }] }) : [],
    viewer && !viewer.isGuest ? ownSandboxInfo(db, viewer.id) : null,
  ]);
  const { DICOM_HOST, DICOM_PORT } = env();
  const archiveAe = info?.archiveAe ?? 'PACS';
  const worklistAe = info?.worklistAe ?? 'RIS';
  const today = new Date();
  const yyyymmdd = `${today.getFullYear()}${String(today.getMonth() + 1).padStart(2, '0')}${String(today.getDate()).padStart(2, '0')}`;
  const isOwn = Boolean(info && own && info.id === own.id);
  return (
    <div>
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <p className="text-xs font-semibold uppercase tracking-wide text-brand-700" data-testid="sandbox-name">{info?.label ?? 'Demo hospital (shared)'}</p>
          <h1 className="text-2xl font-semibold tracking-tight">Sandbox</h1>
          <p className="mt-1 text-slate-600">
            {!info || info.isDemo
              ? 'The public demo hospital: a real DICOM network on this server that anyone can use.'
              : isOwn
                ? 'Your own hospital: the same real DICOM network, with your own archive and worklist AE titles. What you store, break and fix here is yours alone.'
                : `${info.name}: a student's own DICOM network. You are following them; what you change here, they see.`}
          </p>
        </div>
        <p
          className={`inline-flex items-center gap-2 rounded-full px-3 py-1 text-sm font-medium ring-1 ${dicom.status === 'up' ? 'bg-emerald-50 text-emerald-800 ring-emerald-200' : 'bg-amber-50 text-amber-900 ring-amber-200'}`}
          data-testid="dicom-status"
        >
          <Activity className="h-4 w-4" aria-hidden />
          DICOM listener {dicom.status === 'up' ? `up on ${DICOM_HOST}:${DICOM_PORT}` : `not reachable: ${dicom.detail}`}
        </p>
      </div>

      <section className="card mt-6 grid grid-cols-2 gap-4 p-5 sm:grid-cols-4" aria-label="Where to point a DICOM client" data-testid="sandbox-address">
        <div><p className="label">Archive AE (called)</p><p className="font-mono text-lg font-semibold" data-testid="archive-ae">{archiveAe}</p></div>
        <div><p className="label">Worklist / MPPS AE</p><p className="font-mono text-lg font-semibold" data-testid="worklist-ae">{worklistAe}</p></div>
        <div><p className="label">Host</p><p className="font-mono text-lg font-semibold">{DICOM_HOST}</p></div>
        <div><p className="label">Port</p><p className="font-mono text-lg font-semibold">{DICOM_PORT}</p></div>
        <p className="col-span-2 text-sm text-slate-600 sm:col-span-4">
          Call from one of the known modality AE titles below (e.g. <span className="font-mono">CT1</span>); DICOMweb is at{' '}
          <code className="text-xs">/dicomweb/{archiveAe}</code>{info && !info.isDemo ? ' (for its owner and instructors only, signed in)' : ''}.
        </p>
      </section>

      {info?.isDemo && own && (
        <p className="mt-4 flex items-center gap-2 rounded-lg border border-brand-100 bg-brand-50 px-4 py-3 text-sm text-brand-900" data-testid="own-sandbox-hint">
          <UserRound className="h-4 w-4 shrink-0" aria-hidden />
          You also have your own sandbox (archive <span className="font-mono font-medium">{own.archiveAe}</span>, worklist <span className="font-mono font-medium">{own.worklistAe}</span>): pick “My sandbox” above to work in it.
        </p>
      )}

      <section className="card mt-6 overflow-x-auto" aria-labelledby="nodes-heading">
        <h2 id="nodes-heading" className="flex items-center gap-2 px-4 pt-4 text-base font-semibold"><Server className="h-4 w-4 text-slate-500" aria-hidden /> DICOM nodes in {info?.isDemo === false ? (isOwn ? 'your sandbox' : 'this sandbox') : 'the demo sandbox'}</h2>
        <p className="px-4 pb-3 text-sm text-slate-600">AE titles served by this PACS Lab, and the peers it knows. Calling AE titles not in this list are rejected, as on a hospital PACS.</p>
        {info ? (
          <table className="table-dense" data-testid="nodes-table">
            <thead><tr><th>AE title</th><th>Role</th><th>Host</th><th>Port</th><th>Where</th></tr></thead>
            <tbody>
              {nodes.map((n) => (
                <tr key={n.id}>
                  <td className="font-mono font-medium">{n.aeTitle}</td>
                  <td>{roleLabel[n.role] ?? n.role}</td>
                  <td className="font-mono">{n.local ? DICOM_HOST : n.host}</td>
                  <td className="font-mono">{n.local ? DICOM_PORT : n.port}</td>
                  <td>{n.local ? <span className="badge bg-brand-50 text-brand-700">served here</span> : <span className="badge bg-slate-100 text-slate-600">known peer</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="px-4 pb-4 text-sm text-amber-800">The demo sandbox has not been created yet: run <code>npx pacslab db seed</code>.</p>
        )}
      </section>

      <section className="mt-6 grid gap-4 md:grid-cols-2">
        <div className="card min-w-0 p-5">
          <h2 className="flex items-center gap-2 text-base font-semibold"><Terminal className="h-4 w-4 text-slate-500" aria-hidden /> Point a real DICOM client at it</h2>
          <p className="mt-1 text-sm text-slate-600">Use one of the known modality AE titles as the calling AE, and {isOwn ? 'your' : 'the'} archive&apos;s AE title as the called AE (DCMTK).</p>
          <pre className="mt-3 overflow-x-auto rounded-lg bg-slate-900 p-3 text-xs leading-relaxed text-slate-100" data-testid="client-commands"><code>{`# verification (C-ECHO)
TCP_NODELAY=1 echoscu -v -aet CT1 -aec ${archiveAe} ${DICOM_HOST} ${DICOM_PORT}

# store a file (C-STORE)
TCP_NODELAY=1 storescu -v -aet CT1 -aec ${archiveAe} ${DICOM_HOST} ${DICOM_PORT} image.dcm

# today's worklist for CT1 (MWL C-FIND)
TCP_NODELAY=1 findscu -v -W -aet CT1 -aec ${worklistAe} ${DICOM_HOST} ${DICOM_PORT} \\
  -k "(0040,0100)[0].ScheduledStationAETitle=CT1" \\
  -k "(0040,0100)[0].ScheduledProcedureStepStartDate=${yyyymmdd}" \\
  -k PatientName -k PatientID -k AccessionNumber`}</code></pre>
        </div>
        <div className="card min-w-0 p-5">
          <h2 className="text-base font-semibold">Consoles</h2>
          <ul className="mt-2 space-y-2 text-sm">
            <li><Link className="font-medium text-brand-700 hover:underline" href="/sandbox/pacs">PACS console</Link>: the study browser, with counts, sizes, transfer syntaxes and study status.</li>
            <li><Link className="font-medium text-brand-700 hover:underline" href="/sandbox/pacs/network-log">Network log</Link>: every association and DIMSE request with its status. Start here when a send fails.</li>
            <li><Link className="font-medium text-brand-700 hover:underline" href="/sandbox/pacs/nodes">DICOM nodes</Link>: the AE titles, hosts and ports the archive knows.</li>
            <li><Link className="font-medium text-brand-700 hover:underline" href="/sandbox/ris">RIS orders</Link>: today&apos;s orders; instructors place, cancel and reschedule them.</li>
            <li><Link className="font-medium text-brand-700 hover:underline" href="/sandbox/ris/worklist">Modality worklist</Link>: what the RIS AE answers a scanner&apos;s worklist query, with the findscu command to try it.</li>
            <li><Link className="font-medium text-brand-700 hover:underline" href="/sandbox/scenarios">Fault scenarios</Link>: something is broken in the hospital (in your own sandbox); find it, fix it, and have the fix graded on the real state.</li>
            <li><Link className="font-medium text-brand-700 hover:underline" href="/sandbox/reading">Reading worklist</Link>: the radiologist&apos;s list, with studies that match no order flagged.</li>
          </ul>
        </div>
      </section>
    </div>
  );
}
