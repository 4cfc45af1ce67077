import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { signJwt } from '../../api';
import { MysqlEventStore } from '../../infra/eventstore';
import { dropPrefix } from '../../infra/redis';
import { client, inParallel } from '../support/http';
import { broken, checkAllInvariants } from '../support/invariants';
import { testTopicPrefix } from '../support/kafka';
import { freePort } from '../support/kafka-broker';
import { createTestDatabase, type TestDatabase } from '../support/mysql';
import { serviceProcess } from '../../infra/local/service-process';
import { JWT_SECRET, WEBHOOK_SECRET } from '../support/system';

const ORDERS = 10_000;

/**
 * Issue-sized expiry: 10,000 unpaid orders on a 2 s time-to-live, deployed as the roles are meant
 * to run: an api process, and a process with the relay, the projectors and the saga. The load
 * comes from this test's process.
 */
describe('the saga at scale', () => {
  const topics = testTopicPrefix('scale');
  const prefix = `t-${randomBytes(4).toString('hex')}`;
  let database: TestDatabase;
  let api: ReturnType<typeof serviceProcess>;
  let backOffice: ReturnType<typeof serviceProcess>;
  let store: MysqlEventStore;
  let redis: Redis;

  beforeAll(async () => {
    database = await createTestDatabase('scale');
    const env = {
      NODE_ENV: 'test',
      MYSQL_URL: database.url,
      REDIS_KEY_PREFIX: prefix,
      KAFKA_TOPIC_PREFIX: topics.prefix,
      JWT_SECRET,
      PAYMENT_WEBHOOK_SECRET: WEBHOOK_SECRET,
      RESERVATION_TTL_SECONDS: '2',
      RATE_LIMIT_USER_PER_SECOND: '0',
      RATE_LIMIT_ADDRESS_PER_SECOND: '0',
      LOG_LEVEL: 'warn',
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
      ...(process.env.KAFKA_BROKERS ? { KAFKA_BROKERS: process.env.KAFKA_BROKERS } : {}),
    };
    api = serviceProcess({ ...env, ROLES: 'api', PORT: String(await freePort()) });
    backOffice = serviceProcess({
      ...env,
      ROLES: 'relay,projector,saga',
      PORT: String(await freePort()),
    });
    await Promise.all([api.start(), backOffice.start()]);
    store = new MysqlEventStore(database.connect());
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  }, 120_000);
  afterAll(async () => {
    await Promise.all([api?.stop(), backOffice?.stop()]);
    await store?.close();
    if (redis) {
      await dropPrefix(redis, prefix);
      redis.disconnect();
    }
    await database?.drop();
    await topics.drop();
  }, 60_000);

  async function events(type: string) {
    const found = [];
    for (let after = 0n; ;) {
      const page = await store.readAll({ after, maxCount: 5_000 });
      if (page.length === 0) return found;
      found.push(...page.filter((e) => e.type === type));
      after = page[page.length - 1]!.position;
    }
  }

  it('When 10,000 orders are never paid, then all expire once, soon after their deadline, their stock comes back, and all six invariants hold', async () => {
    const http = client(api.base);
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const admin = signJwt({ sub: 'admin', role: 'admin', exp }, JWT_SECRET);
    const listed = await http.post(
      '/v1/admin/skus',
      { skuId: 'X1', name: 'X1', price: 500, currency: 'EUR', stock: ORDERS },
      { token: admin },
    );
    expect(listed.status).toBe(201);

    const started = Date.now();
    const statuses = await inParallel(
      50,
      Array.from({ length: ORDERS }, (_, i) => async () => {
        const token = signJwt({ sub: `x-${i}`, role: 'customer', exp }, JWT_SECRET);
        const res = await http.post(
          '/v1/orders',
          { items: [{ skuId: 'X1', quantity: 1 }] },
          { token },
        );
        return res.status;
      }),
    );
    const placingMs = Date.now() - started;
    expect(statuses.filter((s) => s !== 201)).toEqual([]);

    const deadline = Date.now() + 120_000;
    let expired = await events('OrderExpired');
    while (expired.length < ORDERS && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      expired = await events('OrderExpired');
    }
    const ids = expired.map((e) => (e.data as { orderId: string }).orderId);
    expect(ids).toHaveLength(ORDERS);
    expect(new Set(ids).size).toBe(ORDERS);
    const available = async () =>
      (await http.get('/v1/skus/X1', { token: admin })).body.available as number;
    for (let i = 0; i < 100 && (await available()) < ORDERS; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await available()).toBe(ORDERS);

    // OrderExpired is recorded, then the reservation released at once: its time is the release's.
    const due = new Map(
      (await events('OrderPlaced')).map((e) => {
        const data = e.data as { orderId: string; expiresAt: string };
        return [data.orderId, Date.parse(data.expiresAt)];
      }),
    );
    const delays = expired
      .map((e) => e.recordedAt.getTime() - due.get((e.data as { orderId: string }).orderId)!)
      .sort((a, b) => a - b);
    const p = (q: number) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))]!;
    console.log(
      `${ORDERS} orders placed in ${placingMs} ms (${Math.round((ORDERS * 1000) / placingMs)}/s); ` +
        `expiry delay after the deadline: p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${delays.at(-1)} ms`,
    );
    expect(delays[0]).toBeGreaterThanOrEqual(0);

    const results = await checkAllInvariants({
      http,
      admin,
      db: database.db,
      store,
      redis,
      prefix,
      topicPrefix: topics.prefix,
    });
    expect(broken(results)).toEqual([]);
  }, 300_000);
});
