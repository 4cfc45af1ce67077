import autocannon from 'autocannon';
import { cpuShare, cpuTicks, type CpuShare } from './cpu';
import { tcpCounters, tcpDelta, type TcpCounters } from './tcp';
import type { RunSummary, Second } from './types';

export type LoadOptions = {
  target: RunSummary['target'];
  scenario: string;
  label: string;
  url: string;
  /** The server's process, for the CPU it uses (bench/support/cpu.ts). */
  pid?: number;
  connections: number;
  seconds: number;
  body: string;
  /** Headers of the next request (a new user, a new idempotency key...). */
  nextHeaders: () => Record<string, string>;
};

/** Exact percentile of sorted values (nearest rank). */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return round(sorted[rank]!);
}

const round = (ms: number) => Math.round(ms * 10) / 10;

class Bucket {
  latencies: number[] = [];
  accepted = 0;
  errors = 0;
}

/** What one autocannon run measured, before it is summed up (alone or with other rounds). */
export type Measured = {
  latencies: number[];
  buckets: Bucket[];
  statuses: Record<string, number>;
  timeouts: number;
  transportErrors: number;
  elapsed: number;
  cpu?: CpuShare;
  tcp?: TcpCounters;
};

/**
 * One autocannon run. autocannon's own result has no time series and keeps latencies of 2xx
 * answers only, so every answer is sampled here instead: per second (by completion time) and
 * over the whole run, 201s and 409s alike.
 */
export async function runLoad(options: LoadOptions): Promise<RunSummary> {
  return summarize(options, [await measureLoad(options)]);
}

export async function measureLoad(options: LoadOptions): Promise<Measured> {
  const buckets: Bucket[] = [];
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let started = 0;
  let timeouts = 0;
  let transportErrors = 0;
  const bucket = () => {
    const i = Math.floor((performance.now() - started) / 1000);
    while (buckets.length <= i) buckets.push(new Bucket());
    return buckets[i]!;
  };

  let finish!: (error?: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = (error) => (error ? reject(error) : resolve());
  });
  const instance = autocannon(
    {
      url: `${options.url}/v1/orders`,
      method: 'POST',
      connections: options.connections,
      duration: options.seconds,
      headers: { 'content-type': 'application/json' },
      body: options.body,
      requests: [
        {
          setupRequest: (req) => {
            req.headers = { ...req.headers, ...options.nextHeaders() };
            return req;
          },
        },
      ],
    },
    (error) => finish(error),
  );
  started = performance.now();
  const ticksBefore = cpuTicks(options.pid);
  const tcpBefore = tcpCounters();
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    const b = bucket();
    b.latencies.push(responseTime);
    latencies.push(responseTime);
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    if (statusCode >= 200 && statusCode < 300) b.accepted += 1;
    else if (statusCode !== 409) b.errors += 1;
  });
  instance.on('reqError', (error) => {
    bucket().errors += 1;
    if (/timed out/.test(error.message)) timeouts += 1;
    else transportErrors += 1;
  });
  await done;
  const cpu = cpuShare(ticksBefore, cpuTicks(options.pid));
  const tcp = tcpDelta(tcpBefore, tcpCounters());
  const elapsed = (performance.now() - started) / 1000;
  // The last bucket holds only the stragglers answered after the duration: not a whole second.
  buckets.length = Math.min(buckets.length, Math.max(1, Math.floor(elapsed)));
  return { latencies, buckets, statuses, timeouts, transportErrors, elapsed, cpu, tcp };
}

/**
 * One summary of one or more rounds of the same load: answers and time add up, latencies are
 * pooled before percentiles are taken, CPU shares are weighted by each round's length, and the
 * per-second timeline runs through the rounds one after another.
 */
export function summarize(
  options: Pick<LoadOptions, 'target' | 'scenario' | 'label' | 'connections'>,
  rounds: Measured[],
): RunSummary {
  const elapsed = rounds.reduce((sum, r) => sum + r.elapsed, 0);
  const statuses: Record<string, number> = {};
  for (const r of rounds) {
    for (const [code, n] of Object.entries(r.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
  }
  const count = (keep: (code: string) => boolean) =>
    Object.entries(statuses)
      .filter(([code]) => keep(code))
      .reduce((sum, [, n]) => sum + n, 0);
  const timeouts = rounds.reduce((sum, r) => sum + r.timeouts, 0);
  const transportErrors = rounds.reduce((sum, r) => sum + r.transportErrors, 0);
  const timeline: Second[] = rounds
    .flatMap((r) => r.buckets)
    .map((b, t) => {
      const sorted = Float64Array.from(b.latencies).sort();
      return {
        t,
        requests: b.latencies.length,
        accepted: b.accepted,
        errors: b.errors,
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        max: sorted.length ? round(sorted[sorted.length - 1]!) : 0,
      };
    });
  const sorted = Float64Array.from(rounds.flatMap((r) => r.latencies)).sort();
  const accepted = acceptedOf(statuses);
  return {
    target: options.target,
    scenario: options.scenario,
    label: options.label,
    connections: options.connections,
    rounds: rounds.length,
    perRound: rounds.map((r) => ({
      requestsPerSecond: r.latencies.length / r.elapsed,
      acceptedPerSecond: acceptedOf(r.statuses) / r.elapsed,
    })),
    seconds: Math.round(elapsed * 100) / 100,
    requests: sorted.length,
    attempts: sorted.length + timeouts + transportErrors,
    requestsPerSecond: sorted.length / elapsed,
    accepted,
    acceptedPerSecond: accepted / elapsed,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? round(sorted[sorted.length - 1]!) : 0,
    errors: count((code) => !code.startsWith('2') && code !== '409') + timeouts + transportErrors,
    timeouts,
    status5xx: count((code) => code.startsWith('5')),
    statuses,
    cpu: weightedCpu(rounds),
    tcp: summedTcp(rounds),
    timeline,
  };
}

/** 2xx answers among answers counted by status. */
export function acceptedOf(statuses: Record<string, number>): number {
  return Object.entries(statuses)
    .filter(([code]) => code.startsWith('2'))
    .reduce((sum, [, n]) => sum + n, 0);
}

function weightedCpu(rounds: Measured[]): CpuShare | undefined {
  if (rounds.some((r) => !r.cpu)) return undefined;
  const total = rounds.reduce((sum, r) => sum + r.elapsed, 0);
  const keys = Object.keys(rounds[0]!.cpu!) as (keyof CpuShare)[];
  return Object.fromEntries(
    keys.map((k) => [
      k,
      Math.round((rounds.reduce((s, r) => s + r.cpu![k] * r.elapsed, 0) / total) * 100) / 100,
    ]),
  ) as CpuShare;
}

function summedTcp(rounds: Measured[]): TcpCounters | undefined {
  if (rounds.some((r) => !r.tcp)) return undefined;
  return {
    listenOverflows: rounds.reduce((s, r) => s + r.tcp!.listenOverflows, 0),
    synRetransmits: rounds.reduce((s, r) => s + r.tcp!.synRetransmits, 0),
  };
}
