// The catalogue as data: every fault passes its schema, ids are unique, default params parse, and every lesson
// reference names a real heading of a real lesson (as content/links.test.ts does for the question bank): a broken
// link here fails CI, not a student looking for the section to revise.
import { describe, expect, it } from 'vitest';
import { loadLessons, plainHeadingText } from '../../content/lessons';
import { CATALOGUE } from './catalogue';
import { listFaults } from './engine';
import { defineFault, faultMetaSchema } from './types';

describe('fault catalogue', () => {
  it('every fault is a valid, uniquely named entry whose default params parse', () => {
    const ids = CATALOGUE.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const f of CATALOGUE) {
      expect(faultMetaSchema.safeParse(f).success, f.id).toBe(true);
      expect(f.paramsSchema.safeParse({}).success, `${f.id} default params`).toBe(true);
    }
    expect(listFaults().every((f) => !('inject' in f))).toBe(true);
  });

  it("every fault's lesson section exists (slug and heading text)", () => {
    const lessons = new Map(loadLessons().map((l) => [l.slug, new Set(l.headings.map((h) => plainHeadingText(h.text)))]));
    expect(lessons.get('pacs-troubleshooting')?.has('Send failed: three different failures')).toBe(true);
    expect(lessons.get('pacs-troubleshooting')?.has('No such heading')).toBe(false);
    const broken = CATALOGUE.filter((f) => !lessons.get(f.lesson.slug)?.has(f.lesson.heading)).map((f) => `${f.id} → ${f.lesson.slug} "${f.lesson.heading}"`);
    expect(broken).toEqual([]);
  });

  it('refuses a malformed entry when the catalogue loads', () => {
    const base = CATALOGUE[0];
    expect(() => defineFault({ ...base, id: 'Bad Id', hints: ['only one hint here'] } as never)).toThrow(/fault Bad Id: id: a fault id is lower-case words joined by hyphens; hints/);
  });
});
