// The shape of a fault in the catalogue, and the errors the engine raises. A fault is data (what the student
// sees, why, the lesson it teaches, three hints) plus three functions over the real state of one sandbox:
// inject (returns what clean-up needs), check (what counts as fixed, part by part) and clear.
import { z } from 'zod';
import type { Db } from '../../prisma/db';

/** One part of "Check my fix", run on the real state (archive, worklist, MPPS, the scanner's settings). */
export interface CheckResult {
  id: string;
  label: string;
  passed: boolean;
  /** what was found, in words a student understands */
  detail: string;
}

export const checkResultSchema = z.object({ id: z.string().min(1), label: z.string().min(1), passed: z.boolean(), detail: z.string() });

/** Errors from the fault engine: bad input, an unknown fault or injection, an injection in the wrong state. */
export class FaultError extends Error {
  constructor(
    readonly kind: 'invalid' | 'not-found' | 'conflict',
    message: string,
  ) {
    super(message);
  }
}

/** The descriptive part of a fault, checked by faultMetaSchema when the catalogue loads. */
export const faultMetaSchema = z.object({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a fault id is lower-case words joined by hyphens'),
  title: z.string().trim().min(1).max(80),
  /** what the student sees, before any diagnosis */
  symptom: z.string().trim().min(20),
  rootCause: z.string().trim().min(20),
  /** the lesson section it teaches: content/lessons/NN-{slug}.mdx, a heading's text */
  lesson: z.object({ slug: z.string().min(1), heading: z.string().min(1) }),
  /** from a nudge to the answer */
  hints: z.tuple([z.string().trim().min(10), z.string().trim().min(10), z.string().trim().min(10)]),
});
export type FaultMeta = z.infer<typeof faultMetaSchema>;

export interface FaultDefinition<P, U> extends FaultMeta {
  paramsSchema: z.ZodType<P, unknown>;
  /** what clean-up and the checks need, as stored in FaultInjection.undo */
  undoSchema: z.ZodType<U, unknown>;
  inject(db: Db, sandboxId: string, params: P): Promise<U>;
  check(db: Db, sandboxId: string, params: P, undo: U): Promise<CheckResult[]>;
  /** restores what inject changed; safe to run twice */
  clear(db: Db, sandboxId: string, undo: U): Promise<void>;
}

/** A catalogue entry with its types erased: params and undo are parsed with the fault's own schemas. */
export interface Fault extends FaultMeta {
  paramsSchema: z.ZodType<unknown, unknown>;
  undoSchema: z.ZodType<unknown, unknown>;
  inject(db: Db, sandboxId: string, params: unknown): Promise<unknown>;
  check(db: Db, sandboxId: string, params: unknown, undo: unknown): Promise<CheckResult[]>;
  clear(db: Db, sandboxId: string, undo: unknown): Promise<void>;
}

function issues(e: z.ZodError): string {
  return e.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

/** Parses a fault's params; a FaultError names the fault and what is wrong. */
export function parseParams<P>(fault: { id: string; paramsSchema: z.ZodType<P, unknown> }, raw: unknown): P {
  const r = fault.paramsSchema.safeParse(raw ?? {});
  if (!r.success) throw new FaultError('invalid', `${fault.id}: ${issues(r.error)}`);
  return r.data;
}

/** Checks the descriptive part and erases the types; throws at load time when the entry is malformed. */
export function defineFault<P, U>(f: FaultDefinition<P, U>): Fault {
  const meta = faultMetaSchema.safeParse(f);
  if (!meta.success) throw new Error(`fault ${f.id}: ${issues(meta.error)}`);
  const undoOf = (raw: unknown): U => {
    const r = f.undoSchema.safeParse(raw);
    if (!r.success) throw new FaultError('invalid', `${f.id}: the stored clean-up data is not what this fault expects (${issues(r.error)})`);
    return r.data;
  };
  return {
    ...meta.data,
    paramsSchema: f.paramsSchema,
    undoSchema: f.undoSchema,
    inject: (db, sandboxId, params) => f.inject(db, sandboxId, parseParams(f, params)),
    check: (db, sandboxId, params, undo) => f.check(db, sandboxId, parseParams(f, params), undoOf(undo)),
    clear: (db, sandboxId, undo) => f.clear(db, sandboxId, undoOf(undo)),
  };
}
