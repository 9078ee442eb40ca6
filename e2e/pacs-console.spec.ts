// The PACS console as a student and an instructor use it, against studies sent by a real DICOM client.
import { expect, test } from '@playwright/test';
import { E2E } from './env';
import { echoscu, SAMPLES, storescu } from './dicom';
import { shot, signIn, signUp, uniqueEmail } from './helpers';

test('a study sent with storescu appears in the study browser with its series, syntax and size', async ({ page }) => {
  const sent = storescu('CT1', 'PACS', [`${SAMPLES}/CT_small.dcm`, `${SAMPLES}/MR_small.dcm`]);
  expect(sent.status, sent.out).toBe(0);

  // by name: the demo archive holds many studies by now, more than one page (50)
  await page.goto('/sandbox/pacs?name=CompressedSamples');
  const table = page.getByTestId('studies-table');
  await expect(table).toContainText('CompressedSamples, CT1');
  await expect(page.getByTestId('storage-used')).not.toContainText(/^0 B/);
  await shot(page, 'pacs-studies');

  await page.getByLabel('Modality').selectOption('MR');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByTestId('study-count')).toHaveText('1 study');
  await expect(table).not.toContainText('CompressedSamples, CT1');

  await page.goto('/sandbox/pacs');
  await table.getByRole('link', { name: /CompressedSamples, CT1/ }).first().click();
  await expect(page.getByRole('heading', { name: /Series/ }).first()).toBeVisible();
  await expect(page.locator('main')).toContainText('Explicit VR Little Endian');
  await expect(page.locator('main')).toContainText('CT Image Storage');
  await shot(page, 'pacs-study');
});

test('the network log explains a rejected calling AE, and adding the node fixes it', async ({ page }) => {
  const rejected = echoscu('NEWCT', 'PACS');
  expect(rejected.status).not.toBe(0);
  expect(rejected.out).toMatch(/Calling AE Title Not Recognized/i);

  await page.goto('/sandbox/pacs/network-log?outcome=problems&ae=NEWCT');
  const entry = page.getByTestId('association-log').locator('li').first();
  await expect(entry).toContainText('NEWCT → PACS');
  await expect(entry).toContainText('rejected');
  await entry.locator('summary').click();
  await expect(entry).toContainText('Add it as a DICOM node');
  await shot(page, 'network-log-rejected');

  // an instructor registers the new scanner
  await signIn(page, E2E.instructor.email, E2E.instructor.password);
  await page.goto('/sandbox/pacs/nodes');
  const add = page.getByRole('form', { name: 'Add a node' });
  await add.locator('input[name="aeTitle"]').fill('NEWCT');
  await add.locator('input[name="port"]').fill('99999');
  await add.getByRole('button', { name: 'Add node' }).click();
  await expect(add).toContainText('Ports run from 1 to 65535');
  await add.locator('input[name="port"]').fill('11130');
  await add.locator('input[name="description"]').fill('New CT in room 3');
  await add.getByRole('button', { name: 'Add node' }).click();
  await expect(page.locator('[data-ae="NEWCT"]')).toBeVisible();
  await shot(page, 'pacs-nodes');

  const accepted = echoscu('NEWCT', 'PACS');
  expect(accepted.status, accepted.out).toBe(0);
  await page.goto('/sandbox/pacs/network-log?ae=NEWCT');
  await expect(page.getByTestId('association-log').locator('li').first()).toContainText(/released|accepted/);
});

test('a student verifies a study; the change is audited; a guest cannot change status', async ({ page, browser }) => {
  storescu('CT1', 'PACS', [`${SAMPLES}/CT_small.dcm`]);
  const guest = await browser.newPage();
  await guest.goto('/sandbox/pacs?name=CompressedSamples');
  await guest.getByTestId('studies-table').getByRole('link', { name: /CompressedSamples, CT1/ }).first().click();
  await expect(guest.getByText('Sign in to change the study status.')).toBeVisible();
  await guest.close();

  await signUp(page, 'Vera Verifier', uniqueEmail('verify'), 'student password 3');
  await page.goto('/sandbox/pacs');
  await page.getByTestId('studies-table').getByRole('link', { name: /CompressedSamples, CT1/ }).first().click();
  await page.getByRole('button', { name: 'Put on hold' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Say why' })).toBeVisible();
  await page.getByLabel('Reason (kept in the audit log)').fill('checking the patient ID with the technologist');
  await page.getByRole('button', { name: 'Put on hold' }).click();
  await expect(page.getByText('Status is now hold.')).toBeVisible();
  await page.reload();
  await expect(page.locator('main')).toContainText('checking the patient ID with the technologist');
  await page.getByRole('button', { name: 'Release from hold' }).click();
  await expect(page.getByText('Status is now unverified.')).toBeVisible();
  await shot(page, 'pacs-study-audit');
});

test('the network log shows a PDU a student never sees in the console: a rejected unknown called AE', async ({ page }) => {
  const r = echoscu('CT1', 'PACSX');
  expect(r.out).toMatch(/Called AE Title Not Recognized/i);
  await page.goto('/sandbox/pacs/network-log?ae=PACSX');
  const entry = page.getByTestId('association-log').locator('li').first();
  await expect(entry).toContainText('CT1 → PACSX');
  await entry.locator('summary').click();
  await expect(entry).toContainText('Nothing here answers to the AE title "PACSX"');
});
