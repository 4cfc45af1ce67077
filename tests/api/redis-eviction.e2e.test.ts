import Redis from 'ioredis';
import { createLogger } from '../../infra/log';
import { startSystem } from '../../main';
import { testConfig } from '../support/config';
import { createTestDatabase } from '../support/mysql';
import { startRedisServer } from '../support/redis-server';
import { startTestSystem, type TestSystem } from '../support/system';
import { eventually } from '../support/wait';

/**
 * Redis holds the stock counts, reservations and Idempotency-Keys: a server that evicts keys
 * when full would drop some without a word. The service does not start on one, /readyz says so
 * if one is set to evict later, and a full server that does not evict makes purchases 503
 * without a partial write.
 */
describe('a Redis that evicts keys, or is full', () => {
  /** The service (api role) on a Redis server of this test's own, which `admin` reconfigures. */
  async function onOwnRedis(label: string, test: (sys: TestSystem, admin: Redis) => Promise<void>) {
    const redisServer = await startRedisServer();
    const sys = await startTestSystem({ REDIS_URL: redisServer.url }, { label });
    const admin = new Redis(redisServer.url);
    try {
      await test(sys, admin);
    } finally {
      admin.disconnect();
      await sys.stop();
      await redisServer.remove();
    }
  }

  it('When Redis is set to evict (allkeys-lru with a maxmemory), then the start stops naming the policy and writes nothing', async () => {
    const redisServer = await startRedisServer([
      '--maxmemory',
      '64mb',
      '--maxmemory-policy',
      'allkeys-lru',
    ]);
    const database = await createTestDatabase('evicting');
    try {
      await expect(
        startSystem(
          testConfig({
            ROLES: 'api',
            MYSQL_URL: database.url,
            REDIS_URL: redisServer.url,
            REDIS_KEY_PREFIX: 't-evicting',
          }),
          createLogger({ level: 'silent' }),
        ),
      ).rejects.toThrow(
        /Redis at 127\.0\.0\.1:\d+ \(REDIS_URL\) cannot hold the hot inventory: it evicts keys when full \(maxmemory-policy allkeys-lru, maxmemory 64\.00M\).*set maxmemory-policy noeviction/,
      );
      const redis = new Redis(redisServer.url);
      try {
        expect(await redis.dbsize()).toBe(0);
      } finally {
        redis.disconnect();
      }
    } finally {
      await database.drop();
      await redisServer.remove();
    }
  });

  it('When Redis is set to evict while the service runs, then /readyz is 503 and says why, and 200 again once set back', async () => {
    await onOwnRedis('evictlater', async (sys, admin) => {
      expect((await fetch(`${sys.base}/readyz`)).status).toBe(200);
      await admin.config('SET', 'maxmemory', '1gb');
      await admin.config('SET', 'maxmemory-policy', 'volatile-lru');
      const ready = await fetch(`${sys.base}/readyz`);
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as {
        checks: Record<string, { ok: boolean; error?: string }>;
      };
      expect(body.checks.redis).toEqual({
        ok: false,
        error: expect.stringMatching(
          /evicts keys when full \(maxmemory-policy volatile-lru, maxmemory 1\.00G\)/,
        ),
      });
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      expect((await fetch(`${sys.base}/readyz`)).status).toBe(200);
    });
  });

  it('When a Redis that does not evict is full, then purchases answer 503 and record nothing, and sell again once it has room', async () => {
    await onOwnRedis('fullredis', async (sys, admin) => {
      const buy = (userId: string) =>
        sys.http.post(
          '/v1/orders',
          { items: [{ skuId: 'FULL', quantity: 1 }] },
          { token: sys.customer(userId) },
        );
      await sys.listSku({ skuId: 'FULL', stock: 5 });
      // Full: any limit under what it uses now, with writes refused rather than keys evicted.
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      await admin.config('SET', 'maxmemory', '1');
      const refused = await Promise.all(Array.from({ length: 20 }, (_, i) => buy(`full-${i}`)));
      expect(refused.map((r) => r.status)).toEqual(Array(20).fill(503));
      expect(refused[0]!.body.error.code).toBe('UNAVAILABLE');
      await admin.config('SET', 'maxmemory', '0');
      expect(await sys.events((e) => e.type === 'OrderPlaced')).toEqual([]);
      expect(await sys.available('FULL')).toBe(5);

      const sold = await eventually(
        () => buy('room-again'),
        (r) => r.status !== 503,
        10_000,
      );
      expect(sold.status).toBe(201);
      expect(await sys.available('FULL')).toBe(4);
      expect(await sys.events((e) => e.type === 'OrderPlaced')).toHaveLength(1);
    });
  });
});
