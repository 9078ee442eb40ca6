import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../prisma/testing';
import { seedDemo } from '../seed';
import { cancelOrder, createOrder, OrderError, rescheduleOrder } from './orders';

let t: TestDb;
let sandboxId: string;
const actor = { actorId: null, reason: 'test' };
const input = {
  patientId: 'MRN9', patientName: 'Doe^Jane', patientBirthDate: '19800101', patientSex: 'F' as const,
  requestedProcedureDescription: 'CT HEAD WITHOUT CONTRAST', modality: 'ct', scheduledStationAeTitle: 'CT1',
  scheduledStartDate: '20300101', scheduledStartTime: '0930', referringPhysicianName: 'REF^DR',
};

beforeAll(async () => {
  t = await createTestDb();
  sandboxId = (await seedDemo(t.db)).sandboxId;
});
afterAll(async () => {
  await t?.drop();
});

describe('orders', () => {
  it('places an order with an Accession Number and a Study Instance UID up front, audited', async () => {
    const o = await createOrder(t.db, sandboxId, input, actor);
    expect(o).toMatchObject({ status: 'scheduled', modality: 'CT', patientName: 'DOE^JANE' });
    expect(o.accessionNumber).toMatch(/^A20300101-[0-9A-Z]{5}$/);
    expect(o.accessionNumber.length).toBeLessThanOrEqual(16);
    expect(o.studyInstanceUid).toMatch(/^2\.25\.\d+$/);
    expect(await t.db.auditEvent.count({ where: { action: 'order.create', target: `order:${o.accessionNumber}` } })).toBe(1);
  });

  it('refuses bad input and a duplicate Accession Number', async () => {
    await expect(createOrder(t.db, sandboxId, { ...input, scheduledStartDate: '2030-01-01' }, actor)).rejects.toThrow(/scheduledStartDate/);
    await createOrder(t.db, sandboxId, { ...input, accessionNumber: 'ACC-DUP' }, actor);
    await expect(createOrder(t.db, sandboxId, { ...input, accessionNumber: 'ACC-DUP' }, actor)).rejects.toMatchObject({ kind: 'conflict' });
  });

  it('keeps a Study Instance UID the order filler assigned, and refuses one that is not a UID', async () => {
    expect((await createOrder(t.db, sandboxId, { ...input, studyInstanceUid: '1.2.826.0.1.3680043.8.498.7' }, actor)).studyInstanceUid).toBe('1.2.826.0.1.3680043.8.498.7');
    await expect(createOrder(t.db, sandboxId, { ...input, studyInstanceUid: '1.02.x' }, actor)).rejects.toThrow(/studyInstanceUid/);
  });

  it('cancels and reschedules through the order state machine', async () => {
    const o = await createOrder(t.db, sandboxId, input, actor);
    expect((await rescheduleOrder(t.db, sandboxId, o.accessionNumber, { scheduledStartDate: '20300102', scheduledStartTime: '1400', scheduledStationAeTitle: 'CT2' }, actor)).status).toBe('scheduled');
    expect(await t.db.order.findUnique({ where: { id: o.id } })).toMatchObject({ scheduledStartDate: '20300102', scheduledStationAeTitle: 'CT2' });
    expect((await cancelOrder(t.db, sandboxId, o.accessionNumber, actor)).status).toBe('cancelled');
    await expect(cancelOrder(t.db, sandboxId, o.accessionNumber, actor)).rejects.toBeInstanceOf(OrderError);
    expect((await rescheduleOrder(t.db, sandboxId, o.accessionNumber, { scheduledStartDate: '20300103', scheduledStartTime: '0800' }, actor)).status).toBe('scheduled');
    await t.db.order.update({ where: { id: o.id }, data: { status: 'completed' } });
    await expect(rescheduleOrder(t.db, sandboxId, o.accessionNumber, { scheduledStartDate: '20300104', scheduledStartTime: '0800' }, actor)).rejects.toMatchObject({ kind: 'conflict' });
    await expect(cancelOrder(t.db, sandboxId, 'NOPE', actor)).rejects.toMatchObject({ kind: 'not-found' });
  });
});
