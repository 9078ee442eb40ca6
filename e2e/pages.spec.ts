// Every page a visitor can reach, at laptop and phone widths, kept as screenshots to look at.
import { expect, test } from '@playwright/test';
import { expectNoSidewaysScroll, shot } from './helpers';

const pages = [
  { path: '/', name: 'home', heading: 'Learn PACS by running one.' },
  { path: '/learn', name: 'learn', heading: 'Learn' },
  { path: '/practice', name: 'practice', heading: 'Practice' },
  { path: '/sandbox', name: 'sandbox', heading: 'Sandbox' },
  { path: '/sign-up', name: 'sign-up', heading: 'Create your account' },
];

for (const p of pages) {
  test(`${p.path} renders at 1280 and 375 px`, async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    const res = await page.goto(p.path);
    expect(res?.status()).toBe(200);
    await expect(page.getByRole('heading', { level: 1, name: p.heading })).toBeVisible();
    await shot(page, `${p.name}-1280`);
    await page.setViewportSize({ width: 375, height: 740 });
    await expect(page.getByRole('heading', { level: 1, name: p.heading })).toBeVisible();
    await expectNoSidewaysScroll(page);
    await shot(page, `${p.name}-375`);
    expect(errors).toEqual([]);
  });
}

test('a practice item gives feedback with a rationale for every option', async ({ page }) => {
  await page.goto('/practice');
  await expect(page).toHaveURL(/set=/);
  const q = page.getByTestId('question');
  const first = q.getByRole('radio').or(q.getByRole('checkbox')).first();
  if (await first.count()) await first.click();
  await q.getByRole('button', { name: 'Check answer' }).click();
  await expect(q.getByTestId('verdict')).toBeVisible();
  await expect(q.locator('dd').first()).not.toBeEmpty();
  await page.getByRole('button', { name: 'Next item' }).click();
  await expect(page.getByTestId('practice-position')).toHaveText(/Item 2 of/);
  await shot(page, 'practice-answered');
});

test('every sandbox place a lesson links to answers (no 404 in the middle of a lesson)', async ({ request }) => {
  const { SANDBOX_PLACES } = await import('../content/places');
  for (const place of SANDBOX_PLACES) {
    const res = await request.get(place);
    expect(res.status(), place).toBe(200);
  }
  expect((await request.get('/sandbox/modality/NOPE')).status()).toBe(404);
});
