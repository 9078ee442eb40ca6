// worklist-missing, mode hl7-down, against the real HL7 listener and the real DICOM listener on real sockets and a
// real database: the RIS's inbound interface is stopped, the HIS sends the story's order over MLLP and gets no ACK,
// so the order is on no worklist (the scanner's own C-FIND, and DCMTK's findscu -W). Resending while stopped fails
// again in words; typing the order in by hand does not pass (and the HIS's resend then makes a duplicate); starting
// the interface and resending does. The listener drops messages only for the stopped sandbox; an AE is recorded.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDb } from '../../prisma/testing';
import { startSandboxHarness, type SandboxHarness } from '../testing/sandboxHarness';
import { runDcmtk } from '../testing/dcmtk';
import { startHl7Listener, type Hl7Listener } from '../ris/hl7/hl7Listener';
import { hisAccessionNumber, queueHisOrder, resendOutbound, sendOutbound } from '../ris/hl7/hisOutbound';
import { inboundState, startInbound, stopInbound } from '../ris/hl7/interfaceState';
import { localDicomDate } from '../modality/worklist';
import { cancelOrder, createOrder } from '../ris/orders';
import { ensureUserSandbox, resetSandbox } from '../sandboxes';
import { scannerWorklist } from './exam';
import { checkFault, clearFault, injectFault } from './engine';

let harness: SandboxHarness;
let t: TestDb;
let sandboxId: string;
let hl7: Hl7Listener;
const saved = { host: process.env.HL7_HOST, port: process.env.HL7_PORT };

const PATIENT = { patientName: 'ADEYEMI^FOLAKE', patientId: 'SCN0021', patientBirthDate: '19840923', patientSex: 'F', requestedProcedureDescription: 'XR CHEST PA AND LATERAL' };
const failing = (r: { results: { id: string; passed: boolean }[] }) => r.results.filter((c) => !c.passed).map((c) => c.id).sort();
type Undo = { outboundId: string; accessionNumber: string; patientId: string };

beforeAll(async () => {
  harness = await startSandboxHarness();
  ({ t, sandboxId } = harness);
  hl7 = await startHl7Listener({ db: t.db, host: '127.0.0.1', port: 0 });
  // the HIS sends where sim/hl7d.ts binds the listener: HL7_HOST / HL7_PORT
  process.env.HL7_HOST = '127.0.0.1';
  process.env.HL7_PORT = String(hl7.port);
}, 60_000);

afterAll(async () => {
  for (const [k, v] of [['HL7_HOST', saved.host], ['HL7_PORT', saved.port]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await hl7?.close();
  await harness?.close();
});

/** DCMTK's findscu -W as DX1, today, its own station: the accession numbers it gets back. */
async function findscuAccessions(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'pacslab-hl7down-mwl-'));
  try {
    const keys = ['AccessionNumber', 'PatientID', '(0040,0100)[0].ScheduledStationAETitle=DX1', `(0040,0100)[0].ScheduledProcedureStepStartDate=${localDicomDate(new Date())}`];
    const r = await runDcmtk('findscu', ['-W', '-X', '-od', dir, '-aet', 'DX1', '-aec', 'RIS', '127.0.0.1', String(harness.services.port), ...keys.flatMap((k) => ['-k', k])]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const out: string[] = [];
    for (const f of readdirSync(dir).filter((f) => f.startsWith('rsp')).sort()) {
      const dump = (await runDcmtk('dcmdump', ['+L', join(dir, f)])).stdout;
      out.push(/^\s*\(0008,0050\) SH \[([^\]]*)\]/m.exec(dump)?.[1] ?? '');
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Sends one raw MLLP frame; resolves with the ACK text, or null when the listener closed the connection without one. */
function rawSend(text: string): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(hl7.port, '127.0.0.1');
    let got = Buffer.alloc(0);
    const timer = setTimeout(() => reject(new Error('no answer and no close within 10 s')), 10_000);
    socket.on('connect', () => socket.write(Buffer.concat([Buffer.from([0x0b]), Buffer.from(text), Buffer.from([0x1c, 0x0d])])));
    socket.on('data', (c) => {
      got = Buffer.concat([got, c]);
      const end = got.indexOf(Buffer.from([0x1c, 0x0d]));
      if (end > 0) {
        clearTimeout(timer);
        socket.destroy();
        resolve(got.subarray(1, end).toString('utf8'));
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(null);
    });
    socket.on('error', () => undefined);
  });
}
const orm = (receiver: string, control: string, mrn: string) =>
  [
    `MSH|^~\\&|HIS|GENERAL|${receiver}|DEMO|20261128101500||ORM^O01|${control}|P|2.3`,
    `PID|1||${mrn}^^^GENERAL^MR||RAW^SENDER||19800215|F`,
    `ORC|NW|${control}|||SC||^^^20261130143000^^R`,
    `OBR|1|${control}||CTHEAD^CT Head^L||||||||||||||||||||CT|||^^^20261130143000^^R`,
  ].join('\r') + '\r';

describe('the inbound HL7 interface, stopped', () => {
  it('closes the connection without an ACK for a stopped sandbox only: nothing applied or logged there, other sandboxes answered', async () => {
    await t.db.user.create({ data: { id: 'ada', name: 'Ada', email: 'ada@test' } });
    const ada = await ensureUserSandbox(t.db, 'ada', { host: '127.0.0.1', port: harness.services.port });
    await stopInbound(t.db, ada.sandbox.id, { actorId: null, reason: 'engine upgrade' });
    expect(await inboundState(t.db, ada.sandbox.id)).toMatchObject({ running: false, stoppedReason: 'engine upgrade' });
    expect(await inboundState(t.db, sandboxId)).toMatchObject({ running: true });

    expect(await rawSend(orm(ada.aes.worklist, 'STOP1', 'MRN5001'))).toBeNull();
    expect(await t.db.order.count({ where: { patientId: 'MRN5001' } })).toBe(0);
    expect(await t.db.hl7Message.count({ where: { controlId: 'STOP1' } })).toBe(0);

    const demo = await rawSend(orm('RIS', 'RUN1', 'MRN5002'));
    expect(demo).toMatch(/MSA\|AA\|RUN1/);
    expect(await t.db.order.count({ where: { sandboxId, patientId: 'MRN5002' } })).toBe(1);

    // started again: the same message is applied and acknowledged
    await startInbound(t.db, ada.sandbox.id, { actorId: null, reason: 'done' });
    expect(await rawSend(orm(ada.aes.worklist, 'STOP1', 'MRN5001'))).toMatch(/MSA\|AA\|STOP1/);
    expect(await t.db.order.count({ where: { sandboxId: ada.sandbox.id, patientId: 'MRN5001' } })).toBe(1);
    const audit = await t.db.auditEvent.findMany({ where: { target: `sandbox:${ada.sandbox.id}`, action: { startsWith: 'hl7-inbound.' } }, orderBy: { at: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['hl7-inbound.stop', 'hl7-inbound.start']);
    await expect(stopInbound(t.db, ada.sandbox.id, { actorId: null, reason: 'x'.repeat(300) })).rejects.toThrow(/at most 200 characters/);

    // a reset starts the interface and empties the HIS queue
    await stopInbound(t.db, ada.sandbox.id, { actorId: null });
    await queueHisOrder(t.db, ada.sandbox.id, { receivingApplication: ada.aes.worklist, ...PATIENT, patientSex: 'F', accessionNumber: 'HRESET1', modality: 'CT', scheduledStationAeTitle: 'CT1', scheduledStart: '202611301430' });
    await resetSandbox(t.db, ada.sandbox.id, { listener: { host: '127.0.0.1', port: harness.services.port }, archiveDir: harness.archiveDir, modalityDir: harness.storeDir });
    expect((await inboundState(t.db, ada.sandbox.id)).running).toBe(true);
    expect(await t.db.hl7Outbound.count({ where: { sandboxId: ada.sandbox.id } })).toBe(0);
  });
});

describe('worklist-missing, hl7-down', () => {
  it('the HIS order gets no ACK and is on no worklist; a resend while stopped fails in words; typing it in by hand does not pass', async () => {
    const inj = await injectFault(t.db, sandboxId, 'worklist-missing', { modalityAe: 'DX1', mode: 'hl7-down', order: PATIENT });
    const u = inj.undo as Undo;
    expect(u.accessionNumber).toMatch(/^H\d{8}-/);
    expect((await inboundState(t.db, sandboxId)).running).toBe(false);
    const msg = await t.db.hl7Outbound.findUniqueOrThrow({ where: { id: u.outboundId } });
    expect(msg).toMatchObject({ sandboxId, messageType: 'ORM^O01', status: 'failed', attempts: 1, ackCode: '', accessionNumber: u.accessionNumber, patientName: 'ADEYEMI^FOLAKE' });
    expect(msg.lastError).toMatch(/closed the connection without acknowledging the message: its inbound HL7 interface is most likely stopped/);
    expect(msg.raw).toMatch(/^MSH\|\^~\\&\|HIS\|HOSPITAL\|RIS\|/);
    expect(msg.raw).toContain('PID|1||SCN0021^^^HOSPITAL^MR||ADEYEMI^FOLAKE||19840923|F');
    expect(msg.raw).toMatch(/\rIPC\|[^|]+\|[^|]*\|\|[^|]*\|DX\^DX\^DCM\|\|\|\|DX1/);

    // the symptom over real DICOM: the RIS has no such order, neither the scanner's query nor findscu -W sees it
    expect(await t.db.order.count({ where: { sandboxId, accessionNumber: u.accessionNumber } })).toBe(0);
    const items = await scannerWorklist(t.db, sandboxId, 'DX1');
    expect(items.length).toBeGreaterThan(0);
    expect(items.map((i) => i.accessionNumber)).not.toContain(u.accessionNumber);
    expect(await findscuAccessions()).not.toContain(u.accessionNumber);
    expect(failing(await checkFault(t.db, inj.id))).toEqual(['interface-running', 'on-worklist', 'order-delivered']);

    // Resend while the interface is still stopped: failed again, in words
    const [again] = await resendOutbound(t.db, sandboxId, { id: u.outboundId });
    expect(again).toMatchObject({ status: 'failed', attempts: 2 });
    expect(again.lastError).toMatch(/without acknowledging/);

    // the wrong fix: the order typed into the RIS by hand (as the RIS console's New order does)
    const typed = await createOrder(t.db, sandboxId, {
      patientId: PATIENT.patientId, patientName: PATIENT.patientName, patientBirthDate: PATIENT.patientBirthDate, patientSex: 'F', requestedProcedureDescription: PATIENT.requestedProcedureDescription,
      modality: 'DX', scheduledStationAeTitle: 'DX1', scheduledStartDate: localDicomDate(new Date()), scheduledStartTime: '1000',
    }, { actorId: null, reason: 'typed in at the RIS console' });
    expect(typed.accessionNumber).not.toBe(u.accessionNumber);
    expect((await scannerWorklist(t.db, sandboxId, 'DX1')).map((i) => i.accessionNumber)).toContain(typed.accessionNumber);
    const wrong = await checkFault(t.db, inj.id);
    expect(wrong.passed).toBe(false);
    expect(failing(wrong)).toEqual(['interface-running', 'not-typed-by-hand', 'on-worklist', 'order-delivered']);
    // ... and once the interface runs and the HIS resends, its own order arrives too: a duplicate for one exam
    await startInbound(t.db, sandboxId, { actorId: null, reason: 'test' });
    expect((await resendOutbound(t.db, sandboxId, 'all-failed')).map((r) => r.status)).toEqual(['sent']);
    const orders = await t.db.order.findMany({ where: { sandboxId, patientId: PATIENT.patientId, status: 'scheduled' } });
    expect(orders.map((o) => o.accessionNumber).sort()).toEqual([typed.accessionNumber, u.accessionNumber].sort());
    const still = await checkFault(t.db, inj.id);
    expect(failing(still)).toEqual(['not-typed-by-hand']);
    expect(still.results.find((r) => r.id === 'not-typed-by-hand')!.detail).toMatch(/duplicate once the HIS resends/);

    await clearFault(t.db, inj.id);
    for (const o of orders) await cancelOrder(t.db, sandboxId, o.accessionNumber, { actorId: null, reason: 'test clean-up' });
  });

  it('is fixed by starting the interface and resending the failed message: the same order, on the worklist', async () => {
    const inj = await injectFault(t.db, sandboxId, 'worklist-missing', { modalityAe: 'DX1', mode: 'hl7-down', order: { ...PATIENT, patientId: 'SCN0121' } });
    const u = inj.undo as Undo;
    // a second inject while active is refused by the engine; a stopped interface refuses another hl7-down
    await expect(injectFault(t.db, sandboxId, 'worklist-missing', { mode: 'hl7-down' })).rejects.toThrow(/already active/);

    await startInbound(t.db, sandboxId, { actorId: null, reason: 'started on the RIS console' });
    const [sent] = await resendOutbound(t.db, sandboxId, 'all-failed');
    expect(sent).toMatchObject({ id: u.outboundId, status: 'sent', ackCode: 'AA', lastError: '', attempts: 2 });
    const order = await t.db.order.findUniqueOrThrow({ where: { sandboxId_accessionNumber: { sandboxId, accessionNumber: u.accessionNumber } } });
    expect(order).toMatchObject({ patientId: 'SCN0121', patientName: 'ADEYEMI^FOLAKE', patientSex: 'F', modality: 'DX', scheduledStationAeTitle: 'DX1', scheduledStartDate: localDicomDate(new Date()), requestedProcedureDescription: 'XR CHEST PA AND LATERAL' });
    expect(await findscuAccessions()).toContain(u.accessionNumber);
    // the RIS logged it as received and applied
    expect(await t.db.hl7Message.findFirstOrThrow({ where: { sandboxId, accessionNumber: u.accessionNumber } })).toMatchObject({ direction: 'in', status: 'AA', messageType: 'ORM^O01' });
    // a delivered message is not sent again
    await expect(sendOutbound(t.db, u.outboundId)).rejects.toThrow(/already delivered/);

    const ok = await checkFault(t.db, inj.id);
    expect(ok.results.map((r) => [r.id, r.passed])).toEqual([['interface-running', true], ['order-delivered', true], ['on-worklist', true], ['not-typed-by-hand', true], ['no-hand-registration', true]]);
    expect(ok.passed).toBe(true);
    await clearFault(t.db, inj.id);
    // clear leaves the delivered order
    expect(await t.db.order.count({ where: { sandboxId, accessionNumber: u.accessionNumber, status: 'scheduled' } })).toBe(1);
  });

  it('clear starts the interface it stopped; an order the RIS already has is refused at inject', async () => {
    const inj = await injectFault(t.db, sandboxId, 'worklist-missing', { modalityAe: 'DX1', mode: 'hl7-down' });
    expect((inj.params as { order?: unknown }).order).toBeUndefined();
    expect((await t.db.hl7Outbound.findUniqueOrThrow({ where: { id: (inj.undo as Undo).outboundId } })).patientName).toBe('MORROW^GRACE');
    await clearFault(t.db, inj.id);
    expect((await inboundState(t.db, sandboxId)).running).toBe(true);
    const existing = (await t.db.order.findFirstOrThrow({ where: { sandboxId, status: 'scheduled' } })).accessionNumber;
    await expect(injectFault(t.db, sandboxId, 'worklist-missing', { modalityAe: 'DX1', mode: 'hl7-down', accessionNumber: existing })).rejects.toThrow(/already exists in the RIS/);
    expect((await inboundState(t.db, sandboxId)).running).toBe(true);
  });

  it("records the RIS's AE answer with its reason (an accession number already used)", async () => {
    const taken = (await t.db.order.findFirstOrThrow({ where: { sandboxId, status: 'scheduled' } })).accessionNumber;
    const q = await queueHisOrder(t.db, sandboxId, { receivingApplication: 'RIS', ...PATIENT, patientSex: 'F', accessionNumber: taken, modality: 'DX', scheduledStationAeTitle: 'DX1', scheduledStart: `${localDicomDate(new Date())}0900` });
    const r = await sendOutbound(t.db, q.id);
    expect(r).toMatchObject({ status: 'failed', ackCode: 'AE', attempts: 1 });
    expect(r.lastError).toMatch(/^The RIS answered AE \(application error: it understood the order but did not place it\): .*already used/);
    // nothing listens: refused, in words
    const q2 = await queueHisOrder(t.db, sandboxId, { receivingApplication: 'RIS', ...PATIENT, patientSex: 'F', accessionNumber: hisAccessionNumber('20261130'), modality: 'DX', scheduledStationAeTitle: 'DX1', scheduledStart: '202611300900' });
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const refused = await sendOutbound(t.db, q2.id, { endpoint: { host: '127.0.0.1', port: closed } });
    expect(refused.lastError).toMatch(/^Nothing is listening for HL7 at 127\.0\.0\.1:\d+ \(connection refused\)/);
  });
});
