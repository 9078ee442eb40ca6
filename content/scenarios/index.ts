// Scenario loader: every entry of data.ts parsed with scenarioSchema and cross-checked against the fault
// catalogue (known fault id, params the fault's own paramsSchema accepts) and the sandbox places. Lesson
// headings are checked against the lesson files by scenarios.test.ts (lessonProblems), as content/links.test.ts
// does for the question bank. A malformed scenario throws when the list loads: it fails CI, not a student.
import { findFault } from '../../sim/faults/catalogue';
import { isSandboxPlace } from '../places';
import { SCENARIO_DATA } from './data';
import { scenarioSchema, type Scenario } from './schema';

export { DIFFICULTIES, scenarioSchema, type Difficulty, type Scenario } from './schema';

/** What is wrong with one raw scenario (empty when it is valid). */
export function scenarioProblems(raw: unknown): string[] {
  const r = scenarioSchema.safeParse(raw);
  const name = (raw as { id?: unknown })?.id ?? '(no id)';
  if (!r.success) return r.error.issues.map((i) => `${String(name)}: ${i.path.join('.') || 'scenario'}: ${i.message}`);
  const s = r.data;
  const out: string[] = [];
  if (!isSandboxPlace(s.startPlace)) out.push(`${s.id}: startPlace ${s.startPlace} is not a sandbox place (content/places.ts)`);
  s.faults.forEach((f, i) => {
    const fault = findFault(f.faultId);
    if (!fault) return out.push(`${s.id}: faults.${i}: there is no fault "${f.faultId}" in the catalogue`);
    const p = fault.paramsSchema.safeParse(f.params);
    if (!p.success) out.push(`${s.id}: faults.${i} (${f.faultId}) params: ${p.error.issues.map((x) => `${x.path.join('.') || 'params'}: ${x.message}`).join('; ')}`);
  });
  return out;
}

/** Lesson references that name no heading of a lesson: lessons maps slug → its headings' plain text. */
export function lessonProblems(s: Scenario, lessons: Map<string, Set<string>>): string[] {
  return s.lessons.filter((l) => !lessons.get(l.slug)?.has(l.heading)).map((l) => `${s.id}: lesson ${l.slug} "${l.heading}" does not exist`);
}

let cached: Scenario[] | undefined;

/** Every scenario, validated; throws naming each problem when one is malformed. */
export function loadScenarios(data: unknown[] = SCENARIO_DATA): Scenario[] {
  if (data === SCENARIO_DATA && cached) return cached;
  const problems = data.flatMap(scenarioProblems);
  const ids = data.map((d) => (d as { id?: string }).id);
  const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (dup.length) problems.push(`duplicate scenario id(s): ${dup.join(', ')}`);
  if (problems.length) throw new Error(`invalid scenarios:\n${problems.join('\n')}`);
  const list = data.map((d) => scenarioSchema.parse(d));
  if (data === SCENARIO_DATA) cached = list;
  return list;
}

export function findScenario(id: string): Scenario | undefined {
  return loadScenarios().find((s) => s.id === id);
}
