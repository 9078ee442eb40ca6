import { describe, expect, it } from 'vitest';
import { gradeAnswer, presentedOptions } from './grade';
import type { Question } from './schema';

const base = { stem: 'A technologist notices something.', difficulty: 'easy', category: 'image-production', subcategory: 'Image Management and Informatics', lesson: 'a#b' } as const;
const opt = (id: 'a' | 'b' | 'c' | 'd') => ({ id, text: id.toUpperCase(), rationale: 'because of the reason given here' });

describe('gradeAnswer', () => {
  it('single: only the key', () => {
    const q = { ...base, id: 's', type: 'single', options: ['a', 'b', 'c', 'd'].map((i) => opt(i as 'a')), key: ['c'] } as Question;
    expect(gradeAnswer(q, ['c'])).toBe(true);
    expect(gradeAnswer(q, ['a'])).toBe(false);
    expect(gradeAnswer(q, ['c', 'a'])).toBe(false);
    expect(gradeAnswer(q, [])).toBe(false);
  });
  it('multiple: exactly the keyed set, in any order', () => {
    const q = { ...base, id: 'm', type: 'multiple', options: ['a', 'b', 'c', 'd'].map((i) => opt(i as 'a')), key: ['a', 'c'] } as Question;
    expect(gradeAnswer(q, ['c', 'a'])).toBe(true);
    expect(gradeAnswer(q, ['a'])).toBe(false);
    expect(gradeAnswer(q, ['a', 'c', 'd'])).toBe(false);
    expect(gradeAnswer(q, ['a', 'a'])).toBe(false);
  });
  it('ordered: the exact sequence; presented order is never the answer', () => {
    const q = { ...base, id: 'o', type: 'ordered', options: ['a', 'b', 'c', 'd'].map((i) => opt(i as 'a')), key: ['a', 'b', 'c', 'd'] } as Question;
    expect(gradeAnswer(q, ['a', 'b', 'c', 'd'])).toBe(true);
    expect(gradeAnswer(q, ['b', 'a', 'c', 'd'])).toBe(false);
    expect(presentedOptions(q).map((o) => o.id)).not.toEqual(['a', 'b', 'c', 'd']);
    expect(presentedOptions(q).map((o) => o.id).sort()).toEqual(['a', 'b', 'c', 'd']);
  });
});
