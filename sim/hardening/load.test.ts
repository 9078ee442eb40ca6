// Classroom load in CI, DICOM part only (issue 11): a few concurrent associations (ours and DCMTK storescu), one
// student sandbox each, against the daemon as a child process; every acknowledged instance indexed exactly once in
// its own sandbox, byte for byte. The full class (30 × 100 images, 100 students answering over HTTP against a
// running site) is `npm run hardening:load -- --base-url http://127.0.0.1:3000` (sim/hardening/load.ts).
import { describe, expect, it } from 'vitest';
import { createTestDb } from '../../prisma/testing';
import { runLoad, smallCtImage } from './load';
import { splitPart10 } from '../dicom/part10';
import { parseDatasetHeader } from '../dicom/datasetHeader';

describe('classroom load (DICOM part)', () => {
  it('makes small CT images the archive can index', () => {
    const img = smallCtImage({ studyUid: '1.2.3', seriesUid: '1.2.3.4', patientName: 'A^B', patientId: 'P1', instanceNumber: 7 });
    const p = splitPart10(img.bytes);
    const h = parseDatasetHeader(img.bytes.subarray(p.datasetOffset), p.transferSyntaxUid!, { whole: true });
    expect(h).toMatchObject({ SOPInstanceUID: img.sopInstanceUid, StudyInstanceUID: '1.2.3', SeriesInstanceUID: '1.2.3.4', Modality: 'CT', InstanceNumber: '7', Rows: '64', Columns: '64' });
  });

  it('stores every acknowledged instance exactly once in its own sandbox while several associations send at once', async () => {
    const t = await createTestDb();
    await t.db.$disconnect();
    const r = await runLoad({ associations: 6, images: 15, students: 0, answerEveryMs: 0, dcmtkEvery: 3, databaseUrl: t.url }).finally(() => t.drop());
    expect(r.defects).toEqual([]);
    expect(r.acknowledged).toBe(90);
    expect(r.verified).toBe(90);
    expect(r.associations.ours).toBeGreaterThanOrEqual(4);
  }, 180_000);
});
