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
    const r = new PduReader(limits, (type, parts, length) => {
      const pdu = Buffer.concat(parts);
      expect(pdu.length).toBe(length);
      seen.push({ type, pdu });
      // and the PDVs read across the parts are the PDVs read from the joined PDU
      if (type === 0x04) expect(readPdvs(parts, length).map(flat)).toEqual(readPdvs([pdu]).map(flat));
    });
    for (let i = 0; i < stream.length; i += size) r.push(stream.subarray(i, i + size));
    expect(seen.map((s) => s.type)).toEqual([0x04, 0x04, 0x05]);
    expect(Buffer.concat(seen.map((s) => s.pdu))).toEqual(stream);
  });

  it('hands PDUs and PDV values on as views of the socket chunks, without copying', () => {
    const got: Buffer[][] = [];
    const half = stream.length >> 1;
    const [a, b] = [Buffer.from(stream.subarray(0, half)), Buffer.from(stream.subarray(half))];
    const r = new PduReader(limits, (_t, parts) => got.push(parts));
    r.push(a);
    r.push(b);
    for (const v of got.flatMap((parts) => parts)) expect([a.buffer, b.buffer]).toContain(v.buffer);
    const values = got.filter((parts) => parts[0][0] === 0x04).flatMap((parts) => readPdvs(parts)).flatMap((p) => p.value);
    for (const v of values) expect([a.buffer, b.buffer]).toContain(v.buffer);
  });

  it('refuses an over-long P-DATA-TF, an over-long control PDU and an unknown PDU type before buffering them', () => {
    expect(() => new PduReader(limits, () => undefined).push(pdu(0x04, Buffer.alloc(1001)).subarray(0, 6))).toThrow(/1001 bytes exceeds the 1000/);
    expect(() => new PduReader(limits, () => undefined).push(pdu(0x01, Buffer.alloc(5001)).subarray(0, 6))).toThrow(PduError);
    expect(() => new PduReader(limits, () => undefined).push(Buffer.from([0x47, 0x45, 0x54, 0x20, 0x2f, 0x20]))).toThrow(/unknown PDU type 0x47/);
  });
});

function flat(p: ReturnType<typeof readPdvs>[number]) {
  return { ...p, value: Buffer.concat(p.value).toString('latin1') };
}

describe('readPdvs', () => {
  it('splits a P-DATA-TF into its PDVs with their flags', () => {
    const p = pdu(0x04, Buffer.concat([pdv(3, 0x03, Buffer.from('ab')), pdv(5, 0x00, Buffer.from('cdef'))]));
    expect(readPdvs([p]).map(flat)).toEqual([
      { presentationContextId: 3, command: true, last: true, value: 'ab', length: 2 },
      { presentationContextId: 5, command: false, last: false, value: 'cdef', length: 4 },
    ]);
  });

  it('refuses a PDV item that runs past its PDU, and an empty P-DATA-TF', () => {
    const bad = pdu(0x04, pdv(1, 0x02, Buffer.from('abcd')));
    bad.writeUInt32BE(100, 6);
    expect(() => readPdvs([bad])).toThrow(/does not fit/);
    expect(() => readPdvs([pdu(0x04, Buffer.alloc(0))])).toThrow(/without a PDV/);
  });
});
