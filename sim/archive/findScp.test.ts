// The C-FIND SCP: handleCFind driven directly (statuses, cancel), and interop with DCMTK findscu (-P Patient Root,
// -S Study Root) against the real listener at every level, with a real migrated database seeded through Prisma.

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dimse from 'dcmjs-dimse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../prisma/testing';
import { startDimseServer, type DimseServer } from '../dimse/dimseServer';
import { runDcmtk } from '../testing/dcmtk';
import type { AssociationInfo, DatasetRequest, DimseReply } from '../dimse/types';
import { findService, handleCFind } from './findScp';
import { QR_SOP_CLASSES } from './query';
import { DEMO, S1, S2, S3, seed } from './testSeed';

let t: TestDb;
let server: DimseServer;
let sandboxId: string;

beforeAll(async () => {
  t = await createTestDb();
  sandboxId = (await t.db.sandbox.create({ data: { slug: 'demo', name: 'Demo' } })).id;
  await t.db.dicomNode.createMany({
    data: [
      { sandboxId, aeTitle: 'PACS', role: 'archive', local: true },
      { sandboxId, aeTitle: 'FINDSCU', role: 'workstation' },
    ],
  });
  await seed(t.db, sandboxId, DEMO);
  // many studies for one patient, to cancel in the middle of a long answer (1000: with 150, a loaded machine
  // sometimes ran findscu too late to cancel before the last batch went out)
  await seed(t.db, sandboxId, [
    {
      id: 'MANY',
      name: 'MANY^STUDIES',
      birth: '',
      sex: 'O',
      studies: Array.from({ length: 1000 }, (_, i) => ({
        uid: `1.2.840.99.77.${i + 1}`,
        date: '20240601',
        time: '1200',
        accession: `M${i}`,
        description: 'BULK',
        series: [],
      })),
    },
  ]);
  server = await startDimseServer({ db: t.db, host: '127.0.0.1', port: 0, services: { archive: [findService(t.db)] } });
});

afterAll(async () => {
  await server?.close();
  await t?.drop();
});

interface FindRun {
  code: number | null;
  log: string;
  responses: Record<string, unknown>[];
  /** the final status findscu reported, e.g. "Success", or the hex code of a failure */
  final: string;
}

/** Runs findscu, extracting every response to a file and reading them back with dcmjs. */
async function findscu(model: '-P' | '-S', keys: string[], extra: string[] = []): Promise<FindRun> {
  const dir = mkdtempSync(join(tmpdir(), 'findscu-'));
  try {
    const args = [model, '-v', '-aet', 'FINDSCU', '-aec', 'PACS', '-X', '-od', dir, ...extra, '127.0.0.1', String(server.port)];
    for (const k of keys) args.push('-k', k);
    const r = await runDcmtk('findscu', args, { timeoutMs: 30_000 });
    const files = readdirSync(dir).filter((f) => f.startsWith('rsp')).sort();
    const responses = files.map((f) => {
      const ds = { ...dimse.Dataset.fromFile(join(dir, f))!.getElements() };
      delete ds._vrMap;
      return ds;
    });
    const log = r.stdout + r.stderr;
    const finals = [...log.matchAll(/Received Final Find Response \((.+?)\)/g)].map((m) => m[1]);
    const failure = /Status\s*:\s*0x([0-9a-f]{4})/i.exec(log);
    return { code: r.code, log, responses, final: finals.at(-1) ?? failure?.[1]?.toUpperCase() ?? '' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** handleCFind with a minimal association and request, as the wrapper would call it. */
async function drive(model: 'PATIENT_ROOT' | 'STUDY_ROOT', dataset: Record<string, unknown>, opts: { cancelAfter?: number } = {}) {
  const controller = new AbortController();
  const assoc = { sandboxId, localNode: { id: 'n', aeTitle: 'PACS', role: 'archive', host: '127.0.0.1', port: 11112 } } as unknown as AssociationInfo;
  const req = { messageId: 1, abstractSyntax: QR_SOP_CLASSES[model].find, transferSyntaxUid: '1.2.840.10008.1.2', sopClassUid: QR_SOP_CLASSES[model].find, sopInstanceUid: '', dataset, signal: controller.signal } as unknown as DatasetRequest;
  const replies: DimseReply[] = [];
  for await (const reply of handleCFind(t.db, assoc, req)) {
    replies.push(reply);
    if (opts.cancelAfter !== undefined && replies.length === opts.cancelAfter) controller.abort();
  }
  return replies;
}

describe('handleCFind', () => {
  it('answers one pending FF00 per match, then Success', async () => {
    const r = await drive('STUDY_ROOT', { QueryRetrieveLevel: 'STUDY', PatientName: 'doe*', StudyInstanceUID: '', RetrieveAETitle: '' });
    expect(r.map((x) => x.status)).toEqual([0xff00, 0xff00, 0xff00, 0x0000]);
    expect(r[0].dataset).toMatchObject({ QueryRetrieveLevel: 'STUDY', RetrieveAETitle: 'PACS' });
    expect(r.at(-1)!.logDetail).toMatch(/3 matches at STUDY level/);
  });

  it('answers FF01 when optional keys are not supported', async () => {
    const r = await drive('STUDY_ROOT', { QueryRetrieveLevel: 'STUDY', StudyInstanceUID: S2, InstitutionName: '' });
    expect(r.map((x) => x.status)).toEqual([0xff01, 0x0000]);
    expect(r[1].logDetail).toMatch(/InstitutionName/);
  });

  it('ends with A900 and an error comment for a bad identifier, without pendings', async () => {
    const r = await drive('STUDY_ROOT', { QueryRetrieveLevel: 'PATIENT', PatientID: '' });
    expect(r).toHaveLength(1);
    expect(r[0].status).toBe(0xa900);
    expect(r[0].errorComment!.length).toBeLessThanOrEqual(64);
    expect(r[0].logDetail).toMatch(/Identifier does not match SOP Class/);
  });

  it('stops on C-CANCEL and ends with FE00', async () => {
    const r = await drive('STUDY_ROOT', { QueryRetrieveLevel: 'STUDY', PatientID: 'MANY', StudyInstanceUID: '' }, { cancelAfter: 3 });
    expect(r.map((x) => x.status)).toEqual([0xff00, 0xff00, 0xff00, 0xfe00]);
  });

  it('refuses a SOP class that is not a FIND model', async () => {
    const assoc = { sandboxId } as unknown as AssociationInfo;
    const req = { abstractSyntax: '1.2.840.10008.5.1.4.31', sopClassUid: '', dataset: {}, signal: new AbortController().signal } as unknown as DatasetRequest;
    const r: DimseReply[] = [];
    for await (const x of handleCFind(t.db, assoc, req)) r.push(x);
    expect(r.map((x) => x.status)).toEqual([0x0122]);
  });
});

const pn = (v: unknown) => (Array.isArray(v) ? (v[0] as { Alphabetic?: string })?.Alphabetic : v);

describe('findscu -P (Patient Root)', () => {
  it('PATIENT level: case-insensitive names, counts', async () => {
    const r = await findscu('-P', ['QueryRetrieveLevel=PATIENT', 'PatientName=doe*', 'PatientID', 'NumberOfPatientRelatedStudies', 'NumberOfPatientRelatedInstances']);
    expect(r.final).toBe('Success');
    const john = r.responses.find((x) => x.PatientID === 'PID001')!;
    expect(r.responses.map((x) => x.PatientID).sort()).toEqual(['PID001', 'PID002']);
    expect(pn(john.PatientName)).toBe('DOE^JOHN');
    expect(Number(john.NumberOfPatientRelatedStudies)).toBe(2);
    expect(Number(john.NumberOfPatientRelatedInstances)).toBe(6);
  });

  it('STUDY level under one patient, with the computed study attributes', async () => {
    const r = await findscu('-P', ['QueryRetrieveLevel=STUDY', 'PatientID=PID001', 'StudyInstanceUID', 'StudyDate', 'ModalitiesInStudy', 'NumberOfStudyRelatedInstances']);
    expect(r.final).toBe('Success');
    const s1 = r.responses.find((x) => x.StudyInstanceUID === S1)!;
    expect(r.responses).toHaveLength(2);
    expect(s1.ModalitiesInStudy).toEqual(['CT', 'SC']);
    expect(Number(s1.NumberOfStudyRelatedInstances)).toBe(4);
    expect(s1.PatientID).toBe('PID001');
    expect(s1.QueryRetrieveLevel).toBe('STUDY');
  });

  it('SERIES and IMAGE levels', async () => {
    const series = await findscu('-P', ['QueryRetrieveLevel=SERIES', 'PatientID=PID001', `StudyInstanceUID=${S1}`, 'SeriesInstanceUID', 'Modality=CT', 'NumberOfSeriesRelatedInstances']);
    expect(series.final).toBe('Success');
    expect(series.responses).toHaveLength(1);
    expect(series.responses[0]).toMatchObject({ Modality: 'CT', SeriesInstanceUID: `${S1}.1`, StudyInstanceUID: S1, PatientID: 'PID001' });
    expect(Number(series.responses[0].NumberOfSeriesRelatedInstances)).toBe(3);
    const images = await findscu('-P', ['QueryRetrieveLevel=IMAGE', 'PatientID=PID001', `StudyInstanceUID=${S1}`, `SeriesInstanceUID=${S1}.1`, 'SOPInstanceUID', 'InstanceNumber']);
    expect(images.final).toBe('Success');
    expect(images.responses.map((x) => Number(x.InstanceNumber)).sort()).toEqual([1, 2, 3]);
  });

  it('refuses a STUDY query without the patient: A900', async () => {
    const r = await findscu('-P', ['QueryRetrieveLevel=STUDY', 'StudyInstanceUID']);
    expect(r.responses).toHaveLength(0);
    expect(r.log).toMatch(/DataSetDoesNotMatchSOPClass|a900/i);
  });
});

describe('findscu -S (Study Root)', () => {
  it('STUDY level: wildcard, range and list matching', async () => {
    const r = await findscu('-S', ['QueryRetrieveLevel=STUDY', 'PatientName=DOE*', 'StudyDate=20240101-', 'StudyInstanceUID', 'AccessionNumber', 'StudyDescription']);
    expect(r.final).toBe('Success');
    expect(r.responses.map((x) => x.StudyInstanceUID).sort()).toEqual([S1, S2]);
    const list = await findscu('-S', ['QueryRetrieveLevel=STUDY', `StudyInstanceUID=${S1}\\${S3}`]);
    expect(list.responses.map((x) => x.StudyInstanceUID).sort()).toEqual([S1, S3]);
  });

  it('SERIES and IMAGE levels', async () => {
    const series = await findscu('-S', ['QueryRetrieveLevel=SERIES', `StudyInstanceUID=${S2}`, 'SeriesInstanceUID', 'Modality', 'SeriesNumber']);
    expect(series.final).toBe('Success');
    expect(series.responses).toEqual([expect.objectContaining({ Modality: 'MR', StudyInstanceUID: S2, SeriesInstanceUID: `${S2}.1` })]);
    expect(series.responses[0]).not.toHaveProperty('PatientID');
    const images = await findscu('-S', ['QueryRetrieveLevel=IMAGE', `StudyInstanceUID=${S2}`, `SeriesInstanceUID=${S2}.1`, 'SOPInstanceUID', 'SOPClassUID']);
    expect(images.final).toBe('Success');
    expect(images.responses).toHaveLength(2);
  });

  it('has no PATIENT level: A900', async () => {
    const r = await findscu('-S', ['QueryRetrieveLevel=PATIENT', 'PatientID']);
    expect(r.responses).toHaveLength(0);
    expect(r.log).toMatch(/DataSetDoesNotMatchSOPClass|a900/i);
  });

  it('answers FF01 when an optional key is not supported, and still matches', async () => {
    const r = await findscu('-S', ['QueryRetrieveLevel=STUDY', `StudyInstanceUID=${S2}`, 'InstitutionName']);
    expect(r.final).toBe('Success');
    expect(r.responses).toHaveLength(1);
    expect(r.responses[0]).toMatchObject({ StudyInstanceUID: S2 });
    expect(r.log).toMatch(/Find Response 1 \(Pending: WarningUnsupportedOptionalKeys\)/);
  });

  it('declares UTF-8 for a non-ASCII name, and findscu reads it back', async () => {
    const r = await findscu('-S', ['QueryRetrieveLevel=STUDY', 'PatientID=PID004', 'PatientName', 'StudyInstanceUID']);
    expect(r.final).toBe('Success');
    expect(r.responses[0].SpecificCharacterSet).toBe('ISO_IR 192');
    expect(r.responses[0].PatientName).toEqual([{ Alphabetic: 'YAMADA^TARO', Ideographic: '山田^太郎' }]);
  });

  it('honours C-CANCEL: stops and ends with Cancel (FE00)', async () => {
    const r = await findscu('-S', ['QueryRetrieveLevel=STUDY', 'PatientID=MANY', 'StudyInstanceUID'], ['--cancel', '3']);
    expect(r.responses.length).toBeGreaterThanOrEqual(3);
    expect(r.responses.length).toBeLessThan(1000);
    expect(r.final).toMatch(/Cancel/i);
  });
});
