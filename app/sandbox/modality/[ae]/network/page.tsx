import type { Metadata } from 'next';
import { Info, Plug } from 'lucide-react';
import { getViewer } from '@/app/_lib/session';
import { formatDateTime } from '@/app/_lib/format';
import { requireScanner } from '../../../_lib/modality';
import { ActionForm } from '@/app/_components/ActionForm';
import { SEND_SYNTAXES } from '@/sim/modality/sendSyntax';
import { deleteScannerDestination, echoDestination, saveScannerDestination, saveScannerSettings } from '../actions';

export const metadata: Metadata = { title: 'Scanner network settings' };
export const dynamic = 'force-dynamic';

const ROLE_TEXT: Record<string, string> = {
  archive: 'Archive: C-STORE and storage commitment',
  worklist: 'Worklist broker: Modality Worklist C-FIND',
  mpps: 'MPPS manager: N-CREATE / N-SET',
};

function DestinationFields({ d }: { d?: { role: string; name: string; aeTitle: string; host: string; port: number; isDefault: boolean } }) {
  return (
    <>
      <label className="col-span-2 md:col-span-1"><span className="label">Name</span><input name="name" defaultValue={d?.name ?? ''} className="field" maxLength={64} required /></label>
      <label><span className="label">Role</span>
        <select name="role" defaultValue={d?.role ?? 'archive'} className="field">
          <option value="archive">archive</option><option value="worklist">worklist</option><option value="mpps">mpps</option>
        </select>
      </label>
      <label><span className="label">Called AE title</span><input name="aeTitle" defaultValue={d?.aeTitle ?? ''} className="field font-mono" maxLength={16} required /></label>
      <label><span className="label">Host</span><input name="host" defaultValue={d?.host ?? '127.0.0.1'} className="field font-mono" required /></label>
      <label><span className="label">Port</span><input name="port" type="number" min={1} max={65535} defaultValue={d?.port ?? 104} className="field font-mono" required /></label>
      {!d || d.role === 'archive' ? (
        <label className="flex items-center gap-2 pb-2 text-sm"><input type="checkbox" name="isDefault" defaultChecked={d?.isDefault ?? true} className="h-4 w-4 rounded border-slate-300" /> Send by default</label>
      ) : (
        <span aria-hidden />
      )}
    </>
  );
}

export default async function ScannerNetwork({ params }: { params: Promise<{ ae: string }> }) {
  const { ae } = await params;
  const [ctx, viewer] = await Promise.all([requireScanner(ae), getViewer()]);
  const { config, destinations } = ctx;
  const canEdit = Boolean(viewer && !viewer.isGuest);
  return (
    <div className="space-y-5">
      <p className="flex max-w-3xl gap-2 text-sm text-slate-600">
        <Info className="mt-0.5 h-4 w-4 shrink-0 text-brand-600" aria-hidden />
        <span>
          A DICOM association needs three things to match on both sides: the called AE title, the host and the port of the destination, and this
          scanner’s own (calling) AE title, which the destination must know. When a send fails, compare these with the PACS’s node table and its network
          log, fix the wrong one here, press Test, then Retry the send queue.
        </span>
      </p>
      {!canEdit && <p className="rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">Sign in to change the scanners’ settings (Test works for everyone).</p>}

      <section className="card p-4" aria-labelledby="local-heading">
        <h2 id="local-heading" className="font-semibold">This scanner</h2>
        <ActionForm action={saveScannerSettings} hidden={{ ae }} submit="Save settings" className="mt-3 grid grid-cols-2 items-end gap-3 md:grid-cols-6" testId="scanner-settings">
          <label><span className="label">Calling AE title (local AE)</span><input name="localAeTitle" defaultValue={config.localAeTitle} className="field font-mono" maxLength={16} required disabled={!canEdit} /></label>
          <label><span className="label">Station name</span><input name="stationName" defaultValue={config.stationName} className="field" maxLength={16} disabled={!canEdit} /></label>
          <label><span className="label">Timeout (s)</span><input name="timeoutSeconds" type="number" min={1} max={600} defaultValue={config.timeoutSeconds} className="field" disabled={!canEdit} /></label>
          <label className="col-span-2">
            <span className="label">Send images as</span>
            <select name="transferSyntaxUid" defaultValue={config.transferSyntaxUid} className="field" disabled={!canEdit} title="The transfer syntax new images are stored and sent in (lossless only)">
              {SEND_SYNTAXES.map((c) => (
                <option key={c.transferSyntaxUid} value={c.transferSyntaxUid}>
                  {c.label}
                </option>
              ))}
            </select>
          </label>
        </ActionForm>
        <p className="mt-2 text-xs text-slate-500">Last changed {formatDateTime(config.updatedAt)}.</p>
      </section>

      <section className="card" aria-labelledby="dest-heading">
        <h2 id="dest-heading" className="px-4 pt-4 font-semibold">Destinations</h2>
        <ul className="divide-y divide-slate-100" data-testid="destinations">
          {destinations.map((d) => (
            <li key={d.id} className="p-4" data-testid="destination" data-ae={d.aeTitle} data-role={d.role}>
              <p className="text-xs font-medium uppercase tracking-wide text-slate-500">{ROLE_TEXT[d.role] ?? d.role}</p>
              <ActionForm action={saveScannerDestination} hidden={{ ae, id: d.id }} submit="Save" submitClass="btn-secondary" className="mt-2 grid grid-cols-2 items-end gap-3 md:grid-cols-7" testId="destination-form">
                <DestinationFields d={d} />
              </ActionForm>
              <div className="mt-2 flex flex-wrap items-start gap-2">
                <ActionForm action={echoDestination} hidden={{ ae, id: d.id }} submit={<><Plug className="h-4 w-4" aria-hidden /> Test (C-ECHO)</>} submitClass="btn-ghost px-3 py-1" pendingLabel="Echoing…" className="flex flex-wrap items-center gap-2" testId="echo-destination" />
                {canEdit && <ActionForm action={deleteScannerDestination} hidden={{ ae, id: d.id }} submit="Remove" submitClass="btn-ghost px-3 py-1 text-red-700" className="flex flex-wrap items-center gap-2" confirm={`Remove ${d.name}?`} />}
              </div>
            </li>
          ))}
        </ul>
        {canEdit && (
          <details className="border-t border-slate-100 p-4">
            <summary className="cursor-pointer text-sm font-medium text-brand-700">Add a destination</summary>
            <ActionForm action={saveScannerDestination} hidden={{ ae }} submit="Add" className="mt-3 grid grid-cols-2 items-end gap-3 md:grid-cols-7" testId="add-destination">
              <DestinationFields />
            </ActionForm>
          </details>
        )}
      </section>
    </div>
  );
}
