// Axial cross-sections of three anatomical phantoms (chest, head, abdomen) as ordered shape lists, a function
// of the fraction t of the scanned range (0 = most superior slice, 1 = most inferior). Shapes are in mm, x to the
// patient's left (image right), y posterior (image down): the standard axial display (PS3.3 C.7.6.2.1.1, LPS).
// A Phantom is made once per study (its seeded variation: vessel tree, sulci, bowel loops) and then asked for
// one cross-section per slice.
import { E, ellipsoid, shell, smooth, T, type Shape, type Tissue } from './raster';
import { Rng } from './random';

export interface Phantom {
  /** scanned length, mm (superior to inferior) */
  coverage: number;
  /** reconstruction field of view, mm */
  fov: number;
  /** shapes of the cross-section at fraction t of the range */
  section(t: number): Shape[];
}

const PI = Math.PI;

function table(bodyBottom: number): Shape[] {
  // carbon-fibre table top: two shells with foam between, under the patient
  const y = bodyBottom + 8;
  return [
    { kind: 'rect', x0: -165, x1: 165, y0: y, y1: y + 24, t: T.TABLE },
    { kind: 'rect', x0: -161, x1: 161, y0: y + 2.5, y1: y + 21.5, t: T.TABLE_FOAM },
  ];
}

function vertebra(x: number, y: number, size: number, inDisc: boolean, withArch: boolean): Shape[] {
  const s: Shape[] = [];
  const a = 19 * size;
  const b = 16 * size;
  if (inDisc) s.push(E(x, y, a, b, T.DISC));
  else s.push(...shell(x, y, a, b, 2, T.BONE, T.MARROW));
  if (withArch) {
    s.push(E(x, y + b + 10 * size, 14 * size, 12 * size, T.BONE)); // lamina ring
    s.push(E(x, y + b + 26 * size, 4.5 * size, 12 * size, T.BONE)); // spinous process
    s.push(E(x - 24 * size, y + b + 4 * size, 13 * size, 4.5 * size, T.BONE, -0.35)); // transverse processes
    s.push(E(x + 24 * size, y + b + 4 * size, 13 * size, 4.5 * size, T.BONE, 0.35));
  }
  s.push(E(x, y + b + 9 * size, 8 * size, 7 * size, T.CSF)); // spinal canal
  return s;
}

/** Ribs as oblique tubes: rib k leaves the spine at zk and descends as it runs forward round the chest wall. */
function ribs(depth: number, firstRibDepth: number, count: number, ra: number, rb: number, yc: number): Shape[] {
  const s: Shape[] = [];
  for (let k = 0; k < count; k++) {
    const zk = firstRibDepth + k * 23;
    const theta = 0.3 + (depth - zk) / 42; // angle from the posterior midline
    const thetaMax = k < 7 ? 2.55 : 2.55 - (k - 6) * 0.33;
    if (theta < 0.3 || theta > thetaMax + 0.35) continue;
    const cart = theta > thetaMax; // costal cartilage anteriorly
    for (const side of [-1, 1]) {
      const px = side * ra * Math.sin(theta);
      const py = yc + rb * Math.cos(theta);
      const tangent = Math.atan2(-rb * Math.sin(theta), side * ra * Math.cos(theta));
      if (cart) s.push(E(px, py, 8, 4.5, T.CARTILAGE, tangent));
      else s.push(E(px, py, 8, 4.5, T.BONE, tangent), E(px, py, 5, 2.2, T.MARROW, tangent));
    }
  }
  return s;
}

// ------------------------------------------------------------------------------------------------ chest

interface Vessel { x0: number; y0: number; t0: number; x1: number; y1: number; t1: number; r: number; side: number }

export function chestPhantom(seed: number): Phantom {
  const rng = new Rng(seed);
  const coverage = 320;
  const build = rng.range(0.94, 1.06);
  // pulmonary vessel tree: from each hilum to random peripheral points, thinner further out
  const vessels: Vessel[] = [];
  for (const side of [-1, 1]) {
    for (let i = 0; i < 120; i++) {
      const t1 = rng.range(0.08, 0.9);
      const ang = rng.range(-PI, PI);
      const rr = Math.sqrt(rng.next());
      const gen = rng.next();
      const x0 = side * (38 + gen * 20);
      const y0 = 5 + gen * 10;
      const t0 = 0.42 + (t1 - 0.42) * gen * 0.6;
      vessels.push({
        side, x0, y0, t0, t1,
        x1: side * (70 + 45 * rr * Math.cos(ang)) * build,
        y1: (5 + 70 * rr * Math.sin(ang)) * build,
        r: 6 - 3.6 * gen - rng.range(0, 1),
      });
    }
    // peripheral branches: short, thin segments everywhere in the lung, pointing away from the hilum
    for (let i = 0; i < 420; i++) {
      const ang = rng.range(-PI, PI);
      const rr = 0.25 + 0.75 * Math.sqrt(rng.next());
      const x = side * (68 + 52 * rr * Math.cos(ang)) * build;
      const y = (8 + 78 * rr * Math.sin(ang)) * build;
      const tm = rng.range(0.04, 0.94);
      const len = rng.range(8, 30);
      const dx = x - side * 40;
      const dy = y - 5;
      const d = Math.hypot(dx, dy) || 1;
      const tz = rng.range(-1, 1);
      vessels.push({
        side, x0: x, y0: y, t0: tm - (len / coverage) * Math.abs(tz) - 0.01,
        x1: x + (dx / d) * len * (1 - Math.abs(tz) * 0.6), y1: y + (dy / d) * len * (1 - Math.abs(tz) * 0.6), t1: tm + (len / coverage) * Math.abs(tz) + 0.01,
        r: rng.range(0.8, 2.2),
      });
    }
  }
  return {
    coverage,
    fov: 400,
    section(t) {
      const d = t * coverage;
      const a = (150 + 22 * smooth(0, 0.35, t)) * build;
      const b = (112 + 14 * smooth(0, 0.4, t)) * build;
      const yc = 8;
      const s: Shape[] = [];
      s.push(E(0, yc, a, b, T.SKIN), E(0, yc, a - 2, b - 2, T.FAT), E(0, yc, a - 16, b - 13, T.MUSCLE));
      s.push(E(0, yc, a - 26, b - 22, T.FAT));
      // scapulae and their muscles (upper half), clavicles at the top
      const scap = smooth(0.5, 0.2, t);
      if (scap > 0) {
        for (const side of [-1, 1]) {
          s.push(E(side * a * 0.55, yc + b * 0.6, 50 * scap + 8, 16, T.MUSCLE, -side * 0.6));
          s.push(E(side * a * 0.55, yc + b * 0.6 + 3, 44 * scap + 4, 3, T.BONE, -side * 0.6));
        }
      }
      // lungs: grow from the apex, rounded by the diaphragm below (the liver and spleen domes paint over them)
      for (const side of [-1, 1]) {
        const end = side < 0 ? 0.9 : 0.95;
        const g = Math.sqrt(smooth(-0.02, 0.3, t)) * smooth(end, end - 0.22, t);
        if (g <= 0) continue;
        const la = ((a - 30) / 2 - 4) * (0.55 + 0.45 * g);
        const lb = (b - 24) * (0.45 + 0.55 * g);
        const post = 18 * smooth(0.6, 0.95, t);
        s.push(E(side * (la + 10 + 6 * g), yc + 2 + post, la * Math.min(1, g * 1.4), lb * Math.min(1, 0.3 + g), T.LUNG));
      }
      for (const v of vessels) {
        if ((t - v.t0) * (t - v.t1) > 0) continue;
        const u = (t - v.t0) / (v.t1 - v.t0);
        const x = v.x0 + (v.x1 - v.x0) * u;
        const y = v.y0 + (v.y1 - v.y0) * u;
        const r = Math.max(0.9, v.r * (1 - 0.55 * u));
        // a vessel running in-plane shows as an elongated ellipse
        const inPlane = Math.hypot(v.x1 - v.x0, v.y1 - v.y0) / Math.max(1, Math.abs(v.t1 - v.t0) * coverage);
        const elong = Math.min(4, Math.sqrt(1 + inPlane * inPlane));
        s.push(E(x, y, r * elong, r, T.BLOOD, Math.atan2(v.y1 - v.y0, v.x1 - v.x0), [T.LUNG]));
      }
      // paraspinal muscles and the spine
      const spineY = yc + b - 62;
      s.push(E(-30, spineY + 33, 21, 16, T.MUSCLE), E(30, spineY + 33, 21, 16, T.MUSCLE));
      const inDisc = (d + 300) % 26 < 5;
      s.push(...vertebra(0, spineY, 0.95, inDisc, true));
      // mediastinum
      const heart = ellipsoid(t, 0.6, 0.2);
      s.push(E(6, yc - 18, 24 + 40 * heart, 62 - 10 * heart, T.FAT, 0.15));
      // oesophagus, descending aorta, azygos
      s.push(E(6, spineY - 26, 7, 6, T.MUSCLE), E(6, spineY - 27, 2, 1.5, T.AIR));
      if (t > 0.27) s.push(E(24, spineY - 22, 13, 13, T.BLOOD));
      s.push(E(-8, spineY - 20, 4, 4, T.VEIN));
      if (t < 0.33) {
        // trachea
        s.push(E(0, spineY - 45, 11, 10, T.CARTILAGE), E(0, spineY - 45, 9, 8, T.AIR));
      } else if (t < 0.46) {
        const spread = (t - 0.33) * 260;
        for (const side of [-1, 1]) s.push(E(side * (6 + spread), spineY - 45 + spread * 0.3, 7.5, 6.5, T.CARTILAGE), E(side * (6 + spread), spineY - 45 + spread * 0.3, 6, 5, T.AIR));
      }
      if (t < 0.22) {
        // great vessels above the arch
        s.push(E(-14, yc - 42, 7, 7, T.BLOOD), E(7, yc - 40, 5, 5, T.BLOOD), E(19, yc - 28, 6, 6, T.BLOOD));
        s.push(E(-30, yc - 48, 8, 9, T.VEIN), E(8, yc - 58, 14, 6, T.VEIN, -0.3));
      } else if (t < 0.28) {
        s.push(E(6, yc - 30, 40, 12, T.BLOOD, 0.9)); // aortic arch
        s.push(E(-32, yc - 42, 10, 10, T.VEIN)); // SVC
      } else if (t < 0.46) {
        s.push(E(-10, yc - 40, 16, 16, T.BLOOD)); // ascending aorta
        s.push(E(-34, yc - 30, 10, 10, T.VEIN)); // SVC
        if (t > 0.32 && t < 0.42) {
          s.push(E(22, yc - 50, 14, 14, T.BLOOD)); // pulmonary trunk
          s.push(E(-18, yc - 18, 34, 9, T.BLOOD, 0.25)); // right pulmonary artery
          s.push(E(40, yc - 30, 18, 10, T.BLOOD, -0.5)); // left pulmonary artery
        }
      }
      if (heart > 0) {
        const h = heart;
        const hx = 22;
        const hy = yc - 40;
        s.push(E(hx, hy, 72 * h + 6, 56 * h + 6, T.FAT, -0.55));
        s.push(E(hx, hy, 72 * h, 56 * h, T.MYOCARDIUM, -0.55));
        if (h > 0.3) {
          s.push(E(hx + 26 * h, hy + 4 * h, 26 * h, 18 * h, T.BLOOD, -0.55)); // LV
          s.push(E(hx - 14 * h, hy - 20 * h, 30 * h, 13 * h, T.BLOOD, -0.55)); // RV
          if (t < 0.6) s.push(E(hx - 8, hy + 36 * h, 28 * h, 15 * h, T.BLOOD)); // LA
          if (t > 0.5) s.push(E(hx - 48 * h, hy + 10 * h, 20 * h, 26 * h, T.BLOOD)); // RA
        }
      }
      // liver, stomach and spleen domes under the diaphragm
      const liver = ellipsoid(t, 1.15, 0.48);
      if (liver > 0) s.push(E(-48 * build, yc + 5, 95 * liver * build, 88 * liver * build, T.LIVER));
      const spleen = ellipsoid(t, 1.05, 0.24);
      if (spleen > 0) s.push(E(72, yc + 45, 30 * spleen, 45 * spleen, T.SPLEEN, 0.5));
      const stomach = ellipsoid(t, 1.05, 0.28);
      if (stomach > 0) {
        s.push(E(55, yc - 25, 42 * stomach, 34 * stomach, T.BOWEL_WALL));
        s.push(E(55, yc - 25, 38 * stomach, 30 * stomach, T.FLUID));
        s.push(E(55, yc - 25 - 22 * stomach, 30 * stomach, 10 * stomach, T.AIR));
      }
      if (t > 0.7) s.push(E(-22, spineY - 30, 12, 11, T.VEIN)); // IVC
      s.push(...ribs(d, -12, 12, a - 24, b - 19, yc));
      // sternum
      if (t > 0.02 && t < 0.72) {
        const man = t < 0.2;
        s.push(...shell(0, yc - b + 20, man ? 24 : 15, man ? 10 : 8, 2, T.BONE, T.MARROW));
      }
      if (t < 0.1) {
        for (const side of [-1, 1]) s.push(...shell(side * 62, yc - b + 28, 48, 8, 2.5, T.BONE, T.MARROW, side * 0.2));
      }
      s.push(...table(yc + b));
      return s;
    },
  };
}

// ------------------------------------------------------------------------------------------------ head

interface Sulcus { ang: number; len: number; phase: number; rate: number }

export function headPhantom(seed: number): Phantom {
  const rng = new Rng(seed ^ 0x5eed);
  const coverage = 150;
  const size = rng.range(0.95, 1.05);
  const sulci: Sulcus[] = [];
  for (let i = 0; i < 46; i++) sulci.push({ ang: (i / 46) * 2 * PI + rng.range(-0.05, 0.05), len: rng.range(5, 14), phase: rng.range(0, 2 * PI), rate: rng.range(0.05, 0.12) });
  return {
    coverage,
    fov: 250,
    section(t) {
      const d = t * coverage;
      const A = 72 * size;
      const B = 92 * size;
      const sc = t < 0.55 ? Math.sqrt(Math.max(0, 1 - ((0.55 - t) / 0.57) ** 2)) : 1 - 0.12 * ((t - 0.55) / 0.45) ** 2;
      if (sc < 0.05) return [];
      const a = A * sc;
      const b = B * sc;
      const yc = 0;
      const s: Shape[] = [];
      s.push(E(0, yc, a + 7, b + 7, T.SKIN), E(0, yc, a + 5.5, b + 5.5, T.FAT));
      s.push(...shell(0, yc, a, b, 2.2, T.BONE, T.MARROW), E(0, yc, a - 5, b - 5, T.BONE));
      s.push(E(0, yc, a - 6.8, b - 6.8, T.CSF), E(0, yc, a - 8.2, b - 8.2, T.GREY));
      const wa = a - 13;
      const wb = b - 13;
      if (wa > 3 && t < 0.68) s.push(E(0, yc, wa, wb, T.WHITE));
      // gyri: fingers of grey matter into the white, and sulci (CSF) into the grey
      for (const g of sulci) {
        const wob = Math.sin(g.phase + d * g.rate);
        const c = Math.cos(g.ang);
        const sn = Math.sin(g.ang);
        const rx = a - 8.2;
        const ry = b - 8.2;
        const len = g.len * (0.7 + 0.3 * wob) * Math.min(1, sc * 1.2);
        const px = c * (rx - len / 2);
        const py = yc + sn * (ry - len / 2);
        const rot = Math.atan2(sn * rx, c * ry);
        s.push(E(px, py, len / 2 + 2, 2.6, T.GREY, rot, [T.WHITE]));
        const qx = c * (rx - len / 2.8);
        const qy = yc + sn * (ry - len / 2.8);
        const off = (2 * PI) / 92;
        s.push(E(Math.cos(g.ang + off) * (rx - len / 2.8), yc + Math.sin(g.ang + off) * (ry - len / 2.8), len / 2.8, 0.9, T.CSF, Math.atan2(Math.sin(g.ang + off) * rx, Math.cos(g.ang + off) * ry), [T.GREY]));
        void qx;
        void qy;
      }
      // interhemispheric fissure and falx
      s.push({ kind: 'rect', x0: -1.6, x1: 1.6, y0: -b + 8, y1: b - 8, t: T.CSF, only: [T.GREY, T.WHITE] });
      s.push({ kind: 'rect', x0: -0.5, x1: 0.5, y0: -b + 8, y1: b - 8, t: T.FALX, only: [T.CSF] });
      // deep grey matter and ventricles
      if (t > 0.38 && t < 0.62) {
        const g = ellipsoid(t, 0.5, 0.12);
        for (const side of [-1, 1]) {
          s.push(E(side * 24, yc - 4, 8 * g + 1, 19 * g + 1, T.DEEP_GREY, side * 0.25)); // lentiform
          s.push(E(side * 13, yc + 14, 10 * g + 1, 13 * g + 1, T.DEEP_GREY)); // thalamus
          s.push(E(side * 12, yc - 22, 7 * g + 1, 8 * g + 1, T.DEEP_GREY)); // caudate head
        }
      }
      const vb = ellipsoid(t, 0.38, 0.1);
      if (vb > 0) for (const side of [-1, 1]) s.push(E(side * 9, yc - 2, 5 * vb + 1, 32 * vb, T.CSF, side * 0.08)); // bodies
      const fh = ellipsoid(t, 0.48, 0.07);
      if (fh > 0) for (const side of [-1, 1]) s.push(E(side * 8, yc - 22, 5 * fh + 1, 11 * fh, T.CSF, side * -0.35)); // frontal horns
      const oh = ellipsoid(t, 0.5, 0.07);
      if (oh > 0) for (const side of [-1, 1]) s.push(E(side * 17, yc + 36, 4 * oh + 1, 12 * oh, T.CSF, side * 0.4)); // occipital horns
      const v3 = ellipsoid(t, 0.55, 0.06);
      if (v3 > 0) s.push(E(0, yc + 8, 2, 11 * v3, T.CSF));
      // posterior fossa and skull base
      if (t > 0.6) {
        const pf = smooth(0.6, 0.75, t);
        for (const side of [-1, 1]) {
          s.push(E(side * 30, yc + 48, 32 * pf, 26 * pf, T.GREY, 0, [T.GREY, T.WHITE, T.CSF])); // cerebellum
          s.push(E(side * 30, yc + 48, 18 * pf, 13 * pf, T.WHITE, 0, [T.GREY]));
        }
        s.push(E(0, yc + 16, 15 * pf, 13 * pf, T.WHITE)); // midbrain / pons
        if (t > 0.72) s.push(E(0, yc + 32, 5, 3.5, T.CSF)); // fourth ventricle
        const sb = smooth(0.7, 0.85, t);
        if (sb > 0) {
          for (const side of [-1, 1]) {
            s.push(E(side * 40, yc + 24, 22 * sb, 5 * sb, T.DENSE_BONE, side * 0.65)); // petrous ridges
            s.push(E(side * 32, yc - 30, 22 * sb, 3 * sb, T.BONE, side * -0.5)); // greater sphenoid wings
          }
        }
        if (t > 0.8) {
          const o = smooth(0.8, 0.92, t);
          for (const side of [-1, 1]) {
            s.push(E(side * 30, yc - b + 22, 18 * o, 22 * o, T.FAT)); // orbit
            s.push(E(side * 30, yc - b + 20, 12 * o, 12 * o, T.VITREOUS)); // globe
            s.push(E(side * 30, yc - b + 9, 4 * o, 1.6 * o, T.LENS));
            s.push(E(side * 17, yc - b + 34, 3 * o, 10 * o, T.MUSCLE, side * 0.3)); // medial rectus
          }
          s.push(E(0, yc - b + 32, 9 * o, 20 * o, T.AIR)); // ethmoid air
          s.push(E(0, yc - 12, 12 * o, 9 * o, T.AIR)); // sphenoid sinus
        }
      }
      return s;
    },
  };
}

// ------------------------------------------------------------------------------------------------ abdomen

interface Loop { x: number; y: number; r: number; t0: number; t1: number; gas: boolean; dx: number }

export function abdomenPhantom(seed: number): Phantom {
  const rng = new Rng(seed ^ 0xab0);
  const coverage = 360;
  const build = rng.range(0.93, 1.08);
  const loops: Loop[] = [];
  for (let i = 0; i < 80; i++) {
    const t0 = rng.range(0.3, 0.98);
    loops.push({ x: rng.range(-90, 90), y: rng.range(-75, 25), r: rng.range(8, 16), t0, t1: t0 + rng.range(0.04, 0.12), gas: rng.next() < 0.25, dx: rng.range(-40, 40) });
  }
  return {
    coverage,
    fov: 420,
    section(t) {
      const d = t * coverage;
      const a = (165 + 10 * t) * build;
      const b = (118 - 6 * t) * build;
      const yc = 5;
      const s: Shape[] = [];
      s.push(E(0, yc, a, b, T.SKIN), E(0, yc, a - 2, b - 2, T.FAT), E(0, yc, a - 22, b - 20, T.MUSCLE), E(0, yc, a - 32, b - 29, T.FAT));
      // lung bases, posteriorly
      const lb = smooth(0.12, 0, t);
      if (lb > 0) for (const side of [-1, 1]) s.push(E(side * 80, yc + 50, 50 * lb, 45 * lb, T.LUNG));
      const spineY = yc + b - 58;
      // paraspinal and psoas muscles
      s.push(E(-32, spineY + 30, 22, 15, T.MUSCLE), E(32, spineY + 30, 22, 15, T.MUSCLE));
      const ps = smooth(0.4, 0.9, t);
      if (ps > 0) for (const side of [-1, 1]) s.push(E(side * (30 + 8 * ps), spineY - 2 * ps, 8 + 16 * ps, 8 + 12 * ps, T.MUSCLE));
      // liver (right lobe tapers down), gallbladder, spleen, stomach
      const liver = smooth(-0.05, 0.12, t) * smooth(0.68, 0.3, t);
      if (liver > 0) {
        s.push(E(-55 * build, yc, 95 * liver * build, 88 * liver * build, T.LIVER, 0.2));
        s.push(E(-25, yc + 8, 7 * liver, 7 * liver, T.VEIN, 0, [T.LIVER])); // portal vein / hepatic veins
        s.push(E(-60, yc - 20, 4 * liver, 4 * liver, T.VEIN, 0, [T.LIVER]), E(-85, yc + 10, 3.5 * liver, 3.5 * liver, T.VEIN, 0, [T.LIVER]));
      }
      const ll = ellipsoid(t, 0.12, 0.2);
      if (ll > 0) s.push(E(20, yc - 62, 48 * ll, 26 * ll, T.LIVER, 0.15)); // left lobe
      const gb = ellipsoid(t, 0.36, 0.07);
      if (gb > 0) s.push(E(-38, yc - 50, 13 * gb, 20 * gb, T.FLUID, 0.4));
      const sp = ellipsoid(t, 0.15, 0.22);
      if (sp > 0) s.push(E(82, yc + 45, 28 * sp, 50 * sp, T.SPLEEN, 0.45));
      const st = ellipsoid(t, 0.14, 0.2);
      if (st > 0) {
        s.push(E(48, yc - 30, 44 * st, 34 * st, T.BOWEL_WALL, 0.3), E(48, yc - 30, 40 * st, 30 * st, T.FLUID, 0.3));
        s.push(E(42, yc - 30 - 22 * st, 30 * st, 9 * st, T.AIR, 0.3));
      }
      // pancreas
      const pa = ellipsoid(t, 0.36, 0.06);
      if (pa > 0) s.push(E(20, spineY - 45, 50 * pa, 9 * pa, T.PANCREAS, -0.25));
      // kidneys: cortex, medulla, sinus fat
      for (const side of [-1, 1]) {
        const k = ellipsoid(t, side < 0 ? 0.5 : 0.46, 0.17);
        if (k <= 0) continue;
        const kx = side * 68;
        const ky = spineY + 6;
        s.push(E(kx, ky, 28 * k, 38 * k, T.KIDNEY, side * -0.45));
        s.push(E(kx - side * 4, ky, 18 * k, 27 * k, T.KIDNEY_MEDULLA, side * -0.45));
        if (k > 0.6) s.push(E(kx - side * 16, ky - 4, 8, 10, T.FAT, side * -0.45), E(kx - side * 20, ky - 4, 4, 5, T.FLUID));
      }
      // great vessels
      s.push(E(14, spineY - 30, 11, 11, T.BLOOD), E(-20, spineY - 28, 14, 10, T.VEIN));
      // colon and small bowel
      if (t > 0.3) {
        s.push(E(-95, yc - 10, 20, 22, T.BOWEL_WALL), E(-95, yc - 10, 17, 19, T.FLUID), E(-95, yc - 22, 15, 7, T.AIR));
        s.push(E(100, yc + 5, 15, 17, T.BOWEL_WALL), E(100, yc + 5, 12, 14, T.BOWEL_GAS));
      }
      const tc = ellipsoid(t, 0.42, 0.05);
      if (tc > 0) s.push(E(-15, yc - b + 52, 55 * tc, 15, T.BOWEL_WALL, 0.08), E(-15, yc - b + 52, 51 * tc, 11, T.BOWEL_GAS, 0.08));
      for (const l of loops) {
        if (t < l.t0 || t > l.t1) continue;
        const u = (t - l.t0) / (l.t1 - l.t0);
        const x = l.x + l.dx * u;
        const r = l.r * Math.sqrt(Math.max(0.15, 1 - (2 * u - 1) ** 2));
        s.push(E(x, yc + l.y, r + 2, r + 2, T.BOWEL_WALL, 0, [T.FAT, T.BOWEL_WALL]), E(x, yc + l.y, r, r, l.gas ? T.BOWEL_GAS : T.FLUID, 0, [T.BOWEL_WALL]));
      }
      // spine, lower ribs, iliac wings
      const inDisc = (d + 300) % 34 < 8;
      s.push(...vertebra(0, spineY, 1.2, inDisc, true));
      s.push(...ribs(d, -90, 12, a - 30, b - 24, yc).filter((_, i) => i < 12));
      const il = smooth(0.82, 0.98, t);
      if (il > 0) for (const side of [-1, 1]) s.push(...shell(side * (75 + 20 * il), spineY + 10 - 20 * il, 45 * il + 6, 9, 3, T.BONE, T.MARROW, side * 1.0));
      s.push(...table(yc + b));
      return s;
    },
  };
}

// ------------------------------------------------------------------------------------------------ knee

/**
 * Sagittal sections of a knee, t from medial (0) to lateral (1). Shapes are in the sagittal plane: x anterior (−)
 * to posterior (+), i.e. image right = posterior; y superior (−) to inferior (+).
 */
export function kneePhantom(seed: number): Phantom {
  const rng = new Rng(seed ^ 0x4e4e);
  const size = rng.range(0.95, 1.05);
  return {
    coverage: 72,
    fov: 160,
    section(t) {
      const s: Shape[] = [];
      const edge = Math.sqrt(Math.max(0.05, 1 - (2 * t - 1) ** 2)); // the knee is narrower at its sides
      const notch = t > 0.4 && t < 0.6;
      const cond = notch ? 0.8 : 1;
      // soft tissue: thigh above, leg below, muscles
      s.push(E(4, -70, 56 * edge + 12, 125, T.SKIN), E(4, -70, 54 * edge + 10, 123, T.FAT));
      s.push(E(8, 90, 50 * edge + 10, 112, T.SKIN), E(8, 90, 48 * edge + 8, 110, T.FAT));
      s.push(E(44, -100, 20 * edge, 60, T.MUSCLE), E(-30, -115, 18 * edge, 55, T.MUSCLE)); // hamstrings, quadriceps
      s.push(E(42, 95, 20 * edge, 70, T.MUSCLE), E(-6, 120, 9 * edge, 50, T.MUSCLE)); // gastrocnemius, tibialis
      s.push(E(-36, -62, 30, 3.2, T.LIGAMENT, 1.3)); // quadriceps tendon
      s.push(E(-30, -50, 7, 14, T.FLUID)); // suprapatellar recess
      s.push(E(-26, 10, 13, 13, T.FAT)); // Hoffa's fat pad
      s.push(E(-35, 22, 26, 2.8, T.LIGAMENT, 1.2)); // patellar tendon
      s.push(E(40, 0, 3.5, 60, T.BLOOD)); // popliteal artery (flow void)
      // femur: shaft, flaring metaphysis, condyle with its cartilage
      s.push({ kind: 'rect', x0: -16 * size, x1: 16 * size, y0: -200, y1: -40, t: T.BONE });
      s.push({ kind: 'rect', x0: -13.5 * size, x1: 13.5 * size, y0: -200, y1: -40, t: T.MARROW });
      s.push(E(4, -14, 33 * cond * size + 2.5, 28 * cond * size + 2.5, T.CARTILAGE));
      s.push(...shell(3, -32, 31 * size, 26 * size, 2, T.BONE, T.MARROW));
      s.push(...shell(4, -14, 33 * cond * size, 28 * cond * size, 2, T.BONE, T.MARROW));
      s.push(E(3, -30, 28 * size, 19 * size, T.MARROW));
      // tibia: plateau (cartilage on top), metaphysis, shaft
      s.push(E(5, 42, 35 * size, 27 * size, T.CARTILAGE));
      s.push(...shell(5, 44, 34 * size, 27 * size, 2, T.BONE, T.MARROW));
      s.push({ kind: 'rect', x0: -15 * size, x1: 21 * size, y0: 55, y1: 200, t: T.BONE });
      s.push({ kind: 'rect', x0: -12.5 * size, x1: 18.5 * size, y0: 50, y1: 200, t: T.MARROW });
      s.push({ kind: 'rect', x0: -40, x1: 45, y0: 44, y1: 80, t: T.FAT, only: [T.CARTILAGE] });
      // patella with its cartilage
      if (t > 0.15 && t < 0.85) {
        s.push(E(-41, -28, 11 * edge, 21 * edge, T.CARTILAGE, 0.15));
        s.push(...shell(-43, -28, 9 * edge, 19 * edge, 1.6, T.BONE, T.MARROW, 0.15));
      }
      if (!notch) {
        // menisci: anterior and posterior horns (low signal triangles)
        s.push(E(-20, 15, 10, 3.2, T.MENISCUS, -0.12), E(26, 15, 13, 3.8, T.MENISCUS, 0.12));
      } else {
        // cruciate ligaments in the intercondylar notch
        if (t > 0.48) s.push(E(2, -4, 26, 3.2, T.LIGAMENT, -0.95)); // ACL
        else s.push(E(14, -2, 24, 3.5, T.LIGAMENT, 1.1)); // PCL
      }
      return s;
    },
  };
}

/** Hounsfield units of each tissue (typical values; contrast-enhanced portal-venous phase for blood and organs). */
export const CT_HU: Readonly<Record<Tissue, number>> = (() => {
  const hu: Record<number, number> = {};
  hu[T.AIR] = -1000; hu[T.FAT] = -100; hu[T.MUSCLE] = 50; hu[T.SOFT] = 40; hu[T.BONE] = 900; hu[T.MARROW] = 250;
  hu[T.LUNG] = -850; hu[T.BLOOD] = 220; hu[T.MYOCARDIUM] = 95; hu[T.LIVER] = 105; hu[T.SPLEEN] = 115;
  hu[T.KIDNEY] = 185; hu[T.KIDNEY_MEDULLA] = 125; hu[T.CSF] = 6; hu[T.GREY] = 40; hu[T.WHITE] = 27; hu[T.DEEP_GREY] = 38;
  hu[T.DISC] = 85; hu[T.TABLE] = 250; hu[T.TABLE_FOAM] = -880; hu[T.CARTILAGE] = 140; hu[T.FLUID] = 8;
  hu[T.BOWEL_WALL] = 70; hu[T.VEIN] = 160; hu[T.PANCREAS] = 95; hu[T.FALX] = 70; hu[T.VITREOUS] = 10; hu[T.LENS] = 95;
  hu[T.DENSE_BONE] = 1600; hu[T.SKIN] = 60; hu[T.MENISCUS] = 80; hu[T.LIGAMENT] = 70; hu[T.BOWEL_GAS] = -950;
  return hu as Record<Tissue, number>;
})();

/**
 * The tissues whose attenuation intravenous iodinated contrast raises, at their unenhanced values (a CT without
 * contrast): blood near 40 HU, so heart chambers and vessels no longer stand out from the myocardium and wall.
 */
export const CT_HU_UNENHANCED: Readonly<Partial<Record<Tissue, number>>> = (() => {
  const hu: Record<number, number> = {};
  hu[T.BLOOD] = 42; hu[T.VEIN] = 40; hu[T.MYOCARDIUM] = 45; hu[T.LIVER] = 58; hu[T.SPLEEN] = 48;
  hu[T.KIDNEY] = 32; hu[T.KIDNEY_MEDULLA] = 30; hu[T.PANCREAS] = 42; hu[T.BOWEL_WALL] = 40;
  return hu as Partial<Record<Tissue, number>>;
})();
