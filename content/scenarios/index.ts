// Scenario loader: every entry of data.ts parsed with scenarioSchema and cross-checked against the fault
// catalogue (known fault id, params the fault's own paramsSchema accepts) and the sandbox places. Lesson
// headings are checked against the lesson files by scenarios.test.ts (lessonProblems), as content/links.test.ts
// does for the question bank. A malformed scenario throws when the list loads: it fails CI, not a student.
import { findFault } from '../../sim/faults/catalogue';
import { isSandboxPlace } from '../places';
import { SCENARIO_DATA } from './data';
import { buildDrill, DrillError, drillOptions, drillOptionsOf, type DrillOption } from './drill';
import { scenarioSchema, type Scenario } from './schema';

export { DIFFICULTIES, scenarioSchema, type Difficulty, type Scenario } from './schema';
export { conflictOf, DRILL_CHOICE, DRILL_MAX_FAULTS, DRILL_MAX_MINUTES, DrillError, drillIdOf, isDrillId, type DrillOption } from './drill';

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

/** The faults a drill may inject (drill.ts), from the written scenarios. */
export function faultDrillOptions(): DrillOption[] {
  return drillOptions(loadScenarios());
}

/** The scenario of a fault drill of these faults (`fault-id` or `fault-id.mode`); DrillError says why not. */
export function drillScenario(keys: readonly string[]): Scenario {
  return buildDrill(keys, loadScenarios());
}

// drills asked for by id (the scenario page, the dashboards' titles): built once each; ids are canonical, so the
// cache holds one entry per set of faults (bounded all the same: an id comes from a URL)
const drills = new Map<string, Scenario | null>();

/** A written scenario by id, or the fault drill a `drill~…` id names (only its canonical, sorted form). */
export function findScenario(id: string): Scenario | undefined {
  const keys = drillOptionsOf(id);
  if (!keys) return loadScenarios().find((s) => s.id === id);
  if (!drills.has(id)) {
    let s: Scenario | null = null;
    try {
      s = drillScenario(keys);
    } catch (e) {
      if (!(e instanceof DrillError)) throw e;
    }
    if (drills.size >= 500) drills.clear();
    drills.set(id, s && s.id === id ? s : null);
  }
  return drills.get(id) ?? undefined;
}
