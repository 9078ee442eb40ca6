import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ChevronLeft } from 'lucide-react';
import { presentedOptions } from '@/content/grade';
import { questionBank, toPublic } from '@/app/_lib/content';
import { getViewer } from '@/app/_lib/session';
import { now } from '@/app/_lib/clock';
import { HttpError } from '@/app/_lib/errors';
import { deadlineOf, loadMock, SAVE_GRACE_MS, submitMock, type MockResult } from '@/app/_lib/mock';
import { getDb } from '@/prisma/db';
import { MockExam } from './MockExam';
import { ScoreReport } from './ScoreReport';

export const metadata: Metadata = { title: 'Mock exam' };
export const dynamic = 'force-dynamic';

export default async function MockExamPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const viewer = await getViewer();
  if (!viewer || !/^[A-Za-z0-9_-]{1,40}$/.test(id)) notFound();
  const db = getDb();
  const at = await now();
  let attempt;
  try {
    attempt = await loadMock(db, viewer.id, id);
  } catch (e) {
    if (e instanceof HttpError && e.status === 404) notFound();
    throw e;
  }
  // time ran out while the page was closed: the server grades what was saved
  if (!attempt.submittedAt && at.getTime() > deadlineOf(attempt).getTime() + SAVE_GRACE_MS) {
    await submitMock(db, viewer.id, id, at);
    attempt = await loadMock(db, viewer.id, id);
  }
  const bank = questionBank();

  if (!attempt.submittedAt) {
    const items = attempt.items.map((item) => {
      const q = bank.get(item.questionId);
      return {
        position: item.position,
        question: q ? toPublic(q, presentedOptions(q)) : null,
        answer: item.answer ? (JSON.parse(item.answer) as string[]) : null,
        flagged: item.flagged,
      };
    });
    return (
      <MockExam
        attemptId={attempt.id}
        items={items.filter((i) => i.question !== null) as never}
        deadline={deadlineOf(attempt).toISOString()}
        serverNow={at.toISOString()}
      />
    );
  }

  const result = attempt.result as unknown as MockResult;
  const review = attempt.items.map((item) => {
    const q = bank.get(item.questionId);
    return {
      position: item.position,
      correct: Boolean(item.correct),
      answer: item.answer ? (JSON.parse(item.answer) as string[]) : null,
      flagged: item.flagged,
      question: q ? { ...toPublic(q, presentedOptions(q)), key: [...q.key], rationales: Object.fromEntries(q.options.map((o) => [o.id, o.rationale])) } : null,
    };
  });
  return (
    <div className="mx-auto max-w-4xl">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
        <Link href="/practice/mock" className="inline-flex items-center gap-1 hover:text-slate-800"><ChevronLeft className="h-4 w-4" aria-hidden /> Mock exams</Link>
      </nav>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight">Score report</h1>
      <p className="mt-1 text-sm text-slate-600">Mock exam of {attempt.startedAt.toISOString().slice(0, 10)} · {result.total} items · {Math.round((attempt.timeLimitSec ?? 0) / 60)} minutes allowed</p>
      <ScoreReport result={result} review={review} />
    </div>
  );
}
