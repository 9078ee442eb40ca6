// Cohorts end to end: the instructor creates a cohort, two students sign up and join with the code (one through
// the join link as a guest first, so the code survives sign-up), the instructor assigns a 10-item practice set,
// a student answers it, and the cohort dashboard and its CSV show it; a student and another instructor get 403
// on the cohort's page and CSV, an admin sees it.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { E2E } from './env';
import { expectNoSidewaysScroll, pickSomething, shot, signIn, signUp, uniqueEmail } from './helpers';

async function newStudent(browser: Browser, name: string): Promise<Page> {
  const page = await (await browser.newContext({ baseURL: E2E.baseURL })).newPage();
  await signUp(page, name, uniqueEmail(name.toLowerCase().replace(/\s+/g, '-')), 'student password 1');
  return page;
}

test('an instructor creates a cohort, students join, a practice set is assigned and done, the dashboard and CSV show it', async ({ page, browser }) => {
  test.setTimeout(120_000);
  await signIn(page, E2E.instructor.email, E2E.instructor.password);
  await page.goto('/teach');
  const cohortName = `RAD 210 ${Date.now().toString(36)}`;
  // a refused form keeps what was typed
  await page.getByLabel('Cohort name').fill(cohortName);
  await page.getByRole('button', { name: 'Create cohort' }).click();
  await expect(page.getByText('Enter the term, e.g. Spring 2027.')).toBeVisible();
  await expect(page.getByLabel('Cohort name')).toHaveValue(cohortName);
  await page.getByLabel('Term').fill('Spring 2027');
  await page.getByRole('button', { name: 'Create cohort' }).click();
  await expect(page.getByRole('status')).toContainText(`Created ${cohortName}`);
  await page.setViewportSize({ width: 375, height: 800 });
  await expectNoSidewaysScroll(page);
  await shot(page, 'cohorts-teach-375');
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByRole('link', { name: cohortName }).click();
  await expect(page.getByTestId('cohort-page')).toBeVisible();
  const code = (await page.getByTestId('cohort-join-code').textContent())!.trim();
  expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  const cohortUrl = new URL(page.url()).pathname;

  // student 1 signs up first, then types the join link
  const ana = await newStudent(browser, 'Ana Cohort');
  await ana.goto(`/join/${code}`);
  await expect(ana.getByText(cohortName)).toBeVisible();
  await ana.getByRole('button', { name: 'Join this cohort' }).click();
  await expect(ana).toHaveURL(/\/learn/);

  // student 2 follows the link before having an account: sign-up keeps the code through ?next=
  const ben = await (await browser.newContext({ baseURL: E2E.baseURL })).newPage();
  await ben.goto(`/join/${code}`);
  await shot(ben, 'cohorts-join-guest');
  await ben.getByRole('link', { name: 'Create an account' }).click();
  await expect(ben).toHaveURL(new RegExp(`next=${encodeURIComponent(`/join/${code}`)}`));
  await ben.getByLabel('Name').fill('Ben Cohort');
  await ben.getByLabel('E-mail').fill(uniqueEmail('ben-cohort'));
  await ben.getByLabel('Password').fill('student password 1');
  await ben.getByRole('button', { name: 'Create account' }).click();
  await expect(ben).toHaveURL(new RegExp(`/join/${code}`));
  await ben.getByRole('button', { name: 'Join this cohort' }).click();
  await expect(ben).toHaveURL(/\/learn/);

  // the instructor assigns a 10-item practice set
  await page.reload();
  await expect(page.getByTestId('students-table')).toContainText('Ana Cohort');
  await expect(page.getByTestId('students-table')).toContainText('Ben Cohort');
  const form = page.getByRole('form', { name: 'New assignment' });
  await form.getByLabel('Assign').selectOption('practice');
  await form.getByLabel('Items').selectOption('10');
  await form.getByRole('button', { name: 'Assign' }).click();
  await expect(page.getByRole('status')).toContainText('Assigned “Practice: 10 items, all categories”');

  // Ana sees it on Learn and answers all ten items
  await ana.goto('/learn');
  const mine = ana.getByTestId('my-assignments');
  await expect(mine.getByTestId('assignment-status')).toHaveText('To do · 0/10');
  await mine.getByRole('link', { name: 'Practice: 10 items, all categories' }).click();
  for (let i = 1; i <= 10; i++) {
    const q = ana.getByTestId('question');
    await expect(ana.getByTestId('practice-position')).toHaveText(`Item ${i} of 10`);
    await pickSomething(q);
    await q.getByRole('button', { name: 'Check answer' }).click();
    await expect(q.getByTestId('verdict')).toBeVisible();
    await ana.getByRole('button', { name: i < 10 ? 'Next item' : 'See results' }).click();
  }
  await ana.goto('/learn');
  await expect(mine.getByTestId('assignment-status')).toHaveText('Done');
  await shot(ana, 'cohorts-student-learn-1280');

  // the dashboard shows it, sorts, and the CSV has the same figures
  await page.reload();
  const table = page.getByTestId('students-table');
  const anaRow = table.getByRole('row').filter({ hasText: 'Ana Cohort' });
  await expect(anaRow).toContainText('done');
  await expect(anaRow.locator('td').nth(2)).toHaveText('10');
  await expect(table.getByRole('row').filter({ hasText: 'Ben Cohort' })).toContainText('open 0/10');
  await table.getByRole('button', { name: 'Items', exact: true }).click();
  await table.getByRole('button', { name: 'Items', exact: true }).click();
  await expect(table.getByRole('row').nth(1)).toContainText('Ana Cohort');
  await expect(page.getByTestId('assignments-table')).toContainText('Practice: 10 items');
  await expect(page.getByTestId('readiness-chart').locator('svg').first()).toBeVisible();
  await shot(page, 'cohorts-dashboard-1280');
  await page.setViewportSize({ width: 375, height: 800 });
  await expectNoSidewaysScroll(page);
  await shot(page, 'cohorts-dashboard-375');
  await page.setViewportSize({ width: 1280, height: 800 });

  const csv = await page.request.get(`${cohortUrl}/csv/students`);
  expect(csv.status()).toBe(200);
  expect(csv.headers()['content-type']).toContain('text/csv');
  const lines = (await csv.text()).trim().split('\r\n');
  expect(lines[0]).toContain('Items answered');
  const anaLine = lines.find((l) => l.startsWith('Ana Cohort,'))!;
  expect(anaLine.split(',')[3]).toBe('10');
  expect(anaLine.endsWith(',done')).toBe(true);
  expect((await page.request.get(`${cohortUrl}/csv/assignments`)).status()).toBe(200);
  expect((await page.request.get(`${cohortUrl}/csv/nope`)).status()).toBe(404);

  // a student gets 403 on the cohort's page and its CSV
  const denied = await ana.goto(cohortUrl);
  expect(denied?.status()).toBe(403);
  expect((await ana.request.get(`${cohortUrl}/csv/students`)).status()).toBe(403);

  // the instructor opens Ben's results; Ana asking for them gets 403
  const benUrl = (await table.getByRole('link', { name: 'Ben Cohort' }).getAttribute('href'))!;
  expect((await page.goto(benUrl))?.status()).toBe(200);
  await expect(page.getByTestId('student-page')).toContainText('Ben Cohort');
  await shot(page, 'cohorts-student-results');
  expect((await ana.goto(benUrl))?.status()).toBe(403);

  // another instructor (a new account the admin promotes) gets 403 too, and an admin sees the cohort
  const otherEmail = uniqueEmail('other-instructor');
  const other = await (await browser.newContext({ baseURL: E2E.baseURL })).newPage();
  await signUp(other, 'Olga Other', otherEmail, 'teacher password 2');
  const admin = await (await browser.newContext({ baseURL: E2E.baseURL })).newPage();
  await signIn(admin, E2E.admin.email, E2E.admin.password);
  await admin.goto('/admin/users');
  const row = admin.locator(`tr[data-email="${otherEmail}"]`);
  await row.getByRole('combobox').selectOption('instructor');
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(row.getByText('Saved')).toBeVisible();
  expect((await other.goto('/teach'))?.status()).toBe(200);
  await expect(other.getByTestId('cohort-list')).not.toContainText(cohortName);
  expect((await other.goto(cohortUrl))?.status()).toBe(403);
  expect((await other.request.get(`${cohortUrl}/csv/students`)).status()).toBe(403);
  await admin.goto('/teach');
  await expect(admin.getByTestId('cohort-list')).toContainText(cohortName);
  expect((await admin.goto(cohortUrl))?.status()).toBe(200);
});
