// A student plays the "send failed — wrong port" fault scenario end to end in the browser, over real DICOM on the
// e2e server's listener: Start injects the fault into the shared demo sandbox (the CT exam's send is refused),
// one hint, a "Check my fix" before fixing (fails), the fix on the scanner's Network tab, Retry in the send queue,
// and "Check my fix" again (passes: the attempt shows its time and 1 hint). Always given up in a finally: the
// demo sandbox is shared with the other tests.
import { expect, test } from '@playwright/test';
import { giveUpIfRunning, shot, signUp, uniqueEmail } from './helpers';
import { E2E } from './env';

const SCENARIO = '/sandbox/scenarios/send-failed-wrong-port';

test('a student solves "send failed — wrong port": symptom, a hint, a failing check, the fix, Retry, a passing check', async ({ page }) => {
  test.setTimeout(180_000);
  await signUp(page, 'Scenario Student', uniqueEmail('scen'), 'student password 1');

  await page.goto('/sandbox');
  await page.getByRole('link', { name: 'Fault scenarios' }).click();
  await expect(page).toHaveURL(/\/sandbox\/scenarios$/);
  const card = page.locator('[data-testid="scenario-card"][data-id="send-failed-wrong-port"]');
  await expect(card).toContainText('Send failed — the CT that never arrived');
  await expect(card).toContainText('10 min');
  await expect(card.getByRole('link', { name: 'Send failed: three different failures' })).toHaveAttribute('href', '/learn/pacs-troubleshooting#send-failed-three-different-failures');
  expect(await page.getByTestId('scenario-card').count()).toBeGreaterThanOrEqual(6);
  await shot(page, 'scenarios-list');

  await card.getByRole('link', { name: 'Send failed — the CT that never arrived' }).click();
  await expect(page.getByTestId('scenario-story')).toContainText('It is 09:10');
  await page.getByTestId('start-scenario').getByRole('button', { name: 'Start' }).click();
  try {
    const running = page.getByTestId('running-attempt');
    await expect(running).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('symptom')).toContainText('Connection refused');
    await expect(page.getByTestId('scenario-timer')).toContainText('of 10 min');

    // the symptom where the technologist sees it: the send queue, connection refused
    await page.getByTestId('work-places').getByRole('link', { name: 'CT1 send queue' }).click();
    const failed = page.locator('[data-testid="send-job"][data-status="failed"]', { hasText: /refused/i }).first();
    await expect(failed.getByTestId('job-error')).toContainText(/refused/i);
    // the scenario booked its own order (A + date + - + 5 characters, sim/ris/orders.ts)
    const accession = /accession (A\d{8}-[A-Z0-9]{5})/.exec((await failed.textContent()) ?? '')?.[1];
    expect(accession).toBeTruthy();

    // one hint, then a check before fixing anything: it fails, and says what
    await page.goto(SCENARIO);
    await page.getByTestId('take-hint').getByRole('button', { name: 'Hint' }).click();
    await expect(page.getByTestId('hint')).toHaveCount(1);
    await expect(page.getByTestId('hint').first()).toContainText('Hint 1/3');
    await page.getByTestId('check-fix').getByRole('button', { name: 'Check my fix' }).click();
    await expect(page.getByTestId('check-fix-result')).toContainText('do not pass yet');
    const firstRun = page.getByTestId('check-run').first();
    await expect(firstRun).toHaveAttribute('data-passed', 'false');
    await expect(firstRun.locator('[data-testid="check-result"][data-passed="false"]').first()).toBeVisible();
    await expect(firstRun).toContainText(new RegExp(`sends to \\S+@127\\.0\\.0\\.1:\\d+, not \\S+@127\\.0\\.0\\.1:${E2E.dicomPort}`));
    await shot(page, 'scenario-running');

    // the fix: the archive's real port on the scanner's Network tab, then Retry (no re-scan)
    await page.goto('/sandbox/modality/CT1/network');
    const pacs = page.locator('[data-testid="destination"][data-role="archive"]').first();
    await pacs.getByLabel('Port').fill(String(E2E.dicomPort));
    await pacs.getByRole('button', { name: 'Save' }).click();
    await expect(pacs.getByTestId('destination-form-result')).toContainText(`:${E2E.dicomPort}`);
    await page.goto('/sandbox/modality/CT1/queue');
    const job = page.locator('[data-testid="send-job"]', { hasText: accession! }).first();
    await job.getByRole('button', { name: 'Retry' }).click();
    await expect(job).toHaveAttribute('data-status', 'done', { timeout: 60_000 });

    await page.goto(SCENARIO);
    await page.getByTestId('check-fix').getByRole('button', { name: 'Check my fix' }).click();
    const result = page.getByTestId('attempt-result');
    await expect(result).toHaveAttribute('data-status', 'passed', { timeout: 30_000 });
    await expect(page.getByTestId('attempt-hints')).toHaveText('1 of 3');
    await expect(page.getByTestId('attempt-time')).toHaveText(/^\d+ min \d{2} s$/);
    await expect(page.getByTestId('attempt-checks')).toHaveText('2');
    await expect(result.getByTestId('check-run').first()).toHaveAttribute('data-passed', 'true');
    await expect(result.getByTestId('check-run').nth(1)).toHaveAttribute('data-passed', 'false');
    await shot(page, 'scenario-passed');

    // the list shows the last attempt's status
    await page.goto('/sandbox/scenarios');
    await expect(card.getByTestId('attempt-status')).toHaveAttribute('data-status', 'passed');
  } finally {
    await giveUpIfRunning(page, SCENARIO);
  }
});
