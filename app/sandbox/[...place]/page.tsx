// Sandbox places that lessons already link to but whose consoles are not built yet: an honest page that says
// what the console will do and what the student can use today, instead of a 404 in the middle of a lesson.
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Construction, Database, Network, Server } from 'lucide-react';
import { isSandboxPlace } from '@/content/places';

const PLANNED: Record<string, { title: string; what: string; lesson: { slug: string; title: string } }> = {
  '/sandbox/viewer': { title: 'Viewer', what: 'A diagnostic-style viewer on the archive’s DICOMweb, with window/level presets, measurements and a tag inspector.', lesson: { slug: 'dicom-tags', title: 'DICOM tags' } },
  '/sandbox/compression': { title: 'Compression lab', what: 'The same images stored lossless and lossy, compared side by side with their ratios and differences.', lesson: { slug: 'image-compression', title: 'Image compression' } },
};
for (const ae of ['CT1', 'DX1', 'MR1', 'US1']) {
  PLANNED[`/sandbox/modality/${ae}`] = {
    title: `Scanner console ${ae}`,
    what: `The ${ae} console: pick today’s patient from the worklist, acquire, send to the PACS with C-STORE, report MPPS, and watch the send queue when something fails.`,
    lesson: { slug: 'dicom-services', title: 'DICOM services' },
  };
}

type Params = { params: Promise<{ place: string[] }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const path = `/sandbox/${(await params).place.join('/')}`;
  return { title: PLANNED[path]?.title ?? 'Sandbox' };
}

export default async function PlannedPlace({ params }: Params) {
  const path = `/sandbox/${(await params).place.join('/')}`;
  const planned = PLANNED[path];
  if (!planned || !isSandboxPlace(path)) notFound();
  return (
    <div className="mx-auto max-w-2xl py-6" data-testid="planned-console">
      <p className="text-xs font-semibold uppercase tracking-wide text-brand-700">Demo sandbox</p>
      <h1 className="mt-1 text-2xl font-semibold tracking-tight">{planned.title}</h1>
      <div className="card mt-5 flex gap-4 p-5">
        <Construction className="h-6 w-6 shrink-0 text-amber-600" aria-hidden />
        <div>
          <p className="font-medium">This console is not open yet.</p>
          <p className="mt-1 text-sm leading-relaxed text-slate-600">{planned.what}</p>
          <p className="mt-3 text-sm text-slate-600">
            Until then, read <Link className="font-medium text-brand-700 hover:underline" href={`/learn/${planned.lesson.slug}`}>{planned.lesson.title}</Link>, or use the
            consoles that are running now:
          </p>
        </div>
      </div>
      <ul className="mt-4 grid gap-3 sm:grid-cols-3">
        {[
          { href: '/sandbox/pacs', label: 'PACS console', icon: Database },
          { href: '/sandbox/pacs/network-log', label: 'Network log', icon: Network },
          { href: '/sandbox/pacs/nodes', label: 'DICOM nodes', icon: Server },
        ].map(({ href, label, icon: Icon }) => (
          <li key={href}>
            <Link href={href} className="card flex items-center gap-2 p-4 text-sm font-medium hover:border-brand-500"><Icon className="h-4 w-4 text-brand-600" aria-hidden /> {label}</Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
