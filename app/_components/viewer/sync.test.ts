import { describe, expect, it } from 'vitest';
import { linkedIndex, slicePosition } from './sync';

const AXIAL = [1, 0, 0, 0, 1, 0];

describe('slicePosition', () => {
  it('is z for an axial slice and the distance along the normal for an oblique one', () => {
    expect(slicePosition({ imagePositionPatient: [-200, -180, -42.5], imageOrientationPatient: AXIAL })).toBeCloseTo(-42.5);
    // sagittal: rows along y, columns along -z, normal along ±x
    expect(Math.abs(slicePosition({ imagePositionPatient: [12, 0, 0], imageOrientationPatient: [0, 1, 0, 0, 0, -1] })!)).toBeCloseTo(12);
  });
  it('is unknown without a plane or with a degenerate one', () => {
    expect(slicePosition(undefined)).toBeUndefined();
    expect(slicePosition({ imagePositionPatient: [0, 0, 1] })).toBeUndefined();
    expect(slicePosition({ imagePositionPatient: [0, 0, 1], imageOrientationPatient: [1, 0, 0, 1, 0, 0] })).toBeUndefined();
  });
});

describe('linkedIndex', () => {
  // a 24-slice and a 6-slice stack over the same 230 mm, head first (the index goes down in z)
  const z24 = Array.from({ length: 24 }, (_, k) => 100 - (k * 230) / 23);
  const z6 = Array.from({ length: 6 }, (_, k) => 100 - (k * 230) / 5);
  it('moves the other stack by the same distance in mm, to its nearest slice', () => {
    const src = { index: 0, position: z24[0] };
    const tgt = { index: 0, position: z6[0] };
    expect(linkedIndex(src, { index: 23, position: z24[23] }, tgt, z6)).toBe(5);
    expect(linkedIndex(src, { index: 11, position: z24[11] }, tgt, z6)).toBe(2);
    expect(linkedIndex(src, { index: 0, position: z24[0] }, tgt, z6)).toBe(0);
  });
  it('keeps the offset there was when the link was made (priors do not share a frame of reference)', () => {
    // the prior's table was 50 mm further: its slice 1 shows what slice 0 of the new study shows
    const shifted = z6.map((z) => z - 46);
    const src = { index: 0, position: z24[0] };
    const tgt = { index: 1, position: shifted[1] };
    expect(linkedIndex(src, { index: 5, position: z24[5] }, tgt, shifted)).toBe(2);
  });
  it('follows a stack listed in the other direction by position, not by index', () => {
    const reversed = [...z6].reverse();
    expect(linkedIndex({ index: 0, position: z24[0] }, { index: 23, position: z24[23] }, { index: 5, position: reversed[5] }, reversed)).toBe(0);
  });
  it('falls back to the number of slices when positions are not known, within the stack', () => {
    expect(linkedIndex({ index: 3 }, { index: 7 }, { index: 1 }, Array(6).fill(undefined))).toBe(5);
    expect(linkedIndex({ index: 3 }, { index: 20 }, { index: 1 }, Array(6).fill(undefined))).toBe(5);
    expect(linkedIndex({ index: 3 }, { index: 0 }, { index: 1 }, Array(6).fill(undefined))).toBe(0);
    expect(linkedIndex({ index: 0 }, { index: 1 }, { index: 0 }, [])).toBe(0);
  });
});
