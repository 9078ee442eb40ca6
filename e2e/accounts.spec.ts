import { expect, test } from '@playwright/test';
import { E2E } from './env';
import { shot, signIn, signOut, signUp, uniqueEmail } from './helpers';

test('a student signs up, signs out, signs in, and cannot open the instructor page', async ({ page }) => {
  const email = uniqueEmail('student');
  await signUp(page, 'Sam Student', email, 'student password 1');
  await expect(page.getByTestId('account-link')).toContainText('student');
  await signOut(page);

  await page.goto('/sign-in');
  await shot(page, 'sign-in');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'do not match' })).toBeVisible();
  await page.getByLabel('Password').fill('student password 1');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('account-link')).toContainText('Sam Student');

  const res = await page.goto('/teach');
  expect(res?.status()).toBe(403);
  await expect(page.getByTestId('forbidden')).toBeVisible();
  await shot(page, 'teach-forbidden');

  const admin = await page.goto('/admin/users');
  expect(admin?.status()).toBe(403);
});

test('a visitor who is not signed in is sent to sign in from the instructor page', async ({ page }) => {
  await page.goto('/teach');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fteach/);
});

test("a guest's lesson progress and answers survive sign-up", async ({ page }) => {
  await page.goto('/learn');
  await shot(page, 'learn');
  await page.locator('a[href^="/learn/"]').first().click();
  await expect(page.locator('h1')).toBeVisible();
  await page.getByRole('button', { name: 'Mark lesson complete' }).click();
  await expect(page.getByTestId('lesson-completed')).toBeVisible();
  await shot(page, 'lesson');

  // the embedded check: answer the first item (right or wrong, it is recorded)
  const check = page.getByTestId('lesson-check').getByTestId('question').first();
  if (await check.count()) {
    await check.getByRole('radio').first().click();
    await check.getByRole('button', { name: 'Check answer' }).click();
    await expect(check.getByTestId('verdict')).toBeVisible();
  }

  await page.goto('/account');
  await expect(page.getByText('You are learning as a guest')).toBeVisible();
  await expect(page.getByTestId('lessons-completed')).toHaveText(/^1 \//);
  const answers = await page.getByTestId('answers-count').textContent();

  await signUp(page, 'Gia Guest', uniqueEmail('guest'), 'guest password 1');
  await page.goto('/account');
  await expect(page.getByTestId('lessons-completed')).toHaveText(/^1 \//);
  await expect(page.getByTestId('answers-count')).toHaveText(answers ?? '0');
  await expect(page.getByText('You are learning as a guest')).toHaveCount(0);
  await shot(page, 'account');
});

test('an admin promotes a student to instructor, who can then open the instructor page', async ({ page, browser }) => {
  const email = uniqueEmail('promote');
  const studentContext = await browser.newContext();
  const student = await studentContext.newPage();
  await signUp(student, 'Pat Promoted', email, 'student password 2');

  await signIn(page, E2E.admin.email, E2E.admin.password);
  await page.goto('/admin/users');
  const row = page.locator(`tr[data-email="${email}"]`);
  await row.getByRole('combobox').selectOption('instructor');
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(row.getByText('Saved')).toBeVisible();
  await shot(page, 'admin-users');

  const res = await student.goto('/teach');
  expect(res?.status()).toBe(200);
  await expect(student.getByTestId('teach-page')).toBeVisible();
  await shot(student, 'teach');
  await studentContext.close();
});

test('malformed API input gets a clear 4xx, never a 500', async ({ request }) => {
  const headers = { origin: E2E.baseURL, 'content-type': 'application/json' };
  const broken = await request.post('/api/auth/sign-up/email', { headers, data: '{"email": ' });
  expect(broken.status()).toBeGreaterThanOrEqual(400);
  expect(broken.status()).toBeLessThan(500);
  const short = await request.post('/api/auth/sign-up/email', { headers, data: { email: 'x@e2e.test', password: 'short', name: 'X' } });
  expect(short.status()).toBe(400);
  expect((await short.json()).message).toBeTruthy();
  const missing = await request.post('/api/auth/sign-in/email', { headers, data: { email: 42 } });
  expect(missing.status()).toBe(400);
});

test('health reports web, database, DICOM and HL7 listeners as JSON', async ({ request }) => {
  // the DICOM and HL7 processes start alongside the web server: give them a moment on a cold start
  await expect.poll(async () => (await (await request.get('/api/health')).json()).status, { timeout: 20_000 }).toBe('ok');
  const res = await request.get('/api/health');
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body.web.status).toBe('up');
  expect(body.database).toMatchObject({ status: 'up', detail: 'sqlite' });
  expect(body.dicom).toMatchObject({ status: 'up', detail: `127.0.0.1:${E2E.dicomPort}` });
  expect(body.hl7).toMatchObject({ status: 'up', detail: `127.0.0.1:${E2E.hl7Port}` });
});
