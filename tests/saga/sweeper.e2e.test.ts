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
