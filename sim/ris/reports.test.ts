import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../prisma/testing';
import { seedDemo } from '../seed';
import { ReportError, saveDraft, signReport } from './reports';

let t: TestDb;
let sandboxId: string;
const reader = { actorId: null, name: 'HOUSE^GREGORY' };
let n = 0;

beforeAll(async () => {
  t = await createTestDb();
  sandboxId = (await seedDemo(t.db)).sandboxId;
});
afterAll(async () => {
  await t?.drop();
});

/** A study in the archive carrying the accession of a seeded order (or none). */
async function study(status: string, withOrder = true) {
  const order = withOrder ? await t.db.order.findFirstOrThrow({ where: { sandboxId, status: 'scheduled' }, orderBy: { accessionNumber: 'asc' }, skip: n }) : null;
  n++;
  const patient = await t.db.patient.create({ data: { sandboxId, patientId: `RPT${n}`, patientName: 'DOE^JANE' } });
  return t.db.study.create({
    data: { sandboxId, patientRefId: patient.id, studyInstanceUid: `1.2.3.999.${n}`, accessionNumber: order?.accessionNumber ?? '', status, studyDate: '20261128', studyTime: '101500' },
  });
}

async function ackingReceiver() {
  const got: string[] = [];
  const server = net.createServer((sock) =>
    sock.on('data', (d) => {
      const text = d.toString('utf8').replace(/^\x0b/, '').replace(/\x1c\r$/, '');
      got.push(text);
      const control = text.split('\r')[0].split('|')[9];
      sock.write(`\x0bMSH|^~\\&|EMR|H|RIS|PACSLAB|20261128||ACK^R01^ACK|A1|P|2.5.1\rMSA|AA|${control}\r\x1c\r`);
    }),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { got, port: (server.address() as net.AddressInfo).port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('reports', () => {
  it('saves a draft and keeps it editable', async () => {
    const s = await study('verified');
    const d = await saveDraft(t.db, sandboxId, s.studyInstanceUid, { findings: 'first', impression: '' }, reader);
    expect(d).toMatchObject({ status: 'draft', findings: 'first', deliveryStatus: 'none' });
    const d2 = await saveDraft(t.db, sandboxId, s.studyInstanceUid, { findings: 'second', impression: 'ok' }, reader);
    expect(d2).toMatchObject({ id: d.id, findings: 'second', impression: 'ok' });
  });

  it('signs: final report, study read, order reported, audited, ORU delivered and ACKed', async () => {
    const s = await study('verified');
    const rx = await ackingReceiver();
    try {
      const { report, delivery } = await signReport(t.db, sandboxId, s.studyInstanceUid, { findings: 'No bleed.', impression: 'Normal.' }, reader, { sendingApplication: 'RIS', endpoint: { host: '127.0.0.1', port: rx.port } });
      expect(delivery).toEqual({ status: 'AA', error: '' });
      expect(report).toMatchObject({ status: 'final', signedByName: 'HOUSE^GREGORY', deliveryStatus: 'AA' });
      expect(report.signedAt).toBeInstanceOf(Date);
      expect((await t.db.study.findUniqueOrThrow({ where: { id: s.id } })).status).toBe('read');
      expect((await t.db.order.findFirstOrThrow({ where: { sandboxId, accessionNumber: s.accessionNumber } })).status).toBe('reported');
      const actions = (await t.db.auditEvent.findMany({ where: { OR: [{ target: `study:${s.studyInstanceUid}` }, { target: `order:${s.accessionNumber}` }] } })).map((a) => a.action).sort();
      expect(actions).toEqual(['order.report-signed', 'report.sign', 'study.mark-read']);
      expect(rx.got[0]).toContain(`OBR|1||${s.accessionNumber}|`);
      // final: no more edits, no second signature
      await expect(saveDraft(t.db, sandboxId, s.studyInstanceUid, { findings: 'x' }, reader)).rejects.toThrow(/signed \(final\)/);
      await expect(signReport(t.db, sandboxId, s.studyInstanceUid, { impression: 'x' }, reader, { sendingApplication: 'RIS', endpoint: null })).rejects.toThrow(/signed \(final\)/);
    } finally {
      await rx.close();
    }
  });

  it('refuses a study that is not verified, in words, and changes nothing', async () => {
    const s = await study('hold');
    await saveDraft(t.db, sandboxId, s.studyInstanceUid, { findings: 'f', impression: 'i' }, reader);
    const e = await signReport(t.db, sandboxId, s.studyInstanceUid, { findings: 'f', impression: 'i' }, reader, { sendingApplication: 'RIS', endpoint: null }).catch((x) => x);
    expect(e).toBeInstanceOf(ReportError);
    expect(e.message).toMatch(/^Verify the study first \(it is on hold\)/);
    expect((await t.db.report.findFirstOrThrow({ where: { studyRefId: s.id } })).status).toBe('draft');
    expect((await t.db.study.findUniqueOrThrow({ where: { id: s.id } })).status).toBe('hold');
  });

  it('needs an impression to sign', async () => {
    const s = await study('verified');
    await expect(signReport(t.db, sandboxId, s.studyInstanceUid, { findings: 'f', impression: ' ' }, reader, { sendingApplication: 'RIS', endpoint: null })).rejects.toMatchObject({ fields: { impression: ['A signed report needs an impression.'] } });
  });

  it('keeps the signed report when the ORU cannot be delivered, and says why', async () => {
    const s = await study('verified', false);
    const { report } = await signReport(t.db, sandboxId, s.studyInstanceUid, { impression: 'Normal.' }, reader, { sendingApplication: 'RIS', endpoint: null });
    expect(report).toMatchObject({ status: 'final', deliveryStatus: 'not-sent', deliveryError: 'no outbound endpoint configured (set HL7_OUTBOUND=host:port)', orderId: null });
    expect((await t.db.study.findUniqueOrThrow({ where: { id: s.id } })).status).toBe('read');
    expect(await t.db.hl7Message.count({ where: { sandboxId, direction: 'out', status: 'not-sent' } })).toBe(1);
  });

  it('refuses to complete a cancelled order', async () => {
    const s = await study('verified');
    await t.db.order.updateMany({ where: { sandboxId, accessionNumber: s.accessionNumber }, data: { status: 'cancelled' } });
    await expect(signReport(t.db, sandboxId, s.studyInstanceUid, { impression: 'x' }, reader, { sendingApplication: 'RIS', endpoint: null })).rejects.toThrow(/is cancelled: a report cannot complete it/);
    expect((await t.db.study.findUniqueOrThrow({ where: { id: s.id } })).status).toBe('verified');
  });
});
