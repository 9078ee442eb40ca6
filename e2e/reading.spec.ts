// The radiologist's part of the workflow: a study acquired for a seeded order is verified in the PACS console, then
// reported and signed from the reading worklist as the instructor (the demo's radiologist). Signing before the study
// is verified is refused in words; after signing the study is read, the report final, and the ORU's delivery shown
// (no HL7_OUTBOUND in e2e: "not sent"). Saved filters: save, find as a link, use, delete.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { E2E } from './env';
import { dcmtk, SAMPLES, storescu } from './dicom';
import { shot, signIn } from './helpers';

/** YYYYMMDD in local time, as the server (same machine) sees "today". */
function localDate(d = new Date()) {
  return `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}`;
}

test('an instructor verifies, reports and signs a study; it is read and its report final', async ({ page }) => {
  // a study for today's last CT order (CT ABDOMEN PELVIS WITH CONTRAST), with fresh UIDs
  const dir = mkdtempSync(join(tmpdir(), 'reading-e2e-'));
  const file = join(dir, 'ctabd.dcm');
  copyFileSync(`${SAMPLES}/CT_small.dcm`, file);
  const accession = `A${localDate()}-13`;
  const mod = dcmtk('dcmodify', ['-nb', '-gst', '-gse', '-gin', '-m', `AccessionNumber=${accession}`, file]);
  expect(mod.status, mod.out).toBe(0);
  const sent = storescu('CT1', 'PACS', [file]);
  expect(sent.status, sent.out).toBe(0);

  await signIn(page, E2E.instructor.email, E2E.instructor.password);
  await page.goto('/sandbox/reading');
  const row = page.getByTestId('reading-table').locator(`tr[data-accession="${accession}"]`).first();
  await expect(row.getByTestId('report-state')).toContainText('no report');
  await row.getByRole('link', { name: `Report ${accession}` }).click();
  await expect(page).toHaveURL(/\/sandbox\/reading\/[0-9.]+$/);
  await expect(page.getByRole('region', { name: 'Study' })).toContainText('CT ABDOMEN PELVIS WITH CONTRAST');
  await expect(page.getByRole('region', { name: 'Study' })).toContainText('Follow-up of liver lesion');

  // not verified yet: refused in words, and what was typed stays
  const findings = 'Liver: the known segment VI lesion measures 14 mm (previously 15 mm).\nNo new lesions.';
  await page.getByLabel('Findings').fill(findings);
  await page.getByLabel('Impression').fill('Stable liver lesion.');
  await page.getByRole('button', { name: 'Sign', exact: true }).click();
  const form = page.getByRole('form', { name: 'Report' });
  await expect(form.getByRole('alert')).toContainText('Verify the study first');
  await expect(page.getByLabel('Findings')).toHaveValue(findings);
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(form.getByRole('status')).toContainText('Draft saved.');
  await expect(page.getByTestId('report-status')).toContainText('draft');
  await shot(page, 'reading-report-draft');

  // QC in the PACS console
  const reportUrl = page.url();
  await page.getByRole('link', { name: 'Open the study in the PACS console' }).click();
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByText('Status is now verified.')).toBeVisible();

  await page.goto(reportUrl);
  await expect(page.getByLabel('Findings')).toHaveValue(findings);
  await page.getByRole('button', { name: 'Sign', exact: true }).click();
  await expect(page.getByTestId('report-status')).toContainText('final');
  await expect(page.getByTestId('report-impression')).toHaveText('Stable liver lesion.');
  await expect(page.getByTestId('report-delivery')).toContainText('not sent');
  await expect(page.getByTestId('report-delivery')).toContainText('no outbound endpoint configured');
  await expect(page.getByLabel('Findings')).toHaveCount(0);
  await shot(page, 'reading-report-final');

  await page.goto('/sandbox/reading');
  await expect(row).not.toContainText('unread');
  await expect(row).toContainText('read');
  await expect(row.getByTestId('report-state')).toContainText('final');
  await page.goto('/sandbox/ris?modality=CT');
  await expect(page.locator(`tr[data-accession="${accession}"]`).first()).toContainText('reported');
  // the RIS's HL7 panel lists the result that was not sent, and why
  const outbound = page.getByTestId('hl7-outbound').locator('tr', { hasText: accession });
  await expect(outbound).toContainText('ORU^R01');
  await expect(outbound).toContainText('not-sent');
  await shot(page, 'ris-hl7-outbound');
});

test('a signed-in user saves a reading worklist filter, finds it listed, uses it and deletes it', async ({ page }) => {
  await signIn(page, E2E.instructor.email, E2E.instructor.password);
  await page.goto('/sandbox/reading?modality=CT&priority=STAT');
  const name = `STAT CT ${Date.now().toString(36)}`;
  const save = page.getByRole('form', { name: 'Save this filter' });
  await save.getByRole('button', { name: 'Save this filter' }).click();
  await expect(page.getByRole('region', { name: 'Saved filters' })).toContainText('Give the filter a name.');
  await save.getByLabel('Filter name').fill(name);
  await save.getByRole('button', { name: 'Save this filter' }).click();
  const link = page.getByTestId('saved-filters').getByRole('link', { name });
  await expect(link).toHaveAttribute('href', '/sandbox/reading?modality=CT&priority=STAT');
  await shot(page, 'reading-saved-filters');
  await page.goto('/sandbox/reading');
  await page.getByTestId('saved-filters').getByRole('link', { name }).click();
  await expect(page).toHaveURL(/modality=CT&priority=STAT/);
  await expect(page.getByLabel('Priority')).toHaveValue('STAT');
  await page.getByRole('button', { name: `Delete filter ${name}` }).click();
  await expect(page.getByTestId('saved-filters').getByRole('link', { name })).toHaveCount(0);
});

test('a guest sees no saved filters and cannot write a report', async ({ page }) => {
  await page.goto('/sandbox/reading');
  await expect(page.getByText('Sign in to save filters.')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Saved filters' })).toHaveCount(0);
  const link = page.getByTestId('reading-table').getByRole('link', { name: /^(Report|View report) / }).first();
  await link.click();
  await expect(page.getByRole('region', { name: 'Report' })).toContainText(/Sign in as an instructor or admin|final/);
  await expect(page.getByRole('button', { name: 'Sign', exact: true })).toHaveCount(0);
});
