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
  ratios: { connections: number; name: string; value: number }[];
  checks: Check[];
  verdicts: Verdict[];
};

/** What one `npm run bench` writes: bench/results/*.json, drawn by bench/report/html.ts. */
export type BenchReport = {
  generatedAt: string;
  machine: { cpus: number; cpuModel: string; node: string; note: string };
  command: string;
  cases: BenchResult[];
};
