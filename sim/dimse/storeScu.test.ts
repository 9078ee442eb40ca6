// The lean C-STORE SCU over real sockets: against our archive (byte-identical data sets), DCMTK storescp (large
// and 4 KiB PDUs, a plain one that accepts only uncompressed syntaxes), a scripted SCP that checks every PDU and
// aborts mid-send, and the failures a console must name.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net, { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDb } from '../../prisma/testing';
import { splitPart10 } from '../dicom/part10';
import { EXPLICIT_VR_BIG_ENDIAN, DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN } from '../dicom/transferSyntaxes';
import type { DicomServices } from '../startDicomServices';
import { startSandboxHarness, type SandboxHarness } from '../testing/sandboxHarness';
import { PYDICOM_TEST_FILES, spawnDcmtk } from '../testing/dcmtk';
import { ScuError, store, type Peer, type StoreResult } from './client';
import { decodeCommandSet, encodeCommandSet } from './commandSet';
import { PduReader, PduType, readPdvs } from './pduReader';
import { NOT_SENT_STATUS, partialResults, proposeContexts, storeScu } from './storeScu';
import { freePort } from '../testing/ports';

const src = (name: string) => join(PYDICOM_TEST_FILES, name);
const dataset = (file: Buffer) => file.subarray(splitPart10(file).datasetOffset);
/** what goes on the wire: the data set, a deflated one of odd length padded with one 00H (PS3.5 A.5) */
const sent = (file: Buffer) => {
  const d = dataset(file);
  return d.length % 2 && splitPart10(file).transferSyntaxUid === DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN ? Buffer.concat([d, Buffer.alloc(1)]) : d;
};
const sopUidOf = (file: string) => splitPart10(readFileSync(file)).meta.get(0x0003)!;

async function failure(p: Promise<unknown>) {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(ScuError);
  return e as ScuError;
}

/** DCMTK storescp with extra options (bit-preserving, every syntax it knows unless told otherwise). */
async function startStorescp(dir: string, aeTitle: string, extra: string[]) {
  const port = await freePort();
  const child = spawnDcmtk('storescp', ['+B', '-aet', aeTitle, '-od', dir, '-uf', ...extra, String(port)]);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => {
        c.destroy();
        resolve(true);
      });
      c.on('error', () => resolve(false));
    });
    if (up) break;
    if (child.exitCode !== null) throw new Error(`storescp exited: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

// ---- a scripted SCP (in the manner of pynetdicom's tests/parrot.py) -----------------------------------------

interface ScriptedOptions {
  /** the maximum PDU length it announces */
  maxPdu: number;
  /** answer this many C-STOREs, then A-ABORT when the next data set starts arriving */
  abortAfter?: number;
  /** answer this many, then close the connection (no A-ABORT) when the next data set starts arriving */
  vanishAfter?: number;
  /** never answer a C-STORE */
  silent?: boolean;
  /** wait this long before each response (to see whether the SCU sends the next request meanwhile) */
  delayMs?: number;
}

interface Scripted {
  port: number;
  /** P-DATA-TF PDU lengths as received */
  pduLengths: number[];
  /** the data sets received, by SOP Instance UID */
  received: Map<string, Buffer>;
  /** a PDU arrived while a response was still pending */
  overlapped: boolean;
  close(): Promise<void>;
}

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

async function startScripted(o: ScriptedOptions): Promise<Scripted> {
  const state: Scripted = { port: 0, pduLengths: [], received: new Map(), overlapped: false, close: async () => {} };
  const sockets = new Set<net.Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let answered = 0;
    let pending = false;
    let command: Record<string, unknown> | undefined;
    let data: Buffer[] = [];
    const reader = new PduReader({ maxPDataLength: o.maxPdu, maxControlLength: 1 << 20 }, (type, parts, length) => {
      const b = Buffer.concat(parts, length);
      if (type === PduType.AssociateRq) {
        // accept every context in its first proposed syntax (PS3.8 9.3.3)
        const pcs: Buffer[] = [];
        for (let p = 74; p + 4 <= b.length; ) {
          const t = b[p];
          const len = b.readUInt16BE(p + 2);
          if (t === 0x20) {
            let ts = '';
            for (let q = p + 8; q < p + 4 + len; ) {
              const l = b.readUInt16BE(q + 2);
              if (b[q] === 0x40 && !ts) ts = b.toString('latin1', q + 4, q + 4 + l);
              q += 4 + l;
            }
            pcs.push(item(0x21, Buffer.concat([Buffer.from([b[p + 4], 0, 0, 0]), item(0x40, Buffer.from(ts, 'latin1'))])));
          }
          p += 4 + len;
        }
        const max = Buffer.alloc(4);
        max.writeUInt32BE(o.maxPdu);
        const user = item(0x50, Buffer.concat([item(0x51, max), item(0x52, Buffer.from('1.2.3.4'))]));
        socket.write(pdu(PduType.AssociateAc, Buffer.concat([b.subarray(6, 74), item(0x10, Buffer.from('1.2.840.10008.3.1.1.1')), ...pcs, user])));
        return;
      }
      if (type === PduType.ReleaseRq) {
        socket.write(pdu(PduType.ReleaseRp, Buffer.alloc(4)));
        return;
      }
      if (type !== PduType.PDataTf) return;
      state.pduLengths.push(length - 6);
      if (pending) state.overlapped = true;
      for (const pdv of readPdvs([b])) {
        if (pdv.command) {
          command = decodeCommandSet(Buffer.concat(pdv.value));
          data = [];
          continue;
        }
        if (o.abortAfter !== undefined && answered >= o.abortAfter) {
          socket.end(pdu(PduType.Abort, Buffer.from([0, 0, 2, 0])));
          return;
        }
        if (o.vanishAfter !== undefined && answered >= o.vanishAfter) {
          socket.destroy();
          return;
        }
        data.push(...pdv.value);
        if (!pdv.last || !command) continue;
        const rq = command;
        state.received.set(String(rq.AffectedSOPInstanceUID), Buffer.concat(data));
        if (o.silent) continue;
        pending = true;
        setTimeout(() => {
          pending = false;
          answered++;
          const rsp = encodeCommandSet({ AffectedSOPClassUID: rq.AffectedSOPClassUID, CommandField: 0x8001, MessageIDBeingRespondedTo: rq.MessageID, CommandDataSetType: 0x0101, Status: 0, AffectedSOPInstanceUID: rq.AffectedSOPInstanceUID })!;
          const h = Buffer.alloc(6);
          h.writeUInt32BE(rsp.length + 2);
          h[4] = pdv.presentationContextId;
          h[5] = 0x03;
          socket.write(pdu(PduType.PDataTf, Buffer.concat([h, rsp])));
        }, o.delayMs ?? 0);
      }
    });
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  state.port = (server.address() as net.AddressInfo).port;
  state.close = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  return state;
}

// ---- against our archive ------------------------------------------------------------------------------------

let harness: SandboxHarness;
let t: TestDb;
let services: DicomServices;
let archiveDir: string;
let sandboxId: string;
let peer: Peer;

beforeAll(async () => {
  harness = await startSandboxHarness();
  ({ t, services, archiveDir, sandboxId } = harness);
  peer = { host: '127.0.0.1', port: services.port, callingAe: 'CT1', calledAe: 'PACS', timeoutMs: 5000 };
});

afterAll(async () => {
  await harness?.close();
});

describe('storeScu against our archive', () => {
  it('stores every file byte for byte in its own transfer syntax (private tags, big endian, deflate, JPEG 2000, RLE)', async () => {
    const files = ['CT_small.dcm', 'MR_small.dcm', 'JPEG2000.dcm', 'ExplVR_BigEnd.dcm', 'image_dfl.dcm', 'SC_rgb_rle.dcm'].map(src);
    const progress: number[] = [];
    const results = await store(peer, files, (done, total) => progress.push(done * 100 + total));
    expect(results.map((r) => [r.file, r.status])).toEqual(files.map((f) => [f, 0]));
    expect(progress).toEqual(files.map((_, i) => (i + 1) * 100 + files.length));
    for (const [i, file] of files.entries()) {
      const original = readFileSync(file);
      const row = await t.db.instance.findUniqueOrThrow({ where: { sandboxId_sopInstanceUid: { sandboxId, sopInstanceUid: results[i].sopInstanceUid } } });
      expect(row.sopInstanceUid).toBe(sopUidOf(file));
      const stored = readFileSync(join(archiveDir, ...row.filePath.split('/')));
      expect(dataset(stored).equals(sent(original)), file).toBe(true);
      expect(row.transferSyntaxUid).toBe(splitPart10(original).transferSyntaxUid);
    }
    // CT_small carries private elements, (0009,0010) Private Creator among them: kept, as the rest
    const ct = await t.db.instance.findUniqueOrThrow({ where: { sandboxId_sopInstanceUid: { sandboxId, sopInstanceUid: results[0].sopInstanceUid } } });
    expect(dataset(readFileSync(join(archiveDir, ...ct.filePath.split('/')))).includes(Buffer.from([0x09, 0x00, 0x10, 0x00, 0x4c, 0x4f]))).toBe(true);
  });

  it('names a rejected calling AE (reason 3) and called AE (reason 7) with the PS3.8 reason', async () => {
    const f = [src('MR_small.dcm')];
    expect((await failure(storeScu({ ...peer, callingAe: 'STRANGER' }, f))).failure).toMatchObject({ kind: 'association-rejected', result: 1, source: 1, reason: 3, message: 'association rejected (permanent) by the called application: calling AE title not recognized' });
    expect((await failure(storeScu({ ...peer, calledAe: 'PACZ' }, f))).failure).toMatchObject({ kind: 'association-rejected', reason: 7, message: expect.stringContaining('called AE title not recognized') });
  });

  it('refuses a file that is not Part 10 before connecting, and an AE title that cannot go on the wire', async () => {
    await expect(storeScu(peer, [src('no_meta.dcm')])).rejects.toThrow(/not a DICOM Part 10 file/);
    await expect(storeScu({ ...peer, callingAe: 'A_CALLING_AE_TOO_LONG' }, [src('MR_small.dcm')])).rejects.toThrow(/calling AE title .* is not valid/);
  });
});

describe('storeScu failures a console must name', () => {
  it('connection refused', async () => {
    const e = await failure(storeScu({ ...peer, port: await freePort() }, [src('MR_small.dcm')]));
    expect(e.failure.kind).toBe('connection-refused');
  });

  it('a peer that takes the connection and never answers: timeout waiting for the A-ASSOCIATE-AC', async () => {
    const held = new Set<net.Socket>();
    const silent = createServer((c) => held.add(c)).listen(0, '127.0.0.1');
    await new Promise((r) => silent.once('listening', r));
    try {
      const t0 = performance.now();
      const e = await failure(storeScu({ ...peer, port: (silent.address() as net.AddressInfo).port, timeoutMs: 1000 }, [src('MR_small.dcm')]));
      expect(e.failure).toMatchObject({ kind: 'timeout', message: expect.stringContaining('A-ASSOCIATE-AC') });
      expect(performance.now() - t0).toBeLessThan(3000);
    } finally {
      for (const c of held) c.destroy();
      silent.close();
    }
  });

  it('a peer that accepts and never answers a C-STORE: timeout waiting for the response', async () => {
    const s = await startScripted({ maxPdu: 16384, silent: true });
    try {
      const e = await failure(storeScu({ ...peer, port: s.port, timeoutMs: 1000 }, [src('MR_small.dcm')]));
      expect(e.failure).toMatchObject({ kind: 'timeout', message: expect.stringContaining('C-STORE response') });
      expect(partialResults(e)).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('a peer that aborts mid-send: aborted, with the results answered before it reaching the caller', async () => {
    const s = await startScripted({ maxPdu: 16384, abortAfter: 2 });
    const files = ['CT_small.dcm', 'MR_small.dcm', 'JPEG2000.dcm', 'SC_rgb_rle.dcm'].map(src);
    const seen: StoreResult[] = [];
    try {
      const e = await failure(storeScu({ ...peer, port: s.port, calledAe: 'ABORTER' }, files, (_d, _t, last) => seen.push(last)));
      expect(e.failure).toMatchObject({ kind: 'aborted', message: expect.stringMatching(/^ABORTER aborted the association \(A-ABORT/) });
      expect(partialResults(e).map((r) => [r.file, r.status])).toEqual([[files[0], 0], [files[1], 0]]);
      expect(seen).toEqual(partialResults(e));
    } finally {
      await s.close();
    }
  });

  it('a peer that closes the connection mid-send without A-ABORT: network error, partial results kept', async () => {
    const s = await startScripted({ maxPdu: 16384, vanishAfter: 1 });
    try {
      const e = await failure(storeScu({ ...peer, port: s.port }, [src('CT_small.dcm'), src('MR_small.dcm')]));
      expect(e.failure).toMatchObject({ kind: 'network-error', message: expect.stringContaining('closed the connection') });
      expect(partialResults(e).map((r) => r.status)).toEqual([0]);
    } finally {
      await s.close();
    }
  });
});

describe('storeScu PDU sizes and pacing', () => {
  it('fragments to the peer\'s max PDU length and keeps one request outstanding', async () => {
    const s = await startScripted({ maxPdu: 4096, delayMs: 30 });
    const files = ['CT_small.dcm', 'MR_small.dcm', 'JPEG2000.dcm'].map(src);
    try {
      const results = await storeScu({ ...peer, port: s.port }, files);
      expect(results.map((r) => r.status)).toEqual([0, 0, 0]);
      expect(Math.max(...s.pduLengths)).toBe(4096);
      expect(s.overlapped).toBe(false);
      for (const f of files) expect(s.received.get(sopUidOf(f))!.equals(sent(readFileSync(f)))).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('uses large PDUs with a peer that allows them', async () => {
    const s = await startScripted({ maxPdu: 256 * 1024 });
    try {
      await storeScu({ ...peer, port: s.port }, [src('CT_small.dcm')]);
      // CT_small's data set (~39 KB) fits in one PDU after the command's
      expect(s.pduLengths.length).toBe(2);
    } finally {
      await s.close();
    }
  });

  it('proposes the file\'s own syntax alone per (class, syntax), then Explicit/Implicit LE per class', () => {
    const ctx = proposeContexts([
      { sopClassUid: '1.2.840.10008.5.1.4.1.1.2', transferSyntaxUid: '1.2.840.10008.1.2.1' },
      { sopClassUid: '1.2.840.10008.5.1.4.1.1.2', transferSyntaxUid: '1.2.840.10008.1.2.1' },
      { sopClassUid: '1.2.840.10008.5.1.4.1.1.2', transferSyntaxUid: '1.2.840.10008.1.2.4.90' },
    ]);
    expect(ctx).toEqual([
      { id: 1, abstractSyntax: '1.2.840.10008.5.1.4.1.1.2', transferSyntaxes: ['1.2.840.10008.1.2.1'] },
      { id: 3, abstractSyntax: '1.2.840.10008.5.1.4.1.1.2', transferSyntaxes: ['1.2.840.10008.1.2.4.90'] },
      { id: 5, abstractSyntax: '1.2.840.10008.5.1.4.1.1.2', transferSyntaxes: ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2'] },
    ]);
  });
});

describe('storeScu against DCMTK storescp', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pacslab-storescp-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const arrived = (sub: string, file: string) => {
    const uid = sopUidOf(file);
    const name = readdirSync(join(dir, sub)).find((n) => n.endsWith(uid));
    expect(name, `${file} did not arrive`).toBeTruthy();
    return readFileSync(join(dir, sub, name!));
  };

  for (const [label, maxPdu] of [['large (128 KiB)', '131072'], ['small (4 KiB)', '4096']] as const) {
    it(`files arrive byte for byte, big endian and deflate in their own syntax, with a ${label} max PDU`, async () => {
      const sub = `pdu${maxPdu}`;
      rmSync(join(dir, sub), { recursive: true, force: true });
      mkdirSync(join(dir, sub));
      const scp = await startStorescp(join(dir, sub), 'STORESCP', ['+xa', '--max-pdu', maxPdu]);
      const files = ['CT_small.dcm', 'JPEG2000.dcm', 'MR_small_bigendian.dcm', 'image_dfl.dcm'].map(src);
      try {
        const results = await storeScu({ ...peer, port: scp.port, calledAe: 'STORESCP' }, files);
        expect(results.map((r) => r.status)).toEqual([0, 0, 0, 0]);
        for (const f of files) {
          const got = arrived(sub, f);
          expect(splitPart10(got).transferSyntaxUid).toBe(splitPart10(readFileSync(f)).transferSyntaxUid);
          expect(dataset(got).equals(sent(readFileSync(f))), f).toBe(true);
        }
        expect(splitPart10(arrived(sub, files[2])).transferSyntaxUid).toBe(EXPLICIT_VR_BIG_ENDIAN);
        expect(splitPart10(arrived(sub, files[3])).transferSyntaxUid).toBe(DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN);
      } finally {
        await scp.stop();
      }
    });
  }

  it('a peer that accepts the class only in little endian: that file fails with "no presentation context", the rest is sent', async () => {
    const sub = 'plain';
    mkdirSync(join(dir, sub), { recursive: true });
    // storescp's default: uncompressed syntaxes only
    const scp = await startStorescp(join(dir, sub), 'PLAIN', []);
    const files = [src('JPEG2000.dcm'), src('MR_small.dcm')];
    try {
      const results = await storeScu({ ...peer, port: scp.port, calledAe: 'PLAIN' }, files);
      expect(results[0]).toMatchObject({ status: NOT_SENT_STATUS, category: 'failure', meaning: expect.stringMatching(/^no presentation context: .*PLAIN accepts .* only in Explicit VR Little Endian, not in the file's JPEG 2000/) });
      expect(results[1]).toMatchObject({ status: 0 });
      arrived(sub, files[1]);
    } finally {
      await scp.stop();
    }
  });
});
