// Study status in the archive, as a PACS console shows it, through one pure transition function.
//   received   images arrived; nobody has looked yet
//   unverified needs technologist QC (e.g. no matching order, or demographics to check)
//   hold       held back from reading on purpose (wrong patient suspected, images being fixed)
//   verified   QC passed: on the radiologist's reading worklist
//   read       reported by the radiologist
export const STUDY_STATUSES = ['received', 'unverified', 'hold', 'verified', 'read'] as const;
export type StudyStatus = (typeof STUDY_STATUSES)[number];

export const STUDY_ACTIONS = ['flag', 'hold', 'release', 'verify', 'mark-read', 'reopen'] as const;
export type StudyAction = (typeof STUDY_ACTIONS)[number];

const TRANSITIONS: Record<StudyAction, { from: readonly StudyStatus[]; to: StudyStatus; label: string }> = {
  flag: { from: ['received'], to: 'unverified', label: 'Flag for QC' },
  hold: { from: ['received', 'unverified', 'verified'], to: 'hold', label: 'Put on hold' },
  release: { from: ['hold'], to: 'unverified', label: 'Release from hold' },
  verify: { from: ['received', 'unverified'], to: 'verified', label: 'Verify' },
  'mark-read': { from: ['verified'], to: 'read', label: 'Mark as read' },
  reopen: { from: ['read'], to: 'verified', label: 'Reopen' },
};

export type Transition = { ok: true; status: StudyStatus } | { ok: false; error: string };

export function isStudyStatus(value: string): value is StudyStatus {
  return (STUDY_STATUSES as readonly string[]).includes(value);
}

export function nextStudyStatus(current: string, action: StudyAction): Transition {
  const t = TRANSITIONS[action];
  if (!isStudyStatus(current)) return { ok: false, error: `unknown study status "${current}"` };
  if (!t.from.includes(current)) {
    return { ok: false, error: `a ${current} study cannot be changed with "${t.label}" (allowed from: ${t.from.join(', ')})` };
  }
  return { ok: true, status: t.to };
}

/** The actions a console offers for a study in this status. */
export function actionsFor(current: string): { action: StudyAction; label: string }[] {
  if (!isStudyStatus(current)) return [];
  return STUDY_ACTIONS.filter((a) => TRANSITIONS[a].from.includes(current)).map((a) => ({ action: a, label: TRANSITIONS[a].label }));
}
