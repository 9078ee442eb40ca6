// CSV for the teaching tables (RFC 4180: CRLF line ends, a field with a comma, quote or line break in quotes,
// quotes doubled). A text cell that starts with = + - @ (or a tab or CR) is prefixed with ' so a spreadsheet
// does not run it as a formula (OWASP "CSV injection"); numbers are written as they are.

export type Cell = string | number | boolean | Date | null | undefined;

export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  let s = value instanceof Date ? value.toISOString() : value;
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function toCsv(header: string[], rows: Cell[][]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
