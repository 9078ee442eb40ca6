// The id of a fault drill (drill.ts), with no dependencies: the assignment target's schema and the forms use it
// without loading the fault catalogue. `drill~<option>~<option>…`: the options (a catalogue fault id, and
// `.mode` for a fault used with a mode, e.g. worklist-missing.hl7-down) sorted, so one set of faults has one id,
// and URL-safe as it is (RFC 3986 unreserved characters only), so it is the scenario page's path segment.

const word = '[a-z0-9]+(?:-[a-z0-9]+)*';
/** One option of a drill: `fault-id` or `fault-id.mode`. */
export const DRILL_OPTION_PATTERN = new RegExp(`^${word}(?:\\.${word})?$`);
/** A drill id of one to three options. */
export const DRILL_ID_PATTERN = new RegExp(`^drill(?:~${word}(?:\\.${word})?){1,3}$`);

/** What the assignment form's Scenario select sends for "Fault drill" (the faults come in `faults`). */
export const DRILL_CHOICE = 'drill';

export const isDrillId = (id: string) => DRILL_ID_PATTERN.test(id);

/** The canonical id of a set of options: sorted, each once. */
export const drillIdOf = (options: readonly string[]) => `drill~${[...new Set(options)].sort().join('~')}`;

/** The options a drill id names, as written (null when it is not a drill id). */
export const drillOptionsOf = (id: string): string[] | null => (isDrillId(id) ? id.split('~').slice(1) : null);
