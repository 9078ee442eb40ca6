// Cross-checks between the bank and the lessons: every item's `lesson` reference names a real heading of a
// real lesson (a broken link here fails CI, not a student looking for the section to revise).
import { describe, expect, it } from 'vitest';
import { loadLessons } from './lessons';
import { loadQuestions } from './questions';

describe('content links', () => {
  it('every question points at an existing lesson section', () => {
    const anchors = new Map(loadLessons().map((l) => [l.slug, new Set(l.headings.map((h) => h.anchor))]));
    const broken = loadQuestions()
      .filter((q) => {
        const [slug, anchor] = q.lesson.split('#');
        return !anchors.get(slug)?.has(anchor);
      })
      .map((q) => `${q.id} → ${q.lesson}`);
    expect(broken).toEqual([]);
  });
});
