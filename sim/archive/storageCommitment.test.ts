// Storage Commitment Push Model SCP, driven by an independent peer written with dcmjs-dimse's own Client and
// Server (Debian 12's DCMTK has no storage commitment SCU), so the wrapper under test is not its own judge.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dimse from 'dcmjs-dimse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../prisma/testing';
import { splitPart10 } from '../dicom/part10';
import { seedDemo } from '../seed';
import { startDicomServices, type DicomServices } from '../startDicomServices';
import { PYDICOM_TEST_FILES } from '../testing/dcmtk';
import { rawStore } from '../testing/rawPeer';
import { eventually } from '../testing/eventually';
import { freePort } from '../testing/ports';

const { Client, Server, Scp, Dataset, requests, responses, constants } = dimse;
const SC_CLASS = '1.2.840.10008.1.20.1';
const SC_INSTANCE = '1.2.840.10008.1.20.1.1';
const CT_CLASS = '1.2.840.10008.5.1.4.1.1.2';
const MR_CLASS = '1.2.840.10008.5.1.4.1.1.4';

let t: TestDb;
let services: DicomServices;
let archiveDir: string;
let sandboxId: string;
let ctUid: string;

type Report = { eventTypeId: number; dataset: Record<string, unknown>; roles?: { scu: boolean; scp: boolean }; callingAe?: string };

// the modality's own listener, for reports on a new association
const received: Report[] = [];
let listener: InstanceType<typeof Server>;
let listenerPort: number;

class ModalityScp extends Scp {
  private roles?: { scu: boolean; scp: boolean };
  private callingAe?: string;
  associationRequested(association: InstanceType<typeof dimse.association.Association>) {
    this.callingAe = association.getCallingAeTitle();
    for (const { context } of association.getPresentationContexts()) {
      if (context.getAbstractSyntaxUid() === SC_CLASS) {
        this.roles = { scu: Boolean(context.getUserRole()), scp: Boolean(context.getProviderRole()) };
        context.setResult(constants.PresentationContextResult.Accept, constants.TransferSyntax.ImplicitVRLittleEndian);
      } else context.setResult(constants.PresentationContextResult.RejectAbstractSyntaxNotSupported);
    }
    this.sendAssociationAccept();
  }
  associationReleaseRequested() {
    this.sendAssociationReleaseResponse();
  }
  nEventReportRequest(request: InstanceType<typeof requests.NEventReportRequest>, callback: (r: InstanceType<typeof responses.NEventReportResponse>) => void) {
    received.push({ eventTypeId: request.getEventTypeId(), dataset: request.getDataset()!.getElements(), roles: this.roles, callingAe: this.callingAe });
    const r = responses.NEventReportResponse.fromRequest(request);
    r.setStatus(constants.Status.Success);
    callback(r);
  }
}

beforeAll(async () => {
  t = await createTestDb();
  sandboxId = (await seedDemo(t.db)).sandboxId;
  archiveDir = mkdtempSync(join(tmpdir(), 'pacslab-stgcmt-'));
  services = await startDicomServices({ db: t.db, host: '127.0.0.1', port: 0, archiveDir, databaseUrl: t.url });
  const file = readFileSync(join(PYDICOM_TEST_FILES, 'CT_small.dcm'));
  const p = splitPart10(file);
  ctUid = p.meta.get(0x0003)!;
  const status = await rawStore({
    port: services.port, callingAe: 'CT1', calledAe: 'PACS', transferSyntaxUid: p.transferSyntaxUid!,
    sopClassUid: CT_CLASS, sopInstanceUid: ctUid, dataset: file.subarray(p.datasetOffset),
  });
  expect(status).toBe(0);
  listenerPort = await freePort();
  listener = new Server(ModalityScp);
  listener.listen(listenerPort);
  await t.db.dicomNode.updateMany({ where: { sandboxId, aeTitle: 'CT1' }, data: { host: '127.0.0.1', port: listenerPort } });
});

afterAll(async () => {
  listener?.close();
  await services?.close();
  await t?.drop();
  rmSync(archiveDir, { recursive: true, force: true });
});

/** Sends one N-ACTION from CT1; collects N-EVENT-REPORTs that come on the same association. */
function requestCommitment(opts: { refs: { ReferencedSOPClassUID: string; ReferencedSOPInstanceUID: string }[]; transactionUid: string; lingerMs: number; actionTypeId?: number; abortAfterResponse?: boolean }) {
  const client = new Client();
  const sameAssociation: Report[] = [];
  const action = new requests.NActionRequest(SC_CLASS, SC_INSTANCE, opts.actionTypeId ?? 1);
  action.setDataset(new Dataset({ TransactionUID: opts.transactionUid, ReferencedSOPSequence: opts.refs }));
  let status: number | undefined;
  action.on('response', (r: InstanceType<typeof responses.Response>) => {
    status = r.getStatus();
    // a requester that goes away the moment it has its answer, before any report can reach it
    if (opts.abortAfterResponse) client.abort(constants.AbortSource.ServiceUser, constants.AbortReason.NotSpecified);
  });
  client.addRequest(action);
  if (!opts.abortAfterResponse) client.on('nEventReportRequest', (request: InstanceType<typeof requests.NEventReportRequest>, callback: (r: unknown) => void) => {
    sameAssociation.push({ eventTypeId: request.getEventTypeId(), dataset: request.getDataset()!.getElements() });
    const r = responses.NEventReportResponse.fromRequest(request);
    r.setStatus(constants.Status.Success);
    callback(r);
  });
  const closed = new Promise<void>((res, rej) => {
    client.on('closed', () => res());
    client.on('networkError', (e: Error) => (opts.abortAfterResponse ? res() : rej(e)));
  });
  client.send('127.0.0.1', services.port, 'CT1', 'PACS', { associationLingerTimeout: opts.lingerMs });
  return { closed, sameAssociation, status: () => status };
}

/** dcmjs adds a _vrMap to every naturalized item */
function plain(items: unknown) {
  return (items as Record<string, unknown>[] | undefined)?.map(({ _vrMap, ...rest }) => rest);
}

async function until<T>(f: () => T | undefined, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function untilAsync<T>(f: () => Promise<T | null | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Storage Commitment Push Model SCP', () => {
  it('answers N-ACTION 0000 and reports on the same association while it is open: committed, unknown (0112), class conflict (0119)', async () => {
    const r = requestCommitment({
      transactionUid: '1.2.826.0.1.3680043.8.498.1001',
      lingerMs: 2000,
      refs: [
        { ReferencedSOPClassUID: CT_CLASS, ReferencedSOPInstanceUID: ctUid },
        { ReferencedSOPClassUID: CT_CLASS, ReferencedSOPInstanceUID: '1.2.826.0.1.3680043.8.498.404' },
        { ReferencedSOPClassUID: MR_CLASS, ReferencedSOPInstanceUID: ctUid },
      ],
    });
    await r.closed;
    expect(r.status()).toBe(0x0000);
    expect(r.sameAssociation).toHaveLength(1);
    const [report] = r.sameAssociation;
    expect(report.eventTypeId).toBe(2);
    expect(report.dataset.TransactionUID).toBe('1.2.826.0.1.3680043.8.498.1001');
    expect(report.dataset.RetrieveAETitle).toBe('PACS');
    expect(plain(report.dataset.ReferencedSOPSequence)).toEqual([{ ReferencedSOPClassUID: CT_CLASS, ReferencedSOPInstanceUID: ctUid }]);
    expect(plain(report.dataset.FailedSOPSequence)).toEqual([
      { ReferencedSOPClassUID: CT_CLASS, ReferencedSOPInstanceUID: '1.2.826.0.1.3680043.8.498.404', FailureReason: 0x0112 },
      { ReferencedSOPClassUID: MR_CLASS, ReferencedSOPInstanceUID: ctUid, FailureReason: 0x0119 },
    ]);
    // the network log shows the request and the report we sent on the same association
    const sent = await untilAsync(() => t.db.dimseLog.findFirst({ where: { command: 'N-EVENT-REPORT-RQ (sent by us)', association: { callingAe: 'CT1', calledAe: 'PACS' } } }));
    expect(sent.status).toBe(0);
  });

  it('reports on a new association to the requester’s known node once its own association is gone (Event Type 1, role selection SCU 0 / SCP 1)', async () => {
    received.length = 0;
    const r = requestCommitment({ transactionUid: '1.2.826.0.1.3680043.8.498.1002', lingerMs: 0, abortAfterResponse: true, refs: [{ ReferencedSOPClassUID: CT_CLASS, ReferencedSOPInstanceUID: ctUid }] });
    await r.closed;
    expect(r.status()).toBe(0x0000);
    const report = await until(() => received[0]);
    expect(r.sameAssociation).toEqual([]);
    expect(report.callingAe).toBe('PACS');
    expect(report.roles).toEqual({ scu: false, scp: true });
    expect(report.eventTypeId).toBe(1);
    expect(report.dataset.TransactionUID).toBe('1.2.826.0.1.3680043.8.498.1002');
    expect(plain(report.dataset.ReferencedSOPSequence)).toEqual([{ ReferencedSOPClassUID: CT_CLASS, ReferencedSOPInstanceUID: ctUid }]);
    expect(report.dataset.FailedSOPSequence).toBeUndefined();
    // logged as an association of our own, PACS → CT1
    await eventually(async () => {
      const sent = await t.db.dimseLog.findFirst({ where: { command: 'N-EVENT-REPORT-RQ (sent by us)', association: { callingAe: 'PACS', calledAe: 'CT1' } }, include: { association: true } });
      expect(sent?.status).toBe(0);
      expect(sent?.association.outcome).toBe('released');
    });
  });

  it('refuses an unknown Action Type (0123) and a request without a Transaction UID (0120), and reports nothing', async () => {
    received.length = 0;
    const wrongType = requestCommitment({ transactionUid: '1.2.826.0.1.3680043.8.498.1003', lingerMs: 0, actionTypeId: 2, refs: [{ ReferencedSOPClassUID: CT_CLASS, ReferencedSOPInstanceUID: ctUid }] });
    await wrongType.closed;
    expect(wrongType.status()).toBe(0x0123);
    const noTransaction = requestCommitment({ transactionUid: '', lingerMs: 0, refs: [{ ReferencedSOPClassUID: CT_CLASS, ReferencedSOPInstanceUID: ctUid }] });
    await noTransaction.closed;
    expect(noTransaction.status()).toBe(0x0120);
    await new Promise((res) => setTimeout(res, 500));
    expect(received).toEqual([]);
  });
});
