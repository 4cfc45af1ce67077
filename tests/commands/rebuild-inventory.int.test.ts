import {
  makeEnsureInventoryLoaded,
  makeListSku,
  makePlaceOrder,
  type CommandContext,
} from '../../commands';
import { MysqlEventStore } from '../../infra/eventstore';
import { RedisReservationStore, redisKeys } from '../../infra/redis';
import { commitHoldingStore, createTestDatabase, type TestDatabase } from '../support/mysql';
import { createTestRedis, scanKeys, type TestRedis } from '../redis/support';

/** The rebuild of Redis from the event store, racing a purchase whose append is still in flight. */
describe('rebuilding the hot inventory while a purchase is still appending', () => {
  let database: TestDatabase;
  let t: TestRedis;
  let eventStore: MysqlEventStore;
  let reservations: RedisReservationStore;
  const clock = () => new Date();
  const context = (userId: string): CommandContext => ({ correlationId: `c-${userId}`, userId });

  beforeAll(async () => {
    database = await createTestDatabase('rebuild');
    t = await createTestRedis('rebuild');
    eventStore = new MysqlEventStore(database.db);
    reservations = new RedisReservationStore(t.redis, { prefix: t.prefix });
    await reservations.markLoaded();
    await makeListSku({ eventStore, reservations, clock })(
      { skuId: 'R1', name: 'R1', price: 500, currency: 'EUR', stock: 10, perUserLimit: 4 },
      context('admin'),
    );
  });
  afterAll(async () => {
    await t.drop();
    await database.drop();
  });

  it('When Redis loses its keys between a reservation and its OrderPlaced commit, then the rebuild waits for the commit and counts the order', async () => {
    // The purchase's append reaches its commit and is held there.
    const { store: slowStore, inCommit, release } = commitHoldingStore(database);
    const placeOrder = makePlaceOrder({
      eventStore: slowStore,
      reservations,
      clock,
      ttlSeconds: 900,
    });
    const placing = placeOrder(
      { userId: 'early', items: [{ skuId: 'R1', quantity: 3 }] },
      context('early'),
    );
    await inCommit;

    // Redis loses everything; the watcher notices and rebuilds while the commit is held.
    await t.redis.del(...(await scanKeys(t.redis, `{${t.prefix}}:*`)));
    const rebuild = makeEnsureInventoryLoaded({ eventStore, reservations, settleMs: 1_000 })();
    await new Promise((r) => setTimeout(r, 200));
    // Meanwhile nothing is reserved.
    const during = await reservations.reserve({
      orderId: 'during-order',
      userId: 'during',
      lines: [{ skuId: 'R1', quantity: 1 }],
      deadline: new Date(Date.now() + 900_000),
      now: new Date(),
    });
    release();
    const order = await placing;
    const rebuilt = await rebuild;
    await slowStore.close();

    expect(during).toEqual({ outcome: 'NOT_LOADED' });
    expect(rebuilt).toBe(true);
    expect(await reservations.isLoaded()).toBe(true);
    const sku = await reservations.getSku('R1');
    expect({ available: sku!.available, stocked: sku!.stocked }).toEqual({
      available: 7,
      stocked: 10,
    });
    expect(await reservations.getReservation(order.orderId)).toMatchObject({
      userId: 'early',
      lines: [{ skuId: 'R1', quantity: 3 }],
    });
    expect(await t.redis.hget(redisKeys(t.prefix).held('R1'), 'early')).toBe('3');
    // The limit of 4 counts the 3 held: a fourth and fifth unit would pass it.
    await expect(
      makePlaceOrder({ eventStore, reservations, clock, ttlSeconds: 900 })(
        { userId: 'early', items: [{ skuId: 'R1', quantity: 2 }] },
        context('early'),
      ),
    ).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' });
  });
});
