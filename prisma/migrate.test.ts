import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from './migrate';
import { createTestDb, type TestDb } from './testing';

describe('migrations', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => t?.drop());

  it('applies every migration once and is idempotent', async () => {
    expect(await applyMigrations(t.url)).toEqual([]);
  });

  it('gives a working schema: a user with a sandbox and a node round-trips', async () => {
    const user = await t.db.user.create({ data: { id: 'u1', name: 'Ana', email: 'ana@example.org' } });
    const sandbox = await t.db.sandbox.create({ data: { slug: 'test-sbx', name: 'Test', ownerId: user.id } });
    await t.db.dicomNode.create({ data: { sandboxId: sandbox.id, aeTitle: 'PACS', role: 'archive', local: true, port: 11112 } });
    const found = await t.db.sandbox.findUnique({ where: { slug: 'test-sbx' }, include: { nodes: true, owner: true } });
    expect(found?.owner?.email).toBe('ana@example.org');
    expect(found?.nodes.map((n) => n.aeTitle)).toEqual(['PACS']);
    expect(found?.storageQuotaBytes).toBe(2147483648n);
  });
});
