// The learning loop as a guest: a lesson and its embedded check, a 20-item practice set with a flag, a short
// timed mock exam with its score report, a mock that runs out of time, spaced review "the next day" (the server's
// clock moved with the x-pacslab-now cookie, honoured because the e2e server sets PACSLAB_ALLOW_CLOCK_OVERRIDE=1),
// and the progress page. Screenshots at 1280 and 375 px go to e2e/artifacts.
import { expect, test, type Page } from '@playwright/test';
import { E2E } from './env';
import { join } from 'node:path';
import { expectNoSidewaysScroll, pickSomething, shot, SHOTS } from './helpers';

const DAY = 86_400_000;

async function at375(page: Page, name: string) {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 375, height: 740 });
  await expectNoSidewaysScroll(page);
  await shot(page, name);
  if (size) await page.setViewportSize(size);
}


async function setClock(page: Page, date: Date | null) {
  await page.context().clearCookies({ name: 'x-pacslab-now' });
  if (date) await page.context().addCookies([{ name: 'x-pacslab-now', value: String(date.getTime()), url: E2E.baseURL }]);
}

test('a guest learns: lesson check, practice set, timed mock exam, score report, spaced review the next day', async ({ page }) => {
  test.setTimeout(240_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  // 1. a lesson and its embedded check
  await page.goto('/learn/what-is-a-pacs');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  const check = page.getByTestId('lesson-check').getByTestId('question').first();
  await check.scrollIntoViewIfNeeded();
  await pickSomething(check);
  await check.getByRole('button', { name: 'Check answer' }).click();
  await expect(check.getByTestId('verdict')).toBeVisible();
  await expect(check.locator('dd').first()).not.toBeEmpty();
  await page.getByRole('button', { name: 'Mark lesson complete' }).click();
  await expect(page.getByTestId('lesson-completed')).toBeVisible();

  // 2. a 20-item practice set, filtered form, flag one item
  await page.goto('/practice?size=20');
  await expect(page).toHaveURL(/set=/);
  const setUrl = page.url();
  await expect(page.getByTestId('practice-position')).toHaveText('Item 1 of 20');
  await shot(page, 'learning-practice-1280');
  const missed: string[] = [];
  let flaggedId = '';
  for (let i = 1; i <= 20; i++) {
    const q = page.getByTestId('question');
    await expect(page.getByTestId('practice-position')).toHaveText(`Item ${i} of 20`);
    const id = (await q.getAttribute('data-question-id'))!;
    if (i === 2) {
      await q.getByRole('button', { name: 'Flag for review' }).click();
      await expect(q.getByRole('button', { name: 'Flagged for review' })).toHaveAttribute('aria-pressed', 'true');
      flaggedId = id;
    }
    await pickSomething(q);
    await q.getByRole('button', { name: 'Check answer' }).click();
    const verdict = q.getByTestId('verdict');
    await expect(verdict).toBeVisible();
    if ((await verdict.textContent())?.includes('Not quite')) {
      missed.push(id);
      await expect(q.getByTestId('added-to-review')).toBeVisible();
    }
    if (i === 1) await at375(page, 'learning-practice-answered-375');
    await page.getByRole('button', { name: i < 20 ? 'Next item' : 'See results' }).click();
  }
  await expect(page.getByTestId('practice-summary')).toContainText('/ 20');
  // the set survives a refresh (same seed, same first item), and the flag was stored
  await page.goto(setUrl);
  await expect(page.getByTestId('practice-position')).toHaveText('Item 1 of 20');
  await page.goto(`/practice?size=20&lesson=what-is-a-pacs`);
  await expect(page.getByLabel('Lesson')).toHaveValue('what-is-a-pacs');
  await at375(page, 'learning-practice-filters-375');

  // 3. a short timed mock exam
  await page.goto('/practice/mock');
  await expect(page.getByRole('heading', { level: 1, name: 'Timed mock exam' })).toBeVisible();
  await expect(page.getByTestId('blueprint')).toContainText('Image Production');
  await shot(page, 'learning-mock-setup-1280');
  await at375(page, 'learning-mock-setup-375');
  await page.getByLabel('20 items').check();
  await page.getByRole('button', { name: 'Start the exam' }).click();
  await expect(page).toHaveURL(/\/practice\/mock\/[A-Za-z0-9_-]+$/);
  const examUrl = page.url();
  await expect(page.getByTestId('countdown')).toHaveText(/^\s*2[45]:\d\d\s*$/);
  const item = page.getByTestId('mock-item');
  for (let i = 1; i <= 12; i++) {
    await expect(page.getByTestId('mock-position')).toContainText(`Item ${i} of 20`);
    await pickSomething(item);
    if (i === 3) await item.getByRole('button', { name: 'Flag' }).click();
    await page.getByRole('button', { name: 'Next' }).click();
  }
  await expect(page.getByTestId('save-state')).toHaveText('saved');
  const nav = page.getByTestId('navigator');
  await expect(nav.locator('[data-state=answered]')).toHaveCount(await nav.locator('[data-state=answered]').count());
  await expect(nav.locator('[data-flagged=true]')).toHaveCount(1);
  await nav.getByRole('button', { name: /^Item 3:/ }).click();
  await expect(page.getByTestId('mock-position')).toContainText('Item 3 of 20');
  // a refresh keeps the saved answers and flags (the server holds them)
  await page.reload();
  await expect(page.getByTestId('navigator').locator('[data-flagged=true]')).toHaveCount(1);
  const answeredCount = await page.getByTestId('navigator').locator('[data-state=answered]').count();
  expect(answeredCount).toBeGreaterThanOrEqual(10);
  await shot(page, 'learning-mock-exam-1280');
  await at375(page, 'learning-mock-exam-375');
  await page.getByRole('button', { name: 'Submit exam' }).last().click();
  const confirm = page.getByTestId('submit-confirm');
  await expect(confirm).toContainText('unanswered');
  await expect(confirm.getByTestId('unanswered-list').getByRole('button')).toHaveCount(20 - answeredCount);
  await shot(page, 'learning-mock-confirm-1280');
  await confirm.getByRole('button', { name: 'Submit now' }).click();

  // 4. the score report by category and sub-category, and a review of every item
  await expect(page.getByRole('heading', { level: 1, name: 'Score report' })).toBeVisible();
  await expect(page.getByTestId('score-summary')).toContainText('Estimated scaled score');
  await expect(page.getByTestId('score-summary')).toContainText('This is an estimate, not an ARRT score.');
  await expect(page.getByTestId('category-results')).toContainText('Image Production');
  await expect(page.getByTestId('category-results')).toContainText('Image Management and Informatics');
  await expect(page.getByTestId('mock-review').locator('li')).toHaveCount(20);
  const wrong = page.getByTestId('mock-review').locator('details[data-result=wrong], details[data-result=unanswered]').first();
  await wrong.locator('summary').click();
  await expect(wrong).toContainText('Key:');
  await expect(wrong).toContainText('Your answer:');
  await page.screenshot({ path: join(SHOTS, 'learning-mock-report-top-1280.png') });
  await shot(page, 'learning-mock-report-1280');
  await at375(page, 'learning-mock-report-375');
  // submitted: the exam page now shows the report, answers cannot change
  await page.goto(examUrl);
  await expect(page.getByRole('heading', { level: 1, name: 'Score report' })).toBeVisible();

  // 5. a mock whose time runs out while the page is closed: the server grades it at the deadline
  await page.goto('/practice/mock');
  await page.getByRole('button', { name: 'Start the exam' }).click();
  await expect(page.getByTestId('countdown')).toBeVisible();
  await pickSomething(page.getByTestId('mock-item'));
  await expect(page.getByTestId('save-state')).toHaveText('saved');
  await setClock(page, new Date(Date.now() + 26 * 60_000));
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Score report' })).toBeVisible();
  await expect(page.getByTestId('score-summary')).toContainText('Time ran out');
  await setClock(page, null);

  // 6. the next day: missed items are due in spaced review
  const tomorrow = new Date(Date.now() + DAY);
  await setClock(page, tomorrow);
  await page.goto('/practice');
  await expect(page.getByTestId('due-count')).toHaveText(/\d+ items? due now/);
  await page.getByTestId('review-link').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Spaced review' })).toBeVisible();
  const due = page.getByTestId('review-due');
  await expect(due).toContainText('due now');
  const first = page.getByTestId('question');
  const firstId = (await first.getAttribute('data-question-id'))!;
  expect(missed.length + 1, 'the practice set missed at least one item or flagged one').toBeGreaterThan(0);
  const reviewIds: string[] = [];
  const dueNow = Number((await due.locator('strong').textContent()) ?? '0');
  expect(dueNow).toBeGreaterThan(0);
  await shot(page, 'learning-review-1280');
  // answer the first review item: it is scheduled forward
  await pickSomething(first);
  await first.getByRole('button', { name: 'Check answer' }).click();
  await expect(first.getByTestId('review-schedule')).toContainText('Comes back');
  reviewIds.push(firstId);
  await at375(page, 'learning-review-answered-375');
  // every practice miss and the flagged item are in the deck due tomorrow
  const deckIds = new Set<string>([firstId]);
  for (let i = 1; i < dueNow; i++) {
    await page.getByRole('button', { name: 'Next review' }).click();
    const q = page.getByTestId('question');
    await expect(page.getByTestId('review-position')).toHaveText(`Review ${i + 1} of ${dueNow}`);
    deckIds.add((await q.getAttribute('data-question-id'))!);
    await pickSomething(q);
    await q.getByRole('button', { name: 'Check answer' }).click();
    await expect(q.getByTestId('review-schedule')).toBeVisible();
  }
  for (const id of [...missed, flaggedId]) expect(deckIds.has(id), `${id} is due the next day`).toBe(true);

  // 7. progress: lessons, items, accuracy per category over time, streak, due reviews
  await page.goto('/account');
  await expect(page.getByRole('heading', { level: 1, name: 'Your progress' })).toBeVisible();
  await expect(page.getByTestId('lessons-completed')).toHaveText(/^1 \//);
  expect(Number(await page.getByTestId('answers-count').textContent())).toBeGreaterThanOrEqual(1 + 20 + answeredCount);
  await expect(page.getByTestId('streak')).toContainText('2 days'); // today and "tomorrow"
  await expect(page.getByTestId('progress-chart').getByRole('application')).toBeVisible();
  await expect(page.getByTestId('category-progress')).toContainText('Image Production');
  await shot(page, 'learning-progress-1280');
  await at375(page, 'learning-progress-375');
  await setClock(page, null);
  expect(errors).toEqual([]);
});

test('POST /api/answers: 401 without a session, 422 on a bad body, 404 for an unknown item, 200 graded', async ({ page, request }) => {
  const bad = await request.post('/api/answers', { data: { questionId: 'x', answer: [] , mode: 'practice' } });
  expect(bad.status()).toBe(422);
  const anon = await request.post('/api/answers', { data: { questionId: 'pacs-001', answer: ['a'], mode: 'practice' } });
  expect([401, 404]).toContain(anon.status());
  // a guest session from the site
  await page.goto('/learn/what-is-a-pacs');
  const check = page.getByTestId('lesson-check').getByTestId('question').first();
  await pickSomething(check);
  await check.getByRole('button', { name: 'Check answer' }).click();
  await expect(check.getByTestId('verdict')).toBeVisible();
  const id = (await check.getAttribute('data-question-id'))!;
  const missing = await page.request.post('/api/answers', { data: { questionId: 'no-such-item', answer: ['a'], mode: 'practice' } });
  expect(missing.status()).toBe(404);
  const ok = await page.request.post('/api/answers', { data: { questionId: id, answer: ['a'], mode: 'lesson-check' } });
  expect(ok.status()).toBe(200);
  const body = await ok.json();
  expect(typeof body.correct).toBe('boolean');
  expect(body.key.length).toBeGreaterThan(0);
});
