import { ConcurrencyError } from '../domain/errors';
import { decideOrder, foldOrder, type OrderEvent } from '../domain/order';
import { orderStreamId } from '../domain/order/events';
import { withMetadata, type Clock } from './context';
import type { EventStore, ReservationStore } from './ports';

export type SweepReport = { checked: number; released: string[]; settled: string[] };

/**
 * The orphan sweeper: a reservation older than the grace period whose order stream is empty was
 * left by a process that died between reserving and appending. The sweeper first claims the
 * stream (OrderAbandoned, expected "no stream"), so a placement that was merely slow can no
 * longer record its order, and only then gives the stock back.
 *
 * It also settles what a process left half-done after recording an order's end: a reservation
 * still held once the order's deadline and the grace period have passed belongs to an order that
 * was cancelled or expired (released here) or paid (turned into a sale here), because the handler
 * died, or Redis was away, between its append and its Redis call. Both calls are idempotent, so
 * racing the handler itself is harmless. A PENDING order is left to the saga; its id is
 * remembered until its deadline so its stream is not read at every sweep.
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
  /** Recorded PENDING orders: orderId -> the time after which to look at them again. */
  const recorded = new Map<string, number>();
  return async function sweepOrphans(): Promise<SweepReport> {
    const now = deps.clock();
    const createdBefore = now.getTime() - deps.graceMs;
    const candidates = await deps.reservations.reservationsDue(
      new Date(createdBefore + deps.ttlSeconds * 1000 + 1),
      deps.limit ?? 5_000,
    );
    const seen = new Set(candidates.map((r) => r.orderId));
    for (const id of recorded.keys()) if (!seen.has(id)) recorded.delete(id);
    const report: SweepReport = { checked: 0, released: [], settled: [] };
    for (const r of candidates) {
      if ((recorded.get(r.orderId) ?? 0) > now.getTime()) continue;
      if (r.createdAt.getTime() >= createdBefore) continue;
      report.checked += 1;
      const events = await deps.eventStore.readStream(orderStreamId(r.orderId));
      if (events.some((e) => e.type === 'OrderPlaced')) {
        const state = foldOrder(events as unknown as OrderEvent[]);
        const due = r.deadline.getTime() + deps.graceMs;
        if (state.status === 'PENDING' || due > now.getTime()) {
          recorded.set(r.orderId, due);
        } else if (state.status === 'CONFIRMED') {
          if (await deps.reservations.confirm(r.orderId)) report.settled.push(r.orderId);
        } else if (await deps.reservations.release(r.orderId)) {
          report.settled.push(r.orderId);
        }
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
