// Modality Worklist SCP, driven by DCMTK's findscu -W (an independent implementation): responses are extracted
// with -X and read back with dcmdump, and every attribute a modality needs is checked by tag.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../prisma/testing';
import { seedDemo } from '../seed';
import { startDicomServices, type DicomServices } from '../startDicomServices';
import { runDcmtk } from '../testing/dcmtk';
import { localDicomDate, seedOrders } from './seedOrders';

let t: TestDb;
let services: DicomServices;
let archiveDir: string;
let sandboxId: string;
const today = localDicomDate(new Date());
const tomorrowDate = new Date(Date.now() + 24 * 3600 * 1000);
const tomorrow = localDicomDate(tomorrowDate);

/** The keys of a typical modality's worklist query (IHE RAD-5): every one a return key, some with a value. */
function worklistKeys(values: Record<string, string> = {}): string[] {
  const keys = [
    'PatientName', 'PatientID', 'PatientBirthDate', 'PatientSex', 'AccessionNumber', 'ReferringPhysicianName',
    'RequestedProcedureID', 'RequestedProcedureDescription', 'RequestedProcedurePriority', 'StudyInstanceUID',
    '(0040,0100)[0].Modality', '(0040,0100)[0].ScheduledStationAETitle', '(0040,0100)[0].ScheduledProcedureStepStartDate',
    '(0040,0100)[0].ScheduledProcedureStepStartTime', '(0040,0100)[0].ScheduledProcedureStepID',
    '(0040,0100)[0].ScheduledProcedureStepDescription', '(0040,0100)[0].ScheduledPerformingPhysicianName',
  ];
  return keys.flatMap((k) => {
    const short = k.replace('(0040,0100)[0].', '');
    return ['-k', short in values ? `${k}=${values[short]}` : k];
  });
}

/** findscu -W against the RIS AE; returns each response data set as dcmdump prints it. */
async function findWorklist(keys: string[], callingAe = 'CT1'): Promise<{ code: number | null; items: string[]; log: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'pacslab-mwl-'));
  try {
    const r = await runDcmtk('findscu', ['-W', '-X', '-od', dir, '-aet', callingAe, '-aec', 'RIS', '127.0.0.1', String(services.port), ...keys]);
    const files = readdirSync(dir).filter((f) => f.startsWith('rsp')).sort();
    const items: string[] = [];
    for (const f of files) items.push((await runDcmtk('dcmdump', ['+L', join(dir, f)])).stdout);
    return { code: r.code, items, log: r.stdout + r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The value dcmdump shows for a tag (first occurrence), or undefined when the tag is absent. */
function value(dump: string, tag: string): string | undefined {
  const m = new RegExp(`^\\s*\\(${tag.replace(/[(),]/g, (c) => `\\${c}`).slice(2, -2)}\\) \\w\\w (\\[([^\\]]*)\\]|\\(no value available\\)|.*)`, 'm').exec(dump);
  if (!m) return undefined;
  return m[2] ?? '';
}
const tagValue = (dump: string, group: string, element: string) => value(dump, `(${group},${element})`);

beforeAll(async () => {
  t = await createTestDb();
  sandboxId = (await seedDemo(t.db)).sandboxId;
  await seedOrders(t.db, sandboxId, tomorrowDate);
  archiveDir = mkdtempSync(join(tmpdir(), 'pacslab-mwl-archive-'));
  services = await startDicomServices({ db: t.db, host: '127.0.0.1', port: 0, archiveDir, databaseUrl: t.url });
});
afterAll(async () => {
  await services?.close();
  await t?.drop();
  rmSync(archiveDir, { recursive: true, force: true });
});

describe('Modality Worklist SCP (findscu -W)', () => {
  it("returns today's scheduled steps for a station with every attribute a modality needs", async () => {
    const r = await findWorklist(worklistKeys({ ScheduledStationAETitle: 'CT1', ScheduledProcedureStepStartDate: today }));
    expect(r.code, r.log).toBe(0);
    expect(r.items).toHaveLength(4);
    for (const d of r.items) {
      // Type 1 for a modality (PS3.4 K.6-1, IHE SWF): present with a value
      for (const [g, e] of [['0010', '0010'], ['0010', '0020'], ['0008', '0050'], ['0040', '1001'], ['0020', '000d'], ['0040', '0001'], ['0040', '0002'], ['0040', '0003'], ['0008', '0060'], ['0040', '0009'], ['0040', '0007'], ['0032', '1060']]) {
        expect(tagValue(d, g, e), `(${g},${e}) in\n${d}`).toMatch(/\S/);
      }
      // Type 2: present
      for (const [g, e] of [['0010', '0030'], ['0010', '0040'], ['0008', '0090'], ['0040', '0006']]) expect(tagValue(d, g, e), `(${g},${e})`).toBeDefined();
      expect(d).toMatch(/\(0040,0100\) SQ/);
      expect(tagValue(d, '0040', '0001')).toBe('CT1');
      expect(tagValue(d, '0008', '0060')).toBe('CT');
      expect(tagValue(d, '0040', '0002')).toBe(today);
      expect(tagValue(d, '0020', '000d')).toMatch(/^2\.25\.\d+$/);
    }
    const orders = await t.db.order.findMany({ where: { sandboxId, scheduledStationAeTitle: 'CT1', scheduledStartDate: today }, orderBy: { scheduledStartTime: 'asc' } });
    expect(r.items.map((d) => tagValue(d, '0008', '0050'))).toEqual(orders.map((o) => o.accessionNumber));
    expect(r.items.map((d) => tagValue(d, '0020', '000d'))).toEqual(orders.map((o) => o.studyInstanceUid));
    expect(tagValue(r.items[0], '0010', '0010')).toBe('OKAFOR^CHIDI');
    expect(tagValue(r.items[0], '0008', '0090')).toBe('MENDEZ^CARLOS^^DR');
  });

  it('matches date ranges and time ranges', async () => {
    const both = await findWorklist(worklistKeys({ Modality: 'MR', ScheduledProcedureStepStartDate: `${today}-${tomorrow}` }));
    expect(both.items).toHaveLength(6);
    const next = await findWorklist(worklistKeys({ Modality: 'MR', ScheduledProcedureStepStartDate: `${tomorrow}-` }));
    expect(next.items.map((d) => tagValue(d, '0040', '0002'))).toEqual([tomorrow, tomorrow, tomorrow]);
    const morning = await findWorklist(worklistKeys({ ScheduledProcedureStepStartDate: today, ScheduledProcedureStepStartTime: '080000-120000' }));
    expect(morning.items.map((d) => tagValue(d, '0040', '0003'))).toEqual(['080000', '083000', '090000', '093000', '101500', '110000', '113000']);
  });

  it('matches the station AE title (wildcards too), the patient name case-insensitively and the accession number', async () => {
    const us = await findWorklist(worklistKeys({ ScheduledStationAETitle: 'US*', ScheduledProcedureStepStartDate: today }));
    expect(us.items.map((d) => tagValue(d, '0040', '0001'))).toEqual(['US1', 'US1', 'US1']);
    const harris = await findWorklist(worklistKeys({ PatientName: 'harris*', ScheduledProcedureStepStartDate: today }));
    expect(harris.items.map((d) => tagValue(d, '0008', '0060'))).toEqual(['DX', 'MR']);
    const one = await findWorklist(worklistKeys({ AccessionNumber: `A${today}-05` }));
    expect(one.items).toHaveLength(1);
    expect(tagValue(one.items[0], '0040', '1001')).toBe(`RP${today}05`);
    const none = await findWorklist(worklistKeys({ ScheduledStationAETitle: 'NOSUCH', ScheduledProcedureStepStartDate: today }));
    expect(none.code, none.log).toBe(0);
    expect(none.items).toHaveLength(0);
  });

  it('leaves out steps in progress, completed, discontinued or cancelled', async () => {
    const keys = worklistKeys({ ScheduledStationAETitle: 'DX1', ScheduledProcedureStepStartDate: today });
    expect((await findWorklist(keys)).items).toHaveLength(3);
    await t.db.order.update({ where: { sandboxId_accessionNumber: { sandboxId, accessionNumber: `A${today}-01` } }, data: { status: 'cancelled' } });
    await t.db.order.update({ where: { sandboxId_accessionNumber: { sandboxId, accessionNumber: `A${today}-05` } }, data: { status: 'in-progress' } });
    const r = await findWorklist(keys);
    expect(r.items.map((d) => tagValue(d, '0008', '0050'))).toEqual([`A${today}-10`]);
  });
});
