// A signed-in user's saved filters for a console page (the reading worklist): a name and the page's query string.
// Server-only data functions on a Db handle, so the tests run them on a real database. Per user, per page;
// saving under an existing name replaces that filter.
import { z } from 'zod';
import type { Db } from '@/prisma/db';

export const SAVED_FILTER_PAGES = ['reading'] as const;
export type SavedFilterPage = (typeof SAVED_FILTER_PAGES)[number];
/** enough for a radiologist's habits, small enough that the list stays a list */
export const SAVED_FILTER_LIMIT = 20;

export const SavedFilterName = z.string().trim().min(1, 'Give the filter a name.').max(40, 'A filter name has at most 40 characters.');

export class SavedFilterError extends Error {}

/** The query string for an already validated filter object: known keys only, empty ones left out, stable order. */
export function filterQuery(q: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const k of Object.keys(q).sort()) {
    const v = q[k];
    if (v) params.set(k, v);
  }
  return params.toString();
}

export async function listSavedFilters(db: Db, userId: string, page: SavedFilterPage) {
  return db.savedFilter.findMany({ where: { userId, page }, orderBy: { name: 'asc' }, select: { id: true, name: true, query: true } });
}

export async function saveFilter(db: Db, userId: string, page: SavedFilterPage, rawName: string, query: string) {
  const name = SavedFilterName.parse(rawName);
  const existing = await db.savedFilter.findUnique({ where: { userId_page_name: { userId, page, name } } });
  if (existing) return db.savedFilter.update({ where: { id: existing.id }, data: { query } });
  if ((await db.savedFilter.count({ where: { userId, page } })) >= SAVED_FILTER_LIMIT) {
    throw new SavedFilterError(`You have ${SAVED_FILTER_LIMIT} saved filters already: delete one first.`);
  }
  return db.savedFilter.create({ data: { userId, page, name, query } });
}

/** Deletes one of the user's own filters; another user's id deletes nothing. */
export async function deleteSavedFilter(db: Db, userId: string, id: string) {
  const r = await db.savedFilter.deleteMany({ where: { id, userId } });
  return r.count === 1;
}
