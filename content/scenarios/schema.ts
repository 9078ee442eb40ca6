// The shape of a fault scenario (PACS Lab issue #8): a story a student plays in the demo sandbox, the faults it
// injects (sim/faults catalogue ids and their params), the task, a time budget and the lessons it relates to.
// Structural checks only; index.ts cross-checks fault ids, params, lesson headings and places.
import { z } from 'zod';

const slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lower-case words joined by hyphens');

export const DIFFICULTIES = ['warm-up', 'standard', 'challenge'] as const;
export type Difficulty = (typeof DIFFICULTIES)[number];

export const scenarioSchema = z
  .object({
    id: slug,
    title: z.string().trim().min(5).max(80),
    /** what happened, as the student is told it at the start of a shift */
    story: z.string().trim().min(40).max(700),
    /** what counts as done, in one or two sentences */
    task: z.string().trim().min(20).max(400),
    faults: z
      .array(
        z
          .object({
            faultId: slug,
            params: z.record(z.string(), z.unknown()).default({}),
            /**
             * the story's patient: Start places this order for today on the fault's scanner and gives the fault its
             * accession number, so every attempt has its own exam (the shared demo worklist is never used up)
             */
            order: z
              .object({
                patientName: z.string().regex(/^[A-Z' -]+\^[A-Z' -]+$/, 'FAMILY^GIVEN in capitals'),
                patientId: z.string().regex(/^[A-Z0-9]{3,16}$/),
                patientBirthDate: z.string().regex(/^(19|20)\d{6}$/, 'YYYYMMDD'),
                patientSex: z.enum(['M', 'F', 'O']),
                requestedProcedureDescription: z.string().trim().min(3).max(64),
              })
              .strict()
              .optional(),
          })
          .strict(),
      )
      .min(1, 'a scenario injects at least one fault')
      .max(3, 'at most three faults: more is noise, not a lesson')
      // the engine refuses a second active injection of the same fault in one sandbox
      .refine((fs) => new Set(fs.map((f) => f.faultId)).size === fs.length, 'each fault at most once per scenario'),
    timeBudgetMinutes: z.number().int().min(3).max(90),
    difficulty: z.enum(DIFFICULTIES),
    /** lesson sections to revise: a lesson slug and a heading's text, as in the fault catalogue */
    lessons: z.array(z.object({ slug, heading: z.string().trim().min(1) }).strict()).min(1),
    /** where the student starts looking: a place from content/places.ts */
    startPlace: z.string().startsWith('/sandbox'),
  })
  .strict();

export type Scenario = z.infer<typeof scenarioSchema>;
