import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { signJwt, signWebhook } from '../../api';
import type { RecordedEvent } from '../../commands/ports';
import { MysqlEventStore } from '../../infra/eventstore';
import { dropPrefix } from '../../infra/redis';
import { createLogger, type Logger } from '../../infra/log';
import { startSystem, type System } from '../../main';
import { testConfig } from './config';
import { client } from './http';
import { createTestDatabase, type TestDatabase } from './mysql';

export const JWT_SECRET = 'jwt-secret-for-tests-only-0123456789';
export const WEBHOOK_SECRET = 'webhook-secret-for-tests-only-0123456789';

export type TestSystem = Awaited<ReturnType<typeof startTestSystem>>;

/**
 * The service with the api role on a free port, over its own database and its own Redis key
 * prefix, with helpers to make tokens, sign callbacks and look at what it recorded.
 */
export async function startTestSystem(
  env: Record<string, string> = {},
  options: { database?: TestDatabase; label?: string; logger?: Logger } = {},
) {
  const database = options.database ?? (await createTestDatabase(options.label ?? 'api'));
  const prefix = `t-${randomBytes(4).toString('hex')}`;
  const config = testConfig({
    ROLES: 'api',
    MYSQL_URL: database.url,
    REDIS_KEY_PREFIX: prefix,
    JWT_SECRET,
    PAYMENT_WEBHOOK_SECRET: WEBHOOK_SECRET,
    RATE_LIMIT_USER_PER_SECOND: '0',
    RATE_LIMIT_ADDRESS_PER_SECOND: '0',
    ...env,
  });
  let system: System | undefined = await startSystem(
    config,
    options.logger ?? createLogger({ level: 'silent' }),
  );
  const base = `http://127.0.0.1:${system.port}`;
  const store = new MysqlEventStore(database.connect());
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const exp = () => Math.floor(Date.now() / 1000) + 3600;

  const admin = signJwt({ sub: 'admin', role: 'admin', exp: exp() }, JWT_SECRET);
  const customer = (userId: string) =>
    signJwt({ sub: userId, role: 'customer', exp: exp() }, JWT_SECRET);
  const http = client(base);

  async function events(filter: (e: RecordedEvent) => boolean = () => true) {
    const all: RecordedEvent[] = [];
    let after = 0n;
    for (;;) {
      const page = await store.readAll({ after, maxCount: 5_000 });
      if (page.length === 0) return all.filter(filter);
      all.push(...page);
      after = page[page.length - 1]!.position;
    }
  }

  return {
    base,
    http,
    database,
    store,
    redis,
    prefix,
    admin,
    customer,
    events,
    async listSku(sku: {
      skuId: string;
      price?: number;
      currency?: string;
      stock: number;
      perUserLimit?: number;
    }) {
      const res = await http.post(
        '/v1/admin/skus',
        { name: `SKU ${sku.skuId}`, price: 1999, currency: 'EUR', ...sku },
        { token: admin },
      );
      if (res.status !== 201)
        throw new Error(`listing failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async available(skuId: string): Promise<number> {
      const res = await http.get(`/v1/skus/${skuId}`, { token: admin });
      return res.body.available;
    },
    /** Posts a callback signed as the provider would (or with the signature given). */
    callback(body: Record<string, unknown>, signature?: string, raw?: string) {
      const payload = raw ?? JSON.stringify(body);
      return http.post('/v1/payments/callback', undefined, {
        raw: payload,
        headers: {
          'x-payment-signature':
            signature ?? signWebhook(payload, WEBHOOK_SECRET, Math.floor(Date.now() / 1000)),
        },
      });
    },
    async stop(options: { keepDatabase?: boolean } = {}) {
      await system?.stop();
      system = undefined;
      await store.close();
      await dropPrefix(redis, prefix);
      redis.disconnect();
      if (!options.keepDatabase) await database.drop();
    },
  };
}
