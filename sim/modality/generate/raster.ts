// Tissue-label painting for cross-sections: an anatomical slice is a list of shapes (ellipses, rectangles)
// painted in order into a Uint8Array of tissue labels, one row span at a time (no per-pixel shape tests, so a
// 512×512 slice with ~80 shapes costs well under a millisecond). A modality then maps labels to its own
// values: Hounsfield units for CT, signal for each MR weighting.

/** Tissue classes. Each modality has its own table from these to pixel values. */
export const T = {
  AIR: 0,
  FAT: 1,
  MUSCLE: 2,
  SOFT: 3,
  BONE: 4, // cortical
  MARROW: 5, // cancellous / diploe
  LUNG: 6,
  BLOOD: 7, // contrast-enhanced arterial blood (CT), flowing blood (MR)
  MYOCARDIUM: 8,
  LIVER: 9,
  SPLEEN: 10,
  KIDNEY: 11,
  KIDNEY_MEDULLA: 12,
  CSF: 13,
  GREY: 14,
  WHITE: 15,
  DEEP_GREY: 16,
  DISC: 17,
  TABLE: 18,
  TABLE_FOAM: 19,
  CARTILAGE: 20,
  FLUID: 21, // bile, bowel content, urine
  BOWEL_WALL: 22,
  VEIN: 23,
  PANCREAS: 24,
  FALX: 25,
  VITREOUS: 26,
  LENS: 27,
  DENSE_BONE: 28, // petrous bone
  SKIN: 29,
  MENISCUS: 30,
  LIGAMENT: 31,
  BOWEL_GAS: 32,
} as const;
export type Tissue = (typeof T)[keyof typeof T];
export const TISSUE_COUNT = 33;

export interface Ellipse {
  kind?: 'ellipse';
  /** centre in mm: x to the patient's left (image right), y posterior (image down) for axial slices */
  x: number;
  y: number;
  /** semi-axes in mm */
  a: number;
  b: number;
  /** rotation in radians (a along the rotated x axis) */
  rot?: number;
  t: Tissue;
  /** paint only over pixels that currently hold one of these tissues */
  only?: readonly Tissue[];
}

export interface Rect {
  kind: 'rect';
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  t: Tissue;
  only?: readonly Tissue[];
}

export type Shape = Ellipse | Rect;

export interface Grid {
  width: number;
  height: number;
  /** mm per pixel */
  spacing: number;
}

/** Paints the shapes in order into `labels` (cleared to `background` first). */
export function paint(labels: Uint8Array, grid: Grid, shapes: readonly Shape[], background: Tissue = T.AIR): void {
  labels.fill(background);
  const { width: W, height: H, spacing: ps } = grid;
  const cx0 = (W - 1) / 2;
  const cy0 = (H - 1) / 2;
  const allowed = new Uint8Array(256);
  for (const s of shapes) {
    if (s.only) {
      allowed.fill(0);
      for (const t of s.only) allowed[t] = 1;
    }
    const fill = (row: number, i0: number, i1: number) => {
      const base = row * W;
      if (i0 < 0) i0 = 0;
      if (i1 > W - 1) i1 = W - 1;
      if (s.only) {
        for (let i = i0; i <= i1; i++) if (allowed[labels[base + i]]) labels[base + i] = s.t;
      } else labels.fill(s.t, base + i0, base + i1 + 1);
    };
    if (s.kind === 'rect') {
      const j0 = Math.max(0, Math.ceil(s.y0 / ps + cy0));
      const j1 = Math.min(H - 1, Math.floor(s.y1 / ps + cy0));
      const i0 = Math.ceil(s.x0 / ps + cx0);
      const i1 = Math.floor(s.x1 / ps + cx0);
      if (i1 < i0) continue;
      for (let j = j0; j <= j1; j++) fill(j, i0, i1);
      continue;
    }
    if (!(s.a > 0 && s.b > 0)) continue;
    // Point (dx, dy) inside when A dx² + B dx dy + C dy² <= 1 (rotated ellipse); per row solve for dx.
    const c = Math.cos(s.rot ?? 0);
    const sn = Math.sin(s.rot ?? 0);
    const ia2 = 1 / (s.a * s.a);
    const ib2 = 1 / (s.b * s.b);
    const A = c * c * ia2 + sn * sn * ib2;
    const B = 2 * c * sn * (ia2 - ib2);
    const C = sn * sn * ia2 + c * c * ib2;
    // vertical half-extent: sqrt(A / (A C - B²/4))
    const ext = Math.sqrt(A / (A * C - (B * B) / 4));
    const j0 = Math.max(0, Math.ceil((s.y - ext) / ps + cy0));
    const j1 = Math.min(H - 1, Math.floor((s.y + ext) / ps + cy0));
    for (let j = j0; j <= j1; j++) {
      const dy = (j - cy0) * ps - s.y;
      const bq = B * dy;
      const disc = bq * bq - 4 * A * (C * dy * dy - 1);
      if (disc < 0) continue;
      const r = Math.sqrt(disc);
      const xa = (-bq - r) / (2 * A) + s.x;
      const xb = (-bq + r) / (2 * A) + s.x;
      const i0 = Math.ceil(xa / ps + cx0);
      const i1 = Math.floor(xb / ps + cx0);
      if (i1 >= i0) fill(j, i0, i1);
    }
  }
}

/** Ellipse shorthand. */
export const E = (x: number, y: number, a: number, b: number, t: Tissue, rot = 0, only?: readonly Tissue[]): Ellipse => ({ x, y, a, b, t, rot, only });

/** An ellipse outlined by a shell: `outer` tissue `wall` mm thick around `inner`. */
export function shell(x: number, y: number, a: number, b: number, wall: number, outer: Tissue, inner: Tissue, rot = 0): Shape[] {
  return [E(x, y, a, b, outer, rot), E(x, y, a - wall, b - wall, inner, rot)];
}

/** Smoothstep from 0 (at e0) to 1 (at e1). */
export function smooth(e0: number, e1: number, v: number): number {
  const t = Math.min(1, Math.max(0, (v - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
}

/** Cross-section scale of an ellipsoid centred at zc with half-length rz, at z: 0 outside. */
export function ellipsoid(z: number, zc: number, rz: number): number {
  const u = (z - zc) / rz;
  return u * u >= 1 ? 0 : Math.sqrt(1 - u * u);
}
