'use server';
// Practice, mock-exam and review actions: each validates its input with zod, finds the learner (a guest is
// created on first write), reads "now" from the request clock and calls the data module in app/_lib.
import { z } from 'zod';
import { getDb } from '@/prisma/db';
import { guarded, type ActionResult } from '@/app/_lib/action-result';
import { questionOr404 } from '@/app/_lib/answers';
import { now } from '@/app/_lib/clock';
import { parseOr422 } from '@/app/_lib/errors';
import { getViewer, requireLearner } from '@/app/_lib/session';
import { rerateReview, setFlag, type ReviewOutcome } from '@/app/_lib/review';
import { saveMockItem, startMock, submitMock, type MockResult } from '@/app/_lib/mock';
import { HttpError } from '@/app/_lib/errors';

const questionId = z.string().regex(/^[a-z0-9-]{1,80}$/, 'unknown question');
const attemptId = z.string().min(1).max(40).regex(/^[A-Za-z0-9_-]+$/);

export async function flagQuestion(input: unknown): Promise<ActionResult<{ flagged: boolean }>> {
  return guarded(async () => {
    const data = parseOr422(z.object({ questionId, flagged: z.boolean() }), input, 'flag');
    questionOr404(data.questionId);
    const viewer = await requireLearner();
    return setFlag(getDb(), viewer.id, data.questionId, data.flagged, await now());
  });
}

export async function rateReview(input: unknown): Promise<ActionResult<ReviewOutcome>> {
  return guarded(async () => {
    const data = parseOr422(z.object({ questionId, rating: z.enum(['hard', 'good', 'easy']) }), input, 'rating');
    const viewer = await getViewer();
    if (!viewer) throw new HttpError(401, 'Your session has ended; reload the page.');
    return rerateReview(getDb(), viewer.id, data.questionId, data.rating);
  });
}

export async function startMockExam(input: unknown): Promise<ActionResult<{ id: string }>> {
  return guarded(async () => {
    const data = parseOr422(z.object({ length: z.coerce.number().int() }), input, 'exam length');
    const viewer = await requireLearner();
    return startMock(getDb(), viewer.id, data.length, await now());
  });
}

export async function saveMockAnswer(input: unknown): Promise<ActionResult<{ saved: true } | { saved: false; submitted: true }>> {
  return guarded(async () => {
    const data = parseOr422(
      z.object({
        attemptId,
        position: z.number().int().min(0).max(500),
        answer: z.array(z.string().regex(/^[a-f]$/)).max(6).nullable().optional(),
        flagged: z.boolean().optional(),
      }),
      input,
      'answer',
    );
    const viewer = await getViewer();
    if (!viewer) throw new HttpError(401, 'Your session has ended; reload the page.');
    return saveMockItem(getDb(), viewer.id, data.attemptId, data.position, { answer: data.answer, flagged: data.flagged }, await now());
  });
}

export async function submitMockExam(input: unknown): Promise<ActionResult<MockResult>> {
  return guarded(async () => {
    const data = parseOr422(z.object({ attemptId }), input, 'exam');
    const viewer = await getViewer();
    if (!viewer) throw new HttpError(401, 'Your session has ended; reload the page.');
    return submitMock(getDb(), viewer.id, data.attemptId, await now());
  });
}
