import type Redis from 'ioredis';

/**
 * Why a Redis server may drop this system's keys on its own, from its `INFO memory`, or undefined
 * when it never does. Redis holds the stock counts, the reservations, each buyer's count and the
 * Idempotency-Keys; a server that evicts under memory pressure would drop some of them without a
 * word (any policy but `noeviction`, the `volatile-*` ones too: reservations and keys expire, so
 * they are the ones it takes). With no `maxmemory` it never evicts; with `noeviction` a full
 * server refuses writes (OOM), which purchases answer with 503.
 */
export function evictionRiskOf(info: string): string | undefined {
  const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim();
  const policy = field('maxmemory_policy') ?? 'noeviction';
  if (Number(field('maxmemory') ?? 0) === 0 || policy === 'noeviction') return undefined;
  return (
    `it evicts keys when full (maxmemory-policy ${policy}, maxmemory ${field('maxmemory_human') ?? field('maxmemory')}), ` +
    `and would drop stock counts, reservations and Idempotency-Keys: set maxmemory-policy noeviction (or maxmemory 0)`
  );
}

/** The server's eviction risk (evictionRiskOf), read now: it can be changed while the service runs. */
export async function evictionRisk(redis: Pick<Redis, 'info'>): Promise<string | undefined> {
  return evictionRiskOf(await redis.info('memory'));
}
