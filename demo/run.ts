/**
 * npm run demo [-- --buyers N --stock N --ttl SECONDS ...]: a whole flash sale on this machine.
 * Starts the service as it is deployed (an api process, and one with the relay, the projectors
 * and the saga), lists a hot SKU, sends thousands of buyers at it at once with a simulated payment
 * provider, shows progress live, and ends with a report in which each invariant of the design is
 * held or broken. Exit code 1 when one is broken.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { signJwt } from '../api';
import {
  DEFAULT_KAFKA_BROKERS,
  DEFAULT_MYSQL_URL,
  DEFAULT_REDIS_URL,
} from '../infra/config/defaults';
import { connectMysql, parseMysqlUrl } from '../infra/db';
import { dropTopics } from '../infra/kafka';
import { MysqlEventStore } from '../infra/eventstore';
import { dropPrefix } from '../infra/redis';
import { commandLine } from '../infra/cli/args';
import { client, inParallel } from '../infra/local/api-client';
import { freePort, serviceProcess } from '../infra/local/service-process';
import { emptyTally, makeBuyer, planFor } from './buyer';
import { parseDemoOptions, USAGE, type DemoOptions } from './options';
import { allHeld, finalReport, progressLine } from './report';
import { routeBuckets } from './service-latency';
import { verifySale } from './verify';

const SKU = 'HOT-1';
const DATABASE = 'flashsale_demo';
const REDIS_PREFIX = 'demo';

const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(options: DemoOptions): Promise<boolean> {
  const base = parseMysqlUrl(process.env.MYSQL_URL || DEFAULT_MYSQL_URL);
  const server = connectMysql(base, { pool: { min: 0, max: 1 }, withDatabase: false });
  await server.raw('DROP DATABASE IF EXISTS ??', [DATABASE]);
  await server.destroy();
  const url = new URL(process.env.MYSQL_URL || DEFAULT_MYSQL_URL);
  url.pathname = `/${DATABASE}`;
  const redisUrl = process.env.REDIS_URL || DEFAULT_REDIS_URL;
  const brokers = process.env.KAFKA_BROKERS || DEFAULT_KAFKA_BROKERS;
  const redis = new Redis(redisUrl);
  await dropPrefix(redis, REDIS_PREFIX);

  const run = randomBytes(3).toString('hex');
  const secrets = {
    jwt: randomBytes(24).toString('hex'),
    webhook: randomBytes(24).toString('hex'),
  };
  const env = {
    NODE_ENV: 'production',
    MYSQL_URL: url.toString(),
    REDIS_URL: redisUrl,
    KAFKA_BROKERS: brokers,
    KAFKA_TOPIC_PREFIX: `demo-${run}.`,
    REDIS_KEY_PREFIX: REDIS_PREFIX,
    JWT_SECRET: secrets.jwt,
    PAYMENT_WEBHOOK_SECRET: secrets.webhook,
    RESERVATION_TTL_SECONDS: String(options.ttlSeconds),
    ORPHAN_GRACE_SECONDS: '5',
    RATE_LIMIT_USER_PER_SECOND: '0',
    RATE_LIMIT_ADDRESS_PER_SECOND: '0',
    LOG_LEVEL: 'warn',
  };
  const api = serviceProcess({ ...env, ROLES: 'api', PORT: String(options.port) });
  const backOffice = serviceProcess({
    ...env,
    ROLES: 'relay,projector,saga',
    PORT: String(await freePort()),
  });
  say(
    `starting the service: api on :${options.port}, relay + projectors + saga in a second process`,
  );
  await Promise.all([api.start(), backOffice.start()]);
  const db = connectMysql(parseMysqlUrl(url.toString()), { pool: { min: 0, max: 4 } });
  const eventStore = new MysqlEventStore(db);
  const stopAll = async () => {
    await Promise.all([api.stop(), backOffice.stop()]);
    await eventStore.close();
    await db.destroy();
    redis.disconnect();
    await dropRunTopics(brokers, env.KAFKA_TOPIC_PREFIX);
  };
  process.once('SIGINT', () => {
    say('\ninterrupted: stopping the service');
    void stopAll().finally(() => process.exit(130));
  });

  try {
    // The buyers reach the service over at most --concurrency connections, as through a shop's
    // proxy; the payment provider's calls take their turn among them.
    const http = client(api.base, { maxInFlight: options.concurrency });
    const exp = Math.floor(Date.now() / 1000) + 86_400;
    const admin = signJwt({ sub: 'demo-admin', role: 'admin', exp }, secrets.jwt);
    const listed = await http.post(
      '/v1/admin/skus',
      {
        skuId: SKU,
        name: 'Limited sneaker drop',
        price: 4999,
        currency: 'EUR',
        stock: options.stock,
        perUserLimit: options.perUserLimit,
      },
      { token: admin },
    );
    if (listed.status !== 201) throw new Error(`listing failed: ${JSON.stringify(listed.body)}`);
    say(`listed ${SKU}: ${options.stock} units at 49.99 EUR, ${options.perUserLimit} per buyer`);

    const tally = emptyTally();
    const buyer = makeBuyer({
      http,
      token: (userId) => signJwt({ sub: userId, role: 'customer', exp }, secrets.jwt),
      webhookSecret: secrets.webhook,
      skuId: SKU,
      tally,
    });
    const counts = async () => {
      const rows = (await db('es_events').select('type').count({ n: '*' }).groupBy('type')) as {
        type: string;
        n: number | string;
      }[];
      return Object.fromEntries(rows.map((r) => [r.type, Number(r.n)])) as Record<string, number>;
    };
    const started = Date.now();
    const tty = process.stdout.isTTY;
    const showProgress = async () => {
      const [events, sku, projections] = await Promise.all([
        counts(),
        http.get(`/v1/skus/${SKU}`, { token: admin }),
        http.get('/v1/admin/projections', { token: admin }),
      ]);
      const lag = Array.isArray(projections.body)
        ? Math.max(...projections.body.map((p: { lagMs: number }) => p.lagMs))
        : '?';
      const line = progressLine(
        (Date.now() - started) / 1000,
        tally,
        { expired: events.OrderExpired ?? 0, refunded: events.PaymentRefunded ?? 0 },
        sku.body?.available ?? '?',
        lag,
      );
      process.stdout.write(tty ? `\r${line}\u001b[K` : `${line}\n`);
    };
    const ticker = setInterval(() => void showProgress().catch(() => undefined), tty ? 500 : 2_000);

    // Every buyer arrives at once; those who find it sold out come back once, after the first
    // unpaid reservations ran out, and may get a unit that was given back.
    const followUps: Promise<void>[] = [];
    const soldOut: string[] = [];
    const attempt = (userId: string) => async () => {
      const got = await buyer.buy(userId);
      if (!got) {
        soldOut.push(userId);
        return;
      }
      const plan = planFor(Math.random());
      followUps.push(buyer.follow(plan, got.order, got.token).catch(() => undefined));
    };
    // The proxy's connections are open before the sale (a server that has many to accept at
    // once takes about one per event-loop turn: the last would wait seconds for it).
    await inParallel(
      options.concurrency,
      Array.from({ length: options.concurrency }, () => () => http.get('/healthz')),
    );
    await inParallel(
      options.concurrency,
      Array.from({ length: options.buyers }, (_, i) => attempt(`buyer-${i}`)),
    );
    await new Promise((r) => setTimeout(r, (options.ttlSeconds + 2) * 1000));
    const returning = soldOut.splice(0).slice(0, Math.ceil(options.buyers / 3));
    await inParallel(options.concurrency, returning.map(attempt));
    await Promise.all(followUps);
    // Every purchase has been answered: the service's own view of them, before anything else.
    const metrics = await http.get('/metrics');
    const inService = routeBuckets(String(metrics.body), 'POST', '/v1/orders');

    // Quiet: every deadline passed and every order ended.
    for (;;) {
      const events = await counts();
      const ended =
        (events.PaymentCompleted ?? 0) + (events.OrderExpired ?? 0) + (events.OrderCancelled ?? 0);
      if (ended >= (events.OrderPlaced ?? 0)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    clearInterval(ticker);
    // The last line shows the sale as it ended, as the report below counts it.
    await showProgress().catch(() => undefined);
    if (tty) process.stdout.write('\n');
    const seconds = (Date.now() - started) / 1000;

    const verification = await verifySale({
      http,
      admin,
      db,
      eventStore,
      skuIds: [SKU],
      say,
    });
    say(
      finalReport({
        buyers: options.buyers,
        stock: options.stock,
        seconds,
        tally,
        inService,
        events: await counts(),
        verification,
      }),
    );
    const held = allHeld(verification);
    say(
      held
        ? '\nEvery invariant held.'
        : '\nAn invariant was BROKEN: see above. The service logs are kept in the process output.',
    );
    say(
      `\nThe sale stays in database ${DATABASE} and Redis prefix '${REDIS_PREFIX}' until the next run:\n` +
        `  MYSQL_URL=${url.toString()} REDIS_KEY_PREFIX=${REDIS_PREFIX} npm run audit -- sku ${SKU}`,
    );
    if (!held) say(`\napi output:\n${api.output()}\nback office output:\n${backOffice.output()}`);
    return held;
  } finally {
    await stopAll();
  }
}

/** This run's topics and consumer groups: a demo leaves nothing behind in Kafka. */
async function dropRunTopics(brokers: string, prefix: string) {
  const kafka = new Kafka({
    clientId: 'demo-cleanup',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  // Best effort: a leftover topic costs disk, not correctness.
  await dropTopics(kafka, prefix).catch(() => undefined);
}

/** Flags first, so that a bad one ends the demo before any service is started. */
const options = commandLine(USAGE, parseDemoOptions);
const up = spawnSync('bash', [join(__dirname, '..', 'infra', 'local', 'up.sh')], {
  stdio: 'inherit',
});
if (up.status !== 0) {
  process.stderr.write('\ndemo failed: the infrastructure did not come up (see above)\n');
  process.exit(1);
}

main(options).then(
  (held) => process.exit(held ? 0 : 1),
  (error: unknown) => {
    process.stderr.write(`\ndemo failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
