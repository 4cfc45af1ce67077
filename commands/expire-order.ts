import { decideOrder } from '../domain/order';
import type { Clock, CommandContext } from './context';
import { runOnOrder } from './order-stream';
import type { EventStore, ReservationStore } from './ports';

/**
 * ExpireOrder (sent by the saga when a deadline passes): OrderExpired once, then the stock back.
 * Safe to repeat: an order already ended, or not yet due, appends nothing, and a release
 * that already happened changes nothing.
 */
export function makeExpireOrder(deps: {
  eventStore: EventStore;
  reservations: ReservationStore;
  clock: Clock;
}) {
  return async function expireOrder(orderId: string, context: CommandContext) {
    const result = await runOnOrder(
      deps.eventStore,
      orderId,
      (state) => decideOrder({ type: 'ExpireOrder', data: { orderId, now: deps.clock() } }, state),
      context,
    );
    if (result.state.status === 'EXPIRED') await deps.reservations.release(orderId);
    return { expired: result.appended.length > 0, status: result.state.status };
  };
}
