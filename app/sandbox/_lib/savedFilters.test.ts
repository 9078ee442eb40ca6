import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@/prisma/testing';
import { deleteSavedFilter, filterQuery, listSavedFilters, SAVED_FILTER_LIMIT, saveFilter, SavedFilterError } from './savedFilters';

let t: TestDb;
const user = (id: string) => ({ id, name: id, email: `${id}@test` });

beforeAll(async () => {
  t = await createTestDb();
  await t.db.user.createMany({ data: [user('u1'), user('u2'), user('u3')] });
});
afterAll(async () => {
  await t?.drop();
});

describe('saved filters', () => {
  it('builds a stable query string from the known, non-empty keys', () => {
    expect(filterQuery({ priority: 'STAT', modality: 'CT', from: undefined, state: '' })).toBe('modality=CT&priority=STAT');
  });

  it('saves per user and page, replaces by name, and lists by name', async () => {
    await saveFilter(t.db, 'u1', 'reading', ' STAT CT ', 'modality=CT&priority=STAT');
    await saveFilter(t.db, 'u1', 'reading', 'Unread MR', 'modality=MR&state=unread');
    await saveFilter(t.db, 'u1', 'reading', 'STAT CT', 'priority=STAT');
    expect((await listSavedFilters(t.db, 'u1', 'reading')).map((f) => [f.name, f.query])).toEqual([
      ['STAT CT', 'priority=STAT'],
      ['Unread MR', 'modality=MR&state=unread'],
    ]);
    expect(await listSavedFilters(t.db, 'u2', 'reading')).toEqual([]);
    await expect(saveFilter(t.db, 'u1', 'reading', '  ', '')).rejects.toThrow(/Give the filter a name/);
  });

  it('deletes only the owner’s filter', async () => {
    const f = await saveFilter(t.db, 'u2', 'reading', 'Mine', 'state=read');
    expect(await deleteSavedFilter(t.db, 'u1', f.id)).toBe(false);
    expect(await deleteSavedFilter(t.db, 'u2', f.id)).toBe(true);
    expect(await listSavedFilters(t.db, 'u2', 'reading')).toEqual([]);
  });

  it('caps the number of filters per user', async () => {
    for (let i = 0; i < SAVED_FILTER_LIMIT; i++) await saveFilter(t.db, 'u3', 'reading', `f${i}`, '');
    await expect(saveFilter(t.db, 'u3', 'reading', 'one more', '')).rejects.toBeInstanceOf(SavedFilterError);
  });
});
