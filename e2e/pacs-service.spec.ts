// The PACS console's Service panel over real DICOM (issue 8, fault 3 "PACS offline"): an instructor stops the
// demo archive; a CT sent from the scanner console is rejected with the exact reason (transient, temporary
// congestion) while the worklist keeps working; the network log says why; starting the archive and pressing Retry
// delivers every image once.
import { expect, test, type Page } from '@playwright/test';
import { placeCtOrder, shot, signIn } from './helpers';
import { E2E } from './env';

async function startService(page: Page) {
  await page.goto('/sandbox/pacs');
  const panel = page.getByTestId('service-panel');
  if ((await panel.getByTestId('service-status').textContent()) === 'stopped') {
    await panel.getByRole('button', { name: 'Start' }).click();
    await expect(panel.getByTestId('service-status')).toHaveText('running');
  }
}

test('PACS offline: the Service panel stops the archive, the scanner is rejected with the reason, Start + Retry delivers every image once', async ({ page }) => {
  const family = `Offline${Date.now().toString(36)}`;
  const mrn = `O${Date.now().toString().slice(-8)}`;
  await signIn(page, E2E.instructor.email, E2E.instructor.password);
  const accession = await placeCtOrder(page, { family, mrn, given: 'Ada', birthDate: '1968-11-02', procedure: 'CT head without contrast', time: '23:40' });

  // stop the archive service, with a reason (the browser asks to confirm)
  await page.goto('/sandbox/pacs');
  const panel = page.getByTestId('service-panel');
  await expect(panel.getByTestId('service-status')).toHaveText('running');
  page.once('dialog', (d) => void d.accept());
  await panel.getByPlaceholder(/Reason/).fill('disk replacement');
  await panel.getByRole('button', { name: 'Stop' }).click();
  await expect(panel.getByTestId('service-status')).toHaveText('stopped');
  await expect(panel).toContainText('disk replacement');
  await shot(page, 'pacs-service-stopped');

  try {
    // the worklist (RIS, same listener) still answers; the send is rejected with the exact reason
    await page.goto(`/sandbox/modality/CT1?name=${family}`);
    const row = page.locator(`[data-testid="scanner-worklist"] tr[data-accession="${accession}"]`);
    await expect(row).toContainText(`${family.toUpperCase()}, ADA`);
    await row.getByRole('link', { name: /Select/ }).click();
    const selected = page.getByTestId('selected-item');
    await selected.getByLabel('Slices').fill('6');
    await selected.getByRole('button', { name: 'Start exam and acquire' }).click();
    await expect(page).toHaveURL(/\/sandbox\/modality\/CT1\/exams\/\w+/, { timeout: 30_000 });
    await page.getByTestId('end-exam').getByRole('button', { name: 'End exam and send' }).click();
    const job = page.getByTestId('send-job').first();
    await expect(job).toHaveAttribute('data-status', 'failed', { timeout: 30_000 });
    await expect(job.getByTestId('job-error')).toContainText('Association rejected by PACS: temporary congestion (transient)');
    await expect(job.getByTestId('job-error')).toContainText('service is stopped');
    await shot(page, 'pacs-service-send-rejected');

    // the network log shows the rejection and what to do
    await page.goto('/sandbox/pacs/network-log');
    const rejected = page.locator('[data-testid="association-log"] li', { hasText: 'the archive service is stopped' }).first();
    await expect(rejected).toContainText('CT1 → PACS');
    await rejected.locator('summary').click();
    await expect(rejected).toContainText('Start it in the Service panel');
    await shot(page, 'pacs-service-network-log');
  } finally {
    await startService(page);
  }
  await expect(page.getByTestId('service-panel').getByTestId('service-status')).toHaveText('running');
  await shot(page, 'pacs-service-running');

  // Retry in the scanner's queue: only what was not stored goes, so each image arrives once
  await page.goto('/sandbox/modality/CT1/queue');
  const failed = page.locator('[data-testid="send-job"]', { hasText: accession }).first();
  await failed.getByRole('button', { name: 'Retry' }).click();
  await expect(failed).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  await expect(failed.getByTestId('job-progress')).toContainText('6/6 sent');
  await page.goto(`/sandbox/pacs?accession=${accession}`);
  const study = page.locator('[data-testid="studies-table"] tbody tr', { hasText: accession });
  await expect(study).toHaveCount(1);
  await expect(study.locator('td').nth(7)).toHaveText('6');
});
