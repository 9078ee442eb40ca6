// A student plays "transfer syntax not accepted" in the browser, in their own sandbox, over real DICOM: the CT sends
// JPEG 2000 (lossless) only and the archive accepts uncompressed only, so every image is "Not sent: no presentation
// context" (PS3.8 9.3.3.2, result 4). The student reads the queue, compares the scanner's "Send images as" with the
// archive's "Accepts for storage" on the PACS console's DICOM nodes page, lets the archive accept lossless
// compression, retries the job (every image arrives, stored as sent), and "Check my fix" passes.
import { expect, test } from '@playwright/test';
import { shot, signUp, uniqueEmail } from './helpers';

const SCENARIO = '/sandbox/scenarios/syntax-not-accepted';

test('a student solves "transfer syntax not accepted": no presentation context, the archive accepts lossless, Retry, a passing check', async ({ page }) => {
  test.setTimeout(180_000);
  await signUp(page, 'Syntax Student', uniqueEmail('syntax'), 'student password 1');
  await page.goto(SCENARIO);
  await page.getByTestId('start-scenario').getByRole('button', { name: 'Start' }).click();
  await expect(page.getByTestId('running-attempt')).toBeVisible({ timeout: 60_000 });

  // the symptom on the scanner: every image not sent, for want of a presentation context
  await page.goto('/sandbox/modality/CT1/queue');
  const job = page.getByTestId('send-job').first();
  await expect(job).toHaveAttribute('data-status', 'failed');
  await expect(job.getByTestId('job-error')).toContainText(/no presentation context/i);
  await expect(job.getByTestId('job-error')).toContainText(/JPEG 2000/);
  await shot(page, 'syntax-queue-failed');

  // the two settings that disagree
  await page.goto('/sandbox/modality/CT1/network');
  await expect(page.getByLabel('Send images as')).toHaveValue('1.2.840.10008.1.2.4.90');
  await page.goto('/sandbox/pacs/nodes');
  const policy = page.getByTestId('accept-policy');
  await expect(policy.getByRole('combobox')).toHaveValue('uncompressed');
  await policy.getByRole('combobox').selectOption('lossless');
  await policy.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('accept-policy-result')).toContainText('now accepts: Uncompressed and lossless compression only');
  await shot(page, 'syntax-nodes-accept-policy');

  // Retry: every image arrives, in the syntax it was sent in
  await page.goto('/sandbox/modality/CT1/queue');
  await job.getByRole('button', { name: 'Retry' }).click();
  await expect(job).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  await expect(job.getByTestId('job-progress')).toContainText('100 %');

  await page.goto(SCENARIO);
  await page.getByTestId('check-fix').getByRole('button', { name: 'Check my fix' }).click();
  const result = page.getByTestId('attempt-result');
  await expect(result).toHaveAttribute('data-status', 'passed', { timeout: 30_000 });
  await expect(result).toContainText('The archive accepts what the scanner sends');
  await shot(page, 'syntax-passed');
});
