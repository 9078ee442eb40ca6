// A realistic day of orders for the demo sandbox, FOR THE GIVEN DATE (today by default), so a worklist query
// always finds something. Idempotent: accession numbers carry the date (`A20261128-03`), an existing one is left
// alone, so re-seeding the same day adds nothing and seeding on another day adds that day's orders.
import type { Db } from '../../prisma/db';
import { newUid } from './risUid';

interface Patient {
  patientId: string;
  patientName: string;
  patientBirthDate: string;
  patientSex: string;
}

const PATIENTS: readonly Patient[] = [
  { patientId: 'MRN100234', patientName: 'HARRIS^MARGARET^A', patientBirthDate: '19520314', patientSex: 'F' },
  { patientId: 'MRN100871', patientName: 'OKAFOR^CHIDI', patientBirthDate: '19870622', patientSex: 'M' },
  { patientId: 'MRN101145', patientName: 'LINDQVIST^ELSA^M', patientBirthDate: '19730109', patientSex: 'F' },
  { patientId: 'MRN101562', patientName: 'NGUYEN^THANH', patientBirthDate: '19600430', patientSex: 'M' },
  { patientId: 'MRN102009', patientName: 'GARCIA^SOFIA', patientBirthDate: '20010817', patientSex: 'F' },
  { patientId: 'MRN102377', patientName: 'MORRISON^JAMES^R', patientBirthDate: '19441202', patientSex: 'M' },
  { patientId: 'MRN102790', patientName: 'PATEL^ANJALI', patientBirthDate: '19951125', patientSex: 'F' },
  { patientId: 'MRN103018', patientName: 'SCHMIDT^KLAUS', patientBirthDate: '19681007', patientSex: 'M' },
  { patientId: 'MRN103466', patientName: 'WILLIAMS^TANYA^L', patientBirthDate: '19790218', patientSex: 'F' },
  { patientId: 'MRN103902', patientName: 'KOWALSKI^PIOTR', patientBirthDate: '19550611', patientSex: 'M' },
];

interface Slot {
  time: string;
  patient: number;
  modality: 'CT' | 'DX' | 'MR' | 'US';
  station: string;
  code: string;
  description: string;
  reason: string;
  referring: string;
  priority: 'STAT' | 'HIGH' | 'ROUTINE';
}

const STATION_NAMES: Record<string, string> = { CT1: 'CT ROOM 1', DX1: 'XR ROOM 1', MR1: 'MR SUITE 1', US1: 'US ROOM 1' };

const DAY: readonly Slot[] = [
  { time: '073000', patient: 0, modality: 'DX', station: 'DX1', code: 'XR-CHEST-2V', description: 'XR CHEST PA AND LATERAL', reason: 'Pre-operative assessment', referring: 'BROOKS^ELAINE^^DR', priority: 'ROUTINE' },
  { time: '080000', patient: 1, modality: 'CT', station: 'CT1', code: 'CT-HEAD-WO', description: 'CT HEAD WITHOUT CONTRAST', reason: 'Headache after fall', referring: 'MENDEZ^CARLOS^^DR', priority: 'HIGH' },
  { time: '083000', patient: 2, modality: 'US', station: 'US1', code: 'US-ABD-COMP', description: 'US ABDOMEN COMPLETE', reason: 'Right upper quadrant pain', referring: 'BROOKS^ELAINE^^DR', priority: 'ROUTINE' },
  { time: '090000', patient: 3, modality: 'MR', station: 'MR1', code: 'MR-LSPINE-WO', description: 'MR LUMBAR SPINE WITHOUT CONTRAST', reason: 'Low back pain with radiculopathy', referring: 'TANAKA^HIRO^^DR', priority: 'ROUTINE' },
  { time: '093000', patient: 4, modality: 'DX', station: 'DX1', code: 'XR-WRIST-3V', description: 'XR WRIST 3 VIEWS LEFT', reason: 'Fall on outstretched hand', referring: 'MENDEZ^CARLOS^^DR', priority: 'HIGH' },
  { time: '101500', patient: 5, modality: 'CT', station: 'CT1', code: 'CT-CAP-W', description: 'CT CHEST ABDOMEN PELVIS WITH CONTRAST', reason: 'Staging, known colon carcinoma', referring: 'OSEI^AMA^^DR', priority: 'ROUTINE' },
  { time: '110000', patient: 6, modality: 'US', station: 'US1', code: 'US-OB-2T', description: 'US OBSTETRIC SECOND TRIMESTER', reason: 'Routine anatomy scan, 20 weeks', referring: 'OSEI^AMA^^DR', priority: 'ROUTINE' },
  { time: '113000', patient: 7, modality: 'MR', station: 'MR1', code: 'MR-BRAIN-WWO', description: 'MR BRAIN WITH AND WITHOUT CONTRAST', reason: 'New onset seizure', referring: 'TANAKA^HIRO^^DR', priority: 'HIGH' },
  { time: '133000', patient: 8, modality: 'CT', station: 'CT1', code: 'CT-PE', description: 'CT PULMONARY ANGIOGRAM', reason: 'Suspected pulmonary embolism', referring: 'MENDEZ^CARLOS^^DR', priority: 'STAT' },
  { time: '141500', patient: 9, modality: 'DX', station: 'DX1', code: 'XR-KNEE-2V', description: 'XR KNEE 2 VIEWS RIGHT', reason: 'Chronic knee pain', referring: 'BROOKS^ELAINE^^DR', priority: 'ROUTINE' },
  { time: '150000', patient: 0, modality: 'MR', station: 'MR1', code: 'MR-KNEE-WO', description: 'MR KNEE WITHOUT CONTRAST RIGHT', reason: 'Suspected meniscal tear', referring: 'TANAKA^HIRO^^DR', priority: 'ROUTINE' },
  { time: '154500', patient: 3, modality: 'US', station: 'US1', code: 'US-CAROTID', description: 'US CAROTID DOPPLER BILATERAL', reason: 'Transient ischaemic attack', referring: 'OSEI^AMA^^DR', priority: 'HIGH' },
  { time: '163000', patient: 2, modality: 'CT', station: 'CT1', code: 'CT-ABD-W', description: 'CT ABDOMEN PELVIS WITH CONTRAST', reason: 'Follow-up of liver lesion', referring: 'BROOKS^ELAINE^^DR', priority: 'ROUTINE' },
];

/** YYYYMMDD of a date in the server's local time zone (what a modality's clock shows). */
export function localDicomDate(d: Date): string {
  return `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}`;
}

export async function seedOrders(db: Db, sandboxId: string, day: Date = new Date()): Promise<{ date: string; created: string[] }> {
  const date = localDicomDate(day);
  const accessions = DAY.map((_, i) => `A${date}-${String(i + 1).padStart(2, '0')}`);
  const existing = new Set(
    (await db.order.findMany({ where: { sandboxId, accessionNumber: { in: accessions } }, select: { accessionNumber: true } })).map((o) => o.accessionNumber),
  );
  const created: string[] = [];
  for (const [i, slot] of DAY.entries()) {
    const accessionNumber = accessions[i];
    if (existing.has(accessionNumber)) continue;
    const p = PATIENTS[slot.patient];
    try {
      await db.order.create({
        data: {
          sandboxId,
          ...p,
          accessionNumber,
          requestedProcedureId: `RP${date}${String(i + 1).padStart(2, '0')}`,
          requestedProcedureDescription: slot.description,
          modality: slot.modality,
          scheduledStationAeTitle: slot.station,
          scheduledStationName: STATION_NAMES[slot.station],
          scheduledProcedureStepId: `SPS${date}${String(i + 1).padStart(2, '0')}`,
          scheduledProcedureStepDescription: `${slot.description} (${slot.code})`,
          scheduledStartDate: date,
          scheduledStartTime: slot.time,
          scheduledPerformingPhysicianName: '',
          referringPhysicianName: slot.referring,
          reason: slot.reason,
          priority: slot.priority,
          studyInstanceUid: newUid(),
        },
      });
    } catch (e) {
      // another DICOM node seeded the same order at the same moment: it is there, which is all we want
      if ((e as { code?: string }).code === 'P2002') continue;
      throw e;
    }
    created.push(accessionNumber);
  }
  return { date, created };
}

/** Milliseconds from `now` to the next local midnight (plus a minute, clear of clock jitter). */
export function msToNextDay(now: Date): number {
  const next = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 0, 1, 0, 0);
  return next.getTime() - now.getTime();
}

/**
 * Seeds each new day's orders shortly after local midnight in every sandbox (the demo and each student's), for a
 * daemon that runs for days (sim/daemon.ts), so no worklist is ever empty. Returns the function that stops it (the
 * daemon calls it on shutdown).
 */
export function scheduleDailyOrders(db: Db): () => void {
  let timer: NodeJS.Timeout | undefined;
  const seedAll = async () => {
    for (const sandbox of await db.sandbox.findMany({ select: { id: true, slug: true }, orderBy: { createdAt: 'asc' } })) {
      await seedOrders(db, sandbox.id)
        .then((r) => r.created.length && console.log(`RIS: seeded ${r.created.length} orders for ${r.date} in sandbox ${sandbox.slug}`))
        .catch((e) => console.error(`RIS: could not seed today's orders in sandbox ${sandbox.slug}: ${(e as Error).message}`));
    }
  };
  const arm = () => {
    timer = setTimeout(() => {
      seedAll()
        .catch((e) => console.error(`RIS: could not list the sandboxes to seed today's orders: ${(e as Error).message}`))
        .finally(arm);
    }, msToNextDay(new Date()));
    timer.unref();
  };
  arm();
  return () => clearTimeout(timer);
}
