import { checkNaive, checkSystem } from '../support/checks';
import { runLoad } from '../support/load';
import { printCase, printRun } from '../support/table';
import { startTargets, type BenchSku } from '../support/targets';
import { FreshUsers, RepeatUsers, tokenFor } from '../support/tokens';
import type { BenchResult, RunSummary, Verdict } from '../support/types';

const USERS = 500;
const SKU: BenchSku = { skuId: 'seckill', stock: 100, perUserLimit: 1 };
/** Warms each server up (JIT, pools) before the sale, without touching the item on sale. */
const WARM: BenchSku = { skuId: 'warm-up', stock: 1_000_000 };

/**
 * `seckill-500`: the stress scenario of a published flash-sale project (Spring Boot, Redis,
 * Kafka, MySQL): 500 concurrent users buying the same item, aiming for QPS > 500, a failure
 * rate under 5 %, no duplicate orders and no overselling. Here: 500 users on 500 connections,
 * round robin, so each tries again and again for the whole run; 100 units, one per user. A 409
 * (SOLD_OUT, LIMIT_EXCEEDED) is a correct answer, not a failure. Run against this system and,
 * for comparison, the naive design.
 */
export async function seckillCase({ seconds }: { seconds: number }): Promise<BenchResult> {
  const startedAt = new Date().toISOString();
  const targets = await startTargets(['system', 'naive'], [SKU, WARM]);
  try {
    const runs: RunSummary[] = [];
    const warmed: number[] = [];
    let key = 0;
    for (const [target, label] of [
      ['system', '(a) system, seckill-500'],
      ['naive', '(b) naive, seckill-500'],
    ] as const) {
      const { url, pid } = targets[target]!;
      const early = new FreshUsers(`${target}-early`);
      early.prepare(20_000);
      const warm = await runLoad({
        target,
        scenario: 'warm-up',
        label: 'warm-up',
        url,
        pid,
        connections: 20,
        seconds: 3,
        body: JSON.stringify({ items: [{ skuId: WARM.skuId, quantity: 1 }] }),
        nextHeaders: () => ({
          authorization: `Bearer ${early.next()}`,
          'idempotency-key': `w-${key++}`,
        }),
      });
      warmed.push(warm.accepted);
      const users = new RepeatUsers(`${target}-buyer`, USERS);
      const run = await runLoad({
        target,
        scenario: 'seckill',
        label,
        url,
        pid,
        connections: USERS,
        seconds,
        body: JSON.stringify({ items: [{ skuId: SKU.skuId, quantity: 1 }] }),
        // Each press of "buy" is a new attempt: a new key.
        nextHeaders: () => ({
          authorization: `Bearer ${users.next()}`,
          'idempotency-key': `s-${key++}`,
        }),
      });
      printRun(run);
      runs.push(run);
    }
    const admin = tokenFor('bench-admin', 'admin');
    const checks = [
      ...(await checkSystem(
        targets.system!.db,
        targets.system!.url,
        admin,
        [SKU],
        warmed[0]! + runs[0]!.accepted,
      )),
      ...(await checkNaive(targets.naive!.db, [SKU], warmed[1]! + runs[1]!.accepted)),
    ];
    const tries = Math.round(runs[0]!.requests / USERS);
    const result: BenchResult = {
      case: 'seckill-500',
      title: 'seckill-500: 500 users, 500 connections, one item of 100 units, one per user',
      description:
        `${USERS} distinct users on ${USERS} connections, round robin, each trying again for ${seconds} s ` +
        `(about ${tries} tries each for this system); ${SKU.stock} units, perUserLimit 1. Targets of the published ` +
        'project: QPS > 500, failure rate < 5 % (5xx, timeouts, other errors; a 409 is a correct ' +
        'answer), no duplicate orders, no overselling.',
      startedAt,
      seconds,
      rounds: 1,
      connections: [USERS],
      runs,
      ratios: [],
      checks,
      verdicts: [],
    };
    result.verdicts = runs.flatMap((run) => verdictsOf(run, checks));
    printCase(result);
    return result;
  } finally {
    await targets.stop();
  }
}

function verdictsOf(run: RunSummary, checks: BenchResult['checks']): Verdict[] {
  const mine = checks.filter((c) => c.target === run.target);
  const failureRate = run.attempts ? run.errors / run.attempts : 1;
  const soldUnits = run.accepted;
  const ok = (prefix: string) => mine.filter((c) => c.name.startsWith(prefix)).every((c) => c.ok);
  return [
    {
      name: `${run.label}: QPS`,
      goal: '> 500',
      measured: Math.round(run.requestsPerSecond).toLocaleString('en-US'),
      met: run.requestsPerSecond > 500,
    },
    {
      name: `${run.label}: failure rate`,
      goal: '< 5 %',
      measured: `${(failureRate * 100).toFixed(2)} % (${run.errors} of ${run.attempts}; ${run.status5xx} 5xx, ${run.timeouts} timeouts)`,
      met: failureRate < 0.05,
    },
    {
      name: `${run.label}: duplicate orders`,
      goal: 'none',
      measured: ok('no duplicate') ? 'none' : 'found',
      met: ok('no duplicate'),
    },
    {
      name: `${run.label}: oversell`,
      goal: 'none',
      measured: `${ok('no oversell') ? 'none' : 'found'} (${soldUnits} of ${SKU.stock} units sold)`,
      met: ok('no oversell'),
    },
  ];
}
