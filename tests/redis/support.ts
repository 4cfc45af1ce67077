import { randomBytes, randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { ReserveRequest, SkuInventory } from '../../commands/ports';
import { redisKeys } from '../../infra/redis';

export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export type TestRedis = {
  /** Every key this test file writes has a hash tag starting with it; the server is shared. */
  prefix: string;
  redis: Redis;
  /** Another connection: another api process, as far as Redis can tell. */
  connect(): Promise<Redis>;
  /** Deletes this prefix's keys (SCAN, never KEYS or FLUSH) and closes every connection. */
  drop(): Promise<void>;
};

export async function createTestRedis(label: string): Promise<TestRedis> {
  const prefix = `t-${label}-${randomBytes(4).toString('hex')}`;
  const clients: Redis[] = [];
  const connect = async () => {
    const client = new Redis(TEST_REDIS_URL, {
      lazyConnect: true,
      enableAutoPipelining: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
    });
    clients.push(client);
    await client.connect();
    return client;
  };
  const redis = await connect();
  return {
    prefix,
    redis,
    connect,
    async drop() {
      // Also the keys of stores given a prefix of their own, `${prefix}-...`.
      await deleteKeys(redis, `{${prefix}*`);
      await Promise.all(clients.map((client) => client.status !== 'end' && client.quit()));
    },
  };
}

export async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found;
}

async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  const keys = await scanKeys(redis, pattern);
  for (let i = 0; i < keys.length; i += 500) await redis.unlink(...keys.slice(i, i + 500));
}

export function aSku(skuId: string, overrides: Partial<SkuInventory> = {}): SkuInventory {
  const stocked = overrides.stocked ?? 100;
  return {
    skuId,
    name: `Item ${skuId}`,
    price: 1_999,
    currency: 'EUR',
    perUserLimit: null,
    stocked,
    available: stocked,
    sold: 0,
    revision: 1,
    ...overrides,
  };
}

export function aReserve(
  userId: string,
  lines: ReserveRequest['lines'],
  overrides: Partial<ReserveRequest> = {},
): ReserveRequest {
  const now = new Date('2030-01-01T12:00:00.000Z');
  return {
    orderId: randomUUID(),
    userId,
    lines,
    deadline: new Date(now.getTime() + 15 * 60_000),
    now,
    ...overrides,
  };
}

/** A seeded generator (mulberry32), so a failing hammer run can be repeated exactly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * The invariants, read straight from Redis once the test is quiet. For every SKU:
 * stocked = available + reserved (the lines of live reservations) + sold, available >= 0,
 * every user's holding within the limit, and the holdings sum to reserved + sold (holdings
 * count reserved and sold units). Every live reservation is on the due set and vice versa.
 */
export async function expectInvariants(
  redis: Redis,
  prefix: string,
  skuIds: string[],
): Promise<void> {
  const keys = redisKeys(prefix);
  const reserved = new Map<string, number>();
  const records = await scanKeys(redis, keys.reservation('*'));
  const lines = await Promise.all(records.map((key) => redis.hget(key, 'lines')));
  for (const json of lines) {
    for (const line of JSON.parse(json!) as { skuId: string; quantity: number }[]) {
      reserved.set(line.skuId, (reserved.get(line.skuId) ?? 0) + line.quantity);
    }
  }
  expect(await redis.zcard(keys.due)).toBe(records.length);

  for (const skuId of skuIds) {
    const sku = await redis.hgetall(keys.sku(skuId));
    const held = Object.values(await redis.hgetall(keys.held(skuId))).map(Number);
    const [stocked, available, sold, limit] = [
      sku.stocked,
      sku.available,
      sku.sold,
      sku.perUserLimit,
    ].map(Number) as [number, number, number, number];
    const units = reserved.get(skuId) ?? 0;
    expect({ skuId, stocked }).toEqual({ skuId, stocked: available + units + sold });
    expect(available).toBeGreaterThanOrEqual(0);
    for (const h of held) {
      expect(h).toBeGreaterThan(0);
      if (limit > 0) expect(h).toBeLessThanOrEqual(limit);
    }
    expect({ skuId, held: held.reduce((a, b) => a + b, 0) }).toEqual({ skuId, held: units + sold });
  }
}
