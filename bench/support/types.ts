import type { CpuShare } from './cpu';
import type { TcpCounters } from './tcp';

/** The shape of a benchmark result: what the JSON file holds and what the HTML report draws. */

/** One second of one run, sampled from autocannon's 'response' and 'reqError' events. */
export type Second = {
  t: number;
  requests: number;
  accepted: number;
  errors: number;
  p50: number;
  p99: number;
  max: number;
};

export type RunSummary = {
  /** The design under load: `system`, `naive` or `bare`. */
  target: 'system' | 'naive' | 'bare';
  /** Which phase of the SKU: `stock lasts`, `sold out`, `ceiling`, `seckill`. */
  scenario: string;
  label: string;
  connections: number;
  /** Rounds pooled into this summary (runs of the same load, taken in turn with the others). */
  rounds: number;
  /** Each round's own rates, in the order they were taken (for intervals over the rounds). */
  perRound: { requestsPerSecond: number; acceptedPerSecond: number }[];
  /** Length of all rounds together. */
  seconds: number;
  /** Answers received; `attempts` adds the requests that timed out or failed on the wire. */
  requests: number;
  attempts: number;
  requestsPerSecond: number;
  accepted: number;
  acceptedPerSecond: number;
  /** All answers, 201s and 409s alike (ms). */
  p50: number;
  p99: number;
  max: number;
  /** Not 2xx and not 409, plus transport errors and timeouts. */
  errors: number;
  timeouts: number;
  status5xx: number;
  statuses: Record<string, number>;
  /** Who used the machine's cores during the run: the bench's own processes, or others. */
  cpu?: CpuShare;
  tcp?: TcpCounters;
  timeline: Second[];
};

export type Verdict = { name: string; goal: string; measured: string; met: boolean };

export type Check = { target: string; name: string; detail: string; ok: boolean };

/**
 * A ratio between two designs' runs: `value` over the pooled rounds (what the targets judge),
 * and, with two rounds or more, the 95 % interval of the rounds' paired ratios (the designs take
 * their rounds in turn, so each round's pair met the same minute of the machine).
 */
export type Ratio = {
  connections: number;
  name: string;
  value: number;
  interval?: { low: number; high: number; rounds: number };
};

/** How a ratio reads: `0.60×`, or `0.60× (95 % CI of 3 rounds 0.52-0.69)`. */
export function describeRatio(r: Ratio): string {
  const value = `${r.value.toFixed(2)}×`;
  if (!r.interval) return value;
  const { low, high, rounds } = r.interval;
  return `${value} (95 % CI of ${rounds} rounds ${low.toFixed(2)}-${high.toFixed(2)})`;
}

/** One named case: its runs, the ratios between designs, the store checks, the verdicts. */
export type BenchResult = {
  case: string;
  title: string;
  description: string;
  startedAt: string;
  /** Length of one round; `rounds` rounds make a run (1 where the case has no rounds). */
  seconds: number;
  rounds: number;
  connections: number[];
  runs: RunSummary[];
  ratios: Ratio[];
  checks: Check[];
  verdicts: Verdict[];
};

/** What one `npm run bench` writes: bench/results/*.json, drawn by bench/report/html.ts. */
export type BenchReport = {
  generatedAt: string;
  machine: {
    cpus: number;
    cpuModel: string;
    node: string;
    /** The shared servers' versions and the settings that move the figures (absent before). */
    servers?: string;
    note: string;
  };
  command: string;
  cases: BenchResult[];
};
