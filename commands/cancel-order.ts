import { decideOrder } from '../domain/order';
import type { Clock, CommandContext } from './context';
import { checkOwner, type Actor } from './initiate-payment';
import { runOnOrder } from './order-stream';
import type { EventStore, ReservationStore } from './ports';

export function makeCancelOrder(deps: {
  eventStore: EventStore;
  reservations: ReservationStore;
  clock: Clock;
  onReleaseFailed?: (orderId: string, error: unknown) => void;
}) {
  return async function cancelOrder(orderId: string, actor: Actor, context: CommandContext) {
    await runOnOrder(
      deps.eventStore,
      orderId,
      (state) => {
        checkOwner(state, orderId, actor);
        return decideOrder({ type: 'CancelOrder', data: { orderId, now: deps.clock() } }, state);
      },
      context,
    );
    // The event is the truth; if Redis is away now, the reservation sweeper gives the stock back.
    await deps.reservations.release(orderId).catch((e) => deps.onReleaseFailed?.(orderId, e));
    return { orderId, status: 'CANCELLED' as const };
  };
}
