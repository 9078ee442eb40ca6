// The RIS console as a clerk (instructor) and a student use it, checked against a real modality worklist client:
// DCMTK findscu -W against the RIS AE sees an order placed in the UI, and stops seeing it once it is cancelled.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { E2E } from './env';
import { dcmtk, SAMPLES, storescu } from './dicom';
import { expectNoSidewaysScroll, shot, signIn, signUp, uniqueEmail } from './helpers';

/** YYYYMMDD in local time, as the server (same machine) and a modality's clock see "today". */
function localDate(d = new Date()) {
  return `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}`;
}

/** Every item for the station today; the accession is not a key, so finding it in the output means a response held it. */
function worklistFind(station: string) {
  return dcmtk('findscu', [
    '-v', '-W', '-aet', station, '-aec', 'RIS', '127.0.0.1', String(E2E.dicomPort),
    '-k', `(0040,0100)[0].ScheduledStationAETitle=${station}`,
    '-k', `(0040,0100)[0].ScheduledProcedureStepStartDate=${localDate()}`,
    '-k', '(0040,0100)[0].ScheduledProcedureStepStartTime',
    '-k', '(0040,0100)[0].Modality',
    '-k', 'PatientName', '-k', 'PatientID', '-k', 'AccessionNumber', '-k', 'RequestedProcedureDescription', '-k', 'StudyInstanceUID',
  ]);
}

async function newOrderField(page: Page, label: string) {
  return page.getByRole('form', { name: 'New order' }).getByLabel(label, { exact: true });
}

test('an instructor places an order for CT1 today; findscu -W sees it; cancelled, it leaves the worklist', async ({ page }) => {
  await signIn(page, E2E.instructor.email, E2E.instructor.password);
  await page.goto('/sandbox/ris');
  // the demo day is seeded for today
  await expect(page.getByTestId('order-count')).toContainText('(today)');
  await expect(page.getByTestId('orders-table')).toContainText('CT HEAD WITHOUT CONTRAST');

  const form = page.getByRole('form', { name: 'New order' });
  const mrn = `MRN${Date.now().toString().slice(-7)}`;
  await (await newOrderField(page, 'MRN (patient ID)')).fill(mrn);
  await (await newOrderField(page, 'Given name')).fill('Jane');
  await (await newOrderField(page, 'Requested procedure')).fill('CT chest without contrast');
  // the family name is missing: the clerk is told next to the field, and what was typed stays
  await form.getByRole('button', { name: 'Place order' }).click();
  await expect(form).toContainText('Enter the patient’s family name.');
  await expect(await newOrderField(page, 'MRN (patient ID)')).toHaveValue(mrn);
  await expect(await newOrderField(page, 'Requested procedure')).toHaveValue('CT chest without contrast');
  await shot(page, 'ris-order-error');

  await (await newOrderField(page, 'Family name')).fill('Testpatient');
  await (await newOrderField(page, 'Birth date')).fill('1980-05-17');
  await (await newOrderField(page, 'Sex')).selectOption('F');
  await (await newOrderField(page, 'Modality')).selectOption('CT');
  await (await newOrderField(page, 'Scheduled station AE')).selectOption('CT1');
  await (await newOrderField(page, 'Time')).fill('23:45');
  await (await newOrderField(page, 'Referring physician')).fill('Brooks, Elaine');
  await (await newOrderField(page, 'Reason for the procedure')).fill('Persistent cough');
  await (await newOrderField(page, 'Priority')).selectOption('HIGH');
  await form.getByRole('button', { name: 'Place order' }).click();
  const result = page.getByTestId('new-order-result');
  await expect(result).toContainText(/Order A\d{8}-\S+ placed/);
  const accession = /Order (\S+) placed/.exec((await result.textContent()) ?? '')?.[1] ?? '';
  expect(accession).toMatch(/^A\d{8}-/);

  const row = page.locator(`tr[data-accession="${accession}"]`);
  await expect(row).toContainText('TESTPATIENT, JANE');
  await expect(row).toContainText('1980-05-17');
  await expect(row).toContainText('BROOKS, ELAINE');
  await expect(row).toContainText('scheduled');
  await shot(page, 'ris-orders');

  const found = worklistFind('CT1');
  expect(found.status, found.out).toBe(0);
  expect(found.out).toMatch(/Find Response: \d+ \(Pending\)/);
  expect(found.out).toContain(accession);
  expect(found.out).toContain('TESTPATIENT^JANE');
  expect(found.out).toContain(mrn);

  await page.goto('/sandbox/ris/worklist?station=CT1');
  await expect(page.locator(`[data-testid="worklist-table"] tr[data-accession="${accession}"]`)).toContainText('CT CHEST WITHOUT CONTRAST');
  await expect(page.getByTestId('findscu-command')).toContainText(`ScheduledStationAETitle=CT1`);
  await expect(page.getByTestId('findscu-command')).toContainText(`-aec RIS 127.0.0.1 ${E2E.dicomPort}`);
  await shot(page, 'ris-worklist');

  // cancel: a reason is required, then the order leaves the worklist
  await page.goto('/sandbox/ris');
  await row.getByText('Cancel', { exact: true }).click();
  const cancel = page.getByRole('form', { name: `Cancel order ${accession}` });
  await cancel.getByRole('button', { name: `Cancel order ${accession}` }).click();
  await expect(cancel).toContainText('Say why the order is cancelled');
  await cancel.getByLabel('Reason for cancelling').fill('Patient declined the examination');
  await cancel.getByRole('button', { name: `Cancel order ${accession}` }).click();
  await expect(row).toContainText('cancelled');
  await expect(page.getByText(`Order ${accession} cancelled`)).toBeVisible();

  const after = worklistFind('CT1');
  expect(after.status, after.out).toBe(0);
  expect(after.out).not.toContain(accession);

  await page.goto('/sandbox/ris/worklist?station=CT1');
  await expect(page.locator(`[data-testid="left-table"] tr[data-accession="${accession}"]`)).toContainText('cancelled');
});

test('an instructor reschedules an order to a later time, and the worklist follows', async ({ page }) => {
  await signIn(page, E2E.instructor.email, E2E.instructor.password);
  await page.goto('/sandbox/ris?modality=US&status=scheduled');
  const first = page.getByTestId('orders-table').locator('tbody tr[data-accession]').first();
  const accession = (await first.getAttribute('data-accession')) ?? '';
  const row = page.locator(`tr[data-accession="${accession}"]`);
  await row.getByText('Reschedule').click();
  const move = page.getByRole('form', { name: `Reschedule order ${accession}` });
  await move.getByLabel('Date').fill('2000-01-01');
  await move.getByRole('button', { name: 'Move order' }).click();
  await expect(move).toContainText('This date is in the past');
  await move.getByLabel('Date').fill(`${localDate().slice(0, 4)}-${localDate().slice(4, 6)}-${localDate().slice(6)}`);
  await move.getByLabel('Time').fill('22:15');
  await move.getByRole('button', { name: 'Move order' }).click();
  await expect(page.getByText(`Order ${accession} moved`)).toBeVisible();
  await expect(row).toContainText('22:15');
  const found = worklistFind('US1');
  expect(found.out).toContain(accession);
  expect(found.out).toContain('221500');
});

test('the reading worklist flags a study that matches no order and links to the study', async ({ page }) => {
  const sent = storescu('CT1', 'PACS', [`${SAMPLES}/CT_small.dcm`]);
  expect(sent.status, sent.out).toBe(0);
  // a study acquired for today's STAT CT pulmonary angiogram: it takes the order's priority and procedure
  const dir = mkdtempSync(join(tmpdir(), 'ris-e2e-'));
  const file = join(dir, 'ctpa.dcm');
  copyFileSync(`${SAMPLES}/CT_small.dcm`, file);
  const accession = `A${localDate()}-09`;
  const mod = dcmtk('dcmodify', ['-nb', '-gst', '-gse', '-gin', '-m', `AccessionNumber=${accession}`, '-m', 'PatientName=WILLIAMS^TANYA^L', '-m', 'PatientID=MRN103466', file]);
  expect(mod.status, mod.out).toBe(0);
  expect(storescu('CT1', 'PACS', [file]).status).toBe(0);

  await page.goto('/sandbox/reading');
  const ordered = page.getByTestId('reading-table').locator(`tr[data-accession="${accession}"]`).first();
  await expect(ordered).toContainText('STAT');
  await expect(ordered).toContainText('CT PULMONARY ANGIOGRAM');
  await expect(ordered.getByTestId('no-order')).toHaveCount(0);
  // the sample as sent (no accession); other specs store copies of it under a seeded order's accession
  const row = page.getByTestId('reading-table').locator('tr', { hasText: 'CompressedSamples, CT1', has: page.getByTestId('no-order') }).first();
  await expect(row.getByTestId('no-order')).toContainText('No matching order');
  await expect(row).toContainText('unread');
  await shot(page, 'reading-worklist');
  await page.getByLabel('Priority').selectOption('STAT');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page.getByTestId('reading-table')).toContainText('WILLIAMS, TANYA L');
  await expect(page.getByTestId('reading-table')).not.toContainText('CompressedSamples, CT1');
  await page.goto('/sandbox/reading');
  await row.getByRole('link', { name: /CompressedSamples, CT1/ }).click();
  await expect(page).toHaveURL(/\/sandbox\/pacs\/studies\//);
});

test('a student sees the RIS pages read-only', async ({ page }) => {
  await signUp(page, 'Rita Radiographer', uniqueEmail('ris'), 'student password 9');
  await page.goto('/sandbox/ris');
  await expect(page.getByTestId('orders-table')).toContainText('CT HEAD WITHOUT CONTRAST');
  await expect(page.getByTestId('new-order')).toContainText('Instructors and administrators can place, cancel and reschedule');
  await expect(page.getByRole('form', { name: 'New order' })).toHaveCount(0);
  await expect(page.getByTestId('orders-table').getByText('Cancel', { exact: true })).toHaveCount(0);
  await page.setViewportSize({ width: 375, height: 800 });
  await expectNoSidewaysScroll(page);
  await shot(page, 'ris-orders-375');
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/sandbox/ris/worklist');
  await expect(page.getByTestId('worklist-count')).toContainText('(today)');
  await page.goto('/sandbox/reading');
  await expect(page.getByRole('heading', { name: 'Reading worklist' })).toBeVisible();
});
