import Redis from 'ioredis';
import { startRedisServer } from '../support/redis-server';
import { startTestSystem, type TestSystem } from '../support/system';
import { eventually } from '../support/wait';

/**
 * A Redis of its own that this test restarts from a snapshot taken before some sales: it comes
 * back with counters older than the events (and the marker of its earlier life). No purchase may
 * sell from them; once the hot inventory is rebuilt, exactly the units the events leave are sold.
 */
describe('Redis restarted from a snapshot older than the events', () => {
  let redisServer: Awaited<ReturnType<typeof startRedisServer>>;
  let t: TestSystem;
  let admin: Redis;

  beforeAll(async () => {
    redisServer = await startRedisServer();
    t = await startTestSystem({ REDIS_URL: redisServer.url }, { label: 'snapshot' });
    admin = new Redis(redisServer.url);
  }, 60_000);
  afterAll(async () => {
    admin?.disconnect();
    await t?.stop();
    await redisServer?.remove();
  });

  const buy = (userId: string) =>
    t.http.post(
      '/v1/orders',
      { items: [{ skuId: 'SNAP', quantity: 1 }] },
      { token: t.customer(userId) },
    );

  it('When Redis comes back from a snapshot taken before 6 of 10 units were sold, then no purchase sells from its old counters, and the 4 units left sell once it is rebuilt', async () => {
    await t.listSku({ skuId: 'SNAP', stock: 10 });
    await admin.save();
    for (let i = 0; i < 6; i++) expect((await buy(`before-${i}`)).status).toBe(201);
    admin.disconnect();

    await redisServer.stop();
    await redisServer.start();
    admin = new Redis(redisServer.url);
    // The snapshot's counters are back (10 units available, as before the 6 sales), unless the
    // service has already dropped them.
    expect(['10', null]).toContain(await admin.hget(`{${t.prefix}}:sku:SNAP`, 'available'));

    // Buyers arrive at once, while the service finds out what this Redis is.
    const rush = await Promise.all(Array.from({ length: 10 }, (_, i) => buy(`rush-${i}`)));
    const sold = rush.filter((r) => r.status === 201).length;
    expect(rush.every((r) => [201, 409, 503].includes(r.status))).toBe(true);

    // Once rebuilt, the rest sells out at exactly 10 units in all.
    await eventually(
      async () => (await buy('probe-after')).status,
      (status) => status !== 503,
      15_000,
    );
    for (let i = 0; i < 10; i++) await buy(`after-${i}`);
    const placed = await t.events(
      (e) => e.type === 'OrderPlaced' && JSON.stringify(e.data).includes('"SNAP"'),
    );
    expect(placed).toHaveLength(10);
    expect(sold).toBe(0);
    expect(await t.available('SNAP')).toBe(0);
  }, 60_000);
});
