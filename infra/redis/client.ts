import Redis from 'ioredis';

/** Fails fast while Redis is away (commands error instead of queueing), and keeps reconnecting. */
export function createRedis(url: string): Redis {
  return new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    // Concurrent requests' commands share round trips: the hot path's biggest single win.
    enableAutoPipelining: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 3_000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
  });
}

/** The database number a Redis URL names (its path), 0 when it names none. */
export const redisDatabase = (url: string): number => Number(new URL(url).pathname.slice(1) || 0);

/**
 * Whether an error is Redis refusing the SELECT of the URL's database. ioredis only reports that
 * as an error event, before the connection is ready, and goes on in database 0.
 */
export const isBadDatabase = (error: unknown): boolean =>
  /DB index is out of range|invalid DB index/i.test(String((error as Error)?.message));

/** The start-up error for a database the server refuses: it names REDIS_URL. */
export const refusedDatabase = (url: string, error: unknown): Error =>
  new Error(
    `REDIS_URL names database ${redisDatabase(url)}, which the Redis server at ${new URL(url).host} refuses: ${(error as Error).message}`,
  );
