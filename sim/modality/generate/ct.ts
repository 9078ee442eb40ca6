// CT Image Storage (PS3.3 A.3): a stack of 512×512 axial slices through a phantom, stored as unsigned 12-bit
// values with Rescale Intercept −1024 (HU = stored − 1024; PS3.3 C.8.2.1.1.4), with Image Plane (C.7.6.2),
// CT Image (C.8.2.1) and VOI LUT (C.11.2) modules.
import { attrs, code } from './attributes';
import { commonElements, type GenContext } from './context';
import { ds, encodePart10WithPixelRoom, fixWordOrder, type Element } from './explicitLeWriter';
import { abdomenPhantom, chestPhantom, CT_HU, CT_HU_UNENHANCED, headPhantom, type Phantom } from './anatomy';
import { noiseTable, Rng } from './random';
import { paint, type Grid, TISSUE_COUNT } from './raster';
import type { GeneratedImage, Protocol } from './index';

export const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
const MATRIX = 512;

interface CtSetup {
  phantom: Phantom;
  kvp: number;
  mA: number;
  kernel: string;
  /** noise standard deviation, HU */
  sigma: number;
  windows: { center: number; width: number; name: string }[];
  ctdi: number;
  /** intravenous iodinated contrast given: enhanced blood and organs, and the Contrast/Bolus module */
  contrast: boolean;
}

function setup(protocol: Protocol, seed: number): CtSetup {
  const contrast = protocol.contrast ?? false;
  // the phantom and technique by anatomy; with or without contrast is the protocol's own (Protocol.contrast)
  switch (protocol.bodyPart) {
    case 'HEAD':
      return {
        phantom: headPhantom(seed), kvp: 120, mA: 300, kernel: 'H30s', sigma: 3.5, ctdi: 55, contrast,
        windows: [{ center: 40, width: 80, name: 'BRAIN' }, { center: 75, width: 215, name: 'SUBDURAL' }, { center: 600, width: 2800, name: 'BONE' }],
      };
    case 'ABDOMEN':
      return {
        phantom: abdomenPhantom(seed), kvp: 120, mA: 220, kernel: 'B30f', sigma: 9, ctdi: 12, contrast,
        windows: [{ center: 40, width: 400, name: 'ABDOMEN' }, { center: 60, width: 160, name: 'LIVER' }, { center: 400, width: 1800, name: 'BONE' }],
      };
    default:
      return {
        phantom: chestPhantom(seed), kvp: 120, mA: 180, kernel: 'B40f', sigma: 11, ctdi: 9, contrast,
        windows: [{ center: 40, width: 400, name: 'MEDIASTINUM' }, { center: -600, width: 1500, name: 'LUNG' }, { center: 400, width: 1800, name: 'BONE' }],
      };
  }
}

/** One slice's stored values (HU + 1024, 0..4095) into `out`. */
export function renderCtSlice(phantom: Phantom, t: number, grid: Grid, labels: Uint8Array, lut: Int16Array, noise: Int16Array, noiseOffset: number, sigma: number, out: Uint16Array): void {
  paint(labels, grid, phantom.section(t));
  const mask = noise.length - 1;
  const scale = Math.round((sigma / 16) * 1024); // noise table is N(0,1)×16; fixed-point ×1024
  const W = grid.width;
  const H = grid.height;
  let k = noiseOffset;
  for (let j = 0; j < H; j++) {
    const row = j * W;
    const below = j + 1 < H ? row + W : row;
    for (let i = 0; i < W; i++) {
      // where a pixel differs from its right or lower neighbour, blend them: a touch of partial-volume blur
      const p = row + i;
      const l = labels[p];
      const r = i + 1 < W ? labels[p + 1] : l;
      const d = labels[below + i];
      const hu = l === r && l === d ? lut[l] : (2 * lut[l] + lut[r] + lut[d]) >> 2;
      let v = hu + 1024 + ((noise[k++ & mask] * scale) >> 10);
      if (v < 0) v = 0;
      else if (v > 4095) v = 4095;
      out[p] = v;
    }
  }
}

export function generateCt(ctx: GenContext): GeneratedImage[] {
  const { protocol, req } = ctx;
  const slices = req.slices ?? protocol.defaultImages;
  const cfg = setup(protocol, ctx.seedFor('anatomy'));
  const { phantom } = cfg;
  const grid: Grid = { width: MATRIX, height: MATRIX, spacing: phantom.fov / MATRIX };
  // spacing: the protocol's coverage spread over the slices asked for (a single slice sits mid-range)
  const spacing = slices > 1 ? phantom.coverage / (slices - 1) : phantom.coverage;
  // reconstructed thickness: the spacing, within 0.5..10 mm (a sparse stack has gaps, a dense one overlaps)
  const thickness = Math.min(10, Math.max(0.5, Math.round(spacing * 100) / 100));
  const lut = new Int16Array(TISSUE_COUNT);
  for (let i = 0; i < TISSUE_COUNT; i++) {
    const tissue = i as keyof typeof CT_HU;
    lut[i] = (!cfg.contrast ? CT_HU_UNENHANCED[tissue] : undefined) ?? CT_HU[tissue];
  }
  const noise = noiseTable(ctx.seedFor('noise'));
  const rng = new Rng(ctx.seedFor('slices'));
  const labels = new Uint8Array(MATRIX * MATRIX);
  const series = ctx.series(0, `${protocol.label} ${thickness < 10 ? thickness.toFixed(2).replace(/0$/, '') : thickness} mm`);
  const zTop = -40 - (ctx.seedFor('table') % 200); // table position of the first (most superior) slice, mm
  const halfFov = (phantom.fov / MATRIX) * (MATRIX / 2 - 0.5);
  const images: GeneratedImage[] = [];
  const start = ctx.at(0);
  const rotation = 0.5;
  for (let k = 0; k < slices; k++) {
    const t = slices > 1 ? k / (slices - 1) : 0.5;
    const z = zTop - (slices > 1 ? k * spacing : 0);
    const instanceNumber = k + 1;
    const sopInstanceUid = ctx.uid('sop', 0, k);
    const acquired = new Date(start.getTime() + Math.round((k * spacing * rotation * 1000) / 40));
    const elements: Element[] = [
      ...commonElements(ctx, { series, instanceNumber, sopClassUid: CT_IMAGE_STORAGE, sopInstanceUid, acquired, imageType: ['ORIGINAL', 'PRIMARY', 'AXIAL'] }),
      ...attrs({
        // Frame of Reference (C.7.4.1)
        FrameOfReferenceUID: ctx.frameOfReferenceUid,
        PositionReferenceIndicator: '',
        PatientPosition: 'HFS',
        AcquisitionNumber: 1,
        // Image Plane (C.7.6.2): LPS, rows along +x, columns along +y; z falls towards the feet
        PixelSpacing: [ds(grid.spacing), ds(grid.spacing)],
        ImageOrientationPatient: [1, 0, 0, 0, 1, 0].map(String),
        ImagePositionPatient: [ds(-halfFov), ds(-halfFov + 8), ds(z)],
        SliceThickness: ds(thickness),
        SpacingBetweenSlices: slices > 1 ? ds(Math.round(spacing * 1000) / 1000) : undefined,
        SliceLocation: ds(z),
        // Image Pixel / CT Image (C.8.2.1)
        SamplesPerPixel: 1,
        PhotometricInterpretation: 'MONOCHROME2',
        Rows: MATRIX,
        Columns: MATRIX,
        BitsAllocated: 16,
        BitsStored: 12,
        HighBit: 11,
        PixelRepresentation: 0,
        RescaleIntercept: '-1024',
        RescaleSlope: '1',
        RescaleType: 'HU',
        KVP: String(cfg.kvp),
        ScanOptions: 'HELICAL',
        DataCollectionDiameter: '500',
        ReconstructionDiameter: ds(phantom.fov),
        DistanceSourceToDetector: '1085.6',
        DistanceSourceToPatient: '595',
        GantryDetectorTilt: '0',
        TableHeight: '160',
        RotationDirection: 'CW',
        ExposureTime: String(rotation * 1000),
        XRayTubeCurrent: String(cfg.mA),
        Exposure: String(Math.round(cfg.mA * rotation)),
        FilterType: 'BODY',
        GeneratorPower: String(Math.round((cfg.kvp * cfg.mA) / 1000)),
        FocalSpots: '1.2',
        ConvolutionKernel: cfg.kernel,
        RevolutionTime: rotation,
        SingleCollimationWidth: 0.625,
        TotalCollimationWidth: 40,
        TableSpeed: 80,
        TableFeedPerRotation: 40,
        SpiralPitchFactor: 1,
        CTDIvol: cfg.ctdi,
        // Contrast/Bolus (C.7.6.4), present when contrast was used: an iodinated agent given intravenously
        ...(cfg.contrast
          ? {
              ContrastBolusAgent: 'IOHEXOL 350 MGI/ML',
              ContrastBolusRoute: 'IV',
              ContrastBolusVolume: '80',
              ContrastBolusIngredient: 'IODINE',
              ContrastBolusIngredientConcentration: '350',
            }
          : {}),
        // the phantom the CTDIvol refers to (PS3.3 C.8.15.3.8; PS3.16 CID 4052)
        CTDIPhantomTypeCodeSequence: [protocol.id === 'ct-head' ? code('113690', 'DCM', 'IEC Head Dosimetry Phantom') : code('113691', 'DCM', 'IEC Body Dosimetry Phantom')],
        // VOI LUT (C.11.2): presets a viewer offers, in HU (after rescale)
        WindowCenter: cfg.windows.map((w) => String(w.center)),
        WindowWidth: cfg.windows.map((w) => String(w.width)),
        WindowCenterWidthExplanation: cfg.windows.map((w) => w.name),
      }),
    ];
    // Pixel Data as OW, rendered straight into the file: 16-bit words, little endian as in memory (x86, ARM)
    const { file, pixelOffset } = encodePart10WithPixelRoom(elements, { sopClassUid: CT_IMAGE_STORAGE, sopInstanceUid }, 'OW', MATRIX * MATRIX * 2);
    const pixels = new Uint16Array(file.buffer, file.byteOffset + pixelOffset, MATRIX * MATRIX);
    renderCtSlice(phantom, t, grid, labels, lut, noise, rng.int(0, noise.length - 1), cfg.sigma, pixels);
    fixWordOrder(file, pixelOffset, MATRIX * MATRIX * 2);
    images.push({
      sopInstanceUid,
      sopClassUid: CT_IMAGE_STORAGE,
      seriesInstanceUid: series.uid,
      seriesNumber: series.number,
      seriesDescription: series.description,
      instanceNumber,
      bytes: file,
    });
  }
  return images;
}
