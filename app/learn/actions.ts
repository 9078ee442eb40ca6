'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/prisma/db';
import { gradeAnswer } from '@/content/grade';
import { lessonBySlug, questionBank } from '@/app/_lib/content';
import { requireLearner } from '@/app/_lib/session';
import { fieldErrors, HttpError } from '@/app/_lib/errors';

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: string; details?: Record<string, string[]> };

async function guarded<T>(fn: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return { ok: true, data: await fn() };
  } catch (error) {
    if (error instanceof HttpError) return { ok: false, error: error.message, details: error.details };
    console.error('[action] unexpected error', error);
    return { ok: false, error: 'Something went wrong on the server. It has been logged; try again.' };
  }
}

const slugSchema = z.string().regex(/^[a-z0-9-]{1,80}$/);

export async function completeLesson(slug: unknown): Promise<ActionResult<{ completedAt: string }>> {
  return guarded(async () => {
    const parsed = slugSchema.safeParse(slug);
    if (!parsed.success || !lessonBySlug(parsed.data)) throw new HttpError(404, 'There is no such lesson.');
    const viewer = await requireLearner();
    const row = await getDb().lessonProgress.upsert({
      where: { userId_lessonSlug: { userId: viewer.id, lessonSlug: parsed.data } },
      update: {},
      create: { userId: viewer.id, lessonSlug: parsed.data },
    });
    revalidatePath('/learn');
    return { completedAt: row.completedAt.toISOString() };
  });
}

const answerSchema = z.object({
  questionId: z.string().regex(/^[a-z0-9-]{1,80}$/, 'unknown question'),
  answer: z.array(z.string().regex(/^[a-f]$/)).min(1, 'Choose an answer first.').max(6),
  mode: z.enum(['practice', 'lesson-check']),
});

export interface Graded {
  correct: boolean;
  key: string[];
  rationales: Record<string, string>;
}

/** Grades one answer on the server (the key never reaches the browser before this) and records it. */
export async function answerQuestion(input: unknown): Promise<ActionResult<Graded>> {
  return guarded(async () => {
    const parsed = answerSchema.safeParse(input);
    if (!parsed.success) throw new HttpError(422, 'That answer could not be read.', fieldErrors(parsed.error));
    const { questionId, answer, mode } = parsed.data;
    const question = questionBank().get(questionId);
    if (!question) throw new HttpError(404, 'There is no such question.');
    const correct = gradeAnswer(question, answer);
    const viewer = await requireLearner();
    const db = getDb();
    const since = new Date(Date.now() - 6 * 3600_000);
    const attempt =
      (await db.quizAttempt.findFirst({ where: { userId: viewer.id, mode, submittedAt: null, startedAt: { gte: since } }, orderBy: { startedAt: 'desc' } })) ??
      (await db.quizAttempt.create({ data: { userId: viewer.id, mode } }));
    await db.response.create({ data: { attemptId: attempt.id, questionId, answer: JSON.stringify(answer), correct } });
    return {
      correct,
      key: [...question.key],
      rationales: Object.fromEntries(question.options.map((o) => [o.id, o.rationale])),
    };
  });
}
