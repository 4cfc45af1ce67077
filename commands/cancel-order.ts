import { NotFoundError } from '../domain/errors';
import { decideOrder, orderNotCancellable } from '../domain/order';
import type { Clock, CommandContext } from './context';
import { checkOwner, type Actor } from './initiate-payment';
import { runOnOrder } from './order-stream';
import type { EventStore, ReservationStore } from './ports';
import { settleReservation, type SettleFailed } from './settle-reservation';

/**
 * A cancel that finds the order past its deadline records the expiry instead, gives the stock
 * back, and answers ORDER_NOT_CANCELLABLE for an EXPIRED order, as it would after the saga.
 */
export function makeCancelOrder(deps: {
  eventStore: EventStore;
  reservations: ReservationStore;
  clock: Clock;
  onReleaseFailed?: SettleFailed;
}) {
  return async function cancelOrder(orderId: string, actor: Actor, context: CommandContext) {
    const { state, appended } = await runOnOrder(
      deps.eventStore,
      orderId,
      (current) => {
        checkOwner(current, orderId, actor);
        return decideOrder({ type: 'CancelOrder', data: { orderId, now: deps.clock() } }, current);
      },
      context,
    );
    await settleReservation(deps.reservations, orderId, appended, {
      releaseFailed: deps.onReleaseFailed,
    });
    if (state.status === 'CANCELLED') return { orderId, status: 'CANCELLED' as const };
    if (state.status === 'NONE') throw new NotFoundError(`no order ${orderId}`, { orderId });
    throw orderNotCancellable(state);
  };
}
