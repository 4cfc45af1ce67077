/**
 * npm run bench:ab -- --a-env K=V,K=V --b-env K=V [--a-node FLAG --b-node FLAG]
 *                     [--rounds 4 --seconds 5 --connections 100 --sku hot|unknown]
 *
 * The service against itself: two processes of the api role, A and B, differing only by the
 * environment and node flags given, over the same fresh database (`bench_ab`), each with a Redis
 * prefix and a SKU of its own (50,000,000 units). autocannon loads them in turn, round after
 * round, the side that goes first alternating (POST /v1/orders, a new user and Idempotency-Key
 * per request), so a machine whose speed drifts weighs on both alike. Apart prefixes keep Redis
 * fair too: a SKU's holder hash and the due set rehash each time they double, and shared ones
 * did so at fixed order counts that fell in B's turns. It ends with B/A and its 95 % confidence
 * interval over the paired rounds (support/paired.ts): a change whose interval holds 1 is not
 * resolved by that many rounds. `--sku unknown` orders a SKU that does not exist: an answer from Redis alone.
 * Node flags come after the service's own (infra/local/node-flags.ts), so they override them.
 */
import { randomBytes } from 'node:crypto';
import { commandLine, oneOf, parseFlags, UsageError, wholeNumber } from '../infra/cli/args';
import { runLoad } from './support/load';
import { describePaired, pairedRatio } from './support/paired';
import { startServer, type Server } from './support/processes';
import { describeServers, serverSettings } from './support/servers';
import {
  dropRedisKeys,
  freshDatabase,
  growRedisTables,
  listSkus,
  systemEnv,
} from './support/targets';
import { FreshUsers } from './support/tokens';
import type { RunSummary } from './support/types';

const USAGE = `npm run bench:ab [-- options]
  --a-env K=V,K=V       environment of side A (comma-separated pairs)
  --b-env K=V,K=V       environment of side B
  --a-node FLAG         a node flag of side A, after the service's own (repeatable)
  --b-node FLAG         a node flag of side B (repeatable)
  --rounds N            paired rounds                                 (default 4)
  --seconds N           length of one side's turn                     (default 5)
  --connections N       connections of the load generator             (default 100)
  --sku hot|unknown     a hot SKU, or one that does not exist (Redis alone) (default hot)`;

function envOf(flag: string, text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of text.split(',').filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at < 1) throw new UsageError(`--${flag} takes K=V pairs, comma-separated, not '${pair}'`);
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return env;
}

const { values, sideEnv, rounds, seconds, connections } = commandLine(USAGE, (argv) => {
  const flags = parseFlags(argv, {
    'a-env': { type: 'string', default: '' },
    'b-env': { type: 'string', default: '' },
    'a-node': { type: 'string', multiple: true, default: [] },
    'b-node': { type: 'string', multiple: true, default: [] },
    rounds: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '100' },
    sku: { type: 'string', default: 'hot' },
  });
  return {
    values: { ...flags, sku: oneOf('sku', flags.sku, ['hot', 'unknown']) },
    sideEnv: { A: envOf('a-env', flags['a-env']), B: envOf('b-env', flags['b-env']) },
    rounds: wholeNumber('rounds', flags.rounds, 1, 100),
    seconds: wholeNumber('seconds', flags.seconds, 1, 3_600),
    connections: wholeNumber('connections', flags.connections, 1, 10_000),
  };
});

/** Ports 4603-4604, beside the purchase bench's 4600-4602. */
const PORTS = { A: 4603, B: 4604 } as const;
const DATABASE = 'bench_ab';

const summary = (name: string, r: RunSummary) =>
  `${name}  ${Math.round(r.requestsPerSecond).toLocaleString('en-US').padStart(6)} req/s  ` +
  `p50 ${r.p50} ms  p99 ${r.p99} ms  server ${r.cpu?.server ?? '?'} cores  ` +
  `MySQL ${r.cpu?.mysql ?? '?'}  Redis ${r.cpu?.redis ?? '?'}  5xx ${r.status5xx}`;

async function main() {
  await (await freshDatabase(DATABASE)).destroy();
  const prefix = `bench-ab-${randomBytes(3).toString('hex')}`;
  const prefixOf = (side: string) => `${prefix}-${side.toLowerCase()}`;
  const ballastPrefix = `${prefix}-ballast`;
  const skuOf = (side: string) => `hot-${side.toLowerCase()}`;
  const servers: Server[] = [];
  try {
    for (const side of ['A', 'B'] as const) {
      const flags = side === 'A' ? values['a-node'] : values['b-node'];
      const env = { ...systemEnv(DATABASE, prefixOf(side)), ...sideEnv[side] };
      const server = await startServer(side, 'main.ts', PORTS[side], env, '/readyz', flags);
      servers.push(server);
      await listSkus(server.url, [{ skuId: skuOf(side), stock: 50_000_000, perUserLimit: 1 }]);
    }

    // A table grows to the next power of two when full, then moves its entries a few per call.
    // Filled to three quarters of a size four times the keys this run may place (two per order,
    // at 10,000 orders/s at the most), it has grown and finished moving before the first turn,
    // and will not grow again inside one.
    const runKeys = 2 * 10_000 * (6 + 2 * rounds * seconds);
    await growRedisTables(ballastPrefix, (3 / 4) * 2 ** Math.ceil(Math.log2(4 * runKeys)));

    const users = new FreshUsers('ab');
    let key = 0;
    const load = (server: Server, duration: number) => {
      users.prepare(12_000 * duration);
      const skuId = values.sku === 'hot' ? skuOf(server.name) : 'unknown';
      return runLoad({
        target: 'system',
        scenario: values.sku,
        label: server.name,
        url: server.url,
        pid: server.pid,
        connections,
        seconds: duration,
        body: JSON.stringify({ items: [{ skuId, quantity: 1 }] }),
        nextHeaders: () => ({
          authorization: `Bearer ${users.next()}`,
          'idempotency-key': `k-${key++}`,
        }),
      });
    };

    console.log(
      `A: ${values['a-env'] || '(no env)'} ${values['a-node'].join(' ')}\n` +
        `B: ${values['b-env'] || '(no env)'} ${values['b-node'].join(' ')}\n` +
        `${rounds} rounds of ${seconds} s, ${connections} connections, SKU ${values.sku}\n` +
        `servers: ${describeServers(await serverSettings())}\n`,
    );
    for (const server of servers) await load(server, 3);
    const rates = { A: [] as number[], B: [] as number[] };
    for (let round = 1; round <= rounds; round += 1) {
      // A first in odd rounds, B first in even ones: a machine that speeds up or slows down
      // within a round favours neither side.
      const order = round % 2 === 1 ? [0, 1] : [1, 0];
      const results: RunSummary[] = [];
      for (const i of order) results[i] = await load(servers[i]!, seconds);
      const [a, b] = results as [RunSummary, RunSummary];
      rates.A.push(a.requestsPerSecond);
      rates.B.push(b.requestsPerSecond);
      console.log(`round ${round}\n  ${summary('A', a)}\n  ${summary('B', b)}`);
    }
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    console.log(
      `\nmean A ${Math.round(mean(rates.A)).toLocaleString('en-US')} req/s, ` +
        `B ${Math.round(mean(rates.B)).toLocaleString('en-US')} req/s\n` +
        describePaired(pairedRatio(rates.A, rates.B)),
    );
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    for (const p of [prefixOf('A'), prefixOf('B'), ballastPrefix]) await dropRedisKeys(p);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
