import { createServer, type Server, type Socket } from 'node:net';
import Redis, { type RedisOptions } from 'ioredis';
import type { ReservationStore } from '../../commands/ports';
import { UnavailableError } from '../../domain/errors';
import { redisKeys, RedisRateLimiter, RedisReservationStore } from '../../infra/redis';
import { aReserve, aSku, createTestRedis, expectInvariants, type TestRedis } from './support';

/** Every method of the port, called with plausible arguments. */
const everyMethod = (store: ReservationStore): [string, () => Promise<unknown>][] => [
  ['reserve', () => store.reserve(aReserve('u', [{ skuId: 'away', quantity: 1 }]))],
  ['release', () => store.release('o')],
  ['abort', () => store.abort('o')],
  ['confirm', () => store.confirm('o')],
  ['putSku', () => store.putSku(aSku('away'))],
  ['restock', () => store.restock('away', 1, 9)],
  ['getSku', () => store.getSku('away')],
  ['getReservation', () => store.getReservation('o')],
  ['reservationsDue', () => store.reservationsDue(new Date(), 10)],
];

const expectUnavailable = async (calls: [string, () => Promise<unknown>][]) => {
  for (const [name, call] of calls) {
    const error = await call().then(
      () => new Error(`${name} answered`),
      (e: unknown) => e,
    );
    expect({ name, error }).toEqual({ name, error: expect.any(UnavailableError) });
  }
};

/**
 * Clients of a server that is not there. Their options are createRedis's, plus a zero
 * disconnectTimeout: ioredis otherwise arms a 2 s timer on disconnect to destroy the socket it
 * already lost, and that timer keeps jest from exiting.
 */
const NOWHERE = 'redis://127.0.0.1:1';
const nowhere = (options: RedisOptions = {}) =>
  new Redis(NOWHERE, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 3_000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    disconnectTimeout: 0,
    ...options,
  });

describe('Redis reservation store when Redis does not answer', () => {
  let t: TestRedis;

  beforeAll(async () => {
    t = await createTestRedis('away');
  });
  afterAll(async () => {
    await t.drop();
  });

  it('When nothing listens at the address, then every method throws UnavailableError', async () => {
    const redis = nowhere();
    const store = new RedisReservationStore(redis, { prefix: t.prefix });
    const limiter = new RedisRateLimiter(redis, { prefix: t.prefix });

    await expectUnavailable([
      ...everyMethod(store),
      ['take', () => limiter.take('k', { capacity: 1, refillPerSecond: 1 }, new Date())],
    ]);
    redis.disconnect();
  });

  it('When the client queues commands while it retries, then it gives up with UnavailableError', async () => {
    const redis = nowhere({ enableOfflineQueue: true, retryStrategy: () => 10 });
    const store = new RedisReservationStore(redis, { prefix: t.prefix });

    await expect(store.getSku('away')).rejects.toBeInstanceOf(UnavailableError);
    redis.disconnect();
  });

  it('When the connection was closed, then every method throws UnavailableError and a reserve changes nothing', async () => {
    const healthy = new RedisReservationStore(t.redis, { prefix: t.prefix });
    await healthy.putSku(aSku('closed', { stocked: 3 }));
    const redis = await t.connect();
    const store = new RedisReservationStore(redis, { prefix: t.prefix });
    await redis.quit();

    await expectUnavailable(everyMethod(store));
    await expect(
      store.reserve(aReserve('late', [{ skuId: 'closed', quantity: 1 }])),
    ).rejects.toBeInstanceOf(UnavailableError);

    expect(await healthy.getSku('closed')).toMatchObject({ available: 3 });
    await expectInvariants(t.redis, t.prefix, ['closed']);
  });

  describe('a server that accepts connections and never answers', () => {
    let server: Server;
    const sockets = new Set<Socket>();
    let port: number;

    beforeAll(async () => {
      server = createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(async () => {
      sockets.forEach((socket) => socket.destroy());
      await new Promise((resolve) => server.close(resolve));
    });

    it('When a command times out, then it throws UnavailableError', async () => {
      const redis = new Redis(port, '127.0.0.1', {
        enableReadyCheck: false,
        commandTimeout: 200,
        maxRetriesPerRequest: 1,
        disconnectTimeout: 0,
      });
      const store = new RedisReservationStore(redis, { prefix: t.prefix });

      await expect(
        store.reserve(aReserve('slow', [{ skuId: 'x', quantity: 1 }])),
      ).rejects.toBeInstanceOf(UnavailableError);
      redis.disconnect();
    });
  });

  it('When Redis answers with an error, then that error is not mistaken for unavailability', async () => {
    const store = new RedisReservationStore(t.redis, { prefix: t.prefix });
    await t.redis.set(redisKeys(t.prefix).sku('wrong-type'), 'not a hash');

    const error = await store.getSku('wrong-type').catch((e: unknown) => e);

    expect(error).not.toBeInstanceOf(UnavailableError);
    expect(String(error)).toMatch(/WRONGTYPE/);
  });
});
