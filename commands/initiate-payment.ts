import { v7 as uuidv7 } from 'uuid';
import { NotFoundError } from '../domain/errors';
import { decideOrder, orderNotPayable, type OrderState } from '../domain/order';
import type { Clock, CommandContext } from './context';
import { runOnOrder } from './order-stream';
import type { EventStore, ReservationStore } from './ports';
import { settleReservation, type SettleFailed } from './settle-reservation';

export type PaymentAttempt = {
  paymentId: string;
  orderId: string;
  amount: number;
  currency: string;
  status: 'PENDING';
};

/** Who may act on an order: its owner, or an admin. Anyone else is told it does not exist. */
export type Actor = { userId: string; isAdmin: boolean };

export function checkOwner(state: OrderState, orderId: string, actor: Actor): void {
  if (state.status === 'NONE' || (!actor.isAdmin && state.userId !== actor.userId)) {
    throw new NotFoundError(`no order ${orderId}`, { orderId });
  }
}

/**
 * An attempt on an order past its deadline records the expiry instead, gives the stock back, and
 * answers ORDER_NOT_PAYABLE for an EXPIRED order, as it would after the saga.
 */
export function makeInitiatePayment(deps: {
  eventStore: EventStore;
  reservations: ReservationStore;
  clock: Clock;
  onReleaseFailed?: SettleFailed;
}) {
  return async function initiatePayment(
    orderId: string,
    actor: Actor,
    context: CommandContext,
  ): Promise<PaymentAttempt> {
    const paymentId = uuidv7();
    const { state, appended } = await runOnOrder(
      deps.eventStore,
      orderId,
      (current) => {
        checkOwner(current, orderId, actor);
        return decideOrder(
          { type: 'InitiatePayment', data: { orderId, paymentId, now: deps.clock() } },
          current,
        );
      },
      context,
    );
    await settleReservation(deps.reservations, orderId, appended, {
      releaseFailed: deps.onReleaseFailed,
    });
    if (state.status === 'NONE') throw new NotFoundError(`no order ${orderId}`, { orderId });
    const payment = state.payments[paymentId];
    if (!payment) throw orderNotPayable(state);
    return {
      paymentId,
      orderId,
      amount: payment.amount,
      currency: payment.currency,
      status: 'PENDING',
    };
  };
}
