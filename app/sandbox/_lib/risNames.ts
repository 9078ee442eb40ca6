// Pure helpers for the RIS console: a typed physician's name as DICOM PN, and where a study stands for reading.

/** "Brooks, Elaine", "Elaine Brooks" or "BROOKS^ELAINE^^DR" → PN with ^ (family name first), upper case as the demo's orders. */
export function toPersonName(raw: string): string {
  const s = raw.trim().replace(/\s+/g, ' ');
  if (!s || s.includes('^')) return s.toUpperCase();
  if (s.includes(',')) {
    const [family, ...given] = s.split(',').map((x) => x.trim());
    return [family, given.join(' ')].filter(Boolean).join('^').toUpperCase();
  }
  const words = s.split(' ');
  return (words.length > 1 ? `${words.at(-1)}^${words.slice(0, -1).join(' ')}` : s).toUpperCase();
}

export const READING_STATES = ['unread', 'in-progress', 'read', 'hold'] as const;
export type ReadingState = (typeof READING_STATES)[number];

/**
 * Where a study stands for the radiologist. Unread: received, unverified or verified. In progress: its order's
 * procedure step is still IN PROGRESS at the modality (MPPS not completed: more images may come). Read: reported.
 * Hold: held back by QC.
 */
export function readingState(studyStatus: string, orderStatus: string | undefined): ReadingState {
  if (studyStatus === 'read') return 'read';
  if (studyStatus === 'hold') return 'hold';
  if (orderStatus === 'in-progress') return 'in-progress';
  return 'unread';
}
