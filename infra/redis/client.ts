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
