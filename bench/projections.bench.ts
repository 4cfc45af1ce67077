/**
 * npm run bench:projections [-- --rate 1000 --seconds 15 --replay-events 1000000]
 *
 * 1. Projection lag: the service (an api process, and a relay + projector process) takes
 *    purchases at --rate orders/s
 *    (autocannon, a distinct user per request); a sampler picks the newest OrderPlaced again and
 *    again and times how long until its `orders` row is visible: event recorded -> row visible.
 * 2. Replay speed: --replay-events order events are written straight into a fresh event store
 *    (bulk inserts), then every read model is rebuilt from them (projections/rebuild.ts).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { v7 as uuidv7 } from 'uuid';
import { commandLine, parseFlags, wholeNumber } from '../infra/cli/args';
import { DEFAULT_MYSQL_URL } from '../infra/config/defaults';
import { connectMysql, migrateDatabase, parseMysqlUrl } from '../infra/db';
import { MysqlEventStore } from '../infra/eventstore';
import { createLogger } from '../infra/log';
import { createRebuilder } from '../projections';
import { startServer } from './support/processes';
import { listSkus, systemEnv } from './support/targets';
import { tokenFor } from './support/tokens';

const USAGE = `npm run bench:projections [-- options]
  --rate N            purchases per second while the lag is sampled  (default 1000)
  --seconds N         how long the purchases go on                   (default 15)
  --replay-events N   events written, then replayed into read models (default 1000000)`;

const { rate, seconds, replayEvents } = commandLine(USAGE, (argv) => {
  const flags = parseFlags(argv, {
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '15' },
    'replay-events': { type: 'string', default: '1000000' },
  });
  return {
    rate: wholeNumber('rate', flags.rate, 1, 100_000),
    seconds: wholeNumber('seconds', flags.seconds, 1, 3_600),
    replayEvents: wholeNumber('replay-events', flags['replay-events'], 1, 100_000_000),
  };
});
const base = parseMysqlUrl(process.env.MYSQL_URL ?? DEFAULT_MYSQL_URL);

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function fresh(database: string) {
  const server = connectMysql(
    { ...base, database },
    { pool: { min: 0, max: 1 }, withDatabase: false },
  );
  await server.raw('DROP DATABASE IF EXISTS ??', [database]);
  await server.destroy();
  await migrateDatabase({ ...base, database });
  return connectMysql({ ...base, database }, { pool: { min: 0, max: 6 } });
}

async function lag() {
  const database = 'flashsale_bench_lag';
  const db = await fresh(database);
  // Deployed as the roles are meant to run: the api in one process, the relay and the
  // projectors in another, so neither's event loop waits on the other's work.
  const env = {
    ...systemEnv(database, `bench-${randomBytes(3).toString('hex')}`),
    KAFKA_TOPIC_PREFIX: `bench-${randomBytes(3).toString('hex')}.`,
  };
  const server = await startServer('system', 'main.ts', 4200, { ...env, ROLES: 'api' });
  const backOffice = await startServer('back office', 'main.ts', 4201, {
    ...env,
    ROLES: 'relay,projector',
  });
  try {
    await listSkus(server.url, [{ skuId: 'hot', stock: 10_000_000 }]);
    const tokens = Array.from({ length: rate * seconds + 1000 }, (_, i) => tokenFor(`lag-${i}`));
    let n = 0;
    let sampling = true;
    const lags: number[] = [];
    const sampler = (async () => {
      while (sampling) {
        const [[newest]] = (await db.raw(
          `SELECT stream_id, recorded_at FROM es_events WHERE type = 'OrderPlaced' ORDER BY position DESC LIMIT 1`,
        )) as [{ stream_id: string; recorded_at: Date }[]];
        if (newest) {
          const orderId = newest.stream_id.slice('order-'.length);
          for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
            const [[row]] = (await db.raw('SELECT 1 AS x FROM orders WHERE order_id = ?', [
              orderId,
            ])) as [unknown[]];
            if (row) {
              lags.push(Date.now() - newest.recorded_at.getTime());
              break;
            }
            await new Promise((r) => setTimeout(r, 2));
          }
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const result = await autocannon({
      url: `${server.url}/v1/orders`,
      method: 'POST',
      connections: 50,
      overallRate: rate,
      duration: seconds,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ items: [{ skuId: 'hot', quantity: 1 }] }),
      requests: [
        {
          setupRequest: (req) => ({
            ...req,
            headers: { ...req.headers, authorization: `Bearer ${tokens[n++ % tokens.length]}` },
          }),
        },
      ],
    });
    sampling = false;
    await sampler;
    lags.sort((a, b) => a - b);
    const accepted =
      (result as unknown as { statusCodeStats: Record<string, { count: number }> }).statusCodeStats[
        '201'
      ]?.count ?? 0;
    return {
      ordersPerSecond: accepted / result.duration,
      samples: lags.length,
      p50: pct(lags, 50),
      p99: pct(lags, 99),
      max: lags.at(-1) ?? 0,
    };
  } finally {
    await Promise.all([server.stop(), backOffice.stop()]);
    await db.destroy();
  }
}

/** Flash-sale-shaped streams: placed, payment started, then paid, expired or cancelled. */
async function replay() {
  const database = 'flashsale_bench_replay';
  const db = await fresh(database);
  const t0 = performance.now();
  const at = '2026-11-23T10:00:00.000Z';
  const meta = JSON.stringify({ correlationId: 'bench', causationId: 'bench', userId: 'bench' });
  let position = 0;
  let rows: unknown[][] = [];
  const flush = async () => {
    if (rows.length === 0) return;
    await db.raw(
      `INSERT INTO es_events (position, event_id, stream_id, revision, type, data, metadata, recorded_at) VALUES ${rows
        .map(() => '(?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3))')
        .join(', ')}`,
      rows.flat() as string[],
    );
    rows = [];
  };
  const add = async (streamId: string, revision: number, type: string, data: unknown) => {
    position += 1;
    rows.push([position, randomUUID(), streamId, revision, type, JSON.stringify(data), meta]);
    if (rows.length >= 2_000) await flush();
  };
  await add('sku-R', 0, 'SkuListed', {
    skuId: 'R',
    name: 'R',
    price: 500,
    currency: 'EUR',
    perUserLimit: null,
    listedAt: at,
  });
  await add('sku-R', 1, 'SkuRestocked', { skuId: 'R', quantity: 10_000_000, restockedAt: at });
  for (let i = 0; position < replayEvents; i++) {
    const orderId = uuidv7();
    const paymentId = uuidv7();
    const stream = `order-${orderId}`;
    await add(stream, 0, 'OrderPlaced', {
      orderId,
      userId: `r-${i}`,
      items: [{ skuId: 'R', quantity: 1, unitPrice: 500 }],
      total: 500,
      currency: 'EUR',
      placedAt: at,
      expiresAt: at,
    });
    await add(stream, 1, 'PaymentInitiated', {
      orderId,
      paymentId,
      amount: 500,
      currency: 'EUR',
      initiatedAt: at,
    });
    if (i % 3 === 0) await add(stream, 2, 'OrderExpired', { orderId, expiredAt: at });
    else if (i % 7 === 0) await add(stream, 2, 'OrderCancelled', { orderId, cancelledAt: at });
    else {
      await add(stream, 2, 'PaymentCompleted', {
        orderId,
        paymentId,
        transactionId: `tx-${i}`,
        amount: 500,
        currency: 'EUR',
        completedAt: at,
      });
    }
  }
  await flush();
  await db.raw('UPDATE es_global SET last_position = ? WHERE id = 1', [position]);
  const written = (performance.now() - t0) / 1000;
  process.stderr.write(
    `  ${position.toLocaleString('en-US')} events written in ${written.toFixed(1)} s\n`,
  );

  const store = new MysqlEventStore(db);
  const rebuilder = createRebuilder({
    eventStore: store,
    db,
    database,
    logger: createLogger({ level: 'warn' }),
  });
  const started = performance.now();
  let last = 0;
  await rebuilder.run(undefined, ({ processed, total }) => {
    if (performance.now() - last < 5_000) return;
    last = performance.now();
    process.stderr.write(
      `  replay ${processed.toLocaleString('en-US')}/${total.toLocaleString('en-US')}\n`,
    );
  });
  const elapsed = (performance.now() - started) / 1000;
  const [[count]] = (await db.raw('SELECT COUNT(*) AS n FROM orders')) as [{ n: string }[]];
  await store.close();
  await db.destroy();
  return {
    events: position,
    seconds: elapsed,
    eventsPerSecond: position / elapsed,
    orders: Number(count!.n),
  };
}

async function main() {
  console.log(
    `projection lag at ${rate} orders/s for ${seconds} s, then replay of ${replayEvents.toLocaleString('en-US')} events\n`,
  );
  const l = await lag();
  console.log(
    `lag (event recorded -> orders row visible): p50 ${l.p50} ms, p99 ${l.p99} ms, max ${l.max} ms over ${l.samples} samples, at ${Math.round(l.ordersPerSecond)} accepted orders/s (target p99 < 1000 ms)`,
  );
  const r = await replay();
  console.log(
    `replay: ${r.events.toLocaleString('en-US')} events into all four read models in ${r.seconds.toFixed(1)} s = ${Math.round(r.eventsPerSecond).toLocaleString('en-US')} events/s (${r.orders.toLocaleString('en-US')} orders; target >= 20,000 events/s)`,
  );
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `projections-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ rate, seconds, lag: l, replay: r }, null, 2));
  console.log(`results written to ${file}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
