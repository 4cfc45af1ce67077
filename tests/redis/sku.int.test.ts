import { RedisReservationStore } from '../../infra/redis';
import { aReserve, aSku, createTestRedis, expectInvariants, type TestRedis } from './support';

describe('Redis reservation store: SKUs and restocks', () => {
  let t: TestRedis;
  let store: RedisReservationStore;

  beforeAll(async () => {
    t = await createTestRedis('sku');
    store = new RedisReservationStore(t.redis, { prefix: t.prefix });
    await store.markLoaded();
  });
  afterAll(async () => {
    await t.drop();
  });

  it('When a SKU is put, then it reads back as it was put, and putting it again replaces it', async () => {
    const sku = aSku('put', { stocked: 30, available: 20, sold: 4, perUserLimit: 2, revision: 7 });
    await store.putSku(sku);
    expect(await store.getSku('put')).toEqual(sku);

    await store.putSku({ ...sku, price: 2_500, perUserLimit: null });

    expect(await store.getSku('put')).toEqual({ ...sku, price: 2_500, perUserLimit: null });
    expect(await store.getSku('nothing-here')).toBeNull();
  });

  it('When a SKU that is not there is restocked, then nothing is created', async () => {
    expect(await store.restock('ghost', 10, 2)).toBeNull();
    expect(await store.getSku('ghost')).toBeNull();
  });

  it('When a restock is applied twice, or one older than the loaded record arrives, then stock is added once', async () => {
    await store.putSku(aSku('once', { stocked: 10, revision: 3 }));

    expect(await store.restock('once', 5, 4)).toMatchObject({
      stocked: 15,
      available: 15,
      revision: 4,
    });
    expect(await store.restock('once', 5, 4)).toMatchObject({
      stocked: 15,
      available: 15,
      revision: 4,
    });
    expect(await store.restock('once', 8, 2)).toMatchObject({
      stocked: 15,
      available: 15,
      revision: 4,
    });
    expect(await store.restock('once', 8, 3)).toMatchObject({
      stocked: 15,
      available: 15,
      revision: 4,
    });
    await expectInvariants(t.redis, t.prefix, ['once']);
  });

  it('When restocks of distinct revisions arrive at once and out of order, then each is applied exactly once', async () => {
    await store.putSku(aSku('shuffled', { stocked: 0, revision: 1 }));
    // Revisions 2..41, sent highest first, each sent three times.
    const revisions = Array.from({ length: 40 }, (_, i) => 41 - i);
    const calls = [...revisions, ...revisions, ...revisions].map((revision) =>
      store.restock('shuffled', revision, revision),
    );

    await Promise.all(calls);

    const expected = revisions.reduce((sum, r) => sum + r, 0);
    expect(await store.getSku('shuffled')).toMatchObject({
      stocked: expected,
      available: expected,
      revision: 41,
    });
    expect(await store.restock('shuffled', 1_000, 17)).toMatchObject({ stocked: expected });
    await expectInvariants(t.redis, t.prefix, ['shuffled']);
  });

  it('When a restock lands during a rush, then the new units are sold and none twice', async () => {
    await store.putSku(aSku('refill', { stocked: 10, revision: 1 }));
    const attempt = (i: number) =>
      store.reserve(aReserve(`refill-${i}`, [{ skuId: 'refill', quantity: 1 }]));
    const early = Array.from({ length: 150 }, (_, i) => attempt(i));
    const restocked = store.restock('refill', 20, 2);
    const late = Array.from({ length: 150 }, (_, i) => attempt(150 + i));

    const [results] = await Promise.all([Promise.all([...early, ...late]), restocked]);

    expect(results.filter((r) => r.outcome === 'RESERVED')).toHaveLength(30);
    expect(await store.getSku('refill')).toMatchObject({ stocked: 30, available: 0 });
    await expectInvariants(t.redis, t.prefix, ['refill']);
  });

  it('When a SKU is put with impossible counts, then it is refused', async () => {
    await expect(
      store.putSku(aSku('bad', { stocked: 5, available: 5, sold: 1 })),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(store.putSku(aSku('bad', { price: 9.99 }))).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });
});
