// A scripted DICOM peer speaking raw PDUs (in the manner of pynetdicom's tests/parrot.py): for the cases a
// well-behaved client never produces: a data set that contradicts its command, a peer that vanishes in the
// middle of a transfer. Implicit VR Little Endian command sets (PS3.7 6.3.1).
import net from 'node:net';

function item(type: number, body: Buffer) {
  const h = Buffer.alloc(4);
  h[0] = type;
  h.writeUInt16BE(body.length, 2);
  return Buffer.concat([h, body]);
}

function pdu(type: number, body: Buffer) {
  const h = Buffer.alloc(6);
  h[0] = type;
  h.writeUInt32BE(body.length, 2);
  return Buffer.concat([h, body]);
}

function element(group: number, elem: number, value: Buffer) {
  const h = Buffer.alloc(8);
  h.writeUInt16LE(group, 0);
  h.writeUInt16LE(elem, 2);
  h.writeUInt32LE(value.length, 4);
  return Buffer.concat([h, value]);
}

const us = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
};
const ui = (s: string) => Buffer.from(s.length % 2 ? `${s}\0` : s, 'latin1');

function commandSet(fields: Buffer[]) {
  const body = Buffer.concat(fields);
  const gl = Buffer.alloc(4);
  gl.writeUInt32LE(body.length);
  return Buffer.concat([element(0, 0, gl), body]);
}

function pdv(contextId: number, data: Buffer, flags: number) {
  const h = Buffer.alloc(6);
  h.writeUInt32BE(data.length + 2);
  h[4] = contextId;
  h[5] = flags;
  return Buffer.concat([h, data]);
}

export interface RawStoreOptions {
  port: number;
  callingAe: string;
  calledAe: string;
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
  dataset: Buffer;
  /** send only this many bytes of the data set, then close the socket */
  vanishAfterBytes?: number;
}

/** Associates, sends one C-STORE-RQ, returns the response status (or undefined when it vanished). */
export async function rawStore(o: RawStoreOptions): Promise<number | undefined> {
  const pad = (s: string) => Buffer.from(s.padEnd(16, ' '), 'latin1');
  const pc = item(0x20, Buffer.concat([Buffer.from([1, 0, 0, 0]), item(0x30, Buffer.from(o.sopClassUid)), item(0x40, Buffer.from(o.transferSyntaxUid))]));
  const maxPdu = Buffer.alloc(4);
  maxPdu.writeUInt32BE(16384);
  const user = item(0x50, Buffer.concat([item(0x51, maxPdu), item(0x52, Buffer.from('1.2.3.4'))]));
  const rq = Buffer.concat([Buffer.from([0, 1, 0, 0]), pad(o.calledAe), pad(o.callingAe), Buffer.alloc(32), item(0x10, Buffer.from('1.2.840.10008.3.1.1.1')), pc, user]);
  const command = commandSet([
    element(0, 0x0002, ui(o.sopClassUid)),
    element(0, 0x0100, us(0x0001)),
    element(0, 0x0110, us(7)),
    element(0, 0x0700, us(0)),
    element(0, 0x0800, us(0x0000)),
    element(0, 0x1000, ui(o.sopInstanceUid)),
  ]);
  return new Promise((resolve, reject) => {
    const s = net.connect(o.port, '127.0.0.1', () => s.write(pdu(0x01, rq)));
    let received = Buffer.alloc(0);
    let associated = false;
    s.on('data', (d) => {
      received = Buffer.concat([received, d]);
      if (!associated) {
        if (received[0] !== 0x02) return reject(new Error(`expected A-ASSOCIATE-AC, got PDU type ${received[0]}`));
        if (received.length < 6 || received.length < 6 + received.readUInt32BE(2)) return;
        received = received.subarray(6 + received.readUInt32BE(2));
        associated = true;
        s.write(pdu(0x04, pdv(1, command, 0x03)));
        const data = o.vanishAfterBytes !== undefined ? o.dataset.subarray(0, o.vanishAfterBytes) : o.dataset;
        for (let i = 0; i < data.length; i += 16000) {
          const last = o.vanishAfterBytes === undefined && i + 16000 >= data.length;
          s.write(pdu(0x04, pdv(1, data.subarray(i, i + 16000), last ? 0x02 : 0x00)));
        }
        if (o.vanishAfterBytes !== undefined) {
          setTimeout(() => {
            s.destroy();
            resolve(undefined);
          }, 100);
        }
        return;
      }
      // P-DATA-TF with the C-STORE-RSP command: find (0000,0900) Status
      if (received.length < 6 || received.length < 6 + received.readUInt32BE(2)) return;
      const body = received.subarray(12, 6 + received.readUInt32BE(2));
      for (let p = 0; p + 8 <= body.length; ) {
        const g = body.readUInt16LE(p);
        const e = body.readUInt16LE(p + 2);
        const len = body.readUInt32LE(p + 4);
        if (g === 0 && e === 0x0900) {
          const status = body.readUInt16LE(p + 8);
          s.write(pdu(0x05, Buffer.alloc(4)));
          setTimeout(() => s.destroy(), 50);
          return resolve(status);
        }
        p += 8 + len;
      }
      reject(new Error('no status in the response'));
    });
    s.on('error', reject);
  });
}
