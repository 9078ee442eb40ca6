import { describe, expect, it } from 'vitest';
import { GET } from './route';

describe('GET /sandbox/viewer/dictionary', () => {
  it('gives keyword, VR and VM by tag for the whole PS3.6 dictionary', async () => {
    const dict = (await GET().json()) as Record<string, [string, string, string]>;
    expect(Object.keys(dict).length).toBeGreaterThan(4000);
    expect(dict['00100010']).toEqual(['PatientName', 'PN', '1']);
    expect(dict['0020000E']).toEqual(['SeriesInstanceUID', 'UI', '1']);
    expect(dict['00280030']).toEqual(['PixelSpacing', 'DS', '2']);
  });
});
