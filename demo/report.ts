import type { Outcome, Tally } from './buyer';
import { quantile, type Bucket } from './service-latency';
import type { Verification } from './verify';

const n = (value: number) => value.toLocaleString('en-US');

/** Latency percentiles of the purchase attempts, in ms. */
export function percentiles(latenciesMs: number[]) {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted.at(-1) ?? 0 };
}

/** One line of live progress. */
export function progressLine(
  seconds: number,
  tally: Tally,
  store: { expired: number; refunded: number },
  stockLeft: number | string,
  lagMs: number | string,
) {
  return (
    `${seconds.toFixed(0).padStart(3)}s  attempts ${n(tally.attempts)}  accepted ${n(tally.accepted)}  ` +
    `sold out ${n(tally.soldOut)}  paid ${n(tally.outcomes.paid + tally.outcomes.paidAfterFailure)}  ` +
    `expired ${n(store.expired)}  refunded ${n(store.refunded)}  stock left ${stockLeft}  ` +
    `projection lag ${lagMs} ms`
  );
}

/** The closing report: what happened, how fast, and each invariant held or broken. */
export function finalReport(input: {
  buyers: number;
  stock: number;
  seconds: number;
  tally: Tally;
  /** The service's latency histogram of POST /v1/orders (demo/service-latency.ts). */
  inService: readonly Bucket[];
  events: Record<string, number>;
  verification: Verification;
}): string {
  const { tally, events, verification } = input;
  const lat = percentiles(tally.latenciesMs);
  const lines = [
    '',
    'Flash sale report',
    `  ${n(input.buyers)} buyers, ${n(input.stock)} units, ${input.seconds.toFixed(1)} s`,
    `  purchase attempts ${n(tally.attempts)}: accepted ${n(tally.accepted)}, sold out ${n(tally.soldOut)}, ` +
      `over the limit ${n(tally.limited)}, failed ${n(tally.failed)}`,
    `  latency of purchase attempts as the buyers saw it: p50 ${lat.p50.toFixed(1)} ms, ` +
      `p90 ${lat.p90.toFixed(1)} ms, p99 ${lat.p99.toFixed(1)} ms, max ${lat.max.toFixed(1)} ms`,
    `    (timed by the demo's own client, --concurrency buyers in flight over as many connections,`,
    `    on cores it shares with the service's two processes, MySQL, Redis and Kafka)`,
    `  time inside the service (its histogram of POST /v1/orders, GET /metrics): ${inServiceLine(input.inService)}`,
    `  accepted orders by how they ended: ${outcomesLine(tally)}`,
    `  callbacks delivered twice (applied once): ${n(tally.duplicateCallbacks)}`,
    `  event store: ${Object.entries(events)
      .map(([type, count]) => `${type} ${n(count)}`)
      .join(', ')}`,
    '',
    'Invariants',
    ...verification.results.map(
      (r) =>
        `  ${r.held === true ? 'held  ' : r.held === false ? 'BROKEN' : 'not checked'}  ${r.id}. ${r.name}` +
        r.violations.map((v) => `\n            ${v}`).join(''),
    ),
    '',
    'SKU audits',
    ...verification.audits.map(
      (a) =>
        `  ${a.skuId}: ${a.consistent ? 'consistent' : `NOT CONSISTENT ${JSON.stringify(a.discrepancies)}`}`,
    ),
  ];
  return lines.join('\n');
}

const OUTCOME_NAMES: [Outcome, string][] = [
  ['paid', 'paid'],
  ['paidAfterFailure', 'paid after a failed attempt'],
  ['refunded', 'paid too late and refunded'],
  ['expiredBeforePaying', 'expired before the payment began'],
  ['cancelled', 'cancelled'],
  ['expiredBeforeCancel', 'expired before the cancel'],
  ['abandoned', 'walked away (expired)'],
  ['unexpected', 'answered unexpectedly'],
];

/** Each outcome with its count, summed: every accepted order is in one of them. */
export function outcomesLine(tally: Pick<Tally, 'outcomes'>): string {
  const parts = OUTCOME_NAMES.filter(
    ([outcome]) => outcome !== 'unexpected' || tally.outcomes.unexpected > 0,
  ).map(([outcome, name]) => `${name} ${n(tally.outcomes[outcome])}`);
  const sum = Object.values(tally.outcomes).reduce((a, b) => a + b, 0);
  return `${parts.join(', ')} (${n(sum)} in all)`;
}

/** p50/p90/p99 of the service's histogram, interpolated within its buckets. */
export function inServiceLine(buckets: readonly Bucket[]): string {
  const ms = (q: number) => {
    const at = quantile(buckets, q)!;
    return `${at.atLeast ? 'over ' : ''}${(at.seconds * 1000).toFixed(1)} ms`;
  };
  if (quantile(buckets, 0.5) === undefined) return 'no purchase recorded';
  return `p50 ${ms(0.5)}, p90 ${ms(0.9)}, p99 ${ms(0.99)} (interpolated within buckets)`;
}

/** Whether every invariant held and every audit was consistent. */
export const allHeld = (v: Verification) =>
  v.results.every((r) => r.held === true) && v.audits.every((a) => a.consistent);
