// The scenarios as data: each parses, names real faults with params the fault accepts, starts at a real sandbox
// place and links to real lesson sections. The negative cases prove each check can fail.
import { describe, expect, it } from 'vitest';
import { loadLessons, plainHeadingText } from '../lessons';
import { SCENARIO_DATA } from './data';
import { lessonProblems, loadScenarios, scenarioProblems, type Scenario } from './index';

const lessons = () => new Map(loadLessons().map((l) => [l.slug, new Set(l.headings.map((h) => plainHeadingText(h.text)))]));
const good = () => structuredClone(SCENARIO_DATA[0]) as Scenario;

describe('fault scenarios', () => {
  it('every scenario is valid, ids are unique, and there are warm-ups and multi-fault cases over all five faults', () => {
    const all = loadScenarios();
    expect(all.length).toBeGreaterThanOrEqual(6);
    expect(new Set(all.map((s) => s.id)).size).toBe(all.length);
    expect(all.some((s) => s.difficulty === 'warm-up' && s.faults.length === 1)).toBe(true);
    expect(all.filter((s) => s.faults.length > 1).length).toBeGreaterThanOrEqual(1);
    expect(new Set(all.flatMap((s) => s.faults.map((f) => f.faultId)))).toEqual(
      new Set(['send-wrong-port', 'send-ae-mismatch', 'send-storage-full', 'worklist-missing', 'mpps-in-progress', 'split-study', 'merged-study', 'pacs-offline', 'network-stall', 'syntax-not-accepted', 'study-unverified', 'reading-filter-hides', 'lossy-before-read', 'wrong-patient']),
    );
    expect(all.find((s) => s.id === 'send-failed-wrong-port')?.faults).toMatchObject([{ faultId: 'send-wrong-port', params: { modalityAe: 'CT1', mode: 'port' }, order: { patientName: 'DOE^MARGARET' } }]);
    // Start puts "Fault scenario: {title}" in the order's Reason for the Requested Procedure (LO, at most 64 characters)
    expect(all.filter((s) => `Fault scenario: ${s.title}`.length > 64).map((s) => s.id)).toEqual([]);
    // every exam has the story's own patient, so an attempt never uses up the shared demo worklist
    expect(all.flatMap((s) => s.faults).every((f) => f.order)).toBe(true);
  });

  it("every scenario's lesson sections exist", () => {
    const l = lessons();
    expect(loadScenarios().flatMap((s) => lessonProblems(s, l))).toEqual([]);
    expect(lessonProblems({ ...good(), lessons: [{ slug: 'pacs-troubleshooting', heading: 'No such heading' }] }, l)).toEqual([
      'send-failed-wrong-port: lesson pacs-troubleshooting "No such heading" does not exist',
    ]);
    expect(lessonProblems({ ...good(), lessons: [{ slug: 'no-such-lesson', heading: 'Key points' }] }, l)).toHaveLength(1);
  });

  it('refuses an unknown fault, params the fault rejects, a place that is not in the sandbox, and a malformed entry', () => {
    expect(scenarioProblems(good())).toEqual([]);
    expect(scenarioProblems({ ...good(), faults: [{ faultId: 'printer-on-fire', params: {} }] })).toEqual([
      'send-failed-wrong-port: faults.0: there is no fault "printer-on-fire" in the catalogue',
    ]);
    const badParams = scenarioProblems({ ...good(), faults: [{ faultId: 'send-wrong-port', params: { mode: 'carrier-pigeon', slices: 500 } }] });
    expect(badParams).toHaveLength(1);
    expect(badParams[0]).toMatch(/send-wrong-port\) params: .*mode: mode is port or host/);
    expect(badParams[0]).toMatch(/slices/);
    expect(scenarioProblems({ ...good(), startPlace: '/sandbox/nowhere' })).toEqual([
      'send-failed-wrong-port: startPlace /sandbox/nowhere is not a sandbox place (content/places.ts)',
    ]);
    expect(scenarioProblems({ ...good(), faults: [] })[0]).toMatch(/faults: a scenario injects at least one fault/);
    expect(scenarioProblems({ ...good(), faults: [good().faults[0], good().faults[0]] })[0]).toMatch(/each fault at most once/);
    expect(scenarioProblems({ ...good(), difficulty: 'impossible', extra: 1 }).length).toBe(2);
    expect(scenarioProblems({ ...good(), faults: [{ ...good().faults[0], order: { ...good().faults[0].order, patientName: 'Jane Doe' } }] })[0]).toMatch(/patientName: FAMILY\^GIVEN in capitals/);
    expect(() => loadScenarios([good(), good()])).toThrow(/duplicate scenario id\(s\): send-failed-wrong-port/);
    expect(() => loadScenarios([{ ...good(), startPlace: '/sandbox/nowhere' }])).toThrow(/not a sandbox place/);
  });
});
