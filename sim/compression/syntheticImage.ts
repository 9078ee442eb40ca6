// Small synthetic Part 10 images for the compression tests and the bench: any bit depth, signedness, samples
// and frame count, with a smooth anatomy-like pattern, a little noise (so codecs have real work), the extreme
// values of the range (edge cases for signed and high-bit handling) and a private block (must survive).
import dcmjs from 'dcmjs';
import { IMPLEMENTATION_CLASS_UID, newUid } from '../dicom/part10';

export interface SyntheticImageOptions {
  rows?: number;
  columns?: number;
  bitsAllocated?: 8 | 16;
  bitsStored?: number;
  signed?: boolean;
  samplesPerPixel?: 1 | 3;
  frames?: number;
  /** noise amplitude in sample units (default: 1% of the range) */
  noise?: number;
  seed?: number;
}

interface DicomDictLike {
  dict: Record<string, unknown>;
  write(o?: Record<string, unknown>): ArrayBuffer;
}
const DicomDict = (dcmjs as unknown as { data: { DicomDict: new (meta: Record<string, unknown>) => DicomDictLike } }).data.DicomDict;

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
}

const el = (vr: string, ...Value: unknown[]) => ({ vr, Value });

/** A Secondary Capture (multi-frame when frames > 1) image in Explicit VR Little Endian. */
export function syntheticImage(o: SyntheticImageOptions = {}): Buffer {
  const rows = o.rows ?? 64;
  const columns = o.columns ?? 64;
  const ba = o.bitsAllocated ?? 16;
  const bs = o.bitsStored ?? ba;
  const spp = o.samplesPerPixel ?? 1;
  const frames = o.frames ?? 1;
  const signed = o.signed ?? false;
  const min = signed ? -(2 ** (bs - 1)) : 0;
  const max = signed ? 2 ** (bs - 1) - 1 : 2 ** bs - 1;
  const range = max - min;
  const noise = o.noise ?? range * 0.01;
  const rand = rng(o.seed ?? 7);
  const count = rows * columns * spp * frames;
  const bytes = Buffer.alloc(count * (ba / 8) + ((count * (ba / 8)) % 2));
  let i = 0;
  for (let f = 0; f < frames; f++) {
    for (let y = 0; y < rows; y++) {
      for (let x = 0; x < columns; x++) {
        for (let s = 0; s < spp; s++) {
          const dx = (x - columns / 2) / columns;
          const dy = (y - rows / 2) / rows;
          const body = dx * dx + dy * dy < 0.16 ? 0.55 + 0.25 * Math.sin(x / 5 + f + s) * Math.cos(y / 7) : 0.05;
          let v = Math.round(min + body * range + (rand() - 0.5) * noise);
          if (x === 0 && y === 0) v = min; // the range's ends, in every frame
          if (x === 1 && y === 0) v = max;
          v = Math.max(min, Math.min(max, v));
          const stored = v < 0 ? v + 2 ** ba : v; // two's complement in the allocated width (sign-extended)
          if (ba === 8) bytes[i] = stored;
          else bytes.writeUInt16LE(stored, i * 2);
          i++;
        }
      }
    }
  }
  const multiFrame = frames > 1;
  const sopClass = multiFrame
    ? ba === 8 && spp === 1
      ? '1.2.840.10008.5.1.4.1.1.7.2' // Multi-frame Grayscale Byte SC
      : spp === 3
        ? '1.2.840.10008.5.1.4.1.1.7.4' // Multi-frame True Color SC
        : '1.2.840.10008.5.1.4.1.1.7.3' // Multi-frame Grayscale Word SC
    : '1.2.840.10008.5.1.4.1.1.7'; // Secondary Capture
  const sopInstance = newUid();
  const dict: Record<string, unknown> = {
    '00080008': el('CS', 'ORIGINAL', 'PRIMARY'),
    '00080016': el('UI', sopClass),
    '00080018': el('UI', sopInstance),
    '00080020': el('DA', '20261128'),
    '00080030': el('TM', '120000'),
    '00080050': el('SH', 'ACC1'),
    '00080060': el('CS', 'OT'),
    '00080064': el('CS', 'WSD'),
    '00080090': el('PN', ''),
    '00100010': el('PN', 'SYNTHETIC^IMAGE'),
    '00100020': el('LO', 'SYN1'),
    '00100030': el('DA', ''),
    '00100040': el('CS', 'O'),
    '0020000D': el('UI', newUid()),
    '0020000E': el('UI', newUid()),
    '00200010': el('SH', '1'),
    '00200011': el('IS', '1'),
    '00200013': el('IS', '1'),
    '00200020': el('CS', ''),
    '00280002': el('US', spp),
    '00280004': el('CS', spp === 3 ? 'RGB' : 'MONOCHROME2'),
    '00280010': el('US', rows),
    '00280011': el('US', columns),
    '00280100': el('US', ba),
    '00280101': el('US', bs),
    '00280102': el('US', bs - 1),
    '00280103': el('US', signed ? 1 : 0),
    // a private block that must survive every transcode
    '00290010': el('LO', 'PACSLAB TEST'),
    '00291001': el('LO', 'private value kept'),
    '00291002': el('US', 4242),
    '7FE00010': { vr: ba === 8 ? 'OB' : 'OW', Value: [bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)] },
  };
  if (spp === 3) dict['00280006'] = el('US', 0);
  if (multiFrame) dict['00280008'] = el('IS', String(frames));
  if (spp === 1 && ba === 16) {
    dict['00281050'] = el('DS', String(Math.round(min + range * 0.5)));
    dict['00281051'] = el('DS', String(Math.round(range)));
    dict['00281052'] = el('DS', '0');
    dict['00281053'] = el('DS', '1');
    dict['00281054'] = el('LO', 'US');
  }
  const meta = {
    '00020001': { vr: 'OB', Value: [new Uint8Array([0, 1]).buffer] },
    '00020002': el('UI', sopClass),
    '00020003': el('UI', sopInstance),
    '00020010': el('UI', '1.2.840.10008.1.2.1'),
    '00020012': el('UI', IMPLEMENTATION_CLASS_UID),
  };
  const d = new DicomDict(meta);
  d.dict = dict;
  return Buffer.from(d.write());
}
