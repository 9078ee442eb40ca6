// C-FIND and retrieve resolution against a real migrated database (SQLite by default, PostgreSQL when
// TEST_DATABASE_URL says so), seeded directly through Prisma.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../prisma/testing';
import { CT, DEMO, ELE, MR, S1, S2, S3, S4, S5, SC, seed } from './testSeed';
import { findAll, instancesToRetrieve, prepareFind, runFind, type FindResult, type QueryFailure, type ResponseDataset } from './query';

let t: TestDb;
let demo: string;
let other: string;

beforeAll(async () => {
  t = await createTestDb();
  demo = (await t.db.sandbox.create({ data: { slug: 'demo', name: 'Demo' } })).id;
  other = (await t.db.sandbox.create({ data: { slug: 'other', name: 'Other' } })).id;
  await seed(t.db, demo, DEMO);
  // Another sandbox with the same patient ID and name: never visible from the demo sandbox.
  await seed(t.db, other, [
    {
      id: 'PID001',
      name: 'DOE^JOHN',
      birth: '19700101',
      sex: 'M',
      studies: [
        { uid: '1.2.840.99.9.1', date: '20240105', time: '1000', accession: 'X1', description: 'CT HEAD', series: [{ uid: '1.2.840.99.9.1.1', modality: 'CT', number: 1, sopClass: CT, instances: 1 }] },
      ],
    },
  ]);
});

afterAll(async () => {
  await t?.drop();
});

function ok(r: FindResult): ResponseDataset[] {
  if (!r.ok) throw new Error(`expected matches, got ${r.status.toString(16)} ${r.detail}`);
  return r.matches;
}
function fail(r: FindResult | Awaited<ReturnType<typeof instancesToRetrieve>>): QueryFailure {
  if (r.ok) throw new Error('expected a failure');
  return r;
}
const sorted = (rs: ResponseDataset[], key: string) => rs.map((r) => r[key]).sort();

describe('Patient Root, PATIENT level', () => {
  it('matches names case-insensitively and returns exactly the requested keys, with patient counts', async () => {
    const r = await findAll(t.db, demo, 'PATIENT_ROOT', {
      QueryRetrieveLevel: 'PATIENT',
      PatientName: 'doe*',
      PatientID: '',
      NumberOfPatientRelatedStudies: '',
      NumberOfPatientRelatedSeries: '',
      NumberOfPatientRelatedInstances: '',
    });
    const m = ok(r);
    expect(sorted(m, 'PatientID')).toEqual(['PID001', 'PID002']);
    const john = m.find((x) => x.PatientID === 'PID001')!;
    expect(john).toEqual({
      QueryRetrieveLevel: 'PATIENT',
      PatientName: 'DOE^JOHN',
      PatientID: 'PID001',
      NumberOfPatientRelatedStudies: 2,
      NumberOfPatientRelatedSeries: 3,
      NumberOfPatientRelatedInstances: 6,
    });
    expect(r.ok && r.pendingStatus).toBe(0xff00);
  });

  it('adds the unique key when the SCU did not ask for it', async () => {
    const m = ok(await findAll(t.db, demo, 'PATIENT_ROOT', { QueryRetrieveLevel: 'PATIENT', PatientName: 'DOE^JANE' }));
    expect(m).toEqual([{ QueryRetrieveLevel: 'PATIENT', PatientName: 'doe^jane', PatientID: 'PID002' }]);
  });

  it('accepts the PN forms dcmjs produces', async () => {
    const m = ok(await findAll(t.db, demo, 'PATIENT_ROOT', { QueryRetrieveLevel: 'PATIENT', PatientName: [{ Alphabetic: 'Doe^John' }] }));
    expect(sorted(m, 'PatientID')).toEqual(['PID001']);
  });

  it('matches a single value whatever trailing separators the stored name or key carries', async () => {
    expect(sorted(ok(await findAll(t.db, demo, 'PATIENT_ROOT', { QueryRetrieveLevel: 'PATIENT', PatientName: 'smith^anna' })), 'PatientID')).toEqual(['PID003']);
    expect(sorted(ok(await findAll(t.db, demo, 'PATIENT_ROOT', { QueryRetrieveLevel: 'PATIENT', PatientName: 'SMITH^*' })), 'PatientID')).toEqual(['PID003']);
    expect(ok(await findAll(t.db, demo, 'PATIENT_ROOT', { QueryRetrieveLevel: 'PATIENT', PatientName: 'SMITH' }))).toEqual([]);
  });

  it('matches other component groups and declares UTF-8 when a value is not ASCII', async () => {
    const m = ok(await findAll(t.db, demo, 'PATIENT_ROOT', { QueryRetrieveLevel: 'PATIENT', PatientName: '山田*' }));
    expect(m).toEqual([{ SpecificCharacterSet: 'ISO_IR 192', QueryRetrieveLevel: 'PATIENT', PatientName: 'YAMADA^TARO=山田^太郎', PatientID: 'PID004' }]);
    const ascii = ok(await findAll(t.db, demo, 'PATIENT_ROOT', { QueryRetrieveLevel: 'PATIENT', PatientID: 'PID001', PatientName: '' }));
    expect(ascii[0].SpecificCharacterSet).toBeUndefined();
  });

  it('single value, range, universal and empty-value matching on patient keys', async () => {
    const q = (k: Record<string, unknown>) => findAll(t.db, demo, 'PATIENT_ROOT', { QueryRetrieveLevel: 'PATIENT', PatientID: '', ...k });
    expect(sorted(ok(await q({ PatientID: 'PID002' })), 'PatientID')).toEqual(['PID002']);
    expect(sorted(ok(await q({ PatientID: 'pid002' })), 'PatientID')).toEqual([]); // LO: case-sensitive
    expect(sorted(ok(await q({ PatientID: 'PID00?' })), 'PatientID')).toEqual(['PID001', 'PID002', 'PID003', 'PID004']);
    expect(sorted(ok(await q({ PatientID: '*3' })), 'PatientID')).toEqual(['PID003']);
    expect(sorted(ok(await q({ PatientBirthDate: '-19800101' })), 'PatientID')).toEqual(['PID001', 'PID004']);
    expect(sorted(ok(await q({ PatientBirthDate: '19800101-' })), 'PatientID')).toEqual(['PID002']);
    expect(sorted(ok(await q({ PatientBirthDate: '19600606' })), 'PatientID')).toEqual(['PID004']);
    expect(sorted(ok(await q({ PatientBirthDate: '""' })), 'PatientID')).toEqual(['PID003']);
    expect(sorted(ok(await q({ PatientSex: 'F' })), 'PatientID')).toEqual(['PID002', 'PID003']);
    expect(sorted(ok(await q({ PatientID: '*' })), 'PatientID')).toEqual(['PID001', 'PID002', 'PID003', 'PID004']);
  });

  it('never shows another sandbox', async () => {
    const m = ok(await findAll(t.db, other, 'PATIENT_ROOT', { QueryRetrieveLevel: 'PATIENT', PatientID: '', NumberOfPatientRelatedStudies: '' }));
    expect(m).toEqual([{ QueryRetrieveLevel: 'PATIENT', PatientID: 'PID001', NumberOfPatientRelatedStudies: 1 }]);
  });
});

describe('Patient Root, STUDY / SERIES / IMAGE levels', () => {
  it('STUDY: requires the patient, returns its unique key and the computed study attributes', async () => {
    const m = ok(
      await findAll(t.db, demo, 'PATIENT_ROOT', {
        QueryRetrieveLevel: 'STUDY',
        PatientID: 'PID001',
        PatientName: '',
        StudyDate: '20240101-',
        StudyInstanceUID: '',
        ModalitiesInStudy: '',
        NumberOfStudyRelatedSeries: '',
        NumberOfStudyRelatedInstances: '',
      }),
    );
    const s1 = m.find((x) => x.StudyInstanceUID === S1);
    expect(m).toHaveLength(2);
    expect(s1).toEqual({
      QueryRetrieveLevel: 'STUDY',
      PatientID: 'PID001',
      PatientName: 'DOE^JOHN',
      StudyDate: '20240105',
      StudyInstanceUID: S1,
      ModalitiesInStudy: ['CT', 'SC'],
      NumberOfStudyRelatedSeries: 2,
      NumberOfStudyRelatedInstances: 4,
    });
    expect(m.find((x) => x.StudyInstanceUID === S2)!.ModalitiesInStudy).toBe('MR');
  });

  it('STUDY: the patient key must be present and a single value (A900)', async () => {
    const missing = fail(await findAll(t.db, demo, 'PATIENT_ROOT', { QueryRetrieveLevel: 'STUDY', StudyInstanceUID: '' }));
    expect(missing.status).toBe(0xa900);
    expect(missing.offendingElements).toEqual(['PatientID']);
    expect(missing.errorComment.length).toBeLessThanOrEqual(64);
    expect(fail(await findAll(t.db, demo, 'PATIENT_ROOT', { QueryRetrieveLevel: 'STUDY', PatientID: 'PID*' })).detail).toMatch(/wildcard/);
    expect(fail(await findAll(t.db, demo, 'PATIENT_ROOT', { QueryRetrieveLevel: 'STUDY', PatientID: ['PID001', 'PID002'] })).detail).toMatch(/list/);
  });

  it('SERIES: needs patient and study, returns both unique keys and the series count', async () => {
    const m = ok(
      await findAll(t.db, demo, 'PATIENT_ROOT', {
        QueryRetrieveLevel: 'SERIES',
        PatientID: 'PID001',
        StudyInstanceUID: S1,
        Modality: 'CT',
        SeriesNumber: '',
        NumberOfSeriesRelatedInstances: '',
      }),
    );
    expect(m).toEqual([
      { QueryRetrieveLevel: 'SERIES', PatientID: 'PID001', StudyInstanceUID: S1, Modality: 'CT', SeriesNumber: 1, NumberOfSeriesRelatedInstances: 3, SeriesInstanceUID: `${S1}.1` },
    ]);
    const missing = fail(await findAll(t.db, demo, 'PATIENT_ROOT', { QueryRetrieveLevel: 'SERIES', PatientID: 'PID001' }));
    expect(missing.offendingElements).toEqual(['StudyInstanceUID']);
    // the study belongs to another patient: nothing
    expect(ok(await findAll(t.db, demo, 'PATIENT_ROOT', { QueryRetrieveLevel: 'SERIES', PatientID: 'PID002', StudyInstanceUID: S1 }))).toEqual([]);
  });

  it('IMAGE: UID list and number matching', async () => {
    const base = { QueryRetrieveLevel: 'IMAGE', PatientID: 'PID001', StudyInstanceUID: S1, SeriesInstanceUID: `${S1}.1` };
    const list = ok(await findAll(t.db, demo, 'PATIENT_ROOT', { ...base, SOPInstanceUID: [`${S1}.1.1`, `${S1}.1.3`, '1.2.3.4'], InstanceNumber: '' }));
    expect(list.map((x) => [x.SOPInstanceUID, x.InstanceNumber]).sort()).toEqual([
      [`${S1}.1.1`, 1],
      [`${S1}.1.3`, 3],
    ]);
    const one = ok(await findAll(t.db, demo, 'PATIENT_ROOT', { ...base, InstanceNumber: '2', SOPClassUID: '', Rows: '' }));
    expect(one).toEqual([
      { QueryRetrieveLevel: 'IMAGE', PatientID: 'PID001', StudyInstanceUID: S1, SeriesInstanceUID: `${S1}.1`, InstanceNumber: 2, SOPClassUID: CT, Rows: 512, SOPInstanceUID: `${S1}.1.2` },
    ]);
    expect(fail(await findAll(t.db, demo, 'PATIENT_ROOT', { ...base, SeriesInstanceUID: '' })).offendingElements).toEqual(['SeriesInstanceUID']);
    expect(fail(await findAll(t.db, demo, 'PATIENT_ROOT', { ...base, SOPInstanceUID: '1.2.*' })).status).toBe(0xa900);
  });
});

describe('Study Root', () => {
  const study = (k: Record<string, unknown>, options = {}) =>
    findAll(t.db, demo, 'STUDY_ROOT', { QueryRetrieveLevel: 'STUDY', StudyInstanceUID: '', ...k }, options);

  it('has no PATIENT level', async () => {
    const r = fail(await findAll(t.db, demo, 'STUDY_ROOT', { QueryRetrieveLevel: 'PATIENT', PatientID: '' }));
    expect(r.status).toBe(0xa900);
    expect(r.detail).toMatch(/Study Root/);
    expect(fail(await findAll(t.db, demo, 'STUDY_ROOT', { PatientID: '' })).offendingElements).toEqual(['QueryRetrieveLevel']);
    expect(fail(await findAll(t.db, demo, 'STUDY_ROOT', { QueryRetrieveLevel: 'FRAME' })).status).toBe(0xa900);
  });

  it('STUDY: patient keys are study keys; names case-insensitive', async () => {
    const m = ok(await study({ PatientName: 'DOE*', PatientID: '', PatientBirthDate: '', NumberOfPatientRelatedStudies: '' }));
    expect(sorted(m, 'StudyInstanceUID')).toEqual([S1, S2, S3]);
    expect(m.find((x) => x.StudyInstanceUID === S3)).toEqual({
      QueryRetrieveLevel: 'STUDY',
      StudyInstanceUID: S3,
      PatientName: 'doe^jane',
      PatientID: 'PID002',
      PatientBirthDate: '19851224',
      NumberOfPatientRelatedStudies: 1,
    });
    expect(sorted(ok(await study({ PatientID: 'PID001' })), 'StudyInstanceUID')).toEqual([S1, S2]);
  });

  it('STUDY: every matching kind on study keys', async () => {
    const uids = async (k: Record<string, unknown>, o = {}) => sorted(ok(await study(k, o)), 'StudyInstanceUID');
    expect(await uids({})).toEqual([S1, S2, S3, S4, S5]); // universal
    expect(await uids({ StudyInstanceUID: [S1, S3] })).toEqual([S1, S3]); // UID list
    expect(await uids({ StudyInstanceUID: `${S1}\\${S4}` })).toEqual([S1, S4]);
    expect(await uids({ AccessionNumber: 'ACC002' })).toEqual([S2]); // single value
    expect(await uids({ AccessionNumber: 'ACC00?' })).toEqual([S1, S2, S3, S5]); // wildcard
    expect(await uids({ AccessionNumber: '""' })).toEqual([S4]); // empty value
    expect(await uids({ StudyDescription: '*HEAD' })).toEqual([S1]);
    expect(await uids({ StudyDescription: 'ct head' })).toEqual([]); // LO is case-sensitive
    expect(await uids({ StudyDescription: '*r*' })).toEqual([]); // SQLite's LIKE is not, JS decides
    expect(await uids({ ReferringPhysicianName: 'house*' })).toEqual([S1]); // PN without a key column
    expect(await uids({ StudyDate: '20240101-20240131' })).toEqual([S1, S5]); // range
    expect(await uids({ StudyDate: '-20231231' })).toEqual([S3]); // open start
    expect(await uids({ StudyDate: '20240220-' })).toEqual([S2, S4]); // open end
    expect(await uids({ StudyDate: '20240105' })).toEqual([S1]);
    expect(await uids({ StudyTime: '10' })).toEqual([S1]); // single time at hour precision
    expect(await uids({ StudyTime: '2200-' })).toEqual([S2]);
    expect(await uids({ ModalitiesInStudy: 'MR' })).toEqual([S2]);
    expect(await uids({ ModalitiesInStudy: 'CT\\MR' })).toEqual([S1, S2]);
    expect(await uids({ ModalitiesInStudy: ['CR', 'US'] })).toEqual([S3, S4]);
    expect(await uids({ ModalitiesInStudy: 'S?' })).toEqual([S1]);
    expect(await uids({ NumberOfStudyRelatedInstances: '2' })).toEqual([S2, S4]);
    expect(await uids({ PatientName: 'doe*', ModalitiesInStudy: 'CR' })).toEqual([S3]);
  });

  it('STUDY: date and time as one range only when combined datetime matching was negotiated', async () => {
    const night = { StudyDate: '20240101-20240102', StudyTime: '2200-0600' };
    expect(sorted(ok(await study(night)), 'StudyInstanceUID')).toEqual([]); // independent: 22:00-06:00 is empty
    expect(sorted(ok(await study(night, { combinedDateTime: true })), 'StudyInstanceUID')).toEqual([S5]);
    expect(sorted(ok(await study({ StudyDate: '20240105', StudyTime: '1000-1100' }, { combinedDateTime: true })), 'StudyInstanceUID')).toEqual([S1]);
  });

  it('STUDY: SOP classes, retrieve AE and availability', async () => {
    const m = ok(await study({ StudyInstanceUID: S1, SOPClassesInStudy: '', RetrieveAETitle: '', InstanceAvailability: '' }, { retrieveAeTitle: 'PACS' }));
    expect(m).toEqual([{ QueryRetrieveLevel: 'STUDY', StudyInstanceUID: S1, SOPClassesInStudy: [CT, SC], RetrieveAETitle: 'PACS', InstanceAvailability: 'ONLINE' }]);
  });

  it('returns unsupported keys empty, with pending status FF01', async () => {
    const r = await study({ StudyInstanceUID: S2, OtherPatientIDs: '', Modality: '', ReferencedStudySequence: [{ ReferencedSOPInstanceUID: '' }] });
    const m = ok(r);
    expect(r.ok && r.pendingStatus).toBe(0xff01);
    expect(r.ok && r.unsupported.sort()).toEqual(['Modality', 'OtherPatientIDs', 'ReferencedStudySequence']);
    expect(m).toEqual([{ QueryRetrieveLevel: 'STUDY', StudyInstanceUID: S2, OtherPatientIDs: '', Modality: '', ReferencedStudySequence: '' }]);
  });

  it('refuses malformed values with A900 and the offending key', async () => {
    const r = fail(await study({ StudyDate: 'yesterday' }));
    expect(r.status).toBe(0xa900);
    expect(r.offendingElements).toEqual(['StudyDate']);
    expect(fail(await study({ StudyInstanceUID: '1.2.*' })).status).toBe(0xa900);
  });

  it('SERIES: requires a single Study Instance UID', async () => {
    const m = ok(await findAll(t.db, demo, 'STUDY_ROOT', { QueryRetrieveLevel: 'SERIES', StudyInstanceUID: S1, SeriesInstanceUID: '', Modality: '', SeriesDescription: '', NumberOfSeriesRelatedInstances: '' }));
    expect(m.map((x) => [x.Modality, x.SeriesDescription, x.NumberOfSeriesRelatedInstances]).sort()).toEqual([
      ['CT', 'AXIAL', 3],
      ['SC', 'DOSE', 1],
    ]);
    expect(m[0]).not.toHaveProperty('PatientID'); // no patient level in Study Root
    expect(fail(await findAll(t.db, demo, 'STUDY_ROOT', { QueryRetrieveLevel: 'SERIES', Modality: 'CT' })).offendingElements).toEqual(['StudyInstanceUID']);
    expect(fail(await findAll(t.db, demo, 'STUDY_ROOT', { QueryRetrieveLevel: 'SERIES', StudyInstanceUID: [S1, S2] })).status).toBe(0xa900);
    expect(ok(await findAll(t.db, demo, 'STUDY_ROOT', { QueryRetrieveLevel: 'SERIES', StudyInstanceUID: S4, SeriesNumber: '""' }))).toHaveLength(1);
    expect(ok(await findAll(t.db, demo, 'STUDY_ROOT', { QueryRetrieveLevel: 'SERIES', StudyInstanceUID: S1, Modality: 'c?' }))).toHaveLength(0);
  });

  it('IMAGE: requires study and series', async () => {
    const m = ok(await findAll(t.db, demo, 'STUDY_ROOT', { QueryRetrieveLevel: 'IMAGE', StudyInstanceUID: S2, SeriesInstanceUID: `${S2}.1`, SOPInstanceUID: '', SOPClassUID: '' }));
    expect(m).toHaveLength(2);
    expect(m[0]).toMatchObject({ QueryRetrieveLevel: 'IMAGE', StudyInstanceUID: S2, SeriesInstanceUID: `${S2}.1`, SOPClassUID: MR });
    expect(fail(await findAll(t.db, demo, 'STUDY_ROOT', { QueryRetrieveLevel: 'IMAGE', StudyInstanceUID: S2 })).offendingElements).toEqual(['SeriesInstanceUID']);
  });
});

describe('streaming and paging', () => {
  it('reads in pages without losing or repeating matches, and honours limit/offset', async () => {
    const q = prepareFind('STUDY_ROOT', { QueryRetrieveLevel: 'STUDY', StudyInstanceUID: '', PatientName: '*' });
    if (!q.ok) throw new Error(q.detail);
    const all: string[] = [];
    for await (const m of runFind(t.db, demo, q, { pageSize: 2 })) all.push(m.StudyInstanceUID as string);
    expect(all.sort()).toEqual([S1, S2, S3, S4, S5]);
    const page: string[] = [];
    for await (const m of runFind(t.db, demo, q, { pageSize: 2, offset: 1, limit: 3 })) page.push(m.StudyInstanceUID as string);
    expect(page).toHaveLength(3);
  });

  it('stops reading when the consumer stops (C-CANCEL)', async () => {
    const q = prepareFind('STUDY_ROOT', { QueryRetrieveLevel: 'STUDY', StudyInstanceUID: '' });
    if (!q.ok) throw new Error(q.detail);
    let n = 0;
    for await (const _ of runFind(t.db, demo, q, { pageSize: 1 })) if (++n === 2) break;
    expect(n).toBe(2);
  });
});

describe('instancesToRetrieve (C-MOVE / C-GET)', () => {
  it('resolves every level to ordered instances with their files and syntaxes', async () => {
    const study = await instancesToRetrieve(t.db, demo, 'STUDY', { StudyInstanceUID: S1 });
    if (!study.ok) throw new Error(study.detail);
    expect(study.instances.map((i) => i.sopInstanceUid)).toEqual([`${S1}.1.1`, `${S1}.1.2`, `${S1}.1.3`, `${S1}.2.1`]);
    expect(study.instances[0]).toMatchObject({ sopClassUid: CT, transferSyntaxUid: ELE, filePath: `${S1}/${S1}.1/${S1}.1.1.dcm`, fileSize: 1001n, patientId: 'PID001' });

    const patient = await instancesToRetrieve(t.db, demo, 'PATIENT', { PatientID: 'PID001' });
    expect(patient.ok && patient.instances).toHaveLength(6);
    const series = await instancesToRetrieve(t.db, demo, 'SERIES', { StudyInstanceUID: S1, SeriesInstanceUID: [`${S1}.2`, `${S2}.1`] });
    // S2's series is not in S1: the study constraint removes it
    expect(series.ok && series.instances.map((i) => i.sopInstanceUid)).toEqual([`${S1}.2.1`]);
    const image = await instancesToRetrieve(t.db, demo, 'IMAGE', { SOPInstanceUID: `${S3}.1.1` });
    expect(image.ok && image.instances.map((i) => i.studyInstanceUid)).toEqual([S3]);
    const none = await instancesToRetrieve(t.db, other, 'STUDY', { StudyInstanceUID: S1 });
    expect(none.ok && none.instances).toEqual([]);
  });

  it('refuses identifiers without the unique key, or with wildcards (A900)', async () => {
    expect(fail(await instancesToRetrieve(t.db, demo, 'STUDY', { PatientID: 'PID001' })).offendingElements).toEqual(['StudyInstanceUID']);
    expect(fail(await instancesToRetrieve(t.db, demo, 'STUDY', { StudyInstanceUID: '1.2.840.99.*' })).status).toBe(0xa900);
    expect(fail(await instancesToRetrieve(t.db, demo, 'PATIENT', { PatientID: 'PID001' }, { model: 'STUDY_ROOT' })).status).toBe(0xa900);
    // Patient Root requires the patient above the study
    expect(fail(await instancesToRetrieve(t.db, demo, 'STUDY', { StudyInstanceUID: S1 }, { model: 'PATIENT_ROOT' })).offendingElements).toEqual(['PatientID']);
    const strict = await instancesToRetrieve(t.db, demo, 'STUDY', { PatientID: 'PID001', StudyInstanceUID: S1 }, { model: 'PATIENT_ROOT' });
    expect(strict.ok && strict.instances).toHaveLength(4);
  });
});
