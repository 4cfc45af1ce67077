import { checkNaive, checkSystem } from '../support/checks';
import { acceptedOf, measureLoad, summarize, type Measured } from '../support/load';
import { pairedRatio } from '../support/paired';
import { printCase, printRun } from '../support/table';
import { startTargets, type BenchSku } from '../support/targets';
import { FreshUsers, tokenFor } from '../support/tokens';
import {
  describeRatio,
  type BenchResult,
  type Ratio,
  type RunSummary,
  type Verdict,
} from '../support/types';

export type CaseOptions = { seconds: number; rounds: number; connections: number[] };

/** Enough units to last any run on this machine: the "while stock lasts" figures. */
const HOT: BenchSku = { skuId: 'hot', stock: 50_000_000, perUserLimit: 1 };
/** Gone within the first requests of the first run: the "sold out" figures. */
const LIMITED: BenchSku = { skuId: 'limited', stock: 100, perUserLimit: 1 };
/** Requests per second a target could reach here, with room to spare: tokens signed ahead. */
const CEILING = { system: 14_000, naive: 3_000, bare: 9_000 } as const;

const orderBody = (skuId: string) => JSON.stringify({ items: [{ skuId, quantity: 1 }] });

/**
 * This system (a) against the naive design (b) and a bare express endpoint (c): one hot SKU,
 * a distinct user and Idempotency-Key per request, each connection count in turn.
 */
export async function compareCase({
  seconds,
  rounds,
  connections,
}: CaseOptions): Promise<BenchResult> {
  const startedAt = new Date().toISOString();
  const skus = [HOT, LIMITED];
  const targets = await startTargets(['system', 'naive', 'bare'], skus);
  try {
    const urls = {
      system: targets.system!.url,
      naive: targets.naive!.url,
      bare: targets.bare!.url,
    };
    const users = {
      system: new FreshUsers('sys'),
      naive: new FreshUsers('naive'),
      bare: new FreshUsers('bare'),
    };
    let key = 0;
    const load = (
      target: keyof typeof urls,
      scenario: string,
      label: string,
      sku: BenchSku,
      conns: number,
      duration = seconds,
    ) => {
      users[target].prepare(CEILING[target] * duration);
      return measureLoad({
        target,
        scenario,
        label,
        url: urls[target],
        pid: targets[target]!.pid,
        connections: conns,
        seconds: duration,
        body: orderBody(sku.skuId),
        nextHeaders: () => ({
          authorization: `Bearer ${users[target].next()}`,
          'idempotency-key': `k-${key++}`,
        }),
      });
    };

    const warmed = { system: 0, naive: 0, bare: 0 };
    const runs: RunSummary[] = [];
    for (const conns of connections) {
      for (const target of ['bare', 'system', 'naive'] as const) {
        // JIT, pools, connections and caches warm before measuring (fresh users, hot SKU).
        const warmUp = await load(target, 'warm-up', 'warm-up', HOT, conns, 3);
        warmed[target] += acceptedOf(warmUp.statuses);
      }
      // Rounds in turn, so that a machine that slows down or speeds up over the minutes (a
      // shared VM does) weighs on every design alike; each run pools its rounds.
      const plan = [
        ['bare', 'ceiling', '(c) bare express (ceiling)', HOT],
        ['system', 'stock lasts', '(a) system, while stock lasts', HOT],
        ['system', 'sold out', '(a) system, sold out', LIMITED],
        ['naive', 'stock lasts', '(b) naive, while stock lasts', HOT],
        ['naive', 'sold out', '(b) naive, sold out', LIMITED],
      ] as const;
      const measured = plan.map((): Measured[] => []);
      for (let round = 1; round <= rounds; round += 1) {
        const line: string[] = [];
        for (const [i, [target, scenario, label, sku]] of plan.entries()) {
          const m = await load(target, scenario, label, sku, conns);
          measured[i]!.push(m);
          line.push(`${target} ${scenario} ${Math.round(m.latencies.length / m.elapsed)}/s`);
        }
        console.log(`${conns} connections, round ${round}/${rounds}: ${line.join(', ')}`);
      }
      for (const [i, [target, scenario, label]] of plan.entries()) {
        const run = summarize({ target, scenario, label, connections: conns }, measured[i]!);
        printRun(run);
        runs.push(run);
      }
    }

    const admin = tokenFor('bench-admin', 'admin');
    const answered = (target: keyof typeof urls) =>
      warmed[target] + runs.filter((r) => r.target === target).reduce((s, r) => s + r.accepted, 0);
    const checks = [
      ...(await checkSystem(targets.system!.db, urls.system, admin, skus, answered('system'))),
      ...(await checkNaive(targets.naive!.db, skus, answered('naive'))),
    ];
    const result: BenchResult = {
      case: 'compare',
      title: 'POST /v1/orders: this system (a), the naive design (b), bare express (c)',
      description:
        'One hot SKU, a distinct user and Idempotency-Key per request, autocannon in the same ' +
        `process as the bench; each run is ${rounds} round(s) of ${seconds} s, the designs taking ` +
        `their rounds in turn. "While stock lasts": ${HOT.stock.toLocaleString('en-US')} units. ` +
        `"Sold out": a SKU of ${LIMITED.stock} units, gone within the first requests.`,
      startedAt,
      seconds,
      rounds,
      connections,
      runs,
      ratios: ratiosOf(runs, connections),
      checks,
      verdicts: [],
    };
    result.verdicts = verdictsOf(result);
    printCase(result);
    return result;
  } finally {
    await targets.stop();
  }
}

export function ratiosOf(runs: RunSummary[], connections: number[]): Ratio[] {
  return connections.flatMap((conns) => {
    const get = (target: string, scenario: string) =>
      runs.find((r) => r.target === target && r.scenario === scenario && r.connections === conns)!;
    /** The 95 % interval of top/bottom over their paired rounds; none with a single round. */
    const interval = (
      top: RunSummary,
      bottom: RunSummary,
      rate: 'requestsPerSecond' | 'acceptedPerSecond',
    ): Ratio['interval'] => {
      const a = bottom.perRound.map((r) => r[rate]);
      const b = top.perRound.map((r) => r[rate]);
      if (b.length < 2 || b.length !== a.length || [...a, ...b].some((x) => !(x > 0))) {
        return undefined;
      }
      const paired = pairedRatio(a, b);
      return { low: paired.low!, high: paired.high!, rounds: paired.rounds };
    };
    const bare = get('bare', 'ceiling');
    const naive = get('naive', 'stock lasts');
    const hot = get('system', 'stock lasts');
    const soldOut = get('system', 'sold out');
    return [
      {
        connections: conns,
        name: '(a)/(b) accepted orders/s, while stock lasts',
        value: hot.acceptedPerSecond / naive.acceptedPerSecond,
        interval: interval(hot, naive, 'acceptedPerSecond'),
      },
      {
        connections: conns,
        name: '(a)/(c) requests/s, while stock lasts',
        value: hot.requestsPerSecond / bare.requestsPerSecond,
        interval: interval(hot, bare, 'requestsPerSecond'),
      },
      {
        connections: conns,
        name: '(a)/(c) requests/s, sold out',
        value: soldOut.requestsPerSecond / bare.requestsPerSecond,
        interval: interval(soldOut, bare, 'requestsPerSecond'),
      },
    ];
  });
}

function verdictsOf(result: BenchResult): Verdict[] {
  const verdicts: Verdict[] = [];
  for (const r of result.ratios) {
    const [goal, at] = r.name.startsWith('(a)/(b)') ? [4, '≥ 4×'] : [0.7, '≥ 0.70×'];
    verdicts.push({
      name: `${r.name}, ${r.connections} connections`,
      goal: at,
      measured: describeRatio(r),
      met: r.value >= goal,
    });
  }
  for (const run of result.runs.filter((r) => r.target === 'system' && r.connections === 100)) {
    verdicts.push({
      name: `p99 of ${run.label}, 100 connections`,
      goal: '< 50 ms',
      measured: `${run.p99} ms`,
      met: run.p99 < 50,
    });
  }
  const system = result.runs.filter((r) => r.target === 'system');
  const fivexx = system.reduce((s, r) => s + r.status5xx, 0);
  verdicts.push({
    name: '5xx answers of (a)',
    goal: '0',
    measured: String(fivexx),
    met: fivexx === 0,
  });
  const oversell = result.checks.filter(
    (c) => c.target === 'system' && c.name.startsWith('no oversell'),
  );
  verdicts.push({
    name: 'oversell of (a)',
    goal: 'none',
    measured: oversell.every((c) => c.ok) ? 'none' : 'found',
    met: oversell.every((c) => c.ok),
  });
  const dups = result.checks.filter(
    (c) => c.target === 'system' && c.name.startsWith('no duplicate'),
  );
  verdicts.push({
    name: 'duplicate orders of (a)',
    goal: 'none',
    measured: dups.every((c) => c.ok) ? 'none' : 'found',
    met: dups.every((c) => c.ok),
  });
  return verdicts;
}
