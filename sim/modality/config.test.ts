import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../prisma/testing';
import { seedDemo } from '../seed';
import { aeTitleSchema, deleteDestination, getModalityConsole, hostSchema, peerFor, portSchema, saveDestination, seedModalities, updateModalityConfig } from './config';
import { ModalityError } from './failures';

let t: TestDb;
let sandboxId: string;

beforeAll(async () => {
  t = await createTestDb();
  sandboxId = (await seedDemo(t.db, { listener: { host: '127.0.0.1', port: 11112 } })).sandboxId;
});
afterAll(async () => {
  await t?.drop();
});

describe('schemas', () => {
  it('AE titles follow PS3.5 6.2', () => {
    expect(aeTitleSchema.parse('  CT1 ')).toBe('CT1');
    expect(aeTitleSchema.parse('A'.repeat(16))).toBe('A'.repeat(16));
    for (const bad of ['', '    ', 'A'.repeat(17), 'CT\\1', 'CT\n1', 'CT\x001']) expect(aeTitleSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });
  it('hosts are IPv4 addresses or host names; ports 1-65535', () => {
    for (const ok of ['127.0.0.1', '10.1.2.3', 'localhost', 'pacs.hospital.local', 'orthanc-1']) expect(hostSchema.safeParse(ok).success, ok).toBe(true);
    for (const bad of ['', '256.1.1.1', '1.2.3', 'pacs host', '-pacs', 'pacs_', 'http://pacs']) expect(hostSchema.safeParse(bad).success, bad).toBe(false);
    expect(portSchema.parse('104')).toBe(104);
    for (const bad of [0, 65536, 1.5, 'abc', -1]) expect(portSchema.safeParse(bad).success, String(bad)).toBe(false);
  });
});

describe('modality network configuration', () => {
  it('seeds CT1, DX1, MR1 and US1 with the archive, worklist and MPPS destinations on the listener', async () => {
    for (const ae of ['CT1', 'DX1', 'MR1', 'US1']) {
      const c = await getModalityConsole(t.db, sandboxId, ae);
      expect(c?.config.localAeTitle).toBe(ae);
      expect(c!.destinations.map((d) => [d.role, d.aeTitle, d.host, d.port, d.isDefault])).toEqual([
        ['archive', 'PACS', '127.0.0.1', 11112, true],
        ['mpps', 'RIS', '127.0.0.1', 11112, false],
        ['worklist', 'RIS', '127.0.0.1', 11112, false],
      ]);
    }
    expect(await getModalityConsole(t.db, sandboxId, 'XX1')).toBeNull();
  });

  it('keeps what a person edited when seeding again', async () => {
    await updateModalityConfig(t.db, sandboxId, 'MR1', { localAeTitle: 'MR_EDITED', timeoutSeconds: 5 });
    const archive = (await getModalityConsole(t.db, sandboxId, 'MR1'))!.destinations.find((d) => d.role === 'archive')!;
    await deleteDestination(t.db, sandboxId, 'MR1', archive.id);
    await seedModalities(t.db, sandboxId, { host: '10.0.0.1', port: 104 });
    await seedDemo(t.db);
    const c = (await getModalityConsole(t.db, sandboxId, 'MR1'))!;
    expect(c.config.localAeTitle).toBe('MR_EDITED');
    expect(c.config.timeoutSeconds).toBe(5);
    expect(c.destinations.map((d) => d.role)).toEqual(['mpps', 'worklist']);
  });

  it('adds, edits and deletes destinations with clear errors for bad input', async () => {
    const d = await saveDestination(t.db, sandboxId, 'CT1', { role: 'archive', name: 'Orthanc', aeTitle: 'ORTHANC', host: 'localhost', port: '4242', isDefault: false });
    expect(d.port).toBe(4242);
    const edited = await saveDestination(t.db, sandboxId, 'CT1', { id: d.id, role: 'archive', name: 'Orthanc', aeTitle: 'ORTHANC', host: '127.0.0.1', port: 4243 });
    expect([edited.host, edited.port, edited.isDefault]).toEqual(['127.0.0.1', 4243, true]);
    await expect(saveDestination(t.db, sandboxId, 'CT1', { role: 'archive', name: 'x', aeTitle: 'A\\B', host: '127.0.0.1', port: 70000 })).rejects.toThrow(/aeTitle: an AE title cannot contain a backslash.*port: a port is from 1 to 65535/);
    await expect(saveDestination(t.db, sandboxId, 'DX1', { id: d.id, role: 'archive', name: 'x', aeTitle: 'X', host: '127.0.0.1', port: 1 })).rejects.toBeInstanceOf(ModalityError);
    // only archives are sent to automatically
    const w = await saveDestination(t.db, sandboxId, 'CT1', { role: 'worklist', name: 'Other RIS', aeTitle: 'RIS2', host: '127.0.0.1', port: 11112, isDefault: true });
    expect(w.isDefault).toBe(false);
    await deleteDestination(t.db, sandboxId, 'CT1', d.id);
    await deleteDestination(t.db, sandboxId, 'CT1', w.id);
    await expect(deleteDestination(t.db, sandboxId, 'CT1', d.id)).rejects.toThrow(/is not one of CT1's/);
    await expect(updateModalityConfig(t.db, sandboxId, 'CT1', { timeoutSeconds: 0 })).rejects.toThrow(/timeoutSeconds: at least 1 s/);
  });

  it('peerFor: our AE calls theirs, with our timeout', async () => {
    const c = (await getModalityConsole(t.db, sandboxId, 'CT1'))!;
    const archive = c.destinations.find((d) => d.role === 'archive')!;
    expect(peerFor({ ...c.config, localAeTitle: 'CT1', timeoutSeconds: 7 }, archive)).toEqual({ host: '127.0.0.1', port: 11112, callingAe: 'CT1', calledAe: 'PACS', timeoutMs: 7000 });
  });
});
