import { RedisReservationStore } from '../../infra/redis';
import { aReserve, aSku, createTestRedis, scanKeys, type TestRedis } from './support';

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
    await store.markLoaded();
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
  it('When SKUs are back but the rebuild has not marked the inventory loaded, then 200 concurrent reserves change nothing, and a replayed key answers its first order once it is marked', async () => {
    const own = new RedisReservationStore(t.redis, { prefix: `${t.prefix}-gate` });
    await own.markLoaded();
    await own.putSku(aSku('gate', { stocked: 50 }));
    const idempotency = { key: 'k-gate', fingerprint: 'f-1' };
    const first = await own.reserve(
      aReserve('keyed', [{ skuId: 'gate', quantity: 1 }], { idempotency }),
    );
    expect(first.outcome).toBe('RESERVED');
    const firstOrder = (await own.reservationsDue(new Date('2031-01-01T00:00:00Z'), 10))[0]!
      .orderId;

    // Redis loses everything; the rebuild has put the SKU back (49 left) but not yet the key.
    const lost = await scanKeys(t.redis, `{${t.prefix}-gate}:*`);
    await t.redis.del(...lost);
    await own.restoreSku(aSku('gate', { stocked: 50, available: 49 }), new Map([['keyed', 1]]));
    const before = await scanKeys(t.redis, `{${t.prefix}-gate}:*`);

    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        own.reserve(
          i % 2 === 0
            ? aReserve('keyed', [{ skuId: 'gate', quantity: 1 }], { idempotency })
            : aReserve(`buyer-${i}`, [{ skuId: 'gate', quantity: 1 }]),
        ),
      ),
    );
    expect(new Set(answers.map((a) => a.outcome))).toEqual(new Set(['NOT_LOADED']));
    expect((await own.getSku('gate'))!.available).toBe(49);
    expect((await scanKeys(t.redis, `{${t.prefix}-gate}:*`)).sort()).toEqual(before.sort());

    // The rebuild finishes: the key, then the marker.
    await own.restoreIdempotencyKey({
      userId: 'keyed',
      key: 'k-gate',
      fingerprint: 'f-1',
      orderId: firstOrder,
      placedAt: new Date(),
    });
    await own.markLoaded();
    expect(
      await own.reserve(aReserve('keyed', [{ skuId: 'gate', quantity: 1 }], { idempotency })),
    ).toEqual({ outcome: 'REPLAY', orderId: firstOrder, sameRequest: true });
    expect((await own.reserve(aReserve('late', [{ skuId: 'gate', quantity: 1 }]))).outcome).toBe(
      'RESERVED',
    );
    expect((await own.getSku('gate'))!.available).toBe(48);
  });
  it('When a reservation is back but the inventory is not marked loaded, then its resent command answers NOT_LOADED, and once marked its first answer', async () => {
    const own = new RedisReservationStore(t.redis, { prefix: `${t.prefix}-resend` });
    await own.markLoaded();
    await own.putSku(aSku('resend', { stocked: 10 }));
    const request = aReserve('resender', [{ skuId: 'resend', quantity: 2 }]);
    const first = await own.reserve(request);
    expect(first.outcome).toBe('RESERVED');

    // Redis loses everything; the rebuild puts back the SKU and the reservation, not the marker.
    await t.redis.del(...(await scanKeys(t.redis, `{${t.prefix}-resend}:*`)));
    await own.restoreSku(aSku('resend', { stocked: 10, available: 8 }), new Map([['resender', 2]]));
    await own.restoreReservation({
      orderId: request.orderId,
      userId: 'resender',
      currency: 'EUR',
      lines: [{ skuId: 'resend', quantity: 2, unitPrice: 1_999 }],
      deadline: request.deadline,
      createdAt: request.now,
    });

    expect(await own.reserve(request)).toEqual({ outcome: 'NOT_LOADED' });
    await own.markLoaded();
    expect(await own.reserve(request)).toEqual(first);
    expect((await own.getSku('resend'))!.available).toBe(8);
  });
});
