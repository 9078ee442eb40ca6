import { describe, expect, it } from 'vitest';
import { PduError, PduReader, readPdvs } from './pduReader';

function pdu(type: number, body: Buffer) {
  const h = Buffer.alloc(6);
  h[0] = type;
  h.writeUInt32BE(body.length, 2);
  return Buffer.concat([h, body]);
}

function pdv(contextId: number, flags: number, value: Buffer) {
  const h = Buffer.alloc(6);
  h.writeUInt32BE(value.length + 2);
  h[4] = contextId;
  h[5] = flags;
  return Buffer.concat([h, value]);
}

const limits = { maxPDataLength: 1000, maxControlLength: 5000 };

describe('PduReader', () => {
  const stream = Buffer.concat([
    pdu(0x04, Buffer.concat([pdv(1, 0x03, Buffer.from('command')), pdv(1, 0x00, Buffer.alloc(300, 7))])),
    pdu(0x04, pdv(1, 0x02, Buffer.alloc(500, 9))),
    pdu(0x05, Buffer.alloc(4)),
  ]);

  it.each([1, 2, 5, 6, 7, 64, 700, stream.length])('frames the same PDUs whatever the chunk size (%i bytes)', (size) => {
    const seen: { type: number; pdu: Buffer }[] = [];
    const r = new PduReader(limits, (type, p) => seen.push({ type, pdu: Buffer.from(p) }));
    for (let i = 0; i < stream.length; i += size) r.push(stream.subarray(i, i + size));
    expect(seen.map((s) => s.type)).toEqual([0x04, 0x04, 0x05]);
    expect(Buffer.concat(seen.map((s) => s.pdu))).toEqual(stream);
  });

  it('hands a PDU that lies inside one chunk on as a view, without copying', () => {
    let got: Buffer | undefined;
    new PduReader(limits, (_t, p) => (got = p)).push(stream);
    expect(got!.buffer).toBe(stream.buffer);
  });

  it('refuses an over-long P-DATA-TF, an over-long control PDU and an unknown PDU type before buffering them', () => {
    expect(() => new PduReader(limits, () => undefined).push(pdu(0x04, Buffer.alloc(1001)).subarray(0, 6))).toThrow(/1001 bytes exceeds the 1000/);
    expect(() => new PduReader(limits, () => undefined).push(pdu(0x01, Buffer.alloc(5001)).subarray(0, 6))).toThrow(PduError);
    expect(() => new PduReader(limits, () => undefined).push(Buffer.from([0x47, 0x45, 0x54, 0x20, 0x2f, 0x20]))).toThrow(/unknown PDU type 0x47/);
  });
});

describe('readPdvs', () => {
  it('splits a P-DATA-TF into its PDVs with their flags', () => {
    const p = pdu(0x04, Buffer.concat([pdv(3, 0x03, Buffer.from('ab')), pdv(5, 0x00, Buffer.from('cdef'))]));
    expect(readPdvs(p).map((v) => ({ ...v, value: v.value.toString() }))).toEqual([
      { presentationContextId: 3, command: true, last: true, value: 'ab' },
      { presentationContextId: 5, command: false, last: false, value: 'cdef' },
    ]);
  });

  it('refuses a PDV item that runs past its PDU, and an empty P-DATA-TF', () => {
    const bad = pdu(0x04, pdv(1, 0x02, Buffer.from('abcd')));
    bad.writeUInt32BE(100, 6);
    expect(() => readPdvs(bad)).toThrow(/does not fit/);
    expect(() => readPdvs(pdu(0x04, Buffer.alloc(0)))).toThrow(/without a PDV/);
  });
});
