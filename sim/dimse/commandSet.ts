// DIMSE command sets (PS3.7 6.3, 9.3, 10.3): group 0000, always Implicit VR Little Endian, a few dozen bytes.
// dcmjs-dimse reads and writes them through dcmjs's general data set codec (denaturalize, buffer streams,
// naturalize), ~0.2 ms each way: on a C-STORE of a 512 KiB slice that was a tenth of the time budget. This
// codec knows the command dictionary (PS3.7 Annex E) and nothing else; anything outside it (retired elements,
// an AT list) returns undefined so the caller falls back to dcmjs. Values use dcmjs's naturalized form
// (keyword → number or string), so the request/response objects of dcmjs-dimse carry them unchanged.

type CommandVr = 'UL' | 'US' | 'UI' | 'AE' | 'LO';

/** PS3.7 Annex E, Table E.1-1 (the elements dcmjs-dimse's requests and responses use) */
const COMMAND_ELEMENTS: readonly (readonly [number, string, CommandVr])[] = [
  [0x0000, 'CommandGroupLength', 'UL'],
  [0x0002, 'AffectedSOPClassUID', 'UI'],
  [0x0003, 'RequestedSOPClassUID', 'UI'],
  [0x0100, 'CommandField', 'US'],
  [0x0110, 'MessageID', 'US'],
  [0x0120, 'MessageIDBeingRespondedTo', 'US'],
  [0x0600, 'MoveDestination', 'AE'],
  [0x0700, 'Priority', 'US'],
  [0x0800, 'CommandDataSetType', 'US'],
  [0x0900, 'Status', 'US'],
  [0x0902, 'ErrorComment', 'LO'],
  [0x0903, 'ErrorID', 'US'],
  [0x1000, 'AffectedSOPInstanceUID', 'UI'],
  [0x1001, 'RequestedSOPInstanceUID', 'UI'],
  [0x1002, 'EventTypeID', 'US'],
  [0x1008, 'ActionTypeID', 'US'],
  [0x1020, 'NumberOfRemainingSuboperations', 'US'],
  [0x1021, 'NumberOfCompletedSuboperations', 'US'],
  [0x1022, 'NumberOfFailedSuboperations', 'US'],
  [0x1023, 'NumberOfWarningSuboperations', 'US'],
  [0x1030, 'MoveOriginatorApplicationEntityTitle', 'AE'],
  [0x1031, 'MoveOriginatorMessageID', 'US'],
];

const BY_ELEMENT = new Map(COMMAND_ELEMENTS.map((e) => [e[0], e] as const));
const BY_KEYWORD = new Map(COMMAND_ELEMENTS.map((e) => [e[1], e] as const));

export type CommandElements = Record<string, unknown>;

/** Decodes a command set; undefined when it holds anything this codec does not know (use dcmjs then). */
export function decodeCommandSet(buf: Buffer): CommandElements | undefined {
  const out: CommandElements = { _vrMap: {} };
  let pos = 0;
  while (pos < buf.length) {
    if (buf.length - pos < 8) return undefined;
    const group = buf.readUInt16LE(pos);
    const element = buf.readUInt16LE(pos + 2);
    const length = buf.readUInt32LE(pos + 4);
    pos += 8;
    const def = BY_ELEMENT.get(element);
    if (group !== 0 || !def || length > buf.length - pos) return undefined;
    const value = buf.subarray(pos, pos + length);
    pos += length;
    const [, keyword, vr] = def;
    switch (vr) {
      case 'UL':
        if (length !== 4) return undefined;
        out[keyword] = value.readUInt32LE(0);
        break;
      case 'US':
        if (length !== 2) return undefined;
        out[keyword] = value.readUInt16LE(0);
        break;
      case 'UI':
        out[keyword] = value.toString('latin1').replace(/\0+$/, '');
        break;
      default:
        // AE and LO: leading/trailing spaces are not significant (PS3.5 6.2)
        out[keyword] = value.toString('latin1').replace(/^ +| +$/g, '').replace(/\0+$/, '');
    }
  }
  return out;
}

/** Encodes a command set with its group length; undefined when an element is outside this codec. */
export function encodeCommandSet(elements: CommandElements): Buffer | undefined {
  // one pass to check and measure, one to write into a single buffer: sent once per DIMSE message, C-FIND
  // pendings included, so no per-element buffers
  const items: { element: number; vr: CommandVr; value: number | string; length: number }[] = [];
  let length = 0;
  for (const keyword in elements) {
    const v = elements[keyword];
    if (keyword === '_vrMap' || keyword === 'CommandGroupLength' || v === undefined) continue;
    const def = BY_KEYWORD.get(keyword);
    if (!def) return undefined;
    const [element, , vr] = def;
    let item: (typeof items)[number];
    if (vr === 'US' || vr === 'UL') {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > (vr === 'US' ? 0xffff : 0xffffffff)) return undefined;
      item = { element, vr, value: n, length: vr === 'US' ? 2 : 4 };
    } else {
      if (typeof v !== 'string') return undefined;
      // even length: UI pads with NUL, the text VRs with a space (PS3.5 6.2)
      const bytes = Buffer.byteLength(v, 'latin1');
      item = { element, vr, value: v, length: bytes + (bytes % 2) };
    }
    items.push(item);
    length += 8 + item.length;
  }
  items.sort((a, b) => a.element - b.element);
  const out = Buffer.allocUnsafe(12 + length);
  out.writeUInt32LE(0, 0); // (0000,0000)
  out.writeUInt32LE(4, 4);
  out.writeUInt32LE(length, 8);
  let pos = 12;
  for (const i of items) {
    out.writeUInt16LE(0, pos);
    out.writeUInt16LE(i.element, pos + 2);
    out.writeUInt32LE(i.length, pos + 4);
    pos += 8;
    if (i.vr === 'US') out.writeUInt16LE(i.value as number, pos);
    else if (i.vr === 'UL') out.writeUInt32LE(i.value as number, pos);
    else {
      const n = out.write(i.value as string, pos, 'latin1');
      if (n < i.length) out[pos + n] = i.vr === 'UI' ? 0 : 0x20;
    }
    pos += i.length;
  }
  return out;
}
