import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../prisma/testing';
import { seedDemo } from '../seed';
import { localDicomDate, msToNextDay, seedOrders } from './seedOrders';

let t: TestDb;
let sandboxId: string;

beforeAll(async () => {
  t = await createTestDb();
  sandboxId = (await seedDemo(t.db)).sandboxId;
});
afterAll(async () => {
  await t?.drop();
});

describe('demo orders', () => {
  it("seeds today's orders with seedDemo, across CT, DX, MR and US stations through the day", async () => {
    const today = localDicomDate(new Date());
    const orders = await t.db.order.findMany({ where: { sandboxId, scheduledStartDate: today } });
    expect(orders.length).toBeGreaterThanOrEqual(12);
    expect(new Set(orders.map((o) => o.modality))).toEqual(new Set(['CT', 'DX', 'MR', 'US']));
    expect(new Set(orders.map((o) => o.scheduledStationAeTitle))).toEqual(new Set(['CT1', 'DX1', 'MR1', 'US1']));
    expect(orders.every((o) => o.status === 'scheduled' && /^2\.25\.\d+$/.test(o.studyInstanceUid) && o.patientName.includes('^'))).toBe(true);
    expect(new Set(orders.map((o) => o.studyInstanceUid)).size).toBe(orders.length);
  });

  it('is idempotent for a day, and another day adds that day', async () => {
    const before = await t.db.order.count({ where: { sandboxId } });
    expect((await seedOrders(t.db, sandboxId)).created).toEqual([]);
    await seedDemo(t.db);
    expect(await t.db.order.count({ where: { sandboxId } })).toBe(before);
    const other = await seedOrders(t.db, sandboxId, new Date(2031, 0, 15, 9, 0));
    expect(other.date).toBe('20310115');
    expect(other.created).toHaveLength(before);
    expect(await t.db.order.count({ where: { sandboxId } })).toBe(before * 2);
  });

  it('waits until just after the next local midnight', () => {
    expect(msToNextDay(new Date(2031, 0, 15, 23, 0, 0))).toBe(61 * 60 * 1000);
  });
});
