// A fault injection's status, through one pure transition function (DESIGN.md invariants). An injection starts
// `active`; a check that passes every part moves it to `fixed`; clean-up moves an active or fixed one to
// `cleared`. Nothing goes back: a fixed fault stays fixed (the student's fix was graded on the state as it was),
// and a cleared one is history.

export const FAULT_STATUSES = ['active', 'fixed', 'cleared'] as const;
export type FaultStatus = (typeof FAULT_STATUSES)[number];

export type FaultEvent =
  /** every check passed on the real state */
  | 'fix'
  /** the instructor (or the end of a scenario) cleans the fault up */
  | 'clear';

export type FaultTransition = { ok: true; status: FaultStatus } | { ok: false; reason: string };

const NEXT: Record<FaultEvent, Partial<Record<FaultStatus, FaultStatus>>> = {
  fix: { active: 'fixed' },
  clear: { active: 'cleared', fixed: 'cleared' },
};

export function isFaultStatus(s: string): s is FaultStatus {
  return (FAULT_STATUSES as readonly string[]).includes(s);
}

/** The next status of an injection, or why the event is not allowed in its current status. */
export function nextFaultState(current: string, event: FaultEvent): FaultTransition {
  if (!isFaultStatus(current)) return { ok: false, reason: `unknown fault status "${current}"` };
  const next = NEXT[event][current];
  if (!next) return { ok: false, reason: `a fault that is ${current} cannot be ${event === 'fix' ? 'marked fixed' : 'cleared'}` };
  return { ok: true, status: next };
}
