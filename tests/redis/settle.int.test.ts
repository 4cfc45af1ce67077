import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { RedisReservationStore, redisKeys } from '../../infra/redis';
import { aReserve, aSku, createTestRedis, expectInvariants, type TestRedis } from './support';

describe('Redis reservation store: release, abort, confirm', () => {
  let t: TestRedis;
  let store: RedisReservationStore;
  let stores: RedisReservationStore[];

  beforeAll(async () => {
    t = await createTestRedis('settle');
    store = new RedisReservationStore(t.redis, { prefix: t.prefix });
    await store.markLoaded();
    const others: Redis[] = await Promise.all([1, 2, 3].map(() => t.connect()));
    stores = [
      store,
      ...others.map((redis) => new RedisReservationStore(redis, { prefix: t.prefix })),
    ];
  });
  afterAll(async () => {
    await t.drop();
  });

  const held = (skuId: string, userId: string) =>
    t.redis.hget(redisKeys(t.prefix).held(skuId), userId);

  it('When 20 releases of one order run at once, then exactly one gives the stock back', async () => {
    await store.putSku(aSku('rel', { stocked: 10, perUserLimit: 5 }));
    await store.putSku(aSku('rel-2', { stocked: 10 }));
    const request = aReserve('releaser', [
      { skuId: 'rel', quantity: 3 },
      { skuId: 'rel-2', quantity: 1 },
    ]);
    await store.reserve(request);

    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => stores[i % 4]!.release(request.orderId)),
    );

    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.getSku('rel')).toMatchObject({ available: 10, sold: 0 });
    expect(await store.getSku('rel-2')).toMatchObject({ available: 10, sold: 0 });
    expect(await held('rel', 'releaser')).toBeNull();
    expect(await store.getReservation(request.orderId)).toBeNull();
    expect(await store.confirm(request.orderId)).toBe(false);
    await expectInvariants(t.redis, t.prefix, ['rel', 'rel-2']);
  });

  it('When a confirm and a release race on each of 100 orders, then exactly one wins each time', async () => {
    await store.putSku(aSku('race', { stocked: 150, perUserLimit: 2 }));
    const requests = Array.from({ length: 100 }, (_, i) =>
      aReserve(`racer-${i}`, [{ skuId: 'race', quantity: 1 + (i % 2) }]),
    );
    await Promise.all(requests.map((r) => store.reserve(r)));

    const outcomes = await Promise.all(
      requests.map((r, i) =>
        Promise.all([stores[i % 4]!.confirm(r.orderId), stores[(i + 1) % 4]!.release(r.orderId)]),
      ),
    );

    outcomes.forEach(([confirmed, released]) => expect(confirmed !== released).toBe(true));
    const sold = requests
      .filter((_, i) => outcomes[i]![0])
      .reduce((units, r) => units + r.lines[0]!.quantity, 0);
    expect(await store.getSku('race')).toMatchObject({ stocked: 150, sold, available: 150 - sold });
    await expectInvariants(t.redis, t.prefix, ['race']);
  });

  it('When a reservation is confirmed, then sold grows while available and holdings stay, and a second confirm does nothing', async () => {
    await store.putSku(aSku('sale', { stocked: 5, perUserLimit: 2 }));
    const request = aReserve('buyer', [{ skuId: 'sale', quantity: 2 }]);
    await store.reserve(request);

    expect(await store.confirm(request.orderId)).toBe(true);
    expect(await store.confirm(request.orderId)).toBe(false);
    expect(await store.release(request.orderId)).toBe(false);

    expect(await store.getSku('sale')).toMatchObject({ stocked: 5, available: 3, sold: 2 });
    expect(await held('sale', 'buyer')).toBe('2');
    expect(await store.reserve(aReserve('buyer', [{ skuId: 'sale', quantity: 1 }]))).toMatchObject({
      outcome: 'LIMIT_EXCEEDED',
      held: 2,
    });
    await expectInvariants(t.redis, t.prefix, ['sale']);
  });

  it('When an order is aborted, then its stock returns and its idempotency key can be used again', async () => {
    await store.putSku(aSku('abort', { stocked: 4 }));
    const idempotency = { key: randomUUID(), fingerprint: 'f' };
    const first = aReserve('aborter', [{ skuId: 'abort', quantity: 4 }], { idempotency });
    await store.reserve(first);

    expect(await store.abort(first.orderId)).toBe(true);
    expect(await store.abort(first.orderId)).toBe(false);

    const idemKey = redisKeys(t.prefix).idempotency('aborter', idempotency.key);
    expect(await t.redis.exists(idemKey)).toBe(0);
    expect((await store.getSku('abort'))!.available).toBe(4);
    const retry = aReserve('aborter', [{ skuId: 'abort', quantity: 4 }], { idempotency });
    expect(await store.reserve(retry)).toMatchObject({ outcome: 'RESERVED' });
    await expectInvariants(t.redis, t.prefix, ['abort']);
  });

  it('When an order is released, then its idempotency key still answers with that order', async () => {
    await store.putSku(aSku('keep-key'));
    const idempotency = { key: randomUUID(), fingerprint: 'f' };
    const first = aReserve('keeper', [{ skuId: 'keep-key', quantity: 1 }], { idempotency });
    await store.reserve(first);

    await store.release(first.orderId);

    const again = aReserve('keeper', [{ skuId: 'keep-key', quantity: 1 }], { idempotency });
    expect(await store.reserve(again)).toEqual({
      outcome: 'REPLAY',
      orderId: first.orderId,
      sameRequest: true,
    });
    await expectInvariants(t.redis, t.prefix, ['keep-key']);
  });

  it('When the sweeper asks what is due, then it gets reservations past their deadline, oldest first', async () => {
    const sweep = new RedisReservationStore(t.redis, { prefix: `${t.prefix}-due` });
    await sweep.markLoaded();
    await sweep.putSku(aSku('due'));
    const base = Date.parse('2030-02-01T00:00:00Z');
    const requests = [3, 1, 2, 9].map((minutes) =>
      aReserve(`due-${minutes}`, [{ skuId: 'due', quantity: 1 }], {
        deadline: new Date(base + minutes * 60_000),
      }),
    );
    for (const request of requests) await sweep.reserve(request);
    await sweep.confirm(requests[2]!.orderId);

    const due = await sweep.reservationsDue(new Date(base + 5 * 60_000), 10);

    expect(due.map((r) => r.userId)).toEqual(['due-1', 'due-3']);
    expect(due[0]).toEqual({
      orderId: requests[1]!.orderId,
      userId: 'due-1',
      lines: [{ skuId: 'due', quantity: 1 }],
      deadline: new Date(base + 60_000),
      createdAt: requests[1]!.now,
    });
    expect((await sweep.reservationsDue(new Date(base + 5 * 60_000), 1)).length).toBe(1);
    expect(await sweep.reservationsDue(new Date(base + 60_000), 10)).toEqual([]);
    await expectInvariants(t.redis, `${t.prefix}-due`, ['due']);
  });
});
