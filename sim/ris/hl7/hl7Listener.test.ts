// The HL7 v2 intake over a real MLLP socket: a tiny sender written here (its own framing and message text, none
// of the app's HL7 code) places, changes and cancels orders and updates patients; DCMTK's findscu -W sees the
// result on the Modality Worklist. Malformed messages get AE/AR with an ERR segment and change nothing.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../prisma/testing';
import { seedDemo } from '../../seed';
import { startDicomServices, type DicomServices } from '../../startDicomServices';
import { runDcmtk } from '../../testing/dcmtk';
import { startHl7Listener, type Hl7Listener } from './hl7Listener';
import { hl7InterfaceSummary } from './hl7Log';

let t: TestDb;
let services: DicomServices;
let hl7: Hl7Listener;
let archiveDir: string;
let sandboxId: string;
let seq = 0;

// ---- the test's own HL7 sender --------------------------------------------------------------------------

/** One segment from its fields by position ("|" joined; empty positions left empty). */
function seg(name: string, fields: Record<number, string | undefined>): string {
  const max = Math.max(0, ...Object.keys(fields).map(Number));
  return [name, ...Array.from({ length: max }, (_, i) => fields[i + 1] ?? '')].join('|');
}
function msh(type: string, opts: { control?: string; version?: string; processing?: string; receiver?: string } = {}) {
  const control = opts.control ?? `T${++seq}`;
  // MSH-1 is the field separator itself, so MSH-2 is the first field after "MSH|"
  return { control, text: `MSH|^~\\&|HIS|GENERAL|${opts.receiver ?? 'RIS'}|DEMO|20261128101500||${type}|${control}|${opts.processing ?? 'P'}|${opts.version ?? '2.3'}` };
}
function message(head: { text: string }, ...segments: string[]) {
  return [head.text, ...segments].join('\r') + '\r';
}
const frame = (s: string | Buffer) => Buffer.concat([Buffer.from([0x0b]), Buffer.isBuffer(s) ? s : Buffer.from(s, 'utf8'), Buffer.from([0x1c, 0x0d])]);

/** Opens a connection and collects the acknowledgements the listener frames back. */
async function connect() {
  const socket = net.connect(hl7.port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const acks: string[] = [];
  let buffered = Buffer.alloc(0);
  const waiters: (() => void)[] = [];
  socket.on('data', (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (;;) {
      const start = buffered.indexOf(0x0b);
      const end = buffered.indexOf(Buffer.from([0x1c, 0x0d]));
      if (start < 0 || end < 0) break;
      acks.push(buffered.subarray(start + 1, end).toString('utf8'));
      buffered = buffered.subarray(end + 2);
    }
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    socket,
    acks,
    closed,
    async waitFor(n: number) {
      while (acks.length < n) await new Promise<void>((resolve, reject) => {
        waiters.push(resolve);
        setTimeout(() => reject(new Error(`timed out waiting for ${n} ACK(s); got ${acks.length}`)), 10_000);
      });
      return acks;
    },
  };
}

/** Sends one message on a fresh connection and returns the ACK's segments by name. */
async function send(text: string) {
  const c = await connect();
  c.socket.write(frame(text));
  const [ack] = await c.waitFor(1);
  c.socket.end();
  return parseAck(ack);
}

function parseAck(ack: string) {
  const segs = Object.fromEntries(ack.split('\r').filter(Boolean).map((s) => [s.slice(0, 3), s.split('|')]));
  return { raw: ack, msh: segs.MSH, msa: segs.MSA, err: segs.ERR as string[] | undefined };
}

// ---- the worklist, seen by DCMTK ------------------------------------------------------------------------

async function worklist(accession: string): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'pacslab-hl7-mwl-'));
  try {
    const keys = ['PatientName', 'PatientID', 'PatientBirthDate', 'PatientSex', `AccessionNumber=${accession}`, 'ReferringPhysicianName', 'RequestedProcedureDescription',
      'StudyInstanceUID', '(0040,0100)[0].Modality', '(0040,0100)[0].ScheduledStationAETitle', '(0040,0100)[0].ScheduledProcedureStepStartDate', '(0040,0100)[0].ScheduledProcedureStepStartTime'];
    const r = await runDcmtk('findscu', ['-W', '-X', '-od', dir, '-aet', 'CT1', '-aec', 'RIS', '127.0.0.1', String(services.port), ...keys.flatMap((k) => ['-k', k])]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const items: string[] = [];
    for (const f of readdirSync(dir).filter((f) => f.startsWith('rsp')).sort()) items.push((await runDcmtk('dcmdump', ['+L', join(dir, f)])).stdout);
    return items;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const tag = (dump: string, t: string) => new RegExp(`^\\s*\\(${t}\\) \\w\\w \\[([^\\]]*)\\]`, 'm').exec(dump)?.[1];

// ---- messages -------------------------------------------------------------------------------------------

function newOrder(o: { placer: string; mrn: string; name: string; filler?: string; when?: string; version?: string; pid3?: string; control?: string }) {
  const head = msh('ORM^O01', { version: o.version, control: o.control });
  return {
    control: head.control,
    text: message(
      head,
      seg('PID', { 1: '1', 3: o.pid3 ?? `${o.mrn}^^^GENERAL^MR`, 5: o.name, 7: '19800215', 8: 'F' }),
      seg('PV1', { 1: '1', 2: 'O' }),
      seg('ORC', { 1: 'NW', 2: o.placer, ...(o.filler ? { 3: o.filler } : {}), 5: 'SC', 7: `^^^${o.when ?? '20261130143000'}^^R`, 12: '1234^SMITH^JOHN^^^DR' }),
      seg('OBR', { 1: '1', 2: o.placer, ...(o.filler ? { 3: o.filler } : {}), 4: 'CTHEAD^CT Head without contrast^L', 16: '1234^SMITH^JOHN^A^^DR', 24: 'CT', 27: `^^^${o.when ?? '20261130143000'}^^S`, 31: '^Headache and dizziness' }),
    ),
  };
}

async function snapshot() {
  return {
    orders: await t.db.order.findMany({ orderBy: { accessionNumber: 'asc' } }),
    audits: await t.db.auditEvent.count(),
  };
}

beforeAll(async () => {
  t = await createTestDb();
  sandboxId = (await seedDemo(t.db)).sandboxId;
  archiveDir = mkdtempSync(join(tmpdir(), 'pacslab-hl7-archive-'));
  services = await startDicomServices({ db: t.db, host: '127.0.0.1', port: 0, archiveDir, databaseUrl: t.url });
  hl7 = await startHl7Listener({ db: t.db, host: '127.0.0.1', port: 0, maxFrameBytes: 64 * 1024 });
});
afterAll(async () => {
  await hl7?.close();
  await services?.close();
  await t?.drop();
  rmSync(archiveDir, { recursive: true, force: true });
});

describe('HL7 v2 intake over MLLP', () => {
  it('places an ORM^O01 NW order that findscu -W then finds on the worklist, and logs it', async () => {
    const m = newOrder({ placer: 'PLC1001', mrn: 'MRN9001', name: 'DOE^JANE^Q' });
    const ack = await send(m.text);
    expect(ack.msa.slice(0, 3), ack.raw).toEqual(['MSA', 'AA', m.control]);
    expect(ack.msh[8]).toBe('ACK^O01');
    expect(ack.msh.slice(2, 6)).toEqual(['RIS', 'DEMO', 'HIS', 'GENERAL']);
    const order = await t.db.order.findFirstOrThrow({ where: { sandboxId, patientId: 'MRN9001' } });
    expect(order).toMatchObject({
      patientName: 'DOE^JANE^Q', patientBirthDate: '19800215', patientSex: 'F', modality: 'CT', scheduledStationAeTitle: 'CT1',
      scheduledStartDate: '20261130', scheduledStartTime: '143000', requestedProcedureDescription: 'CT Head without contrast',
      referringPhysicianName: 'SMITH^JOHN^A^DR', reason: 'Headache and dizziness', priority: 'STAT', status: 'scheduled',
    });
    const items = await worklist(order.accessionNumber);
    expect(items).toHaveLength(1);
    expect(tag(items[0], '0010,0010')).toBe('DOE^JANE^Q');
    expect(tag(items[0], '0010,0020')).toBe('MRN9001');
    expect(tag(items[0], '0040,0001')).toBe('CT1');
    expect(tag(items[0], '0040,0002')).toBe('20261130');
    expect(tag(items[0], '0008,0090')).toBe('SMITH^JOHN^A^DR');
    expect(tag(items[0], '0020,000d')).toBe(order.studyInstanceUid);
    const log = await t.db.hl7Message.findFirstOrThrow({ where: { controlId: m.control } });
    expect(log).toMatchObject({ sandboxId, direction: 'in', messageType: 'ORM^O01', status: 'AA', placerOrderNumber: 'PLC1001', accessionNumber: order.accessionNumber });
    expect(log.raw).toContain('PID|1||MRN9001');
    expect(log.ack).toContain(`MSA|AA|${m.control}`);
  });

  it('answers a repeated message (same MSH-10, same content: the sender lost our ACK) with the same ACK, without a second order', async () => {
    const m = newOrder({ placer: 'PLC1501', mrn: 'MRN9501', name: 'TWICE^SENT' });
    const first = await send(m.text);
    const again = await send(m.text);
    expect(again.raw).toBe(first.raw);
    expect(await t.db.order.count({ where: { patientId: 'MRN9501' } })).toBe(1);
    // the same control ID with other content is a new message
    const other = await send(newOrder({ placer: 'PLC1502', mrn: 'MRN9502', name: 'OTHER^ONE', control: m.control }).text);
    expect(other.msa[1]).toBe('AA');
    expect(await t.db.order.count({ where: { patientId: 'MRN9502' } })).toBe(1);
  });

  it('cancels that order with ORC-1 CA by its placer number: it leaves the worklist', async () => {
    const order = await t.db.order.findFirstOrThrow({ where: { sandboxId, patientId: 'MRN9001' } });
    const head = msh('ORM^O01');
    const ack = await send(message(head, seg('PID', { 1: '1', 3: 'MRN9001^^^GENERAL^MR', 5: 'DOE^JANE^Q' }), seg('ORC', { 1: 'CA', 2: 'PLC1001' })));
    expect(ack.msa[1], ack.raw).toBe('AA');
    expect((await t.db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('cancelled');
    expect(await worklist(order.accessionNumber)).toHaveLength(0);
    expect(await t.db.auditEvent.count({ where: { action: 'order.cancel', target: `order:${order.accessionNumber}` } })).toBe(1);
  });

  it('reschedules with ORC-1 XO, by filler number (the Accession Number)', async () => {
    const m = newOrder({ placer: 'PLC1002', filler: 'ACC1002', mrn: 'MRN9002', name: 'ROE^RICHARD', version: '2.5.1' });
    expect((await send(m.text)).msa[1]).toBe('AA');
    const head = msh('ORM^O01', { version: '2.5.1' });
    const ack = await send(message(head, seg('PID', { 1: '1', 3: 'MRN9002^^^GENERAL^MR', 5: 'ROE^RICHARD' }), seg('ORC', { 1: 'XO', 2: 'PLC1002', 3: 'ACC1002' }), seg('TQ1', { 1: '1', 7: '202612011015' })));
    expect(ack.msa[1], ack.raw).toBe('AA');
    expect(await t.db.order.findFirstOrThrow({ where: { accessionNumber: 'ACC1002' } })).toMatchObject({ scheduledStartDate: '20261201', scheduledStartTime: '101500', status: 'scheduled' });
    const items = await worklist('ACC1002');
    expect(tag(items[0], '0040,0002')).toBe('20261201');
  });

  it('places an OMI^O23 as IHE RAD-4 sends it (2.5.1: TQ1, IPC, ZDS), keeping the filler\'s Accession Number, Study Instance UID and station', async () => {
    const head = msh('OMI^O23^OMI_O23', { version: '2.5.1' });
    const ack = await send(message(
      head,
      seg('PID', { 1: '1', 3: 'MRN9201^^^GENERAL^MR', 5: 'LEE^ANNA', 7: '19700101', 8: 'F' }),
      seg('PV1', { 1: '1', 2: 'O' }),
      seg('ORC', { 1: 'NW', 2: 'PLC3001', 3: 'FIL3001', 5: 'SC' }),
      seg('TQ1', { 1: '1', 7: '20261130090000', 9: 'R' }),
      seg('OBR', { 1: '1', 2: 'PLC3001', 3: 'FIL3001', 4: 'MRKNEE^MR Knee left^L', 16: '77^NGUYEN^LINH' }),
      seg('ZDS', { 1: '1.2.826.0.1.3680043.8.498.1^RIS^Application^DICOM' }),
      seg('IPC', { 1: 'ACC3001', 2: 'RP3001', 3: '1.2.826.0.1.3680043.8.498.1', 4: 'SPS3001', 5: 'MR^MR^DCM', 9: 'MR1' }),
    ));
    expect(ack.msa.slice(1, 3), ack.raw).toEqual(['AA', head.control]);
    expect(ack.msh[8]).toBe('ACK^O23^ACK');
    expect(await t.db.order.findFirstOrThrow({ where: { accessionNumber: 'ACC3001' } })).toMatchObject({
      patientId: 'MRN9201', modality: 'MR', scheduledStationAeTitle: 'MR1', studyInstanceUid: '1.2.826.0.1.3680043.8.498.1',
      scheduledStartDate: '20261130', scheduledStartTime: '090000', requestedProcedureDescription: 'MR Knee left', referringPhysicianName: 'NGUYEN^LINH', priority: 'ROUTINE',
    });
    const items = await worklist('ACC3001');
    expect(tag(items[0], '0020,000d')).toBe('1.2.826.0.1.3680043.8.498.1');
    expect(tag(items[0], '0040,0001')).toBe('MR1');
    // the OMI's filler number (ORC-3) is not its Accession Number: a cancel still finds the order by the placer's
    const ca = await send(message(msh('OMI^O23^OMI_O23', { version: '2.5.1' }), seg('PID', { 1: '1', 3: 'MRN9201^^^GENERAL^MR', 5: 'LEE^ANNA' }), seg('ORC', { 1: 'CA', 2: 'PLC3001', 3: 'FIL3001' })));
    expect(ca.msa[1], ca.raw).toBe('AA');
    expect((await t.db.order.findFirstOrThrow({ where: { accessionNumber: 'ACC3001' } })).status).toBe('cancelled');
  });

  it('updates the name on open orders with ADT^A08 (audited)', async () => {
    const ack = await send(message(msh('ADT^A08'), seg('EVN', { 1: 'A08' }), seg('PID', { 1: '1', 3: 'MRN9002^^^GENERAL^MR', 5: 'ROE^RICHARDA^M', 7: '19800216', 8: 'M' })));
    expect(ack.msa[1], ack.raw).toBe('AA');
    expect(await t.db.order.findFirstOrThrow({ where: { accessionNumber: 'ACC1002' } })).toMatchObject({ patientName: 'ROE^RICHARDA^M', patientBirthDate: '19800216', patientSex: 'M' });
    expect(tag((await worklist('ACC1002'))[0], '0010,0010')).toBe('ROE^RICHARDA^M');
    const audit = await t.db.auditEvent.findFirstOrThrow({ where: { action: 'patient.update', target: 'patient:MRN9002' } });
    expect(audit.reason).toMatch(/HL7 ADT\^A08/);
  });

  it('merges the prior MRN into the surviving one with ADT^A40 (audited)', async () => {
    const ack = await send(message(msh('ADT^A40'), seg('EVN', { 1: 'A40' }), seg('PID', { 1: '1', 3: 'MRN7777^^^GENERAL^MR', 5: 'ROE^RICHARD^M' }), seg('MRG', { 1: 'MRN9002^^^GENERAL^MR' })));
    expect(ack.msa[1], ack.raw).toBe('AA');
    expect(await t.db.order.count({ where: { patientId: 'MRN9002' } })).toBe(0);
    expect(await t.db.order.findFirstOrThrow({ where: { accessionNumber: 'ACC1002' } })).toMatchObject({ patientId: 'MRN7777', patientName: 'ROE^RICHARD^M' });
    expect(tag((await worklist('ACC1002'))[0], '0010,0020')).toBe('MRN7777');
    expect(await t.db.auditEvent.count({ where: { action: 'patient.merge', target: 'patient:MRN7777' } })).toBe(1);
  });

  it('answers malformed or unsupported messages with AE/AR and an ERR segment, and changes nothing', async () => {
    const before = await snapshot();
    // not HL7 at all: AR, no control ID to echo
    const garbage = await send('HELLO WORLD\r');
    expect(garbage.msa.slice(1, 3)).toEqual(['AR', '']);
    expect(garbage.err).toBeDefined();
    // a header without MSH-10
    const noControl = await send(message({ text: 'MSH|^~\\&|HIS|GENERAL|RIS|DEMO|20261128101500||ORM^O01||P|2.3' }, seg('PID', { 3: 'X' })));
    expect(noControl.msa[1]).toBe('AR');
    expect(noControl.err?.[1]).toBe('MSH^1^10^101');
    // an unsupported trigger event
    const o02 = msh('ORM^O02');
    const trig = await send(message(o02, seg('PID', { 3: 'X' })));
    expect(trig.msa.slice(1, 3)).toEqual(['AR', o02.control]);
    expect(trig.err?.[1]).toBe('MSH^1^9^201');
    // an unsupported message type, in 2.5 (ERR-3)
    const oru = msh('ORU^R01', { version: '2.5' });
    const type = await send(message(oru));
    expect(type.msa[1]).toBe('AR');
    expect(type.err?.[3]).toBe('200^Unsupported message type^HL70357');
    // a processing ID that is not P, T or D
    const proc = await send(newOrder({ placer: 'P1', mrn: 'M1', name: 'A^B' }).text.replace('|P|2.3', '|X|2.3'));
    expect(proc.msa[1]).toBe('AR');
    expect(proc.err?.[1]).toBe('MSH^1^11^202');
    // a receiving application that is no sandbox's worklist broker
    const nobody = await send(message(msh('ORM^O01', { receiver: 'NOSUCH' }), seg('PID', { 3: 'X' })));
    expect(nobody.msa[1]).toBe('AR');
    // a new order without PID-3: AE, ERR-1 points at PID-3 (2.3) or ERR-2/3 (2.5.1)
    const noMrn = newOrder({ placer: 'P2', mrn: '', pid3: '', name: 'A^B' });
    const ae = await send(noMrn.text);
    expect(ae.msa.slice(1, 3)).toEqual(['AE', noMrn.control]);
    expect(ae.err?.[1]).toBe('PID^1^3^101');
    const ae251 = await send(newOrder({ placer: 'P3', mrn: '', pid3: '', name: 'A^B', version: '2.5.1' }).text);
    expect(ae251.err?.slice(2, 5)).toEqual(['PID^1^3^1', '101^Required field missing^HL70357', 'E']);
    expect(ae251.err?.[8]).toMatch(/PID-3/);
    // a cancel for an order that does not exist: AE, unknown key
    const ca = await send(message(msh('ORM^O01'), seg('PID', { 3: 'M1', 5: 'A^B' }), seg('ORC', { 1: 'CA', 2: 'NOPE' })));
    expect(ca.msa[1]).toBe('AE');
    expect(ca.err?.[1]).toMatch(/\^204$/);
    // a bad birth date (a data type error) and an accession number that is already used
    const badDate = await send(newOrder({ placer: 'P4', mrn: 'M4', name: 'A^B' }).text.replace('|19800215|', '|15FEB1980|'));
    expect(badDate.msa[1]).toBe('AE');
    expect(badDate.err?.[1]).toMatch(/\^102$/);
    const dup = await send(newOrder({ placer: 'P5', mrn: 'M5', name: 'A^B', filler: 'ACC1002' }).text);
    expect(dup.msa[1]).toBe('AE');
    expect(dup.err?.[1]).toMatch(/\^205$/);
    expect(await snapshot()).toEqual(before);
    const logged = await t.db.hl7Message.findMany({ where: { status: { in: ['AE', 'AR'] } } });
    expect(logged.length).toBeGreaterThanOrEqual(11);
    expect(logged.every((l) => l.error.length > 0)).toBe(true);
  });

  it('answers and logs a message with a NUL byte in it (PostgreSQL text cannot store one)', async () => {
    const ack = await send(message(msh('ORM^O01', { control: 'NUL1' }), seg('PID', { 1: '1', 3: 'MRN\0X', 5: 'A^B' }), seg('ORC', { 1: 'CA', 2: 'NOPE\0' })));
    expect(ack.msa.slice(1, 3)).toEqual(['AE', 'NUL1']);
    expect(ack.err?.[1]).toMatch(/\^204$/);
    expect(await t.db.hl7Message.count({ where: { controlId: 'NUL1', status: 'AE' } })).toBe(1);
  });

  it("sums up the sandbox's interface for the RIS page: latest messages and answers by status", async () => {
    const summary = await hl7InterfaceSummary(t.db, sandboxId, { limit: 5 });
    expect(summary.messages).toHaveLength(5);
    expect(summary.lastReceivedAt).toEqual(summary.messages[0].receivedAt);
    const all = await t.db.hl7Message.groupBy({ by: ['status'], where: { sandboxId }, _count: { _all: true } });
    for (const g of all) expect(summary.counts[g.status as 'AA' | 'AE' | 'AR']).toBe(g._count._all);
    expect(summary.counts.AA).toBeGreaterThan(0);
    expect(summary.counts.AE).toBeGreaterThan(0);
  });

  it('handles a frame in fragments, back-to-back frames and noise between them, one ACK each in order', async () => {
    const a = newOrder({ placer: 'PLC2001', mrn: 'MRN9101', name: 'ONE^A' });
    const b = newOrder({ placer: 'PLC2002', mrn: 'MRN9102', name: 'TWO^B' });
    const c = newOrder({ placer: 'PLC2003', mrn: 'MRN9103', name: 'THREE^C' });
    const conn = await connect();
    const fa = frame(a.text);
    for (const part of [fa.subarray(0, 1), fa.subarray(1, 40), fa.subarray(40, fa.length - 1), fa.subarray(fa.length - 1)]) {
      conn.socket.write(part);
      await new Promise((r) => setTimeout(r, 20));
    }
    conn.socket.write(Buffer.concat([Buffer.from('\r\n'), frame(b.text), frame(c.text)]));
    const acks = (await conn.waitFor(3)).map(parseAck);
    expect(acks.map((x) => x.msa.slice(1, 3))).toEqual([['AA', a.control], ['AA', b.control], ['AA', c.control]]);
    conn.socket.end();
    expect(await t.db.order.count({ where: { sandboxId, patientId: { in: ['MRN9101', 'MRN9102', 'MRN9103'] } } })).toBe(3);
  });

  it('closes a connection that sends a frame over the size cap', async () => {
    const conn = await connect();
    conn.socket.write(Buffer.concat([Buffer.from([0x0b]), Buffer.alloc(70 * 1024, 0x41)]));
    await conn.closed;
    expect(conn.acks).toEqual([]);
  });
});
