// Test fixture for the archive index: a few patients / studies / series / instances written straight through
// Prisma (the C-STORE path has its own tests). Used by query.test.ts and findScp.test.ts.
import type { Db } from '../../prisma/db';
import { personNameKey } from './matching';

export const CT = '1.2.840.10008.5.1.4.1.1.2';
export const MR = '1.2.840.10008.5.1.4.1.1.4';
export const CR = '1.2.840.10008.5.1.4.1.1.1';
export const US = '1.2.840.10008.5.1.4.1.1.6.1';
export const DX = '1.2.840.10008.5.1.4.1.1.1.1';
export const SC = '1.2.840.10008.5.1.4.1.1.7';
export const ELE = '1.2.840.10008.1.2.1';

interface SeedSeries {
  uid: string;
  modality: string;
  number: number | null;
  description?: string;
  bodyPart?: string;
  sopClass: string;
  instances: number;
}
interface SeedStudy {
  uid: string;
  date: string;
  time: string;
  accession: string;
  description: string;
  referring?: string;
  series: SeedSeries[];
}
export interface SeedPatient {
  id: string;
  name: string;
  /** what the store wrote into patientNameKey (defaults to personNameKey(name)) */
  key?: string;
  birth: string;
  sex: string;
  studies: SeedStudy[];
}

export async function seed(db: Db, sandboxId: string, patients: SeedPatient[]) {
  for (const p of patients) {
    const patient = await db.patient.create({
      data: { sandboxId, patientId: p.id, patientName: p.name, patientNameKey: p.key ?? personNameKey(p.name), birthDate: p.birth, sex: p.sex },
    });
    for (const s of p.studies) {
      const study = await db.study.create({
        data: {
          sandboxId,
          patientRefId: patient.id,
          studyInstanceUid: s.uid,
          studyDate: s.date,
          studyTime: s.time,
          accessionNumber: s.accession,
          studyDescription: s.description,
          referringPhysicianName: s.referring ?? '',
          studyId: s.accession.slice(-1),
        },
      });
      for (const se of s.series) {
        const series = await db.series.create({
          data: {
            sandboxId,
            studyRefId: study.id,
            seriesInstanceUid: se.uid,
            modality: se.modality,
            seriesNumber: se.number,
            seriesDescription: se.description ?? '',
            bodyPartExamined: se.bodyPart ?? '',
            stationName: `${se.modality}1`,
          },
        });
        for (let i = 1; i <= se.instances; i++) {
          await db.instance.create({
            data: {
              sandboxId,
              seriesRefId: series.id,
              sopInstanceUid: `${se.uid}.${i}`,
              sopClassUid: se.sopClass,
              instanceNumber: i,
              transferSyntaxUid: ELE,
              rows: 512,
              columns: 512,
              filePath: `${s.uid}/${se.uid}/${se.uid}.${i}.dcm`,
              fileSize: 1000n + BigInt(i),
            },
          });
        }
      }
    }
  }
}

export const S1 = '1.2.840.99.1.1';
export const S2 = '1.2.840.99.1.2';
export const S3 = '1.2.840.99.2.1';
export const S4 = '1.2.840.99.3.1';
export const S5 = '1.2.840.99.4.1';

export const DEMO: SeedPatient[] = [
  {
    id: 'PID001',
    name: 'DOE^JOHN',
    birth: '19700101',
    sex: 'M',
    studies: [
      {
        uid: S1,
        date: '20240105',
        time: '101500',
        accession: 'ACC001',
        description: 'CT HEAD',
        referring: 'House^Gregory',
        series: [
          { uid: `${S1}.1`, modality: 'CT', number: 1, description: 'AXIAL', bodyPart: 'HEAD', sopClass: CT, instances: 3 },
          { uid: `${S1}.2`, modality: 'SC', number: 99, description: 'DOSE', sopClass: SC, instances: 1 },
        ],
      },
      {
        uid: S2,
        date: '20240220',
        time: '230000',
        accession: 'ACC002',
        description: 'MR BRAIN',
        referring: 'Wilson^James',
        series: [{ uid: `${S2}.1`, modality: 'MR', number: 1, description: 'T1', sopClass: MR, instances: 2 }],
      },
    ],
  },
  {
    id: 'PID002',
    name: 'doe^jane',
    birth: '19851224',
    sex: 'F',
    studies: [
      {
        uid: S3,
        date: '20231231',
        time: '0800',
        accession: 'ACC003',
        description: 'CR CHEST',
        series: [{ uid: `${S3}.1`, modality: 'CR', number: 1, sopClass: CR, instances: 1 }],
      },
    ],
  },
  {
    // the store may keep trailing separators in the key: matching must not depend on it
    id: 'PID003',
    name: 'SMITH^ANNA^^^',
    key: 'SMITH^ANNA^^^',
    birth: '',
    sex: 'F',
    studies: [
      {
        uid: S4,
        date: '20240301',
        time: '',
        accession: '',
        description: 'US ABDOMEN',
        series: [{ uid: `${S4}.1`, modality: 'US', number: null, sopClass: US, instances: 2 }],
      },
    ],
  },
  {
    id: 'PID004',
    name: 'YAMADA^TARO=山田^太郎',
    birth: '19600606',
    sex: 'M',
    studies: [
      {
        uid: S5,
        date: '20240102',
        time: '0300',
        accession: 'ACC005',
        description: 'DX HAND',
        series: [{ uid: `${S5}.1`, modality: 'DX', number: 2, sopClass: DX, instances: 1 }],
      },
    ],
  },
];

