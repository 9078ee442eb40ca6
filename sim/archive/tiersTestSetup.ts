// The set-up shared by the storage-tier tests (tiers.test.ts, tierJobs.test.ts): one demo sandbox with the real
// DICOM listener (sandboxHarness.ts) for the whole file, the default tier settings before each test, and a study
// scanned on CT1 from an order of its own and sent over the real listener.
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { scanFromWorklist, sendExam } from '../faults/exam';
import { localDicomDate } from '../modality/worklist';
import { createOrder } from '../ris/orders';
import { startSandboxHarness, type SandboxHarness } from '../testing/sandboxHarness';
import { setTierSettings } from './tiers';

/** 100 days from now: past the short-term period (60 days) of anything stored today. */
export const LATER = () => new Date(Date.now() + 100 * 24 * 3600 * 1000);

/**
 * Registers the file's hooks: the harness is started once (`ready` receives it) and closed after the last test;
 * before each test, `clear` (the file's own clean-up) runs, then the tier settings go back to 60 days, JPEG-LS,
 * never lossy before reading.
 */
export function useTiersSandbox(ready: (harness: SandboxHarness) => void, clear?: (harness: SandboxHarness) => Promise<unknown>): void {
  let harness: SandboxHarness | undefined;
  beforeAll(async () => {
    harness = await startSandboxHarness();
    ready(harness);
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
  });
  beforeEach(async () => {
    const h = harness!;
    await clear?.(h);
    await setTierSettings(h.t.db, h.sandboxId, { shortTermDays: 60, longTermCodec: 'jpeg-ls', lossyPolicy: 'never-before-read' }, { actorId: null });
  });
}

let orders = 0;

/**
 * Schedules an order of its own on CT1's worklist (the demo's few scheduled CT orders run out over a file), scans
 * it (2 slices) and sends it over the real listener; every send job must be done. Returns the accession number.
 */
export async function scanAndSendStudy(harness: SandboxHarness, patient: { idPrefix: string; name: string }): Promise<string> {
  const { t, sandboxId } = harness;
  const order = await createOrder(t.db, sandboxId, {
    patientId: `${patient.idPrefix}-${++orders}`, patientName: patient.name, requestedProcedureDescription: 'CT head', modality: 'CT', scheduledStationAeTitle: 'CT1',
    scheduledStartDate: localDicomDate(new Date()), scheduledStartTime: '0800',
  }, { actorId: null });
  const acq = await scanFromWorklist(t.db, sandboxId, { modalityAe: 'CT1', accessionNumber: order.accessionNumber, slices: 2 }, true);
  const jobs = await sendExam(t.db, acq.id);
  expect(jobs.every((j) => j.status === 'done')).toBe(true);
  return acq.accessionNumber;
}
