// Linked scrolling of the viewports ("Link" in the viewer, key S): comparing a study with a prior slice by slice.
// Pure functions; the Viewer feeds them the viewports' slice positions.
//
// A slice's position is where its plane lies along the stack's normal: Image Position (Patient) (0020,0032)
// projected on Row × Column of Image Orientation (Patient) (0020,0037) (PS3.3 C.7.6.2.1.1). Two studies of the same
// patient do not share a Frame of Reference (the table moved between them), so, as diagnostic viewers do, linking
// remembers where each viewport is when the link is made and from then on moves the others by the same distance in
// mm as the one scrolled; where positions are unknown (an image not loaded yet, a projection image) by the same
// number of slices.

export interface PlaneInfo {
  imagePositionPatient?: readonly number[];
  imageOrientationPatient?: readonly number[];
}

/** mm along the normal of the image plane, or undefined when the plane is not known. */
export function slicePosition(plane: PlaneInfo | undefined): number | undefined {
  const p = plane?.imagePositionPatient;
  const o = plane?.imageOrientationPatient;
  if (!p || p.length < 3 || !o || o.length < 6 || [...p.slice(0, 3), ...o.slice(0, 6)].some((v) => !Number.isFinite(v))) return undefined;
  const n = [o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]];
  const len = Math.hypot(n[0], n[1], n[2]);
  if (len < 1e-6) return undefined;
  return (p[0] * n[0] + p[1] * n[1] + p[2] * n[2]) / len;
}

/** Where a viewport was when the link was made. */
export interface Anchor {
  index: number;
  position?: number;
}

/**
 * The slice index viewport `target` should show once `source` has moved from its anchor to `now`.
 * `positions` are the target's slice positions by index (undefined where not known yet).
 */
export function linkedIndex(sourceAnchor: Anchor, now: Anchor, targetAnchor: Anchor, positions: readonly (number | undefined)[]): number {
  const count = positions.length;
  if (count === 0) return 0;
  const clamp = (i: number) => Math.max(0, Math.min(count - 1, i));
  if (sourceAnchor.position !== undefined && now.position !== undefined && targetAnchor.position !== undefined) {
    const want = targetAnchor.position + (now.position - sourceAnchor.position);
    let best = -1;
    let bestDist = Infinity;
    positions.forEach((z, i) => {
      if (z === undefined) return;
      const d = Math.abs(z - want);
      if (d < bestDist - 1e-6) {
        best = i;
        bestDist = d;
      }
    });
    if (best >= 0) return best;
  }
  return clamp(targetAnchor.index + (now.index - sourceAnchor.index));
}
