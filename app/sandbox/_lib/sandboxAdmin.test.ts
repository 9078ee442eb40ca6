// Who may edit a sandbox's node table, on a real database: instructors; the owner of a student's own sandbox;
// another student only while a scenario of theirs runs in that sandbox; never a guest.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@/prisma/testing';
import { mayAdminister } from './sandboxAdmin';

let t: TestDb;
let sandboxId: string;
let otherId: string;

beforeAll(async () => {
  t = await createTestDb();
  sandboxId = (await t.db.sandbox.create({ data: { slug: 'demo', name: 'Demo' } })).id;
  otherId = (await t.db.sandbox.create({ data: { slug: 'other', name: 'Other' } })).id;
  await t.db.user.createMany({ data: ['stu', 'ins'].map((id) => ({ id, name: id, email: `${id}@test` })) });
}, 60_000);

afterAll(async () => {
  await t?.drop();
});

const student = { id: 'stu', role: 'student' as const, isGuest: false };

describe('mayAdminister', () => {
  it('lets instructors and admins, and nobody signed out or a guest', async () => {
    expect(await mayAdminister(t.db, { id: 'ins', role: 'instructor', isGuest: false }, sandboxId)).toBe(true);
    expect(await mayAdminister(t.db, { id: 'ins', role: 'admin', isGuest: false }, sandboxId)).toBe(true);
    expect(await mayAdminister(t.db, null, sandboxId)).toBe(false);
    expect(await mayAdminister(t.db, { ...student, isGuest: true }, sandboxId)).toBe(false);
  });

  it('lets a student only while a scenario of theirs runs in that sandbox', async () => {
    expect(await mayAdminister(t.db, student, sandboxId)).toBe(false);
    const attempt = await t.db.scenarioAttempt.create({ data: { userId: 'stu', sandboxId, scenarioId: 'x', injectionIds: [], hints: [], checks: [] } });
    expect(await mayAdminister(t.db, student, sandboxId)).toBe(true);
    expect(await mayAdminister(t.db, student, otherId)).toBe(false);
    await t.db.scenarioAttempt.update({ where: { id: attempt.id }, data: { status: 'passed', finishedAt: new Date() } });
    expect(await mayAdminister(t.db, student, sandboxId)).toBe(false);
  });

  it("lets the owner of a student's own sandbox, and nobody else, administer it", async () => {
    const own = await t.db.sandbox.create({ data: { slug: 'u-OWN2', name: "stu's sandbox", ownerId: 'stu' } });
    expect(await mayAdminister(t.db, student, own.id)).toBe(true);
    expect(await mayAdminister(t.db, { ...student, isGuest: true }, own.id)).toBe(false);
    await t.db.user.create({ data: { id: 'stu2', name: 'stu2', email: 'stu2@test' } });
    expect(await mayAdminister(t.db, { id: 'stu2', role: 'student', isGuest: false }, own.id)).toBe(false);
    expect(await mayAdminister(t.db, student, sandboxId)).toBe(false);
  });
});
