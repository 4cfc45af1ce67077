import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { signJwt } from '../api';
import type { RecordedEvent } from '../commands/ports';
import { MysqlEventStore } from '../infra/eventstore';
import { redisKeys } from '../infra/redis/keys';
import { testTopicPrefix } from './support/kafka';
import { createTestDatabase, type TestDatabase } from './support/mysql';
import { spawnService as runService } from '../infra/local/service-process';
import { until } from './support/wait';

const JWT_SECRET = 'jwt-secret-for-the-shutdown-test';
const exp = () => Math.floor(Date.now() / 1000) + 3600;

/** Every event of the store, in order. */
async function allEvents(store: MysqlEventStore): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for (let after = 0n; ;) {
    const page = await store.readAll({ after, maxCount: 5_000 });
    if (page.length === 0) return all;
    all.push(...page);
    after = page[page.length - 1]!.position;
  }
}

describe('when the process gets SIGTERM during a purchase load', () => {
  const topics = testTopicPrefix('stop');
  const prefix = `t-${randomBytes(4).toString('hex')}`;
  let database: TestDatabase;
  let redis: Redis;

  beforeAll(async () => {
    database = await createTestDatabase('stop');
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  });
  afterAll(async () => {
    const keys = await redis.keys(redisKeys(prefix).all);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await database.drop();
    await topics.drop();
  });

  it('When it stops, then in-flight purchases finish, every 201 is an OrderPlaced, and no reservation is half-made', async () => {
    const proc = runService({
      PORT: '0',
      MYSQL_URL: database.url,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
      REDIS_KEY_PREFIX: prefix,
      KAFKA_TOPIC_PREFIX: topics.prefix,
      JWT_SECRET,
      PAYMENT_WEBHOOK_SECRET: 'webhook-secret-for-the-shutdown-test',
      RATE_LIMIT_USER_PER_SECOND: '0',
      RATE_LIMIT_ADDRESS_PER_SECOND: '0',
    });
    await until(() => /"msg":"listening"/.test(proc.output()), 60_000);
    const port = Number(/"port":(\d+)/.exec(proc.output())![1]);
    const base = `http://127.0.0.1:${port}`;
    const admin = signJwt({ sub: 'admin', role: 'admin', exp: exp() }, JWT_SECRET);
    const listed = await fetch(`${base}/v1/admin/skus`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ skuId: 'S1', name: 'S1', price: 500, currency: 'EUR', stock: 400 }),
    });
    expect(listed.status).toBe(201);

    // Buyers press "buy" in a loop until the server stops answering.
    const created: string[] = [];
    const statuses = new Map<number, number>();
    let refused = 0;
    let sent = 0;
    const buyer = async (worker: number) => {
      for (let i = 0; ; i++) {
        const token = signJwt({ sub: `u${worker}-${i}`, role: 'customer', exp: exp() }, JWT_SECRET);
        sent += 1;
        try {
          const res = await fetch(`${base}/v1/orders`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ items: [{ skuId: 'S1', quantity: 1 }] }),
          });
          const body = (await res.json()) as { orderId?: string };
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status === 201) created.push(body.orderId!);
        } catch {
          refused += 1;
          return;
        }
      }
    };
    const load = Promise.all(Array.from({ length: 24 }, (_, w) => buyer(w)));
    await until(() => created.length >= 60, 30_000);
    proc.child.kill('SIGTERM');
    await load;
    const code = await proc.exited;
    if (code !== 0) console.log(proc.output().slice(-5000));
    expect(code).toBe(0);

    const output = proc.output();
    expect(output).toMatch(/"msg":"shutting down"/);
    expect(output).toMatch(/"msg":"stopped"/);
    expect(output).not.toMatch(/close failed|unhandled error/);
    // Only successes, sold out, or a refused connection: never a 5xx for a request it took.
    expect([...statuses.keys()].every((s) => s === 201 || s === 409)).toBe(true);
    expect(refused).toBe(24);

    const store = new MysqlEventStore(database.connect());
    try {
      const placed = new Set(
        (await allEvents(store))
          .filter((e) => e.type === 'OrderPlaced')
          .map((e) => (e.data as { orderId: string }).orderId),
      );
      // Every order the client was told about is recorded...
      for (const orderId of created) expect(placed.has(orderId)).toBe(true);
      // ...no reservation is left in Redis for an order that was not...
      const keys = redisKeys(prefix);
      const reservations = (await redis.keys(keys.reservation('*'))).map((k) =>
        k.slice(keys.reservation('').length),
      );
      for (const orderId of reservations) expect(placed.has(orderId)).toBe(true);
      expect(reservations.length).toBe(placed.size);
      // ...and the stock taken is exactly the orders recorded.
      expect(Number(await redis.hget(keys.sku('S1'), 'available'))).toBe(400 - placed.size);
      console.log(
        `SIGTERM after ${created.length} orders: ${sent} requests sent, statuses ${JSON.stringify(Object.fromEntries(statuses))}, ${placed.size} OrderPlaced`,
      );
    } finally {
      await store.close();
    }
  });

  it('When Kafka does not answer, then SIGTERM still stops it in seconds, not after the broker retries', async () => {
    const proc = runService({
      PORT: '0',
      MYSQL_URL: database.url,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      // A closed port: the projector and saga keep retrying their start (kafkajs: about 20 s).
      KAFKA_BROKERS: '127.0.0.1:1',
      REDIS_KEY_PREFIX: prefix,
      KAFKA_TOPIC_PREFIX: topics.prefix,
      JWT_SECRET,
      PAYMENT_WEBHOOK_SECRET: 'webhook-secret-for-the-shutdown-test',
    });
    await until(() => /"msg":"listening"/.test(proc.output()), 60_000);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const signalled = Date.now();
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    expect(proc.output()).toMatch(/"msg":"stopped"/);
    // Each waiting role gives its attempt in flight 2 s; the broker's retries took 20 s.
    expect(Date.now() - signalled).toBeLessThan(12_000);
  }, 90_000);
});
