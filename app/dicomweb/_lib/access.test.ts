import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@/prisma/testing';
import { seedDemo } from '@/sim/seed';
import { checkAccess, resolveArchiveAe } from './access';
import { DicomWebError } from './dicomWebError';

let t: TestDb;

beforeAll(async () => {
  t = await createTestDb();
  await seedDemo(t.db);
  const owner = await t.db.user.create({ data: { id: 'u-owner', name: 'Owner', email: 'owner@test' } });
  const s = await t.db.sandbox.create({ data: { slug: 'k7q2', name: 'Student', ownerId: owner.id } });
  await t.db.dicomNode.create({ data: { sandboxId: s.id, aeTitle: 'PACS_K7Q2', role: 'archive', local: true } });
});

afterAll(async () => {
  await t?.drop();
});

const status = (f: () => void) => {
  try {
    f();
    return 200;
  } catch (e) {
    return (e as DicomWebError).status;
  }
};

describe('DICOMweb access', () => {
  it('resolves an archive AE to its sandbox; anything else is a 404 with a clear message', async () => {
    expect((await resolveArchiveAe(t.db, 'PACS')).slug).toBe('demo');
    await expect(resolveArchiveAe(t.db, 'RIS')).rejects.toThrow(/No archive with AE title "RIS"/);
    await expect(resolveArchiveAe(t.db, 'NOPE')).rejects.toMatchObject({ status: 404 });
    await expect(resolveArchiveAe(t.db, 'A'.repeat(17))).rejects.toMatchObject({ status: 404 });
  });

  it('opens the demo to everyone and a student sandbox to its owner and instructors only', async () => {
    const demo = await resolveArchiveAe(t.db, 'PACS');
    const own = await resolveArchiveAe(t.db, 'PACS_K7Q2');
    expect(status(() => checkAccess(demo, null))).toBe(200);
    expect(status(() => checkAccess(own, null))).toBe(401);
    expect(status(() => checkAccess(own, { id: 'u-owner', role: 'student', isGuest: false }))).toBe(200);
    expect(status(() => checkAccess(own, { id: 'someone', role: 'student', isGuest: false }))).toBe(403);
    expect(status(() => checkAccess(own, { id: 'guest', role: 'student', isGuest: true }))).toBe(403);
    expect(status(() => checkAccess(own, { id: 'teacher', role: 'instructor', isGuest: false }))).toBe(200);
    expect(status(() => checkAccess(own, { id: 'root', role: 'admin', isGuest: false }))).toBe(200);
  });
});
