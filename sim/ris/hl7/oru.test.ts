// ORU^R01 out over a real socket: a tiny MLLP receiver written here (raw framing, its own ACK text) takes the
// message, which is parsed back with hl7v2 and checked field by field; refused connections, silence and AE are
// logged with direction "out" and never throw.
import net from 'node:net';
import { HL7Message } from 'hl7v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../prisma/testing';
import { hl7InterfaceSummary, hl7OutboundLog } from './hl7Log';
import { buildOruR01, deliverOru, hl7OutboundFromEnv, type OruInput } from './oru';

let t: TestDb;
let sandboxId: string;

beforeAll(async () => {
  t = await createTestDb();
  sandboxId = (await t.db.sandbox.create({ data: { slug: 'oru-test', name: 'ORU test' } })).id;
});
afterAll(async () => {
  await t?.drop();
});

const report = (controlId: string): OruInput => ({
  sendingApplication: 'RIS',
  controlId,
  sentAt: new Date('2026-11-28T10:15:00Z'),
  patient: { patientId: 'MRN104210', patientName: 'DOE^JANE', birthDate: '19700101', sex: 'F' },
  accessionNumber: 'ACC0042',
  studyInstanceUid: '1.2.826.0.1.3680043.8.498.1',
  procedureCode: 'RP0042',
  procedureDescription: 'CT HEAD WITHOUT CONTRAST',
  modality: 'CT',
  observationDateTime: '20261128101000',
  findings: 'No acute intracranial haemorrhage.\n\nVentricles normal | no shift ^ midline.',
  impression: 'Normal CT head.',
  interpreterName: 'HOUSE^GREGORY',
  signedAt: new Date('2026-11-28T10:14:00Z'),
});

/** A receiver that answers every frame with `answer(controlId)`, or with nothing. */
async function receiver(answer: ((controlId: string) => string) | null) {
  const got: string[] = [];
  const server = net.createServer((sock) => {
    let buf = Buffer.alloc(0);
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf(Buffer.from([0x1c, 0x0d]));
      if (buf[0] !== 0x0b || end < 0) return;
      const text = buf.subarray(1, end).toString('utf8');
      buf = buf.subarray(end + 2);
      got.push(text);
      const control = text.split('\r')[0].split('|')[9];
      if (answer) sock.write(Buffer.concat([Buffer.from([0x0b]), Buffer.from(answer(control)), Buffer.from([0x1c, 0x0d])]));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return { got, port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const ack = (code: string, control: string, text = '') => `MSH|^~\\&|EMR|HOSPITAL|RIS|PACSLAB|20261128101500||ACK^R01^ACK|A${control}|P|2.5.1\rMSA|${code}|${control}|${text}\r`;

describe('ORU^R01', () => {
  it('is a well-formed HL7 2.5.1 result: accession as filler number, F status, one TX OBX per line', () => {
    const msg = new HL7Message();
    msg.parse(buildOruR01(report('C1')));
    expect(msg.header.field(9).getValue(1)).toBe('ORU');
    expect(msg.header.field(9).getValue(2)).toBe('R01');
    expect(String(msg.header.field(12).getValue())).toBe('2.5.1');
    const pid = msg.getSegment('PID')!;
    expect(pid.field(3).getValue(1)).toBe('MRN104210');
    expect(pid.field(5).getValue(1)).toBe('DOE');
    expect(pid.field(5).getValue(2)).toBe('JANE');
    const obr = msg.getSegment('OBR')!;
    expect(obr.field(3).getValue()).toBe('ACC0042');
    expect(obr.field(25).getValue()).toBe('F');
    expect(obr.field(24).getValue()).toBe('CT');
    const obx = msg.segments.filter((s) => s.segmentType === 'OBX');
    const tx = obx.filter((s) => s.field(2).getValue() === 'TX');
    expect(tx.map((s) => [s.field(3).getValue(1), s.field(5).getValue()])).toEqual([
      ['18782-3', 'No acute intracranial haemorrhage.'],
      // HL7 delimiters in the text are escaped on the wire and come back intact
      ['18782-3', 'Ventricles normal | no shift ^ midline.'],
      ['19005-8', 'Normal CT head.'],
    ]);
    expect(obx.every((s) => s.field(11).getValue() === 'F')).toBe(true);
  });

  it('reads HL7_OUTBOUND as host:port', () => {
    expect(hl7OutboundFromEnv({})).toBeNull();
    expect(hl7OutboundFromEnv({ HL7_OUTBOUND: '10.0.0.5:2576' })).toEqual({ host: '10.0.0.5', port: 2576 });
    expect(hl7OutboundFromEnv({ HL7_OUTBOUND: 'emr' })).toEqual({ error: 'HL7_OUTBOUND must be host:port, not "emr"' });
  });

  it('is delivered over MLLP, ACKed AA and logged with direction out', async () => {
    const rx = await receiver((c) => ack('AA', c));
    try {
      const r = await deliverOru(t.db, sandboxId, report('C2'), { host: '127.0.0.1', port: rx.port });
      expect(r).toEqual({ status: 'AA', error: '' });
      expect(rx.got).toHaveLength(1);
      const msg = new HL7Message();
      msg.parse(rx.got[0]);
      expect(msg.getSegment('OBR')!.field(3).getValue()).toBe('ACC0042');
      expect(String(msg.header.field(10).getValue())).toBe('C2');
      const log = await t.db.hl7Message.findFirstOrThrow({ where: { sandboxId, controlId: 'C2' } });
      expect(log).toMatchObject({ direction: 'out', messageType: 'ORU^R01', status: 'AA', accessionNumber: 'ACC0042', peerAddress: `127.0.0.1:${rx.port}` });
      expect(log.raw).toContain('OBR|1||ACC0042');
      expect(log.ack).toContain('MSA|AA|C2');
    } finally {
      await rx.close();
    }
  });

  it('logs an AE with the receiver’s reason', async () => {
    const rx = await receiver((c) => ack('AE', c, 'Unknown patient'));
    try {
      const r = await deliverOru(t.db, sandboxId, report('C3'), { host: '127.0.0.1', port: rx.port });
      expect(r.status).toBe('AE');
      expect(r.error).toMatch(/answered AE \(application error.*Unknown patient/);
      expect(await t.db.hl7Message.findFirstOrThrow({ where: { sandboxId, controlId: 'C3' } })).toMatchObject({ direction: 'out', status: 'AE' });
    } finally {
      await rx.close();
    }
  });

  it('logs a refused connection and a receiver that never answers', async () => {
    const rx = await receiver(null);
    const closedPort = await (async () => {
      const s = net.createServer();
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
      const p = (s.address() as net.AddressInfo).port;
      await new Promise<void>((r) => s.close(() => r()));
      return p;
    })();
    try {
      const refused = await deliverOru(t.db, sandboxId, report('C4'), { host: '127.0.0.1', port: closedPort });
      expect(refused.status).toBe('failed');
      expect(refused.error).toMatch(/connection refused/);
      const silent = await deliverOru(t.db, sandboxId, report('C5'), { host: '127.0.0.1', port: rx.port }, { timeoutMs: 300 });
      expect(silent).toMatchObject({ status: 'failed' });
      expect(silent.error).toMatch(/no ACK .* within 0.3 s/);
      const logs = await t.db.hl7Message.findMany({ where: { sandboxId, controlId: { in: ['C4', 'C5'] } }, orderBy: { controlId: 'asc' } });
      expect(logs.map((l) => [l.direction, l.status])).toEqual([['out', 'failed'], ['out', 'failed']]);
      expect(logs[0].raw).toContain('ORU^R01');
    } finally {
      await rx.close();
    }
  });

  it('is logged as not sent when no endpoint is configured', async () => {
    const r = await deliverOru(t.db, sandboxId, report('C6'), null);
    expect(r).toEqual({ status: 'not-sent', error: 'no outbound endpoint configured (set HL7_OUTBOUND=host:port)' });
    expect(await t.db.hl7Message.findFirstOrThrow({ where: { sandboxId, controlId: 'C6' } })).toMatchObject({ direction: 'out', status: 'not-sent' });
  });

  it('lists what was sent apart from what came in', async () => {
    const out = await hl7OutboundLog(t.db, sandboxId);
    expect(out.map((m) => m.controlId).sort()).toEqual(['C2', 'C3', 'C4', 'C5', 'C6']);
    expect(out.every((m) => m.messageType === 'ORU^R01')).toBe(true);
    const inbound = await hl7InterfaceSummary(t.db, sandboxId);
    expect(inbound.messages).toEqual([]);
    expect(inbound.counts).toEqual({ AA: 0, AE: 0, AR: 0 });
  });
});
