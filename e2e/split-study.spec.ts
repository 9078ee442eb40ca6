// A student plays the "split study" fault scenario end to end in the browser, over real DICOM on the e2e server's
// listener: Start books the order and sends the CT exam in two halves (the second under a new Study Instance UID,
// no accession); in the PACS console the student finds the patient's two studies, opens the stray one, merges it
// into the order's study with a reason (the page lands on the surviving study, audited), and "Check my fix"
// passes. Always given up in a finally: the demo sandbox is shared with the other tests.
import { expect, test } from '@playwright/test';
import { giveUpIfRunning, shot, signUp, uniqueEmail } from './helpers';

const SCENARIO = '/sandbox/scenarios/split-study';
const PATIENT_ID = 'SCN0012';

test('a student solves "split study": two studies for one exam, a merge with a reason, a passing check', async ({ page }) => {
  test.setTimeout(180_000);
  await signUp(page, 'Split Study Student', uniqueEmail('split'), 'student password 1');

  await page.goto(SCENARIO);
  await expect(page.getByTestId('scenario-story')).toContainText('It is 09:10');
  await page.getByTestId('start-scenario').getByRole('button', { name: 'Start' }).click();
  try {
    await expect(page.getByTestId('running-attempt')).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('symptom')).toContainText('sees only part of it');

    // the symptom in the PACS console: two studies for the patient today, one without an accession number
    await page.goto(`/sandbox/pacs?patientId=${PATIENT_ID}`);
    const rows = page.getByTestId('studies-table').locator('tbody tr');
    await expect(rows).toHaveCount(2);
    const withAccession = rows.filter({ hasText: /A\d{8}-[A-Z0-9]{5}/ });
    await expect(withAccession).toHaveCount(1);
    const accession = /A\d{8}-[A-Z0-9]{5}/.exec((await withAccession.textContent()) ?? '')![0];
    const stray = rows.filter({ hasText: 'none' });
    await stray.getByRole('link').click();
    await expect(page).toHaveURL(/\/sandbox\/pacs\/studies\/[0-9.]+$/);
    const strayUrl = page.url();

    // "Correct this study": merge into the order's study, with a reason
    const panel = page.getByTestId('correction-panel');
    await expect(panel).toBeVisible();
    await expect(panel.getByLabel(/Surviving study/)).toContainText(accession);
    await shot(page, 'split-study-correction-panel');
    // a merge without a reason is refused by the browser before anything happens; then with one
    const merge = page.getByTestId('merge');
    await merge.getByLabel(/Reason/).fill('Delayed series registered by hand at CT1');
    page.once('dialog', (d) => void d.accept());
    await merge.getByRole('button', { name: 'Merge into selected study' }).click();

    // the page lands on the surviving study: both series, the order's accession, the merge in the audit trail
    await expect(page).not.toHaveURL(strayUrl, { timeout: 30_000 });
    await expect(page.getByText(accession, { exact: true })).toBeVisible();
    await expect(page.getByRole('region', { name: /^Series / })).toHaveCount(2);
    await expect(page.getByText(/merge · .* → .*Delayed series registered by hand at CT1/)).toBeVisible();
    await page.goto(`/sandbox/pacs?patientId=${PATIENT_ID}`);
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText(accession);

    await page.goto(SCENARIO);
    await page.getByTestId('check-fix').getByRole('button', { name: 'Check my fix' }).click();
    const result = page.getByTestId('attempt-result');
    await expect(result).toHaveAttribute('data-status', 'passed', { timeout: 30_000 });
    await expect(result.getByTestId('check-run').first()).toHaveAttribute('data-passed', 'true');
    await expect(result).toContainText('The merge is in the audit trail');
    await shot(page, 'split-study-passed');
  } finally {
    await giveUpIfRunning(page, SCENARIO);
  }
});
