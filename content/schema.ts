// The shape of all teaching content. Lessons (MDX frontmatter), questions and (later) scenarios are data checked
// against these schemas at build time and in tests, so a broken item fails CI, not a student.
import { z } from 'zod';

/** ARRT Radiography content categories (the registry's four), with the sub-categories this bank uses. */
export const CATEGORIES = {
  'patient-care': { label: 'Patient Care', subcategories: ['Patient Interactions and Management'] },
  safety: { label: 'Safety', subcategories: ['Radiation Physics and Radiobiology', 'Radiation Protection'] },
  'image-production': {
    label: 'Image Production',
    subcategories: ['Image Acquisition and Technical Evaluation', 'Equipment Operation and Quality Assurance', 'Image Management and Informatics'],
  },
  procedures: { label: 'Procedures', subcategories: ['Head, Spine and Pelvis', 'Thorax and Abdomen', 'Extremities'] },
} as const;

export type CategoryId = keyof typeof CATEGORIES;
export const categoryId = z.enum(Object.keys(CATEGORIES) as [CategoryId, ...CategoryId[]]);

const slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lower-case words joined by hyphens');

/** A lesson section reference: "lesson-slug#section-anchor" (the anchor is a heading's slug in that lesson). */
export const lessonRef = z.string().regex(/^[a-z0-9-]+#[a-z0-9-]+$/, 'lesson-slug#section-anchor');

export const lessonFrontmatter = z
  .object({
    title: z.string().min(5).max(90),
    order: z.number().int().min(1),
    category: categoryId,
    subcategory: z.string().min(3),
    summary: z.string().min(20).max(300),
    objectives: z.array(z.string().min(10)).min(2).max(8),
    minutes: z.number().int().min(3).max(60),
  })
  .strict();
export type LessonFrontmatter = z.infer<typeof lessonFrontmatter>;

const option = z
  .object({
    id: z.enum(['a', 'b', 'c', 'd', 'e', 'f']),
    text: z.string().min(1),
    /** why this option is right, or why a candidate might pick it and why it is wrong */
    rationale: z.string().min(15),
  })
  .strict();

const base = {
  id: slug,
  stem: z.string().min(15),
  difficulty: z.enum(['easy', 'medium', 'hard']),
  category: categoryId,
  subcategory: z.string().min(3),
  lesson: lessonRef,
  /** optional figure shown with the stem (path under public/) */
  figure: z.object({ src: z.string().startsWith('/'), alt: z.string().min(5) }).strict().optional(),
};

/** Registry item formats: one best answer, select-multiple, ordered list, and hot-spot on a figure. */
export const question = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('single'), options: z.array(option).length(4), key: z.array(option.shape.id).length(1) }).strict(),
  z.object({ ...base, type: z.literal('multiple'), options: z.array(option).min(4).max(6), key: z.array(option.shape.id).min(2) }).strict(),
  /** options listed shuffled; key is the correct order of option ids */
  z.object({ ...base, type: z.literal('ordered'), options: z.array(option).min(3).max(6), key: z.array(option.shape.id).min(3) }).strict(),
  /** each option is a region of the figure (x, y, w, h in % of the figure); key names the right region */
  z
    .object({
      ...base,
      type: z.literal('hotspot'),
      figure: z.object({ src: z.string().startsWith('/'), alt: z.string().min(5) }).strict(),
      options: z.array(option.extend({ region: z.tuple([z.number(), z.number(), z.number(), z.number()]) })).min(3).max(6),
      key: z.array(option.shape.id).length(1),
    })
    .strict(),
]);
export type Question = z.infer<typeof question>;

export const questionFile = z.object({ topic: z.string().min(3), questions: z.array(question).min(1) }).strict();
