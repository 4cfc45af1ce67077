import Redis from 'ioredis';
import type { Knex } from 'knex';
import { stopBeforeExit } from '../../infra/cli/args';
import { DEFAULT_MYSQL_URL, DEFAULT_REDIS_URL } from '../../infra/config/defaults';
import { connectMysql, parseMysqlUrl } from '../../infra/db';
import { dropPrefix } from '../../infra/redis';
import { startServer, type Server } from './processes';
import { JWT_SECRET, tokenFor } from './tokens';

export type BenchSku = { skuId: string; stock: number; perUserLimit?: number };
export type Target = { url: string; pid: number; db: Knex };
export type Targets = {
  system?: Target & { redisPrefix: string };
  naive?: Target;
  bare?: { url: string; pid: number };
  stop(): Promise<void>;
};

const base = parseMysqlUrl(process.env.MYSQL_URL ?? DEFAULT_MYSQL_URL);
const urlOf = (database: string) =>
  `mysql://${base.user}${base.password ? `:${base.password}` : ''}@${base.host}:${base.port}/${database}`;
const redisUrl = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;

/** Ports 4600-4602: the range the bench may use on shared machines. */
export const PORTS = { system: 4600, naive: 4601, bare: 4602 } as const;

/** Drops and creates database `name`; returns a connection to it. */
export async function freshDatabase(name: string) {
  const server = connectMysql(
    { ...base, database: name },
    { pool: { min: 0, max: 1 }, withDatabase: false },
  );
  await server.raw('DROP DATABASE IF EXISTS ??', [name]);
  await server.raw('CREATE DATABASE ?? CHARACTER SET utf8mb4', [name]);
  await server.destroy();
  return connectMysql({ ...base, database: name }, { pool: { min: 0, max: 2 } });
}

/** BENCH_PROFILE_DIR=dir: the service writes a V8 CPU profile there when it stops. */
const profileArgs = () =>
  process.env.BENCH_PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
    : [];

/** The service (api role) as every bench runs it, on `database` and Redis prefix `redisPrefix`. */
export function systemEnv(database: string, redisPrefix: string): Record<string, string> {
  return {
    JWT_SECRET,
    LOG_LEVEL: 'warn',
    ROLES: 'api',
    MYSQL_URL: urlOf(database),
    REDIS_KEY_PREFIX: redisPrefix,
    PAYMENT_WEBHOOK_SECRET: 'bench-only-webhook-secret-0123',
    // Every request comes from 127.0.0.1: a per-address limit would measure the limiter.
    RATE_LIMIT_USER_PER_SECOND: '0',
    RATE_LIMIT_ADDRESS_PER_SECOND: '0',
    NODE_ENV: 'production',
  };
}

/** Lists the SKUs through the service's admin route. */
export async function listSkus(url: string, skus: BenchSku[]) {
  const admin = tokenFor('bench-admin', 'admin');
  for (const sku of skus) {
    const res = await fetch(`${url}/v1/admin/skus`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ name: sku.skuId, price: 1999, currency: 'EUR', ...sku }),
    });
    if (res.status !== 201)
      throw new Error(`listing ${sku.skuId}: ${res.status} ${await res.text()}`);
  }
}

/**
 * The system's Redis prefix: one name, like its database, so that what an interrupted run left
 * (reservations without an expiry, idempotency records of a day) goes with the next run.
 */
const SYSTEM_PREFIX = 'bench-orders';

async function startSystem(skus: BenchSku[]) {
  const db = await freshDatabase('bench_orders');
  const redisPrefix = SYSTEM_PREFIX;
  await dropRedisKeys(redisPrefix);
  const server = await startServer(
    'system',
    'main.ts',
    PORTS.system,
    systemEnv('bench_orders', redisPrefix),
    '/readyz',
    profileArgs(),
  );
  await listSkus(server.url, skus);
  return { server, db, redisPrefix };
}

async function startNaive(skus: BenchSku[]) {
  const db = await freshDatabase('bench_naive');
  await db.raw(
    'CREATE TABLE skus (id VARCHAR(64) PRIMARY KEY, stock INT NOT NULL, stocked INT NOT NULL)',
  );
  await db.raw(
    'CREATE TABLE orders (id CHAR(36) PRIMARY KEY, user_id VARCHAR(64) NOT NULL, sku_id VARCHAR(64) NOT NULL, quantity INT NOT NULL, UNIQUE KEY one_per_user (user_id, sku_id))',
  );
  await db('skus').insert(skus.map((s) => ({ id: s.skuId, stock: s.stock, stocked: s.stock })));
  const server = await startServer(
    'naive',
    'bench/baselines/naive-app.ts',
    PORTS.naive,
    { JWT_SECRET, MYSQL_URL: urlOf('bench_naive') },
    '/v1/orders',
  );
  return { server, db };
}

/** Fresh stores (databases `bench_orders`, `bench_naive`, Redis prefix `bench-orders`) and servers. */
export async function startTargets(
  which: readonly ('system' | 'naive' | 'bare')[],
  skus: BenchSku[],
): Promise<Targets> {
  const servers: Server[] = [];
  const dbs: Knex[] = [];
  let stopped: Promise<void> | undefined;
  const targets: Targets = {
    // Once, whoever asks first: the case when it ends, or the bench's way out (a signal, its
    // reader gone).
    stop: () =>
      (stopped ??= (async () => {
        await Promise.all(servers.map((s) => s.stop()));
        await Promise.all(dbs.map((db) => db.destroy()));
        if (targets.system) await dropRedisKeys(targets.system.redisPrefix);
      })()),
  };
  stopBeforeExit(targets.stop);
  try {
    if (which.includes('system')) {
      const { server, db, redisPrefix } = await startSystem(skus);
      servers.push(server);
      dbs.push(db);
      targets.system = { url: server.url, pid: server.pid, db, redisPrefix };
    }
    if (which.includes('naive')) {
      const { server, db } = await startNaive(skus);
      servers.push(server);
      dbs.push(db);
      targets.naive = { url: server.url, pid: server.pid, db };
    }
    if (which.includes('bare')) {
      const server = await startServer(
        'bare',
        'bench/baselines/bare-express.ts',
        PORTS.bare,
        {},
        '/v1/orders',
      );
      servers.push(server);
      targets.bare = { url: server.url, pid: server.pid };
    }
    return targets;
  } catch (error) {
    await targets.stop();
    throw error;
  }
}

/** One short-lived connection to the bench's Redis for `work`. */
async function withRedis<T>(work: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(redisUrl, { lazyConnect: true });
  try {
    await redis.connect();
    return await work(redis);
  } finally {
    redis.disconnect();
  }
}

/** The run's idempotency records and reservations would otherwise stay in the shared Redis. */
export async function dropRedisKeys(prefix: string) {
  await withRedis((redis) => dropPrefix(redis, prefix));
}

/** Keys with an expiry, made in chunks by one script each (an undeclared key: standalone Redis). */
const FILL_LUA = `
for i = tonumber(ARGV[1]), tonumber(ARGV[2]) do
  redis.call('SET', ARGV[3] .. i, '1', 'EX', 3600)
end
return 1
`;

/**
 * Grows Redis's key and expiry tables ahead of a measurement by filling them with `count` keys
 * under `{prefix}`: a table doubles when it is full, and while it rehashes every call pays for
 * it, so a doubling that falls inside one side's turn weighs on that side only. With the tables
 * already big enough for every order a run places, none falls inside it. Drop the keys with
 * dropRedisKeys(prefix) afterwards.
 */
export async function growRedisTables(prefix: string, count: number) {
  await withRedis(async (redis) => {
    const chunk = 100_000;
    for (let from = 1; from <= count; from += chunk) {
      const to = Math.min(count, from + chunk - 1);
      await redis.eval(FILL_LUA, 0, from, to, `{${prefix}}:ballast:`);
    }
  });
}
