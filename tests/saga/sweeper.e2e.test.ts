import { v7 as uuidv7 } from 'uuid';
import { ConcurrencyError } from '../../domain/errors';
import { RedisReservationStore } from '../../infra/redis';
import { testTopicPrefix } from '../support/kafka';
import { startTestSystem, type TestSystem } from '../support/system';

/** A process that died between reserving and appending leaves an orphan reservation behind. */
describe('the orphan sweeper', () => {
  let t: TestSystem;
  const topics = testTopicPrefix('sweep');

  beforeAll(async () => {
    t = await startTestSystem(
      { ROLES: 'api,saga', KAFKA_TOPIC_PREFIX: topics.prefix, ORPHAN_GRACE_SECONDS: '1' },
      { label: 'sweep' },
    );
    await t.listSku({ skuId: 'W1', stock: 10 });
  });
  afterAll(async () => {
    await t.stop();
    await topics.drop();
  });

  it('When a reservation has no order after the grace period, then its stream is claimed and its stock returns; recorded orders are left alone, and a late append fails', async () => {
    const placed = await t.http.post(
      '/v1/orders',
      { items: [{ skuId: 'W1', quantity: 2 }] },
      { token: t.customer('real') },
    );
    expect(placed.status).toBe(201);

    // What a dead process leaves: the reservation, and no OrderPlaced.
    const store = new RedisReservationStore(t.redis, { prefix: t.prefix });
    const orphan = uuidv7();
    const now = new Date();
    const reserved = await store.reserve({
      orderId: orphan,
      userId: 'ghost',
      lines: [{ skuId: 'W1', quantity: 3 }],
      deadline: new Date(now.getTime() + 900_000),
      now,
    });
    expect(reserved.outcome).toBe('RESERVED');
    expect(await t.available('W1')).toBe(5);

    for (let i = 0; i < 100 && (await store.getReservation(orphan)) !== null; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await store.getReservation(orphan)).toBeNull();
    expect(await t.available('W1')).toBe(8);
    const claimed = await t.events((e) => e.streamId === `order-${orphan}`);
    expect(claimed.map((e) => e.type)).toEqual(['OrderAbandoned']);
    expect(await store.getReservation(placed.body.orderId)).not.toBeNull();

    // The slow placement wakes up: its "no stream" append is refused, so no order without stock.
    await expect(
      t.store.append(`order-${orphan}`, [{ type: 'OrderPlaced', data: { orderId: orphan } }], {
        expectedRevision: 'no_stream',
      }),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    const res = await t.http.get(`/v1/orders/${orphan}`, { token: t.admin });
    expect(res.status).toBe(404);
  }, 30_000);
});

/** A process that died after recording an order's end, before telling Redis. */
describe('the sweeper after a crash between an end event and its Redis call', () => {
  let t: TestSystem;
  const topics = testTopicPrefix('settle');

  beforeAll(async () => {
    t = await startTestSystem(
      {
        ROLES: 'api,saga',
        KAFKA_TOPIC_PREFIX: topics.prefix,
        ORPHAN_GRACE_SECONDS: '1',
        RESERVATION_TTL_SECONDS: '2',
      },
      { label: 'settle' },
    );
    await t.listSku({ skuId: 'Z1', stock: 10 });
  });
  afterAll(async () => {
    await t.stop();
    await topics.drop();
  });

  const ended = async (orderId: string, type: string, data: Record<string, unknown>) => {
    const stream = `order-${orderId}`;
    const before = await t.store.readStream(stream);
    await t.store.append(stream, [{ type, data: { orderId, ...data } }], {
      expectedRevision: BigInt(before.length - 1),
    });
  };

  it('When an order was cancelled or paid but Redis never heard of it, then after its deadline the stock is released or sold, once', async () => {
    const buy = async (user: string) => {
      const res = await t.http.post(
        '/v1/orders',
        { items: [{ skuId: 'Z1', quantity: 2 }] },
        { token: t.customer(user) },
      );
      expect(res.status).toBe(201);
      return res.body;
    };
    const cancelled = await buy('c');
    const paid = await buy('p');
    const now = new Date().toISOString();
    await ended(cancelled.orderId, 'OrderCancelled', { cancelledAt: now });
    await ended(paid.orderId, 'PaymentCompleted', {
      paymentId: 'pay-1',
      transactionId: 'tx-1',
      amount: paid.total,
      currency: 'EUR',
      completedAt: now,
    });
    const store = new RedisReservationStore(t.redis, { prefix: t.prefix });
    expect(await t.available('Z1')).toBe(6);

    for (let i = 0; i < 100; i++) {
      const left = await Promise.all([
        store.getReservation(cancelled.orderId),
        store.getReservation(paid.orderId),
      ]);
      if (left.every((r) => r === null)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await store.getReservation(cancelled.orderId)).toBeNull();
    expect(await store.getReservation(paid.orderId)).toBeNull();
    const sku = await store.getSku('Z1');
    expect(sku).toMatchObject({ stocked: 10, available: 8, sold: 2 });
    // Neither order expired: the saga had nothing to do with them.
    expect(await t.events((e) => e.type === 'OrderExpired')).toEqual([]);
  }, 30_000);
});
