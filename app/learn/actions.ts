'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/prisma/db';
import { lessonBySlug } from '@/app/_lib/content';
import { answerInput, questionOr404, submitAnswer, type Graded } from '@/app/_lib/answers';
import { now } from '@/app/_lib/clock';
import { requireLearner } from '@/app/_lib/session';
import { fieldErrors, HttpError } from '@/app/_lib/errors';
import { guarded, type ActionResult } from '@/app/_lib/action-result';

export type { Graded };
export type { ActionResult };

const slugSchema = z.string().regex(/^[a-z0-9-]{1,80}$/);

export async function completeLesson(slug: unknown): Promise<ActionResult<{ completedAt: string }>> {
  return guarded(async () => {
    const parsed = slugSchema.safeParse(slug);
    if (!parsed.success || !lessonBySlug(parsed.data)) throw new HttpError(404, 'There is no such lesson.');
    const viewer = await requireLearner();
    const row = await getDb().lessonProgress.upsert({
      where: { userId_lessonSlug: { userId: viewer.id, lessonSlug: parsed.data } },
      update: {},
      create: { userId: viewer.id, lessonSlug: parsed.data, completedAt: await now() },
    });
    revalidatePath('/learn');
    return { completedAt: row.completedAt.toISOString() };
  });
}

/** Grades one answer on the server (the key never reaches the browser before this) and records it. */
export async function answerQuestion(input: unknown): Promise<ActionResult<Graded>> {
  return guarded(async () => {
    const parsed = answerInput.safeParse(input);
    if (!parsed.success) throw new HttpError(422, 'That answer could not be read.', fieldErrors(parsed.error));
    questionOr404(parsed.data.questionId);
    const viewer = await requireLearner();
    return submitAnswer(getDb(), viewer.id, parsed.data, await now());
  });
}
