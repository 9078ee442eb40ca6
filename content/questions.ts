// The question bank loader. Reads every content/questions/*.json (the topic files and lesson-checks.json), checks
// each file against `questionFile` from content/schema.ts and then the rules zod cannot see across items and
// files, and returns the items. Any problem throws a QuestionBankError naming the file and the item id, so a
// broken item fails the build and the tests, not a student. Plain Node: no React, no extra packages.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATEGORIES, questionFile, type Question } from './schema';

export type QuestionFile = { file: string; topic: string; questions: Question[] };
/** An item together with the file it came from (for error messages, filters and the admin views). */
export type LoadedQuestion = Question & { file: string; topic: string };

export class QuestionBankError extends Error {
  constructor(
    readonly file: string,
    readonly itemId: string | undefined,
    problem: string,
  ) {
    super(`${file}${itemId ? ` › ${itemId}` : ''}: ${problem}`);
    this.name = 'QuestionBankError';
  }
}

/** Where the bank lives; the app and the tests both run from the repository root. */
export const QUESTIONS_DIR = join(process.cwd(), 'content', 'questions');

/** Lower-case, whitespace collapsed: two stems equal under this are duplicates. */
export function normaliseStem(stem: string): string {
  return stem.toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Read and schema-check the JSON files in `dir` (sorted by name, so the order is stable). */
export function readQuestionFiles(dir: string = QUESTIONS_DIR): QuestionFile[] {
  const names = readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort();
  return names.map((file) => {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch (e) {
      throw new QuestionBankError(file, undefined, `not valid JSON (${(e as Error).message})`);
    }
    return parseQuestionFile(file, raw);
  });
}

/** Schema-check one file's parsed JSON; the error names the failing item's id when it can be found. */
export function parseQuestionFile(file: string, raw: unknown): QuestionFile {
  const result = questionFile.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue.path;
    let itemId: string | undefined;
    if (path[0] === 'questions' && typeof path[1] === 'number') {
      const item = (raw as { questions?: unknown[] }).questions?.[path[1]] as { id?: unknown } | undefined;
      itemId = typeof item?.id === 'string' ? item.id : `questions[${path[1]}]`;
    }
    throw new QuestionBankError(file, itemId, `${path.join('.') || '(file)'}: ${issue.message}`);
  }
  return { file, ...result.data };
}

/** The cross-item rules: everything beyond the per-item schema. Throws on the first problem. */
export function checkQuestionFiles(files: QuestionFile[]): LoadedQuestion[] {
  const ids = new Map<string, string>();
  const stems = new Map<string, string>();
  const all: LoadedQuestion[] = [];

  for (const { file, topic, questions } of files) {
    for (const q of questions) {
      const fail = (problem: string): never => {
        throw new QuestionBankError(file, q.id, problem);
      };

      const seenIn = ids.get(q.id);
      if (seenIn) fail(`duplicate id (also in ${seenIn})`);
      ids.set(q.id, file);

      const stem = normaliseStem(q.stem);
      const sameStem = stems.get(stem);
      if (sameStem) fail(`duplicate stem (same as ${sameStem})`);
      stems.set(stem, `${file} › ${q.id}`);

      const subs: readonly string[] = CATEGORIES[q.category].subcategories;
      if (!subs.includes(q.subcategory)) fail(`subcategory "${q.subcategory}" is not one of ${q.category}'s: ${subs.join(', ')}`);

      const optionIds = q.options.map((o) => o.id);
      if (new Set(optionIds).size !== optionIds.length) fail('option ids are not distinct');
      const texts = q.options.map((o) => normaliseStem(o.text));
      if (new Set(texts).size !== texts.length) fail('option texts are not distinct');

      for (const k of q.key) if (!optionIds.includes(k)) fail(`key "${k}" is not an option id`);
      if (new Set(q.key).size !== q.key.length) fail('key repeats an option id');

      switch (q.type) {
        case 'single':
        case 'hotspot':
          if (q.key.length !== 1) fail(`a ${q.type} item has exactly one key`);
          break;
        case 'multiple':
          if (q.key.length < 2) fail('a select-multiple item has at least two keys');
          break;
        case 'ordered':
          if (q.key.length !== optionIds.length) fail('an ordered key must list every option id exactly once');
          break;
      }

      if (q.type === 'hotspot') {
        for (const o of q.options) {
          const [x, y, w, h] = o.region;
          if (!(w > 0 && h > 0 && x >= 0 && y >= 0 && x + w <= 100 && y + h <= 100)) {
            fail(`option ${o.id}: region [${o.region.join(', ')}] is not inside the figure (percent)`);
          }
        }
      }

      all.push({ ...q, file, topic });
    }
  }
  return all;
}

/** Every item in the bank, checked. Throws QuestionBankError naming the file and item on any problem. */
export function loadQuestions(dir: string = QUESTIONS_DIR): LoadedQuestion[] {
  return checkQuestionFiles(readQuestionFiles(dir));
}
