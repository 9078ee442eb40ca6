// A student plays the "wrong patient" fault scenario in the browser, over real DICOM on the e2e server's listener:
// Start books the story's order (Afua Mensah, CT chest) and a second patient's order on CT1, and the exam of the
// first is acquired from the second's worklist item and sent. In the PACS console the student finds the head CT in
// Gloria Mensah's record, corrects the patient demographics with a reason (a patient-safety event), splits the
// series out to Afua Mensah's own order, and "Check my fix" passes. Always given up in a finally.
import { expect, test } from '@playwright/test';
import { giveUpIfRunning, shot, signUp, uniqueEmail } from './helpers';

const SCENARIO = '/sandbox/scenarios/wrong-patient';

test('a student solves "wrong patient": demographics corrected with a reason, split to the right order, a passing check', async ({ page }) => {
  test.setTimeout(180_000);
  await signUp(page, 'Wrong Patient Student', uniqueEmail('wrongpt'), 'student password 1');
  await page.goto(SCENARIO);
  await expect(page.getByTestId('scenario-story')).toContainText('It is 11:20');
  await page.getByTestId('start-scenario').getByRole('button', { name: 'Start' }).click();
  try {
    await expect(page.getByTestId('running-attempt')).toBeVisible({ timeout: 60_000 });

    // the symptom: the right patient has nothing, the other Mensah has a CT head
    await page.goto('/sandbox/pacs?patientId=SCN0020');
    const rows = page.getByTestId('studies-table').locator('tbody tr');
    await expect(rows.first()).toContainText(/no studies|No studies|match/i);
    await page.goto('/sandbox/pacs?name=MENSAH');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText(/Gloria/i);
    await rows.first().getByRole('link').click();
    await expect(page).toHaveURL(/\/sandbox\/pacs\/studies\/[0-9.]+$/);

    const panel = page.getByTestId('correction-panel');
    await expect(panel.getByTestId('demographics-form')).toBeVisible();
    await expect(panel.getByLabel(/Reason code/)).toContainText('113038 · Incorrect Modality Worklist Entry');
    await shot(page, 'wrong-patient-correction-panel');

    // 1. the demographics, with a reason
    const demo = page.getByTestId('demographics');
    await demo.getByLabel('Patient ID').fill('SCN0020');
    await demo.getByLabel(/Patient's name/).fill('MENSAH^AFUA');
    await demo.getByLabel(/Birth date/).fill('19620517');
    await demo.getByLabel('Sex').selectOption('F');
    await demo.getByLabel(/Reason/).fill('Afua Mensah scanned from Gloria Mensah\'s worklist entry');
    page.once('dialog', (d) => void d.accept());
    await demo.getByRole('button', { name: 'Correct demographics' }).click();
    await expect(demo).toContainText(/Corrected: 3 images now carry MENSAH\^AFUA \(SCN0020\)/, { timeout: 30_000 });

    // 2. the series out to her own order (now offered: the study is hers)
    await page.reload();
    const split = page.getByTestId('split');
    for (const box of await split.getByRole('checkbox').all()) await box.check();
    await expect(split.getByLabel('Order')).toContainText('CT CHEST WITH CONTRAST');
    await split.getByLabel(/Reason/).fill('Move to Afua Mensah\'s own order');
    await split.getByRole('button', { name: 'Split out to order' }).click();
    await expect(page.getByText(/patient\.correct · Gloria|split ·/i).first()).toBeVisible({ timeout: 30_000 });
    await page.goto('/sandbox/pacs?name=MENSAH');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('SCN0020');

    await page.goto(SCENARIO);
    await page.getByTestId('check-fix').getByRole('button', { name: 'Check my fix' }).click();
    const result = page.getByTestId('attempt-result');
    await expect(result).toHaveAttribute('data-status', 'passed', { timeout: 30_000 });
    await expect(result).toContainText('The wrong-patient correction is recorded with a reason');
    await shot(page, 'wrong-patient-passed');
  } finally {
    await giveUpIfRunning(page, SCENARIO);
  }
});
