import type { Metadata } from 'next';
import Link from 'next/link';
import { Lock } from 'lucide-react';
import { getDb } from '@/prisma/db';
import { env } from '@/app/_lib/env';
import { getViewer } from '@/app/_lib/session';
import { currentSandbox } from '../../_lib/current';
import { mayAdminister } from '../../_lib/sandboxAdmin';
import { ActionForm } from '@/app/_components/ActionForm';
import { ACCEPT_POLICIES, ACCEPT_POLICY_LABELS, acceptPolicyOf } from '@/sim/archive/acceptPolicy';
import { saveAcceptPolicy } from './actions';
import { DeleteNode, NodeForm } from './NodeForms';

export const metadata: Metadata = { title: 'DICOM nodes' };
export const dynamic = 'force-dynamic';

export default async function NodesPage() {
  const [sandbox, viewer] = await Promise.all([currentSandbox(), getViewer()]);
  const nodes = sandbox ? await getDb().dicomNode.findMany({ where: { sandboxId: sandbox.id }, orderBy: [{ local: 'desc' }, { aeTitle: 'asc' }] }) : [];
  const canEdit = sandbox ? await mayAdminister(getDb(), viewer, sandbox.id) : false;
  const { DICOM_HOST, DICOM_PORT } = env();
  const local = nodes.filter((n) => n.local);
  const remote = nodes.filter((n) => !n.local);
  return (
    <div className="space-y-5">
      <p className="text-sm text-slate-600">
        The archive accepts associations only from the calling AE titles listed here, and sends C-MOVE results only to these
        addresses, as a hospital PACS does. A device that is not listed is rejected with “calling AE title not recognized”. An image
        offered only in a transfer syntax the archive does not accept for storage is refused at the association (presentation
        context result 4): the scanner has nothing to send it on.
      </p>
      <section className="card overflow-x-auto">
        <h2 className="px-4 pt-4 font-semibold">Served by this PACS Lab</h2>
        <table className="table-dense mt-2">
          <thead><tr><th>AE title</th><th>Role</th><th>Host</th><th>Port</th><th>Description</th><th>Accepts for storage</th></tr></thead>
          <tbody>
            {local.map((n) => (
              <tr key={n.id} data-ae={n.aeTitle}>
                <td className="font-mono font-medium">{n.aeTitle}</td><td>{n.role}</td><td className="font-mono">{DICOM_HOST}</td><td className="font-mono">{DICOM_PORT}</td><td className="text-slate-600">{n.description}</td>
                <td>
                  {n.role !== 'archive' ? (
                    <span className="text-slate-400">—</span>
                  ) : canEdit ? (
                    <ActionForm action={saveAcceptPolicy} hidden={{ aeTitle: n.aeTitle }} submit="Save" submitClass="btn-secondary" className="flex flex-wrap items-center gap-2" testId="accept-policy">
                      <label className="sr-only" htmlFor={`accept-${n.id}`}>Transfer syntaxes {n.aeTitle} accepts for storage</label>
                      <select id={`accept-${n.id}`} name="acceptPolicy" defaultValue={acceptPolicyOf(n.acceptPolicy)} className="field py-1 text-sm">
                        {ACCEPT_POLICIES.map((p) => <option key={p} value={p}>{ACCEPT_POLICY_LABELS[p]}</option>)}
                      </select>
                    </ActionForm>
                  ) : (
                    <span className="text-slate-700">{ACCEPT_POLICY_LABELS[acceptPolicyOf(n.acceptPolicy)]}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="card p-4" data-testid="remote-nodes">
        <h2 className="font-semibold">Known peers</h2>
        {canEdit ? (
          <div className="mt-3 space-y-2">
            <div className="hidden grid-cols-[9rem_9rem_1fr_6rem_1fr_auto] gap-2 text-xs font-semibold uppercase tracking-wide text-slate-500 sm:grid">
              <span>AE title</span><span>Role</span><span>Host</span><span>Port</span><span>Description</span><span />
            </div>
            {remote.map((n) => (
              <div key={n.id} className="flex items-start gap-1" data-ae={n.aeTitle}>
                <div className="flex-1"><NodeForm node={n} /></div>
                <DeleteNode node={n} />
              </div>
            ))}
            <div className="border-t border-slate-100 pt-3"><NodeForm /></div>
          </div>
        ) : (
          <>
            <p className="mt-1 flex items-center gap-1.5 text-sm text-slate-500"><Lock className="h-4 w-4" aria-hidden /> Instructors and administrators can edit this sandbox&apos;s nodes; so can its owner (a student&apos;s own sandbox), and a student while a <Link className="font-medium text-brand-700 hover:underline" href="/sandbox/scenarios">fault scenario</Link> of theirs runs.</p>
            <table className="table-dense mt-3">
              <thead><tr><th>AE title</th><th>Role</th><th>Host</th><th>Port</th><th>Description</th></tr></thead>
              <tbody>
                {remote.map((n) => (
                  <tr key={n.id}><td className="font-mono font-medium">{n.aeTitle}</td><td>{n.role}</td><td className="font-mono">{n.host}</td><td className="font-mono">{n.port}</td><td className="text-slate-600">{n.description}</td></tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>
    </div>
  );
}
