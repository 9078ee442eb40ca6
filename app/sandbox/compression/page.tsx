// The compression lab: pick a stored study and image of the demo archive, a codec and a target; see what the
// codec did (side by side, difference, sizes, ratio, errors), for one image or the whole series, and the
// error-versus-ratio curve across codecs. Everything is computed in memory: the archive is never changed.
import type { Metadata } from 'next';
import Link from 'next/link';
import { ShieldAlert, ShieldCheck } from 'lucide-react';
import { z } from 'zod';
import { formatBytes, formatDicomDate, formatPersonName } from '@/app/_lib/format';
import { transferSyntaxName } from '@/sim/dicom/transferSyntaxes';
import { CODECS } from '@/sim/compression/transcode';
import { searchStudies, studyDetail } from '../_lib/pacs';
import { currentSandbox } from '../_lib/current';
import { SandboxTag } from '../SandboxTag';
import { StudyStatusBadge } from '../pacs/StudyStatusBadge';
import { lossyPolicy } from './_lib/lab';
import { CompressionLab } from './CompressionLab';

export const metadata: Metadata = { title: 'Compression lab' };
export const dynamic = 'force-dynamic';

const uid = z.string().regex(/^[0-9.]{1,64}$/);
const params = z.object({
  study: uid.optional().catch(undefined),
  series: uid.optional().catch(undefined),
  image: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional().catch(undefined),
  /** patient name to find a study by (as the PACS console's search: `*` and `?` wildcards, or part of the name) */
  name: z.string().trim().max(64).optional().catch(undefined),
});

type SP = Promise<Record<string, string | string[] | undefined>>;

export default async function CompressionLabPage({ searchParams }: { searchParams: SP }) {
  const raw = Object.fromEntries(Object.entries(await searchParams).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v || undefined]));
  const q = params.parse(raw);
  const sandbox = await currentSandbox();
  if (!sandbox) return <p className="text-amber-800">The demo sandbox does not exist yet: run <code>npx pacslab db seed</code>.</p>;
  const studies = await searchStudies(sandbox.id, { page: 1, name: q.name });
  const study = q.study ? await studyDetail(sandbox.id, q.study) : null;
  const series = study ? (study.series.find((s) => s.seriesInstanceUid === q.series) ?? study.series[0]) : undefined;
  const image = series ? (series.instances.find((i) => i.id === q.image) ?? series.instances[Math.floor(series.instances.length / 2)]) : undefined;
  const modalities = study ? [...new Set(study.series.map((s) => s.modality ?? '').filter(Boolean))] : [];
  const policy = study ? lossyPolicy(study, modalities) : undefined;
  const link = (p: Record<string, string | undefined>) => `?${new URLSearchParams(Object.entries({ name: q.name, ...p }).filter(([, v]) => v) as [string, string][])}`;

  return (
    <div className="space-y-5">
      <div className="border-b border-slate-200 pb-3">
        <p className="text-xs font-semibold uppercase tracking-wide text-brand-700">{<SandboxTag role="archive" />}</p>
        <h1 className="text-2xl font-semibold tracking-tight">Compression lab</h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          Lossless codecs give back every pixel (about 2:1 to 3:1 on CT and radiographs); lossy ones trade error for size (10:1 to 20:1 and more).
          Pick an image and measure it. Nothing here changes the archive: each image is compressed in memory and compared with the stored original.
        </p>
      </div>

      <div className="grid gap-5 lg:grid-cols-[20rem_1fr]">
        <nav aria-label="Studies in the archive" className="space-y-3">
          <section className="card p-3">
            <h2 className="text-sm font-semibold">1. Study</h2>
            <form method="get" className="mt-2 flex gap-2" role="search" aria-label="Find a study">
              <input name="name" defaultValue={q.name ?? ''} placeholder="Patient name" aria-label="Patient name" className="field h-8 min-w-0 flex-1 text-sm" maxLength={64} />
              <button type="submit" className="btn-secondary h-8 px-2 text-sm">Find</button>
            </form>
            {studies.rows.length === 0 && (q.name
              ? <p className="mt-2 text-sm text-slate-600">No study of a patient named like “{q.name}”.</p>
              : <p className="mt-2 text-sm text-slate-600">The archive is empty: send a study to AE <code>PACS</code> first (see the PACS console).</p>)}
            {studies.total > studies.rows.length && <p className="mt-1 text-xs text-slate-500">The {studies.rows.length} most recent of {studies.total}: find older ones by name.</p>}
            <ul className="mt-2 max-h-72 space-y-1 overflow-auto text-sm" data-testid="lab-studies">
              {studies.rows.map((s) => (
                <li key={s.id}>
                  <Link
                    href={link({ study: s.studyInstanceUid })}
                    aria-current={s.studyInstanceUid === study?.studyInstanceUid ? 'true' : undefined}
                    className={`block rounded px-2 py-1 hover:bg-slate-100 ${s.studyInstanceUid === study?.studyInstanceUid ? 'bg-brand-50 font-medium text-brand-800' : ''}`}
                  >
                    {formatPersonName(s.patient.patientName)} · {s.modalities.join('/') || '—'} · {formatDicomDate(s.studyDate ?? '')}
                    <span className="block text-xs text-slate-500">{s.studyDescription || 'no description'} · {s.instanceCount} image{s.instanceCount === 1 ? '' : 's'} · {formatBytes(s.bytes)}</span>
                  </Link>
                </li>
              ))}
            </ul>
          </section>
          {study && (
            <section className="card p-3">
              <h2 className="text-sm font-semibold">2. Series and image</h2>
              <ul className="mt-2 space-y-1 text-sm" data-testid="lab-series">
                {study.series.map((s) => (
                  <li key={s.id}>
                    <Link href={link({ study: study.studyInstanceUid, series: s.seriesInstanceUid })} className={`block rounded px-2 py-1 hover:bg-slate-100 ${s.id === series?.id ? 'bg-brand-50 font-medium text-brand-800' : ''}`}>
                      {s.modality} #{s.seriesNumber ?? '?'} {s.seriesDescription} ({s.instances.length})
                    </Link>
                  </li>
                ))}
              </ul>
              {series && series.instances.length > 1 && (
                <ul className="mt-2 flex max-h-40 flex-wrap gap-1 overflow-auto text-xs" aria-label="Images in the series">
                  {series.instances.map((i) => (
                    <li key={i.id}>
                      <Link href={link({ study: study.studyInstanceUid, series: series.seriesInstanceUid, image: i.id })} className={`inline-block rounded border px-1.5 py-0.5 ${i.id === image?.id ? 'border-brand-500 bg-brand-50' : 'border-slate-200 hover:bg-slate-100'}`}>
                        {i.instanceNumber ?? '?'}
                      </Link>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          )}
        </nav>

        <div className="min-w-0 space-y-5">
          {!study && <p className="card p-5 text-sm text-slate-600">Pick a study on the left.</p>}
          {study && policy && (
            <section className={`card flex gap-3 p-4 ${policy.allowed ? '' : 'border-amber-300 bg-amber-50'}`} aria-label="Site policy" data-testid="lab-policy">
              {policy.allowed ? <ShieldCheck className="h-5 w-5 shrink-0 text-emerald-600" aria-hidden /> : <ShieldAlert className="h-5 w-5 shrink-0 text-amber-600" aria-hidden />}
              <div className="text-sm">
                <p className="font-medium">
                  Site policy for this study <StudyStatusBadge status={study.status} />: lossy compression {policy.allowed ? 'allowed for long-term storage' : 'not applied'}
                </p>
                <p className="mt-1 text-slate-700">{policy.why}</p>
                <p className="mt-1 text-slate-600">
                  The policy is the site’s, not DICOM’s: DICOM only requires that a lossy result says so (Lossy Image Compression “01”, its ratio and method) and is a new
                  instance with a new SOP Instance UID. You can still measure any codec here; nothing is stored.
                </p>
              </div>
            </section>
          )}
          {study && series && image && (
            <CompressionLab
              key={image.id}
              image={{
                id: image.id,
                label: `${formatPersonName(study.patient.patientName)} · ${series.modality} series ${series.seriesNumber ?? '?'} · image ${image.instanceNumber ?? '?'}`,
                detail: `${image.rows ?? '?'}×${image.columns ?? '?'}${(image.numberOfFrames ?? 1) > 1 ? `, ${image.numberOfFrames} frames` : ''}, stored as ${transferSyntaxName(image.transferSyntaxUid)}, ${formatBytes(image.fileSize)}`,
              }}
              series={series.instances.map((i) => i.id)}
              codecs={CODECS.map((c) => ({ id: c.id, label: c.label, lossy: c.lossy, control: c.control ?? null, defaults: c.defaults ?? {} }))}
            />
          )}
        </div>
      </div>
    </div>
  );
}
