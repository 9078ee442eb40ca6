// The site works under its own Content-Security-Policy (next.config.mjs, issue 11): a student's main pages and the
// viewer decoding a real JPEG 2000 image with Cornerstone's wasm codec in a web worker, with no CSP violation
// reported in the browser's console.
import { expect, test } from '@playwright/test';
import { storescu } from './dicom';
import { shot, signUp, uniqueEmail } from './helpers';

const J2K_STUDY = '1.2.276.0.7230010.3.1.2.296485376.1.1521713414.1800996'; // pydicom's 693_J2KI.dcm

test('no CSP violation on the main pages; the viewer decodes JPEG 2000 in wasm', async ({ page }) => {
  test.setTimeout(120_000);
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (load|execute|apply|connect|create|compile|frame)/i.test(m.text())) violations.push(`${page.url()}: ${m.text()}`);
  });
  const sent = storescu('CT1', 'PACS', ['/usr/lib/python3/dist-packages/pydicom/data/test_files/693_J2KI.dcm'], ['-xw']);
  expect(sent.status, sent.out).toBe(0);
  await signUp(page, 'CSP Student', uniqueEmail('csp'), 'csp password 12');
  for (const url of ['/', '/learn', '/learn/what-is-a-pacs', '/practice/mock', '/account', '/sandbox', '/sandbox/pacs', '/sandbox/compression', '/sandbox/modality/CT1']) {
    await page.goto(url);
    await page.waitForLoadState('networkidle');
  }
  await page.goto(`/sandbox/viewer?study=${J2K_STUDY}`);
  // decoded and drawn: the viewport's canvas shows many grey levels (not a blank or an error)
  await expect
    .poll(
      () =>
        page.evaluate(() => {
          const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="viewport-0"] canvas');
          if (!canvas || !canvas.width) return 0;
          const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
          const greys = new Set<number>();
          for (let i = 0; i < data.length; i += 4) greys.add(data[i]);
          return greys.size;
        }),
      { timeout: 30_000, message: 'the viewer shows the JPEG 2000 image' },
    )
    .toBeGreaterThan(16);
  await page.waitForLoadState('networkidle');
  await shot(page, 'csp-viewer-j2k');
  expect(violations).toEqual([]);
});
