// Reading a stored instance for WADO-RS: its header as dcmjs's dict, its frames as stored (native bytes, or the
// compressed bitstream of an encapsulated frame, PS3.5 A.4), and a frame decoded to native pixels with
// dcmjs-codecs' WebAssembly codecs when the stored syntax is compressed. The stored file itself is never changed.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import dcmjs, { type DcmjsDict } from 'dcmjs';
import codecs from 'dcmjs-codecs';
import { splitPart10 } from '@/sim/dicom/part10';
import { transferSyntax, transferSyntaxName } from '@/sim/dicom/transferSyntaxes';
import { DicomWebError } from './dicomWebError';

dcmjs.log.setLevel('error');

export interface ReadInstance {
  dict: DcmjsDict;
  transferSyntaxUid: string;
}

function arrayBufferOf(b: Buffer): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer;
}

/** The data set without Pixel Data (metadata): dcmjs stops reading at (7FE0,0010). */
export function readHeader(file: Buffer): ReadInstance {
  const r = dcmjs.data.DicomMessage.readFile(arrayBufferOf(file), { untilTag: '7FE00010', includeUntilTagValue: false, ignoreErrors: true });
  return { dict: r.dict, transferSyntaxUid: String(r.meta['00020010']?.Value?.[0] ?? splitPart10(file).transferSyntaxUid ?? '') };
}

/** The whole data set, pixel data included (frames, rendering, bulk data). */
export function readWhole(file: Buffer): ReadInstance {
  const r = dcmjs.data.DicomMessage.readFile(arrayBufferOf(file), { ignoreErrors: true });
  return { dict: r.dict, transferSyntaxUid: String(r.meta['00020010']?.Value?.[0] ?? '') };
}

function num(dict: DcmjsDict, tag: string, fallback?: number): number | undefined {
  const v = dict[tag]?.Value?.[0];
  const n = typeof v === 'number' ? v : Number(v);
  return v === undefined || v === null || v === '' || !Number.isFinite(n) ? fallback : n;
}

function nums(dict: DcmjsDict, tag: string): number[] {
  return (dict[tag]?.Value ?? []).map((v) => Number(v)).filter((n) => Number.isFinite(n));
}

export interface PixelInfo {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: number;
  planarConfiguration: number;
  photometric: string;
  numberOfFrames: number;
  rescaleSlope: number;
  rescaleIntercept: number;
  windowCenter?: number;
  windowWidth?: number;
}

/** The Image Pixel module (PS3.3 C.7.6.3) and the VOI/rescale values the renderer needs. */
export function pixelInfo(dict: DcmjsDict): PixelInfo {
  const rows = num(dict, '00280010');
  const columns = num(dict, '00280011');
  if (!rows || !columns || !dict['7FE00010']) throw new DicomWebError(404, 'This instance has no pixel data (it is not an image).');
  const bitsAllocated = num(dict, '00280100', 16)!;
  const wc = nums(dict, '00281050');
  const ww = nums(dict, '00281051');
  return {
    rows,
    columns,
    samplesPerPixel: num(dict, '00280002', 1)!,
    bitsAllocated,
    bitsStored: num(dict, '00280101', bitsAllocated)!,
    pixelRepresentation: num(dict, '00280103', 0)!,
    planarConfiguration: num(dict, '00280006', 0)!,
    photometric: String(dict['00280004']?.Value?.[0] ?? 'MONOCHROME2').trim(),
    numberOfFrames: Math.max(1, num(dict, '00280008', 1)!),
    rescaleSlope: num(dict, '00281053', 1)!,
    rescaleIntercept: num(dict, '00281052', 0)!,
    windowCenter: wc[0],
    windowWidth: ww[0] && ww[0] > 0 ? ww[0] : undefined,
  };
}

export function frameLength(p: PixelInfo): number {
  return Math.ceil((p.rows * p.columns * p.samplesPerPixel * p.bitsAllocated) / 8);
}

export function isEncapsulated(transferSyntaxUid: string): boolean {
  return transferSyntax(transferSyntaxUid)?.encapsulated ?? false;
}

/**
 * Frame `n` (1-based) as stored: for a native syntax the frame's bytes in little endian order (the order
 * PS3.18 8.7.3.5.1 asks of uncompressed frames; a big endian file is swapped); for an encapsulated one the
 * frame's compressed bitstream (its fragments joined, PS3.5 A.4).
 */
export function storedFrame(r: ReadInstance, n: number): Buffer {
  const p = pixelInfo(r.dict);
  if (!Number.isInteger(n) || n < 1 || n > p.numberOfFrames) {
    throw new DicomWebError(404, `Frame ${n} does not exist: this instance has ${p.numberOfFrames} frame${p.numberOfFrames === 1 ? '' : 's'}.`);
  }
  const values = (r.dict['7FE00010'].Value ?? []) as ArrayBuffer[];
  if (isEncapsulated(r.transferSyntaxUid)) {
    // dcmjs splits encapsulated pixel data into one buffer per frame (by the offset table, or one fragment each)
    const frame = values.length === p.numberOfFrames ? values[n - 1] : p.numberOfFrames === 1 ? Buffer.concat(values.map((v) => Buffer.from(v))) : undefined;
    if (!frame) throw new DicomWebError(404, `Frame ${n} cannot be located in the encapsulated pixel data (${values.length} fragments for ${p.numberOfFrames} frames).`);
    return Buffer.from(frame as ArrayBuffer);
  }
  const all = values.length === 1 ? Buffer.from(values[0]) : Buffer.concat(values.map((v) => Buffer.from(v)));
  const len = frameLength(p);
  const start = (n - 1) * len;
  if (start + len > all.length) throw new DicomWebError(404, `Frame ${n} runs past the end of the stored pixel data.`);
  const frame = Buffer.from(all.subarray(start, start + len));
  if (transferSyntax(r.transferSyntaxUid)?.littleEndian === false && p.bitsAllocated === 16) frame.swap16();
  if (transferSyntax(r.transferSyntaxUid)?.littleEndian === false && p.bitsAllocated === 32) frame.swap32();
  return frame;
}

// ---------------------------------------------------------------------------------------------------------
// Decoding compressed frames (dcmjs-codecs)
// ---------------------------------------------------------------------------------------------------------

type Decoder = 'decodeJpeg' | 'decodeJpegLs' | 'decodeJpeg2000' | 'decodeHtJpeg2000' | 'decodeRle';
const DECODERS: Record<string, Decoder> = {
  '1.2.840.10008.1.2.4.50': 'decodeJpeg',
  '1.2.840.10008.1.2.4.51': 'decodeJpeg',
  '1.2.840.10008.1.2.4.57': 'decodeJpeg',
  '1.2.840.10008.1.2.4.70': 'decodeJpeg',
  '1.2.840.10008.1.2.4.80': 'decodeJpegLs',
  '1.2.840.10008.1.2.4.81': 'decodeJpegLs',
  '1.2.840.10008.1.2.4.90': 'decodeJpeg2000',
  '1.2.840.10008.1.2.4.91': 'decodeJpeg2000',
  '1.2.840.10008.1.2.4.201': 'decodeHtJpeg2000',
  '1.2.840.10008.1.2.4.202': 'decodeHtJpeg2000',
  '1.2.840.10008.1.2.4.203': 'decodeHtJpeg2000',
  '1.2.840.10008.1.2.5': 'decodeRle',
};

const g = globalThis as unknown as { __pacslabCodecs?: Promise<void> };

function wasmPath(): string | undefined {
  const p = join(process.cwd(), 'node_modules', 'dcmjs-codecs', 'build', 'dcmjs-native-codecs.wasm');
  return existsSync(p) ? p : undefined;
}

async function codecsReady(): Promise<void> {
  g.__pacslabCodecs ??= codecs.NativeCodecs.initializeAsync({ webAssemblyModulePathOrUrl: wasmPath() }).catch((e: unknown) => {
    g.__pacslabCodecs = undefined;
    throw e;
  });
  return g.__pacslabCodecs;
}

export function canDecode(transferSyntaxUid: string): boolean {
  return !isEncapsulated(transferSyntaxUid) || transferSyntaxUid in DECODERS;
}

export interface NativeFrame {
  data: Buffer;
  info: PixelInfo;
}

/**
 * Frame `n` as native little endian pixels (interleaved samples; colour JPEG returned as RGB). A compressed
 * frame is decoded; a syntax no codec here decodes is a 406 that names it (never a broken image).
 */
export async function nativeFrame(r: ReadInstance, n: number): Promise<NativeFrame> {
  const info = pixelInfo(r.dict);
  if (!transferSyntax(r.transferSyntaxUid)) {
    throw new DicomWebError(406, `The pixel data is stored as ${r.transferSyntaxUid || 'an unnamed transfer syntax'}, which this archive cannot decode.`);
  }
  const stored = storedFrame(r, n);
  if (!isEncapsulated(r.transferSyntaxUid)) return { data: stored, info };
  const decoder = DECODERS[r.transferSyntaxUid];
  if (!decoder) {
    throw new DicomWebError(406, `The pixel data is stored as ${transferSyntaxName(r.transferSyntaxUid)} (${r.transferSyntaxUid}), which this archive cannot decode.`);
  }
  await codecsReady();
  const ctx = new codecs.Context({
    width: info.columns,
    height: info.rows,
    bitsAllocated: info.bitsAllocated,
    bitsStored: info.bitsStored,
    samplesPerPixel: info.samplesPerPixel,
    pixelRepresentation: info.pixelRepresentation,
    planarConfiguration: info.planarConfiguration,
    photometricInterpretation: info.photometric,
    encodedBuffer: new Uint8Array(stored),
  });
  let out: InstanceType<typeof codecs.Context>;
  try {
    out = codecs.NativeCodecs[decoder](ctx, { convertColorspaceToRgb: true });
  } catch (e) {
    throw new DicomWebError(406, `The ${transferSyntaxName(r.transferSyntaxUid)} pixel data of frame ${n} could not be decoded: ${(e as Error).message}`);
  }
  const decoded = out.getDecodedBuffer();
  if (!decoded || decoded.length < frameLength(info)) {
    throw new DicomWebError(406, `The ${transferSyntaxName(r.transferSyntaxUid)} pixel data of frame ${n} decoded to ${decoded?.length ?? 0} bytes, not the ${frameLength(info)} expected.`);
  }
  // JPEG 2000 / HTJ2K colour stored as YBR_RCT or YBR_ICT: the decoder applies the inverse component transform
  // itself, so the samples it returns are RGB (PS3.5 8.2.4)
  const photometric = out.getPhotometricInterpretation() ?? info.photometric;
  return {
    data: Buffer.from(decoded.buffer, decoded.byteOffset, decoded.byteLength),
    info: {
      ...info,
      photometric: photometric === 'YBR_RCT' || photometric === 'YBR_ICT' ? 'RGB' : photometric,
      planarConfiguration: out.getPlanarConfiguration() ?? 0,
    },
  };
}
