// Display helpers shared by the consoles: DICOM dates, names and sizes as people read them.

export function formatBytes(bytes: number | bigint): string {
  const n = Number(bytes);
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

/** DA "20240131" → "2024-01-31"; anything else is shown as received. */
export function formatDicomDate(da: string): string {
  return /^\d{8}$/.test(da) ? `${da.slice(0, 4)}-${da.slice(4, 6)}-${da.slice(6, 8)}` : da;
}

/** TM "143015.123" → "14:30:15". */
export function formatDicomTime(tm: string): string {
  const m = /^(\d{2})(\d{2})?(\d{2})?/.exec(tm);
  if (!m) return tm;
  return [m[1], m[2] ?? '00', m[3]].filter(Boolean).join(':');
}

/** PN "DOE^JANE^M" → "DOE, JANE M" (family name first, as PACS lists show it). */
export function formatPersonName(pn: string): string {
  const alphabetic = pn.split('=')[0];
  const [family = '', given = '', middle = '', prefix = '', suffix = ''] = alphabetic.split('^');
  const rest = [prefix, given, middle, suffix].filter(Boolean).join(' ');
  return family && rest ? `${family}, ${rest}` : family || rest;
}

export function formatDateTime(d: Date): string {
  return d.toISOString().replace('T', ' ').slice(0, 19);
}
