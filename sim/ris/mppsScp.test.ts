// MPPS SCP, driven by an independent MPPS client written here on dcmjs-dimse's own Client, NCreateRequest and
// NSetRequest (not our wrapper), the way a modality reports a procedure (IHE RAD-6/RAD-7); the worklist is then
// read with DCMTK's findscu -W.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dimse from 'dcmjs-dimse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../prisma/testing';
import { seedDemo } from '../seed';
import { startDicomServices, type DicomServices } from '../startDicomServices';
import { runDcmtk } from '../testing/dcmtk';
import { localDicomDate } from './seedOrders';

const { Client, Dataset, requests } = dimse;
const MPPS = '1.2.840.10008.3.1.2.3.3';
const CT_IMAGE = '1.2.840.10008.5.1.4.1.1.2';
const IMPLICIT = '1.2.840.10008.1.2';

let t: TestDb;
let services: DicomServices;
let archiveDir: string;
let sandboxId: string;
const today = localDicomDate(new Date());
let n = 0;
const uid = () => `1.2.826.0.1.3680043.10.1234.${Date.now()}.${++n}`;

interface Answer {
  status: number;
  errorComment: string;
  errorId?: number;
  affectedSopInstanceUid: string;
}

/** One request on its own association, as many modalities do for MPPS. */
function send(request: InstanceType<typeof requests.Request>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let answer: Answer | undefined;
    request.on('response', (r: InstanceType<typeof dimse.responses.Response>) => {
      const errorId = r.getCommandDataset().getElement('ErrorID') as unknown;
      answer = {
        status: r.getStatus(),
        errorComment: r.getErrorComment() ?? '',
        errorId: typeof errorId === 'number' ? errorId : undefined,
        affectedSopInstanceUid: r.getAffectedSopInstanceUid() ?? '',
      };
    });
    client.addRequest(request);
    client.on('closed', () => (answer ? resolve(answer) : reject(new Error('no response'))));
    client.on('networkError', reject);
    client.send('127.0.0.1', services.port, 'CT1', 'RIS');
  });
}

function nCreate(instanceUid: string, attrs: Record<string, unknown>) {
  const r = new requests.NCreateRequest(MPPS, instanceUid);
  r.setDataset(new Dataset(attrs, IMPLICIT));
  return send(r);
}

function nSet(instanceUid: string, attrs: Record<string, unknown>) {
  const r = new requests.NSetRequest(MPPS, instanceUid);
  r.setDataset(new Dataset(attrs, IMPLICIT));
  return send(r);
}

/** The N-CREATE attribute list a CT would send for an order it took from the worklist (PS3.4 F.7.2-1). */
function inProgress(order: { accessionNumber: string; studyInstanceUid: string; requestedProcedureId: string; scheduledProcedureStepId: string; patientName: string; patientId: string }) {
  return {
    ScheduledStepAttributesSequence: [
      {
        StudyInstanceUID: order.studyInstanceUid,
        AccessionNumber: order.accessionNumber,
        RequestedProcedureID: order.requestedProcedureId,
        ScheduledProcedureStepID: order.scheduledProcedureStepId,
      },
    ],
    PatientName: [{ Alphabetic: order.patientName }],
    PatientID: order.patientId,
    PatientBirthDate: '',
    PatientSex: '',
    Modality: 'CT',
    StudyID: '1',
    PerformedStationAETitle: 'CT1',
    PerformedStationName: 'CT ROOM 1',
    PerformedLocation: '',
    PerformedProcedureStepStartDate: today,
    PerformedProcedureStepStartTime: '081500',
    PerformedProcedureStepEndDate: '',
    PerformedProcedureStepEndTime: '',
    PerformedProcedureStepStatus: 'IN PROGRESS',
    PerformedProcedureStepID: 'PPS0001',
    PerformedProcedureStepDescription: 'CT HEAD WITHOUT CONTRAST',
  };
}

function completed(seriesUid: string, images: string[]) {
  return {
    PerformedProcedureStepStatus: 'COMPLETED',
    PerformedProcedureStepEndDate: today,
    PerformedProcedureStepEndTime: '083000',
    PerformedSeriesSequence: [
      {
        SeriesInstanceUID: seriesUid,
        RetrieveAETitle: 'PACS',
        SeriesDescription: 'AXIAL 5MM',
        ProtocolName: 'HEAD ROUTINE',
        ReferencedImageSequence: images.map((i) => ({ ReferencedSOPClassUID: CT_IMAGE, ReferencedSOPInstanceUID: i })),
      },
    ],
  };
}

async function order(suffix: string) {
  return t.db.order.findUniqueOrThrow({ where: { sandboxId_accessionNumber: { sandboxId, accessionNumber: `A${today}-${suffix}` } } });
}

async function onWorklist(accession: string): Promise<boolean> {
  const r = await runDcmtk('findscu', ['-W', '-aet', 'CT1', '-aec', 'RIS', '127.0.0.1', String(services.port), '-k', `AccessionNumber=${accession}`, '-k', 'PatientName', '-k', '(0040,0100)[0].Modality']);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return /Find Response: 1 \(Pending\)/.test(r.stdout + r.stderr);
}

beforeAll(async () => {
  t = await createTestDb();
  sandboxId = (await seedDemo(t.db)).sandboxId;
  archiveDir = mkdtempSync(join(tmpdir(), 'pacslab-mpps-'));
  services = await startDicomServices({ db: t.db, host: '127.0.0.1', port: 0, archiveDir, databaseUrl: t.url });
});
afterAll(async () => {
  await services?.close();
  await t?.drop();
  rmSync(archiveDir, { recursive: true, force: true });
});

describe('MPPS SCP (independent dcmjs-dimse client)', () => {
  it('N-CREATE IN PROGRESS then N-SET COMPLETED: the order completes, its series are kept, it leaves the worklist', async () => {
    const o = await order('02');
    expect(await onWorklist(o.accessionNumber)).toBe(true);
    const mpps = uid();
    expect(await nCreate(mpps, inProgress(o))).toMatchObject({ status: 0x0000, affectedSopInstanceUid: mpps });
    expect((await order('02')).status).toBe('in-progress');
    expect(await onWorklist(o.accessionNumber)).toBe(false);

    const series = uid();
    const images = [uid(), uid(), uid()];
    expect((await nSet(mpps, completed(series, images))).status).toBe(0x0000);
    expect((await order('02')).status).toBe('completed');
    const step = await t.db.performedProcedureStep.findUniqueOrThrow({ where: { sandboxId_sopInstanceUid: { sandboxId, sopInstanceUid: mpps } } });
    expect(step).toMatchObject({ status: 'COMPLETED', orderId: o.id, performedStationAeTitle: 'CT1', modality: 'CT', sourceAe: 'CT1' });
    expect(step.performedSeries).toEqual([
      { SeriesInstanceUID: series, RetrieveAETitle: 'PACS', SeriesDescription: 'AXIAL 5MM', ReferencedImageSequence: images.map((i) => ({ ReferencedSOPClassUID: CT_IMAGE, ReferencedSOPInstanceUID: i })) },
    ]);
    expect(await onWorklist(o.accessionNumber)).toBe(false);

    // PS3.4 F.7.2.2.2: a finished step may no longer be updated
    const again = await nSet(mpps, { PerformedProcedureStepStatus: 'DISCONTINUED' });
    expect(again).toMatchObject({ status: 0x0110, errorId: 0xa710, errorComment: 'Performed Procedure Step Object may no longer be updated' });
    expect((await order('02')).status).toBe('completed');
  });

  it('N-CREATE of an instance that exists gets 0111; N-SET of an unknown one 0112', async () => {
    const o = await order('06');
    const mpps = uid();
    expect((await nCreate(mpps, inProgress(o))).status).toBe(0x0000);
    expect((await nCreate(mpps, inProgress(o))).status).toBe(0x0111);
    expect((await nSet(uid(), completed(uid(), [uid()]))).status).toBe(0x0112);
  });

  it('N-SET DISCONTINUED discontinues the order; then no update is taken', async () => {
    const o = await order('09');
    const mpps = uid();
    expect((await nCreate(mpps, inProgress(o))).status).toBe(0x0000);
    expect((await nSet(mpps, { PerformedProcedureStepStatus: 'DISCONTINUED', PerformedProcedureStepEndDate: today, PerformedProcedureStepEndTime: '134000' })).status).toBe(0x0000);
    expect((await order('09')).status).toBe('discontinued');
    expect(await nSet(mpps, completed(uid(), [uid()]))).toMatchObject({ status: 0x0110, errorId: 0xa710 });
  });

  it('enforces the attribute rules of PS3.4 F.7.2-1 with their statuses', async () => {
    const o = await order('13');
    const { PerformedStationAETitle: _, ...noStation } = inProgress(o);
    expect((await nCreate(uid(), noStation)).status).toBe(0x0120);
    expect((await nCreate(uid(), { ...inProgress(o), PerformedProcedureStepID: '' })).status).toBe(0x0121);
    expect((await nCreate(uid(), { ...inProgress(o), PerformedProcedureStepStatus: 'COMPLETED' })).status).toBe(0x0106);
    expect((await nCreate(uid(), { ...inProgress(o), PerformedProcedureStepStatus: 'STARTED' })).status).toBe(0x0106);
    expect((await order('13')).status).toBe('scheduled');

    const mpps = uid();
    expect((await nCreate(mpps, inProgress(o))).status).toBe(0x0000);
    // N-SET may not change the patient or the step's identity ("Not allowed" in N-SET)
    expect((await nSet(mpps, { PatientName: [{ Alphabetic: 'SOMEONE^ELSE' }] })).status).toBe(0x0105);
    expect((await nSet(mpps, { PerformedProcedureStepStatus: 'FINISHED' })).status).toBe(0x0106);
    // COMPLETED needs its final-state values: no Performed Series Sequence yet
    expect((await nSet(mpps, { PerformedProcedureStepStatus: 'COMPLETED', PerformedProcedureStepEndDate: today, PerformedProcedureStepEndTime: '170000' })).status).toBe(0x0121);
    // an N-SET that stays IN PROGRESS is fine, and the later COMPLETED takes the values set before
    expect((await nSet(mpps, { PerformedProcedureStepEndDate: today, PerformedProcedureStepEndTime: '170000' })).status).toBe(0x0000);
    expect((await nSet(mpps, { PerformedProcedureStepStatus: 'COMPLETED', PerformedSeriesSequence: completed(uid(), [uid()]).PerformedSeriesSequence })).status).toBe(0x0000);
    expect((await order('13')).status).toBe('completed');
  });

  it('creates the instance UID when the N-CREATE leaves it out, and returns it (PS3.7 10.1.5.1.4)', async () => {
    const o = await order('12');
    const r = await nCreate('', inProgress(o));
    expect(r.status).toBe(0x0000);
    expect(r.affectedSopInstanceUid).toMatch(/^2\.25\.\d+$/);
    expect((await nSet(r.affectedSopInstanceUid, completed(uid(), [uid()]))).status).toBe(0x0000);
    expect((await order('12')).status).toBe('completed');
  });

  it('keeps an unscheduled step (no order matches) without touching any order', async () => {
    const mpps = uid();
    const attrs = { ...inProgress({ accessionNumber: 'NOSUCH', studyInstanceUid: uid(), requestedProcedureId: '', scheduledProcedureStepId: '', patientName: 'DOE^JANE', patientId: 'X1' }) };
    expect((await nCreate(mpps, attrs)).status).toBe(0x0000);
    const step = await t.db.performedProcedureStep.findUniqueOrThrow({ where: { sandboxId_sopInstanceUid: { sandboxId, sopInstanceUid: mpps } } });
    expect(step.orderId).toBeNull();
  });
});
