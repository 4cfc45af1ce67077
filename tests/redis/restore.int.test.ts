import { RedisReservationStore } from '../../infra/redis';
import { aSku, createTestRedis, type TestRedis } from './support';

describe('Redis reservation store: restoring what Redis lost', () => {
  let t: TestRedis;
  let store: RedisReservationStore;
  const reservation = (orderId: string) => ({
    orderId,
    userId: 'u1',
    currency: 'EUR',
    lines: [{ skuId: 'rs', quantity: 2, unitPrice: 1999 }],
    deadline: new Date('2030-01-01T00:00:00Z'),
    createdAt: new Date('2029-12-31T23:45:00Z'),
  });

  beforeAll(async () => {
    t = await createTestRedis('restore');
    store = new RedisReservationStore(t.redis, { prefix: t.prefix });
  });
  afterAll(async () => {
    await t.drop();
  });

  it('When a missing SKU and reservation are restored, then they read back, and releasing gives the stock back to the holder', async () => {
    const sku = aSku('rs', { stocked: 10, available: 7, sold: 1, perUserLimit: 3, revision: 1 });
    expect(
      await store.restoreSku(
        sku,
        new Map([
          ['u1', 2],
          ['u2', 1],
        ]),
      ),
    ).toBe(true);
    expect(await store.restoreReservation(reservation('o1'))).toBe(true);
    expect(await store.getSku('rs')).toEqual(sku);
    expect(await store.getReservation('o1')).toMatchObject({
      userId: 'u1',
      lines: [{ skuId: 'rs', quantity: 2 }],
    });
    expect(await store.reservationsDue(new Date('2031-01-01T00:00:00Z'), 10)).toHaveLength(1);

    expect(await store.release('o1')).toBe(true);
    expect((await store.getSku('rs'))!.available).toBe(9);
    expect(await t.redis.hget(`{${t.prefix}}:held:rs`, 'u1')).toBeNull();
  });

  it('When what is restored is already there, then nothing changes', async () => {
    const sku = aSku('live', { stocked: 5, available: 5 });
    await store.putSku(sku);
    expect(await store.restoreSku({ ...sku, available: 0 }, new Map([['u9', 5]]))).toBe(false);
    expect(await store.getSku('live')).toEqual(sku);
    expect(await store.restoreReservation(reservation('o2'))).toBe(true);
    expect(await store.restoreReservation({ ...reservation('o2'), userId: 'u7' })).toBe(false);
    expect((await store.getReservation('o2'))!.userId).toBe('u1');
  });
});
