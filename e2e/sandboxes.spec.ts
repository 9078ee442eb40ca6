// Per-student sandboxes in the browser, with real DICOM on the e2e server's listener: a student signs up, creates
// their sandbox, sees their own AE titles on /sandbox, a real DCMTK client reaches their archive by its AE title,
// the PACS console shows their own (empty, then their own study) archive while the demo keeps its studies, and
// switching back shows the demo. Another student's cookie naming that sandbox is ignored; an instructor can
// follow the student into it.
import { expect, test } from '@playwright/test';
import { echoscu, SAMPLES, storescu } from './dicom';
import { E2E } from './env';
import { shot, signIn, signUp, uniqueEmail } from './helpers';

test('a student creates their own sandbox, works in it with a real DICOM client, and switches back to the demo', async ({ page, browser }) => {
  test.setTimeout(120_000);
  // the demo has at least one study
  const demoSent = storescu('CT1', 'PACS', [`${SAMPLES}/CT_small.dcm`]);
  expect(demoSent.status, demoSent.out).toBe(0);

  await signUp(page, 'Sandbox Student', uniqueEmail('sbx'), 'student password 1');
  await page.goto('/sandbox');
  const bar = page.getByTestId('sandbox-bar');
  await expect(bar).toHaveAttribute('data-slug', 'demo');
  await expect(page.getByTestId('sandbox-select')).toHaveValue('demo');
  await expect(page.getByTestId('archive-ae')).toHaveText('PACS');

  await page.getByTestId('create-sandbox').getByRole('button', { name: 'Create my sandbox' }).click();
  await expect(page.getByTestId('create-sandbox-result')).toContainText(/Your sandbox is ready: archive PACS_[A-Z2-9]{4}/);
  await expect(bar).toHaveAttribute('data-slug', /^u-[A-Z2-9]{4}$/);
  const slug = (await bar.getAttribute('data-slug'))!;
  const code = slug.slice(2);
  const archiveAe = `PACS_${code}`;
  await expect(page.getByTestId('archive-ae')).toHaveText(archiveAe);
  await expect(page.getByTestId('worklist-ae')).toHaveText(`RIS_${code}`);
  await expect(page.getByTestId('sandbox-name')).toHaveText('My sandbox');
  await expect(page.getByTestId('sandbox-aes')).toContainText(`Archive ${archiveAe}`);
  await expect(page.getByTestId('client-commands')).toContainText(`echoscu -v -aet CT1 -aec ${archiveAe} 127.0.0.1 ${E2E.dicomPort}`);
  await expect(page.getByTestId('client-commands')).toContainText(`storescu -v -aet CT1 -aec ${archiveAe}`);
  await expect(page.getByTestId('nodes-table')).toContainText(archiveAe);
  await expect(page.getByTestId('nodes-table')).toContainText('CT1');
  await expect(page.getByRole('button', { name: 'Create my sandbox' })).toHaveCount(0);
  await shot(page, 'sandbox-own-overview');

  // their own archive is empty, and answers a real DICOM client by its AE title
  await page.goto('/sandbox/pacs');
  await expect(page.getByTestId('sandbox-tag').first()).toHaveText(`My sandbox · archive AE ${archiveAe}`);
  await expect(page.getByTestId('study-count')).toHaveText('0 studies');
  const echo = echoscu('CT1', archiveAe);
  expect(echo.status, echo.out).toBe(0);
  const sent = storescu('CT1', archiveAe, [`${SAMPLES}/MR_small.dcm`]);
  expect(sent.status, sent.out).toBe(0);
  await page.reload();
  await expect(page.getByTestId('study-count')).toHaveText('1 study');
  await expect(page.getByTestId('studies-table')).toContainText('CompressedSamples, MR1');
  await expect(page.getByTestId('studies-table')).not.toContainText('CompressedSamples, CT1');

  // the switcher, open on the demo choice
  await page.getByTestId('sandbox-select').selectOption('demo');
  await shot(page, 'sandbox-switcher');
  await page.getByTestId('sandbox-switcher').getByRole('button', { name: 'Switch' }).click();
  await expect(page.getByTestId('sandbox-switcher-result')).toContainText('Now working in Demo hospital (shared)');
  await expect(page.getByTestId('sandbox-bar')).toHaveAttribute('data-slug', 'demo');
  await expect(page.getByTestId('sandbox-tag').first()).toHaveText('Demo hospital (shared) · archive AE PACS');
  // the demo's sample, found by name (the shared archive holds more than one page of studies by now)
  await page.goto('/sandbox/pacs?name=CompressedSamples');
  await expect(page.getByTestId('studies-table')).toContainText('CompressedSamples, CT1');
  // and back: their own study only
  await page.goto('/sandbox/pacs');
  await page.getByTestId('sandbox-select').selectOption(slug);
  await page.getByTestId('sandbox-switcher').getByRole('button', { name: 'Switch' }).click();
  await expect(page.getByTestId('sandbox-bar')).toHaveAttribute('data-slug', slug);
  await expect(page.getByTestId('study-count')).toHaveText('1 study');
  await expect(page.getByTestId('studies-table')).not.toContainText('CompressedSamples, CT1');

  // the viewer reads from their own archive's DICOMweb
  await page.goto('/sandbox/viewer');
  await expect(page.locator('main')).toContainText(`/dicomweb/${archiveAe}`);

  // another student's cookie naming this sandbox is ignored: they get the demo
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signUp(otherPage, 'Other Student', uniqueEmail('sbx-other'), 'student password 2');
  await other.addCookies([{ name: 'pacslab-sandbox', value: slug, url: E2E.baseURL }]);
  await otherPage.goto('/sandbox/pacs');
  await expect(otherPage.getByTestId('sandbox-bar')).toHaveAttribute('data-slug', 'demo');
  await expect(otherPage.getByTestId('sandbox-tag').first()).toHaveText('Demo hospital (shared) · archive AE PACS');
  await expect(otherPage.getByTestId('sandbox-select').locator('option')).toHaveCount(1);
  // and its DICOMweb answers 403 to them
  const dw = await otherPage.request.get(`/dicomweb/${archiveAe}/studies`);
  expect(dw.status()).toBe(403);
  await other.close();

  // an instructor can follow the student into it
  const ins = await browser.newContext();
  const insPage = await ins.newPage();
  await signIn(insPage, E2E.instructor.email, E2E.instructor.password);
  await insPage.goto('/sandbox');
  await insPage.getByTestId('sandbox-select').selectOption(slug);
  await insPage.getByTestId('sandbox-switcher').getByRole('button', { name: 'Switch' }).click();
  await expect(insPage.getByTestId('sandbox-bar')).toHaveAttribute('data-slug', slug);
  await expect(insPage.getByTestId('sandbox-bar')).toContainText('following a student');
  await expect(insPage.getByTestId('archive-ae')).toHaveText(archiveAe);
  await shot(insPage, 'sandbox-instructor-follows');
  await ins.close();
});
