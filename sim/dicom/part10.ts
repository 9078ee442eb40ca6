// DICOM Part 10 files (PS3.10 7.1): 128-byte preamble, "DICM", File Meta Information (group 0002, always
// Explicit VR Little Endian), then the data set in the transfer syntax named by (0002,0010).
import { randomUUID } from 'node:crypto';

/** Our own implementation identity (PS3.7 D.3.3.2): a UUID-derived UID under the 2.25 arc (PS3.5 B.2). */
export const IMPLEMENTATION_CLASS_UID = '2.25.176221954798591966063047837092170857250';
export const IMPLEMENTATION_VERSION_NAME = 'PACSLAB_0_1';

/** A new UID under 2.25 from a random UUID (PS3.5 B.2): for transactions and generated objects. */
export function newUid(): string {
  return `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString(10)}`;
}

function element(group: number, elem: number, vr: string, value: Buffer): Buffer {
  const long = vr === 'OB';
  const head = Buffer.alloc(long ? 12 : 8);
  head.writeUInt16LE(group, 0);
  head.writeUInt16LE(elem, 2);
  head.write(vr, 4, 'latin1');
  if (long) head.writeUInt32LE(value.length, 8);
  else head.writeUInt16LE(value.length, 6);
  return Buffer.concat([head, value]);
}

function padded(text: string, pad: string): Buffer {
  const b = Buffer.from(text, 'latin1');
  return b.length % 2 ? Buffer.concat([b, Buffer.from(pad, 'latin1')]) : b;
}

export interface FileMeta {
  mediaStorageSopClassUid: string;
  mediaStorageSopInstanceUid: string;
  transferSyntaxUid: string;
  sourceAeTitle?: string;
}

/** The preamble, magic and group 0002 for a data set stored as received. */
export function buildPart10Header(meta: FileMeta): Buffer {
  const elements = [
    element(0x0002, 0x0001, 'OB', Buffer.from([0x00, 0x01])), // File Meta Information Version
    element(0x0002, 0x0002, 'UI', padded(meta.mediaStorageSopClassUid, '\0')),
    element(0x0002, 0x0003, 'UI', padded(meta.mediaStorageSopInstanceUid, '\0')),
    element(0x0002, 0x0010, 'UI', padded(meta.transferSyntaxUid, '\0')),
    element(0x0002, 0x0012, 'UI', padded(IMPLEMENTATION_CLASS_UID, '\0')),
    element(0x0002, 0x0013, 'SH', padded(IMPLEMENTATION_VERSION_NAME, ' ')),
  ];
  if (meta.sourceAeTitle) elements.push(element(0x0002, 0x0016, 'AE', padded(meta.sourceAeTitle, ' ')));
  const body = Buffer.concat(elements);
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(body.length, 0);
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1'), element(0x0002, 0x0000, 'UL', groupLength), body]);
}

export interface Part10Parts {
  /** (0002,xxxx) values as text (UI without NUL padding), keyed by element number */
  meta: Map<number, string>;
  transferSyntaxUid: string | undefined;
  /** byte offset where the data set starts */
  datasetOffset: number;
}

/** Finds the data set inside a Part 10 file (or a bare data set: offset 0, no meta). */
export function splitPart10(file: Buffer): Part10Parts {
  const meta = new Map<number, string>();
  if (file.length < 132 || file.toString('latin1', 128, 132) !== 'DICM') {
    return { meta, transferSyntaxUid: undefined, datasetOffset: 0 };
  }
  let pos = 132;
  while (pos + 8 <= file.length && file.readUInt16LE(pos) === 0x0002) {
    const elem = file.readUInt16LE(pos + 2);
    const vr = file.toString('latin1', pos + 4, pos + 6);
    let len: number;
    let head: number;
    if (['OB', 'OW', 'UN', 'SQ', 'UT', 'UC', 'UR'].includes(vr)) {
      len = file.readUInt32LE(pos + 8);
      head = 12;
    } else {
      len = file.readUInt16LE(pos + 6);
      head = 8;
    }
    if (vr !== 'OB' && vr !== 'UL') meta.set(elem, file.toString('latin1', pos + head, pos + head + len).replace(/[\0 ]+$/, ''));
    pos += head + len;
  }
  return { meta, transferSyntaxUid: meta.get(0x0010), datasetOffset: pos };
}
