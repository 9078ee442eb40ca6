import { describe, expect, it } from 'vitest';
import { formatBytes, formatDicomDate, formatDicomTime, formatPersonName } from './format';

describe('format', () => {
  it('shows sizes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(2n * 1024n ** 3n)).toBe('2.0 GB');
  });
  it('shows DICOM dates, times and names as people read them', () => {
    expect(formatDicomDate('20240131')).toBe('2024-01-31');
    expect(formatDicomDate('')).toBe('');
    expect(formatDicomTime('143015.123')).toBe('14:30:15');
    expect(formatPersonName('DOE^JANE^M')).toBe('DOE, JANE M');
    expect(formatPersonName('DOE')).toBe('DOE');
    expect(formatPersonName('Yamada^Tarou=山田^太郎')).toBe('Yamada, Tarou');
  });
});
