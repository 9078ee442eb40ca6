// The scanner console as a technologist uses it, over real DICOM on the e2e server's listener: pick today's order
// from the Modality Worklist, acquire, end the exam (MPPS), send (C-STORE + storage commitment), and check what the
// PACS and the RIS hold afterwards. Then a "send failed" on a wrong port, fixed on the Network tab and retried.
import { expect, test, type Page } from '@playwright/test';
import { placeCtOrder, shot, signIn, signOut, signUp, uniqueEmail } from './helpers';
import { E2E } from './env';

/** An order for CT1 today with a patient no other test uses, placed in the RIS by the instructor. */
async function placeOrderAsInstructor(page: Page, family: string, mrn: string) {
  await signIn(page, E2E.instructor.email, E2E.instructor.password);
  const accession = await placeCtOrder(page, { family, mrn, given: 'Ada', birthDate: '1971-03-09', procedure: 'CT chest without contrast', time: '23:30' });
  await signOut(page);
  return accession;
}

async function acquireFromWorklist(page: Page, family: string, accession: string, slices: number) {
  await page.goto(`/sandbox/modality/CT1?name=${family}`);
  const row = page.locator(`[data-testid="scanner-worklist"] tr[data-accession="${accession}"]`);
  await expect(row).toContainText(`${family.toUpperCase()}, ADA`);
  await row.getByRole('link', { name: /Select/ }).click();
  const selected = page.getByTestId('selected-item');
  await expect(selected).toContainText(accession);
  await selected.getByLabel('Slices').fill(String(slices));
  await selected.getByRole('button', { name: 'Start exam and acquire' }).click();
  await expect(page).toHaveURL(/\/sandbox\/modality\/CT1\/exams\/\w+/, { timeout: 30_000 });
  await expect(page.getByTestId('exam-mpps')).toHaveAttribute('data-status', 'IN PROGRESS');
  await expect(page.getByTestId('acquired-series').last()).toContainText(`${slices} images`);
}

/** "100 % · 25/25 sent" → 25 */
async function sentTotal(job: ReturnType<Page['getByTestId']>) {
  const text = (await job.getByTestId('job-progress').textContent()) ?? '';
  const m = /(\d+)\/(\d+) sent/.exec(text);
  expect(m, text).not.toBeNull();
  expect(m![1]).toBe(m![2]);
  return Number(m![2]);
}

async function archivedImages(page: Page, accession: string) {
  await page.goto(`/sandbox/pacs?accession=${accession}`);
  const study = page.locator('[data-testid="studies-table"] tbody tr', { hasText: accession });
  await expect(study).toHaveCount(1);
  return study;
}

test('a student picks today’s CT order from the worklist, acquires, sends; the PACS files it under the order and MPPS completes it', async ({ page }) => {
  const family = `Wlist${Date.now().toString(36)}`;
  const mrn = `M${Date.now().toString().slice(-8)}`;
  const accession = await placeOrderAsInstructor(page, family, mrn);

  await signUp(page, 'Tech Student', uniqueEmail('tech'), 'student password 1');
  await page.goto('/sandbox/modality/CT1');
  await expect(page.getByTestId('scanner-worklist-count')).toContainText('(today)');
  await shot(page, 'modality-worklist');
  await acquireFromWorklist(page, family, accession, 24);
  // the images are drawn from the scanner's disk
  const thumb = page.getByTestId('acquired-series').first().locator('img').first();
  await expect(thumb).toHaveJSProperty('complete', true);
  expect(await thumb.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  await shot(page, 'modality-exam-acquired');

  // the worklist no longer offers the step: it is IN PROGRESS at the RIS
  await page.goto(`/sandbox/ris/worklist?station=CT1`);
  await expect(page.locator(`[data-testid="left-table"] tr[data-accession="${accession}"]`)).toContainText('in progress');

  await page.goBack();
  await page.getByTestId('end-exam').getByRole('button', { name: 'End exam and send' }).click();
  // MPPS COMPLETED went to the RIS (the end-exam form gives way to the exam's state)
  await expect(page.getByTestId('exam-mpps')).toHaveAttribute('data-status', 'COMPLETED');
  const job = page.getByTestId('send-job').first();
  await expect(job).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  await expect(job.getByTestId('job-progress')).toContainText('100 %');
  const total = await sentTotal(job);
  expect(total).toBeGreaterThanOrEqual(24);
  await expect(job.getByTestId('job-commit')).toHaveAttribute('data-commit', 'committed', { timeout: 15_000 });
  await expect(page.getByTestId('exam-mpps')).toHaveAttribute('data-status', 'COMPLETED');
  await shot(page, 'modality-exam-sent');

  await page.goto('/sandbox/modality/CT1/queue');
  await expect(page.getByTestId('send-queue')).toContainText(accession);
  await shot(page, 'modality-queue');

  // the PACS: under the right patient, with the order's accession number
  const study = await archivedImages(page, accession);
  await expect(study).toContainText(`${family.toUpperCase()}, ADA`);
  await expect(study).toContainText(mrn);
  await expect(study.locator('td').nth(7)).toHaveText(String(total));
  await shot(page, 'modality-pacs-study');
  // the RIS: the order is completed by the modality's MPPS
  await page.goto(`/sandbox/ris?date=${new Date().toLocaleDateString('sv-SE')}`);
  await expect(page.locator(`tr[data-accession="${accession}"]`)).toContainText('completed');

  // the local copy may now be purged: every image is committed
  await page.goto('/sandbox/modality/CT1/exams');
  await page.getByTestId('exam-list').locator('tbody tr', { hasText: accession }).getByRole('link').first().click();
  await expect(page.getByTestId('committed-count')).toContainText(`${total} of ${total} images committed`);
  await page.getByTestId('purge-exam').getByRole('button').click();
  await expect(page.getByTestId('committed-count')).toContainText('Purged');
  await expect(page.getByTestId('acquired-series').first()).toContainText('purged');
});

test('send failed: a wrong destination port shows connection refused; fixed on the Network tab, Retry delivers every image once', async ({ page }) => {
  const family = `Port${Date.now().toString(36)}`;
  const mrn = `P${Date.now().toString().slice(-8)}`;
  const accession = await placeOrderAsInstructor(page, family, mrn);
  await signUp(page, 'Port Student', uniqueEmail('port'), 'student password 1');

  // break the PACS destination's port on the scanner
  await page.goto('/sandbox/modality/CT1/network');
  const pacs = page.locator('[data-testid="destination"][data-role="archive"]').first();
  const port = pacs.getByLabel('Port');
  const goodPort = await port.inputValue();
  expect(goodPort).toBe(String(E2E.dicomPort));
  const wrongPort = String(E2E.dicomPort + 7);
  await port.fill(wrongPort);
  await pacs.getByRole('button', { name: 'Save' }).click();
  await expect(pacs.getByTestId('destination-form-result')).toContainText(`:${wrongPort}`);
  await pacs.getByRole('button', { name: /Test/ }).click();
  await expect(pacs.getByTestId('echo-destination-result')).toContainText(/refused/i);
  await shot(page, 'modality-network-wrong-port');

  try {
    await acquireFromWorklist(page, family, accession, 12);
    await page.getByTestId('end-exam').getByRole('button', { name: 'End exam and send' }).click();
    const job = page.getByTestId('send-job').first();
    await expect(job).toHaveAttribute('data-status', 'failed', { timeout: 30_000 });
    await expect(job.getByTestId('job-error')).toContainText(/refused/i);
    await expect(job.getByTestId('job-error')).toContainText(wrongPort);
    await page.goto('/sandbox/modality/CT1/queue');
    await shot(page, 'modality-queue-failed');
  } finally {
    // the fix: the right port (always restored: the demo scanner is shared by the other tests)
    await page.goto('/sandbox/modality/CT1/network');
    await pacs.getByLabel('Port').fill(goodPort);
    await pacs.getByRole('button', { name: 'Save' }).click();
    await expect(pacs.getByTestId('destination-form-result')).toContainText(`:${goodPort}`);
  }
  await pacs.getByRole('button', { name: /Test/ }).click();
  await expect(pacs.getByTestId('echo-destination-result')).toContainText('success');

  await page.goto('/sandbox/modality/CT1/queue');
  const failed = page.locator('[data-testid="send-job"]', { hasText: accession }).first();
  await failed.getByRole('button', { name: 'Retry' }).click();
  await expect(failed).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  const total = await sentTotal(failed);
  await shot(page, 'modality-queue-retried');

  // exactly once: the archive holds each image once
  const study = await archivedImages(page, accession);
  await expect(study).toContainText(`${family.toUpperCase()}, ADA`);
  await expect(study.locator('td').nth(7)).toHaveText(String(total));
});
