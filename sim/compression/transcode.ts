// Transcoding a DICOM image between transfer syntaxes (PS3.5 Section 10, Annex A) with dcmjs-codecs' WebAssembly
// codecs, and measuring what a compression cost. The header is read and written with dcmjs (every attribute,
// private tags included, is kept); pixel data is decoded/encoded frame by frame and encapsulated per PS3.5 A.4
// (Basic Offset Table with one entry per frame, one fragment per frame).
//
// Identity rules (PS3.3 C.7.6.1.1.5 Lossy Image Compression, PS3.5 8.2):
// - a lossless syntax re-encodes exactly the same pixel values, so the object is the same object: the SOP Instance
//   UID is kept (as DCMTK's dcmcjpeg/dcmdjpeg do for lossless and decompression);
// - a lossy encoding produces different pixel values: a new SOP Instance UID, Lossy Image Compression "01",
//   a value appended to Lossy Image Compression Ratio (0028,2112) and Method (0028,2114) for each lossy step,
//   Image Type value 1 DERIVED (C.7.6.1.1.2), Derivation Description and Derivation Code Sequence (C.7.6.1), and
//   Source Image Sequence (0008,2112) pointing at the predecessor with purpose (DCM 121320 "Uncompressed
//   predecessor" or DCM 121330 "Lossy compressed predecessor", CID 7202);
// - once "01", Lossy Image Compression is never reset, not even when the image is decompressed again.
//
// Known limits of dcmjs-codecs 0.0.8, turned into typed errors rather than broken files:
// - JPEG baseline (.50) takes 8-bit samples only (13-bit CT failed in ENVIRONMENT.md): 'bit-depth' error;
// - its HTJ2K encoder (OpenJPH) has one fixed quantisation step for lossy: no target ratio ('bad-option');
// - 32-bit pixel data is only written uncompressed (or RLE); planar (by-plane) colour only for 8-bit.
// dcmjs writes text as UTF-8: a file with another Specific Character Set comes out as ISO_IR 192 with the same
// characters (the values are the same; the bytes of non-ASCII text differ).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import dcmjs from 'dcmjs';
import codecs from 'dcmjs-codecs';
import { buildPart10Header, IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME, newUid, splitPart10 } from '../dicom/part10';
import {
  EXPLICIT_VR_LITTLE_ENDIAN,
  IMPLICIT_VR_LITTLE_ENDIAN,
  transferSyntax,
  transferSyntaxName,
} from '../dicom/transferSyntaxes';

// ------------------------------------------------------------------------------------------------------------
// The codecs this module writes
// ------------------------------------------------------------------------------------------------------------

export const CODEC_IDS = [
  'explicit',
  'implicit',
  'rle',
  'jpeg-lossless',
  'jpeg-ls',
  'jpeg-ls-near',
  'j2k',
  'j2k-lossy',
  'htj2k',
  'htj2k-rpcl',
  'htj2k-lossy',
  'jpeg-baseline',
] as const;
export type CodecId = (typeof CODEC_IDS)[number];

/** Lossy Image Compression Method defined terms (PS3.3 C.7.6.1.1.5.1) */
export type LossyMethod = 'ISO_10918_1' | 'ISO_14495_1' | 'ISO_15444_1' | 'ISO_15444_15';

export interface CodecSpec {
  id: CodecId;
  transferSyntaxUid: string;
  label: string;
  lossy: boolean;
  method?: LossyMethod;
  /** which option tunes the loss: a target ratio, a JPEG quality, or the JPEG-LS NEAR bound */
  control?: 'ratio' | 'quality' | 'near';
  defaults?: { ratio?: number; quality?: number; near?: number };
  cite: string;
}

export const CODECS: readonly CodecSpec[] = [
  { id: 'explicit', transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN, label: 'Explicit VR Little Endian (uncompressed)', lossy: false, cite: 'PS3.5 A.2' },
  { id: 'implicit', transferSyntaxUid: IMPLICIT_VR_LITTLE_ENDIAN, label: 'Implicit VR Little Endian (uncompressed)', lossy: false, cite: 'PS3.5 A.1' },
  { id: 'rle', transferSyntaxUid: '1.2.840.10008.1.2.5', label: 'RLE Lossless', lossy: false, cite: 'PS3.5 A.4.2, Annex G' },
  { id: 'jpeg-lossless', transferSyntaxUid: '1.2.840.10008.1.2.4.70', label: 'JPEG Lossless SV1', lossy: false, cite: 'PS3.5 A.4.1' },
  { id: 'jpeg-ls', transferSyntaxUid: '1.2.840.10008.1.2.4.80', label: 'JPEG-LS lossless', lossy: false, cite: 'PS3.5 A.4.3' },
  { id: 'jpeg-ls-near', transferSyntaxUid: '1.2.840.10008.1.2.4.81', label: 'JPEG-LS near-lossless', lossy: true, method: 'ISO_14495_1', control: 'near', defaults: { near: 2 }, cite: 'PS3.5 A.4.3' },
  { id: 'j2k', transferSyntaxUid: '1.2.840.10008.1.2.4.90', label: 'JPEG 2000 lossless', lossy: false, cite: 'PS3.5 A.4.4' },
  { id: 'j2k-lossy', transferSyntaxUid: '1.2.840.10008.1.2.4.91', label: 'JPEG 2000 lossy', lossy: true, method: 'ISO_15444_1', control: 'ratio', defaults: { ratio: 10 }, cite: 'PS3.5 A.4.4' },
  { id: 'htj2k', transferSyntaxUid: '1.2.840.10008.1.2.4.201', label: 'HTJ2K lossless', lossy: false, cite: 'PS3.5 A.4.11' },
  { id: 'htj2k-rpcl', transferSyntaxUid: '1.2.840.10008.1.2.4.202', label: 'HTJ2K lossless RPCL', lossy: false, cite: 'PS3.5 A.4.11' },
  { id: 'htj2k-lossy', transferSyntaxUid: '1.2.840.10008.1.2.4.203', label: 'HTJ2K lossy (fixed step)', lossy: true, method: 'ISO_15444_15', cite: 'PS3.5 A.4.11' },
  { id: 'jpeg-baseline', transferSyntaxUid: '1.2.840.10008.1.2.4.50', label: 'JPEG baseline (8-bit)', lossy: true, method: 'ISO_10918_1', control: 'quality', defaults: { quality: 85 }, cite: 'PS3.5 A.4.1' },
];

const BY_ID = new Map(CODECS.map((c) => [c.id, c]));
const BY_UID = new Map(CODECS.map((c) => [c.transferSyntaxUid, c]));

/** A codec by its short name or its transfer syntax UID. */
export function codecSpec(idOrUid: string): CodecSpec | undefined {
  return BY_ID.get(idOrUid as CodecId) ?? BY_UID.get(idOrUid);
}

/** Syntaxes read (decoded) here: uncompressed little endian and every encapsulated syntax dcmjs-codecs decodes. */
const DECODABLE = new Set([
  EXPLICIT_VR_LITTLE_ENDIAN,
  IMPLICIT_VR_LITTLE_ENDIAN,
  '1.2.840.10008.1.2.4.50',
  '1.2.840.10008.1.2.4.51',
  '1.2.840.10008.1.2.4.57',
  '1.2.840.10008.1.2.4.70',
  '1.2.840.10008.1.2.4.80',
  '1.2.840.10008.1.2.4.81',
  '1.2.840.10008.1.2.4.90',
  '1.2.840.10008.1.2.4.91',
  '1.2.840.10008.1.2.4.201',
  '1.2.840.10008.1.2.4.202',
  '1.2.840.10008.1.2.4.203',
  '1.2.840.10008.1.2.5',
]);

// ------------------------------------------------------------------------------------------------------------
// Errors
// ------------------------------------------------------------------------------------------------------------

export type TranscodeErrorKind =
  | 'not-dicom'
  | 'no-pixel-data'
  | 'unsupported-source'
  | 'unsupported-target'
  | 'bit-depth'
  | 'photometric'
  | 'bad-option'
  | 'frames'
  | 'codec';

/** Why a transcode was refused or failed, in words a PACS administrator would use. */
export class TranscodeError extends Error {
  constructor(
    readonly kind: TranscodeErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'TranscodeError';
  }
}

// ------------------------------------------------------------------------------------------------------------
// dcmjs / dcmjs-codecs plumbing (both untyped where we use them)
// ------------------------------------------------------------------------------------------------------------

interface Element {
  vr: string;
  Value?: unknown[];
  _rawValue?: unknown;
}
type Dict = Record<string, Element>;
interface DicomDictLike {
  meta: Dict;
  dict: Dict;
  write(opts?: Record<string, unknown>): ArrayBuffer;
}
const dcmjsData = (dcmjs as unknown as {
  data: {
    DicomMessage: { readFile(b: ArrayBuffer, o?: Record<string, unknown>): { meta: Dict; dict: Dict } };
    DicomDict: new (meta: Dict) => DicomDictLike;
  };
  log: { setLevel(l: string): void };
});
{
  const log = (dcmjs as unknown as { log: { setLevel(l: string): void; getLogger(n: string): { setLevel(l: string): void } } }).log;
  log.setLevel('error');
  // "Invalid vr type xs - using US": the ambiguous VRs of an implicit VR file, resolved below (ambiguousVrs)
  log.getLogger('validation.dcmjs').setLevel('silent');
}

/** The Image Pixel module as dcmjs-codecs' Codec classes take it (naturalized keywords). */
interface PixelElements {
  Rows: number;
  Columns: number;
  BitsAllocated: number;
  BitsStored: number;
  HighBit: number;
  PixelRepresentation: number;
  SamplesPerPixel: number;
  PlanarConfiguration?: number;
  PhotometricInterpretation: string;
  NumberOfFrames?: number;
  PixelData: ArrayBuffer[];
  [k: string]: unknown;
}
interface CodecLike {
  encode(el: PixelElements, syntax: string, params?: Record<string, unknown>): PixelElements;
  decode(el: PixelElements, syntax: string, params?: Record<string, unknown>): PixelElements;
}
const Codec = (codecs as unknown as { codecs: { Codec: { getCodec(uid: string): CodecLike } } }).codecs.Codec;

let ready: Promise<void> | undefined;

function wasmPath(): string | undefined {
  const candidates = [join(process.cwd(), 'node_modules', 'dcmjs-codecs', 'build', 'dcmjs-native-codecs.wasm')];
  try {
    candidates.push(join(dirname(createRequire(import.meta.url).resolve('dcmjs-codecs')), 'dcmjs-native-codecs.wasm'));
  } catch {
    // bundled: fall back to the working directory
  }
  return candidates.find((p) => existsSync(p));
}

/** dcmjs-codecs' WebAssembly codecs, loaded once per process. */
export function codecsReady(): Promise<void> {
  if (codecs.NativeCodecs.isInitialized()) return Promise.resolve();
  ready ??= codecs.NativeCodecs.initializeAsync({ webAssemblyModulePathOrUrl: wasmPath() }).catch((e: unknown) => {
    ready = undefined;
    throw e;
  });
  return ready;
}

function arrayBufferOf(b: Uint8Array): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

function str(dict: Dict, tag: string): string | undefined {
  const v = dict[tag]?.Value?.[0];
  return v === undefined || v === null ? undefined : String(v).trim();
}

function num(dict: Dict, tag: string): number | undefined {
  const v = dict[tag]?.Value?.[0];
  const n = Number(v);
  return v === undefined || v === null || v === '' || !Number.isFinite(n) ? undefined : n;
}

function strings(dict: Dict, tag: string): string[] {
  return (dict[tag]?.Value ?? []).map((v) => String(v ?? '').trim());
}

function set(dict: Dict, tag: string, vr: string, values: unknown[]): void {
  dict[tag] = { vr, Value: values };
}

// ------------------------------------------------------------------------------------------------------------
// Reading
// ------------------------------------------------------------------------------------------------------------

interface Parsed {
  meta: Dict;
  dict: Dict;
  transferSyntaxUid: string;
  /** the input was a bare data set (no Part 10 header) */
  bare: boolean;
}

function parse(input: Uint8Array, sourceTransferSyntaxUid?: string): Parsed {
  let file = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const parts = splitPart10(file);
  const bare = parts.datasetOffset === 0;
  if (bare) {
    if (!sourceTransferSyntaxUid) {
      throw new TranscodeError('not-dicom', 'This is not a DICOM Part 10 file (no "DICM" after the 128-byte preamble); a bare data set needs its transfer syntax UID.');
    }
    file = Buffer.concat([buildPart10Header({ mediaStorageSopClassUid: '', mediaStorageSopInstanceUid: '', transferSyntaxUid: sourceTransferSyntaxUid }), file]);
  }
  let r: { meta: Dict; dict: Dict };
  try {
    r = dcmjsData.data.DicomMessage.readFile(arrayBufferOf(file), { ignoreErrors: true });
  } catch (e) {
    throw new TranscodeError('not-dicom', `The file could not be read as DICOM: ${(e as Error).message}`);
  }
  const ts = str(r.meta, '00020010') ?? sourceTransferSyntaxUid ?? '';
  if (ts === IMPLICIT_VR_LITTLE_ENDIAN) ambiguousVrs(r.dict);
  if (bare) {
    set(r.meta, '00020002', 'UI', [str(r.dict, '00080016') ?? '']);
    set(r.meta, '00020003', 'UI', [str(r.dict, '00080018') ?? '']);
  }
  return { meta: r.meta, dict: r.dict, transferSyntaxUid: ts, bare };
}

/** Pixel-value attributes whose VR is "US or SS" (PS3.6): dcmjs reads them from implicit VR as US. */
const US_OR_SS = ['00280106', '00280107', '00280108', '00280109', '00280120'];

/** In an implicit VR file these take their VR from Pixel Representation (PS3.5 Annex A.1, PS3.6 note on xs). */
function ambiguousVrs(dict: Dict): void {
  if (num(dict, '00280103') !== 1) return;
  for (const tag of US_OR_SS) {
    const e = dict[tag];
    if (!e || e.vr !== 'US') continue;
    dict[tag] = { vr: 'SS', Value: (e.Value ?? []).map((v) => (Number(v) >= 0x8000 ? Number(v) - 0x10000 : Number(v))) };
  }
}

/** The Image Pixel module of a data set, checked (PS3.3 C.7.6.3). */
export interface PixelModule {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  pixelRepresentation: number;
  planarConfiguration: number;
  photometricInterpretation: string;
  numberOfFrames: number;
}

function pixelModule(dict: Dict): PixelModule {
  const rows = num(dict, '00280010');
  const columns = num(dict, '00280011');
  if (!rows || !columns || !dict['7FE00010']) throw new TranscodeError('no-pixel-data', 'This object has no Pixel Data (7FE0,0010) with Rows and Columns: it is not an image, so there is nothing to compress.');
  const bitsAllocated = num(dict, '00280100') ?? 16;
  const bitsStored = num(dict, '00280101') ?? bitsAllocated;
  return {
    rows,
    columns,
    samplesPerPixel: num(dict, '00280002') ?? 1,
    bitsAllocated,
    bitsStored,
    highBit: num(dict, '00280102') ?? bitsStored - 1,
    pixelRepresentation: num(dict, '00280103') ?? 0,
    planarConfiguration: num(dict, '00280006') ?? 0,
    photometricInterpretation: str(dict, '00280004') ?? 'MONOCHROME2',
    numberOfFrames: Math.max(1, num(dict, '00280008') ?? 1),
  };
}

function nativeFrameLength(p: PixelModule): number {
  // YBR_FULL_422 / YBR_PARTIAL_422 native data hold two samples per pixel on average (PS3.3 C.7.6.3.1.2)
  const samples = p.samplesPerPixel === 3 && p.photometricInterpretation.endsWith('_422') ? 2 : p.samplesPerPixel;
  return Math.ceil((p.rows * p.columns * samples * p.bitsAllocated) / 8);
}

function toElements(p: PixelModule, pixelData: ArrayBuffer[]): PixelElements {
  return {
    Rows: p.rows,
    Columns: p.columns,
    BitsAllocated: p.bitsAllocated,
    BitsStored: p.bitsStored,
    HighBit: p.highBit,
    PixelRepresentation: p.pixelRepresentation,
    SamplesPerPixel: p.samplesPerPixel,
    PlanarConfiguration: p.planarConfiguration,
    PhotometricInterpretation: p.photometricInterpretation,
    NumberOfFrames: p.numberOfFrames,
    PixelData: pixelData,
  };
}

/** The encapsulated frames as dcmjs split them, one buffer per frame (PS3.5 A.4). */
function encapsulatedFrames(dict: Dict, p: PixelModule): ArrayBuffer[] {
  const values = (dict['7FE00010'].Value ?? []) as ArrayBuffer[];
  if (values.length === p.numberOfFrames) return values;
  if (p.numberOfFrames === 1 && values.length > 1) return [arrayBufferOf(Buffer.concat(values.map((v) => Buffer.from(v))))];
  throw new TranscodeError('frames', `The encapsulated pixel data has ${values.length} fragments for ${p.numberOfFrames} frames and no Basic Offset Table to tell them apart (PS3.5 A.4): the frames cannot be located.`);
}

/** Native pixel data of every frame, little endian, as one buffer (decoding a compressed source). */
interface Native {
  p: PixelModule;
  data: ArrayBuffer;
}

function nativePixels(parsed: Parsed): Native {
  const { dict, transferSyntaxUid: ts } = parsed;
  const p = pixelModule(dict);
  if (!DECODABLE.has(ts)) {
    throw new TranscodeError('unsupported-source', `The pixel data is stored as ${transferSyntaxName(ts)} (${ts || 'no transfer syntax'}), which this transcoder cannot read (it reads uncompressed little endian, RLE, JPEG, JPEG-LS, JPEG 2000 and HTJ2K).`);
  }
  if (!transferSyntax(ts)?.encapsulated) {
    const values = (dict['7FE00010'].Value ?? []) as ArrayBuffer[];
    const all = values.length === 1 ? values[0] : arrayBufferOf(Buffer.concat(values.map((v) => Buffer.from(v))));
    const need = nativeFrameLength(p) * p.numberOfFrames;
    if (all.byteLength < need) throw new TranscodeError('frames', `The pixel data holds ${all.byteLength} bytes but ${p.numberOfFrames} frame(s) of ${p.rows}×${p.columns}×${p.samplesPerPixel} at ${p.bitsAllocated} bits need ${need}.`);
    return { p, data: all.byteLength === need ? all : all.slice(0, need) };
  }
  const frames = encapsulatedFrames(dict, p);
  let out: PixelElements;
  try {
    // JPEG processes 2/4 (.51) and 14 (.57) decode with the same libjpeg path as SV1 (.70); dcmjs-codecs' Codec
    // table lists only the syntaxes it also encodes
    const decoder = ts === '1.2.840.10008.1.2.4.51' || ts === '1.2.840.10008.1.2.4.57' ? '1.2.840.10008.1.2.4.70' : ts;
    out = Codec.getCodec(decoder).decode(toElements(p, frames), decoder, {});
  } catch (e) {
    throw new TranscodeError('codec', `Decoding the ${transferSyntaxName(ts)} pixel data failed: ${(e as Error).message}`);
  }
  const data = out.PixelData[0];
  const decodedP = { ...p, photometricInterpretation: String(out.PhotometricInterpretation ?? p.photometricInterpretation), planarConfiguration: Number(out.PlanarConfiguration ?? 0) };
  const need = nativeFrameLength(decodedP) * p.numberOfFrames;
  if (!data || data.byteLength < need) throw new TranscodeError('codec', `Decoding the ${transferSyntaxName(ts)} pixel data gave ${data?.byteLength ?? 0} bytes, not the ${need} expected.`);
  const pixels = data.byteLength === need ? data : data.slice(0, need);
  clampToBitsStored(decodedP, pixels);
  return { p: decodedP, data: pixels };
}

/**
 * Measured: dcmjs-codecs' JPEG-LS and HTJ2K encoders code 12-bit-in-16 data at 16-bit precision (JPEG-LS P=16),
 * so a lossy stream can decode to values just past 2^BitsStored − 1 (4097 for an original 4095). Read through
 * Bits Stored such a sample would wrap to black (PS3.5 8.1.1: the bits above High Bit are not pixel data), so a
 * decoded sample outside the Bits Stored range is clamped to it. Lossless streams never contain one.
 */
function clampToBitsStored(p: PixelModule, data: ArrayBuffer): void {
  if (p.bitsAllocated !== 16 || p.bitsStored >= 16) return;
  const v = new Uint16Array(data, 0, data.byteLength >> 1);
  if (p.pixelRepresentation === 1) {
    const min = -(2 ** (p.bitsStored - 1));
    const max = 2 ** (p.bitsStored - 1) - 1;
    const s = new Int16Array(data, 0, data.byteLength >> 1);
    for (let i = 0; i < s.length; i++) if (s[i] > max) s[i] = max; else if (s[i] < min) s[i] = min;
    return;
  }
  const max = 2 ** p.bitsStored - 1;
  // above the range: overshoot (clamp to max); in the top half of 16 bits: undershoot below 0 (clamp to 0)
  for (let i = 0; i < v.length; i++) if (v[i] > max) v[i] = v[i] >= 0x8000 ? 0 : max;
}

// ------------------------------------------------------------------------------------------------------------
// Transcoding
// ------------------------------------------------------------------------------------------------------------

export interface TranscodeOptions {
  /** target compression ratio (uncompressed pixel bytes / compressed), for JPEG 2000 lossy */
  ratio?: number;
  /** JPEG baseline quality 1–100 */
  quality?: number;
  /** JPEG-LS NEAR: the largest allowed error per sample */
  near?: number;
  /** the transfer syntax of a bare data set (input without a Part 10 header) */
  sourceTransferSyntaxUid?: string;
}

export interface TranscodeResult {
  /** the new Part 10 file */
  bytes: Buffer;
  /** the data set alone (after the File Meta Information), in the new transfer syntax */
  dataset: Buffer;
  codec: CodecSpec;
  sourceTransferSyntaxUid: string;
  transferSyntaxUid: string;
  sopInstanceUid: string;
  sourceSopInstanceUid: string;
  /** this step discarded information (new UID and lossy attributes) */
  lossy: boolean;
  /** the image was already lossy before (Lossy Image Compression "01" kept) */
  previouslyLossy: boolean;
  frames: number;
  /** pixel data sizes: native (rows × columns × samples × bits allocated × frames) and as written */
  nativePixelBytes: number;
  storedPixelBytes: number;
  /** nativePixelBytes / storedPixelBytes */
  ratio: number;
  ms: number;
}

function checkOptions(spec: CodecSpec, o: TranscodeOptions): void {
  const given = (['ratio', 'quality', 'near'] as const).filter((k) => o[k] !== undefined);
  for (const k of given) {
    if (spec.control !== k) {
      const what = spec.control ? `takes --${spec.control} only` : spec.id === 'htj2k-lossy' ? 'has a single fixed quantisation step in this encoder (OpenJPH through dcmjs-codecs): no ratio or quality can be set' : 'is lossless: nothing to tune';
      throw new TranscodeError('bad-option', `--${k} does not apply to ${spec.label}: it ${what}.`);
    }
  }
  if (o.ratio !== undefined && !(Number.isFinite(o.ratio) && o.ratio >= 1 && o.ratio <= 1000)) throw new TranscodeError('bad-option', `A target ratio is a number from 1 to 1000 (e.g. 10 for 10:1), not ${o.ratio}.`);
  if (o.quality !== undefined && !(Number.isInteger(o.quality) && o.quality >= 1 && o.quality <= 100)) throw new TranscodeError('bad-option', `JPEG quality is a whole number from 1 to 100, not ${o.quality}.`);
  if (o.near !== undefined && !(Number.isInteger(o.near) && o.near >= 1 && o.near <= 255)) throw new TranscodeError('bad-option', `JPEG-LS NEAR is a whole number from 1 to 255 (the largest error allowed per sample; 0 would be lossless: use jpeg-ls), not ${o.near}.`);
}

function checkTarget(spec: CodecSpec, p: PixelModule): void {
  const encapsulated = transferSyntax(spec.transferSyntaxUid)?.encapsulated ?? false;
  if (!encapsulated) return;
  if (spec.id === 'jpeg-baseline' && (p.bitsAllocated !== 8 || p.bitsStored !== 8)) {
    throw new TranscodeError('bit-depth', `JPEG baseline needs 8-bit samples; this image has ${p.bitsStored} bits stored in ${p.bitsAllocated} (use j2k-lossy or jpeg-ls-near for ${p.bitsStored}-bit data, PS3.5 8.2.1).`);
  }
  if (p.bitsAllocated === 1) throw new TranscodeError('bit-depth', '1-bit (bitmap) pixel data is kept uncompressed here: none of these codecs takes it.');
  if (p.bitsAllocated > 16 && spec.id !== 'rle') throw new TranscodeError('bit-depth', `${spec.label} takes at most 16 bits per sample; this image allocates ${p.bitsAllocated} (use rle or an uncompressed syntax).`);
  if (p.bitsAllocated > 8 && p.samplesPerPixel > 1 && p.planarConfiguration === 1) throw new TranscodeError('photometric', `Colour-by-plane (Planar Configuration 1) ${p.bitsAllocated}-bit data cannot be re-interleaved by this encoder.`);
  if (isJ2k(spec) && p.samplesPerPixel > 1 && p.bitsAllocated > 8) {
    // measured: dcmjs-codecs 0.0.8 writes 16-bit colour JPEG 2000 / HTJ2K with wrong samples (checked with GDCM)
    throw new TranscodeError('bit-depth', `${spec.label} of ${p.bitsStored}-bit colour is not reliable with this encoder (dcmjs-codecs 0.0.8 corrupts it): use jpeg-ls or rle for 16-bit RGB.`);
  }
  const pi = p.photometricInterpretation;
  if (['YBR_PARTIAL_420', 'YBR_PARTIAL_422', 'YBR_ICT', 'YBR_RCT'].includes(pi)) throw new TranscodeError('photometric', `Photometric Interpretation ${pi} cannot be the input of ${spec.label}.`);
  if (!spec.lossy && pi.startsWith('YBR_FULL')) {
    // the encoders convert YBR_FULL(_422) to RGB first, which rounds: a "lossless" result would not be bit-exact
    throw new TranscodeError('photometric', `Photometric Interpretation ${pi} would be converted to RGB with rounding before ${spec.label}: the result would not be lossless. Decompress to explicit first.`);
  }
  if (pi === 'PALETTE COLOR' && spec.lossy) throw new TranscodeError('photometric', 'PALETTE COLOR indices must never be compressed lossily (every error picks another colour).');
}

function isJ2k(spec: CodecSpec): boolean {
  return /^1\.2\.840\.10008\.1\.2\.4\.(9[01]|20[123])$/.test(spec.transferSyntaxUid);
}

function ds(n: number): string {
  // DS is at most 16 characters (PS3.5 6.2)
  return String(Number(n.toPrecision(6)));
}

/** The lossy-compression attributes of PS3.3 C.7.6.1.1.5 and the derivation of C.7.6.1. */
function markLossy(dict: Dict, meta: Dict, spec: CodecSpec, ratio: number, predecessor: { sopClassUid: string; sopInstanceUid: string; wasLossy: boolean }): string {
  set(dict, '00282110', 'CS', ['01']);
  // one value per lossy step, appended (C.7.6.1.1.5.1/.2); keep the two lists aligned
  const ratios = strings(dict, '00282112');
  const methods = strings(dict, '00282114');
  while (methods.length < ratios.length) methods.push('');
  while (ratios.length < methods.length) ratios.push('');
  set(dict, '00282112', 'DS', [...ratios, ds(ratio)]);
  set(dict, '00282114', 'CS', [...methods, spec.method!]);
  // Image Type value 1 DERIVED (C.7.6.1.1.2); value 2 unchanged
  const type = strings(dict, '00080008');
  set(dict, '00080008', 'CS', type.length ? ['DERIVED', ...type.slice(1)] : ['DERIVED', 'PRIMARY']);
  // Derivation (C.7.6.1): description and code (DCM 113040 "Lossy Compression", CID 7203)
  const description = `Lossy compression: ${spec.label} (${spec.method}), ratio ${ds(ratio)}:1`;
  const prior = str(dict, '00082111');
  set(dict, '00082111', 'ST', [(prior ? `${prior}; ${description}` : description).slice(0, 1024)]);
  const derivationCodes = ((dict['00089215']?.Value ?? []) as Dict[]).filter((i) => str(i, '00080100') !== '113040');
  set(dict, '00089215', 'SQ', [...derivationCodes, code('113040', 'DCM', 'Lossy Compression')]);
  // Source Image Sequence (C.7.6.1.1.4 via C.7.6.1): the predecessor and why (CID 7202)
  const purpose = predecessor.wasLossy ? code('121330', 'DCM', 'Lossy compressed predecessor') : code('121320', 'DCM', 'Uncompressed predecessor');
  const sources = ((dict['00082112']?.Value ?? []) as Dict[]).filter((i) => str(i, '00081155') !== predecessor.sopInstanceUid);
  set(dict, '00082112', 'SQ', [
    ...sources,
    {
      '00081150': { vr: 'UI', Value: [predecessor.sopClassUid] },
      '00081155': { vr: 'UI', Value: [predecessor.sopInstanceUid] },
      '0040A170': { vr: 'SQ', Value: [purpose] },
    },
  ]);
  // a new object: new SOP Instance UID (C.7.6.1.1.5), in the data set and the file meta
  const uid = newUid();
  set(dict, '00080018', 'UI', [uid]);
  set(meta, '00020003', 'UI', [uid]);
  return uid;
}

function code(value: string, scheme: string, meaning: string): Dict {
  return { '00080100': { vr: 'SH', Value: [value] }, '00080102': { vr: 'SH', Value: [scheme] }, '00080104': { vr: 'LO', Value: [meaning] } };
}

/**
 * Transcodes a Part 10 file (or a bare data set with `sourceTransferSyntaxUid`) to the codec named by `to`
 * (a CodecId such as 'jpeg-ls', or a transfer syntax UID). Throws TranscodeError for what cannot be done.
 */
export async function transcode(input: Uint8Array, to: CodecId | string, options: TranscodeOptions = {}): Promise<TranscodeResult> {
  const started = performance.now();
  const spec = codecSpec(to);
  if (!spec) throw new TranscodeError('unsupported-target', `Unknown target "${to}": choose one of ${CODEC_IDS.join(', ')} (or their transfer syntax UIDs).`);
  checkOptions(spec, options);
  const parsed = parse(input, options.sourceTransferSyntaxUid);
  const { dict, meta } = parsed;
  const source = parsed.transferSyntaxUid;
  if (transferSyntax(source)?.deflated || transferSyntax(source)?.littleEndian === false) {
    throw new TranscodeError('unsupported-source', `The file is ${transferSyntaxName(source)}; this transcoder reads little endian, not deflated, data sets.`);
  }
  const sourceSopInstanceUid = str(dict, '00080018') ?? '';
  const sopClassUid = str(dict, '00080016') ?? '';
  const previouslyLossy = str(dict, '00282110') === '01' || (transferSyntax(source)?.lossy ?? false);
  pixelModule(dict); // no pixel data: refuse before loading codecs
  if (transferSyntax(source)?.encapsulated || transferSyntax(spec.transferSyntaxUid)?.encapsulated) await codecsReady();

  const native = nativePixels(parsed);
  const p = native.p;
  checkTarget(spec, p);
  const nativeBytes = nativeFrameLength(p) * p.numberOfFrames;
  let pixelValue: ArrayBuffer[];
  let pixelVr: string;
  let outP = p;
  let stored: number;
  const targetEncapsulated = transferSyntax(spec.transferSyntaxUid)?.encapsulated ?? false;
  if (!targetEncapsulated) {
    pixelValue = [native.data];
    pixelVr = p.bitsAllocated > 8 ? 'OW' : 'OB';
    stored = native.data.byteLength;
  } else {
    const params: Record<string, unknown> = {};
    if (spec.id === 'j2k-lossy') {
      // OpenJPEG's tcp_rates[0]: a ratio to the native size as dcmjs-codecs passes it (bits allocated), i.e. our
      // ratio; it is a ceiling on the size, so an easy image may compress further
      params.rate = options.ratio ?? spec.defaults!.ratio!;
    }
    // JPEG 2000 colour uses the reversible/irreversible component transform; saying so sets Photometric
    // Interpretation YBR_RCT / YBR_ICT as PS3.5 8.2.4 requires (dcmjs-codecs applies it either way)
    if (isJ2k(spec)) params.allowMct = true;
    if (spec.id === 'jpeg-ls-near') params.allowedLossyError = options.near ?? spec.defaults!.near!;
    if (spec.id === 'jpeg-baseline') {
      params.quality = options.quality ?? spec.defaults!.quality!;
      params.sampleFactor = codecs.constants.JpegSampleFactor.Sf422;
    }
    let out: PixelElements;
    try {
      out = Codec.getCodec(spec.transferSyntaxUid).encode(toElements(p, [native.data.slice(0)]), EXPLICIT_VR_LITTLE_ENDIAN, params);
    } catch (e) {
      throw new TranscodeError('codec', `Encoding to ${spec.label} failed: ${(e as Error).message}`);
    }
    if (out.PixelData.length !== p.numberOfFrames) throw new TranscodeError('codec', `The ${spec.label} encoder returned ${out.PixelData.length} frames for ${p.numberOfFrames}.`);
    pixelValue = out.PixelData;
    pixelVr = 'OB';
    stored = pixelValue.reduce((a, b) => a + b.byteLength, 0);
    let photometric = String(out.PhotometricInterpretation ?? p.photometricInterpretation);
    // lossless JPEG (process 14) codes the samples as given: the colour space is unchanged (PS3.5 8.2.1);
    // dcmjs-codecs labels RGB as YBR_FULL_422 for every JPEG process, which is right only for baseline
    if (spec.id === 'jpeg-lossless') photometric = p.photometricInterpretation;
    // baseline colour is coded as YCbCr with 4:2:2 chroma subsampling: YBR_FULL_422 (PS3.5 8.2.1), the value
    // the colour IODs (e.g. SC) accept
    if (spec.id === 'jpeg-baseline' && p.samplesPerPixel === 3) photometric = 'YBR_FULL_422';
    outP = { ...p, photometricInterpretation: photometric, planarConfiguration: Number(out.PlanarConfiguration ?? p.planarConfiguration) };
  }

  // Image Pixel module as written
  set(dict, '00280004', 'CS', [outP.photometricInterpretation]);
  if (outP.samplesPerPixel > 1) set(dict, '00280006', 'US', [outP.planarConfiguration]);
  dict['7FE00010'] = { vr: pixelVr, Value: pixelValue };
  // offsets and lengths that no longer match what is written
  for (const tag of Object.keys(dict)) {
    if (tag.endsWith('0000') || tag === '7FE00001' || tag === '7FE00002' || tag === '7FE00003' || tag === 'FFFCFFFC') delete dict[tag];
  }

  const ratio = nativeBytes / stored;
  let sopInstanceUid = sourceSopInstanceUid;
  if (spec.lossy) {
    sopInstanceUid = markLossy(dict, meta, spec, ratio, { sopClassUid, sopInstanceUid: sourceSopInstanceUid, wasLossy: previouslyLossy });
  } else if (previouslyLossy) {
    // decompressing or re-encoding a lossy image losslessly: it stays lossy (C.7.6.1.1.5: never reset)
    set(dict, '00282110', 'CS', ['01']);
  }

  set(meta, '00020010', 'UI', [spec.transferSyntaxUid]);
  set(meta, '00020012', 'UI', [IMPLEMENTATION_CLASS_UID]);
  set(meta, '00020013', 'SH', [IMPLEMENTATION_VERSION_NAME]);
  if (!meta['00020001']) meta['00020001'] = { vr: 'OB', Value: [new Uint8Array([0, 1]).buffer] };
  delete meta['00020000'];
  const dicomDict = new dcmjsData.data.DicomDict(meta);
  dicomDict.dict = dict;
  let bytes: Buffer;
  try {
    bytes = Buffer.from(dicomDict.write({ fragmentMultiframe: false }));
  } catch (e) {
    throw new TranscodeError('codec', `Writing the ${spec.label} file failed: ${(e as Error).message}`);
  }
  return {
    bytes,
    dataset: bytes.subarray(splitPart10(bytes).datasetOffset),
    codec: spec,
    sourceTransferSyntaxUid: source,
    transferSyntaxUid: spec.transferSyntaxUid,
    sopInstanceUid,
    sourceSopInstanceUid,
    lossy: spec.lossy,
    previouslyLossy,
    frames: p.numberOfFrames,
    nativePixelBytes: nativeBytes,
    storedPixelBytes: stored,
    ratio,
    ms: performance.now() - started,
  };
}

// ------------------------------------------------------------------------------------------------------------
// Decoding for display and measurement
// ------------------------------------------------------------------------------------------------------------

export interface DecodedImage {
  pixel: PixelModule;
  transferSyntaxUid: string;
  /** every frame, native little endian, interleaved samples (colour as RGB when decoded from YBR) */
  data: Buffer;
  /** the pixel data as stored in the file (compressed size for an encapsulated syntax) */
  storedPixelBytes: number;
  fileBytes: number;
  /** Rescale Slope / Intercept (1 / 0 when absent) */
  rescaleSlope: number;
  rescaleIntercept: number;
}

/** Decodes a Part 10 file's pixel data (every frame) to native samples. */
export async function decodeImage(file: Uint8Array): Promise<DecodedImage> {
  const parsed = parse(file);
  const ts = parsed.transferSyntaxUid;
  if (transferSyntax(ts)?.deflated || transferSyntax(ts)?.littleEndian === false) {
    throw new TranscodeError('unsupported-source', `The file is ${transferSyntaxName(ts)}; this decoder reads little endian, not deflated, data sets.`);
  }
  if (transferSyntax(ts)?.encapsulated) await codecsReady();
  const p0 = pixelModule(parsed.dict);
  const storedPixelBytes = transferSyntax(ts)?.encapsulated
    ? encapsulatedFrames(parsed.dict, p0).reduce((a, b) => a + b.byteLength, 0)
    : nativeFrameLength(p0) * p0.numberOfFrames;
  const n = nativePixels(parsed);
  return {
    pixel: n.p,
    transferSyntaxUid: ts,
    data: Buffer.from(n.data),
    storedPixelBytes,
    fileBytes: file.byteLength,
    rescaleSlope: num(parsed.dict, '00281053') ?? 1,
    rescaleIntercept: num(parsed.dict, '00281052') ?? 0,
  };
}

/** Sample values (masked to Bits Stored, sign-extended when signed), interleaved, every frame. */
export function sampleValues(img: DecodedImage): Int32Array {
  const { bitsAllocated: ba, bitsStored: bs, pixelRepresentation: pr, samplesPerPixel: spp, rows, columns, numberOfFrames, planarConfiguration } = img.pixel;
  const count = rows * columns * spp * numberOfFrames;
  const out = new Int32Array(count);
  const d = img.data;
  const mask = bs >= 32 ? 0xffffffff : 2 ** bs - 1;
  const read = (i: number): number => {
    let v = ba === 8 ? d[i] : ba === 16 ? d.readUInt16LE(i * 2) : ba === 32 ? d.readUInt32LE(i * 4) : NaN;
    if (Number.isNaN(v)) throw new TranscodeError('bit-depth', `Measuring ${ba}-bit pixel data is not supported.`);
    v = bs >= 32 ? v : v & mask;
    if (pr === 1 && bs < 32 && v >= 2 ** (bs - 1)) v -= 2 ** bs;
    if (pr === 1 && bs >= 32) v = v | 0;
    return v;
  };
  if (spp > 1 && planarConfiguration === 1) {
    // colour-by-plane → interleaved, frame by frame
    const plane = rows * columns;
    for (let f = 0; f < numberOfFrames; f++) {
      const base = f * plane * spp;
      for (let i = 0; i < plane; i++) for (let s = 0; s < spp; s++) out[base + i * spp + s] = read(base + s * plane + i);
    }
  } else {
    for (let i = 0; i < count; i++) out[i] = read(i);
  }
  return out;
}

function rescaled(img: DecodedImage): Float64Array {
  const v = sampleValues(img);
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] * img.rescaleSlope + img.rescaleIntercept;
  return out;
}

export interface ImageComparison {
  maxAbsError: number;
  meanAbsError: number;
  /** peak signal-to-noise ratio in dB, peak = 2^BitsStored − 1; Infinity when identical */
  psnr: number;
  /** native pixel bytes / pixel bytes as stored in `decoded`'s file */
  ratio: number;
  /** file sizes */
  bytesIn: number;
  bytesOut: number;
}

/**
 * Measures what a compression cost: `original` and `decoded` are Part 10 files (the second typically the
 * compressed result) or already-decoded images. Both are decoded and compared sample by sample.
 */
export async function compareImages(
  original: Uint8Array | DecodedImage,
  decoded: Uint8Array | DecodedImage,
  options: { space?: 'stored' | 'modality' } = {},
): Promise<ImageComparison> {
  const a = original instanceof Uint8Array ? await decodeImage(original) : original;
  const b = decoded instanceof Uint8Array ? await decodeImage(decoded) : decoded;
  const pa = a.pixel;
  const pb = b.pixel;
  if (pa.rows !== pb.rows || pa.columns !== pb.columns || pa.samplesPerPixel !== pb.samplesPerPixel || pa.numberOfFrames !== pb.numberOfFrames) {
    throw new TranscodeError('frames', `The images differ in size (${pa.rows}×${pa.columns}×${pa.samplesPerPixel}, ${pa.numberOfFrames} frame(s) vs ${pb.rows}×${pb.columns}×${pb.samplesPerPixel}, ${pb.numberOfFrames}): they cannot be compared.`);
  }
  const colour = (pi: string) => (pi.startsWith('YBR') ? 'YBR' : pi);
  if (pa.samplesPerPixel > 1 && colour(pa.photometricInterpretation) !== colour(pb.photometricInterpretation)) {
    throw new TranscodeError('photometric', `The images are in different colour spaces (${pa.photometricInterpretation} vs ${pb.photometricInterpretation}): decompress both to RGB to compare.`);
  }
  // 'modality': through each file's Rescale Slope/Intercept (PS3.3 C.11.1), for encoders that rescale the stored
  // values (DCMTK's lossy JPEG moves a CT's intercept); 'stored' (default): the sample values themselves
  const modality = options.space === 'modality';
  const va = modality ? rescaled(a) : sampleValues(a);
  const vb = modality ? rescaled(b) : sampleValues(b);
  let max = 0;
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < va.length; i++) {
    const e = Math.abs(va[i] - vb[i]);
    if (e > max) max = e;
    sum += e;
    sq += e * e;
  }
  const mse = sq / va.length;
  const peak = 2 ** Math.min(pa.bitsStored, 31) - 1;
  const nativeBytes = nativeFrameLength(pb) * pb.numberOfFrames;
  return {
    maxAbsError: max,
    meanAbsError: sum / va.length,
    psnr: mse === 0 ? Infinity : 10 * Math.log10((peak * peak) / mse),
    ratio: nativeBytes / b.storedPixelBytes,
    bytesIn: a.fileBytes,
    bytesOut: b.fileBytes,
  };
}
