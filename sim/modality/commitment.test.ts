// Storage Commitment as the console asks it after a send: real C-STOREs to our archive, then N-ACTION and the
// N-EVENT-REPORT on the same association; and a DCMTK-style SCP that reports only on a new association, which the
// simulated modality (no listener) must show as pending, in the time it was given.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dimse from 'dcmjs-dimse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../prisma/testing';
import { store, type Peer } from '../dimse/client';
import { newUid } from '../ris/risUid';
import { seedDemo } from '../seed';
import { startDicomServices, type DicomServices } from '../startDicomServices';
import { PYDICOM_TEST_FILES } from '../testing/dcmtk';
import { commitInstances } from './commitment';

const { Server, Scp, responses, constants } = dimse;
const SC_CLASS = '1.2.840.10008.1.20.1';

let t: TestDb;
let services: DicomServices;
let archiveDir: string;
let pacs: Peer;
let stored: { sopClassUid: string; sopInstanceUid: string }[];

beforeAll(async () => {
  t = await createTestDb();
  await seedDemo(t.db);
  archiveDir = mkdtempSync(join(tmpdir(), 'pacslab-commit-scu-'));
  services = await startDicomServices({ db: t.db, host: '127.0.0.1', port: 0, archiveDir, databaseUrl: t.url });
  pacs = { host: '127.0.0.1', port: services.port, callingAe: 'CT1', calledAe: 'PACS', timeoutMs: 5000 };
  const files = ['CT_small.dcm', 'MR_small.dcm', 'JPEG2000.dcm'].map((f) => join(PYDICOM_TEST_FILES, f));
  const results = await store(pacs, files);
  expect(results.map((r) => r.status)).toEqual([0, 0, 0]);
  const rows = await t.db.instance.findMany({ where: { sopInstanceUid: { in: results.map((r) => r.sopInstanceUid) } } });
  stored = results.map((r) => ({ sopClassUid: rows.find((x) => x.sopInstanceUid === r.sopInstanceUid)!.sopClassUid, sopInstanceUid: r.sopInstanceUid }));
});

afterAll(async () => {
  await services?.close();
  await t?.drop();
  rmSync(archiveDir, { recursive: true, force: true });
});

describe('commitInstances against our archive', () => {
  it('commits every stored image, on the same association, well before the wait is over', async () => {
    const t0 = performance.now();
    const r = await commitInstances(pacs, stored, 10_000);
    const ms = performance.now() - t0;
    expect(r.actionStatus).toMatchObject({ status: 0, category: 'success' });
    expect(r.pending).toBe(false);
    expect(r.committed.sort()).toEqual(stored.map((s) => s.sopInstanceUid).sort());
    expect(r.failed).toEqual([]);
    expect(r.transactionUid).toMatch(/^2\.25\.\d+$/);
    expect(ms).toBeLessThan(5000);
  });

  it('an unknown SOP instance fails with reason 0x0112 "No such object instance"; the others are committed', async () => {
    const unknown = newUid();
    const r = await commitInstances(pacs, [...stored, { sopClassUid: stored[0].sopClassUid, sopInstanceUid: unknown }], 10_000);
    expect(r.pending).toBe(false);
    expect(r.committed.sort()).toEqual(stored.map((s) => s.sopInstanceUid).sort());
    expect(r.failed).toEqual([{ sopInstanceUid: unknown, reason: 0x0112, meaning: 'No such object instance' }]);
  });

  it('a stored instance asked under another SOP class fails with 0x0119 (class / instance conflict)', async () => {
    const r = await commitInstances(pacs, [{ sopClassUid: '1.2.840.10008.5.1.4.1.1.4', sopInstanceUid: stored[0].sopInstanceUid }], 10_000);
    expect(r.committed).toEqual([]);
    expect(r.failed).toEqual([{ sopInstanceUid: stored[0].sopInstanceUid, reason: 0x0119, meaning: 'Class / Instance conflict' }]);
  });
});

/** A storage commitment SCP that answers N-ACTION and never reports on that association (DCMTK-style). */
class NewAssociationOnlyScp extends Scp {
  associationRequested(association: InstanceType<typeof dimse.association.Association>) {
    for (const { context } of association.getPresentationContexts()) {
      if (context.getAbstractSyntaxUid() === SC_CLASS) context.setResult(constants.PresentationContextResult.Accept, constants.TransferSyntax.ImplicitVRLittleEndian);
      else context.setResult(constants.PresentationContextResult.RejectAbstractSyntaxNotSupported);
    }
    this.sendAssociationAccept();
  }
  associationReleaseRequested() {
    this.sendAssociationReleaseResponse();
  }
  nActionRequest(request: InstanceType<typeof dimse.requests.NActionRequest>, callback: (r: InstanceType<typeof responses.NActionResponse>) => void) {
    const r = responses.NActionResponse.fromRequest(request);
    r.setStatus(constants.Status.Success);
    callback(r);
  }
}

describe('commitInstances against an SCP that reports on a new association', () => {
  let server: InstanceType<typeof Server>;
  let port: number;
  beforeAll(async () => {
    const net = await import('node:net');
    port = await new Promise<number>((res) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => res(p));
      });
    });
    server = new Server(NewAssociationOnlyScp);
    server.listen(port);
  });
  afterAll(() => server?.close());

  it('resolves pending (nothing committed) once the wait is over, not before and not much after', async () => {
    const t0 = performance.now();
    const r = await commitInstances({ ...pacs, port, calledAe: 'DCMQRSCP' }, stored, 1500);
    const ms = performance.now() - t0;
    expect(r.actionStatus.status).toBe(0);
    expect(r).toMatchObject({ pending: true, committed: [], failed: [] });
    expect(ms).toBeGreaterThanOrEqual(1450);
    expect(ms).toBeLessThan(4000);
  });
});
