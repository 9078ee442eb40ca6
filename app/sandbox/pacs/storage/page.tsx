// PACS console → Storage: the archive's two tiers (short-term: as received; long-term: compressed with the site's
// codec), what each holds and what compression saved, the site's tier policy (who decides when lossy is allowed),
// and the migration job, run on demand here as a background job with a progress bar (sim/archive/tierJobs.ts).
import type { Metadata } from 'next';
import Link from 'next/link';
import { Archive, HardDrive, PiggyBank, Play, Settings2 } from 'lucide-react';
import { getDb } from '@/prisma/db';
import { getViewer } from '@/app/_lib/session';
import { formatBytes, formatDateTime, formatPersonName } from '@/app/_lib/format';
import { ActionForm } from '@/app/_components/ActionForm';
import { codecSpec } from '@/sim/compression/transcode';
import { getTierSettings, LONG_TERM_CODECS, LOSSY_POLICIES, LOSSY_POLICY_LABELS, SHORT_TERM_DAYS, storageByTier } from '@/sim/archive/tiers';
import { isActive, latestTierJob, migrationResultOf } from '@/sim/archive/tierJobs';
import { TierJobProgress } from './TierJobProgress';
import { mayAdminister } from '../../_lib/sandboxAdmin';
import { currentSandbox } from '../../_lib/current';
import { runMigrationAction, saveTierSettingsAction } from '../storageActions';

export const metadata: Metadata = { title: 'Storage tiers · PACS console' };
export const dynamic = 'force-dynamic';

const lastRunSchema = (d: unknown) => {
  const v = (d ?? {}) as { moved?: unknown; skipped?: unknown; codec?: unknown; lossyPolicy?: unknown; shortTermDays?: unknown };
  return {
    moved: Array.isArray(v.moved) ? v.moved.map(String) : [],
    skipped: Array.isArray(v.skipped) ? (v.skipped as { studyInstanceUid?: unknown; accessionNumber?: unknown; reason?: unknown }[]).map((s) => ({ uid: String(s.studyInstanceUid ?? ''), accession: String(s.accessionNumber ?? ''), reason: String(s.reason ?? '') })) : [],
    codec: String(v.codec ?? ''),
  };
};

export default async function StoragePage() {
  const sandbox = await currentSandbox();
  if (!sandbox) return <p className="text-amber-800">The demo sandbox does not exist yet: run <code>npx pacslab db seed</code>.</p>;
  const db = getDb();
  // latestTierJob marks a job a dead process left running as interrupted (tierJobs.ts): read it first
  const lastJob = await latestTierJob(db, sandbox.id, { kind: 'migrate' });
  const [fig, settings, viewer, lastRun, longStudies] = await Promise.all([
    storageByTier(db, sandbox.id),
    getTierSettings(db, sandbox.id),
    getViewer(),
    db.auditEvent.findFirst({ where: { action: 'archive.migrate', target: `sandbox:${sandbox.id}` }, orderBy: { at: 'desc' } }),
    db.study.findMany({
      where: { sandboxId: sandbox.id, series: { some: { instances: { some: { OR: [{ tier: 'long' }, { lossy: true }] } } } } },
      include: { patient: true, series: { include: { instances: { select: { tier: true, lossy: true, fileSize: true, originalFileSize: true, transferSyntaxUid: true } } } } },
      orderBy: { createdAt: 'desc' },
      take: 50,
    }),
  ]);
  const canAdmin = await mayAdminister(db, viewer, sandbox.id);
  const run = lastRun ? lastRunSchema(lastRun.detail) : null;
  const jobRunning = isActive(lastJob);
  const jobResult = lastJob ? migrationResultOf(lastJob) : null;
  const jobBefore = jobResult?.moved.reduce((a, m) => a + m.bytesBefore, 0) ?? 0;
  const jobAfter = jobResult?.moved.reduce((a, m) => a + m.bytesAfter, 0) ?? 0;
  const jobImages = jobResult?.moved.reduce((a, m) => a + m.instances, 0) ?? 0;
  const lossyCodec = codecSpec(settings.longTermCodec)?.lossy ?? false;
  const pct = Math.round(fig.savingRatio * 100);

  return (
    <div className="space-y-5">
      <section className="grid gap-4 md:grid-cols-3" aria-label="Storage per tier" data-testid="tier-figures">
        <div className="card p-4">
          <div className="flex items-center gap-2 text-sm font-medium"><HardDrive className="h-4 w-4 text-slate-500" aria-hidden /> Short-term tier</div>
          <p className="mt-2 text-2xl font-semibold" data-testid="tier-short-bytes">{formatBytes(fig.short.bytes)}</p>
          <p className="text-xs text-slate-600">{fig.short.instances} image{fig.short.instances === 1 ? '' : 's'}, stored as received (fast storage)</p>
        </div>
        <div className="card p-4">
          <div className="flex items-center gap-2 text-sm font-medium"><Archive className="h-4 w-4 text-slate-500" aria-hidden /> Long-term tier</div>
          <p className="mt-2 text-2xl font-semibold" data-testid="tier-long-bytes">{formatBytes(fig.long.bytes)}</p>
          <p className="text-xs text-slate-600">{fig.long.instances} image{fig.long.instances === 1 ? '' : 's'}, {formatBytes(fig.long.originalBytes)} as received</p>
        </div>
        <div className="card p-4">
          <div className="flex items-center gap-2 text-sm font-medium"><PiggyBank className="h-4 w-4 text-slate-500" aria-hidden /> Saved by compression</div>
          <p className="mt-2 text-2xl font-semibold" data-testid="tier-saving">{formatBytes(Math.max(0, fig.saving))} <span className="text-base font-normal text-slate-500">({pct}%)</span></p>
          <p className="text-xs text-slate-600">{fig.long.bytes > 0 ? `ratio ${(fig.long.originalBytes / fig.long.bytes).toFixed(1)}:1 on the long-term tier` : 'nothing on the long-term tier yet'}; total stored {formatBytes(fig.total)}</p>
        </div>
      </section>

      <div className="grid gap-5 lg:grid-cols-2">
        <section className="card p-4" aria-labelledby="policy-h" data-testid="tier-policy">
          <h2 id="policy-h" className="flex items-center gap-2 font-semibold"><Settings2 className="h-4 w-4 text-slate-500" aria-hidden /> Storage policy</h2>
          <p className="mt-1 text-xs text-slate-600">
            The site decides when irreversible compression is allowed; DICOM only records that it happened (Lossy Image Compression (0028,2110) “01” and a new SOP Instance UID, PS3.3 C.7.6.1.1.5).
          </p>
          {canAdmin ? (
            <ActionForm action={saveTierSettingsAction} hidden={{}} className="mt-3 grid grid-cols-2 gap-3" testId="tier-settings" submit="Save policy" pendingLabel="Saving…">
              <label><span className="label">Short-term period (days)</span>
                <input name="shortTermDays" type="number" min={SHORT_TERM_DAYS.min} max={SHORT_TERM_DAYS.max} defaultValue={settings.shortTermDays} className="field" required />
              </label>
              <label><span className="label">Long-term codec</span>
                <select name="longTermCodec" defaultValue={settings.longTermCodec} className="field">
                  {LONG_TERM_CODECS.map((c) => <option key={c} value={c}>{codecSpec(c)?.label}</option>)}
                </select>
              </label>
              <label><span className="label">Lossy compression allowed</span>
                <select name="lossyPolicy" defaultValue={settings.lossyPolicy} className="field">
                  {LOSSY_POLICIES.map((p) => <option key={p} value={p}>{LOSSY_POLICY_LABELS[p]}</option>)}
                </select>
              </label>
              <label><span className="label">Lossy target ratio (:1)</span>
                <input name="longTermRatio" type="number" min={2} max={50} defaultValue={settings.longTermRatio} className="field" />
              </label>
              <label className="col-span-2"><span className="label">Reason (kept in the audit trail)</span>
                <input name="reason" maxLength={200} className="field" placeholder="e.g. radiology policy review" />
              </label>
            </ActionForm>
          ) : (
            <dl className="mt-3 grid grid-cols-2 gap-2 text-sm">
              <dt className="text-slate-500">Short-term period</dt><dd>{settings.shortTermDays} days</dd>
              <dt className="text-slate-500">Long-term codec</dt><dd>{codecSpec(settings.longTermCodec)?.label}</dd>
              <dt className="text-slate-500">Lossy compression</dt><dd>{LOSSY_POLICY_LABELS[settings.lossyPolicy]}</dd>
              <dd className="col-span-2 text-xs text-slate-500">Changing the policy needs an instructor, your own sandbox or a running fault scenario.</dd>
            </dl>
          )}
        </section>

        <section className="card p-4" aria-labelledby="migrate-h" data-testid="tier-migration">
          <h2 id="migrate-h" className="flex items-center gap-2 font-semibold"><Play className="h-4 w-4 text-slate-500" aria-hidden /> Migration</h2>
          <p className="mt-1 text-sm text-slate-700">
            Studies received {settings.shortTermDays === 0 ? 'at any time (no short-term period)' : `${settings.shortTermDays} or more days ago`} move to the long-term tier, compressed with {codecSpec(settings.longTermCodec)?.label}.
            {lossyCodec ? (settings.lossyPolicy === 'allowed' ? ' Lossy compression is applied to every study, read or not.' : settings.lossyPolicy === 'never' ? ' The policy never allows lossy: every study is skipped.' : ' Studies not yet read are skipped.') : ' Lossless: pixels are checked bit for bit before an original is replaced.'}
          </p>
          {canAdmin && !jobRunning ? (
            <ActionForm action={runMigrationAction} hidden={{}} className="mt-3 flex flex-wrap items-center gap-2" testId="tier-run" submitClass="btn-secondary" submit={<><Play className="h-4 w-4" aria-hidden /> Run migration now</>} pendingLabel="Starting…" />
          ) : null}
          <TierJobProgress job={lastJob} label="Migrating to the long-term tier" />
          <div className="mt-4 border-t border-slate-100 pt-3 text-sm" data-testid="tier-last-run">
            <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Last run</h3>
            {lastJob && jobResult ? (
              <>
                <p className="mt-1">
                  {formatDateTime(lastJob.finishedAt ?? lastJob.createdAt)}: {jobResult.moved.length} stud{jobResult.moved.length === 1 ? 'y' : 'ies'} moved
                  {jobResult.moved.length ? <> ({jobImages} image{jobImages === 1 ? '' : 's'}, <span className="tabular-nums">{formatBytes(jobBefore)} → {formatBytes(jobAfter)}</span>)</> : null}, {jobResult.skipped.length} skipped.
                </p>
                {jobResult.moved.length ? (
                  <ul className="mt-1 space-y-0.5 text-xs text-slate-700" data-testid="tier-last-moved">
                    {jobResult.moved.map((m) => (
                      <li key={m.studyInstanceUid}>
                        <Link className="font-medium underline" href={`/sandbox/pacs/studies/${m.studyInstanceUid}`}>{m.accessionNumber || m.studyInstanceUid}</Link>: {m.instances} image{m.instances === 1 ? '' : 's'}, <span className="tabular-nums">{formatBytes(m.bytesBefore)} → {formatBytes(m.bytesAfter)}</span>{m.lossy ? <span className="ml-1 badge bg-amber-50 text-amber-900 ring-1 ring-amber-200">lossy</span> : null}
                      </li>
                    ))}
                  </ul>
                ) : null}
                {jobResult.skipped.length ? (
                  <ul className="mt-1 space-y-1 text-xs text-amber-900">
                    {jobResult.skipped.map((s) => <li key={s.studyInstanceUid}><Link className="font-medium underline" href={`/sandbox/pacs/studies/${s.studyInstanceUid}`}>{s.accessionNumber || s.studyInstanceUid}</Link>: {s.reason}</li>)}
                  </ul>
                ) : null}
              </>
            ) : jobRunning ? (
              <p className="mt-1 text-slate-500">Running now: the result appears here when it ends.</p>
            ) : lastRun && run ? (
              <>
                <p className="mt-1">{formatDateTime(lastRun.at)}: {run.moved.length} stud{run.moved.length === 1 ? 'y' : 'ies'} moved, {run.skipped.length} skipped.</p>
                {run.skipped.length ? (
                  <ul className="mt-1 space-y-1 text-xs text-amber-900">
                    {run.skipped.map((s) => <li key={s.uid}><Link className="font-medium underline" href={`/sandbox/pacs/studies/${s.uid}`}>{s.accession || s.uid}</Link>: {s.reason}</li>)}
                  </ul>
                ) : null}
              </>
            ) : <p className="mt-1 text-slate-500">Never run in this sandbox.</p>}
          </div>
        </section>
      </div>

      <section className="card overflow-x-auto" aria-labelledby="long-h">
        <h2 id="long-h" className="px-4 pt-4 font-semibold">Studies on the long-term tier or lossy</h2>
        <table className="table-dense mt-2" data-testid="tier-studies">
          <thead><tr><th>Patient</th><th>Accession</th><th>Status</th><th className="text-right">Images</th><th>Tier</th><th>Stored</th><th className="text-right">Size</th><th className="text-right">As received</th></tr></thead>
          <tbody>
            {longStudies.map((s) => {
              const inst = s.series.flatMap((x) => x.instances);
              const bytes = inst.reduce((a, i) => a + Number(i.fileSize), 0);
              const orig = inst.reduce((a, i) => a + Number(i.originalFileSize ?? i.fileSize), 0);
              const lossy = inst.filter((i) => i.lossy).length;
              const long = inst.filter((i) => i.tier === 'long').length;
              return (
                <tr key={s.id}>
                  <td><Link href={`/sandbox/pacs/studies/${s.studyInstanceUid}`} className="font-medium text-brand-700 hover:underline">{formatPersonName(s.patient.patientName) || '(no name)'}</Link></td>
                  <td className="font-mono text-xs">{s.accessionNumber || '–'}</td>
                  <td>{s.status}</td>
                  <td className="text-right">{inst.length}</td>
                  <td>{long === inst.length ? 'long-term' : long ? `mixed (${long} long-term)` : 'short-term'}</td>
                  <td>{lossy ? <span className="badge bg-amber-50 text-amber-900 ring-1 ring-amber-200">lossy ({lossy})</span> : <span className="badge bg-emerald-50 text-emerald-800 ring-1 ring-emerald-200">lossless</span>}</td>
                  <td className="text-right">{formatBytes(bytes)}</td>
                  <td className="text-right text-slate-600">{formatBytes(orig)}</td>
                </tr>
              );
            })}
            {!longStudies.length ? <tr><td colSpan={8} className="py-6 text-center text-slate-500">Every study is on the short-term tier, as received.</td></tr> : null}
          </tbody>
        </table>
      </section>
    </div>
  );
}
