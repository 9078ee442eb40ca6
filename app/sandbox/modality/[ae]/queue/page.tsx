import type { Metadata } from 'next';
import Link from 'next/link';
import { anyJobActive, requireScanner, sendQueue } from '../../../_lib/modality';
import { AutoRefresh } from '@/app/_components/AutoRefresh';
import { ActionForm } from '@/app/_components/ActionForm';
import { JobRow } from '../JobRow';
import { retryAll } from '../actions';

export const metadata: Metadata = { title: 'Send queue' };
export const dynamic = 'force-dynamic';

export default async function SendQueuePage({ params }: { params: Promise<{ ae: string }> }) {
  const { ae } = await params;
  const ctx = await requireScanner(ae);
  const [jobs, active] = await Promise.all([sendQueue(ctx.sandbox.id, ae), anyJobActive(ctx.sandbox.id, ae)]);
  const failed = jobs.filter((j) => j.status === 'failed').length;
  return (
    <div className="space-y-4">
      <AutoRefresh active={active} />
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="max-w-3xl text-sm text-slate-600">
          Every send of an exam to a destination, with the exact error a failed one met. Fix the cause first (often the destination on the{' '}
          <Link className="font-medium text-brand-700 hover:underline" href={`/sandbox/modality/${ae}/network`}>Network</Link> tab, or the PACS itself), then Retry: only the
          images not yet stored are sent again, so nothing arrives twice. Never re-scan the patient to fix a send.
        </p>
        {failed > 0 && <ActionForm action={retryAll} hidden={{ ae }} submit={`Retry all (${failed})`} pendingLabel="Retrying…" className="flex flex-wrap gap-2" testId="retry-all" />}
      </div>
      <section className="card" aria-label="Send queue">
        <ul className="divide-y divide-slate-100" data-testid="send-queue">
          {jobs.map((j) => <JobRow key={j.id} job={j} ae={ae} showExam />)}
        </ul>
        {jobs.length === 0 && <p className="p-8 text-center text-sm text-slate-500">The queue is empty: end an exam to send it.</p>}
      </section>
    </div>
  );
}
