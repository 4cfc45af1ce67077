import type { Metric, Registry } from 'prom-client';

type Labels = Record<string, string>;
type Series = {
  labels: Labels;
  count: number;
  sum: number;
  buckets: Float64Array;
  observe(seconds: number): void;
};
type Value = { labels: Labels; value: number; metricName?: string };

/**
 * The two HTTP request metrics (a counter and a latency histogram by method, route and status),
 * kept for the request path. A prom-client labelled child hashes its labels at every call, which
 * was about a fifth of the CPU of a sold-out purchase answer; here a request adds to the plain
 * numbers of a series found once per label set, and the exposition is built when scraped.
 */
export function requestSeries(
  registry: Registry,
  options: {
    counter: { name: string; help: string };
    histogram: { name: string; help: string; buckets: readonly number[] };
  },
) {
  const bounds = [...options.histogram.buckets].sort((a, b) => a - b);
  const series = new Map<string, Series>();

  const counter = metric(options.counter.name, options.counter.help, 'counter', () =>
    [...series.values()].map((s) => ({ labels: s.labels, value: s.count })),
  );
  const histogram = metric(options.histogram.name, options.histogram.help, 'histogram', () => {
    const values: Value[] = [];
    const name = options.histogram.name;
    for (const s of series.values()) {
      let cumulative = 0;
      bounds.forEach((le, i) => {
        cumulative += s.buckets[i]!;
        values.push({
          labels: { le: String(le), ...s.labels },
          value: cumulative,
          metricName: `${name}_bucket`,
        });
      });
      values.push({
        labels: { le: '+Inf', ...s.labels },
        value: s.count,
        metricName: `${name}_bucket`,
      });
      values.push({ labels: s.labels, value: s.sum, metricName: `${name}_sum` });
      values.push({ labels: s.labels, value: s.count, metricName: `${name}_count` });
    }
    return values;
  });
  registry.registerMetric(counter);
  registry.registerMetric(histogram);

  return {
    /** The series of one label set: one map lookup, then plain arithmetic. */
    child(method: string, route: string, status: number): { observe(seconds: number): void } {
      const key = `${method} ${route} ${status}`;
      let found = series.get(key);
      if (!found) {
        const s: Series = {
          labels: { method, route, status: String(status) },
          count: 0,
          sum: 0,
          buckets: new Float64Array(bounds.length),
          observe(seconds) {
            s.count += 1;
            s.sum += seconds;
            const i = bounds.findIndex((le) => seconds <= le);
            if (i >= 0) s.buckets[i]! += 1;
          },
        };
        series.set(key, (found = s));
      }
      return found;
    },
  };

  /** What prom-client's registry asks of a metric: its name, help, type and values. */
  function metric(
    name: string,
    help: string,
    type: 'counter' | 'histogram',
    values: () => Value[],
  ) {
    return {
      name,
      help,
      type,
      aggregator: 'sum',
      get: async () => ({ name, help, type, aggregator: 'sum', values: values() }),
      reset: () => series.clear(),
    } as unknown as Metric;
  }
}

export type RequestSeries = ReturnType<typeof requestSeries>;
