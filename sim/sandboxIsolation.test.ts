// Sandboxes are isolated on the DICOM side too (issue 11, access control): the listener routes an association by
// its called AE title to one sandbox and accepts only that sandbox's known nodes as calling AEs (PS3.8 9.3.4,
// A-ASSOCIATE-RJ reason 3 "calling AE title not recognized"). A node one student added to their own sandbox
// (here their workstation ADA_WS) reaches their archive, but neither another student's archive nor the demo's:
// C-ECHO and C-STORE are refused at association, and nothing is stored there. (sim/sandboxes.test.ts covers a
// calling AE no sandbox knows; this covers one that another sandbox knows.)
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxHarness, type SandboxHarness } from './testing/sandboxHarness';
import { PYDICOM_TEST_FILES, runDcmtk } from './testing/dcmtk';
import { ensureUserSandbox } from './sandboxes';

let h: SandboxHarness;
let port: number;
const CT = join(PYDICOM_TEST_FILES, 'CT_small.dcm');
const echo = (calling: string, called: string) => runDcmtk('echoscu', ['-v', '-aet', calling, '-aec', called, '127.0.0.1', String(port)], { timeoutMs: 30_000 });
const store = (calling: string, called: string) => runDcmtk('storescu', ['-v', '-aet', calling, '-aec', called, '127.0.0.1', String(port), CT], { timeoutMs: 60_000 });

let ada: Awaited<ReturnType<typeof ensureUserSandbox>>;
let bob: Awaited<ReturnType<typeof ensureUserSandbox>>;

beforeAll(async () => {
  h = await startSandboxHarness();
  port = h.services.port;
  await h.t.db.user.createMany({ data: [{ id: 'ada', name: 'Ada', email: 'ada@test' }, { id: 'bob', name: 'Bob', email: 'bob@test' }] });
  const listener = { host: '127.0.0.1', port };
  ada = await ensureUserSandbox(h.t.db, 'ada', listener);
  bob = await ensureUserSandbox(h.t.db, 'bob', listener);
  // Ada adds her own workstation to her sandbox's node table, as the PACS console's Nodes page does
  await h.t.db.dicomNode.create({ data: { sandboxId: ada.sandbox.id, aeTitle: 'ADA_WS', role: 'workstation', host: '127.0.0.1', port: 11999 } });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('a node of one sandbox calling another sandbox', () => {
  it("reaches its own sandbox's archive", async () => {
    const r = await echo('ADA_WS', ada.aes.archive);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });

  it("is refused by another student's archive and worklist, and by the demo's, as an unknown calling AE", async () => {
    for (const called of [bob.aes.archive, bob.aes.worklist, 'PACS', 'RIS']) {
      const r = await echo('ADA_WS', called);
      expect(r.code, `${called}: ${r.stdout}${r.stderr}`).not.toBe(0);
      expect(r.stdout + r.stderr, called).toMatch(/Calling AE Title Not Recognized/i);
    }
  });

  it("cannot store into another student's archive: the association is rejected and nothing is kept", async () => {
    const r = await store('ADA_WS', bob.aes.archive);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/Calling AE Title Not Recognized/i);
    expect(await h.t.db.instance.count({ where: { sandboxId: bob.sandbox.id } })).toBe(0);
    // the same file from the same node into its own archive is stored there, and only there
    const own = await store('ADA_WS', ada.aes.archive);
    expect(own.code, own.stdout + own.stderr).toBe(0);
    expect(await h.t.db.instance.count({ where: { sandboxId: ada.sandbox.id } })).toBe(1);
    expect(await h.t.db.instance.count({ where: { sandboxId: bob.sandbox.id } })).toBe(0);
    expect(await h.t.db.instance.count({ where: { sandboxId: h.sandboxId } })).toBe(0);
  });

  it('is logged as a rejected association on the called sandbox, naming the calling AE', async () => {
    const logged = await h.t.db.associationLog.findMany({ where: { sandboxId: bob.sandbox.id, callingAe: 'ADA_WS' } });
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.every((l) => l.outcome === 'rejected')).toBe(true);
    expect(logged[0].rejectReason).toMatch(/calling AE/i);
  });
});
