// reading-filter-hides with the real listener and a real database: the exam reaches the archive over real C-STORE,
// but the radiologist's saved reading-worklist filter hides it (another modality, or dates that end yesterday).
// Editing the filter with the reading page's own function (saveFilter, under the same name) passes; deleting the
// filter, or saving the same wrong filter under another name, does not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDb } from '@/prisma/testing';
import { startSandboxHarness, type SandboxHarness } from '@/sim/testing/sandboxHarness';
import { checkFault, clearFault, injectFault } from '@/sim/faults/engine';
import { whatHides } from '@/sim/faults/studyStatusFaults';
import { deleteSavedFilter, filterQuery, saveFilter } from '../_lib/savedFilters';
import { readingSearch } from '../_lib/ris';

let harness: SandboxHarness;
let t: TestDb;
let sandboxId: string;
const userId = 'radiologist-1';

beforeAll(async () => {
  harness = await startSandboxHarness();
  ({ t, sandboxId } = harness);
  await t.db.user.create({ data: { id: userId, name: 'Dr Reader', email: 'reader@test' } });
}, 60_000);

afterAll(async () => {
  await harness?.close();
});

type Undo = { filterId: string; studyInstanceUid: string; previousQuery: string | null };
const failing = (r: { results: { id: string; passed: boolean }[] }) => r.results.filter((c) => !c.passed).map((c) => c.id).sort();

describe('reading-filter-hides', () => {
  it('the saved filter asks for another modality; editing it (same name) shows the study again', async () => {
    const inj = await injectFault(t.db, sandboxId, 'reading-filter-hides', { modalityAe: 'CT1', userId });
    const u = inj.undo as Undo;
    const filter = await t.db.savedFilter.findUniqueOrThrow({ where: { id: u.filterId } });
    expect([filter.name, filter.query]).toEqual(['My worklist', 'modality=MR']);
    const study = await t.db.study.findUniqueOrThrow({ where: { sandboxId_studyInstanceUid: { sandboxId, studyInstanceUid: u.studyInstanceUid } } });
    expect(await whatHides(t.db, sandboxId, filter.query, study.id)).toEqual(['modality MR (the study is CT)']);
    const before = await checkFault(t.db, inj.id);
    expect(failing(before)).toEqual(['filter-shows-study']);
    expect(before.results[0].detail).toBe('"My worklist" hides it: modality MR (the study is CT)');

    // the reading page's form: the query it saves is filterQuery(readingSearch(form))
    await saveFilter(t.db, userId, 'reading', 'My worklist', filterQuery(readingSearch.parse({ modality: 'CT', state: 'unread' })));
    const after = await checkFault(t.db, inj.id);
    expect(failing(after)).toEqual([]);
    expect(after.injection.status).toBe('fixed');
    await clearFault(t.db, inj.id);
    // clean-up leaves the radiologist's own edit alone
    expect((await t.db.savedFilter.findUniqueOrThrow({ where: { id: u.filterId } })).query).toBe('modality=CT&state=unread');
  }, 60_000);

  it('wrong fixes: a new filter under another name leaves the saved one wrong; deleting it does not pass either', async () => {
    const inj = await injectFault(t.db, sandboxId, 'reading-filter-hides', { modalityAe: 'DX1', userId, mode: 'date', filterName: 'Today' });
    const u = inj.undo as Undo;
    const filter = await t.db.savedFilter.findUniqueOrThrow({ where: { id: u.filterId } });
    expect(filter.query).toMatch(/^from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}$/);
    const r0 = await checkFault(t.db, inj.id);
    expect(r0.results[0].detail).toMatch(/^"Today" hides it: study dates .+ to .+ \(the study is of \d{4}-\d{2}-\d{2}\)$/);
    await saveFilter(t.db, userId, 'reading', 'Today (2)', 'modality=DX');
    expect(failing(await checkFault(t.db, inj.id))).toEqual(['filter-shows-study']);
    expect(await deleteSavedFilter(t.db, userId, u.filterId)).toBe(true);
    const r = await checkFault(t.db, inj.id);
    expect(failing(r)).toEqual(['filter-shows-study']);
    expect(r.results[0].detail).toMatch(/deleted/);
    await clearFault(t.db, inj.id);
  }, 60_000);

  it('refuses a sandbox with no owner unless a radiologist is named', async () => {
    await expect(injectFault(t.db, sandboxId, 'reading-filter-hides', { modalityAe: 'CT1' })).rejects.toThrow(/has no owner: name the radiologist/);
    await expect(injectFault(t.db, sandboxId, 'reading-filter-hides', { modalityAe: 'CT1', userId: 'nobody' })).rejects.toThrow(/there is no user nobody/);
  });
});
