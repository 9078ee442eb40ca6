// Per-association bound on one C-STORE data set (issue 11, resource bounds): with MAX_DATASET_BYTES=16 KiB, DCMTK's
// storescu (--no-halt) sending a 39 KB CT and then a 10 KB MR on one association gets A700 "Refused: Out of Resources" for
// the CT (nothing written, the limit in the network log in words) and success for the MR: the association stays
// usable. The default and a bad value are read as the daemon reads them.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PYDICOM_TEST_FILES, runDcmtk } from '../testing/dcmtk';
import { eventually } from '../testing/eventually';
import { startSandboxHarness, type SandboxHarness } from '../testing/sandboxHarness';
import { DEFAULT_MAX_DATASET_BYTES, maxDatasetBytes } from './sandboxLimits';

let h: SandboxHarness;
const previous = process.env.MAX_DATASET_BYTES;

beforeAll(async () => {
  h = await startSandboxHarness();
  process.env.MAX_DATASET_BYTES = String(16 * 1024); // read at each C-STORE: this process's listener takes it at once
}, 60_000);

afterAll(async () => {
  if (previous === undefined) delete process.env.MAX_DATASET_BYTES;
  else process.env.MAX_DATASET_BYTES = previous;
  await h?.close();
});

describe('MAX_DATASET_BYTES', () => {
  it('reads the environment: default 1 GiB, a bad value refused in words', () => {
    expect(maxDatasetBytes({})).toBe(DEFAULT_MAX_DATASET_BYTES);
    expect(maxDatasetBytes({ MAX_DATASET_BYTES: '2048' })).toBe(2048);
    expect(() => maxDatasetBytes({ MAX_DATASET_BYTES: '12' })).toThrow(/from 1024 to 4 GiB, not "12"/);
    expect(() => maxDatasetBytes({ MAX_DATASET_BYTES: 'lots' })).toThrow(/whole number/);
  });

  it('answers A700 for a data set over the limit, stores nothing of it, and stores the next one on the same association', async () => {
    const ct = join(PYDICOM_TEST_FILES, 'CT_small.dcm');
    const mr = join(PYDICOM_TEST_FILES, 'MR_small.dcm');
    const r = await runDcmtk('storescu', ['-v', '--no-halt', '-aet', 'CT1', '-aec', 'PACS', '127.0.0.1', String(h.services.port), ct, mr], { timeoutMs: 30_000 });
    expect(r.stdout + r.stderr).toMatch(/Refused: OutOfResources|0xa700/i);
    const stored = await h.t.db.instance.findMany({ where: { sandboxId: h.sandboxId }, select: { sopClassUid: true } });
    expect(stored.map((i) => i.sopClassUid)).toEqual(['1.2.840.10008.5.1.4.1.1.4']); // the MR, not the CT
    await eventually(async () => {
      const refused = await h.t.db.dimseLog.findMany({ where: { status: 0xa700 } });
      expect(refused).toHaveLength(1);
      expect(refused[0].statusMeaning).toMatch(/more than this archive takes in one C-STORE \(MAX_DATASET_BYTES=16384\); nothing was stored/);
    });
    // nothing of the CT on disk, not even in the temp folder
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [e.name]));
    expect(files(h.archiveDir).filter((f) => f.endsWith('.dcm'))).toHaveLength(1);
  });
});
