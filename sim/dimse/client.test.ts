// Our SCU against our own archive over real sockets, and the failures a console must name.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import dimse from 'dcmjs-dimse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDb } from '../../prisma/testing';
import { splitPart10 } from '../dicom/part10';
import type { DicomServices } from '../startDicomServices';
import { startSandboxHarness, type SandboxHarness } from '../testing/sandboxHarness';
import { PYDICOM_TEST_FILES } from '../testing/dcmtk';
import { eventually } from '../testing/eventually';
import { echo, find, nCreate, nSet, requestStorageCommitment, ScuError, store, type Peer } from './client';

let harness: SandboxHarness;
let t: TestDb;
let services: DicomServices;
let archiveDir: string;
let sandboxId: string;
let peer: Peer;

beforeAll(async () => {
  harness = await startSandboxHarness();
  ({ t, services, archiveDir, sandboxId } = harness);
  peer = { host: '127.0.0.1', port: services.port, callingAe: 'CT1', calledAe: 'PACS', timeoutMs: 5000 };
});

afterAll(async () => {
  await harness?.close();
});

function closedPort() {
  return new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function failure(p: Promise<unknown>) {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(ScuError);
  return (e as ScuError).failure;
}

describe('SCU client', () => {
  it('C-ECHO succeeds', async () => {
    const r = await echo(peer);
    expect(r).toMatchObject({ status: 0, category: 'success' });
  });

  it('names a rejected calling AE and a rejected called AE with the PS3.8 reason', async () => {
    expect(await failure(echo({ ...peer, callingAe: 'STRANGER' }))).toMatchObject({ kind: 'association-rejected', reason: 3, message: expect.stringContaining('calling AE title not recognized') });
    expect(await failure(echo({ ...peer, calledAe: 'PACZ' }))).toMatchObject({ kind: 'association-rejected', reason: 7, message: expect.stringContaining('called AE title not recognized') });
  });

  it('names a closed port as connection refused', async () => {
    const closed = await closedPort();
    expect(await failure(echo({ ...peer, port: closed }))).toMatchObject({ kind: 'connection-refused' });
  });

  it('stores files byte for byte in their own transfer syntax, private tags included', async () => {
    const files = ['CT_small.dcm', 'MR_small.dcm', 'JPEG2000.dcm'].map((f) => join(PYDICOM_TEST_FILES, f));
    const progress: number[] = [];
    const results = await store(peer, files, (done) => progress.push(done));
    expect(results.map((r) => r.status)).toEqual([0, 0, 0]);
    expect(progress).toEqual([1, 2, 3]);
    for (const [i, file] of files.entries()) {
      const original = readFileSync(file);
      const row = await t.db.instance.findUniqueOrThrow({ where: { sandboxId_sopInstanceUid: { sandboxId, sopInstanceUid: results[i].sopInstanceUid } } });
      const stored = readFileSync(join(archiveDir, ...row.filePath.split('/')));
      expect(stored.subarray(splitPart10(stored).datasetOffset).equals(original.subarray(splitPart10(original).datasetOffset))).toBe(true);
      expect(row.transferSyntaxUid).toBe(splitPart10(original).transferSyntaxUid);
    }
  });
});

/** Accepts everything and answers any request with an A-ABORT, as a PACS that gives up mid-association. */
class AbortingScp extends dimse.Scp {
  associationRequested(association: InstanceType<typeof dimse.association.Association>) {
    for (const { context } of association.getPresentationContexts()) context.setResult(dimse.constants.PresentationContextResult.Accept, dimse.constants.TransferSyntax.ImplicitVRLittleEndian);
    this.sendAssociationAccept();
  }
  cEchoRequest() {
    this.sendAbort(dimse.constants.AbortSource.ServiceProvider, dimse.constants.AbortReason.NotSpecified);
  }
  nCreateRequest() {
    this.sendAbort(dimse.constants.AbortSource.ServiceProvider, dimse.constants.AbortReason.NotSpecified);
  }
}

describe('SCU client and a peer that aborts', () => {
  it('names an A-ABORT as aborted, for C-ECHO and N-CREATE', async () => {
    const server = new dimse.Server(AbortingScp);
    const port = await closedPort();
    server.listen(port);
    try {
      expect(await failure(echo({ ...peer, port, calledAe: 'ABORTER' }))).toMatchObject({ kind: 'aborted', message: expect.stringContaining('ABORTER aborted') });
      expect(await failure(nCreate({ ...peer, port, calledAe: 'ABORTER' }, '1.2.840.10008.3.1.2.3.3', '1.2.3.4', { PatientID: 'X' }))).toMatchObject({ kind: 'aborted' });
    } finally {
      server.close();
    }
  });
});

describe('SCU client C-FIND against the archive', () => {
  it('finds the stored studies with a Study Root C-FIND, every pending response delivered', async () => {
    const r = await find(peer, 'study', { QueryRetrieveLevel: 'STUDY', PatientName: 'CompressedSamples*', StudyInstanceUID: '', NumberOfStudyRelatedInstances: '' });
    expect(r.final.status).toBe(0);
    expect(r.matches.length).toBeGreaterThanOrEqual(2);
    expect(r.matches.every((m) => typeof m.StudyInstanceUID === 'string' && m.StudyInstanceUID.length > 0)).toBe(true);
  });

  it('answers a malformed identifier with a failure status, not silence', async () => {
    const r = await find(peer, 'study', { QueryRetrieveLevel: 'STUDY', StudyDate: 'not-a-date', StudyInstanceUID: '' });
    expect(r.final.category).toBe('failure');
    expect(r.matches).toEqual([]);
  });
});

const MPPS = '1.2.840.10008.3.1.2.3.3';

/** Accepts any association, and no presentation context but storage (the storage commitment one is rejected). */
class StorageOnlyScp extends dimse.Scp {
  associationRequested(association: InstanceType<typeof dimse.association.Association>) {
    for (const { context } of association.getPresentationContexts()) context.setResult(dimse.constants.PresentationContextResult.RejectAbstractSyntaxNotSupported);
    this.sendAssociationAccept();
  }
  associationReleaseRequested() {
    this.sendAssociationReleaseResponse();
  }
}
const CT_IMAGE = '1.2.840.10008.5.1.4.1.1.2';
let uidSeq = 0;
const uid = () => `1.2.826.0.1.3680043.10.1234.${Date.now()}.${++uidSeq}`;

describe('SCU client N-CREATE / N-SET (MPPS on the RIS)', () => {
  const ris = () => ({ ...peer, calledAe: 'RIS' });
  const inProgress = () => ({
    ScheduledStepAttributesSequence: [{ StudyInstanceUID: uid(), AccessionNumber: '', RequestedProcedureID: '', ScheduledProcedureStepID: '' }],
    PatientName: 'WALK^IN',
    PatientID: 'W1',
    PerformedProcedureStepID: 'PPS1',
    PerformedStationAETitle: 'CT1',
    PerformedProcedureStepStartDate: '20261128',
    PerformedProcedureStepStartTime: '101010',
    PerformedProcedureStepStatus: 'IN PROGRESS',
    PerformedProcedureStepEndDate: '',
    PerformedProcedureStepEndTime: '',
    Modality: 'CT',
    PerformedSeriesSequence: [],
  });

  it('N-CREATE then N-SET: statuses, and the Error Comment / Error ID of a refusal', async () => {
    const instance = uid();
    expect(await nCreate(ris(), MPPS, instance, inProgress())).toMatchObject({ status: 0, category: 'success' });
    const dup = await nCreate(ris(), MPPS, instance, inProgress());
    expect(dup).toMatchObject({ status: 0x0111, category: 'failure', errorComment: expect.stringMatching(/^MPPS .* already exis/) });
    const series = [{ SeriesInstanceUID: uid(), ReferencedImageSequence: [{ ReferencedSOPClassUID: CT_IMAGE, ReferencedSOPInstanceUID: uid() }] }];
    expect(await nSet(ris(), MPPS, instance, { PerformedProcedureStepStatus: 'COMPLETED', PerformedProcedureStepEndDate: '20261128', PerformedProcedureStepEndTime: '111111', PerformedSeriesSequence: series })).toMatchObject({ status: 0 });
    expect(await nSet(ris(), MPPS, instance, { PerformedProcedureStepStatus: 'DISCONTINUED' })).toMatchObject({ status: 0x0110, errorId: 0xa710 });
  });

  it('an empty instance UID leaves it to the SCP, which returns the one it made (PS3.7 10.1.5.1.4)', async () => {
    const r = await nCreate(ris(), MPPS, '', inProgress());
    expect(r.status).toBe(0);
    expect(r.affectedSopInstanceUid).toMatch(/^2\.25\.\d+$/);
  });

  it('names a closed port and a rejected calling AE', async () => {
    expect(await failure(nCreate({ ...ris(), port: await closedPort() }, MPPS, uid(), inProgress()))).toMatchObject({ kind: 'connection-refused' });
    expect(await failure(nSet({ ...ris(), callingAe: 'STRANGER' }, MPPS, uid(), { PerformedProcedureStepEndDate: '20261128' }))).toMatchObject({ kind: 'association-rejected', reason: 3 });
  });

  it('refuses to send an empty attribute list (the peer would wait for a data set that never comes)', async () => {
    await expect(nSet(ris(), MPPS, uid(), {})).rejects.toThrow(/N-SET needs at least one attribute/);
  });
});

describe('SCU client storage commitment (N-ACTION, N-EVENT-REPORT on the same association)', () => {
  it('commits what the archive holds, fails the rest with 0112, answering the report on the same association', async () => {
    const [res] = await store(peer, [join(PYDICOM_TEST_FILES, 'CT_small.dcm')]);
    expect(res.status).toBe(0);
    const missing = uid();
    const r = await requestStorageCommitment(peer, [
      { sopClassUid: CT_IMAGE, sopInstanceUid: res.sopInstanceUid },
      { sopClassUid: CT_IMAGE, sopInstanceUid: missing },
    ], { transactionUid: '1.2.826.0.1.3680043.10.1234.77', waitMs: 5000 });
    expect(r).toEqual({
      transactionUid: '1.2.826.0.1.3680043.10.1234.77',
      actionStatus: { status: 0, category: 'success', meaning: expect.any(String) },
      pending: false,
      committed: [res.sopInstanceUid],
      failed: [{ sopInstanceUid: missing, reason: 0x0112, meaning: 'No such object instance' }],
    });
    // our archive logged the N-EVENT-REPORT it sent and our answer to it: success
    await eventually(async () => {
      const sent = await t.db.dimseLog.findFirst({ where: { command: 'N-EVENT-REPORT-RQ (sent by us)', association: { callingAe: 'CT1', calledAe: 'PACS' } }, orderBy: { at: 'desc' } });
      expect(sent?.status).toBe(0);
    });
  });

  it('a refused N-ACTION comes back at once with its status, nothing pending', async () => {
    const t0 = performance.now();
    // a leading zero in a UID component is invalid (PS3.5 9.1): the archive answers 0115
    const r = await requestStorageCommitment(peer, [{ sopClassUid: CT_IMAGE, sopInstanceUid: uid() }], { transactionUid: '1.2.03', waitMs: 10_000 });
    expect(r.actionStatus).toMatchObject({ status: 0x0115, category: 'failure' });
    expect(r).toMatchObject({ pending: false, committed: [], failed: [] });
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it('names a closed port, a rejected calling AE, and a peer that offers no storage commitment', async () => {
    const refs = [{ sopClassUid: CT_IMAGE, sopInstanceUid: uid() }];
    expect(await failure(requestStorageCommitment({ ...peer, port: await closedPort() }, refs))).toMatchObject({ kind: 'connection-refused' });
    expect(await failure(requestStorageCommitment({ ...peer, callingAe: 'STRANGER' }, refs))).toMatchObject({ kind: 'association-rejected', reason: 3, message: expect.stringContaining('calling AE title not recognized') });
    // the RIS AE offers no storage commitment: with nothing it can accept it rejects the whole association
    expect(await failure(requestStorageCommitment({ ...peer, calledAe: 'RIS' }, refs))).toMatchObject({ kind: 'association-rejected' });
    // a peer that accepts the association but not the SOP class (a plain storescp would)
    const server = new dimse.Server(StorageOnlyScp);
    const port = await closedPort();
    server.listen(port);
    try {
      expect(await failure(requestStorageCommitment({ ...peer, port, calledAe: 'STORESCP' }, refs))).toMatchObject({ kind: 'network-error', message: expect.stringContaining('offers no storage commitment') });
    } finally {
      server.close();
    }
  });

  it('names a peer that takes the connection and never answers as a timeout', async () => {
    const silent = createServer(() => {}).listen(0, '127.0.0.1');
    await new Promise((r) => silent.once('listening', r));
    const port = (silent.address() as { port: number }).port;
    try {
      const t0 = performance.now();
      expect(await failure(requestStorageCommitment({ ...peer, port, timeoutMs: 1500 }, [{ sopClassUid: CT_IMAGE, sopInstanceUid: uid() }]))).toMatchObject({ kind: 'timeout' });
      expect(performance.now() - t0).toBeLessThan(4000);
    } finally {
      silent.close();
    }
  });

  it('refuses to send a request with nothing in it or a malformed UID', async () => {
    await expect(requestStorageCommitment(peer, [])).rejects.toThrow(/at least one instance/);
    await expect(requestStorageCommitment(peer, [{ sopClassUid: CT_IMAGE, sopInstanceUid: '1.2.3.abc' }])).rejects.toThrow(/cannot ask to commit/);
  });
});
