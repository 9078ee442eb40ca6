// Fault drills (PACS Lab issue #9: "assign a fault scenario with chosen faults"): a scenario built at run time
// from the faults an instructor ticks. Each fault is injected exactly as the FIRST written scenario that uses it
// (data.ts: its params and the shape of its order), so a drill breaks the sandbox the way a tested scenario does;
// the patient is a drill patient of its own per fault (two faults never share an order), and the story is what
// people would notice (each fault's catalogue `symptom`). Pure: index.ts passes the written scenarios in.
//
// Which faults go together is a static rule over what each fault breaks and what it needs working to set itself
// up (its scanner known to the PACS, the scanner's sends, the archive storing). Two faults conflict when one breaks
// what the other needs, when both break the same thing (one would hide the other, and their clean-ups would
// restore each other's broken values), or when they are the same catalogue fault (the engine runs a fault once
// per sandbox). Under that rule the order of injection does not matter. A fault this table does not describe is
// not offered for drills until it is (drill.test.ts checks that every catalogue fault is).
import { z } from 'zod';
import { CATALOGUE, findFault } from '../../sim/faults/catalogue';
import { drillIdOf, DRILL_ID_PATTERN, DRILL_OPTION_PATTERN } from './drillId';
import { scenarioSchema, type Difficulty, type Scenario } from './schema';

export { DRILL_CHOICE, drillIdOf, drillOptionsOf, isDrillId } from './drillId';

/** At most this many faults in one drill (as in a written scenario: more is noise, not a lesson). */
export const DRILL_MAX_FAULTS = 3;
/** A drill's time budget: the sum of its faults' scenarios' budgets, at most this. */
export const DRILL_MAX_MINUTES = 60;

/** A written scenario's shape, but a drill's id, and a story that lists every fault's symptom verbatim. */
export const drillScenarioSchema = scenarioSchema.extend({
  id: z.string().regex(DRILL_ID_PATTERN, 'drill~ and the faults, sorted'),
  story: z.string().trim().min(40).max(1500),
});

/** A drill could not be built: the sentence says why, in the instructor's words. */
export class DrillError extends Error {
  readonly kind = 'invalid' as const;
}

interface Resource {
  id: string;
  /** what it is, in a sentence: "… breaks {says}" */
  says: string;
}

const ARCHIVE: Resource = { id: 'archive', says: 'the archive storing what it is sent (its service and its storage quota)' };
const HL7_INBOUND: Resource = { id: 'hl7-inbound', says: "the RIS's inbound HL7 order interface" };
const ACCEPT_POLICY: Resource = { id: 'accept-policy', says: 'the transfer syntaxes the archive accepts' };
const TIERS: Resource = { id: 'tiers', says: "the archive's storage-tier and lossy-compression settings" };
const READING_FILTER: Resource = { id: 'reading-filter', says: "the student's saved reading-worklist filter" };
const sends = (ae: string): Resource => ({ id: `send:${ae}`, says: `${ae}'s sends to the archive (its archive destination and transfer syntax)` });
const known = (ae: string): Resource => ({ id: `node:${ae}`, says: `${ae}'s entry in the PACS's node table (without it the PACS refuses ${ae}'s worklist queries, MPPS and sends)` });

export interface FaultUses {
  breaks: Resource[];
  /** what must work while it is injected */
  needs: Resource[];
}

/** Faults whose injection scans, sends and needs the images stored (mpps-in-progress, the study faults …). */
const stores = (ae: string): FaultUses => ({ breaks: [], needs: [known(ae), sends(ae), ARCHIVE] });

/** What each catalogue fault breaks and needs, on its scanner `ae` and in its mode (sim/faults: read their inject). */
const USES: Record<string, (ae: string, mode: string | null) => FaultUses> = {
  // send failures: the exam is scanned from the worklist, then the send fails by design
  'send-wrong-port': (ae) => ({ breaks: [sends(ae)], needs: [known(ae)] }),
  'send-ae-mismatch': (ae, mode) => (mode === 'called-ae' ? { breaks: [sends(ae)], needs: [known(ae)] } : { breaks: [known(ae), sends(ae)], needs: [] }),
  'send-storage-full': (ae) => ({ breaks: [ARCHIVE], needs: [known(ae)] }),
  'pacs-offline': (ae) => ({ breaks: [ARCHIVE], needs: [known(ae)] }),
  'syntax-not-accepted': (ae) => ({ breaks: [sends(ae), ACCEPT_POLICY], needs: [known(ae)] }),
  // the order: rescheduled, or sent by the HIS while the RIS's inbound interface is down
  'worklist-missing': (ae, mode) => ({ breaks: mode === 'hl7-down' ? [HL7_INBOUND] : [], needs: [known(ae)] }),
  // the exam must reach the archive for the fault to be set up
  'mpps-in-progress': stores,
  'network-stall': stores,
  'split-study': stores,
  'merged-study': stores,
  'study-unverified': stores,
  'wrong-patient': stores,
  'reading-filter-hides': (ae) => ({ ...stores(ae), breaks: [READING_FILTER] }),
  'lossy-before-read': (ae) => ({ ...stores(ae), breaks: [TIERS] }),
};

/** In a drill's title ("Fault drill: wrong port, archive full"): short, at most 20 characters. */
const SHORT: Record<string, string> = {
  'send-wrong-port.port': 'wrong port',
  'send-ae-mismatch.called-ae': 'wrong called AE',
  'send-ae-mismatch.unregistered': 'unknown scanner AE',
  'send-ae-mismatch.renamed': 'renamed node',
  'send-storage-full': 'archive full',
  'worklist-missing.date': 'order on wrong day',
  'worklist-missing.station': 'order wrong station',
  'worklist-missing.hl7-down': 'HL7 interface down',
  'mpps-in-progress': 'MPPS in progress',
  'split-study': 'split study',
  'merged-study': 'merged study',
  'pacs-offline': 'PACS offline',
  'network-stall': 'network stall',
  'syntax-not-accepted': 'syntax refused',
  'study-unverified': 'unverified study',
  'reading-filter-hides': 'reading filter',
  'lossy-before-read': 'lossy before read',
  'wrong-patient': 'wrong patient',
};

/** A fault's modes, as the form tells them apart (only for a fault offered in more than one mode). */
const MODE_TEXT: Record<string, string> = {
  'send-ae-mismatch.called-ae': 'the scanner calls a wrong archive AE',
  'send-ae-mismatch.unregistered': 'the PACS does not know the scanner',
  'send-ae-mismatch.renamed': 'the scanner renamed in the PACS node table',
  'worklist-missing.date': 'booked for another day',
  'worklist-missing.station': 'booked for another station',
  'worklist-missing.hl7-down': 'the HL7 interface from the HIS is down',
};

/** One fault a drill may inject: a catalogue fault, in the mode (and with the params) of a written scenario. */
export interface DrillOption {
  /** `fault-id` or `fault-id.mode`: what a drill id lists */
  key: string;
  faultId: string;
  mode: string | null;
  /** as the assignment form lists it: the catalogue title, and the mode when the fault has several */
  title: string;
  /** in a drill's title */
  short: string;
  modalityAe: string;
  /** the written scenario it is taken from (params, order, budget, place) */
  source: Scenario;
  fault: Scenario['faults'][number];
  uses: FaultUses;
}

const keyOf = (faultId: string, params: Record<string, unknown>) => (typeof params.mode === 'string' ? `${faultId}.${params.mode}` : faultId);

/**
 * Every fault a drill may inject: each catalogue fault in every mode a written scenario uses, taken from the first
 * scenario that uses it that way; in the catalogue's order.
 */
export function drillOptions(written: readonly Scenario[]): DrillOption[] {
  const found = new Map<string, Omit<DrillOption, 'title'>>();
  for (const source of written) {
    for (const fault of source.faults) {
      const key = keyOf(fault.faultId, fault.params);
      const uses = USES[fault.faultId];
      if (found.has(key) || !findFault(fault.faultId) || !uses || !DRILL_OPTION_PATTERN.test(key)) continue;
      const modalityAe = String(fault.params.modalityAe ?? 'CT1');
      const mode = typeof fault.params.mode === 'string' ? fault.params.mode : null;
      found.set(key, { key, faultId: fault.faultId, mode, short: SHORT[key] ?? findFault(fault.faultId)!.title, modalityAe, source, fault, uses: uses(modalityAe, mode) });
    }
  }
  const rank = (faultId: string) => CATALOGUE.findIndex((f) => f.id === faultId);
  const list = [...found.values()].sort((a, b) => rank(a.faultId) - rank(b.faultId));
  return list.map((o) => {
    const title = findFault(o.faultId)!.title;
    const several = list.filter((x) => x.faultId === o.faultId).length > 1;
    return { ...o, title: several && o.mode ? `${title} (${MODE_TEXT[o.key] ?? `mode ${o.mode}`})` : title };
  });
}

const quote = (o: DrillOption) => `“${o.title}”`;

/** Why two drill options cannot be injected together, in a sentence; null when they can. */
export function conflictOf(a: DrillOption, b: DrillOption): string | null {
  if (a.faultId === b.faultId) return `${quote(a)} and ${quote(b)} are one fault in two modes: a sandbox runs each fault once, so tick only one of them.`;
  const both = a.uses.breaks.find((r) => b.uses.breaks.some((x) => x.id === r.id));
  if (both) return `${quote(a)} and ${quote(b)} both break ${both.says}: one would hide the other. Tick only one of them, or give them as two drills.`;
  for (const [x, y] of [[a, b], [b, a]] as const) {
    const r = x.uses.breaks.find((r) => y.uses.needs.some((n) => n.id === r.id));
    if (r) return `${quote(x)} cannot go with ${quote(y)}: it breaks ${r.says}, which ${quote(y)} needs working to be set up. Tick only one of them, or give them as two drills.`;
  }
  return null;
}

/** The options a drill names, checked: known, at most three, each pair compatible. Throws DrillError saying why. */
export function drillSelection(keys: readonly string[], written: readonly Scenario[]): DrillOption[] {
  const wanted = [...new Set(keys.map((k) => k.trim()).filter(Boolean))];
  if (!wanted.length) throw new DrillError('Tick at least one fault for the drill.');
  if (wanted.length > DRILL_MAX_FAULTS) throw new DrillError(`At most ${DRILL_MAX_FAULTS} faults in one drill (you ticked ${wanted.length}): more is noise, not a lesson.`);
  const options = drillOptions(written);
  const chosen = wanted.map((k) => {
    const o = options.find((x) => x.key === k);
    if (!o) throw new DrillError(`There is no fault “${k.slice(0, 60)}” to drill: choose from the list.`);
    return o;
  });
  for (const [i, a] of chosen.entries()) {
    for (const b of chosen.slice(i + 1)) {
      const why = conflictOf(a, b);
      if (why) throw new DrillError(why);
    }
  }
  return chosen.sort((a, b) => (a.key < b.key ? -1 : 1));
}

// The drill patients: a family name per option, a given name that fits the source order's sex.
const FAMILY = ['ASHWORTH', 'BOATENG', 'CASTELLANOS', 'DVORAK', 'EZEKWE', 'FONTAINE', 'GREGORIOU', 'HAAPALA', 'IBARRA', 'JANSSEN', 'KARIMI', 'LINDGREN', 'MORAIS', 'NDIAYE', 'ORTEGA', 'PRZYBYLSKI', 'QUARSHIE', 'ROSSETTI', 'SANTANA', 'TAKAHASHI'];
const GIVEN_F = ['CLARA', 'ADWOA', 'INES', 'HANA', 'NGOZI', 'SOLENE', 'ELENI', 'AINO', 'LUCIA', 'FLEUR', 'SHIRIN', 'ASTRID', 'BEATRIZ', 'AWA', 'CARMEN', 'MAGDA', 'ESI', 'GIULIA', 'MARIA', 'AIKO'];
const GIVEN_M = ['OLIVER', 'KWAME', 'MATEO', 'TOMAS', 'OBINNA', 'JULIEN', 'NIKOS', 'EERO', 'PABLO', 'DAAN', 'REZA', 'NILS', 'RUI', 'MOUSSA', 'DIEGO', 'PIOTR', 'KOFI', 'MARCO', 'JOAO', 'KENJI'];

/** The drill's own patient for an option: the source order's sex, birth date and procedure, another name and ID. */
function drillOrder(o: DrillOption, index: number): Scenario['faults'][number]['order'] {
  if (!o.fault.order) return undefined;
  const i = index % FAMILY.length;
  const given = o.fault.order.patientSex === 'M' ? GIVEN_M[i] : GIVEN_F[i];
  return { ...o.fault.order, patientName: `${FAMILY[i]}^${given}`, patientId: `DRL${String(index + 1).padStart(3, '0')}` };
}

/**
 * The scenario a drill of these options plays (keys as a drill id lists them, any order). Throws DrillError when
 * the selection is refused, and Error when the built scenario is malformed (a bug: drill.test.ts builds them all).
 */
export function buildDrill(keys: readonly string[], written: readonly Scenario[]): Scenario {
  const chosen = drillSelection(keys, written);
  const all = drillOptions(written);
  const n = chosen.length;
  const lessons = new Map<string, { slug: string; heading: string }>();
  for (const o of chosen) {
    const l = findFault(o.faultId)!.lesson;
    lessons.set(`${l.slug}#${l.heading}`, { slug: l.slug, heading: l.heading });
  }
  const difficulty: Difficulty = n === 1 ? chosen[0].source.difficulty : 'challenge';
  const raw = {
    id: drillIdOf(chosen.map((o) => o.key)),
    title: `Fault drill: ${chosen.map((o) => o.short).join(', ')}`,
    story:
      `A fault drill: no story this time, only what was reported at the start of your shift${n > 1 ? ` (${n} separate problems)` : ''}.\n` +
      chosen.map((o) => `• ${o.modalityAe}: ${findFault(o.faultId)!.symptom}`).join('\n'),
    task: 'Find and fix each problem, without scanning anyone again or typing an order in by hand. “Check my fix” runs its checks on the real state of your sandbox.',
    faults: chosen.map((o) => ({ faultId: o.faultId, params: o.fault.params, ...(o.fault.order ? { order: drillOrder(o, all.findIndex((x) => x.key === o.key)) } : {}) })),
    timeBudgetMinutes: Math.min(DRILL_MAX_MINUTES, chosen.reduce((sum, o) => sum + o.source.timeBudgetMinutes, 0)),
    difficulty,
    lessons: [...lessons.values()],
    startPlace: chosen[0].source.startPlace,
  };
  const r = drillScenarioSchema.safeParse(raw);
  if (!r.success) throw new Error(`fault drill ${raw.id}: ${r.error.issues.map((i) => `${i.path.join('.') || 'scenario'}: ${i.message}`).join('; ')}`);
  return r.data;
}
