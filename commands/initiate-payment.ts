import { v7 as uuidv7 } from 'uuid';
import { NotFoundError } from '../domain/errors';
import { decideOrder, type OrderState } from '../domain/order';
import type { Clock, CommandContext } from './context';
import { runOnOrder } from './order-stream';
import type { EventStore } from './ports';

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

export function makeInitiatePayment(deps: { eventStore: EventStore; clock: Clock }) {
  return async function initiatePayment(
    orderId: string,
    actor: Actor,
    context: CommandContext,
  ): Promise<PaymentAttempt> {
    const paymentId = uuidv7();
    const { state } = await runOnOrder(
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
    if (state.status === 'NONE') throw new NotFoundError(`no order ${orderId}`, { orderId });
    const payment = state.payments[paymentId]!;
    return {
      paymentId,
      orderId,
      amount: payment.amount,
      currency: payment.currency,
      status: 'PENDING',
    };
  };
}
