import autocannon from 'autocannon';
import { cpuShare, cpuTicks } from './cpu';
import { tcpCounters, tcpDelta } from './tcp';
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

/**
 * One autocannon run. autocannon's own result has no time series and keeps latencies of 2xx
 * answers only, so every answer is sampled here instead: per second (by completion time) and
 * over the whole run, 201s and 409s alike.
 */
export async function runLoad(options: LoadOptions): Promise<RunSummary> {
  const buckets: Bucket[] = [];
  const all: number[] = [];
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
    all.push(responseTime);
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
  const timeline: Second[] = buckets.slice(0, Math.max(1, Math.floor(elapsed))).map((b, t) => {
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
  const sorted = Float64Array.from(all).sort();
  const accepted = Object.entries(statuses)
    .filter(([code]) => code.startsWith('2'))
    .reduce((sum, [, n]) => sum + n, 0);
  const failedAnswers = Object.entries(statuses)
    .filter(([code]) => !code.startsWith('2') && code !== '409')
    .reduce((sum, [, n]) => sum + n, 0);
  return {
    target: options.target,
    scenario: options.scenario,
    label: options.label,
    connections: options.connections,
    seconds: Math.round(elapsed * 100) / 100,
    requests: all.length,
    attempts: all.length + timeouts + transportErrors,
    requestsPerSecond: all.length / elapsed,
    accepted,
    acceptedPerSecond: accepted / elapsed,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? round(sorted[sorted.length - 1]!) : 0,
    errors: failedAnswers + timeouts + transportErrors,
    timeouts,
    status5xx: Object.entries(statuses)
      .filter(([code]) => code.startsWith('5'))
      .reduce((sum, [, n]) => sum + n, 0),
    statuses,
    cpu,
    tcp,
    timeline,
  };
}
