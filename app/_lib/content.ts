// The teaching content, loaded once per server process (it is data in the repository, validated on load).
import { loadLessons, type Lesson } from '@/content/lessons';
import { loadQuestions, type LoadedQuestion } from '@/content/questions';

let lessons: Lesson[] | undefined;
let questions: Map<string, LoadedQuestion> | undefined;

export function allLessons(): Lesson[] {
  lessons ??= loadLessons();
  return lessons;
}

export function lessonBySlug(slug: string): Lesson | undefined {
  return allLessons().find((l) => l.slug === slug);
}

export function questionBank(): Map<string, LoadedQuestion> {
  questions ??= new Map(loadQuestions().map((q) => [q.id, q]));
  return questions;
}

/** What the browser may see of an item before it is answered: no key, no rationales. */
export interface PublicQuestion {
  id: string;
  type: LoadedQuestion['type'];
  stem: string;
  figure?: { src: string; alt: string };
  options: { id: string; text: string; region?: [number, number, number, number] }[];
  keyCount: number;
  category: string;
  subcategory: string;
  lesson: string;
}

export function toPublic(q: LoadedQuestion, presented: LoadedQuestion['options']): PublicQuestion {
  return {
    id: q.id,
    type: q.type,
    stem: q.stem,
    ...(q.figure ? { figure: q.figure } : {}),
    options: presented.map((o) => ({ id: o.id, text: o.text, ...('region' in o ? { region: o.region } : {}) })),
    keyCount: q.key.length,
    category: q.category,
    subcategory: q.subcategory,
    lesson: q.lesson,
  };
}
