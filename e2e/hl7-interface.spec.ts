// Fault 7's third cause in the browser: "the order that never arrived". Start injects it into the student's own
// sandbox: the RIS's inbound HL7 interface is stopped and the hospital system's ORM^O01 for the patient failed.
// The student finds the stopped interface and the failed message on the RIS console's Interfaces tab, checks
// before fixing (fails), starts the interface, resends the HIS message (AA), and the check passes; the finished
// attempt keeps its copy of the network log, with the HL7 traffic in it.
import { expect, test } from '@playwright/test';
import { giveUpIfRunning, shot, signUp, uniqueEmail } from './helpers';

const SCENARIO = '/sandbox/scenarios/order-lost-in-transit';

test('a student solves "the order that never arrived": stopped interface, failed HIS message, start, resend, passed', async ({ page }) => {
  test.setTimeout(180_000);
  await signUp(page, 'Interface Student', uniqueEmail('hl7down'), 'student password 1');
  await page.goto(SCENARIO);
  await expect(page.getByTestId('scenario-story')).toContainText('It is 10:05');
  await page.getByTestId('start-scenario').getByRole('button', { name: 'Start' }).click();
  try {
    await expect(page.getByTestId('running-attempt')).toBeVisible({ timeout: 60_000 });

    // the RIS console: the interface is stopped and the hospital system's order sits failed in its queue
    await page.goto('/sandbox/ris/interfaces');
    await expect(page.getByTestId('hl7-inbound-status')).toHaveText('stopped');
    const row = page.getByTestId('his-outbound').locator('tr', { hasText: 'ORM^O01' }).first();
    await expect(row).toContainText(/Adeyemi|ADEYEMI/);
    await expect(row).toContainText('failed');
    await shot(page, 'ris-interfaces-stopped');

    // a check before fixing: it fails
    await page.goto(SCENARIO);
    await page.getByTestId('check-fix').getByRole('button', { name: 'Check my fix' }).click();
    await expect(page.getByTestId('check-fix-result')).toContainText('do not pass yet');

    // the fix: start the interface, then resend the same message (its own accession number, not a new order)
    await page.goto('/sandbox/ris/interfaces');
    await page.getByTestId('hl7-inbound-start').getByRole('button', { name: 'Start' }).click();
    await expect(page.getByTestId('hl7-inbound-status')).toHaveText('running');
    await row.getByTestId('his-resend').getByRole('button', { name: 'Resend' }).click();
    await expect(row).toContainText('sent (AA)', { timeout: 30_000 });
    await shot(page, 'ris-interfaces-resent');

    await page.goto(SCENARIO);
    await page.getByTestId('check-fix').getByRole('button', { name: 'Check my fix' }).click();
    const result = page.getByTestId('attempt-result');
    await expect(result).toHaveAttribute('data-status', 'passed', { timeout: 30_000 });

    // the attempt keeps what crossed the network while it ran
    const log = page.getByTestId('attempt-network-log');
    await log.locator('summary').click();
    await expect(log.getByTestId('attempt-hl7')).toContainText('ORM^O01');
    await expect(log.getByTestId('attempt-his-outbound')).toContainText('sent');
    await shot(page, 'scenario-network-log');
  } finally {
    await giveUpIfRunning(page, SCENARIO);
  }
});
