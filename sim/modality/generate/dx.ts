// Digital X-Ray Image Storage – For Presentation (PS3.3 A.26): a projection radiograph made by summing the
// attenuation of simple solids along the beam (ellipsoids and tubes with a cortex), then log-processed into a
// 12-bit MONOCHROME2 image (bone and mediastinum bright, lungs dark). Exposure Index, Target Exposure Index and
// Deviation Index follow IEC 62494-1 (PS3.3 C.8.11.7: DI = 10·log10(EI/EI_T)); the seed sometimes misses the
// target, and a low EI gives a visibly noisier image, as on a real detector.
import { attrs, code } from './attributes';
import { commonElements, type GenContext } from './context';
import { ds, wordsLE, encodePart10 } from './explicitLeWriter';
import { Rng } from './random';
import type { GeneratedImage } from './index';

export const DX_FOR_PRESENTATION = '1.2.840.10008.5.1.4.1.1.1.1';

/** Line-integral accumulator over a detector grid, in mm with the origin at the centre, y down. */
class Projection {
  readonly a: Float32Array;
  constructor(readonly width: number, readonly height: number, readonly spacing: number) {
    this.a = new Float32Array(width * height);
  }
  private box(x0: number, x1: number, y0: number, y1: number) {
    const { width: W, height: H, spacing: ps } = this;
    return {
      i0: Math.max(0, Math.floor(x0 / ps + W / 2)), i1: Math.min(W - 1, Math.ceil(x1 / ps + W / 2)),
      j0: Math.max(0, Math.floor(y0 / ps + H / 2)), j1: Math.min(H - 1, Math.ceil(y1 / ps + H / 2)),
    };
  }
  /** An ellipsoid seen end-on: mu × depth × sqrt(1 − r²); `clip` keeps only points where it returns true. */
  ellipsoid(cx: number, cy: number, ra: number, rb: number, depth: number, mu: number, rot = 0, clip?: (x: number, y: number) => boolean) {
    const r = Math.max(ra, rb);
    const { i0, i1, j0, j1 } = this.box(cx - r, cx + r, cy - r, cy + r);
    const c = Math.cos(rot);
    const s = Math.sin(rot);
    const { width: W, height: H, spacing: ps } = this;
    for (let j = j0; j <= j1; j++) {
      const y = (j - H / 2) * ps;
      for (let i = i0; i <= i1; i++) {
        const x = (i - W / 2) * ps;
        const dx = x - cx;
        const dy = y - cy;
        const u = (dx * c + dy * s) / ra;
        const v = (-dx * s + dy * c) / rb;
        const q = 1 - u * u - v * v;
        if (q <= 0 || (clip && !clip(x, y))) continue;
        this.a[j * W + i] += mu * depth * Math.sqrt(q);
      }
    }
  }
  /**
   * A tube of radius r along a polyline (a limb, a finger, a rib): path length 2·sqrt(r² − d²) at distance d
   * from the axis. With `wall`, a bone: cortex of that thickness around a marrow cavity of `marrowMu`.
   */
  tube(points: readonly [number, number][], r: number, mu: number, wall = 0, marrowMu = 0) {
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (const [x, y] of points) {
      x0 = Math.min(x0, x - r); x1 = Math.max(x1, x + r); y0 = Math.min(y0, y - r); y1 = Math.max(y1, y + r);
    }
    const { i0, i1, j0, j1 } = this.box(x0, x1, y0, y1);
    const { width: W, height: H, spacing: ps } = this;
    const ri = r - wall;
    // squared distance to the polyline, segment by segment over each segment's own box
    const d2 = this.scratch();
    for (let j = j0; j <= j1; j++) d2.fill(Infinity, j * W + i0, j * W + i1 + 1);
    for (let k = 0; k + 1 < points.length; k++) {
      const [ax, ay] = points[k];
      const [bx, by] = points[k + 1];
      const ex = bx - ax;
      const ey = by - ay;
      const len2 = ex * ex + ey * ey || 1e-9;
      const b = this.box(Math.min(ax, bx) - r, Math.max(ax, bx) + r, Math.min(ay, by) - r, Math.max(ay, by) + r);
      for (let j = b.j0; j <= b.j1; j++) {
        const y = (j - H / 2) * ps;
        for (let i = b.i0; i <= b.i1; i++) {
          const x = (i - W / 2) * ps;
          let t = ((x - ax) * ex + (y - ay) * ey) / len2;
          t = t < 0 ? 0 : t > 1 ? 1 : t;
          const px = ax + t * ex - x;
          const py = ay + t * ey - y;
          const dd = px * px + py * py;
          if (dd < d2[j * W + i]) d2[j * W + i] = dd;
        }
      }
    }
    const r2 = r * r;
    const ri2 = ri * ri;
    for (let j = j0; j <= j1; j++) {
      for (let i = i0; i <= i1; i++) {
        const dd = d2[j * W + i];
        if (dd >= r2) continue;
        let v = mu * 2 * Math.sqrt(r2 - dd);
        if (wall > 0 && dd < ri2) v -= (mu - marrowMu) * 2 * Math.sqrt(ri2 - dd);
        this.a[j * W + i] += v;
      }
    }
  }
  private d2?: Float32Array;
  private scratch(): Float32Array {
    return (this.d2 ??= new Float32Array(this.width * this.height));
  }
}

// linear attenuation, per mm, relative to nothing (soft tissue ≈ water)
const SOFT = 0.02;
const BONE = 0.07;
const MARROW = 0.028;

function curve(cx: number, cy: number, pts: number, f: (u: number) => [number, number]): [number, number][] {
  const out: [number, number][] = [];
  for (let k = 0; k <= pts; k++) {
    const [x, y] = f(k / pts);
    out.push([cx + x, cy + y]);
  }
  return out;
}

function chestPa(p: Projection, rng: Rng) {
  const w = rng.range(0.95, 1.05);
  const dome = (side: number) => (x: number) => {
    const c = side * 75 * w;
    return (side < 0 ? 78 : 90) + ((x - c) / (70 * w)) ** 2 * 55;
  };
  const domeR = dome(-1);
  const domeL = dome(1);
  // soft tissue: neck, shoulders and arms, thorax and upper abdomen
  p.tube([[0, -320], [0, -200]], 52, SOFT * 0.85);
  for (const s of [-1, 1]) {
    p.ellipsoid(s * 130 * w, -165, 75, 45, 70, SOFT, s * 0.35);
    p.tube([[s * 150 * w, -180], [s * 172 * w, 60]], 45, SOFT);
  }
  p.ellipsoid(0, 60, 158 * w, 290, 230, SOFT);
  // lungs: air in place of tissue, above each hemidiaphragm
  for (const s of [-1, 1]) {
    const below = s < 0 ? domeR : domeL;
    p.ellipsoid(s * 80 * w, -5, 66 * w, 178, 150, -0.016, s * -0.05, (x, y) => y < below(x));
  }
  // mediastinum, aortic knob, heart (restores the density the lungs took away)
  p.ellipsoid(36, -92, 17, 16, 50, 0.016); // aortic knob
  p.ellipsoid(-26, -70, 12, 45, 40, 0.012); // SVC / right paratracheal stripe
  p.ellipsoid(26 * w, 45, 76 * w, 62, 95, 0.016, 0.35); // heart
  // gastric bubble under the left dome
  p.ellipsoid(78 * w, domeL(78 * w) + 20, 26, 14, 40, -0.02);
  // trachea and main bronchi
  p.tube([[0, -250], [0, -70]], 8, -0.018);
  for (const s of [-1, 1]) p.tube([[0, -70], [s * 30, -40]], 6, -0.016);
  // spine (faint behind the mediastinum), with pedicles every vertebra
  p.tube([[0, -260], [0, 260]], 20, 0.01);
  for (let y = -240; y < 260; y += 27) for (const s of [-1, 1]) p.ellipsoid(s * 14, y, 4, 5.5, 10, 0.022);
  // ribs: posterior arcs from the spine, anterior arcs sloping down towards the sternum
  for (let k = 0; k < 10; k++) {
    const y0 = -175 + k * 24;
    const reach = Math.min(150, 70 + k * 20) * w;
    for (const s of [-1, 1]) {
      p.tube(curve(0, 0, 14, (u) => [s * (14 + u * reach), y0 - 22 * Math.sin(u * Math.PI * 0.75) + 26 * u * u]), 4.6, BONE, 1.4, MARROW);
      if (k < 8) {
        const ly = y0 + 4 - 22 * Math.sin(Math.PI * 0.75) + 26;
        p.tube(curve(0, 0, 10, (u) => [s * (reach - u * (reach - 40)), ly - 30 + u * 62 - 25 * Math.sin(u * Math.PI) * 0.4]), 4.2, BONE * 0.85, 1.2, MARROW);
      }
    }
  }
  // clavicles, scapulae, humeral heads
  for (const s of [-1, 1]) {
    p.tube([[s * 16, -172], [s * 55, -182], [s * 100, -186], [s * 142 * w, -206]], 7.5, BONE, 2, MARROW);
    p.ellipsoid(s * 150 * w, -115, 36, 80, 10, 0.03, s * 0.25);
    p.ellipsoid(s * 175 * w, -182, 30, 32, 55, 0.025);
    p.tube([[s * 175 * w, -182], [s * 182 * w, 40]], 14, BONE, 3, MARROW);
  }
}

function chestLateral(p: Projection, rng: Rng) {
  const w = rng.range(0.95, 1.05);
  // patient facing the image left: anterior is −x
  const dome = (x: number) => 80 + ((x + 10) / 95) ** 2 * 60;
  p.tube([[10, -260], [0, -170]], 60, SOFT);
  p.ellipsoid(5, 40, 125 * w, 290, 330, SOFT);
  p.ellipsoid(10, -200, 90, 50, 120, SOFT * 0.6); // shoulders over the apex
  p.ellipsoid(8, -15, 100 * w, 175, 230, -0.017, 0, (x, y) => y < dome(x));
  p.ellipsoid(-45 * w, 55, 62, 72, 120, 0.017, -0.3); // heart
  p.ellipsoid(0, -80, 25, 60, 60, 0.012); // aortic arch / great vessels
  p.tube([[-30, -250], [5, -60]], 9, -0.018); // trachea
  // thoracic spine: vertebral bodies with discs between, posterior elements behind
  for (let k = 0; k < 18; k++) {
    const y = -230 + k * 27;
    p.ellipsoid(72 * w, y, 17, 11, 38, 0.035);
    p.ellipsoid(98 * w, y + 6, 9, 10, 20, 0.03);
  }
  p.tube([[-118 * w, -150], [-122 * w, 40]], 6, BONE, 2, MARROW); // sternum
  for (let k = 0; k < 10; k++) {
    const y0 = -170 + k * 25;
    p.tube(curve(0, 0, 12, (u) => [78 * w - u * 170 * w, y0 + u * 55 + 20 * Math.sin(u * Math.PI)]), 4, BONE * 0.7, 1.2, MARROW);
  }
  p.ellipsoid(-30, 110, 22, 12, 30, -0.02); // gastric bubble
}

function hand(p: Projection, rng: Rng, side: 'L' | 'R') {
  const m = side === 'R' ? 1 : -1; // PA, displayed fingers up as if seen from the back: right thumb on the image left
  const jitter = () => rng.range(-1.5, 1.5);
  // forearm, palm, thenar eminence
  p.tube([[0, 95], [0, 330]], 29, SOFT);
  p.ellipsoid(0, 28, 50, 60, 22, SOFT);
  p.ellipsoid(m * -30, 42, 20, 30, 20, SOFT); // thenar eminence
  // radius (thumb side) and ulna, flared at the wrist
  p.tube([[m * -16, 100], [m * -20, 330]], 10, BONE, 2.4, MARROW);
  p.ellipsoid(m * -14, 98, 19, 9, 16, 0.03);
  p.tube([[m * 20, 102], [m * 18, 330]], 7, BONE, 2, MARROW);
  // carpals
  const carpals: [number, number, number, number][] = [
    [-22, 80, 10, 7], [-4, 82, 8, 7], [14, 80, 7, 6], [21, 76, 5, 5], [-30, 62, 8, 7], [-16, 63, 6, 6], [-2, 64, 7, 10], [14, 63, 8, 9],
  ];
  for (const [x, y, a, b] of carpals) p.ellipsoid(m * x, y, a, b, 14, 0.04);
  // fingers: metacarpal, proximal, middle, distal phalanx, with joint spaces
  const fingers = [
    { base: -19, x: -30, ang: -0.13, len: [42, 25, 19] },
    { base: -5, x: -8, ang: -0.03, len: [46, 29, 20] },
    { base: 8, x: 13, ang: 0.06, len: [43, 27, 20] },
    { base: 20, x: 32, ang: 0.17, len: [34, 19, 17] },
  ];
  for (const f of fingers) {
    const head: [number, number] = [m * f.x, -10];
    // bones stop short of each other by a joint space (a tube's round end reaches r past its axis end)
    const mx = head[0] - m * f.base;
    const my = head[1] - 52;
    const ml = Math.hypot(mx, my);
    p.tube([[m * f.base + (mx / ml) * 4.6, 52 + (my / ml) * 4.6], [head[0] - (mx / ml) * 4.6, head[1] - (my / ml) * 4.6]], 4.6, BONE, 1.6, MARROW);
    const dx = Math.sin(f.ang) * m;
    const dy = -Math.cos(f.ang);
    let at: [number, number] = [head[0] + dx * 1.5, head[1] + dy * 1.5];
    const total = f.len[0] + f.len[1] + f.len[2] + 12;
    p.tube([head, [head[0] + dx * total, head[1] + dy * total]], 8.5, SOFT);
    f.len.forEach((len, k) => {
      const r = k === 2 ? 3.4 : 4.2 - k * 0.4;
      const end: [number, number] = [at[0] + dx * len + jitter() * 0.2, at[1] + dy * len];
      p.tube([[at[0] + dx * r, at[1] + dy * r], [end[0] - dx * r, end[1] - dy * r]], r, BONE, 1.3, MARROW);
      at = [end[0] + dx * 1.5, end[1] + dy * 1.5];
    });
  }
  // thumb: metacarpal from the trapezium, two phalanges
  const tdx = -0.62 * m;
  const tdy = -0.78;
  let at: [number, number] = [m * -32, 52];
  p.tube([[m * -32, 52], [m * -32 + tdx * 100, 52 + tdy * 100]], 10, SOFT);
  for (const [len, r] of [[38, 5], [27, 4.6], [21, 3.8]] as const) {
    const end: [number, number] = [at[0] + tdx * len, at[1] + tdy * len];
    p.tube([[at[0] + tdx * r, at[1] + tdy * r], [end[0] - tdx * r, end[1] - tdy * r]], r, BONE, 1.5, MARROW);
    at = [end[0] + tdx * 1.5, end[1] + tdy * 1.5];
  }
  // sesamoids at the thumb MCP joint
  p.ellipsoid(m * -32 + tdx * 42, 52 + tdy * 42 + 4, 2.5, 2.5, 5, 0.05);
}

interface DxProtocol {
  width: number; height: number; spacing: number; kvp: number; mAs: number; sid: number; targetEi: number;
  view: string; viewCode: [string, string, string]; orientation: [string, string]; anatomy: [string, string, string]; grid: boolean; bodyThickness: number;
  /** tone curve: attenuation a0..a1 maps to 0..1, then a power */
  a0: number; a1: number; gamma: number;
}

const DX: Record<string, DxProtocol> = {
  'dx-chest-pa': { width: 1400, height: 1720, spacing: 0.25, kvp: 110, mAs: 2, sid: 1800, targetEi: 400, view: 'PA', viewCode: ['399348003', 'SCT', 'postero-anterior'], orientation: ['L', 'F'], anatomy: ['51185008', 'SCT', 'Chest'], grid: true, bodyThickness: 220, a0: 0.15, a1: 6.6, gamma: 1.15 },
  'dx-chest-lat': { width: 1400, height: 1720, spacing: 0.25, kvp: 120, mAs: 5, sid: 1800, targetEi: 400, view: 'LL', viewCode: ['399173006', 'SCT', 'left lateral'], orientation: ['P', 'F'], anatomy: ['51185008', 'SCT', 'Chest'], grid: true, bodyThickness: 330, a0: 0.2, a1: 8.6, gamma: 1.1 },
  'dx-hand': { width: 1200, height: 1500, spacing: 0.2, kvp: 55, mAs: 2, sid: 1100, targetEi: 250, view: 'PA', viewCode: ['399348003', 'SCT', 'postero-anterior'], orientation: ['L', 'H'], anatomy: ['85562004', 'SCT', 'Hand'], grid: false, bodyThickness: 30, a0: 0, a1: 2.8, gamma: 0.9 },
};

/**
 * The exposure the detector reports (IEC 62494-1): usually near the target, about a third of the time well off it
 * (the radiographer's technique varies), so students meet a Deviation Index outside ±1 often enough. DI is
 * computed from the EI as written (PS3.3 C.8.11.7), so DI = 10·log10(EI/EI_T) holds to the rounding of DS.
 */
export function dxExposure(targetEi: number, seed: number): { ei: number; di: number } {
  const rng = new Rng(seed);
  const off = rng.next() < 0.35 ? rng.range(-6, 6) : rng.gauss() * 1.2; // dB
  const ei = Math.max(1, Math.round(targetEi * 10 ** (off / 10) * 10) / 10);
  const di = Math.round(10 * Math.log10(ei / targetEi) * 100) / 100;
  return { ei, di };
}

export function generateDx(ctx: GenContext): GeneratedImage[] {
  const { protocol } = ctx;
  const cfg = DX[protocol.id];
  const rng = new Rng(ctx.seedFor('anatomy'));
  const { ei, di } = dxExposure(cfg.targetEi, ctx.seedFor('exposure'));
  const mAs = cfg.mAs * (ei / cfg.targetEi);
  const exposureTimeMs = Math.max(1, Math.round(cfg.mAs * 5));
  const laterality: 'L' | 'R' = protocol.id === 'dx-hand' ? (rng.next() < 0.5 ? 'L' : 'R') : 'R';

  const p = new Projection(cfg.width, cfg.height, cfg.spacing);
  if (protocol.id === 'dx-chest-pa') chestPa(p, rng);
  else if (protocol.id === 'dx-chest-lat') chestLateral(p, rng);
  else hand(p, rng, laterality);

  // Detector and processing: quantum noise grows as exposure falls (σ ∝ 1/√EI), then a log-domain tone curve
  // into 12 bits. Direct exposure (no patient) is black; bone is bright.
  const noise = new Rng(ctx.seedFor('noise'));
  const sigma = 0.012 * Math.sqrt(cfg.targetEi / ei);
  const pixels = new Uint16Array(cfg.width * cfg.height);
  for (let i = 0; i < pixels.length; i++) {
    const a = p.a[i];
    const q = (a - cfg.a0) / (cfg.a1 - cfg.a0) + sigma * (1 + a * 0.25) * noise.gauss();
    const v = q <= 0 ? 0 : q >= 1 ? 1 : q ** cfg.gamma;
    pixels[i] = Math.max(0, Math.min(4095, Math.round(v * 4095)));
  }

  const series = ctx.series(0, `${protocol.label}`);
  const sopInstanceUid = ctx.uid('sop', 0, 0);
  const acquired = ctx.at(30);
  const elements = [
    ...commonElements(ctx, { series, instanceNumber: 1, sopClassUid: DX_FOR_PRESENTATION, sopInstanceUid, acquired, imageType: ['ORIGINAL', 'PRIMARY'] }),
    ...attrs({
      // DX Series (C.8.11.1), DX Anatomy Imaged (C.8.11.2), DX Image (C.8.11.3)
      PresentationIntentType: 'FOR PRESENTATION',
      ImageLaterality: protocol.id === 'dx-hand' ? laterality : 'U',
      AnatomicRegionSequence: [code(...cfg.anatomy)],
      PatientOrientation: cfg.orientation, // PS3.3 C.7.6.1.1.1: row direction, column direction
      SamplesPerPixel: 1,
      PhotometricInterpretation: 'MONOCHROME2',
      Rows: cfg.height,
      Columns: cfg.width,
      BitsAllocated: 16,
      BitsStored: 12,
      HighBit: 11,
      PixelRepresentation: 0,
      PixelIntensityRelationship: 'LOG',
      PixelIntensityRelationshipSign: -1, // higher values = less X-ray intensity (bone bright)
      RescaleIntercept: '0',
      RescaleSlope: '1',
      RescaleType: 'US',
      PresentationLUTShape: 'IDENTITY',
      AcquisitionNumber: 1,
      // VOI LUT (C.11.2)
      WindowCenter: ['2048', '2300'],
      WindowWidth: ['4096', '2600'],
      WindowCenterWidthExplanation: ['FULL', 'DEFAULT'],
      // DX Detector (C.8.11.4)
      DetectorType: 'SCINTILLATOR',
      ImagerPixelSpacing: [ds(cfg.spacing), ds(cfg.spacing)],
      // DX Positioning (C.8.11.5)
      ViewPosition: cfg.view,
      ViewCodeSequence: [code(...cfg.viewCode)], // PS3.16 CID 4010
      PositionerType: protocol.id === 'dx-hand' ? 'NONE' : 'COLUMN',
      AcquisitionContextSequence: [], // Acquisition Context (C.7.6.14), type 2: nothing to add
      DistanceSourceToDetector: String(cfg.sid),
      DistanceSourceToPatient: String(cfg.sid - cfg.bodyThickness - 50),
      BodyPartThickness: String(cfg.bodyThickness),
      // X-Ray Acquisition Dose (C.8.7.8) and X-Ray Generation (C.8.7.7)
      KVP: String(cfg.kvp),
      ExposureTime: String(exposureTimeMs),
      XRayTubeCurrent: String(Math.max(1, Math.round((mAs * 1000) / exposureTimeMs))),
      Exposure: String(Math.max(1, Math.round(mAs))),
      ExposureInuAs: String(Math.round(mAs * 1000)),
      FocalSpots: protocol.id === 'dx-hand' ? '0.6' : '1.2',
      Grid: cfg.grid ? 'FOCUSED' : 'NONE',
      // IEC 62494-1 exposure index (PS3.3 C.8.11.7, Table C.8-72)
      ExposureIndex: ds(ei),
      TargetExposureIndex: ds(cfg.targetEi),
      DeviationIndex: ds(di),
      PixelData: wordsLE(pixels),
    }),
  ];
  return [{
    sopInstanceUid,
    sopClassUid: DX_FOR_PRESENTATION,
    seriesInstanceUid: series.uid,
    seriesNumber: series.number,
    seriesDescription: series.description,
    instanceNumber: 1,
    bytes: encodePart10(elements, { sopClassUid: DX_FOR_PRESENTATION, sopInstanceUid }),
  }];
}
