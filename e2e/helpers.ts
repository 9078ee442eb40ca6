import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';

export const SHOTS = join(process.cwd(), 'e2e', 'artifacts');
mkdirSync(SHOTS, { recursive: true });

/**
 * Keeps a full-page screenshot as an artefact, for people to look at. Taken from the top of the page: scrolled
 * down, the sticky site header was drawn across the middle of the full-page image.
 */
export async function shot(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** The page fits its window's width: nothing makes a phone scroll sideways (a table scrolls inside its own box). */
export async function expectNoSidewaysScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `no horizontal scrolling at ${page.viewportSize()?.width} px`).toBeLessThanOrEqual(0);
}

export function uniqueEmail(prefix: string) {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@e2e.test`;
}

export async function signIn(page: Page, email: string, password: string) {
  await page.goto('/sign-in');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('account-link')).toBeVisible();
}

export async function signUp(page: Page, name: string, email: string, password: string) {
  await page.goto('/sign-up');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByTestId('account-link')).toContainText(name);
}

export async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
}

/** Picks an answer in any format: the first option (and the second, for select-multiple); an ordered list as shown. */
export async function pickSomething(card: Locator) {
  const radios = card.getByRole('radio');
  const boxes = card.getByRole('checkbox');
  const spots = card.locator('div.relative > button[aria-pressed]');
  if (await radios.count()) await radios.first().click();
  else if (await boxes.count()) {
    await boxes.nth(0).click();
    await boxes.nth(1).click();
  } else if (await card.locator('ol li').count()) {
    /* ordered: the order as shown is an answer */
  } else if (await spots.count()) await spots.first().click();
}

/** Gives up the viewer's running attempt of a scenario, if any (a spec's finally: no fault is left behind). */
export async function giveUpIfRunning(page: Page, scenarioUrl: string) {
  await page.goto(scenarioUrl);
  const giveUp = page.getByTestId('give-up');
  if (!(await giveUp.isVisible())) return;
  page.once('dialog', (d) => void d.accept());
  await giveUp.getByRole('button', { name: /Give up/ }).click();
  await expect(page.getByTestId('attempt-result')).toHaveAttribute('data-status', 'abandoned');
}

/** Places a CT order for CT1 today in the RIS (the signed-in user must be an instructor); returns its accession. */
export async function placeCtOrder(page: Page, o: { family: string; mrn: string; given: string; birthDate: string; procedure: string; time: string }) {
  await page.goto('/sandbox/ris');
  const form = page.getByRole('form', { name: 'New order' });
  const field = (label: string) => form.getByLabel(label, { exact: true });
  await field('MRN (patient ID)').fill(o.mrn);
  await field('Family name').fill(o.family);
  await field('Given name').fill(o.given);
  await field('Birth date').fill(o.birthDate);
  await field('Sex').selectOption('F');
  await field('Requested procedure').fill(o.procedure);
  await field('Modality').selectOption('CT');
  await field('Scheduled station AE').selectOption('CT1');
  await field('Time').fill(o.time);
  await form.getByRole('button', { name: 'Place order' }).click();
  const result = page.getByTestId('new-order-result');
  await expect(result).toContainText(/Order \S+ placed/);
  return /Order (\S+) placed/.exec((await result.textContent()) ?? '')?.[1] ?? '';
}
