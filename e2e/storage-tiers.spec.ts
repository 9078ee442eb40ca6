// The PACS console's Storage tab (issue 10, storage tiers), in a student's own sandbox (the migration must not move
// the shared demo archive under the other specs): the student sends a CT from the scanner console, sets
// the site's policy (no short-term period, JPEG-LS lossless, never lossy before reading), runs the migration and
// sees the study on the long-term tier with the bytes and the saving; with JPEG 2000 lossy the unread study is
// skipped with the policy's reason; "Restore to short-term" on the study page brings it back.
import { expect, test, type Page } from '@playwright/test';
import { shot, signUp, uniqueEmail } from './helpers';

async function savePolicy(page: Page, p: { days: string; codec: string; lossy: string }) {
  const form = page.getByTestId('tier-settings');
  await form.getByLabel('Short-term period (days)').fill(p.days);
  await form.getByLabel('Long-term codec').selectOption({ label: p.codec });
  await form.getByLabel('Lossy compression allowed').selectOption({ label: p.lossy });
  await form.getByLabel(/Reason/).fill('e2e: storage policy');
  await form.getByRole('button', { name: 'Save policy' }).click();
  await expect(page.getByTestId('tier-settings-result')).toContainText(/Saved|Nothing changed/);
}

test('Storage tab: policy, run migration, figures; lossy skipped before reading; restore on the study page', async ({ page }) => {
  test.setTimeout(120_000);
  await signUp(page, 'Tier Student', uniqueEmail('tiers'), 'student password 1');
  await page.goto('/sandbox');
  await page.getByTestId('create-sandbox').getByRole('button', { name: 'Create my sandbox' }).click();
  await expect(page.getByTestId('create-sandbox-result')).toContainText('Your sandbox is ready');

  // one of today's seeded CT orders in the student's own worklist
  await page.goto('/sandbox/modality/CT1');
  const row = page.locator('[data-testid="scanner-worklist"] tr[data-accession]').first();
  const accession = (await row.getAttribute('data-accession'))!;
  await row.getByRole('link', { name: /Select/ }).click();
  const selected = page.getByTestId('selected-item');
  await selected.getByLabel('Slices').fill('4');
  await selected.getByRole('button', { name: 'Start exam and acquire' }).click();
  await expect(page).toHaveURL(/\/sandbox\/modality\/CT1\/exams\/\w+/, { timeout: 30_000 });
  await page.getByTestId('end-exam').getByRole('button', { name: 'End exam and send' }).click();
  await expect(page.getByTestId('send-job').first()).toHaveAttribute('data-status', 'done', { timeout: 30_000 });

  try {
    await page.goto('/sandbox/pacs');
    await page.getByRole('link', { name: 'Storage' }).click();
    await expect(page).toHaveURL(/\/sandbox\/pacs\/storage/);

    // lossy by policy, but the study is not read: skipped, with the reason
    await savePolicy(page, { days: '0', codec: 'JPEG 2000 lossy', lossy: 'Only after primary reading' });
    await page.getByTestId('tier-run').getByRole('button', { name: 'Run migration now' }).click();
    await expect(page.getByTestId('tier-run-result')).toContainText('Skipped');
    await expect(page.getByTestId('tier-last-run')).toContainText(`${accession}: the study is received, not read: the site's policy forbids lossy compression before primary reading`);

    // lossless: moved, figures show the long-term tier and the saving
    await savePolicy(page, { days: '0', codec: 'JPEG-LS lossless', lossy: 'Only after primary reading' });
    await page.getByTestId('tier-run').getByRole('button', { name: 'Run migration now' }).click();
    // a background job: the button answers at once ("has started") unless the job ends within 0.6 s; the page
    // refreshes itself while it runs and then shows the result under "Last run"
    await expect(page.getByTestId('tier-last-moved')).toContainText(accession, { timeout: 60_000 });
    await expect(page.getByTestId('tier-last-run')).toContainText(/\d+ stud(y|ies) moved \(\d+ images?/);
    await page.reload();
    await expect(page.getByTestId('tier-long-bytes')).not.toHaveText('0 B');
    await expect(page.getByTestId('tier-saving')).toContainText('%');
    const studyRow = page.getByTestId('tier-studies').locator('tr', { hasText: accession });
    await expect(studyRow).toContainText('long-term');
    await expect(studyRow).toContainText('lossless');
    await shot(page, 'storage-tiers');

    // restore on the study page
    await studyRow.getByRole('link').first().click();
    const panel = page.getByTestId('restore-panel');
    await expect(panel).toContainText('4 of 4 images on the long-term tier');
    await shot(page, 'storage-tiers-study');
    await panel.getByRole('button', { name: 'Restore to short-term' }).click();
    await expect(page.getByTestId('restore-last')).toContainText('4 image(s) back on the short-term tier', { timeout: 60_000 });
  } finally {
    await page.goto('/sandbox/pacs/storage');
    await savePolicy(page, { days: '60', codec: 'JPEG-LS lossless', lossy: 'Only after primary reading' });
  }
});
