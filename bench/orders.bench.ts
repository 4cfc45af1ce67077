/**
 * npm run bench:orders [-- --seconds 10 --connections 100,500]
 *
 * autocannon against POST /v1/orders on one hot SKU, every request from a distinct user, in one
 * run on this machine, for:
 *   system    this service (api role), while stock lasts and once sold out;
 *   naive     the design it replaces: UPDATE ... WHERE stock >= ? and INSERT in one MySQL
 *             transaction (bench/baselines/naive-app.ts), while stock lasts and once sold out;
 *   bare      an express endpoint that answers at once: the ceiling.
 * Load generator, servers, Redis and MySQL share the same two cores.
 */
import { parseArgs } from 'node:util';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { signJwt } from '../api/http/jwt';
import { connectMysql, parseMysqlUrl } from '../infra/db';
import { startServer, type Server } from './support/processes';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '100,500' },
  },
});
const seconds = Number(values.seconds);
const connectionCounts = values.connections.split(',').map(Number);

const JWT_SECRET = 'bench-only-jwt-secret-0123456789';
const base = parseMysqlUrl(process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/flashsale');
const urlOf = (database: string) =>
  `mysql://${base.user}${base.password ? `:${base.password}` : ''}@${base.host}:${base.port}/${database}`;
const HOT_STOCK = 50_000_000;

type Row = {
  target: string;
  connections: number;
  requestsPerSecond: number;
  acceptedPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  status5xx: number;
  statuses: Record<string, number>;
};

const tokens = Array.from({ length: 50_000 }, (_, i) =>
  signJwt(
    { sub: `buyer-${i}`, role: 'customer', exp: Math.floor(Date.now() / 1000) + 86_400 },
    JWT_SECRET,
  ),
);

async function load(target: string, url: string, skuId: string, connections: number): Promise<Row> {
  let next = 0;
  const result = await autocannon({
    url: `${url}/v1/orders`,
    method: 'POST',
    connections,
    duration: seconds,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ items: [{ skuId, quantity: 1 }] }),
    requests: [
      {
        setupRequest: (req) => {
          req.headers = {
            ...req.headers,
            authorization: `Bearer ${tokens[next++ % tokens.length]}`,
          };
          return req;
        },
      },
    ],
  });
  const statuses = Object.fromEntries(
    Object.entries(
      (result as unknown as { statusCodeStats: Record<string, { count: number }> })
        .statusCodeStats ?? {},
    ).map(([code, { count }]) => [code, count]),
  );
  const row: Row = {
    target,
    connections,
    requestsPerSecond: result.requests.average,
    acceptedPerSecond: (statuses['201'] ?? 0) / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors + result.timeouts,
    status5xx: Object.entries(statuses)
      .filter(([code]) => code.startsWith('5'))
      .reduce((sum, [, n]) => sum + n, 0),
    statuses,
  };
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(8);
  console.log(
    `${target.padEnd(26)} ${String(connections).padStart(5)} ${fmt(row.requestsPerSecond)} ${fmt(row.acceptedPerSecond)} ` +
      `${String(row.p50).padStart(6)} ${String(row.p99).padStart(6)} ${String(row.max).padStart(6)} ${String(row.errors).padStart(6)} ${String(row.status5xx).padStart(5)}  ${JSON.stringify(statuses)}`,
  );
  return row;
}

async function freshDatabase(name: string) {
  const server = connectMysql(
    { ...base, database: name },
    { pool: { min: 0, max: 1 }, withDatabase: false },
  );
  await server.raw('DROP DATABASE IF EXISTS ??', [name]);
  await server.raw('CREATE DATABASE ?? CHARACTER SET utf8mb4', [name]);
  await server.destroy();
  return connectMysql({ ...base, database: name }, { pool: { min: 0, max: 2 } });
}

async function main() {
  console.log(
    `POST /v1/orders benchmark: ${seconds} s per run, connections ${connectionCounts.join(', ')}, distinct users per request\n`,
  );
  const naiveDb = await freshDatabase('flashsale_bench_naive');
  await naiveDb.raw('CREATE TABLE skus (id VARCHAR(64) PRIMARY KEY, stock INT NOT NULL)');
  await naiveDb.raw(
    'CREATE TABLE orders (id CHAR(36) PRIMARY KEY, user_id VARCHAR(64) NOT NULL, sku_id VARCHAR(64) NOT NULL, quantity INT NOT NULL)',
  );
  await naiveDb('skus').insert([
    { id: 'hot', stock: HOT_STOCK },
    { id: 'gone', stock: 0 },
  ]);
  const systemDb = await freshDatabase('flashsale_bench_orders');

  const servers: Server[] = [];
  try {
    const common = { JWT_SECRET, LOG_LEVEL: 'warn' };
    const system = await startServer('system', 'main.ts', 4100, {
      ...common,
      ROLES: 'api',
      MYSQL_URL: urlOf('flashsale_bench_orders'),
      REDIS_KEY_PREFIX: `bench-${randomBytes(3).toString('hex')}`,
      PAYMENT_WEBHOOK_SECRET: 'bench-only-webhook-secret-0123',
      RATE_LIMIT_USER_PER_SECOND: '0',
      RATE_LIMIT_ADDRESS_PER_SECOND: '0',
      NODE_ENV: 'production',
    });
    servers.push(system);
    const naive = await startServer(
      'naive',
      'bench/baselines/naive-app.ts',
      4101,
      { ...common, MYSQL_URL: urlOf('flashsale_bench_naive') },
      '/v1/orders',
    );
    servers.push(naive);
    const bare = await startServer(
      'bare',
      'bench/baselines/bare-express.ts',
      4102,
      {},
      '/v1/orders',
    );
    servers.push(bare);

    const admin = signJwt(
      { sub: 'bench-admin', role: 'admin', exp: Math.floor(Date.now() / 1000) + 86_400 },
      JWT_SECRET,
    );
    for (const [skuId, stock] of [
      ['hot', HOT_STOCK],
      ['gone', 0],
    ] as const) {
      const res = await fetch(`${system.url}/v1/admin/skus`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: JSON.stringify({ skuId, name: skuId, price: 1999, currency: 'EUR', stock }),
      });
      if (res.status !== 201)
        throw new Error(`listing ${skuId}: ${res.status} ${await res.text()}`);
    }

    // Warm each server up (JIT, pools) before measuring.
    for (const [url, sku] of [
      [system.url, 'gone'],
      [naive.url, 'gone'],
      [bare.url, 'gone'],
    ] as const) {
      await autocannon({
        url: `${url}/v1/orders`,
        method: 'POST',
        connections: 20,
        duration: 2,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[0]}` },
        body: JSON.stringify({ items: [{ skuId: sku, quantity: 1 }] }),
      });
    }

    console.log(
      `${'target'.padEnd(26)} ${'conns'.padStart(5)} ${'req/s'.padStart(8)} ${'orders/s'.padStart(8)} ${'p50'.padStart(6)} ${'p99'.padStart(6)} ${'max'.padStart(6)} ${'errors'.padStart(6)} ${'5xx'.padStart(5)}  statuses`,
    );
    const rows: Row[] = [];
    for (const connections of connectionCounts) {
      rows.push(await load('bare express (ceiling)', bare.url, 'hot', connections));
      rows.push(await load('naive, while stock lasts', naive.url, 'hot', connections));
      rows.push(await load('naive, sold out', naive.url, 'gone', connections));
      rows.push(await load('system, while stock lasts', system.url, 'hot', connections));
      rows.push(await load('system, sold out', system.url, 'gone', connections));
    }

    console.log('\nratios (same run):');
    for (const connections of connectionCounts) {
      const get = (target: string) =>
        rows.find((r) => r.target === target && r.connections === connections)!;
      const bareRow = get('bare express (ceiling)');
      const soldOut = get('system, sold out');
      const accepted = get('system, while stock lasts');
      const naiveRow = get('naive, while stock lasts');
      console.log(
        `  ${connections} connections: sold-out path ${((soldOut.requestsPerSecond / bareRow.requestsPerSecond) * 100).toFixed(0)}% of bare express (target 70%); ` +
          `accepted orders ${(accepted.acceptedPerSecond / naiveRow.acceptedPerSecond).toFixed(2)}x naive (target 3x); ` +
          `system p99 ${accepted.p99} ms while stock lasts, ${soldOut.p99} ms sold out`,
      );
    }

    // Nothing oversold, nothing lost: every accepted order is an event, every unit accounted for.
    const [[placed]] = (await systemDb.raw(
      "SELECT COUNT(*) AS n FROM es_events WHERE type = 'OrderPlaced'",
    )) as [[{ n: string }]];
    const sku = (await (
      await fetch(`${system.url}/v1/skus/hot`, { headers: { authorization: `Bearer ${admin}` } })
    ).json()) as { available: number };
    const acceptedSystem = rows
      .filter((r) => r.target.startsWith('system'))
      .reduce((s, r) => s + (r.statuses['201'] ?? 0), 0);
    const [[naiveOrders]] = (await naiveDb.raw('SELECT COUNT(*) AS n FROM orders')) as [
      [{ n: string }],
    ];
    const [[naiveStock]] = (await naiveDb.raw("SELECT stock FROM skus WHERE id = 'hot'")) as [
      [{ stock: number }],
    ];
    console.log('\nchecks:');
    console.log(
      `  system: ${acceptedSystem} answered 201, ${placed.n} OrderPlaced events, stock taken ${HOT_STOCK - sku.available}: ${Number(placed.n) === HOT_STOCK - sku.available && Number(placed.n) >= acceptedSystem ? 'consistent' : 'INCONSISTENT'}`,
    );
    console.log(
      `  naive:  ${naiveOrders.n} orders, stock taken ${HOT_STOCK - naiveStock.stock}: ${Number(naiveOrders.n) === HOT_STOCK - naiveStock.stock ? 'consistent' : 'INCONSISTENT'}`,
    );

    const dir = join(__dirname, 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `orders-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify({ seconds, rows }, null, 2));
    console.log(`\nresults written to ${file}`);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await naiveDb.destroy();
    await systemDb.destroy();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
