// The question bank's content test: the real bank loads and obeys every rule, and the loader's checks really
// catch each kind of broken item (fed small in-memory fixtures), naming the file and the item.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATEGORIES } from './schema';
import { checkQuestionFiles, loadQuestions, normaliseStem, parseQuestionFile, QuestionBankError, readQuestionFiles, type QuestionFile } from './questions';

const files = readQuestionFiles();
const bank = loadQuestions();

describe('question bank', () => {
  it('loads every file through the schema and the cross-item checks', () => {
    expect(files.length).toBeGreaterThanOrEqual(7);
    expect(bank.length).toBe(files.reduce((n, f) => n + f.questions.length, 0));
  });

  it('holds at least 150 items', () => {
    expect(bank.length).toBeGreaterThanOrEqual(150);
  });

  it('uses all four registry formats', () => {
    const types = new Set(bank.map((q) => q.type));
    for (const t of ['single', 'multiple', 'ordered', 'hotspot']) expect(types, t).toContain(t);
  });

  it('has unique ids across files, prefixed by the file topic', () => {
    const ids = bank.map((q) => q.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const q of bank) {
      const prefix = q.file === 'lesson-checks.json' ? 'check-' : `${q.file.replace(/\.json$/, '')}-`;
      expect(q.id.startsWith(prefix), `${q.file} › ${q.id} should start with ${prefix}`).toBe(true);
    }
  });

  it('has no duplicate stems (lower-case, whitespace collapsed)', () => {
    const seen = new Map<string, string>();
    for (const q of bank) {
      const s = normaliseStem(q.stem);
      expect(seen.get(s), `${q.id} repeats the stem of ${seen.get(s)}`).toBeUndefined();
      seen.set(s, q.id);
    }
  });

  it('gives every option a real rationale (at least one full sentence)', () => {
    for (const q of bank) {
      for (const o of q.options) {
        const r = o.rationale.trim();
        expect(r.length, `${q.id} option ${o.id}`).toBeGreaterThanOrEqual(15);
        expect(r.split(/\s+/).length, `${q.id} option ${o.id}: rationale too short`).toBeGreaterThanOrEqual(5);
        expect(r, `${q.id} option ${o.id}: rationale should end a sentence`).toMatch(/[.!?)"'’”]$/);
      }
    }
  });

  it('keys name real options, with the right count for each format', () => {
    for (const q of bank) {
      const ids = q.options.map((o) => o.id);
      for (const k of q.key) expect(ids, `${q.id} key ${k}`).toContain(k);
      expect(new Set(q.key).size, q.id).toBe(q.key.length);
      if (q.type === 'single' || q.type === 'hotspot') expect(q.key, q.id).toHaveLength(1);
      if (q.type === 'single') expect(q.options, q.id).toHaveLength(4);
      if (q.type === 'multiple') {
        expect(q.key.length, q.id).toBeGreaterThanOrEqual(2);
        expect(q.options.length, q.id).toBeGreaterThanOrEqual(4);
        expect(q.options.length, q.id).toBeLessThanOrEqual(6);
      }
      if (q.type === 'ordered') expect([...q.key].sort(), q.id).toEqual([...ids].sort());
    }
  });

  it('presents ordered items shuffled, not already in the answer order', () => {
    for (const q of bank.filter((q) => q.type === 'ordered' && q.file !== 'lesson-checks.json')) {
      expect(q.options.map((o) => o.id), q.id).not.toEqual(q.key);
    }
  });

  it('keeps option ids and texts distinct within each item', () => {
    for (const q of bank) {
      expect(new Set(q.options.map((o) => o.id)).size, q.id).toBe(q.options.length);
      expect(new Set(q.options.map((o) => normaliseStem(o.text))).size, q.id).toBe(q.options.length);
    }
  });

  it("files each item under a sub-category of its own category", () => {
    for (const q of bank) expect(CATEGORIES[q.category].subcategories as readonly string[], q.id).toContain(q.subcategory);
  });

  it('mixes difficulties in every topic file', () => {
    for (const f of files.filter((f) => f.file !== 'lesson-checks.json')) {
      const levels = new Set(f.questions.map((q) => q.difficulty));
      expect(levels.size, f.file).toBe(3);
    }
  });

  it('has every figure file under public/, and hotspot regions inside the figure without overlapping', () => {
    for (const q of bank) {
      if (q.figure) expect(existsSync(join(process.cwd(), 'public', q.figure.src)), `${q.id}: ${q.figure.src}`).toBe(true);
      if (q.type !== 'hotspot') continue;
      const rs = q.options.map((o) => o.region);
      for (const [x, y, w, h] of rs) {
        expect(x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= 100 && y + h <= 100, `${q.id} region`).toBe(true);
      }
      for (let i = 0; i < rs.length; i++) {
        for (let j = i + 1; j < rs.length; j++) {
          const [ax, ay, aw, ah] = rs[i];
          const [bx, by, bw, bh] = rs[j];
          const overlap = ax < bx + bw && bx < ax + aw && ay < by + bh && by < ay + ah;
          expect(overlap, `${q.id}: regions ${q.options[i].id} and ${q.options[j].id} overlap`).toBe(false);
        }
      }
    }
  });
});

// ---- the loader's checks, against small broken fixtures ----

const opt = (id: 'a' | 'b' | 'c' | 'd' | 'e' | 'f', text = `Option ${id}`) => ({ id, text, rationale: `Rationale for option ${id}, a full sentence.` });
const item = (over: Record<string, unknown> = {}) => ({
  id: 'fixture-001',
  type: 'single',
  stem: 'A technologist sends a study and wonders what happens next.',
  options: [opt('a'), opt('b'), opt('c'), opt('d')],
  key: ['a'],
  difficulty: 'easy',
  category: 'image-production',
  subcategory: 'Image Management and Informatics',
  lesson: 'what-is-a-pacs#pacs-components',
  ...over,
});
const file = (name: string, ...questions: Record<string, unknown>[]): QuestionFile => parseQuestionFile(name, { topic: 'Fixture topic', questions });

function expectBankError(run: () => unknown, fileName: string, itemId: string, message: RegExp) {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(QuestionBankError);
    const err = e as QuestionBankError;
    expect(err.file).toBe(fileName);
    expect(err.itemId).toBe(itemId);
    expect(err.message).toContain(fileName);
    expect(err.message).toContain(itemId);
    expect(err.message).toMatch(message);
    return;
  }
  throw new Error('expected a QuestionBankError');
}

describe('question loader checks', () => {
  it('accepts a well-formed fixture', () => {
    expect(checkQuestionFiles([file('a.json', item())])).toHaveLength(1);
  });

  it('names the file and item when the schema fails (e.g. a missing rationale)', () => {
    const bad = item({ id: 'fixture-009', options: [opt('a'), opt('b'), opt('c'), { id: 'd', text: 'D' }] });
    expectBankError(() => file('bad.json', item(), bad), 'bad.json', 'fixture-009', /rationale/);
  });

  it('rejects a single item with two keys (schema)', () => {
    expectBankError(() => file('bad.json', item({ id: 'fixture-002', key: ['a', 'b'] })), 'bad.json', 'fixture-002', /key/);
  });

  it('rejects a duplicate id across files', () => {
    expectBankError(() => checkQuestionFiles([file('a.json', item()), file('b.json', item({ stem: 'A different stem entirely here.' }))]), 'b.json', 'fixture-001', /duplicate id.*a\.json/);
  });

  it('rejects a duplicate stem after normalising case and whitespace', () => {
    const twin = item({ id: 'fixture-002', stem: '  a TECHNOLOGIST sends a study\n and wonders   what happens next. ' });
    expectBankError(() => checkQuestionFiles([file('a.json', item(), twin)]), 'a.json', 'fixture-002', /duplicate stem/);
  });

  it('rejects a key that is not among the options', () => {
    const bad = item({ type: 'multiple', options: [opt('a'), opt('b'), opt('c'), opt('d')], key: ['a', 'e'] });
    expectBankError(() => checkQuestionFiles([file('a.json', bad)]), 'a.json', 'fixture-001', /key "e"/);
  });

  it('rejects an ordered key that is not a permutation of the options', () => {
    const bad = item({ type: 'ordered', options: [opt('a'), opt('b'), opt('c'), opt('d')], key: ['b', 'a', 'c'] });
    expectBankError(() => checkQuestionFiles([file('a.json', bad)]), 'a.json', 'fixture-001', /every option/);
    const repeat = item({ type: 'ordered', options: [opt('a'), opt('b'), opt('c')], key: ['b', 'a', 'a'] });
    expectBankError(() => checkQuestionFiles([file('a.json', repeat)]), 'a.json', 'fixture-001', /repeats|every option/);
  });

  it('rejects a select-multiple item with a repeated key', () => {
    const bad = item({ type: 'multiple', key: ['a', 'a'] });
    expectBankError(() => checkQuestionFiles([file('a.json', bad)]), 'a.json', 'fixture-001', /repeats/);
  });

  it('rejects repeated option ids and repeated option texts', () => {
    const ids = item({ options: [opt('a'), opt('b'), opt('c'), opt('c', 'Something else')] });
    expectBankError(() => checkQuestionFiles([file('a.json', ids)]), 'a.json', 'fixture-001', /option ids/);
    const texts = item({ options: [opt('a'), opt('b'), opt('c'), opt('d', 'option  A')] });
    expectBankError(() => checkQuestionFiles([file('a.json', texts)]), 'a.json', 'fixture-001', /option texts/);
  });

  it('rejects a sub-category from another category', () => {
    const bad = item({ category: 'safety', subcategory: 'Image Management and Informatics' });
    expectBankError(() => checkQuestionFiles([file('a.json', bad)]), 'a.json', 'fixture-001', /subcategory/);
  });

  it('rejects a hotspot region outside the figure', () => {
    const region = (id: 'a' | 'b' | 'c', r: number[]) => ({ ...opt(id), region: r });
    const bad = item({
      type: 'hotspot',
      figure: { src: '/questions/x.svg', alt: 'A figure' },
      options: [region('a', [0, 0, 10, 10]), region('b', [20, 20, 10, 10]), region('c', [95, 0, 10, 10])],
    });
    expectBankError(() => checkQuestionFiles([file('a.json', bad)]), 'a.json', 'fixture-001', /region/);
  });
});
