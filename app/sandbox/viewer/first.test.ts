import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateStudy } from '@/sim/modality/generate';
import { get, startHarness, stow, value, type Harness } from '@/app/dicomweb/_lib/testing';
import { firstInstance, viewerChunks } from './first';

let h: Harness;
const study = generateStudy({ protocolId: 'mr-brain', seed: 11, patient: { patientName: 'FIRST^IMAGE', patientId: 'FIRST-1' } });

beforeAll(async () => {
  h = await startHarness();
  // received last series first and last image first: the archive's order of arrival is not the viewer's order
  const r = await stow(h.ctx, [...study.images].reverse().map((i) => Buffer.from(i.bytes)));
  expect(r.status, await r.clone().text()).toBe(200);
});

afterAll(async () => {
  await h?.close();
});

describe('firstInstance', () => {
  it('names the image the viewer opens on: first series by number, its first instance by number, as QIDO-RS lists them', async () => {
    expect(new Set(study.images.map((i) => i.seriesInstanceUid)).size).toBeGreaterThan(1);
    // the viewer's order (archive.ts loadSeries), from the archive's own QIDO-RS answers
    const series = (await (await get(h.ctx, `studies/${study.studyInstanceUid}/series`)).json()) as Record<string, { Value?: unknown[] }>[];
    const s0 = series.sort((a, b) => Number(value(a, '00200011')) - Number(value(b, '00200011')))[0];
    const instances = (await (await get(h.ctx, `studies/${study.studyInstanceUid}/series/${value(s0, '0020000E')}/instances`)).json()) as Record<string, { Value?: unknown[] }>[];
    const i0 = instances.sort((a, b) => Number(value(a, '00200013')) - Number(value(b, '00200013')))[0];
    expect(await firstInstance(h.ctx.db, h.ctx.sandboxId, study.studyInstanceUid)).toEqual({ study: study.studyInstanceUid, series: value(s0, '0020000E'), sop: value(i0, '00080018') });
  });

  it('names nothing for a study the sandbox does not hold', async () => {
    expect(await firstInstance(h.ctx.db, h.ctx.sandboxId, '1.2.3.4')).toBeUndefined();
    const other = await h.sandbox('first-other');
    expect(await firstInstance(h.ctx.db, other.sandboxId, study.studyInstanceUid)).toBeUndefined();
  });
});

describe('viewerChunks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pacslab-viewer-chunks-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("lists the viewer's script chunks from the build's react-loadable-manifest.json (production only)", () => {
    writeFileSync(
      join(dir, 'react-loadable-manifest.json'),
      JSON.stringify({
        'app/_components/viewer/cornerstone.ts -> ./tools': { id: 1, files: ['static/chunks/1.js'] },
        'app/sandbox/viewer/ViewerLoader.tsx -> @/app/_components/viewer/Viewer': { id: 2, files: ['static/chunks/2998.abc.js', 'static/css/x.css', 'static/chunks/6858.def.js', '../evil.js'] },
      }),
    );
    expect(viewerChunks(dir)).toEqual([]); // not a production server: nothing (and nothing remembered)
    vi.stubEnv('NODE_ENV', 'production');
    try {
      expect(viewerChunks(dir)).toEqual(['/_next/static/chunks/2998.abc.js', '/_next/static/chunks/6858.def.js']);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
