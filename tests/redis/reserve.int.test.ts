import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import type { ReserveResult } from '../../commands/ports';
import { RedisReservationStore, redisKeys, ScriptPipe } from '../../infra/redis';
import {
  aReserve,
  aSku,
  createTestRedis,
  expectInvariants,
  seededRandom,
  TEST_REDIS_URL,
  type TestRedis,
} from './support';

// The reserve script runs over ioredis, or over the purchase path's own connection (main.ts).
describe.each([['ioredis'], ['a script pipe']])(
  'Redis reservation store: reserve over %s',
  (via) => {
    let t: TestRedis;
    let store: RedisReservationStore;
    let clients: Redis[];
    let stores: RedisReservationStore[];
    const pipes: ScriptPipe[] = [];

    const storeOn = async (redis: Redis) => {
      if (via === 'ioredis') return new RedisReservationStore(redis, { prefix: t.prefix });
      const reservePipe = new ScriptPipe(TEST_REDIS_URL);
      pipes.push(reservePipe);
      await reservePipe.connect();
      return new RedisReservationStore(redis, { prefix: t.prefix, reservePipe });
    };

    beforeAll(async () => {
      t = await createTestRedis('reserve');
      store = await storeOn(t.redis);
      await store.markLoaded();
      clients = [t.redis, ...(await Promise.all([1, 2, 3].map(() => t.connect())))];
      stores = await Promise.all(clients.map(storeOn));
    });
    afterAll(async () => {
      await Promise.all(pipes.map((pipe) => pipe.close()));
      await t.drop();
    });

    const count = (results: ReserveResult[], outcome: ReserveResult['outcome']) =>
      results.filter((r) => r.outcome === outcome).length;

    it('When 2,000 attempts from 500 users rush 100 units with a limit of 1, then exactly 100 are reserved, one per user', async () => {
      await store.putSku(aSku('rush', { stocked: 100, perUserLimit: 1 }));
      const requests = Array.from({ length: 2_000 }, (_, i) =>
        aReserve(`user-${i % 500}`, [{ skuId: 'rush', quantity: 1 }]),
      );

      const results = await Promise.all(requests.map((r, i) => stores[i % 4]!.reserve(r)));

      const winners = requests.filter((_, i) => results[i]!.outcome === 'RESERVED');
      expect(winners).toHaveLength(100);
      expect(new Set(winners.map((r) => r.userId)).size).toBe(100);
      expect(count(results, 'SOLD_OUT') + count(results, 'LIMIT_EXCEEDED')).toBe(1_900);
      expect(await store.getSku('rush')).toMatchObject({ available: 0, stocked: 100, sold: 0 });
      await expectInvariants(t.redis, t.prefix, ['rush']);
    });

    it('When an order is reserved, then the answer carries the prices and the record its lines and deadline', async () => {
      await store.putSku(aSku('priced-a', { price: 500 }));
      await store.putSku(aSku('priced-b', { price: 1_250 }));
      const request = aReserve('pricey', [
        { skuId: 'priced-a', quantity: 2 },
        { skuId: 'priced-b', quantity: 1 },
      ]);

      const result = await store.reserve(request);

      expect(result).toEqual({
        outcome: 'RESERVED',
        currency: 'EUR',
        lines: [
          { skuId: 'priced-a', quantity: 2, unitPrice: 500 },
          { skuId: 'priced-b', quantity: 1, unitPrice: 1_250 },
        ],
      });
      expect(await store.getReservation(request.orderId)).toEqual({
        orderId: request.orderId,
        userId: 'pricey',
        lines: request.lines,
        deadline: request.deadline,
        createdAt: request.now,
      });
      await expectInvariants(t.redis, t.prefix, ['priced-a', 'priced-b']);
    });

    describe('all or nothing', () => {
      const snapshot = async (skuIds: string[]) => ({
        skus: await Promise.all(skuIds.map((id) => store.getSku(id))),
        held: await Promise.all(skuIds.map((id) => t.redis.hgetall(redisKeys(t.prefix).held(id)))),
      });

      it.each<[string, (first: string) => [{ skuId: string; quantity: number }[], ReserveResult]]>([
        [
          'sold out',
          (first) => [
            [
              { skuId: first, quantity: 1 },
              { skuId: 'aon-scarce', quantity: 3 },
            ],
            { outcome: 'SOLD_OUT', skuId: 'aon-scarce', available: 2 },
          ],
        ],
        [
          'unknown',
          (first) => [
            [
              { skuId: first, quantity: 1 },
              { skuId: 'aon-missing', quantity: 1 },
            ],
            { outcome: 'UNKNOWN_SKU', skuId: 'aon-missing' },
          ],
        ],
        [
          'over the limit',
          (first) => [
            [
              { skuId: first, quantity: 1 },
              { skuId: 'aon-limited', quantity: 3 },
            ],
            { outcome: 'LIMIT_EXCEEDED', skuId: 'aon-limited', limit: 2, held: 0 },
          ],
        ],
        [
          'in another currency',
          (first) => [
            [
              { skuId: first, quantity: 1 },
              { skuId: 'aon-dollars', quantity: 1 },
            ],
            { outcome: 'MIXED_CURRENCY' },
          ],
        ],
      ])(
        'When the second line is %s, then the order reserves nothing at all',
        async (_, scenario) => {
          await store.putSku(aSku('aon-first', { stocked: 10, perUserLimit: 5 }));
          await store.putSku(aSku('aon-scarce', { stocked: 2 }));
          await store.putSku(aSku('aon-limited', { stocked: 10, perUserLimit: 2 }));
          await store.putSku(aSku('aon-dollars', { currency: 'USD' }));
          const skuIds = ['aon-first', 'aon-scarce', 'aon-limited', 'aon-dollars'];
          const [lines, refusal] = scenario('aon-first');
          const before = await snapshot(skuIds);
          const request = aReserve('careful', lines, {
            idempotency: { key: randomUUID(), fingerprint: 'f' },
          });

          expect(await store.reserve(request)).toEqual(refusal);

          expect(await snapshot(skuIds)).toEqual(before);
          expect(await store.getReservation(request.orderId)).toBeNull();
          const idem = redisKeys(t.prefix).idempotency('careful', request.idempotency!.key);
          expect(await t.redis.exists(idem)).toBe(0);
          await expectInvariants(t.redis, t.prefix, skuIds);
        },
      );

      it('When a user already holds units, then the limit counts them', async () => {
        await store.putSku(aSku('held', { perUserLimit: 3 }));
        await store.reserve(aReserve('holder', [{ skuId: 'held', quantity: 2 }]));

        const result = await store.reserve(aReserve('holder', [{ skuId: 'held', quantity: 2 }]));

        expect(result).toEqual({ outcome: 'LIMIT_EXCEEDED', skuId: 'held', limit: 3, held: 2 });
        expect(
          await store.reserve(aReserve('holder', [{ skuId: 'held', quantity: 1 }])),
        ).toMatchObject({ outcome: 'RESERVED' });
        await expectInvariants(t.redis, t.prefix, ['held']);
      });

      it('When an order names one SKU on two lines, then it is refused before Redis is asked', async () => {
        await expect(
          store.reserve(
            aReserve('twice', [
              { skuId: 'held', quantity: 1 },
              { skuId: 'held', quantity: 1 },
            ]),
          ),
        ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      });
    });

    describe('idempotency', () => {
      it('When 20 requests with one key and fingerprint arrive at once, then one order is reserved and 19 replay it', async () => {
        await store.putSku(aSku('idem', { stocked: 50 }));
        const idempotency = { key: randomUUID(), fingerprint: 'sha256:abc' };
        const requests = Array.from({ length: 20 }, () =>
          aReserve('double-clicker', [{ skuId: 'idem', quantity: 2 }], { idempotency }),
        );

        const results = await Promise.all(requests.map((r, i) => stores[i % 4]!.reserve(r)));

        const winner = requests.find((_, i) => results[i]!.outcome === 'RESERVED')!;
        expect(count(results, 'RESERVED')).toBe(1);
        expect(results.filter((r) => r.outcome === 'REPLAY')).toEqual(
          Array.from({ length: 19 }, () => ({
            outcome: 'REPLAY',
            orderId: winner.orderId,
            sameRequest: true,
          })),
        );
        expect((await store.getSku('idem'))!.available).toBe(48);

        const other = await store.reserve(
          aReserve('double-clicker', [{ skuId: 'idem', quantity: 1 }], {
            idempotency: { key: idempotency.key, fingerprint: 'sha256:other' },
          }),
        );
        expect(other).toEqual({ outcome: 'REPLAY', orderId: winner.orderId, sameRequest: false });
        expect((await store.getSku('idem'))!.available).toBe(48);
        await expectInvariants(t.redis, t.prefix, ['idem']);
      });

      it('When two users send the same key, then each gets an order of their own', async () => {
        await store.putSku(aSku('idem-users'));
        const idempotency = { key: 'same-key', fingerprint: 'f' };
        const lines = [{ skuId: 'idem-users', quantity: 1 }];

        const results = await Promise.all([
          store.reserve(aReserve('ann', lines, { idempotency })),
          store.reserve(aReserve('bob', lines, { idempotency })),
        ]);

        expect(results.map((r) => r.outcome)).toEqual(['RESERVED', 'RESERVED']);
        await expectInvariants(t.redis, t.prefix, ['idem-users']);
      });

      it('When the same reserve command is sent again, then it answers as before and takes stock once', async () => {
        await store.putSku(aSku('resent', { stocked: 10, price: 700 }));
        const request = aReserve('resender', [{ skuId: 'resent', quantity: 3 }]);
        const first = await store.reserve(request);
        await store.putSku({ ...(await store.getSku('resent'))!, price: 900 });

        const again = await store.reserve(request);

        expect(again).toEqual(first);
        expect((await store.getSku('resent'))!.available).toBe(7);
        await expectInvariants(t.redis, t.prefix, ['resent']);
      });
    });

    it('When multi-SKU orders, confirms and releases hammer four connections at once, then every SKU keeps its invariant', async () => {
      const skuIds = ['multi-a', 'multi-b', 'multi-c', 'multi-d'];
      await store.putSku(aSku('multi-a', { stocked: 120 }));
      await store.putSku(aSku('multi-b', { stocked: 80, perUserLimit: 3 }));
      await store.putSku(aSku('multi-c', { stocked: 50, perUserLimit: 2 }));
      await store.putSku(aSku('multi-d', { stocked: 200 }));
      const random = seededRandom(20_300);
      const outcomes: string[] = [];
      const worker = async (s: RedisReservationStore, other: RedisReservationStore) => {
        for (let i = 0; i < 40; i++) {
          const picked = skuIds.filter(() => random() < 0.5);
          const lines = (picked.length ? picked : ['multi-a']).map((skuId) => ({
            skuId,
            quantity: 1 + Math.floor(random() * 2),
          }));
          const request = aReserve(`hammer-${Math.floor(random() * 150)}`, lines);
          const result = await s.reserve(request);
          outcomes.push(result.outcome);
          if (result.outcome !== 'RESERVED') continue;
          const pick = random();
          if (pick < 0.3) await s.confirm(request.orderId);
          else if (pick < 0.7) await other.release(request.orderId);
          else if (pick < 0.9) {
            await Promise.all([s.confirm(request.orderId), other.release(request.orderId)]);
          }
        }
      };

      await Promise.all(
        Array.from({ length: 32 }, (_, i) => worker(stores[i % 4]!, stores[(i + 1) % 4]!)),
      );

      expect(outcomes).toHaveLength(1_280);
      expect(outcomes.filter((o) => o === 'RESERVED').length).toBeGreaterThan(100);
      await expectInvariants(t.redis, t.prefix, skuIds);
    });
  },
);
