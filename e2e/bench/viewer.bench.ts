// Benchmark (not a test): the viewer on a 300-slice CT, against a production build, in Debian's Chromium.
//
//   PACSLAB_DIST_DIR=.next-viewer npx next build --webpack && PACSLAB_DIST_DIR=.next-viewer npx tsx e2e/bench/viewer.bench.ts
//   (BENCH_SLICES=300, BENCH_RUNS=5, BENCH_PORT=3192 to change; BENCH_WATERFALL=1 lists the last run's requests,
//   BENCH_PROFILE=1 profiles its main thread, BENCH_SCROLL=0 skips the scrolling part, BENCH_QIDO_DELAY=ms delays
//   the archive's QIDO-RS answers)
//
// Starts the site the way playwright.config.ts does (`pacslab start --no-build`, production, fresh SQLite database
// and archive in a temp folder), generates a CT chest study (sim/modality/generate) and sends it with storescu, then:
//   time to first image: a fresh browser context (empty HTTP cache) opens /sandbox/viewer?study=…; the viewer
//     records performance.now() at its first rendered image (ms since navigation start, i.e. from opening the
//     viewer); BENCH_RUNS runs, the first one cold (server caches empty), median of the others;
//   scrolling: once every slice is loaded, ArrowDown through all slices as fast as the keyboard repeats, while
//     the page samples the canvas on every animation frame and counts frames with (almost) nothing drawn; then
//     slice by slice, checking the overlay's image number and the canvas after each step.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { writeStudy } from '@/sim/modality/generate';
import { startBenchServer, type BenchServer } from './server';

const PORT = Number(process.env.BENCH_PORT ?? 3192);
const SLICES = Number(process.env.BENCH_SLICES ?? 300);
const RUNS = Math.max(2, Number(process.env.BENCH_RUNS ?? 5));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Fraction of the viewport canvas that is lit (a blank frame is ~0), sampled on a coarse grid. */
function litFraction(page: Page): Promise<number> {
  return page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('[data-testid="viewport-0"] canvas');
    if (!c || !c.width) return 0;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let lit = 0;
    let n = 0;
    for (let i = 0; i < d.length; i += 4 * 7) {
      n++;
      if (d[i] > 8) lit++;
    }
    return lit / n;
  });
}

let server: BenchServer | undefined;

async function main() {
  const t0 = Date.now();
  server = await startBenchServer({ port: PORT, name: 'viewer-bench', timeoutMs: 120_000 });
  const { base, dir, dicomPort: DICOM_PORT } = server;
  console.log(`server up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const g0 = Date.now();
  const study = await writeStudy({ protocolId: 'ct-chest', seed: 7, slices: SLICES, patient: { patientName: 'BENCH^VIEWER', patientId: 'BENCH-VIEW' } }, join(dir, 'ct'));
  console.log(`generated ${study.files.length} CT slices in ${((Date.now() - g0) / 1000).toFixed(1)} s`);
  const s0 = Date.now();
  const sent = spawnSync('storescu', ['-aet', 'CT1', '-aec', 'PACS', '127.0.0.1', String(DICOM_PORT), ...study.files.map((f) => f.path)], { env: { ...process.env, TCP_NODELAY: '1' }, encoding: 'utf8' });
  if (sent.status !== 0) throw new Error(`storescu failed: ${sent.stdout}${sent.stderr}`);
  console.log(`stored with storescu in ${((Date.now() - s0) / 1000).toFixed(1)} s`);

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const url = `${base}/sandbox/viewer?study=${study.studyInstanceUid}`;
  const firstImage: number[] = [];
  const wall: number[] = [];
  let page: Page | undefined;
  try {
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      // BENCH_PROFILE=1: a CPU profile of the last run's main thread up to the first image, summed by script
      const cdp = process.env.BENCH_PROFILE && run === RUNS - 1 ? await context.newCDPSession(page) : undefined;
      if (cdp) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
        await cdp.send('Profiler.start');
      }
      // BENCH_QIDO_DELAY=ms: the archive's study listing (QIDO-RS) answers that much later, as a busy archive would
      const delay = Number(process.env.BENCH_QIDO_DELAY ?? 0);
      if (delay > 0) await page.route(/\/dicomweb\/[^/]+\/studies(\?|\/[^/]+\/(series|instances)\?)/, (r) => void new Promise((ok) => setTimeout(ok, delay)).then(() => r.continue()));
      const w0 = Date.now();
      await page.goto(url);
      await page.waitForFunction(() => window.__viewerFirstImageMs !== undefined, undefined, { timeout: 60_000 });
      const ms = await page.evaluate(() => window.__viewerFirstImageMs!);
      if (cdp) {
        const { profile } = await cdp.send('Profiler.stop');
        const dt = new Map<number, number>();
        profile.samples?.forEach((id, k) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas?.[k] ?? 0) / 1000));
        const byUrl = new Map<string, number>();
        const byFn = new Map<string, number>();
        for (const n of profile.nodes) {
          const t = dt.get(n.id) ?? 0;
          const u = n.callFrame.url.replace(/^.*\/_next\/static\/chunks\//, '') || `(${n.callFrame.functionName || 'program'})`;
          byUrl.set(u, (byUrl.get(u) ?? 0) + t);
          const f = `${n.callFrame.functionName || '(anonymous)'} ${u}:${n.callFrame.lineNumber}:${n.callFrame.columnNumber}`;
          byFn.set(f, (byFn.get(f) ?? 0) + t);
        }
        const top = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([u, t]) => `    ${t.toFixed(0).padStart(5)} ms  ${u.slice(0, 120)}`).join('\n');
        console.log(`  main-thread self time by script:\n${top(byUrl, 14)}\n  by function:\n${top(byFn, 14)}`);
      }
      wall.push(Date.now() - w0);
      firstImage.push(ms);
      // where the time went: the viewer's own marks, and the biggest scripts
      const marks = await page.evaluate(() => performance.getEntriesByType('mark').filter((m) => m.name.startsWith('viewer:')).map((m) => `${m.name.slice(7)} ${m.startTime.toFixed(0)}`).join(', '));
      const nav = await page.evaluate(() => {
        const n = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        return `html ${n.responseEnd.toFixed(0)}, domContentLoaded ${n.domContentLoadedEventEnd.toFixed(0)}`;
      });
      const js = await page.evaluate(() => {
        const r = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
        const scripts = r.filter((x) => x.initiatorType === 'script' || x.name.endsWith('.js'));
        const kb = scripts.reduce((n, x) => n + (x.encodedBodySize || 0), 0) / 1024;
        const last = Math.max(0, ...scripts.map((x) => x.responseEnd));
        return `${scripts.length} scripts, ${kb.toFixed(0)} kB, last loaded at ${last.toFixed(0)}`;
      });
      console.log(`  ${nav}; ${js}; marks: ${marks}`);
      if (process.env.BENCH_WATERFALL && run === RUNS - 1) {
        // BENCH_WATERFALL=1: the last run's requests (start → end, ms since navigation start, kB on the wire)
        const rows = await page.evaluate(() =>
          (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map(
            (x) => `    ${x.startTime.toFixed(0).padStart(5)} → ${x.responseEnd.toFixed(0).padStart(5)}  ${(x.transferSize / 1024).toFixed(0).padStart(5)} kB  ${x.initiatorType.padEnd(8)} ${x.name.replace(location.origin, '').slice(0, 110)}`,
          ),
        );
        console.log(rows.join('\n'));
      }
      console.log(`run ${run + 1}${run === 0 ? ' (cold)' : ''}: first image ${ms.toFixed(0)} ms after navigation start (wall ${Date.now() - w0} ms)${errors.length ? `; console errors: ${errors.join(' | ')}` : ''}`);
      if (run < RUNS - 1) await context.close();
    }

    // scrolling, on the last run's page: wait until the whole series is in the cache (BENCH_SCROLL=0 skips it)
    const p = page!;
    if (process.env.BENCH_SCROLL === '0') return summary();
    const l0 = Date.now();
    await p.waitForFunction((n) => Number(document.querySelector('[data-testid="series-thumb"]')?.getAttribute('data-loaded')) >= n, SLICES, { timeout: 180_000, polling: 250 });
    console.log(`all ${SLICES} slices loaded and decoded ${((Date.now() - l0) / 1000).toFixed(1)} s after the first image`);

    // fast: key presses back to back, canvas sampled on every animation frame
    // (a string: tsx would wrap a named inner function in a helper the page does not have)
    await p.evaluate(`(() => {
      window.__frames = { n: 0, blank: 0, min: 1 };
      const c = document.querySelector('[data-testid="viewport-0"] canvas');
      function tick() {
        if (window.__stop) return;
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let lit = 0, n = 0;
        for (let i = 0; i < d.length; i += 4 * 13) { n++; if (d[i] > 8) lit++; }
        window.__frames.n++;
        window.__frames.min = Math.min(window.__frames.min, lit / n);
        if (lit / n < 0.01) window.__frames.blank++;
        requestAnimationFrame(tick);
      }
      requestAnimationFrame(tick);
    })()`);
    const f0 = Date.now();
    for (let i = 1; i < SLICES; i++) await p.keyboard.press('ArrowDown');
    await p.waitForFunction((n) => document.querySelector('[data-testid="overlay-image-0"]')?.textContent?.includes(`Im ${n}/${n}`), SLICES);
    const fastMs = Date.now() - f0;
    const frames = await p.evaluate(() => {
      const w = window as unknown as { __frames: { n: number; blank: number; min: number }; __stop?: boolean };
      w.__stop = true;
      return w.__frames;
    });
    console.log(`fast scroll through ${SLICES} slices: ${fastMs} ms (${((SLICES - 1) / (fastMs / 1000)).toFixed(0)} slices/s), ${frames.n} frames sampled, ${frames.blank} blank, least lit frame ${(frames.min * 100).toFixed(1)}% of pixels`);

    // slow: one slice at a time, overlay and canvas checked after each
    await p.keyboard.press('Home');
    await p.waitForFunction(() => document.querySelector('[data-testid="overlay-image-0"]')?.textContent?.startsWith('Im 1/'));
    let blank = 0;
    let minLit = 1;
    const st0 = Date.now();
    for (let i = 2; i <= SLICES; i++) {
      await p.keyboard.press('ArrowDown');
      await p.waitForFunction((k) => document.querySelector('[data-testid="overlay-image-0"]')?.textContent?.startsWith(`Im ${k}/`), i);
      const lit = await litFraction(p);
      minLit = Math.min(minLit, lit);
      if (lit < 0.01) blank++;
    }
    console.log(`step by step through ${SLICES} slices: ${Date.now() - st0} ms, ${blank} blank frames, least lit ${(minLit * 100).toFixed(1)}% of pixels`);
  } finally {
    await browser.close();
  }
  summary();

  function summary() {
    const warm = firstImage.slice(1);
    console.log(
      `\nTime to first image, ${SLICES}-slice CT (512×512, production build, Chromium headless on SwiftShader: Cornerstone draws on the CPU):` +
        `\n  cold ${firstImage[0].toFixed(0)} ms; then median ${median(warm).toFixed(0)} ms, min ${Math.min(...warm).toFixed(0)}, max ${Math.max(...warm).toFixed(0)} (${warm.length} runs)` +
        `\n  wall clock from page.goto to seen: median ${median(wall.slice(1))} ms`,
    );
  }
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => server?.stop());
