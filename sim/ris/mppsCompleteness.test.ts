import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../prisma/testing';
import { seedDemo } from '../seed';
import { mppsCompleteness } from './mppsCompleteness';

let t: TestDb;
let sandboxId: string;

beforeAll(async () => {
  t = await createTestDb();
  sandboxId = (await seedDemo(t.db)).sandboxId;
  const patient = await t.db.patient.create({ data: { sandboxId, patientId: 'MRN1', patientName: 'DOE^JANE' } });
  const study = await t.db.study.create({ data: { sandboxId, patientRefId: patient.id, studyInstanceUid: '1.2.3' } });
  const s1 = await t.db.series.create({ data: { sandboxId, studyRefId: study.id, seriesInstanceUid: '1.2.3.1', modality: 'CT' } });
  const s2 = await t.db.series.create({ data: { sandboxId, studyRefId: study.id, seriesInstanceUid: '1.2.3.2', modality: 'CT' } });
  for (const [uid, series] of [['1.2.3.1.1', s1], ['1.2.3.1.2', s1], ['1.2.3.1.3', s2]] as const) {
    await t.db.instance.create({ data: { sandboxId, seriesRefId: series.id, sopInstanceUid: uid, sopClassUid: '1.2.840.10008.5.1.4.1.1.2', transferSyntaxUid: '1.2.840.10008.1.2.1', filePath: `x/${uid}`, fileSize: 1n } });
  }
  await t.db.performedProcedureStep.create({
    data: {
      sandboxId, sopInstanceUid: '9.9.1', status: 'COMPLETED', attributes: {},
      performedSeries: [{ SeriesInstanceUID: '1.2.3.1', ReferencedImageSequence: ['1.2.3.1.1', '1.2.3.1.2', '1.2.3.1.3', '1.2.3.1.4'].map((u) => ({ ReferencedSOPInstanceUID: u })) }],
    },
  });
});
afterAll(async () => {
  await t?.drop();
});

describe('MPPS completeness', () => {
  it('names the announced images the archive does not hold, and those stored under another series', async () => {
    expect(await mppsCompleteness(t.db, sandboxId, '9.9.1')).toEqual({
      mppsUid: '9.9.1', status: 'COMPLETED', accessionNumber: null, announced: 4, received: 3,
      missing: ['1.2.3.1.4'], inOtherSeries: ['1.2.3.1.3'], complete: false,
    });
    expect(await mppsCompleteness(t.db, sandboxId, '9.9.404')).toBeNull();
  });
});
