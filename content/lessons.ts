// Lesson loader: reads content/lessons/NN-slug.mdx, checks the frontmatter against `lessonFrontmatter`, and
// returns the body with its headings (and the anchors the site gives them) and the embedded components.
// Plain Node, no React and no extra packages: the frontmatter is a small YAML subset (see parseFrontmatter), so
// it is parsed here rather than with a YAML library. Any invalid lesson throws a LessonError naming the file.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { lessonFrontmatter, type LessonFrontmatter } from './schema';

export interface LessonHeading {
  depth: number;
  text: string;
  /** the id the site gives the heading: see slugifyHeading */
  anchor: string;
  line: number;
}

/** A PACS Lab component used in the MDX body, with its attributes (string values, or the parsed JS expression). */
export interface LessonComponent {
  name: string;
  attrs: Record<string, unknown>;
  line: number;
}

export interface Lesson {
  slug: string;
  /** path relative to the repository root, e.g. content/lessons/01-what-is-a-pacs.mdx */
  file: string;
  frontmatter: LessonFrontmatter;
  body: string;
  headings: LessonHeading[];
  components: LessonComponent[];
}

/** The components the site provides to lesson MDX. Anything else that looks like JSX is an error. */
export const LESSON_COMPONENTS = ['Figure', 'Check', 'TryIt'] as const;

export class LessonError extends Error {
  constructor(
    readonly file: string,
    message: string,
    readonly line?: number,
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${message}`);
    this.name = 'LessonError';
  }
}

const FILE_NAME = /^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.mdx$/;

export function defaultLessonsDir(): string {
  return path.join(process.cwd(), 'content', 'lessons');
}

/** Load, validate and sort every lesson. Throws a LessonError on the first invalid file. */
export function loadLessons(dir: string = defaultLessonsDir()): Lesson[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.mdx'))
    .sort();
  const lessons = files.map((f) => parseLessonFile(path.join(dir, f)));
  lessons.sort((a, b) => a.frontmatter.order - b.frontmatter.order || a.slug.localeCompare(b.slug));
  const seenSlug = new Map<string, string>();
  const seenOrder = new Map<number, string>();
  for (const l of lessons) {
    const s = seenSlug.get(l.slug);
    if (s) throw new LessonError(l.file, `slug "${l.slug}" is also used by ${s}`);
    seenSlug.set(l.slug, l.file);
    const o = seenOrder.get(l.frontmatter.order);
    if (o) throw new LessonError(l.file, `order ${l.frontmatter.order} is also used by ${o}`);
    seenOrder.set(l.frontmatter.order, l.file);
  }
  return lessons;
}

/** One lesson by slug, or undefined. */
export function findLesson(slug: string, dir?: string): Lesson | undefined {
  return loadLessons(dir).find((l) => l.slug === slug);
}

export function parseLessonFile(absPath: string): Lesson {
  const file = path.relative(process.cwd(), absPath) || absPath;
  const m = FILE_NAME.exec(path.basename(absPath));
  if (!m) throw new LessonError(file, 'file name must be NN-slug.mdx (two digits, a hyphen, lower-case words joined by hyphens)');
  return parseLesson(readFileSync(absPath, 'utf8'), file, m[2]);
}

/** Parse one lesson's source. `file` is used in error messages only. */
export function parseLesson(source: string, file: string, slug: string): Lesson {
  const { data, body, bodyStartLine } = splitFrontmatter(source, file);
  const result = lessonFrontmatter.safeParse(data);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(frontmatter)'}: ${i.message}`).join('; ');
    throw new LessonError(file, `invalid frontmatter: ${problems}`);
  }
  const headings = extractHeadings(body, bodyStartLine);
  const components = extractComponents(body, file, bodyStartLine);
  return { slug, file, frontmatter: result.data, body, headings, components };
}

/** Split "---\nfrontmatter\n---\nbody" and parse the frontmatter block. */
export function splitFrontmatter(source: string, file: string): { data: Record<string, unknown>; body: string; bodyStartLine: number } {
  const lines = source.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[0]?.trim() !== '---') throw new LessonError(file, 'must start with a frontmatter block opened by "---"', 1);
  const end = lines.findIndex((l, i) => i > 0 && l.trim() === '---');
  if (end < 0) throw new LessonError(file, 'frontmatter block is not closed by a second "---" line', 1);
  const data = parseFrontmatter(lines.slice(1, end), file, 2);
  return { data, body: lines.slice(end + 1).join('\n'), bodyStartLine: end + 2 };
}

/**
 * The YAML subset lessons use:
 *   key: value            value is a "double-quoted" (JSON) string, a 'single-quoted' string, a number,
 *                         true/false, a JSON array, or a plain string running to the end of the line
 *   key:                  followed by indented "- item" lines: a list of such values
 *   # comment             and blank lines are ignored
 * Anything else (nested maps, block scalars, anchors) is rejected with the line number.
 */
export function parseFrontmatter(lines: string[], file: string, firstLine = 1): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  let listKey: string | null = null;
  lines.forEach((raw, i) => {
    const lineNo = firstLine + i;
    if (/^\s*(#.*)?$/.test(raw)) return;
    const item = /^\s+-\s+(.*)$/.exec(raw) ?? /^-\s+(.*)$/.exec(raw);
    if (item) {
      if (!listKey) throw new LessonError(file, 'list item without a "key:" line above it', lineNo);
      (data[listKey] as unknown[]).push(parseScalar(item[1], file, lineNo));
      return;
    }
    const kv = /^([A-Za-z_][\w-]*):(?:\s+(.*))?$/.exec(raw);
    if (!kv) throw new LessonError(file, `cannot read frontmatter line "${raw.trim()}" (expected "key: value" or "  - item")`, lineNo);
    const [, key, rest] = kv;
    if (key in data) throw new LessonError(file, `frontmatter key "${key}" appears twice`, lineNo);
    if (rest === undefined || rest.trim() === '') {
      data[key] = [];
      listKey = key;
    } else {
      data[key] = parseScalar(rest, file, lineNo);
      listKey = null;
    }
  });
  return data;
}

function parseScalar(text: string, file: string, line: number): unknown {
  const t = text.trim();
  if (t.startsWith('"') || t.startsWith('[') || t.startsWith('{')) {
    try {
      return JSON.parse(t);
    } catch {
      throw new LessonError(file, `cannot parse ${t.startsWith('"') ? 'quoted string' : 'JSON value'} ${t}`, line);
    }
  }
  if (t.startsWith("'")) {
    if (!t.endsWith("'") || t.length < 2) throw new LessonError(file, `unterminated single-quoted string ${t}`, line);
    return t.slice(1, -1).replace(/''/g, "'");
  }
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t === 'null' || t === '~') return null;
  if (/^[|>&*!%@`]/.test(t)) throw new LessonError(file, `unsupported YAML syntax "${t}": quote the value`, line);
  // a plain scalar: a " #" starts a comment, as in YAML
  return t.replace(/\s+#.*$/, '');
}

/**
 * The anchor the site gives a heading: lower-case, every run of characters other than a–z and 0–9 becomes one
 * hyphen, no hyphen at either end. "Storage tiers and HSM" → "storage-tiers-and-hsm"; "C-STORE: sending" →
 * "c-store-sending". The site's heading-id plugin must use this same function.
 */
export function slugifyHeading(text: string): string {
  return plainHeadingText(text)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Heading text without inline markdown: `code`, *emphasis*, [links](url). */
export function plainHeadingText(text: string): string {
  return text
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/(\*\*|__|\*|_)(\S(?:.*?\S)?)\1/g, '$2')
    .trim();
}

/** ATX headings (#, ##, …) outside fenced code blocks. */
export function extractHeadings(body: string, firstLine = 1): LessonHeading[] {
  const out: LessonHeading[] = [];
  let fence: string | null = null;
  body.split('\n').forEach((line, i) => {
    const f = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (!fence) fence = f[1][0];
      else if (f[1][0] === fence) fence = null;
      return;
    }
    if (fence) return;
    const h = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (!h) return;
    const text = plainHeadingText(h[2]);
    out.push({ depth: h[1].length, text, anchor: slugifyHeading(text), line: firstLine + i });
  });
  return out;
}

/** The body with fenced code blocks and inline code spans blanked out (same length and line breaks). */
export function maskCode(body: string): string {
  const lines = body.split('\n');
  let fence: string | null = null;
  const masked = lines.map((line) => {
    const f = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (!fence) fence = f[1][0];
      else if (f[1][0] === fence) fence = null;
      return ' '.repeat(line.length);
    }
    if (fence) return ' '.repeat(line.length);
    return line.replace(/(`+)([\s\S]*?)\1/g, (m) => ' '.repeat(m.length));
  });
  return masked.join('\n');
}

/**
 * Find every JSX element in the body. Only self-closing LESSON_COMPONENTS are allowed; a stray "<" or "{" in prose
 * (which MDX would read as JSX or a JavaScript expression and fail to compile) is an error naming the line.
 */
export function extractComponents(body: string, file: string, firstLine = 1): LessonComponent[] {
  const text = maskCode(body);
  const lineAt = (pos: number) => firstLine + text.slice(0, pos).split('\n').length - 1;
  const out: LessonComponent[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '{' || c === '}') {
      throw new LessonError(file, `"${c}" in prose is read by MDX as a JavaScript expression: put it in \`code\` or reword`, lineAt(i));
    }
    if (c !== '<') {
      i++;
      continue;
    }
    const name = /^<([A-Za-z][\w.]*)/.exec(text.slice(i, i + 40));
    if (!name || !(LESSON_COMPONENTS as readonly string[]).includes(name[1])) {
      throw new LessonError(
        file,
        `"<" here is read by MDX as the start of a tag: only ${LESSON_COMPONENTS.map((n) => `<${n} />`).join(', ')} are allowed; write "less than" or use \`code\``,
        lineAt(i),
      );
    }
    const start = i;
    i += name[0].length;
    const attrs: Record<string, unknown> = {};
    for (;;) {
      while (/\s/.test(text[i] ?? '')) i++;
      if (text.startsWith('/>', i)) {
        i += 2;
        break;
      }
      if (i >= text.length || text[i] === '>') {
        throw new LessonError(file, `<${name[1]}> must be self-closing ("<${name[1]} … />")`, lineAt(start));
      }
      const an = /^([A-Za-z][\w-]*)=/.exec(text.slice(i, i + 60));
      if (!an) throw new LessonError(file, `cannot read the attributes of <${name[1]}>`, lineAt(i));
      i += an[0].length;
      if (text[i] === '"') {
        const endQ = text.indexOf('"', i + 1);
        if (endQ < 0) throw new LessonError(file, `unterminated attribute ${an[1]} in <${name[1]}>`, lineAt(i));
        attrs[an[1]] = text.slice(i + 1, endQ);
        i = endQ + 1;
      } else if (text[i] === '{') {
        const endB = matchBrace(text, i);
        if (endB < 0) throw new LessonError(file, `unbalanced { } in attribute ${an[1]} of <${name[1]}>`, lineAt(i));
        const expr = text.slice(i + 1, endB).trim();
        try {
          attrs[an[1]] = JSON.parse(expr);
        } catch {
          throw new LessonError(file, `attribute ${an[1]} of <${name[1]}> must be a JSON-compatible literal, got {${expr}}`, lineAt(i));
        }
        i = endB + 1;
      } else {
        throw new LessonError(file, `attribute ${an[1]} of <${name[1]}> needs a "string" or {expression} value`, lineAt(i));
      }
    }
    out.push({ name: name[1], attrs, line: lineAt(start) });
  }
  return out;
}

function matchBrace(text: string, open: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let j = open; j < text.length; j++) {
    const ch = text[j];
    if (quote) {
      if (ch === '\\') j++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return j;
  }
  return -1;
}

/** Words of prose a student reads: markdown syntax, code fences and component tags left out. */
export function countWords(body: string): number {
  const prose = body
    .replace(/^\s*(`{3,}|~{3,})[\s\S]*?^\s*\1\s*$/gm, ' ')
    .replace(/<(Figure|Check|TryIt)\b[\s\S]*?\/>/g, ' ')
    .replace(/^\s*\|?\s*:?-{3,}.*$/gm, ' ')
    .replace(/[#*_`|>]/g, ' ');
  return prose.split(/\s+/).filter((w) => /[A-Za-z0-9]/.test(w)).length;
}
