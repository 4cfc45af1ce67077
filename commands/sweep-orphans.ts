import { ConcurrencyError } from '../domain/errors';
import { decideOrder } from '../domain/order';
import { orderStreamId } from '../domain/order/events';
import { withMetadata, type Clock } from './context';
import type { EventStore, ReservationStore } from './ports';

export type SweepReport = { checked: number; released: string[] };

/**
 * The orphan sweeper: a reservation older than the grace period whose order stream is empty was
 * left by a process that died between reserving and appending. The sweeper first claims the
 * stream (OrderAbandoned, expected "no stream"), so a placement that was merely slow can no
 * longer record its order, and only then gives the stock back. Orders found recorded are
 * remembered and not looked up again.
 */
export function makeSweepOrphans(deps: {
  eventStore: EventStore;
  reservations: ReservationStore;
  clock: Clock;
  graceMs: number;
  /** The reservation time-to-live: deadlines are creation + ttl, so they find the old ones. */
  ttlSeconds: number;
  limit?: number;
}) {
  const recorded = new Set<string>();
  return async function sweepOrphans(): Promise<SweepReport> {
    const now = deps.clock();
    const createdBefore = now.getTime() - deps.graceMs;
    const candidates = await deps.reservations.reservationsDue(
      new Date(createdBefore + deps.ttlSeconds * 1000 + 1),
      deps.limit ?? 5_000,
    );
    const seen = new Set(candidates.map((r) => r.orderId));
    for (const id of recorded) if (!seen.has(id)) recorded.delete(id);
    const report: SweepReport = { checked: 0, released: [] };
    for (const r of candidates) {
      if (recorded.has(r.orderId) || r.createdAt.getTime() >= createdBefore) continue;
      report.checked += 1;
      const events = await deps.eventStore.readStream(orderStreamId(r.orderId));
      if (events.some((e) => e.type === 'OrderPlaced')) {
        recorded.add(r.orderId);
        continue;
      }
      if (events.length === 0) {
        const claim = decideOrder(
          { type: 'AbandonPlacement', data: { orderId: r.orderId, now } },
          { status: 'NONE' },
        );
        try {
          await deps.eventStore.append(
            orderStreamId(r.orderId),
            withMetadata(claim, {
              correlationId: `sweeper-${r.orderId}`,
              userId: r.userId,
            }),
            { expectedRevision: 'no_stream' },
          );
        } catch (error) {
          // The placement recorded its order just now: the next sweep sees it.
          if (error instanceof ConcurrencyError) continue;
          throw error;
        }
      }
      // Claimed (now, or by an earlier sweep that died before releasing).
      if (await deps.reservations.abort(r.orderId)) report.released.push(r.orderId);
    }
    return report;
  };
}
