import Redis from 'ioredis';
import { startSystem } from '../../main';
import { createLogger } from '../../infra/log';
import { RedisReservationStore } from '../../infra/redis';
import { testConfig } from '../support/config';
import { parseMysqlUrl } from '../../infra/db';
import { createTestDatabase } from '../support/mysql';
import { startTestSystem } from '../support/system';
import { TcpProxy } from '../support/tcp-proxy';

const mysql = parseMysqlUrl(process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/flashsale');
const redisUrl = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

async function eventually<T>(
  attempt: () => Promise<T>,
  ok: (value: T) => boolean,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await attempt();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('when a dependency fails', () => {
  it('When the event store stops after the reservation, then the client gets 503 and the stock is released', async () => {
    const proxy = new TcpProxy(mysql.host, mysql.port);
    const port = await proxy.start();
    const database = await createTestDatabase('crash');
    const url = new URL(database.url);
    url.port = String(port);
    const sys = await startTestSystem({ MYSQL_URL: url.toString() }, { database });
    try {
      await sys.listSku({ skuId: 'fragile', stock: 20 });
      const reservations = new RedisReservationStore(sys.redis, { prefix: sys.prefix });
      await proxy.stop();

      const res = await sys.http.post(
        '/v1/orders',
        { items: [{ skuId: 'fragile', quantity: 3 }] },
        { token: sys.customer('unlucky') },
      );
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('UNAVAILABLE');
      expect(await sys.available('fragile')).toBe(20);
      expect(await reservations.reservationsDue(new Date(Date.now() + 86_400_000), 100)).toEqual(
        [],
      );

      await proxy.start();
      const retried = await eventually(
        () =>
          sys.http.post(
            '/v1/orders',
            { items: [{ skuId: 'fragile', quantity: 3 }] },
            { token: sys.customer('unlucky') },
          ),
        (r) => r.status === 201,
      );
      expect(retried.status).toBe(201);
      expect(await sys.available('fragile')).toBe(17);
      expect(await sys.events((e) => e.type === 'OrderPlaced')).toHaveLength(1);
    } finally {
      await proxy.stop();
      await sys.stop();
    }
  });

  it('When Redis does not answer, then purchases get 503 and nothing is written', async () => {
    const proxy = new TcpProxy(redisUrl.hostname, Number(redisUrl.port || 6379));
    const port = await proxy.start();
    const sys = await startTestSystem(
      { REDIS_URL: `redis://127.0.0.1:${port}` },
      { label: 'redisdown' },
    );
    try {
      await sys.listSku({ skuId: 'cached', stock: 5 });
      const before = (await sys.events()).length;
      await proxy.stop();
      const res = await sys.http.post(
        '/v1/orders',
        { items: [{ skuId: 'cached', quantity: 1 }] },
        { token: sys.customer('waiting') },
      );
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('UNAVAILABLE');
      expect(await sys.events()).toHaveLength(before);
      const ready = await sys.http.get('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.checks.redis.ok).toBe(false);

      await proxy.start();
      const back = await eventually(
        () =>
          sys.http.post(
            '/v1/orders',
            { items: [{ skuId: 'cached', quantity: 1 }] },
            { token: sys.customer('waiting') },
          ),
        (r) => r.status === 201,
      );
      expect(back.status).toBe(201);
    } finally {
      await proxy.stop();
      await sys.stop();
    }
  });

  it.each(['api', 'saga'])(
    'When REDIS_URL names a database the Redis server does not have (roles %s), then the start stops naming REDIS_URL and nothing is written to database 0',
    async (roles) => {
      const database = await createTestDatabase('redisdb');
      const prefix = `t-redisdb-${process.pid}`;
      const url = `redis://${redisUrl.host}/9999`;
      try {
        await expect(
          startSystem(
            testConfig({
              ROLES: roles,
              MYSQL_URL: database.url,
              REDIS_URL: url,
              REDIS_KEY_PREFIX: prefix,
            }),
            createLogger({ level: 'silent' }),
          ),
        ).rejects.toThrow(/REDIS_URL names database 9999, which the Redis server at .* refuses/);
        const redis = new Redis(redisUrl.href);
        try {
          expect(await redis.keys(`*${prefix}*`)).toEqual([]);
        } finally {
          redis.disconnect();
        }
      } finally {
        await database.drop();
      }
    },
  );

  it('When one user sends faster than the limit, then 429 with Retry-After, and other users are not affected', async () => {
    const sys = await startTestSystem(
      { RATE_LIMIT_USER_PER_SECOND: '1', RATE_LIMIT_USER_BURST: '2' },
      { label: 'ratelimit' },
    );
    try {
      await sys.listSku({ skuId: 'popular', stock: 100 });
      const token = sys.customer('hasty');
      const send = (t = token) =>
        sys.http.post('/v1/orders', { items: [{ skuId: 'popular', quantity: 1 }] }, { token: t });
      const results = [await send(), await send(), await send()];
      expect(results.map((r) => r.status)).toEqual([201, 201, 429]);
      expect(results[2]!.body.error.code).toBe('RATE_LIMITED');
      expect(Number(results[2]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await send(sys.customer('patient'))).status).toBe(201);
      expect(await sys.available('popular')).toBe(97);
    } finally {
      await sys.stop();
    }
  });
});
