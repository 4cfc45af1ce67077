import { assertNever } from '../event';
import type { OrderEvent, PaymentStatus } from './events';
import { initialOrderState, lookup, type OrderState, type Payment } from './state';

/**
 * Events are facts, so evolve never throws. One the decider would never have produced (a payment
 * before the order, a second ending) leaves the order's status as it is.
 */
export function evolveOrder(state: OrderState, event: OrderEvent): OrderState {
  switch (event.type) {
    case 'OrderPlaced': {
      if (state.status !== 'NONE') return state;
      const { orderId, userId, items, total, currency, placedAt, expiresAt } = event.data;
      return {
        status: 'PENDING',
        orderId,
        userId,
        items: items.map(({ skuId, quantity, unitPrice }) => ({ skuId, quantity, unitPrice })),
        total,
        currency,
        placedAt,
        expiresAt,
        payments: {},
        transactions: {},
      };
    }
    case 'PaymentInitiated': {
      if (state.status === 'NONE') return state;
      const { paymentId, amount, currency } = event.data;
      const payment = { paymentId, amount, currency, status: 'PENDING' as const };
      return { ...state, payments: { ...state.payments, [paymentId]: payment } };
    }
    case 'PaymentCompleted': {
      const confirmed: OrderState =
        state.status === 'PENDING'
          ? { ...state, status: 'CONFIRMED', confirmedAt: event.data.completedAt }
          : state;
      return settle(confirmed, event.data, 'COMPLETED');
    }
    case 'PaymentFailed':
      return settle(state, event.data, 'FAILED');
    case 'PaymentRefunded':
      return settle(state, event.data, 'REFUNDED');
    case 'OrderExpired':
      if (state.status !== 'PENDING') return state;
      return { ...state, status: 'EXPIRED', expiredAt: event.data.expiredAt };
    case 'OrderAbandoned':
      return state;
    case 'OrderCancelled':
      if (state.status !== 'PENDING') return state;
      return { ...state, status: 'CANCELLED', cancelledAt: event.data.cancelledAt };
    default:
      return assertNever(event);
  }
}

export function foldOrder(events: readonly OrderEvent[]): OrderState {
  return events.reduce<OrderState>((state, event) => evolveOrder(state, event), initialOrderState);
}

/**
 * Callbacks can arrive out of order: an earlier attempt's failure may land after the success. A
 * payment's status therefore only moves up this ladder, so a paid order never shows its payment
 * as failed; the transaction's own outcome still says what that transaction did.
 */
const rank: Record<PaymentStatus, number> = { PENDING: 0, FAILED: 1, REFUNDED: 2, COMPLETED: 3 };

/** The attempt after one of its transactions; a refund it does not show stays in `refunds`. */
export function settlePayment(
  payment: Payment,
  transactionId: string,
  effect: Exclude<PaymentStatus, 'PENDING'>,
): Payment {
  const moves = rank[effect] >= rank[payment.status];
  // The refund the status will not show: this one, when the status stays; or the one it replaces.
  let hidden: string | undefined;
  if (!moves && effect === 'REFUNDED') hidden = transactionId;
  if (moves && payment.status === 'REFUNDED' && payment.transactionId !== transactionId) {
    hidden = payment.transactionId;
  }
  const next = moves ? { ...payment, status: effect, transactionId } : payment;
  return hidden ? { ...next, refunds: [...(payment.refunds ?? []), hidden] } : next;
}

function settle(
  state: OrderState,
  { paymentId, transactionId }: { paymentId: string; transactionId: string },
  effect: Exclude<PaymentStatus, 'PENDING'>,
): OrderState {
  if (state.status === 'NONE') return state;
  const payment = lookup(state.payments, paymentId);
  const payments = payment
    ? { ...state.payments, [paymentId]: settlePayment(payment, transactionId, effect) }
    : state.payments;
  const outcome = { paymentId, orderStatus: state.status, paymentStatus: effect };
  return { ...state, payments, transactions: { ...state.transactions, [transactionId]: outcome } };
}
