/**
 * npm run bench:eventstore [-- --seconds 5 --concurrency 100 --read-events 200000]
 *
 * Appends per second with 1 and with N concurrent single-event appenders, and events per second
 * read in global order, for the MySQL event store, next to a baseline measured in the same run
 * on the same server: plain InnoDB single-row autocommit inserts from N connections.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { DEFAULT_MYSQL_URL } from '../infra/config/defaults';
import { connectMysql, migrateDatabase, parseMysqlUrl } from '../infra/db';
import { MysqlEventStore } from '../infra/eventstore';
import { commandLine, parseFlags, wholeNumber } from '../infra/cli/args';

const USAGE = `npm run bench:eventstore [-- options]
  --seconds N        length of each append phase             (default 5)
  --concurrency N    concurrent appenders, and connections   (default 100)
  --read-events N    events read back in global order        (default 200000)`;

const { seconds, concurrency, readEvents } = commandLine(USAGE, (argv) => {
  const flags = parseFlags(argv, {
    seconds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '100' },
    'read-events': { type: 'string', default: '200000' },
  });
  return {
    seconds: wholeNumber('seconds', flags.seconds, 1, 3_600),
    concurrency: wholeNumber('concurrency', flags.concurrency, 1, 1_000),
    readEvents: wholeNumber('read-events', flags['read-events'], 1, 100_000_000),
  };
});

const base = parseMysqlUrl(process.env.MYSQL_URL ?? DEFAULT_MYSQL_URL);
const target = { ...base, database: 'flashsale_bench' };

type Result = {
  name: string;
  ops: number;
  seconds: number;
  perSecond: number;
  p50?: number;
  p99?: number;
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Runs `workers` loops of `op` for `seconds`, timing each call. */
async function loadFor(
  name: string,
  workers: number,
  op: (worker: number, i: number) => Promise<unknown>,
) {
  const latencies: number[] = [];
  const stopAt = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let i = 0; performance.now() < stopAt; i += 1) {
        const t0 = performance.now();
        await op(worker, i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const result: Result = {
    name,
    ops: latencies.length,
    seconds: elapsed,
    perSecond: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
  report(result);
  return result;
}

function report(r: Result) {
  const lat =
    r.p50 === undefined ? '' : `   p50 ${r.p50.toFixed(1)} ms   p99 ${r.p99!.toFixed(1)} ms`;
  console.log(
    `${r.name.padEnd(58)} ${Math.round(r.perSecond).toLocaleString('en-US').padStart(9)} /s${lat}`,
  );
}

async function freshDatabase(): Promise<Knex> {
  const server = connectMysql(target, { pool: { min: 0, max: 1 }, withDatabase: false });
  await server.raw('DROP DATABASE IF EXISTS ??', [target.database]);
  await server.destroy();
  await migrateDatabase(target);
  return connectMysql(target, { pool: { min: 0, max: concurrency + 5 } });
}

async function main() {
  console.log(
    `MySQL event store benchmark: ${seconds} s per phase, ${concurrency} concurrent appenders`,
  );
  console.log(
    `server ${target.host}:${target.port}, database ${target.database} (dropped and made anew)\n`,
  );
  const db = await freshDatabase();
  const results: Result[] = [];

  await db.schema.createTable('baseline_rows', (t) => {
    t.bigIncrements('id');
    t.string('stream_id', 255);
    t.specificType('data', 'longtext');
  });
  const payload = JSON.stringify({ orderId: '0190f4a2-0000-7000-8000-000000000000', total: 1999 });
  results.push(
    await loadFor(
      `baseline: InnoDB single-row commits, ${concurrency} connections`,
      concurrency,
      (w, i) =>
        db.raw('INSERT INTO baseline_rows (stream_id, data) VALUES (?, ?)', [
          `b-${w}-${i}`,
          payload,
        ]),
    ),
  );

  const store = new MysqlEventStore(db);
  const event = (w: number, i: number) => [
    {
      type: 'OrderPlaced',
      data: { orderId: `${w}-${i}`, total: 1999, currency: 'EUR' },
      metadata: { correlationId: `c-${w}-${i}` },
    },
  ];
  results.push(
    await loadFor('event store: 1 appender, single-event appends', 1, (w, i) =>
      store.append(`order-one-${i}`, event(w, i), { expectedRevision: 'no_stream' }),
    ),
  );
  results.push(
    await loadFor(
      `event store: ${concurrency} appenders, single-event appends`,
      concurrency,
      (w, i) => store.append(`order-${w}-${i}`, event(w, i), { expectedRevision: 'no_stream' }),
    ),
  );

  // Top the store up so the read phase has enough to read.
  let head = await store.headPosition();
  while (head < BigInt(readEvents)) {
    const missing = Number(BigInt(readEvents) - head);
    await Promise.all(
      Array.from({ length: Math.min(missing, 2_000) }, (_, i) =>
        store.append(`fill-${head}-${i}`, event(0, i), { expectedRevision: 'no_stream' }),
      ),
    );
    head = await store.headPosition();
  }

  for (const pageSize of [1_000, 5_000]) {
    const started = performance.now();
    let after = 0n;
    let count = 0;
    for (;;) {
      const page = await store.readAll({ after, maxCount: pageSize });
      if (page.length === 0) break;
      count += page.length;
      after = page[page.length - 1]!.position;
    }
    const elapsed = (performance.now() - started) / 1000;
    const r = {
      name: `event store: read all in global order, pages of ${pageSize}`,
      ops: count,
      seconds: elapsed,
      perSecond: count / elapsed,
    };
    report(r);
    results.push(r);
  }

  const [baseline, , concurrent] = results;
  console.log(
    `\n${concurrency} appenders vs the InnoDB baseline: ${(concurrent!.perSecond / baseline!.perSecond).toFixed(2)}x`,
  );
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `eventstore-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ seconds, concurrency, results }, null, 2));
  console.log(`results written to ${file}`);

  await store.close();
  await db.destroy();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
