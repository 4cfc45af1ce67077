import { parseMetrics } from '../infra/metrics/parse-text';

/*
 * The time purchases spent inside the service, read from its own latency histogram
 * (`GET /metrics`): what the service did, apart from the queues of a machine that the demo's
 * buyers share with it.
 */

const HISTOGRAM = 'flashsale_http_request_duration_seconds_bucket';

export type Bucket = { le: number; count: number };

/**
 * The cumulative buckets of the request histogram for one method and route, summed over its
 * statuses, from the Prometheus text exposition. Empty when the route has no series.
 */
export function routeBuckets(text: string, method: string, route: string): Bucket[] {
  const totals = new Map<number, number>();
  for (const { name, labels, value } of parseMetrics(text)) {
    if (name !== HISTOGRAM || labels.method !== method || labels.route !== route) continue;
    if (labels.le === undefined) continue;
    const le = labels.le === '+Inf' ? Infinity : Number(labels.le);
    totals.set(le, (totals.get(le) ?? 0) + value);
  }
  return [...totals].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
}

/**
 * The q-quantile in seconds, interpolated linearly within its bucket as Prometheus's
 * histogram_quantile does; undefined without observations. One that falls in the last,
 * unbounded bucket is the highest finite bound, marked `atLeast`.
 */
export function quantile(
  buckets: readonly Bucket[],
  q: number,
): { seconds: number; atLeast: boolean } | undefined {
  const total = buckets.at(-1)?.count ?? 0;
  if (total === 0) return undefined;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const { le, count } of buckets) {
    if (count >= rank) {
      if (le === Infinity) return { seconds: lower, atLeast: true };
      const inBucket = count - below;
      const seconds = inBucket === 0 ? le : lower + ((le - lower) * (rank - below)) / inBucket;
      return { seconds, atLeast: false };
    }
    lower = le;
    below = count;
  }
  return { seconds: lower, atLeast: true };
}
