import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { signJwt, signWebhook } from '../../api';
import { MysqlEventStore } from '../../infra/eventstore';
import { dropPrefix } from '../../infra/redis';
import { client, type Response } from '../support/http';
import { broken, checkAllInvariants } from '../support/invariants';
import { freePort, startPrivateBroker } from '../support/kafka-broker';
import { createTestDatabase, type TestDatabase } from '../support/mysql';
import { scanKeys } from '../redis/support';
import { serviceProcess } from '../../infra/local/service-process';

const JWT_SECRET = 'chaos-jwt-secret-0123456789abcdef';
const WEBHOOK_SECRET = 'chaos-webhook-secret-0123456789abcdef';
/** The sale lasts this long at least, and until the last restart is a few seconds old. */
const SALE_MS = 40_000;
const TTL_SECONDS = 4;
const WORKERS = 16;
const SKUS = [
  { skuId: 'C1', stock: 300, perUserLimit: 2 },
  { skuId: 'C2', stock: 150 },
];

type Stats = Record<
  'attempts' | 'placed' | 'soldOut' | 'unavailable' | 'down' | 'paid' | 'cancelled' | 'left',
  number
>;

/**
 * Chaos during a running flash sale: the service runs as a real process with every role, on a
 * Kafka broker of this test's own. While buyers place, pay, retry, cancel and abandon orders, the
 * process is killed with SIGKILL three times at random moments and started again, Kafka is stopped
 * and started, and Redis loses every key of the deployment once. Once the dust settles, all six
 * invariants of DESIGN.md must hold and every SKU audit must say consistent.
 */
describe('chaos', () => {
  let broker: Awaited<ReturnType<typeof startPrivateBroker>>;
  let database: TestDatabase;
  let service: ReturnType<typeof serviceProcess>;
  let redis: Redis;
  let store: MysqlEventStore;
  const prefix = `chaos-${randomBytes(4).toString('hex')}`;
  const topicPrefix = `${prefix}.`;

  beforeAll(async () => {
    broker = await startPrivateBroker();
    database = await createTestDatabase('chaos');
    service = serviceProcess({
      NODE_ENV: 'test',
      PORT: String(await freePort()),
      MYSQL_URL: database.url,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      KAFKA_BROKERS: broker.broker,
      KAFKA_TOPIC_PREFIX: topicPrefix,
      REDIS_KEY_PREFIX: prefix,
      JWT_SECRET,
      PAYMENT_WEBHOOK_SECRET: WEBHOOK_SECRET,
      RESERVATION_TTL_SECONDS: String(TTL_SECONDS),
      ORPHAN_GRACE_SECONDS: '2',
      RATE_LIMIT_USER_PER_SECOND: '0',
      RATE_LIMIT_ADDRESS_PER_SECOND: '0',
      LOG_LEVEL: 'warn',
    });
    await service.start();
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    store = new MysqlEventStore(database.connect());
  }, 180_000);

  afterAll(async () => {
    await service?.stop();
    await store?.close();
    if (redis) {
      await dropPrefix(redis, prefix);
      redis.disconnect();
    }
    await database?.drop();
    await broker?.destroy();
  }, 60_000);

  it('When the process is killed three times, Kafka restarts and Redis is flushed mid-sale, then every invariant holds afterwards', async () => {
    const http = client(service.base);
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const admin = signJwt({ sub: 'admin', role: 'admin', exp }, JWT_SECRET);
    const customer = (userId: string) =>
      signJwt({ sub: userId, role: 'customer', exp }, JWT_SECRET);
    for (const sku of SKUS) {
      const res = await http.post(
        '/v1/admin/skus',
        { name: sku.skuId, price: 1000, currency: 'EUR', ...sku },
        { token: admin },
      );
      expect(res.status).toBe(201);
    }

    const stats: Stats = {
      attempts: 0,
      placed: 0,
      soldOut: 0,
      unavailable: 0,
      down: 0,
      paid: 0,
      cancelled: 0,
      left: 0,
    };
    /** A call that may meet the process dead or restarting: null then. */
    const tryCall = async (call: () => Promise<Response>) => {
      try {
        return await call();
      } catch {
        stats.down += 1;
        await new Promise((r) => setTimeout(r, 100));
        return null;
      }
    };
    const callback = (body: Record<string, unknown>) => {
      const raw = JSON.stringify(body);
      const signature = signWebhook(raw, WEBHOOK_SECRET, Math.floor(Date.now() / 1000));
      return tryCall(() =>
        http.post('/v1/payments/callback', undefined, {
          raw,
          headers: { 'x-payment-signature': signature },
        }),
      );
    };

    let selling = true;
    let next = 0;
    const buyer = async () => {
      while (selling) {
        const n = next++;
        const user = `buyer-${n}`;
        const token = customer(user);
        const items =
          n % 5 === 0
            ? [
                { skuId: 'C1', quantity: 1 },
                { skuId: 'C2', quantity: 1 },
              ]
            : [{ skuId: n % 2 ? 'C1' : 'C2', quantity: 1 + (n % 3 === 0 ? 1 : 0) }];
        stats.attempts += 1;
        const placed = await tryCall(() =>
          http.post('/v1/orders', { items }, { token, headers: { 'idempotency-key': `k-${n}` } }),
        );
        if (!placed) continue;
        if (placed.status === 409) stats.soldOut += 1;
        if (placed.status === 503) stats.unavailable += 1;
        if (placed.status !== 201) {
          if (placed.status !== 409) await new Promise((r) => setTimeout(r, 50));
          continue;
        }
        stats.placed += 1;
        const { orderId, total } = placed.body;
        const action = n % 10;
        if (action < 5) {
          const pay = await tryCall(() =>
            http.post(`/v1/orders/${orderId}/payments`, undefined, { token }),
          );
          if (pay?.status !== 201) continue;
          const result = (status: string, transactionId: string) => ({
            paymentId: pay.body.paymentId,
            orderId,
            transactionId,
            status,
            amount: total,
            currency: 'EUR',
          });
          if (action === 0) await callback(result('FAILED', `fail-${orderId}`));
          const done = await callback(result('SUCCEEDED', `tx-${orderId}`));
          if (action === 1) await callback(result('SUCCEEDED', `tx-${orderId}`));
          if (done?.status === 200 && done.body.orderStatus === 'CONFIRMED') stats.paid += 1;
        } else if (action < 7) {
          const res = await tryCall(() =>
            http.post(`/v1/orders/${orderId}/cancel`, undefined, { token }),
          );
          if (res?.status === 200) stats.cancelled += 1;
        } else {
          stats.left += 1;
        }
      }
    };

    /** Each step comes a random while after the one before, so none lands on another. */
    const pause = (fromMs: number, toMs: number) =>
      new Promise((r) => setTimeout(r, fromMs + Math.floor(Math.random() * (toMs - fromMs))));
    const moments: string[] = [];
    const note = (what: string) => moments.push(`${what} at ${Date.now() - started} ms`);
    const killAndRestart = async () => {
      note('SIGKILL');
      await service.kill();
      await service.start();
      note('restarted');
    };
    const started = Date.now();
    const chaos = (async () => {
      await pause(3_000, 8_000);
      await killAndRestart();
      await pause(2_000, 5_000);
      note('Kafka stopped');
      await broker.stop();
      await pause(6_000, 10_000);
      await broker.start();
      note('Kafka started');
      await pause(2_000, 5_000);
      await killAndRestart();
      await pause(3_000, 6_000);
      const keys = await scanKeys(redis, `{${prefix}}:*`);
      await redis.del(...keys);
      note(`Redis lost ${keys.length} keys`);
      const lost = Date.now();
      for (let i = 0; i < 300; i++) {
        const sku = await tryCall(() => http.get('/v1/skus/C1', { token: admin }));
        if (sku?.status === 200) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      note(`hot inventory answered again ${Date.now() - lost} ms after the loss`);
      await pause(4_000, 7_000);
      await killAndRestart();
      await pause(3_000, 5_000);
    })();
    const buyers = Array.from({ length: WORKERS }, buyer);
    await Promise.all([chaos, new Promise((r) => setTimeout(r, SALE_MS))]);
    selling = false;
    await Promise.all(buyers);
    console.log(`chaos: ${moments.join(', ')}\nsale: ${JSON.stringify(stats)}`);
    expect(stats.placed).toBeGreaterThan(100);
    expect(stats.paid).toBeGreaterThan(10);

    // The dust settles: every deadline passes, the saga and the sweeper do their work.
    const settleStarted = Date.now();
    await new Promise((r) => setTimeout(r, (TTL_SECONDS + 3) * 1000));
    let results = await checkAllInvariants(
      { http, admin, db: database.db, store, redis, prefix, topicPrefix, brokers: [broker.broker] },
      { caughtUpMs: 180_000 },
    );
    for (let i = 0; i < 60 && broken(results).length > 0; i++) {
      await new Promise((r) => setTimeout(r, 2_000));
      results = await checkAllInvariants(
        {
          http,
          admin,
          db: database.db,
          store,
          redis,
          prefix,
          topicPrefix,
          brokers: [broker.broker],
        },
        { caughtUpMs: 180_000 },
      );
    }
    console.log(`settled ${Date.now() - settleStarted} ms after the sale`);
    expect(broken(results)).toEqual([]);

    const events = await store.readAll({ after: 0n, maxCount: 1_000_000 });
    const count = (type: string) => events.filter((e) => e.type === type).length;
    console.log(
      `events: ${count('OrderPlaced')} placed, ${count('PaymentCompleted')} paid, ` +
        `${count('OrderExpired')} expired, ${count('OrderCancelled')} cancelled, ` +
        `${count('PaymentRefunded')} refunded, ${count('OrderAbandoned')} abandoned`,
    );
    for (const { skuId } of SKUS) {
      const audit = await http.get(`/v1/admin/skus/${skuId}/audit`, { token: admin });
      expect(audit.status).toBe(200);
      expect({ skuId, consistent: audit.body.consistent, found: audit.body.discrepancies }).toEqual(
        { skuId, consistent: true, found: [] },
      );
    }
  }, 600_000);
});
