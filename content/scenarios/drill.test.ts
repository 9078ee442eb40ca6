// Fault drills as data: every catalogue fault is offered, every drill the rule allows (one, two or three faults)
// builds a scenario that passes the scenario checks (known faults, params the fault accepts, a sandbox place, real
// lesson sections), the id is canonical and URL-safe, and the combination rule refuses what cannot run together
// in a sentence, while allowing the written multi-fault scenarios' combinations.
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../sim/faults/catalogue';
import { loadLessons, plainHeadingText } from '../lessons';
import { isSandboxPlace } from '../places';
import { buildDrill, conflictOf, DrillError, drillOptions, drillSelection, DRILL_MAX_MINUTES } from './drill';
import { DRILL_ID_PATTERN, drillIdOf, drillOptionsOf } from './drillId';
import { drillScenario, faultDrillOptions, findScenario, lessonProblems, loadScenarios, scenarioProblems, type Scenario } from './index';

const options = faultDrillOptions();
const byKey = (k: string) => options.find((o) => o.key === k)!;
const lessons = new Map(loadLessons().map((l) => [l.slug, new Set(l.headings.map((h) => plainHeadingText(h.text)))]));

/** The checks a written scenario passes (index.ts), with the drill's own id and longer story allowed. */
function problems(s: Scenario): string[] {
  return [...scenarioProblems({ ...s, id: 'drill-check', story: s.story.slice(0, 700) }), ...lessonProblems(s, lessons)];
}

const refusal = (keys: string[]) => {
  try {
    drillScenario(keys);
    return null;
  } catch (e) {
    if (e instanceof DrillError) return e.message;
    throw e;
  }
};

describe('fault drills', () => {
  it('offer every catalogue fault, each mode a written scenario uses, with a short name of its own', () => {
    expect(new Set(options.map((o) => o.faultId))).toEqual(new Set(CATALOGUE.map((f) => f.id)));
    expect(options.filter((o) => o.faultId === 'worklist-missing').map((o) => o.key)).toEqual(['worklist-missing.date', 'worklist-missing.station', 'worklist-missing.hl7-down']);
    expect(new Set(options.map((o) => o.key)).size).toBe(options.length);
    // a short name of its own (not the catalogue title it falls back to), fit for a title
    expect(options.filter((o) => o.short.length > 20 || o.short === o.title).map((o) => o.key)).toEqual([]);
    // the form tells a fault's modes apart
    expect(byKey('worklist-missing.hl7-down').title).toBe('Study not found on the worklist (the HL7 interface from the HIS is down)');
    expect(byKey('send-wrong-port.port').title).toBe('Send failed — wrong port or host');
    // each is the first written scenario that uses the fault that way: its params, its scanner
    expect(byKey('send-wrong-port.port')).toMatchObject({ modalityAe: 'CT1', source: { id: 'send-failed-wrong-port' }, fault: { params: { modalityAe: 'CT1', mode: 'port' } } });
    expect(byKey('mpps-in-progress').source.id).toBe('mpps-never-completed');
  });

  it.each(options.map((o) => [o.key]))('%s alone builds a valid scenario', (key) => {
    const o = byKey(key);
    const s = drillScenario([key]);
    expect(problems(s)).toEqual([]);
    expect(s.id).toBe(`drill~${key}`);
    expect(encodeURIComponent(s.id)).toBe(s.id);
    expect(s.title).toBe(`Fault drill: ${o.short}`);
    expect(s.faults).toEqual([{ faultId: o.faultId, params: o.fault.params, order: expect.objectContaining({ patientId: expect.stringMatching(/^DRL\d{3}$/) }) }]);
    // the drill patient: another name and ID than the written story's, the same exam
    expect(s.faults[0].order).toMatchObject({ patientBirthDate: o.fault.order!.patientBirthDate, patientSex: o.fault.order!.patientSex, requestedProcedureDescription: o.fault.order!.requestedProcedureDescription });
    expect(s.faults[0].order!.patientName).not.toBe(o.fault.order!.patientName);
    expect(s.story).toContain(`• ${o.modalityAe}: ${CATALOGUE.find((f) => f.id === o.faultId)!.symptom}`);
    expect(s).toMatchObject({ timeBudgetMinutes: o.source.timeBudgetMinutes, difficulty: o.source.difficulty, startPlace: o.source.startPlace, lessons: [CATALOGUE.find((f) => f.id === o.faultId)!.lesson] });
    expect(findScenario(s.id)).toEqual(s);
  });

  it('every pair and triple the rule allows builds a valid scenario; patients never collide', () => {
    const ok: string[][] = [];
    for (const [i, a] of options.entries()) {
      for (const [j, b] of options.entries()) {
        if (j <= i || conflictOf(a, b)) continue;
        ok.push([a.key, b.key]);
        for (const c of options.slice(j + 1)) if (!conflictOf(a, c) && !conflictOf(b, c)) ok.push([a.key, b.key, c.key]);
      }
    }
    expect(ok.filter((k) => k.length === 2).length).toBeGreaterThan(50);
    expect(ok.filter((k) => k.length === 3).length).toBeGreaterThan(100);
    for (const keys of ok) {
      const s = drillScenario([...keys].reverse());
      expect(problems(s), s.id).toEqual([]);
      expect(s.id).toBe(drillIdOf(keys));
      expect(s.id).toMatch(DRILL_ID_PATTERN);
      expect(s.difficulty).toBe('challenge');
      expect(s.timeBudgetMinutes).toBe(Math.min(DRILL_MAX_MINUTES, keys.reduce((n, k) => n + byKey(k).source.timeBudgetMinutes, 0)));
      expect(new Set(s.faults.map((f) => f.order?.patientId)).size).toBe(keys.length);
      expect(s.story.split('\n')).toHaveLength(keys.length + 1);
    }
  });

  it("allows the written scenarios' own combinations", () => {
    const multi = loadScenarios().filter((s) => s.faults.length > 1);
    expect(multi.length).toBeGreaterThanOrEqual(2);
    for (const s of multi) {
      const keys = s.faults.map((f) => (typeof f.params.mode === 'string' ? `${f.faultId}.${f.params.mode}` : f.faultId));
      expect(() => drillSelection(keys, loadScenarios()), s.id).not.toThrow();
    }
  });

  it('refuses, in a sentence, what cannot run together, and a selection that is not one', () => {
    expect(refusal([])).toBe('Tick at least one fault for the drill.');
    expect(refusal(['split-study', 'merged-study', 'mpps-in-progress', 'worklist-missing.date'])).toMatch(/^At most 3 faults in one drill \(you ticked 4\)/);
    expect(refusal(['printer-on-fire'])).toBe('There is no fault “printer-on-fire” to drill: choose from the list.');
    expect(refusal(['worklist-missing'])).toMatch(/no fault “worklist-missing”/);
    // the engine runs a fault once per sandbox
    expect(refusal(['worklist-missing.date', 'worklist-missing.station'])).toBe(
      '“Study not found on the worklist (booked for another day)” and “Study not found on the worklist (booked for another station)” are one fault in two modes: a sandbox runs each fault once, so tick only one of them.',
    );
    // the archive stopped: the split study cannot be stored to be split
    expect(refusal(['split-study', 'pacs-offline'])).toBe(
      '“Send failed — PACS offline” cannot go with “Split study — one exam under two studies”: it breaks the archive storing what it is sent (its service and its storage quota), which “Split study — one exam under two studies” needs working to be set up. Tick only one of them, or give them as two drills.',
    );
    expect(refusal(['mpps-in-progress', 'send-storage-full'])).toMatch(/archive storing what it is sent/);
    // two faults on CT1's sends: one would hide the other (and each clean-up would put back the other's damage)
    expect(refusal(['send-wrong-port.port', 'syntax-not-accepted'])).toMatch(/both break CT1's sends to the archive/);
    expect(refusal(['pacs-offline', 'send-storage-full'])).toMatch(/both break the archive storing/);
    // the PACS no longer knows CT1: CT1's worklist query fails, so nothing else can be set up on CT1
    expect(refusal(['send-ae-mismatch.renamed', 'worklist-missing.station'])).toMatch(/breaks CT1's entry in the PACS's node table/);
    // faults on other scanners, or that break nothing the other needs, go together
    expect(refusal(['send-wrong-port.port', 'mpps-in-progress', 'worklist-missing.hl7-down'])).toBeNull();
    expect(refusal(['pacs-offline', 'worklist-missing.date'])).toBeNull();
  });

  it('resolves only canonical, allowed drill ids', () => {
    const s = drillScenario(['send-wrong-port.port', 'mpps-in-progress']);
    expect(s.id).toBe('drill~mpps-in-progress~send-wrong-port.port');
    expect(s.title).toBe('Fault drill: MPPS in progress, wrong port');
    expect(findScenario(s.id)?.title).toBe(s.title);
    expect(findScenario('drill~send-wrong-port.port~mpps-in-progress')).toBeUndefined();
    expect(findScenario('drill~pacs-offline~split-study')).toBeUndefined();
    expect(findScenario('drill~no-such-fault')).toBeUndefined();
    expect(findScenario('drill~')).toBeUndefined();
    expect(findScenario('drill~a~b~c~d')).toBeUndefined();
    expect(drillOptionsOf('drill~a~b.c')).toEqual(['a', 'b.c']);
    expect(drillOptionsOf('split-study')).toBeNull();
    // a written scenario is found as before
    expect(findScenario('split-study')?.title).toBe('Split study — half a CT chest');
    // the builder is pure over the written scenarios it is given
    expect(() => buildDrill(['split-study'], [])).toThrow(DrillError);
    expect(drillOptions([])).toEqual([]);
  });
});
