// MR Image Storage (PS3.3 A.4): 256×256 slices with MR Image (C.8.3.1) and Image Plane (C.7.6.2) modules.
// Brain: three axial series (T1 spin echo, T2 turbo spin echo, T2 FLAIR) of the head phantom, each weighting its
// own table of tissue signal (CSF dark on T1 and FLAIR, bright on T2; white matter brighter than grey on T1).
// Knee: one sagittal proton-density series. Magnitude images with Rician noise and a gentle coil shading.
import { attrs } from './attributes';
import { commonElements, type GenContext } from './context';
import { ds, wordsLE, encodePart10, type Element } from './explicitLeWriter';
import { headPhantom, kneePhantom, type Phantom } from './anatomy';
import { Rng } from './random';
import { paint, T, TISSUE_COUNT, type Grid, type Tissue } from './raster';
import type { GeneratedImage } from './index';

export const MR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.4';
const MATRIX = 256;

interface Weighting {
  description: string;
  scanningSequence: string[];
  sequenceVariant: string[];
  sequenceName: string;
  tr: number;
  te: number;
  ti?: number;
  etl: number;
  flip: number;
  signal: Partial<Record<Tissue, number>>;
}

// Relative signal per tissue at 1.5 T (arbitrary units, 0..1000)
const T1: Weighting = {
  description: 'Ax T1 SE', scanningSequence: ['SE'], sequenceVariant: ['NONE'], sequenceName: 'se2d1', tr: 500, te: 12, etl: 1, flip: 90,
  signal: { [T.FAT]: 900, [T.SKIN]: 420, [T.MUSCLE]: 330, [T.MARROW]: 620, [T.CSF]: 110, [T.GREY]: 420, [T.WHITE]: 560, [T.DEEP_GREY]: 450, [T.FALX]: 120, [T.VITREOUS]: 100, [T.LENS]: 380, [T.BONE]: 15, [T.DENSE_BONE]: 10, [T.AIR]: 0, [T.BLOOD]: 40 },
};
const T2: Weighting = {
  description: 'Ax T2 TSE', scanningSequence: ['SE'], sequenceVariant: ['SK'], sequenceName: 'tse2d1_15', tr: 4000, te: 100, etl: 15, flip: 150,
  signal: { [T.FAT]: 650, [T.SKIN]: 300, [T.MUSCLE]: 180, [T.MARROW]: 420, [T.CSF]: 980, [T.GREY]: 560, [T.WHITE]: 390, [T.DEEP_GREY]: 470, [T.FALX]: 150, [T.VITREOUS]: 950, [T.LENS]: 200, [T.BONE]: 15, [T.DENSE_BONE]: 10, [T.AIR]: 0, [T.BLOOD]: 30 },
};
const FLAIR: Weighting = {
  description: 'Ax T2 FLAIR', scanningSequence: ['SE', 'IR'], sequenceVariant: ['SK'], sequenceName: 'tir2d1_16', tr: 9000, te: 110, ti: 2500, etl: 16, flip: 150,
  signal: { [T.FAT]: 520, [T.SKIN]: 300, [T.MUSCLE]: 200, [T.MARROW]: 380, [T.CSF]: 45, [T.GREY]: 560, [T.WHITE]: 440, [T.DEEP_GREY]: 520, [T.FALX]: 120, [T.VITREOUS]: 60, [T.LENS]: 200, [T.BONE]: 15, [T.DENSE_BONE]: 10, [T.AIR]: 0, [T.BLOOD]: 30 },
};
const PD: Weighting = {
  description: 'Sag PD TSE', scanningSequence: ['SE'], sequenceVariant: ['SK'], sequenceName: 'tse2d1_8', tr: 3000, te: 30, etl: 8, flip: 150,
  signal: { [T.FAT]: 860, [T.SKIN]: 420, [T.MUSCLE]: 300, [T.MARROW]: 780, [T.BONE]: 15, [T.CARTILAGE]: 560, [T.MENISCUS]: 40, [T.LIGAMENT]: 55, [T.FLUID]: 720, [T.BLOOD]: 35, [T.AIR]: 0 },
};

/** Signal image of one slice: labels → weighting table, 3×3 smoothing (k-space truncation), shading, Rician noise. */
function renderMrSlice(phantom: Phantom, t: number, grid: Grid, w: Weighting, rng: Rng, sigma: number, labels: Uint8Array, out: Uint16Array) {
  paint(labels, grid, phantom.section(t));
  const lut = new Float32Array(TISSUE_COUNT);
  for (let i = 0; i < TISSUE_COUNT; i++) lut[i] = w.signal[i as Tissue] ?? 300;
  const N = grid.width;
  const img = new Float32Array(N * N);
  for (let i = 0; i < img.length; i++) img[i] = lut[labels[i]];
  const blurred = new Float32Array(N * N);
  for (let y = 0; y < N; y++) {
    for (let x = 0; x < N; x++) {
      let sum = 0;
      let wsum = 0;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= N) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= N) continue;
          const k = dx === 0 && dy === 0 ? 4 : dx === 0 || dy === 0 ? 2 : 1;
          sum += k * img[yy * N + xx];
          wsum += k;
        }
      }
      blurred[y * N + x] = sum / wsum;
    }
  }
  for (let y = 0; y < N; y++) {
    for (let x = 0; x < N; x++) {
      const r2 = ((x - N / 2) ** 2 + (y - N / 2) ** 2) / (N * N * 0.25);
      const s = blurred[y * N + x] * (1.12 - 0.22 * r2);
      const re = s + sigma * rng.gauss();
      const im = sigma * rng.gauss();
      out[y * N + x] = Math.min(4095, Math.round(Math.sqrt(re * re + im * im)));
    }
  }
}

export function generateMr(ctx: GenContext): GeneratedImage[] {
  const { protocol } = ctx;
  const knee = protocol.id === 'mr-knee';
  const phantom = knee ? kneePhantom(ctx.seedFor('anatomy')) : headPhantom(ctx.seedFor('anatomy'));
  const weightings = knee ? [PD] : [T1, T2, FLAIR];
  const laterality = ctx.seedFor('laterality') % 2 ? 'R' : 'L';
  const perSeries = Math.round(protocol.defaultImages / weightings.length);
  const thickness = knee ? 3.5 : 5;
  const spacing = knee ? 4 : 6;
  const fov = knee ? 160 : 240;
  const grid: Grid = { width: MATRIX, height: MATRIX, spacing: fov / MATRIX };
  const half = (fov / MATRIX) * (MATRIX / 2 - 0.5);
  const labels = new Uint8Array(MATRIX * MATRIX);
  const rng = new Rng(ctx.seedFor('noise'));
  const images: GeneratedImage[] = [];
  // the slab: brain from near the vertex to the skull base; knee across its width
  const span = (perSeries - 1) * spacing;
  const t0 = knee ? 0.5 - span / 2 / phantom.coverage : 0.12;
  const zTop = 60;
  weightings.forEach((w, si) => {
    const series = ctx.series(si, w.description);
    const start = ctx.at(si * 240);
    for (let k = 0; k < perSeries; k++) {
      const t = t0 + (k * spacing) / phantom.coverage;
      const pixels = new Uint16Array(MATRIX * MATRIX);
      renderMrSlice(phantom, t, grid, w, rng, knee ? 14 : 12, labels, pixels);
      const instanceNumber = k + 1;
      const sopInstanceUid = ctx.uid('sop', si, k);
      const acquired = new Date(start.getTime() + k * 1000);
      // Image Plane (C.7.6.2): axial rows +x, columns +y; sagittal rows +y (posterior), columns −z (down)
      const pos = knee ? -36 + k * spacing : zTop - k * spacing;
      const plane = knee
        ? { ImageOrientationPatient: ['0', '1', '0', '0', '0', '-1'], ImagePositionPatient: [ds(pos), ds(-half), ds(half)] }
        : { ImageOrientationPatient: ['1', '0', '0', '0', '1', '0'], ImagePositionPatient: [ds(-half), ds(-half), ds(pos)] };
      const elements: Element[] = [
        ...commonElements(ctx, { series, instanceNumber, sopClassUid: MR_IMAGE_STORAGE, sopInstanceUid, acquired, imageType: ['ORIGINAL', 'PRIMARY', 'OTHER'] }),
        ...attrs({
          FrameOfReferenceUID: ctx.frameOfReferenceUid,
          PositionReferenceIndicator: '',
          PatientPosition: knee ? 'FFS' : 'HFS',
          Laterality: knee ? laterality : undefined, // General Series: a paired body part (C.7.3.1)
          AcquisitionNumber: 1,
          PixelSpacing: [ds(grid.spacing), ds(grid.spacing)],
          ...plane,
          SliceThickness: ds(thickness),
          SpacingBetweenSlices: ds(spacing),
          SliceLocation: ds(pos),
          // Image Pixel / MR Image (C.8.3.1)
          SamplesPerPixel: 1,
          PhotometricInterpretation: 'MONOCHROME2',
          Rows: MATRIX,
          Columns: MATRIX,
          BitsAllocated: 16,
          BitsStored: 12,
          HighBit: 11,
          PixelRepresentation: 0,
          ScanningSequence: w.scanningSequence,
          SequenceVariant: w.sequenceVariant,
          ScanOptions: '',
          MRAcquisitionType: '2D',
          SequenceName: w.sequenceName,
          AngioFlag: 'N',
          RepetitionTime: ds(w.tr),
          EchoTime: ds(w.te),
          InversionTime: w.ti === undefined ? undefined : ds(w.ti),
          EchoTrainLength: w.etl,
          NumberOfAverages: '1',
          ImagingFrequency: '63.87',
          ImagedNucleus: '1H',
          EchoNumbers: '1',
          MagneticFieldStrength: '1.5',
          PixelBandwidth: '190',
          FlipAngle: ds(w.flip),
          ReceiveCoilName: knee ? 'Knee 8' : 'Head 16',
          TransmitCoilName: 'Body',
          // VOI LUT (C.11.2)
          WindowCenter: '480',
          WindowWidth: '960',
          PixelData: wordsLE(pixels),
        }),
      ];
      images.push({
        sopInstanceUid,
        sopClassUid: MR_IMAGE_STORAGE,
        seriesInstanceUid: series.uid,
        seriesNumber: series.number,
        seriesDescription: series.description,
        instanceNumber,
        bytes: encodePart10(elements, { sopClassUid: MR_IMAGE_STORAGE, sopInstanceUid }),
      });
    }
  });
  return images;
}
