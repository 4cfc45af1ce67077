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
import { signJwt } from '../api';
import {
  DEFAULT_KAFKA_BROKERS,
  DEFAULT_MYSQL_URL,
  DEFAULT_REDIS_URL,
} from '../infra/config/defaults';
import { connectMysql, parseMysqlUrl } from '../infra/db';
import { MysqlEventStore } from '../infra/eventstore';
import { dropPrefix } from '../infra/redis';
import {
  commandLine,
  exitAfterStopping,
  isStopping,
  stopBeforeExit,
  stopOnSignals,
} from '../infra/cli/args';
import { client, inParallel } from '../infra/local/api-client';
import { freePort, portFree, serviceProcess } from '../infra/local/service-process';
import { emptyTally, makeBuyer, planFor } from './buyer';
import { clearLeftovers, endRun, markRun, runTopicPrefix } from './leftovers';
import { parseDemoOptions, USAGE, type DemoOptions } from './options';
import { allHeld, finalReport, progressLine } from './report';
import { routeBuckets } from './service-latency';
import { verifySale } from './verify';

const SKU = 'HOT-1';
/** The share of served buyers who come back for one more unit. */
const GREEDY = 0.1;

const say = (line: string) => process.stdout.write(`${line}\n`);

/** A demo that cannot start for a reason the user can fix: said in one line, without a stack. */
class CannotStart extends Error {}

async function main(options: DemoOptions): Promise<boolean> {
  const { database: DATABASE, redisPrefix: REDIS_PREFIX } = options;
  const redisUrl = process.env.REDIS_URL || DEFAULT_REDIS_URL;
  const brokers = process.env.KAFKA_BROKERS || DEFAULT_KAFKA_BROKERS;
  const redis = await redisOf(redisUrl);
  // A run killed outright left its service running on the port: stopped before the port is tried.
  const left = await clearLeftovers(redis, REDIS_PREFIX, brokers);
  if (left.kind === 'running') {
    throw new CannotStart(
      `another demo (process ${left.pid}) is running with Redis prefix '${REDIS_PREFIX}': ` +
        `wait for it to end, or give this one its own --redis-prefix and --database`,
    );
  }
  if (left.kind === 'cleared') {
    say(
      `an earlier demo (run ${left.run}) was killed before it cleaned up: stopped its ` +
        `${left.stopped} service process(es) and removed its Kafka topics`,
    );
  }
  // Before the last sale's data is dropped: a busy port would end this one at once.
  if (!(await portFree(options.port))) {
    throw new CannotStart(
      `port ${options.port} cannot be listened on (another program holds it): choose another ` +
        `with --port; the last sale's data is left as it was`,
    );
  }
  const base = parseMysqlUrl(process.env.MYSQL_URL || DEFAULT_MYSQL_URL);
  const server = connectMysql(base, { pool: { min: 0, max: 1 }, withDatabase: false });
  await server.raw('DROP DATABASE IF EXISTS ??', [DATABASE]);
  await server.destroy();
  const url = new URL(process.env.MYSQL_URL || DEFAULT_MYSQL_URL);
  url.pathname = `/${DATABASE}`;
  await dropPrefix(redis, REDIS_PREFIX);

  const run = randomBytes(3).toString('hex');
  // From here a demo killed outright leaves processes and topics the next run will clear.
  await markRun(redis, REDIS_PREFIX, run);
  const secrets = {
    jwt: randomBytes(24).toString('hex'),
    webhook: randomBytes(24).toString('hex'),
  };
  const env = {
    NODE_ENV: 'production',
    MYSQL_URL: url.toString(),
    REDIS_URL: redisUrl,
    KAFKA_BROKERS: brokers,
    KAFKA_TOPIC_PREFIX: runTopicPrefix(run),
    REDIS_KEY_PREFIX: REDIS_PREFIX,
    JWT_SECRET: secrets.jwt,
    PAYMENT_WEBHOOK_SECRET: secrets.webhook,
    RESERVATION_TTL_SECONDS: String(options.ttlSeconds),
    ORPHAN_GRACE_SECONDS: '5',
    RATE_LIMIT_USER_PER_SECOND: '0',
    RATE_LIMIT_ADDRESS_PER_SECOND: '0',
    LOG_LEVEL: 'warn',
  };
  // Stopped by the demo only, whatever signal reaches the terminal's group.
  const api = serviceProcess(
    { ...env, ROLES: 'api', PORT: String(options.port) },
    { ownGroup: true },
  );
  const backOffice = serviceProcess(
    { ...env, ROLES: 'relay,projector,saga', PORT: String(await freePort()) },
    { ownGroup: true },
  );
  const db = connectMysql(parseMysqlUrl(url.toString()), { pool: { min: 0, max: 4 } });
  const eventStore = new MysqlEventStore(db);
  let stopped: Promise<void> | undefined;
  /** Once, whoever asks first: the end of the sale, a failure, or a signal. */
  const stopAll = () =>
    (stopped ??= (async () => {
      await Promise.all([api.stop(), backOffice.stop()]);
      await eventStore.close();
      await db.destroy();
      await endRun(redis, REDIS_PREFIX, brokers, run).catch(() => undefined);
      redis.disconnect();
    })());
  // However the demo ends (the sale's end, a failure, Ctrl-C, its reader going away), the
  // service's processes are stopped and the run's topics removed before it exits.
  stopBeforeExit(stopAll);
  stopOnSignals((signal) =>
    say(`\ninterrupted (${signal}): stopping the service and removing this run's Kafka topics`),
  );

  try {
    say(
      `starting the service: api on :${options.port}, relay + projectors + saga in a second process`,
    );
    await Promise.all([api.start(), backOffice.start()]);
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
    // Progress is read on connections of its own, not queued behind the buyers: a stock figure
    // seconds older than the tally beside it would read as an oversell.
    const watcher = client(api.base);
    const showProgress = async () => {
      // The buyers' tally first, then the stock: accepted and stock left then never add up to
      // more than the units stocked and given back.
      const seen = { ...tally, at: (Date.now() - started) / 1000 };
      const [events, sku, projections] = await Promise.all([
        counts(),
        watcher.get(`/v1/skus/${SKU}`, { token: admin }),
        watcher.get('/v1/admin/projections', { token: admin }),
      ]);
      const lag = Array.isArray(projections.body)
        ? Math.max(...projections.body.map((p: { lagMs: number }) => p.lagMs))
        : '?';
      const line = progressLine(
        seen.at,
        seen,
        { expired: events.OrderExpired ?? 0, refunded: events.PaymentRefunded ?? 0 },
        sku.body?.available ?? '?',
        lag,
      );
      if (!isStopping()) process.stdout.write(tty ? `\r${line}\u001b[K` : `${line}\n`);
    };
    // One reading at a time: a slow one is not overtaken by the next.
    let showing: Promise<void> | undefined;
    const tick = () => {
      showing ??= showProgress()
        .catch(() => undefined)
        .finally(() => (showing = undefined));
    };
    const ticker = setInterval(tick, tty ? 500 : 2_000);

    // Every buyer arrives at once; those who find it sold out come back once (a third of the
    // buyers at most), after the first unpaid reservations ran out, and may get a unit that was
    // given back. A tenth of those served come back first, for one more unit: the per-user limit
    // refuses it while they hold (or bought) as many as it allows.
    const followUps: Promise<void>[] = [];
    const soldOut: string[] = [];
    const greedy: string[] = [];
    const attempt = (userId: string, key?: string) => async () => {
      const got = await buyer.buy(userId, key);
      if (!got) {
        if (key === undefined) soldOut.push(userId);
        return;
      }
      followUps.push(buyer.follow(planFor(Math.random()), got.order, got.token));
      if (key === undefined && Math.random() < GREEDY) greedy.push(userId);
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
    const returning = [
      ...greedy.map((userId) => attempt(userId, `demo-${userId}-more`)),
      ...soldOut.slice(0, Math.ceil(options.buyers / 3)).map((userId) => attempt(userId)),
    ];
    await inParallel(options.concurrency, returning);
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
    await showing;
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

/**
 * A connection to the Redis of REDIS_URL, in the database it names, or a one-line refusal
 * before anything is dropped: ioredis goes on in database 0 when its SELECT is refused, where
 * the demo's keys would be dropped instead.
 */
async function redisOf(redisUrl: string): Promise<Redis> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.select(redis.options.db ?? 0);
    return redis;
  } catch (error) {
    redis.disconnect();
    throw new CannotStart(
      `Redis at ${new URL(redisUrl).host} (REDIS_URL) cannot be used: ${(error as Error).message}`,
    );
  }
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
  (held) => void exitAfterStopping(held ? 0 : 1),
  (error: unknown) => {
    // Interrupted: the calls in flight fail as the service stops; the signal's exit follows.
    if (isStopping()) return;
    const said =
      error instanceof CannotStart ? error.message : ((error as Error).stack ?? String(error));
    process.stderr.write(`\ndemo failed: ${said}\n`);
    void exitAfterStopping(1);
  },
);
