// The console's MWL query: the identifier it builds (pure), then real C-FINDs over real sockets against our RIS
// (seeded demo orders for today) and against DCMTK's wlmscpfs (an independent SCP that answers FF01 pendings).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../prisma/testing';
import { ScuError, type Peer } from '../dimse/client';
import { seedDemo } from '../seed';
import { startDicomServices, type DicomServices } from '../startDicomServices';
import { runDcmtk, spawnDcmtk } from '../testing/dcmtk';
import { localDicomDate, parseWorklistQuery, queryWorklist, worklistIdentifier } from './worklist';

const today = localDicomDate(new Date());

describe('worklistIdentifier', () => {
  it('asks for today at this station with every return key a console needs, empty', () => {
    const id = worklistIdentifier({ stationAeTitle: 'CT1' }, new Date(2026, 10, 28, 9, 0));
    expect(id).toMatchObject({ PatientName: '', PatientID: '', PatientBirthDate: '', PatientSex: '', AccessionNumber: '', RequestedProcedureID: '', RequestedProcedureDescription: '', StudyInstanceUID: '', ReferringPhysicianName: '' });
    const sps = (id.ScheduledProcedureStepSequence as Record<string, unknown>[]);
    expect(sps).toHaveLength(1);
    expect(sps[0]).toEqual({
      ScheduledStationAETitle: 'CT1',
      ScheduledProcedureStepStartDate: '20261128',
      ScheduledProcedureStepStartTime: '',
      Modality: '',
      ScheduledPerformingPhysicianName: '',
      ScheduledProcedureStepDescription: '',
      ScheduledProcedureStepID: '',
      ScheduledStationName: '',
    });
  });

  it('puts the optional filters where PS3.4 K.6 has them; null station is universal matching', () => {
    const id = worklistIdentifier({ stationAeTitle: null, date: '20261101-20261130', modality: 'MR', patientName: 'HAR*', accessionNumber: 'A1' });
    expect(id).toMatchObject({ PatientName: 'HAR*', AccessionNumber: 'A1' });
    expect((id.ScheduledProcedureStepSequence as Record<string, unknown>[])[0]).toMatchObject({ ScheduledStationAETitle: '', ScheduledProcedureStepStartDate: '20261101-20261130', Modality: 'MR' });
  });

  it('refuses a query a person typed wrong, saying what to fix', () => {
    expect(() => parseWorklistQuery({ date: '28/11/2026' })).toThrow(/date must be YYYYMMDD/);
    expect(() => parseWorklistQuery({ date: '20261130-20261101' })).toThrow(/date/);
    expect(() => parseWorklistQuery({ stationAeTitle: 'A_VERY_LONG_AE_TITLE' })).toThrow(/at most 16 characters/);
    expect(() => parseWorklistQuery({ modality: 'ct' })).toThrow(/modality/);
    expect(parseWorklistQuery({ date: '20261101-' }).date).toBe('20261101-');
  });
});

let t: TestDb;
let services: DicomServices;
let archiveDir: string;
let ris: Peer;

beforeAll(async () => {
  t = await createTestDb();
  await seedDemo(t.db);
  archiveDir = mkdtempSync(join(tmpdir(), 'pacslab-mwl-scu-'));
  services = await startDicomServices({ db: t.db, host: '127.0.0.1', port: 0, archiveDir, databaseUrl: t.url });
  ris = { host: '127.0.0.1', port: services.port, callingAe: 'CT1', calledAe: 'RIS', timeoutMs: 5000 };
});

afterAll(async () => {
  await services?.close();
  await t?.drop();
  rmSync(archiveDir, { recursive: true, force: true });
});

describe('queryWorklist against our RIS', () => {
  it("finds today's CT1 orders, with every field filled, and none of another station's", async () => {
    const r = await queryWorklist(ris, {});
    expect(r.final).toMatchObject({ status: 0, category: 'success' });
    expect(r.items.map((i) => i.accessionNumber)).toEqual([`A${today}-02`, `A${today}-06`, `A${today}-09`, `A${today}-13`]);
    expect(r.items.every((i) => i.scheduledStationAeTitle === 'CT1' && i.modality === 'CT' && i.scheduledStartDate === today)).toBe(true);
    expect(r.items[0]).toMatchObject({
      patientName: 'OKAFOR^CHIDI',
      patientId: 'MRN100871',
      patientBirthDate: '19870622',
      patientSex: 'M',
      requestedProcedureId: `RP${today}02`,
      requestedProcedureDescription: 'CT HEAD WITHOUT CONTRAST',
      scheduledProcedureStepId: `SPS${today}02`,
      scheduledProcedureStepDescription: 'CT HEAD WITHOUT CONTRAST (CT-HEAD-WO)',
      scheduledStartTime: '080000',
      referringPhysicianName: 'MENDEZ^CARLOS^^DR',
      priority: 'HIGH',
    });
    expect(r.items[0].studyInstanceUid).toMatch(/^2\.25\.\d+$/);
    const order = await t.db.order.findFirstOrThrow({ where: { accessionNumber: `A${today}-02` } });
    expect(r.items[0].studyInstanceUid).toBe(order.studyInstanceUid);
  });

  it('another station sees its own list; null sees every station; the filters narrow it', async () => {
    const dx = await queryWorklist({ ...ris, callingAe: 'DX1' }, {});
    expect(dx.items.length).toBe(3);
    expect(dx.items.every((i) => i.scheduledStationAeTitle === 'DX1')).toBe(true);
    expect((await queryWorklist(ris, { stationAeTitle: null })).items.length).toBe(13);
    const byName = await queryWorklist(ris, { stationAeTitle: null, patientName: 'okafor*' });
    expect(byName.items.map((i) => i.accessionNumber)).toEqual([`A${today}-02`]);
    expect((await queryWorklist(ris, { accessionNumber: `A${today}-09` })).items.map((i) => i.patientName)).toEqual(['WILLIAMS^TANYA^L']);
    expect((await queryWorklist(ris, { stationAeTitle: null, modality: 'US' })).items.length).toBe(3);
    expect((await queryWorklist(ris, { date: '19990101' })).items).toEqual([]);
  });

  it('throws ScuError for a calling AE the RIS does not know (rejected, reason 3)', async () => {
    const e = await queryWorklist({ ...ris, callingAe: 'NOBODY' }, {}).then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(ScuError);
    expect((e as ScuError).failure).toMatchObject({ kind: 'association-rejected', reason: 3 });
  });
});

describe('queryWorklist against DCMTK wlmscpfs', () => {
  let dir: string;
  let child: ReturnType<typeof spawnDcmtk> | undefined;
  let port: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pacslab-wlmscpfs-'));
    const aeDir = join(dir, 'WLM');
    mkdirSync(aeDir);
    writeFileSync(join(aeDir, 'lockfile'), '');
    // one scheduled step for CT1 today, one for MR1 (dump2dcm text, as DCMTK's own wlistdb examples)
    const entries = [
      { name: 'TESTER^ONE', id: 'P001', acc: 'ACC001', station: 'CT1', mod: 'CT', time: '090000', study: '1.2.826.0.1.3680043.10.1234.1' },
      { name: 'TESTER^TWO', id: 'P002', acc: 'ACC002', station: 'MR1', mod: 'MR', time: '100000', study: '1.2.826.0.1.3680043.10.1234.2' },
    ];
    for (const [i, e] of entries.entries()) {
      const dump = `(0008,0005) CS [ISO_IR 100]
(0008,0050) SH [${e.acc}]
(0008,0090) PN [REFERRER^DOC]
(0010,0010) PN [${e.name}]
(0010,0020) LO [${e.id}]
(0010,0030) DA [19800101]
(0010,0040) CS [F]
(0020,000d) UI [${e.study}]
(0032,1060) LO [TEST PROCEDURE]
(0040,0100) SQ
(fffe,e000) -
(0008,0060) CS [${e.mod}]
(0040,0001) AE [${e.station}]
(0040,0002) DA [${today}]
(0040,0003) TM [${e.time}]
(0040,0006) PN []
(0040,0007) LO [TEST STEP]
(0040,0009) SH [SPS${i}]
(0040,0010) SH [ROOM]
(fffe,e00d) -
(fffe,e0dd) -
(0040,1001) SH [RP${i}]
(0040,1003) SH [ROUTINE]
`;
      writeFileSync(join(dir, `e${i}.dump`), dump);
      const r = await runDcmtk('dump2dcm', ['-q', join(dir, `e${i}.dump`), join(aeDir, `e${i}.wl`)]);
      expect(r.code, r.stderr).toBe(0);
    }
    port = await new Promise<number>((res) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => res(p));
      });
    });
    child = spawnDcmtk('wlmscpfs', ['-dfp', dir, String(port)]);
    for (let i = 0; i < 100; i++) {
      const up = await new Promise<boolean>((res) => {
        const c = net.connect(port, '127.0.0.1', () => (c.destroy(), res(true)));
        c.on('error', () => res(false));
      });
      if (up) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("takes its FF01 pendings as matches: CT1 gets its one step, not MR1's", async () => {
    const r = await queryWorklist({ host: '127.0.0.1', port, callingAe: 'CT1', calledAe: 'WLM', timeoutMs: 5000 }, {});
    expect(r.final.status).toBe(0);
    expect(r.items).toHaveLength(1);
    expect(r.items[0]).toMatchObject({ patientName: 'TESTER^ONE', patientId: 'P001', accessionNumber: 'ACC001', modality: 'CT', scheduledStationAeTitle: 'CT1', scheduledStartTime: '090000', scheduledProcedureStepId: 'SPS0', requestedProcedureId: 'RP0', studyInstanceUid: '1.2.826.0.1.3680043.10.1234.1', priority: 'ROUTINE' });
  });
});
