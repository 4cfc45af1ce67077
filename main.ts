/**
 * The composition root: reads the configuration once, builds every adapter, and starts the roles
 * named by ROLES in this one process. Nothing else in the code base creates a client.
 */
import type { AddressInfo } from 'node:net';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { Registry } from 'prom-client';
import { createRequestHandler, refuseUnparsedRequest, type ReadinessCheck } from './api';
import { ConfigError, loadConfig, type Config, type Role } from './infra/config';
import {
  connectMysql,
  migrateDatabase,
  MysqlOrderViews,
  ledgerSkuIds,
  parseMysqlUrl,
  ledgerReader,
} from './infra/db';
import { openEventStore } from './infra/eventstore';
import { createKafka } from './infra/kafka';
import { createLogger, type Logger } from './infra/log';
import {
  createMetrics,
  meteredEventStore,
  meteredReservations,
  registerCollectors,
  type CollectorSources,
} from './infra/metrics';
import {
  createRedis,
  evictionRisk,
  isBadDatabase,
  RedisRateLimiter,
  RedisReservationStore,
  refusedDatabase,
  ScriptPipe,
} from './infra/redis';
import {
  makeCancelOrder,
  makeInitiatePayment,
  makeListSku,
  makePlaceOrder,
  makeRecordPaymentResult,
  makeRestockSku,
  makeEnsureInventoryLoaded,
  makeExpireOrder,
  makeSkuAudit,
  makeSweepOrphans,
} from './commands';
import { countSagaTimers, every, startSaga } from './infra/saga';
import { makeDashboard, orderFromStore, type Commands, type Dashboard } from './api';
import { startRelay } from './infra/relay';
import {
  createRebuilder,
  PROJECTION_NAMES,
  projectionStatuses,
  readLedgerMark,
  startProjectors,
} from './projections';

export type System = {
  /** The HTTP port: the API when the api role runs, else health, readiness and metrics only. */
  port: number;
  stop(): Promise<void>;
};

const needs = (roles: Role[]) => ({
  mysql: true,
  redis: roles.includes('api') || roles.includes('saga'),
  kafka: roles.some((r) => r !== 'api'),
});

/**
 * Starts the roles of `config`. The metrics registry is made here unless given (a test may read
 * it); every series of this system lives in it, none in a module-level default.
 */
export async function startSystem(
  config: Config,
  logger: Logger,
  options: { registry?: Registry } = {},
): Promise<System> {
  const metrics = createMetrics(options.registry ?? new Registry());
  const collect: CollectorSources = {};
  const closers: { name: string; close(): Promise<unknown> }[] = [];
  const stop = async () => {
    for (const { name, close } of closers.reverse()) {
      await close().catch((error: unknown) => logger.warn({ err: error, name }, 'close failed'));
    }
  };

  try {
    const mysql = parseMysqlUrl(config.mysqlUrl);
    const applied = await migrateDatabase(mysql).catch((error: Error) => {
      throw new Error(`MySQL at ${mysql.host}:${mysql.port} (MYSQL_URL) could not be prepared`, {
        cause: error,
      });
    });
    if (applied.length > 0) logger.info({ applied }, 'schema migrated');
    const db = connectMysql(mysql, { pool: { min: 0, max: 20 } });
    closers.push({ name: 'mysql', close: () => db.destroy() });

    const store = openEventStore(
      { kind: config.eventStore, connectionString: config.eventStoreConnectionString },
      db,
      {
        writers: config.eventStoreWriters,
        onGapSkipped: (from, to) =>
          logger.warn({ from: String(from), to: String(to) }, 'event store positions skipped'),
      },
    );
    const eventStore = meteredEventStore(store, metrics);
    closers.push({ name: 'event store', close: () => eventStore.close() });

    const need = needs(config.roles);
    const clock = () => new Date();
    let commands: Commands | undefined;
    let expireOrder: ReturnType<typeof makeExpireOrder> | undefined;
    let auditSku: ReturnType<typeof makeSkuAudit> | undefined;
    let sweepOrphans: ReturnType<typeof makeSweepOrphans> | undefined;
    let rateLimiter: RedisRateLimiter | undefined;
    let dashboard: Dashboard | undefined;
    const readiness: ReadinessCheck[] = [
      { name: 'mysql', check: () => db.raw('SELECT 1') },
      { name: 'eventStore', check: () => eventStore.headPosition() },
    ];
    if (need.redis) {
      const redisAbsent = `redis at ${new URL(config.redisUrl).host} (REDIS_URL) is not answering yet; /readyz answers 503 until it does`;
      const redis = createRedis(config.redisUrl);
      let refused: Error | undefined;
      redis.on('error', (error) => {
        if (!isBadDatabase(error)) {
          logger.debug({ err: error }, 'redis connection error');
          return;
        }
        // Rather than database 0: the client stops, and /readyz says Redis is down.
        refused = refusedDatabase(config.redisUrl, error);
        logger.error({ err: refused }, 'redis disconnected');
        redis.disconnect();
      });
      /** Redis away is waited for; a database it refuses is a bad REDIS_URL, and stops the start. */
      const absentOrRefused = (error: unknown) => {
        if (isBadDatabase(error)) throw refusedDatabase(config.redisUrl, error);
        if (!refused) logger.warn({ err: error }, redisAbsent);
      };
      // The first attempt is waited for (bounded by its connect timeout); after that ioredis keeps
      // reconnecting in the background, and /readyz says whether it is there.
      closers.push({ name: 'redis', close: async () => redis.disconnect() });
      await redis.connect().catch(absentOrRefused);
      if (refused) throw refused;
      // A server that evicts would drop stock and reservations without a word: no start on one,
      // and /readyz says so if it is set to evict later.
      const notEvicting = async () => {
        const risk = await evictionRisk(redis);
        if (risk) {
          throw new Error(
            `Redis at ${new URL(config.redisUrl).host} (REDIS_URL) cannot hold the hot inventory: ${risk}`,
          );
        }
      };
      if (redis.status === 'ready') await notEvicting();
      // The purchase path's reserve goes over a lean connection of its own (script-pipe.ts).
      const reservePipe =
        config.roles.includes('api') && ScriptPipe.supports(config.redisUrl)
          ? new ScriptPipe(config.redisUrl, {
              onError: (error) => logger.debug({ err: error }, 'redis reserve connection error'),
            })
          : undefined;
      if (reservePipe) {
        closers.push({ name: 'redis reserve connection', close: () => reservePipe.close() });
        await reservePipe.connect().catch(absentOrRefused);
      }
      readiness.push({
        name: 'redis',
        check: async () => {
          if (reservePipe && !reservePipe.isReady) throw new Error('reserve connection is down');
          await notEvicting();
        },
      });

      const hot = new RedisReservationStore(redis, {
        prefix: config.redisKeyPrefix,
        reservePipe,
      });
      const reservations = meteredReservations(hot, metrics);
      // Redis is a cache of the event store: whatever it lacks (a first start, a restart without
      // persistence, a flush) is put back from events, at start and whenever its marker vanishes.
      const ensureLoaded = makeEnsureInventoryLoaded({
        eventStore,
        reservations,
        onRestored: (report) => {
          // A deployment's first start has nothing to put back: not a loss of Redis's data.
          if (report.events === 0) {
            logger.info(report, 'hot inventory set up: the event store has no events yet');
            return;
          }
          metrics.redisRecoveries.inc();
          metrics.redisRecoveredReservations.inc(report.reservations);
          logger.warn(report, 'hot inventory rebuilt from the event store');
          for (const { skuId, units } of report.oversold) {
            logger.error(
              { skuId, units },
              'the events hold more units of this SKU reserved and sold than stocked (an oversell): it is back with none available; npm run audit -- sku shows it',
            );
          }
        },
      });
      if (redis.status === 'ready') await ensureLoaded();
      if (config.roles.includes('api')) {
        // Purchases answer 503 while the hot inventory is rebuilt: so does readiness.
        readiness.push({
          name: 'hotInventory',
          check: async () => {
            if (!(await reservations.isLoaded())) {
              throw new Error('being rebuilt from the event store');
            }
          },
        });
        const watcher = every(1_000, 'hot inventory check', ensureLoaded, logger);
        closers.push({ name: 'inventory watcher', close: () => watcher.stop() });
        // A reconnect may be to a Redis that restarted: look at once, not at the next tick.
        redis.on('ready', () => {
          ensureLoaded().catch((err: unknown) =>
            logger.warn({ err }, 'hot inventory check failed after Redis reconnected'),
          );
        });
      }
      rateLimiter = new RedisRateLimiter(redis, { prefix: config.redisKeyPrefix });
      const log = logger.child({ component: 'commands' });
      const deps = { eventStore, reservations, clock };
      expireOrder = makeExpireOrder(deps);
      sweepOrphans = makeSweepOrphans({
        ...deps,
        graceMs: config.orphanGraceSeconds * 1000,
        ttlSeconds: config.reservationTtlSeconds,
      });
      auditSku = makeSkuAudit({
        eventStore,
        reservations,
        ledger: ledgerReader(db),
        ledgerThrough: () => readLedgerMark(db),
      });
      const audit = auditSku;
      dashboard = makeDashboard({
        skuIds: (limit) => ledgerSkuIds(db, limit),
        sku: (skuId) => reservations.getSku(skuId),
        outcomes: async () => metrics.reservations.counts(),
        pendingReservations: () => hot.countReservations(),
        projections: () =>
          projectionStatuses({ db, eventStore, rebuilding: () => rebuilder.rebuilding() }),
        audit: (skuId) => audit(skuId, { lines: false, explain: false }),
      });
      // A cancel, or an expiry a command found due: the sweeper releases it later.
      const endedNotReleased = (orderId: string, err: unknown) =>
        log.warn({ err, orderId }, 'the order ended, but its stock could not be released yet');
      commands = {
        reservations,
        listSku: makeListSku(deps),
        restockSku: makeRestockSku(deps),
        placeOrder: makePlaceOrder({
          ...deps,
          ttlSeconds: config.reservationTtlSeconds,
          onCompensationFailed: (orderId, err) =>
            log.error({ err, orderId }, 'could not release the reservation of an unrecorded order'),
        }),
        initiatePayment: makeInitiatePayment({ ...deps, onReleaseFailed: endedNotReleased }),
        cancelOrder: makeCancelOrder({ ...deps, onReleaseFailed: endedNotReleased }),
        recordPaymentResult: makeRecordPaymentResult({
          ...deps,
          onConfirmFailed: (orderId, err) =>
            log.warn(
              { err, orderId },
              'paid, but the reservation could not be turned into a sale yet',
            ),
          onReleaseFailed: endedNotReleased,
        }),
      };
    }
    const kafka = createKafka(config.kafkaBrokers, logger);
    if (config.roles.includes('relay')) {
      const relay = startRelay({
        eventStore,
        kafka,
        db,
        database: mysql.database,
        topicPrefix: config.kafkaTopicPrefix,
        logger,
      });
      closers.push({ name: 'relay', close: () => relay.stop() });
      collect.relay = {
        position: () => relay.status().position,
        leading: () => !relay.status().standby,
        oldestAfter: async (after) =>
          (await eventStore.readAll({ after, maxCount: 1 }))[0]?.recordedAt ?? null,
        headPosition: () => eventStore.headPosition(),
      };
    }
    if (config.roles.includes('projector')) {
      const projectors = keepStarting(
        'projectors',
        () =>
          startProjectors({
            kafka,
            db,
            database: mysql.database,
            topicPrefix: config.kafkaTopicPrefix,
            logger,
          }),
        logger,
      );
      closers.push({ name: 'projector', close: () => projectors.stop() });
    }
    if (config.roles.includes('saga') && expireOrder) {
      const expire = expireOrder;
      const saga = keepStarting(
        'saga',
        () =>
          startSaga({
            kafka,
            db,
            topicPrefix: config.kafkaTopicPrefix,
            logger,
            clock,
            expireOrder: expire,
            onFired: (count) => metrics.sagaTimersFired.inc(count),
          }),
        logger,
      );
      closers.push({ name: 'saga', close: () => saga.stop() });
    }
    if (config.roles.includes('saga') && sweepOrphans) {
      const sweep = sweepOrphans;
      const log = logger.child({ role: 'sweeper' });
      const sweeper = every(
        Math.min(5_000, config.orphanGraceSeconds * 500),
        'orphan sweep',
        async () => {
          const { released, settled } = await sweep();
          if (released.length > 0)
            log.warn({ released }, 'released reservations of unrecorded orders');
          if (settled.length > 0)
            log.warn({ settled }, 'settled reservations left behind by ended orders');
        },
        log,
      );
      closers.push({ name: 'sweeper', close: () => sweeper.stop() });
    }
    if (config.roles.includes('saga')) collect.sagaTimers = () => countSagaTimers(db);
    const rebuilder = createRebuilder({ eventStore, db, database: mysql.database, logger });
    // Read from the database, so a process serving the api reports them too: they do not vanish
    // from its scrape when the projector process is down, which is when they matter.
    if (config.roles.includes('projector') || config.roles.includes('api')) {
      collect.projections = () =>
        projectionStatuses({ db, eventStore, rebuilding: () => rebuilder.rebuilding() });
    }
    registerCollectors(metrics.registry, collect);
    closers.push({ name: 'rebuild', close: () => rebuilder.settle() });
    if (need.kafka) {
      const admin = kafka.admin();
      closers.push({ name: 'kafka', close: () => admin.disconnect() });
      readiness.push({
        name: 'kafka',
        check: async () => {
          await admin.connect();
          return admin.describeCluster();
        },
      });
    }

    // Every process serves HTTP: the api role its routes, every role /healthz, /readyz and
    // /metrics, so a process running only the relay, projectors or saga can be probed and scraped.
    const api = config.roles.includes('api');
    const apiLogger = logger.child({ role: 'api' });
    const handler = createRequestHandler({
      logger: apiLogger,
      readiness,
      jwtSecret: config.jwtSecret,
      paymentWebhookSecret: config.paymentWebhookSecret,
      clock,
      metrics,
      ...(api
        ? {
            commands,
            // A view whose read models stand at different revisions is read from its stream.
            orderViews: new MysqlOrderViews(db, (id, revision) =>
              orderFromStore(eventStore, id, revision),
            ),
            eventStore,
            auditSku,
            projectionAdmin: {
              names: PROJECTION_NAMES,
              start: (names: string[] | undefined) => rebuilder.start(names),
              job: (jobId: string) => rebuilder.job(jobId),
              statuses: () =>
                projectionStatuses({ db, eventStore, rebuilding: () => rebuilder.rebuilding() }),
            },
            rateLimiter,
            rateLimits: config.rateLimits,
            dashboard,
          }
        : {}),
    });
    // The one server of the process: the purchase fast path and express both answer on it.
    const server = createServer(handler).on('clientError', refuseUnparsedRequest(apiLogger));
    server.keepAliveTimeout = KEEP_ALIVE_MS;
    await listen(server, config.port);
    const port = (server.address() as AddressInfo).port;
    closers.push({ name: 'http', close: () => closeServer(server) });
    logger.info({ port, roles: config.roles, eventStore: config.eventStore }, 'listening');
    return { port, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * How long an idle kept-alive connection stays open: longer than the idle timeout of the load
 * balancers usually in front (60 s), so that none of them sends a request on a connection the
 * service is closing at that moment, which its client sees as a reset (a 502 behind a balancer).
 * Node's default is 5 s. A stop closes idle connections at once whatever this is.
 */
const KEEP_ALIVE_MS = 65_000;

/** How long a stop waits for a role's start attempt in flight (keepStarting). */
const START_WAIT_ON_STOP_MS = 2_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Starts a role that needs Kafka without holding up the process: while Kafka is away it tries
 * again, with capped backoff, until it starts or the process stops.
 */
function keepStarting(
  name: string,
  start: () => Promise<{ stop(): Promise<void> }>,
  logger: Logger,
): { stop(): Promise<void> } {
  let stopped = false;
  let wake: () => void = () => undefined;
  const started = (async () => {
    for (let backoff = 500; !stopped; backoff = Math.min(backoff * 2, 10_000)) {
      try {
        return await start();
      } catch (error) {
        logger.warn({ err: error, role: name }, `${name} could not start yet; retrying`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, backoff).unref();
        });
      }
    }
    return undefined;
  })();
  return {
    async stop() {
      stopped = true;
      wake();
      // An attempt in flight against a broker that is away retries for up to 20 s: it is not
      // waited for past a moment, and whatever it starts after all is stopped when it does.
      const handle = await Promise.race([started, sleep(START_WAIT_ON_STOP_MS).then(() => null)]);
      if (handle === null) {
        void started.then((h) => h?.stop()).catch(() => undefined);
        return;
      }
      await handle?.stop();
    },
  };
}

function listen(server: Server, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE' || error.code === 'EACCES'
          ? new Error(`PORT ${port} cannot be listened on`, { cause: error })
          : error,
      ),
    );
    server.listen(port, () => resolve(server));
  });
}

/** Stops taking connections, lets requests in flight finish, then closes idle keep-alives. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    // Requests still arriving on kept-alive connections are served, and told to close: without
    // this a busy client would keep its connection, and the process, alive until the deadline.
    server.on('request', (_req, res: ServerResponse) => res.setHeader('Connection', 'close'));
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 10_000).unref();
  });
}

/** Signals this close after the first are the same one delivered twice (see main). */
const SAME_SIGNAL_MS = 500;

async function main() {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(
      `${JSON.stringify({ level: 'fatal', msg: error.message, problems: error.problems })}\n`,
    );
    process.exit(1);
  }
  const logger = createLogger({ level: config.logLevel });
  let system: System;
  try {
    system = await startSystem(config, logger);
  } catch (error) {
    logger.fatal({ err: error }, 'could not start');
    process.exit(1);
  }
  let stoppingSince: number | undefined;
  const shutdown = (signal: string) => {
    if (stoppingSince !== undefined) {
      // Ctrl-C on `npm start` reaches the service twice at once: from the terminal, to the whole
      // process group, and from npm, which passes it on. Only a signal that comes later is a
      // second one.
      if (Date.now() - stoppingSince < SAME_SIGNAL_MS) return;
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stoppingSince = Date.now();
    logger.info({ signal }, 'shutting down');
    system.stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

if (require.main === module) void main();
