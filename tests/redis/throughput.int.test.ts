import { randomUUID } from 'node:crypto';
import { RedisReservationStore } from '../../infra/redis';
import { aReserve, aSku, createTestRedis, expectInvariants, type TestRedis } from './support';

/** Printed, not asserted: the machine and the other suites running beside it decide the figure. */
describe('Redis reservation store throughput', () => {
  let t: TestRedis;
  let store: RedisReservationStore;
  const concurrency = 100;
  const durationMs = 2_000;

  beforeAll(async () => {
    t = await createTestRedis('speed');
    store = new RedisReservationStore(t.redis, { prefix: t.prefix });
  });
  afterAll(async () => {
    await t.drop();
  });

  const measure = async (skuId: string) => {
    let calls = 0;
    const started = performance.now();
    const worker = async () => {
      while (performance.now() - started < durationMs) {
        await store.reserve(aReserve(randomUUID(), [{ skuId, quantity: 1 }]));
        calls++;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return Math.round((calls * 1_000) / (performance.now() - started));
  };

  it('When 100 callers reserve on one auto-pipelined client, then the rate is printed', async () => {
    await store.putSku(aSku('speed-gone', { stocked: 0 }));
    await store.putSku(aSku('speed-plenty', { stocked: 10_000_000, perUserLimit: 1 }));

    const soldOut = await measure('speed-gone');
    const inStock = await measure('speed-plenty');

    console.log(
      `reserve, ${concurrency} concurrent, one client: sold out ${soldOut}/s, in stock ${inStock}/s`,
    );
    expect(soldOut).toBeGreaterThan(0);
    expect(inStock).toBeGreaterThan(0);
    await expectInvariants(t.redis, t.prefix, ['speed-gone', 'speed-plenty']);
  });
});
