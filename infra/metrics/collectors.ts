import { Gauge, type Registry } from 'prom-client';

/** What the gauges read at scrape time; each is given only when this process runs that role. */
export type CollectorSources = {
  relay?: {
    /** The last position the relay published (its checkpoint). */
    position(): bigint;
    /** Whether this relay publishes (it holds the lead), or stands by for another. */
    leading(): boolean;
    /** When the oldest event after `position` was recorded; null when there is none. */
    oldestAfter(position: bigint): Promise<Date | null>;
    headPosition(): Promise<bigint>;
  };
  projections?: () => Promise<
    readonly { name: string; lagMs: number; position: string; deadLetters: number }[]
  >;
  /** Saga timers by status (PENDING, FIRED, DONE). */
  sagaTimers?: () => Promise<Record<string, number>>;
  now?: () => Date;
};

/**
 * A gauge whose value is read when Prometheus scrapes. A source that fails (the database away)
 * leaves the last value in place: a scrape must still answer, and /readyz is where an outage shows.
 */
function gauge<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
  read: (set: (labels: Partial<Record<L, string>>, value: number) => void) => Promise<void>,
) {
  return new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      try {
        await read((labels, value) => this.set(labels, value));
      } catch {
        // keep the last value (see above)
      }
    },
  });
}

export function registerCollectors(registry: Registry, sources: CollectorSources): void {
  const now = sources.now ?? (() => new Date());
  const { relay, projections, sagaTimers } = sources;
  if (relay) {
    gauge(
      registry,
      'flashsale_relay_lag_seconds',
      'Age of the oldest event the relay has not yet published to Kafka (0 when caught up)',
      [],
      async (set) => {
        const oldest = await relay.oldestAfter(relay.position());
        set({}, oldest ? Math.max(0, now().getTime() - oldest.getTime()) / 1000 : 0);
      },
    );
    gauge(
      registry,
      'flashsale_relay_leading',
      'Whether this relay publishes (1) or stands by while another relay of the database does (0)',
      [],
      async (set) => set({}, relay.leading() ? 1 : 0),
    );
    gauge(
      registry,
      'flashsale_relay_position',
      'Global position of the last event the relay published',
      [],
      async (set) => set({}, Number(relay.position())),
    );
    gauge(
      registry,
      'flashsale_event_store_head_position',
      'Global position of the last event in the event store',
      [],
      async (set) => set({}, Number(await relay.headPosition())),
    );
  }
  if (projections) {
    // One read serves the three gauges of a scrape.
    let pending: ReturnType<typeof projections> | undefined;
    const read = () => {
      pending ??= projections().finally(() => setTimeout(() => (pending = undefined), 100));
      return pending;
    };
    gauge(
      registry,
      'flashsale_projection_lag_seconds',
      'Age of the oldest event a projection has not applied yet (0 when caught up)',
      ['projection'],
      async (set) => {
        for (const p of await read()) set({ projection: p.name }, p.lagMs / 1000);
      },
    );
    gauge(
      registry,
      'flashsale_projection_position',
      'Global position through which a projection has applied every event (its low-water mark)',
      ['projection'],
      async (set) => {
        for (const p of await read()) set({ projection: p.name }, Number(p.position));
      },
    );
    gauge(
      registry,
      'flashsale_projection_dead_letters',
      'Events a projection could not apply and sent to the dead-letter topic',
      ['projection'],
      async (set) => {
        for (const p of await read()) set({ projection: p.name }, p.deadLetters);
      },
    );
  }
  if (sagaTimers) {
    gauge(
      registry,
      'flashsale_saga_timers',
      'Reservation timers of the saga by status: PENDING (waiting), FIRED (expired the order), DONE (ended first: paid, cancelled, or expired by a command past the deadline). Read from the database, so every saga process reports the same counts: take max, not sum, across processes',
      ['status'],
      async (set) => {
        const counts = await sagaTimers();
        for (const status of ['PENDING', 'FIRED', 'DONE']) set({ status }, counts[status] ?? 0);
      },
    );
  }
}
