import { collectDefaultMetrics, Counter, Histogram, type Registry } from 'prom-client';
import { requestSeries } from './request-series';

/** Latency buckets in seconds: the purchase path answers in milliseconds, a slow scrape in seconds. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * The metrics the process records as things happen. Everything here lives in the registry the
 * composition root made and passed in: two systems in one test process never share a series.
 * Gauges read on demand (lags, timers, dead letters) are in collectors.ts.
 */
export function createMetrics(registry: Registry) {
  collectDefaultMetrics({ register: registry, prefix: 'flashsale_' });
  return {
    registry,
    http: requestSeries(registry, {
      counter: {
        name: 'flashsale_http_requests_total',
        help: 'HTTP requests answered, by method, route pattern and status',
      },
      histogram: {
        name: 'flashsale_http_request_duration_seconds',
        help: 'Time from receiving a request to the end of its answer, by route pattern and status',
        buckets: LATENCY_BUCKETS,
      },
    }),
    reservations: outcomeCounter(registry),
    appendDuration: new Histogram({
      name: 'flashsale_event_store_append_duration_seconds',
      help: 'Event store append latency, by result (ok, conflict, error)',
      labelNames: ['result'] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    sagaTimersFired: new Counter({
      name: 'flashsale_saga_timers_fired_total',
      help: 'Reservation timers this process fired (orders expired by the saga)',
      registers: [registry],
    }),
    redisRecoveries: new Counter({
      name: 'flashsale_redis_recoveries_total',
      help: 'Times this process rebuilt the hot inventory in Redis from the event store',
      registers: [registry],
    }),
    redisRecoveredReservations: new Counter({
      name: 'flashsale_redis_recovered_reservations_total',
      help: 'Reservations put back into Redis by those rebuilds',
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * Outcomes of the reservation script, one per purchase: counted in plain numbers and handed to
 * prom-client when scraped, since its labelled children hash their labels at every call.
 */
function outcomeCounter(registry: Registry) {
  const counts = new Map<string, number>();
  new Counter({
    name: 'flashsale_reservations_total',
    help: 'Outcomes of the reservation script: accepted, sold_out, limit_exceeded, idempotent_replay, key_reused, unknown_sku, mixed_currency, not_loaded',
    labelNames: ['outcome'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [outcome, n] of counts) this.inc({ outcome }, n);
    },
  });
  return {
    inc(outcome: string) {
      counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
    },
    /** Every outcome seen so far, with its count (the operator page shows them). */
    counts: (): Record<string, number> => Object.fromEntries(counts),
  };
}
