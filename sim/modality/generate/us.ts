// Ultrasound Image Storage (PS3.3 A.6) and Ultrasound Multi-frame Image Storage (A.7): sector-shaped B-mode
// images, 8-bit MONOCHROME2. A scene of tissues (labels) is sampled along each beam line; echoes are the tissue's
// echogenicity × Rayleigh speckle, attenuated with depth (fluid attenuates little: posterior enhancement) and
// compensated by time-gain compensation, then log-compressed and scan-converted to the sector.
import { attrs, tagOf } from './attributes';
import { commonElements, type GenContext } from './context';
import { ds, el, encodePart10, type Element } from './explicitLeWriter';
import { E, paint, smooth, T, TISSUE_COUNT, type Grid, type Shape, type Tissue } from './raster';
import { Rng } from './random';
import type { GeneratedImage } from './index';

export const US_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.6.1';
export const US_MULTIFRAME_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.3.1';

const COLS = 640;
const ROWS = 480;
const APEX_ROW = 24;
const LINES = 160;
const SAMPLES = 440;

// echogenicity (amplitude) and attenuation (per mm, relative) per tissue
const ECHO: Partial<Record<Tissue, number>> = {
  [T.SKIN]: 0.9, [T.FAT]: 0.28, [T.MUSCLE]: 0.42, [T.LIVER]: 0.5, [T.KIDNEY]: 0.36, [T.KIDNEY_MEDULLA]: 0.14,
  [T.FLUID]: 0.015, [T.BLOOD]: 0.02, [T.VEIN]: 0.02, [T.BOWEL_WALL]: 0.95, [T.MYOCARDIUM]: 0.5, [T.CARTILAGE]: 1.0,
  [T.BONE]: 1.6, [T.SOFT]: 0.55, [T.AIR]: 0.0, [T.LIGAMENT]: 1.1, [T.SPLEEN]: 0.5,
};
const ATTEN: Partial<Record<Tissue, number>> = { [T.FLUID]: 0.001, [T.BLOOD]: 0.002, [T.VEIN]: 0.002, [T.BONE]: 0.25, [T.AIR]: 0.3 };
const ATTEN_DEFAULT = 0.011;

interface Scene { depth: number; halfAngle: number; shapes: (phase: number) => Shape[] }

/** mm per output pixel: the whole depth fits below the apex */
const pxFor = (scene: Scene) => scene.depth / (ROWS - APEX_ROW - 6);

/** Right-upper-quadrant views: liver with gallbladder, with right kidney, with hepatic veins and diaphragm. */
function abdomenScene(view: number, rng: Rng): Scene {
  const j = () => rng.range(-4, 4);
  const base: Shape[] = [
    { kind: 'rect', x0: -200, x1: 200, y0: 0, y1: 2.2, t: T.SKIN },
    { kind: 'rect', x0: -200, x1: 200, y0: 2.2, y1: 13 + j() / 2, t: T.FAT },
    { kind: 'rect', x0: -200, x1: 200, y0: 13, y1: 23, t: T.MUSCLE },
    { kind: 'rect', x0: -200, x1: 200, y0: 23, y1: 24.2, t: T.CARTILAGE }, // bright liver capsule / fascia
    { kind: 'rect', x0: -200, x1: 200, y0: 24.2, y1: 400, t: T.LIVER },
  ];
  const v = view % 3;
  const extra: Shape[] = [];
  if (v === 0) {
    extra.push(E(-12 + j(), 72, 17, 34, T.CARTILAGE, 0.35), E(-12, 72, 15.5, 32.5, T.FLUID, 0.35)); // gallbladder
    extra.push(E(28 + j(), 92, 7, 5, T.VEIN), E(40, 60, 4, 3, T.VEIN), E(-45, 110, 5, 4, T.VEIN)); // portal branches
    extra.push(E(25, 130, 60, 6, T.BOWEL_WALL, 0.1));
  } else if (v === 1) {
    extra.push(E(8 + j(), 100, 52, 27, T.FAT, 0.15), E(8, 100, 48, 24, T.KIDNEY, 0.15), E(8, 101, 22, 8, T.FAT, 0.15)); // kidney
    for (const dx of [-28, -12, 14, 30]) extra.push(E(8 + dx, 100 + (dx > 0 ? 4 : -4), 5, 6, T.KIDNEY_MEDULLA, 0.15, [T.KIDNEY]));
    extra.push(E(8, 101, 20, 6.5, T.CARTILAGE, 0.15)); // sinus fat echoes
    extra.push(E(-40, 70, 5, 4, T.VEIN), E(30, 55, 4, 3, T.VEIN));
  } else {
    // hepatic veins converging on the IVC, diaphragm as a bright curve
    for (const a of [-0.7, -0.1, 0.5]) extra.push(E(Math.sin(a) * 55, 60 + Math.cos(a) * 20, 35, 4.5, T.VEIN, Math.PI / 2 - a));
    extra.push(E(0, 110, 14, 10, T.VEIN));
    extra.push(E(0, 250, 170, 118, T.CARTILAGE), E(0, 250, 165, 114, T.AIR));
  }
  return { depth: 150, halfAngle: 0.62, shapes: () => [...base, ...extra] };
}

/** Apical four-chamber view; phase 0..1 through one heartbeat. */
function cardiacScene(rng: Rng): Scene {
  const tilt = rng.range(-0.06, 0.06);
  return {
    depth: 160,
    halfAngle: 0.72,
    shapes(phase) {
      // ventricles contract in systole (first third), atria fill then empty
      const sys = phase < 0.35 ? Math.sin((Math.PI * phase) / 0.35) : 0;
      const vs = 1 - 0.22 * sys;
      const as = 0.85 + 0.25 * smooth(0, 0.35, phase) * smooth(0.75, 0.5, phase);
      const open = phase > 0.42 && phase < 0.9 ? 1 : 0;
      const s: Shape[] = [
        { kind: 'rect', x0: -300, x1: 300, y0: 0, y1: 400, t: T.FAT },
        E(0, 8, 40, 9, T.MUSCLE),
        E(0, 100, 62, 100, T.CARTILAGE, tilt), // pericardium
        E(0, 100, 58, 96, T.MYOCARDIUM, tilt),
        E(18 * vs, 68, 16 * vs, 46 * vs, T.BLOOD, tilt + 0.1), // LV
        E(-23 * vs, 74, 13 * vs, 38 * vs, T.BLOOD, tilt - 0.15), // RV
        E(19, 140, 19 * as, 22 * as, T.BLOOD, tilt), // LA
        E(-22, 138, 17 * as, 21 * as, T.BLOOD, tilt), // RA
      ];
      // atrioventricular valves: leaflets open in diastole, closed in systole
      for (const [cx, w] of [[19, 13], [-23, 11]] as const) {
        if (open) s.push(E(cx - w * 0.8, 112, 1.5, 10, T.LIGAMENT, tilt + 0.2), E(cx + w * 0.8, 112, 1.5, 10, T.LIGAMENT, tilt - 0.2));
        else s.push(E(cx, 118, w, 1.5, T.LIGAMENT, tilt));
      }
      s.push(E(-2, 125, 3, 20, T.MYOCARDIUM, tilt)); // interatrial septum
      return s;
    },
  };
}

class BMode {
  private readonly grid: Grid;
  private readonly labels: Uint8Array;
  private readonly speckleRe: Float32Array;
  private readonly speckleIm: Float32Array;
  private readonly echo = new Float32Array(TISSUE_COUNT);
  private readonly atten = new Float32Array(TISSUE_COUNT);
  constructor(private readonly scene: Scene, private readonly rng: Rng) {
    // the scene is painted on a Cartesian grid with depth down from the probe face at the centre top
    this.grid = { width: 880, height: 720, spacing: 0.25 };
    this.labels = new Uint8Array(880 * 720);
    this.speckleRe = this.field();
    this.speckleIm = this.field();
    for (let i = 0; i < TISSUE_COUNT; i++) {
      this.echo[i] = ECHO[i as Tissue] ?? 0.4;
      this.atten[i] = ATTEN[i as Tissue] ?? ATTEN_DEFAULT;
    }
  }
  /** complex Gaussian scatter, low-passed along the beam (pulse length) and across lines (beam width) */
  private field(): Float32Array {
    const f = new Float32Array(LINES * SAMPLES);
    for (let i = 0; i < f.length; i++) f[i] = this.rng.gauss();
    const g = new Float32Array(f.length);
    for (let l = 0; l < LINES; l++) {
      for (let s = 0; s < SAMPLES; s++) {
        let v = 0;
        for (let d = -2; d <= 2; d++) {
          const ss = Math.min(SAMPLES - 1, Math.max(0, s + d));
          v += f[l * SAMPLES + ss] * (d === 0 ? 1 : Math.abs(d) === 1 ? 0.7 : 0.3);
        }
        g[l * SAMPLES + s] = v;
      }
    }
    const h = new Float32Array(f.length);
    for (let l = 0; l < LINES; l++) {
      const a = Math.max(0, l - 1);
      const b = Math.min(LINES - 1, l + 1);
      for (let s = 0; s < SAMPLES; s++) h[l * SAMPLES + s] = 0.5 * g[l * SAMPLES + s] + 0.25 * (g[a * SAMPLES + s] + g[b * SAMPLES + s]);
    }
    return h;
  }
  /** One 8-bit frame. `decorrelate` mixes in fresh speckle (tissue motion between frames). */
  frame(phase: number, out: Uint8Array, decorrelate = 0) {
    const { scene, grid, labels } = this;
    // scene depth 0 (the probe face) is the top row of the grid
    const top = ((grid.height - 1) / 2) * grid.spacing;
    paint(labels, grid, scene.shapes(phase).map((s) => (s.kind === 'rect' ? { ...s, y0: s.y0 - top, y1: s.y1 - top } : { ...s, y: s.y - top })));
    const W = grid.width;
    const H = grid.height;
    const ps = grid.spacing;
    const dr = scene.depth / SAMPLES;
    const amp = new Float32Array(LINES * SAMPLES);
    for (let l = 0; l < LINES; l++) {
      const th = -scene.halfAngle + (2 * scene.halfAngle * l) / (LINES - 1);
      const sn = Math.sin(th);
      const cs = Math.cos(th);
      let logGain = 0;
      for (let s = 0; s < SAMPLES; s++) {
        const r = s * dr;
        const i = Math.round((r * sn) / ps + (W - 1) / 2);
        const j = Math.round((r * cs) / ps);
        const lab = i >= 0 && i < W && j < H ? labels[j * W + i] : T.AIR;
        logGain -= this.atten[lab] * dr * 2; // round trip
        const k = l * SAMPLES + s;
        let re = this.speckleRe[k];
        let im = this.speckleIm[k];
        if (decorrelate > 0) {
          re = re * (1 - decorrelate) + decorrelate * this.rng.gauss();
          im = im * (1 - decorrelate) + decorrelate * this.rng.gauss();
        }
        const tgc = Math.exp(ATTEN_DEFAULT * 2 * r);
        amp[k] = this.echo[lab] * Math.sqrt(re * re + im * im) * Math.exp(logGain) * tgc + 0.004 * Math.abs(this.rng.gauss());
      }
    }
    // log compression (55 dB dynamic range, gain set so liver parenchyma sits mid-grey) and scan conversion
    const map = this.scanMap();
    out.fill(0);
    for (let p = 0; p < map.index.length; p++) {
      const k = map.index[p];
      if (k < 0) continue;
      const fl = map.frac[p];
      const a = amp[k] * (1 - fl) + amp[k + (map.last[p] ? 0 : SAMPLES)] * fl;
      const v = ((20 * Math.log10(a + 1e-6) + 31) / 55) * 255;
      out[p] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
    }
  }
  private map?: { index: Int32Array; frac: Float32Array; last: Uint8Array };
  /** for each output pixel: the beam sample it shows (−1 outside the sector) and the weight of the next line */
  private scanMap() {
    if (this.map) return this.map;
    const { scene } = this;
    const index = new Int32Array(COLS * ROWS).fill(-1);
    const frac = new Float32Array(COLS * ROWS);
    const last = new Uint8Array(COLS * ROWS);
    const apexX = (COLS - 1) / 2;
    const PX = pxFor(scene);
    for (let y = 0; y < ROWS; y++) {
      for (let x = 0; x < COLS; x++) {
        const dx = (x - apexX) * PX;
        const dz = (y - APEX_ROW) * PX;
        if (dz <= 0) continue;
        const r = Math.hypot(dx, dz);
        const th = Math.atan2(dx, dz);
        if (r >= scene.depth || Math.abs(th) > scene.halfAngle) continue;
        const l = ((th + scene.halfAngle) / (2 * scene.halfAngle)) * (LINES - 1);
        const l0 = Math.floor(l);
        const s = Math.min(SAMPLES - 1, Math.round(r / (scene.depth / SAMPLES)));
        index[y * COLS + x] = l0 * SAMPLES + s;
        frac[y * COLS + x] = l - l0;
        last[y * COLS + x] = l0 >= LINES - 1 ? 1 : 0;
      }
    }
    return (this.map = { index, frac, last });
  }
}

export function generateUs(ctx: GenContext): GeneratedImage[] {
  const { protocol } = ctx;
  const cine = protocol.id === 'us-cardiac-cine';
  const rng = new Rng(ctx.seedFor('speckle'));
  const images: GeneratedImage[] = [];
  const series = ctx.series(0, cine ? 'A4C cine' : 'RUQ');
  const count = cine ? 1 : protocol.defaultImages;
  const frames = 32;
  const frameTime = 31.25; // ms: 32 frames = one beat at 60/min
  for (let k = 0; k < count; k++) {
    const scene = cine ? cardiacScene(new Rng(ctx.seedFor('anatomy'))) : abdomenScene(k, new Rng(ctx.seedFor(`anatomy-${k}`)));
    const bmode = new BMode(scene, rng);
    const n = cine ? frames : 1;
    const pixels = Buffer.alloc(COLS * ROWS * n);
    for (let f = 0; f < n; f++) bmode.frame(f / n, pixels.subarray(f * COLS * ROWS, (f + 1) * COLS * ROWS), cine ? 0.25 : 0);
    const sopClassUid = cine ? US_MULTIFRAME_IMAGE_STORAGE : US_IMAGE_STORAGE;
    const sopInstanceUid = ctx.uid('sop', 0, k);
    const instanceNumber = k + 1;
    const acquired = ctx.at(20 + k * 25);
    const elements: Element[] = [
      ...commonElements(ctx, { series, instanceNumber, sopClassUid, sopInstanceUid, acquired, imageType: ['ORIGINAL', 'PRIMARY', cine ? 'CHEST' : 'ABDOMINAL', '0001'] }),
      ...attrs({
        // US Image (C.8.5.6)
        SamplesPerPixel: 1,
        PhotometricInterpretation: 'MONOCHROME2',
        Rows: ROWS,
        Columns: COLS,
        BitsAllocated: 8,
        BitsStored: 8,
        HighBit: 7,
        PixelRepresentation: 0,
        TransducerData: cine ? 'P4-2' : 'C5-1',
        ProcessingFunction: cine ? 'CARDIAC' : 'ABDOMEN GEN',
        PatientOrientation: '',
        AcquisitionNumber: 1,
        // Cine (C.7.6.5) and Multi-frame (C.7.6.6) for the cine loop
        NumberOfFrames: cine ? frames : undefined,
        FrameTime: cine ? ds(frameTime) : undefined,
        CineRate: cine ? Math.round(1000 / frameTime) : undefined,
        RecommendedDisplayFrameRate: cine ? Math.round(1000 / frameTime) : undefined,
        HeartRate: cine ? 60 : undefined,
      }),
      ...(cine ? [el(tagOf('FrameIncrementPointer'), 'AT', tagOf('FrameTime'))] : []),
      // US Region Calibration (C.8.5.5): the sector is one 2D tissue region, so a viewer can measure in cm
      el(0x00186011, 'SQ', [[
        el(0x00186012, 'US', 1), // Region Spatial Format: 2D
        el(0x00186014, 'US', 1), // Region Data Type: tissue
        el(0x00186016, 'UL', 0), // Region Flags
        el(0x00186018, 'UL', 0), el(0x0018601a, 'UL', 0), el(0x0018601c, 'UL', COLS - 1), el(0x0018601e, 'UL', ROWS - 1),
        el(0x00186020, 'SL', Math.round((COLS - 1) / 2)), el(0x00186022, 'SL', APEX_ROW), // reference pixel: the probe apex
        el(0x00186024, 'US', 3), el(0x00186026, 'US', 3), // physical units: cm
        el(0x00186028, 'FD', 0), el(0x0018602a, 'FD', 0),
        el(0x0018602c, 'FD', pxFor(scene) / 10), el(0x0018602e, 'FD', pxFor(scene) / 10), // cm per pixel
        el(0x00186030, 'UL', cine ? 2500 : 3500), // transducer frequency, kHz
      ]]),
      el(0x7fe00010, 'OB', pixels),
    ];
    images.push({
      sopInstanceUid,
      sopClassUid,
      seriesInstanceUid: series.uid,
      seriesNumber: series.number,
      seriesDescription: series.description,
      instanceNumber,
      bytes: encodePart10(elements, { sopClassUid, sopInstanceUid }),
    });
  }
  return images;
}
