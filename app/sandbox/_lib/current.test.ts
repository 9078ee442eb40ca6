// Who may work in which sandbox, on a real database: the demo for anyone; a student's own sandbox for that
// student; every sandbox for instructors and admins. Student B's cookie naming student A's sandbox is ignored
// (the demo it is), B's switch to it is refused with 403, and B may not administer it; the owner and an
// instructor may.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@/prisma/testing';
import { seedDemo } from '@/sim/seed';
import { ensureUserSandbox } from '@/sim/sandboxes';
import { HttpError } from '@/app/_lib/errors';
import { checkSandboxChoice, mayUseSandbox, resolveSandbox, sandboxChoices, sandboxLabel } from './current';
import { mayAdminister } from './sandboxAdmin';

let t: TestDb;
let demoId: string;
let aSlug: string;
let aId: string;
const listener = { host: '127.0.0.1', port: 11112 };
const A = { id: 'stu-a', role: 'student' as const, isGuest: false };
const B = { id: 'stu-b', role: 'student' as const, isGuest: false };
const INS = { id: 'ins', role: 'instructor' as const, isGuest: false };
const ADMIN = { id: 'adm', role: 'admin' as const, isGuest: false };
const GUEST = { id: 'guest', role: 'student' as const, isGuest: true };

beforeAll(async () => {
  t = await createTestDb();
  demoId = (await seedDemo(t.db, { listener })).sandboxId;
  await t.db.user.createMany({
    data: [
      { id: 'stu-a', name: 'Ada', email: 'a@test' },
      { id: 'stu-b', name: 'Bea', email: 'b@test' },
      { id: 'ins', name: 'Ines', email: 'i@test', role: 'instructor' },
      { id: 'adm', name: 'Adam', email: 'adm@test', role: 'admin' },
      { id: 'guest', name: 'Guest', email: 'g@test', isAnonymous: true },
    ],
  });
  const a = await ensureUserSandbox(t.db, 'stu-a', listener);
  aSlug = a.sandbox.slug;
  aId = a.sandbox.id;
}, 60_000);

afterAll(async () => {
  await t?.drop();
});

async function refusal(p: Promise<unknown>) {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(HttpError);
  return e as HttpError;
}

describe('resolveSandbox (the cookie, checked on every request)', () => {
  it("gives the owner their sandbox, and instructors and admins any student's", async () => {
    expect((await resolveSandbox(t.db, A, aSlug))?.id).toBe(aId);
    expect((await resolveSandbox(t.db, INS, aSlug))?.id).toBe(aId);
    expect((await resolveSandbox(t.db, ADMIN, aSlug))?.id).toBe(aId);
  });

  it("ignores a cookie for another student's sandbox (and for a guest, the signed-out, unknown or malformed slugs): the demo", async () => {
    for (const [who, slug] of [
      [B, aSlug],
      [GUEST, aSlug],
      [null, aSlug],
      [A, 'u-ZZZZ'],
      [A, '../../etc'],
      [A, ''],
      [A, undefined],
      [A, 'demo'],
    ] as const) {
      expect((await resolveSandbox(t.db, who, slug))?.id, `${who?.id ?? 'nobody'} with ${slug}`).toBe(demoId);
    }
  });

  it('lets anyone use the demo', () => {
    expect(mayUseSandbox(null, { slug: 'demo', ownerId: null })).toBe(true);
    expect(mayUseSandbox(GUEST, { slug: 'demo', ownerId: null })).toBe(true);
  });
});

describe('checkSandboxChoice (the switcher action)', () => {
  it("refuses student B's switch to student A's sandbox with 403, a guest's with 401, unknown with 404, garbage with 422", async () => {
    expect((await refusal(checkSandboxChoice(t.db, B, aSlug))).status).toBe(403);
    expect((await refusal(checkSandboxChoice(t.db, B, aSlug))).message).toMatch(/belongs to another student/);
    expect((await refusal(checkSandboxChoice(t.db, GUEST, aSlug))).status).toBe(401);
    expect((await refusal(checkSandboxChoice(t.db, null, aSlug))).status).toBe(401);
    expect((await refusal(checkSandboxChoice(t.db, B, 'u-ZZZZ'))).status).toBe(404);
    expect((await refusal(checkSandboxChoice(t.db, B, '<script>'))).status).toBe(422);
  });

  it('lets the owner, instructors and admins switch to it, and anyone to the demo', async () => {
    expect((await checkSandboxChoice(t.db, A, aSlug)).id).toBe(aId);
    expect((await checkSandboxChoice(t.db, INS, aSlug)).id).toBe(aId);
    expect((await checkSandboxChoice(t.db, ADMIN, aSlug)).id).toBe(aId);
    expect((await checkSandboxChoice(t.db, null, 'demo')).id).toBe(demoId);
    expect((await checkSandboxChoice(t.db, B, 'demo')).id).toBe(demoId);
  });
});

describe("administering a student's sandbox", () => {
  it('is for its owner and instructors, not another student or a guest', async () => {
    expect(await mayAdminister(t.db, A, aId)).toBe(true);
    expect(await mayAdminister(t.db, INS, aId)).toBe(true);
    expect(await mayAdminister(t.db, B, aId)).toBe(false);
    expect(await mayAdminister(t.db, GUEST, aId)).toBe(false);
    // owning a sandbox gives no rights over the demo
    expect(await mayAdminister(t.db, A, demoId)).toBe(false);
  });
});

describe('sandboxChoices (what the switcher lists)', () => {
  it('lists the demo to everyone, their own sandbox to a student, and every student sandbox to instructors', async () => {
    const anon = await sandboxChoices(t.db, null);
    expect(anon.choices.map((c) => c.slug)).toEqual(['demo']);
    expect(anon.choices[0].label).toBe('Demo hospital (shared)');
    expect(anon.choices[0].archiveAe).toBe('PACS');

    const a = await sandboxChoices(t.db, A);
    expect(a.choices.map((c) => c.slug)).toEqual(['demo', aSlug]);
    expect(a.own?.label).toBe('My sandbox');
    expect(a.own?.archiveAe).toMatch(/^PACS_[A-Z2-9]{4}$/);

    const b = await sandboxChoices(t.db, B);
    expect(b.choices.map((c) => c.slug)).toEqual(['demo']);
    expect(b.own).toBeNull();

    const ins = await sandboxChoices(t.db, INS);
    expect(ins.choices.map((c) => c.slug)).toEqual(['demo', aSlug]);
    expect(ins.choices[1]).toMatchObject({ ownerName: 'Ada', label: "Ada's sandbox" });
    expect(sandboxLabel({ slug: aSlug, name: "Ada's sandbox", ownerId: 'stu-a' }, 'ins')).toBe("Ada's sandbox");
  });
});
