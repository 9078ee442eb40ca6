// POST /api/answers: grade one answer and record it, for clients other than the site's own pages (and the
// benchmark in e2e/bench). Same code as the answerQuestion server action (app/_lib/answers.ts).
// Body: { questionId, answer: ["a", ...], mode: "practice" | "lesson-check" | "review", set? }.
// 200 with { correct, key, rationales, ... }; 401 without a session (a guest session will do); 404 for an item
// not in the bank; 415/400/422 for a body that is not JSON or not valid.
import { NextResponse } from 'next/server';
import { getDb } from '@/prisma/db';
import { answerInput, questionOr404, submitAnswer } from '@/app/_lib/answers';
import { now } from '@/app/_lib/clock';
import { HttpError, parseOr422, readJson, route } from '@/app/_lib/errors';
import { getViewer } from '@/app/_lib/session';

export const dynamic = 'force-dynamic';

export const POST = route(async (request: Request) => {
  // Server-Timing: the handler's whole time (app) and its parts (body, viewer, record), for the bench (issue 7)
  const started = performance.now();
  const input = parseOr422(answerInput, await readJson(request), 'answer');
  questionOr404(input.questionId);
  const read = performance.now();
  const viewer = await getViewer();
  if (!viewer) throw new HttpError(401, 'Start a session first: sign in, or answer one item on the site as a guest.');
  const known = performance.now();
  const graded = await submitAnswer(getDb(), viewer.id, input, await now());
  const done = performance.now();
  const timing = `app;dur=${(done - started).toFixed(1)}, body;dur=${(read - started).toFixed(1)}, viewer;dur=${(known - read).toFixed(1)}, record;dur=${(done - known).toFixed(1)}`;
  return NextResponse.json(graded, { headers: { 'cache-control': 'no-store', 'server-timing': timing } });
});
