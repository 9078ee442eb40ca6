// The console's MPPS: the attribute builders (pure), then N-CREATE / N-SET over real sockets to our RIS, which
// moves the order it came from the worklist; a second N-SET after COMPLETED is refused as the standard says.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../prisma/testing';
import { ScuError, type Peer } from '../dimse/client';
import { newUid } from '../ris/risUid';
import { seedDemo } from '../seed';
import { startDicomServices, type DicomServices } from '../startDicomServices';
import { createMpps, DISCONTINUATION_REASONS, mppsCreateAttributes, mppsSetAttributes, setMpps } from './mpps';
import { localDicomDate, queryWorklist, type WorklistItem } from './worklist';

const CT_IMAGE = '1.2.840.10008.5.1.4.1.1.2';
const today = localDicomDate(new Date());

const item: WorklistItem = {
  patientName: 'OKAFOR^CHIDI', patientId: 'MRN100871', patientBirthDate: '19870622', patientSex: 'M', accessionNumber: 'A20261128-02',
  requestedProcedureId: 'RP2026112802', requestedProcedureDescription: 'CT HEAD WITHOUT CONTRAST', scheduledProcedureStepId: 'SPS2026112802',
  scheduledProcedureStepDescription: 'CT HEAD WITHOUT CONTRAST (CT-HEAD-WO)', modality: 'CT', scheduledStationAeTitle: 'CT1',
  scheduledStartDate: '20261128', scheduledStartTime: '080000', studyInstanceUid: '2.25.1234', referringPhysicianName: 'MENDEZ^CARLOS^^DR', scheduledPerformingPhysicianName: '',
};
const patient = { patientId: item.patientId, patientName: item.patientName, patientBirthDate: item.patientBirthDate, patientSex: item.patientSex };

describe('MPPS attribute builders', () => {
  it('N-CREATE: IN PROGRESS, the scheduled step from the worklist item, empty end and empty Performed Series Sequence', () => {
    const a = mppsCreateAttributes({ item, patient, studyInstanceUid: item.studyInstanceUid, performedStationAeTitle: 'CT1', stationName: 'CT ROOM 1', modality: 'CT', performedProcedureStepId: 'PPS1', start: new Date(2026, 10, 28, 8, 5, 9) });
    expect(a).toMatchObject({
      PerformedProcedureStepStatus: 'IN PROGRESS',
      PerformedProcedureStepStartDate: '20261128',
      PerformedProcedureStepStartTime: '080509',
      PerformedProcedureStepEndDate: '',
      PerformedProcedureStepEndTime: '',
      PerformedSeriesSequence: [],
      PerformedStationAETitle: 'CT1',
      PerformedStationName: 'CT ROOM 1',
      PerformedProcedureStepID: 'PPS1',
      Modality: 'CT',
      PatientName: [{ Alphabetic: 'OKAFOR^CHIDI' }],
      PatientID: 'MRN100871',
    });
    expect(a.ScheduledStepAttributesSequence).toEqual([
      { StudyInstanceUID: '2.25.1234', ReferencedStudySequence: [], AccessionNumber: 'A20261128-02', RequestedProcedureID: 'RP2026112802', RequestedProcedureDescription: 'CT HEAD WITHOUT CONTRAST', ScheduledProcedureStepID: 'SPS2026112802', ScheduledProcedureStepDescription: 'CT HEAD WITHOUT CONTRAST (CT-HEAD-WO)', ScheduledProtocolCodeSequence: [] },
    ]);
    expect(a.SpecificCharacterSet).toBeUndefined();
  });

  it('N-CREATE unscheduled: one item with only the study UID; non-ASCII names get ISO_IR 192; Type 1 values are required', () => {
    const a = mppsCreateAttributes({ patient: { patientId: 'X1', patientName: 'MÜLLER^JÖRG' }, studyInstanceUid: '2.25.99', performedStationAeTitle: 'CT1', modality: 'CT', performedProcedureStepId: 'PPS2', start: new Date() });
    const [ssa] = a.ScheduledStepAttributesSequence as Record<string, unknown>[];
    expect(ssa).toMatchObject({ StudyInstanceUID: '2.25.99', AccessionNumber: '', ScheduledProcedureStepID: '', RequestedProcedureID: '' });
    expect(a.SpecificCharacterSet).toBe('ISO_IR 192');
    expect(() => mppsCreateAttributes({ patient, studyInstanceUid: '2.25.1', performedStationAeTitle: '', modality: 'CT', performedProcedureStepId: 'P', start: new Date() })).toThrow(/Performed Station AE Title is required/);
  });

  it('N-SET: final status, end, the series with their images, the discontinuation reason as a DCM code', () => {
    const done = mppsSetAttributes({ status: 'COMPLETED', end: new Date(2026, 10, 28, 8, 30, 0), operator: 'TECH^ANN', series: [{ seriesInstanceUid: '2.25.5', seriesDescription: 'AXIAL 5MM', protocolName: 'HEAD', retrieveAeTitle: 'PACS', images: [{ sopClassUid: CT_IMAGE, sopInstanceUid: '2.25.6' }] }] });
    expect(done).toMatchObject({ PerformedProcedureStepStatus: 'COMPLETED', PerformedProcedureStepEndDate: '20261128', PerformedProcedureStepEndTime: '083000' });
    expect((done.PerformedSeriesSequence as Record<string, unknown>[])[0]).toMatchObject({
      SeriesInstanceUID: '2.25.5', SeriesDescription: 'AXIAL 5MM', ProtocolName: 'HEAD', RetrieveAETitle: 'PACS', OperatorsName: [{ Alphabetic: 'TECH^ANN' }],
      ReferencedImageSequence: [{ ReferencedSOPClassUID: CT_IMAGE, ReferencedSOPInstanceUID: '2.25.6' }],
    });
    expect(done.PerformedProcedureStepDiscontinuationReasonCodeSequence).toBeUndefined();
    const stopped = mppsSetAttributes({ status: 'DISCONTINUED', end: new Date(), series: [], discontinuationReason: '110514' });
    expect(stopped.PerformedProcedureStepDiscontinuationReasonCodeSequence).toEqual([{ CodeValue: '110514', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Incorrect worklist entry selected' }]);
    expect(() => mppsSetAttributes({ status: 'DISCONTINUED', end: new Date(), series: [], discontinuationReason: '999999' })).toThrow(/unknown discontinuation reason/);
    expect(() => mppsSetAttributes({ status: 'COMPLETED', end: new Date(), series: [] })).toThrow(/at least one performed series/);
    expect(DISCONTINUATION_REASONS.find((r) => r.code === '110501')?.meaning).toBe('Equipment failure');
  });
});

let t: TestDb;
let services: DicomServices;
let archiveDir: string;
let sandboxId: string;
let ris: Peer;

beforeAll(async () => {
  t = await createTestDb();
  sandboxId = (await seedDemo(t.db)).sandboxId;
  archiveDir = mkdtempSync(join(tmpdir(), 'pacslab-mpps-scu-'));
  services = await startDicomServices({ db: t.db, host: '127.0.0.1', port: 0, archiveDir, databaseUrl: t.url });
  ris = { host: '127.0.0.1', port: services.port, callingAe: 'CT1', calledAe: 'RIS', timeoutMs: 5000 };
});

afterAll(async () => {
  await services?.close();
  await t?.drop();
  rmSync(archiveDir, { recursive: true, force: true });
});

async function worklistItem(suffix: string): Promise<WorklistItem> {
  const { items } = await queryWorklist(ris, { accessionNumber: `A${today}-${suffix}` });
  expect(items).toHaveLength(1);
  return items[0];
}

const orderStatus = async (suffix: string) => (await t.db.order.findUniqueOrThrow({ where: { sandboxId_accessionNumber: { sandboxId, accessionNumber: `A${today}-${suffix}` } } })).status;

function start(wl: WorklistItem, ppsId: string) {
  return mppsCreateAttributes({ item: wl, patient: wl, studyInstanceUid: wl.studyInstanceUid, performedStationAeTitle: 'CT1', stationName: 'CT ROOM 1', modality: 'CT', performedProcedureStepId: ppsId, start: new Date() });
}

describe('MPPS SCU against our RIS', () => {
  it('N-CREATE puts the order in progress; N-SET COMPLETED completes it; a second N-SET is refused 0110 / A710', async () => {
    const wl = await worklistItem('02');
    const created = await createMpps(ris, start(wl, 'PPS-02'));
    expect(created.outcome).toMatchObject({ status: 0, category: 'success' });
    expect(created.sopInstanceUid).toMatch(/^2\.25\.\d+$/);
    expect(await orderStatus('02')).toBe('in-progress');
    // it left the worklist, as a step in progress does
    expect((await queryWorklist(ris, { accessionNumber: wl.accessionNumber })).items).toEqual([]);

    const series = newUid();
    const images = [newUid(), newUid()].map((u) => ({ sopClassUid: CT_IMAGE, sopInstanceUid: u }));
    const done = await setMpps(ris, created.sopInstanceUid, mppsSetAttributes({ status: 'COMPLETED', end: new Date(), series: [{ seriesInstanceUid: series, seriesDescription: 'AXIAL 5MM', retrieveAeTitle: 'PACS', images }] }));
    expect(done).toMatchObject({ status: 0, category: 'success' });
    expect(await orderStatus('02')).toBe('completed');
    const step = await t.db.performedProcedureStep.findUniqueOrThrow({ where: { sandboxId_sopInstanceUid: { sandboxId, sopInstanceUid: created.sopInstanceUid } } });
    expect(step).toMatchObject({ status: 'COMPLETED', performedStationAeTitle: 'CT1', modality: 'CT', sourceAe: 'CT1' });
    expect(step.performedSeries).toEqual([{ SeriesInstanceUID: series, RetrieveAETitle: 'PACS', SeriesDescription: 'AXIAL 5MM', ReferencedImageSequence: images.map((i) => ({ ReferencedSOPClassUID: i.sopClassUid, ReferencedSOPInstanceUID: i.sopInstanceUid })) }]);

    // PS3.4 F.7.2.2.2: "Performed Procedure Step Object may no longer be updated"
    const again = await setMpps(ris, created.sopInstanceUid, mppsSetAttributes({ status: 'DISCONTINUED', end: new Date(), series: [], discontinuationReason: '110513' }));
    expect(again).toMatchObject({ status: 0x0110, category: 'failure', errorId: 0xa710, errorComment: 'Performed Procedure Step Object may no longer be updated' });
    expect(await orderStatus('02')).toBe('completed');
  });

  it('N-SET DISCONTINUED with a reason code discontinues the order and keeps the reason', async () => {
    const wl = await worklistItem('06');
    const created = await createMpps(ris, start(wl, 'PPS-06'));
    expect(created.outcome.status).toBe(0);
    const stopped = await setMpps(ris, created.sopInstanceUid, mppsSetAttributes({ status: 'DISCONTINUED', end: new Date(), series: [], discontinuationReason: '110501' }));
    expect(stopped.status).toBe(0);
    expect(await orderStatus('06')).toBe('discontinued');
    const step = await t.db.performedProcedureStep.findUniqueOrThrow({ where: { sandboxId_sopInstanceUid: { sandboxId, sopInstanceUid: created.sopInstanceUid } } });
    expect(step.status).toBe('DISCONTINUED');
    const code = (step.attributes as Record<string, unknown>).PerformedProcedureStepDiscontinuationReasonCodeSequence as Record<string, unknown>[];
    expect(code[0]).toMatchObject({ CodeValue: '110501', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Equipment failure' });
  });

  it('an unscheduled step (hand registration) is taken but moves no order; a duplicate N-CREATE gets 0111', async () => {
    const uid = newUid();
    const attrs = mppsCreateAttributes({ patient: { patientId: 'WALKIN1', patientName: 'WALK^IN' }, studyInstanceUid: newUid(), performedStationAeTitle: 'CT1', modality: 'CT', performedProcedureStepId: 'PPS-U', start: new Date() });
    const created = await createMpps(ris, attrs, uid);
    expect(created).toMatchObject({ sopInstanceUid: uid, outcome: { status: 0 } });
    const step = await t.db.performedProcedureStep.findUniqueOrThrow({ where: { sandboxId_sopInstanceUid: { sandboxId, sopInstanceUid: uid } } });
    expect(step.orderId).toBeNull();
    expect((await createMpps(ris, attrs, uid)).outcome).toMatchObject({ status: 0x0111, category: 'failure' });
  });

  it('N-SET of an instance the RIS does not hold is answered 0112', async () => {
    expect((await setMpps(ris, newUid(), { PerformedProcedureStepEndDate: today })).status).toBe(0x0112);
  });

  it('association failures are ScuErrors: unknown calling AE rejected with reason 3', async () => {
    const e = await createMpps({ ...ris, callingAe: 'NOBODY' }, start(await worklistItem('09'), 'PPS-X')).then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(ScuError);
    expect((e as ScuError).failure).toMatchObject({ kind: 'association-rejected', reason: 3 });
    expect(await orderStatus('09')).toBe('scheduled');
  });
});
