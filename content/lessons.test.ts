// Content test for lessons: every lesson loads and validates, and every link out of a lesson (a check quiz,
// a "Try it" place, a figure) and every lesson-check question's link back into a lesson resolves.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { countWords, extractComponents, LessonError, loadLessons, parseLesson, slugifyHeading, type Lesson } from './lessons';
import { SANDBOX_PLACES } from './places';
import { question, questionFile, CATEGORIES } from './schema';

const root = process.cwd();
const lessons = loadLessons(path.join(root, 'content', 'lessons'));

const questionsDir = path.join(root, 'content', 'questions');
const questionFiles = readdirSync(questionsDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ file: `content/questions/${f}`, data: JSON.parse(readFileSync(path.join(questionsDir, f), 'utf8')) as { questions?: unknown[] } }));
/** every question in the bank by id, with the file it came from (raw: validated where used) */
const bank = new Map<string, { file: string; raw: unknown }>();
for (const { file, data } of questionFiles) {
  for (const q of data.questions ?? []) {
    const id = (q as { id?: unknown }).id;
    if (typeof id === 'string' && !bank.has(id)) bank.set(id, { file, raw: q });
  }
}
const checksFile = questionFiles.find((f) => f.file.endsWith('/lesson-checks.json'));

function anchorsOf(l: Lesson) {
  return new Set(l.headings.map((h) => h.anchor));
}
function componentsNamed(l: Lesson, name: string) {
  return l.components.filter((c) => c.name === name);
}

describe('lessons', () => {
  it('there are at least ten, with unique slugs and orders, sorted by order', () => {
    expect(lessons.length).toBeGreaterThanOrEqual(10);
    expect(new Set(lessons.map((l) => l.slug)).size).toBe(lessons.length);
    expect(new Set(lessons.map((l) => l.frontmatter.order)).size).toBe(lessons.length);
    const orders = lessons.map((l) => l.frontmatter.order);
    expect(orders).toEqual([...orders].sort((a, b) => a - b));
  });

  it('the NN- prefix of each file name matches its order', () => {
    for (const l of lessons) expect(path.basename(l.file).slice(0, 2), l.file).toBe(String(l.frontmatter.order).padStart(2, '0'));
  });

  it('each names a sub-category that belongs to its ARRT category', () => {
    for (const l of lessons) {
      const subs: readonly string[] = CATEGORIES[l.frontmatter.category].subcategories;
      expect(subs, l.file).toContain(l.frontmatter.subcategory);
    }
  });

  it.each(lessons.map((l) => [l.slug, l] as const))('%s: structure (## sections, unique anchors, Key points last, 1200–2200 words)', (_, l) => {
    expect(l.headings.some((h) => h.depth === 1), `${l.file}: the title comes from frontmatter, no # heading`).toBe(false);
    const sections = l.headings.filter((h) => h.depth === 2);
    expect(sections.length, l.file).toBeGreaterThanOrEqual(4);
    const anchors = l.headings.map((h) => h.anchor);
    expect(new Set(anchors).size, `${l.file}: duplicate heading anchors ${anchors}`).toBe(anchors.length);
    expect(sections.at(-1)?.text, `${l.file}: last section`).toBe('Key points');
    const words = countWords(l.body);
    expect(words, `${l.file}: ${words} words`).toBeGreaterThanOrEqual(1200);
    expect(words, `${l.file}: ${words} words`).toBeLessThanOrEqual(2200);
  });

  it.each(lessons.map((l) => [l.slug, l] as const))('%s: has at least one figure, one check and one Try it link', (_, l) => {
    expect(componentsNamed(l, 'Figure').length, l.file).toBeGreaterThanOrEqual(1);
    expect(componentsNamed(l, 'Check').length, l.file).toBeGreaterThanOrEqual(1);
    expect(componentsNamed(l, 'TryIt').length, l.file).toBeGreaterThanOrEqual(1);
  });

  it('every <Figure> has src, alt and caption, and its file exists under public/ as a titled SVG', () => {
    for (const l of lessons) {
      for (const f of componentsNamed(l, 'Figure')) {
        const where = `${l.file}:${f.line}`;
        const { src, alt, caption } = f.attrs as Record<string, unknown>;
        expect(typeof src === 'string' && src.startsWith('/lessons/'), `${where}: src ${String(src)}`).toBe(true);
        expect(typeof alt === 'string' && alt.length >= 10, `${where}: alt text`).toBe(true);
        expect(typeof caption === 'string' && caption.length >= 10, `${where}: caption`).toBe(true);
        const abs = path.join(root, 'public', String(src));
        expect(existsSync(abs), `${where}: ${String(src)} not found under public/`).toBe(true);
        if (abs.endsWith('.svg')) {
          const svg = readFileSync(abs, 'utf8');
          expect(svg, `${String(src)}: viewBox`).toMatch(/<svg[^>]*viewBox="/);
          expect(svg, `${String(src)}: <title>`).toMatch(/<title[^>]*>[^<]{5,}<\/title>/);
          expect(svg, `${String(src)}: no external references`).not.toMatch(/(href|src)="(https?:)?\/\//);
        }
      }
    }
  });

  it('every <TryIt> links to a sandbox place that exists, with a label', () => {
    for (const l of lessons) {
      for (const t of componentsNamed(l, 'TryIt')) {
        expect(SANDBOX_PLACES as readonly string[], `${l.file}:${t.line}`).toContain(t.attrs.href);
        expect(typeof t.attrs.label === 'string' && (t.attrs.label as string).length >= 5, `${l.file}:${t.line}: label`).toBe(true);
      }
    }
  });

  it('every <Check ids> question exists in content/questions and is valid', () => {
    for (const l of lessons) {
      for (const c of componentsNamed(l, 'Check')) {
        const ids = c.attrs.ids;
        expect(Array.isArray(ids) && ids.length >= 1 && ids.every((x) => typeof x === 'string'), `${l.file}:${c.line}: ids`).toBe(true);
        for (const id of ids as string[]) {
          const found = bank.get(id);
          expect(found, `${l.file}:${c.line}: question "${id}" is in no content/questions/*.json`).toBeDefined();
          const parsed = question.safeParse(found!.raw);
          expect(parsed.success, `${found!.file}: question "${id}": ${parsed.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`).toBe(true);
        }
      }
    }
  });
});

describe('lesson-checks.json', () => {
  it('exists and is a valid question file', () => {
    expect(checksFile).toBeDefined();
    const parsed = questionFile.safeParse(checksFile!.data);
    expect(parsed.success, parsed.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n')).toBe(true);
  });

  const checks = (checksFile?.data.questions ?? []) as { id: string; lesson: string; options: { id: string }[]; key: string[] }[];

  it('ids are prefixed check- and used nowhere else in the bank', () => {
    for (const q of checks) expect(q.id).toMatch(/^check-/);
    const ids = checks.map((q) => q.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { file, data } of questionFiles) {
      if (file === checksFile?.file) continue;
      for (const q of data.questions ?? []) expect(ids, `${file} reuses a check- id`).not.toContain((q as { id?: string }).id);
    }
  });

  it('each question points at a real heading of a real lesson, and is embedded in that lesson', () => {
    const bySlug = new Map(lessons.map((l) => [l.slug, l]));
    for (const q of checks) {
      const [slug, anchor] = q.lesson.split('#');
      const l = bySlug.get(slug);
      expect(l, `${q.id}: no lesson "${slug}"`).toBeDefined();
      expect([...anchorsOf(l!)], `${q.id}: no heading #${anchor} in ${l!.file}`).toContain(anchor);
      const embedded = componentsNamed(l!, 'Check').flatMap((c) => c.attrs.ids as string[]);
      expect(embedded, `${q.id} is not in a <Check> of ${l!.file}`).toContain(q.id);
    }
  });

  it('each key names one of its options, and keys are not all the same letter', () => {
    for (const q of checks) for (const k of q.key) expect(q.options.map((o) => o.id), q.id).toContain(k);
    expect(new Set(checks.map((q) => q.key[0])).size).toBeGreaterThanOrEqual(3);
  });
});

describe('loader', () => {
  const good = ['---', 'title: "A lesson title"', 'order: 3', 'category: image-production', 'subcategory: Image Management and Informatics',
    "summary: 'A summary that is long enough to pass.'", 'objectives:', '  - "Objective number one"', '  - Objective number two', 'minutes: 10', '---', '', '## First: part (one)', 'Text.', ''].join('\n');

  it('parses the YAML subset and the headings', () => {
    const l = parseLesson(good, 'x.mdx', 'x');
    expect(l.frontmatter.objectives).toEqual(['Objective number one', 'Objective number two']);
    expect(l.frontmatter.summary).toBe('A summary that is long enough to pass.');
    expect(l.headings).toEqual([{ depth: 2, text: 'First: part (one)', anchor: 'first-part-one', line: 13 }]);
  });

  it('slugifies headings as the site does', () => {
    expect(slugifyHeading('Storage tiers and HSM')).toBe('storage-tiers-and-hsm');
    expect(slugifyHeading('C-STORE, C-FIND and `C-MOVE`')).toBe('c-store-c-find-and-c-move');
    expect(slugifyHeading('What is DICOM (ISO 12052)?')).toBe('what-is-dicom-iso-12052');
  });

  it('names the file on invalid frontmatter, unknown keys and missing fences', () => {
    expect(() => parseLesson(good.replace('order: 3', 'order: three'), 'content/lessons/03-x.mdx', 'x')).toThrow(/03-x\.mdx.*order/);
    expect(() => parseLesson(good.replace('minutes: 10', 'minutes: 10\nauthor: me'), 'y.mdx', 'y')).toThrow(LessonError);
    expect(() => parseLesson('no frontmatter', 'z.mdx', 'z')).toThrow(/z\.mdx/);
  });

  it('rejects prose that MDX would misread, and reads component attributes', () => {
    expect(() => extractComponents('a < b', 'f.mdx')).toThrow(/f\.mdx:1/);
    expect(() => extractComponents('x\n{oops}', 'f.mdx')).toThrow(/f\.mdx:2/);
    expect(() => extractComponents('<div>hi</div>', 'f.mdx')).toThrow(/only/);
    expect(extractComponents('`a < b {c}`\n<Check ids={["q-1", "q-2"]} />', 'f.mdx')).toEqual([{ name: 'Check', attrs: { ids: ['q-1', 'q-2'] }, line: 2 }]);
    expect(countWords('## Head\nOne two, three.\n<Figure src="/a.svg" alt="x y z" caption="c" />')).toBe(4);
  });
});
