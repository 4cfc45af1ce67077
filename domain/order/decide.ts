import { AmountMismatchError, NotFoundError, ValidationError } from '../errors';
import { assertNever } from '../event';
import type {
  CancelOrder,
  ExpireOrder,
  InitiatePayment,
  OrderCommand,
  PlaceOrder,
  RecordPaymentResult,
} from './commands';
import type { OrderEvent, OrderExpired, OrderLine, RefundReason } from './events';
import { evolveOrder } from './evolve';
import { orderNotCancellable, orderNotPayable } from './refusals';
import { lookup, type ExistingOrder, type OrderState, type Payment } from './state';

export function decideOrder(command: OrderCommand, state: OrderState): OrderEvent[] {
  switch (command.type) {
    case 'PlaceOrder':
      return place(command, state);
    case 'InitiatePayment':
      return initiatePayment(command, state);
    case 'RecordPaymentResult':
      return recordPaymentResult(command, state);
    case 'CancelOrder':
      return cancel(command, state);
    case 'ExpireOrder':
      return expire(command, state);
    case 'AbandonPlacement':
      // Only a stream with no order in it can be claimed; an order that exists is left alone.
      return state.status === 'NONE'
        ? [
            {
              type: 'OrderAbandoned',
              data: { orderId: command.data.orderId, abandonedAt: command.data.now.toISOString() },
            },
          ]
        : [];
    default:
      return assertNever(command);
  }
}

function place({ data }: PlaceOrder, state: OrderState): OrderEvent[] {
  if (state.status !== 'NONE') {
    throw new ValidationError(`order ${state.orderId} exists`, {
      orderId: state.orderId,
      status: state.status,
    });
  }
  const { orderId, userId, currency, now, ttlSeconds } = data;
  if (typeof orderId !== 'string' || orderId.length === 0) invalid('orderId', 'must not be empty');
  if (typeof userId !== 'string' || userId.length === 0) invalid('userId', 'must not be empty');
  // The SKUs' currency, checked against ISO 4217 when they were listed: only its shape here, so
  // that a SKU listed before that check can still be ordered.
  if (!/^[A-Z]{3}$/.test(currency)) invalid('currency', 'must be an ISO 4217 code', currency);
  const { items, total } = priceLines(data.items);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) {
    invalid('ttlSeconds', 'must be an integer >= 1', ttlSeconds);
  }
  const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
  if (Number.isNaN(expiresAt.getTime())) invalid('ttlSeconds', 'puts the deadline out of range');
  return [
    {
      type: 'OrderPlaced',
      data: {
        orderId,
        userId,
        items,
        total,
        currency,
        placedAt: now.toISOString(),
        expiresAt: expiresAt.toISOString(),
      },
    },
  ];
}

/** The lines are copied, so the event holds exactly the three fields and nothing the caller shares. */
function priceLines(lines: readonly OrderLine[]): { items: OrderLine[]; total: number } {
  if (!Array.isArray(lines) || lines.length < 1 || lines.length > 20) {
    invalid('items', 'must have 1-20 lines', Array.isArray(lines) ? lines.length : lines);
  }
  const seen = new Set<string>();
  let total = 0;
  const items = lines.map(({ skuId, quantity, unitPrice }, i) => {
    if (typeof skuId !== 'string' || skuId.length === 0) {
      invalid(`items[${i}].skuId`, 'must not be empty');
    }
    if (seen.has(skuId)) invalid(`items[${i}].skuId`, 'appears twice', skuId);
    seen.add(skuId);
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > 100) {
      invalid(`items[${i}].quantity`, 'must be an integer 1-100', quantity);
    }
    if (!Number.isSafeInteger(unitPrice) || unitPrice < 1) {
      invalid(`items[${i}].unitPrice`, 'must be an integer > 0 in minor units', unitPrice);
    }
    // Checked at every step: while each sum is a safe integer it is exact.
    total += quantity * unitPrice;
    if (!Number.isSafeInteger(total)) invalid('items', 'total is too large to be exact', total);
    return { skuId, quantity, unitPrice };
  });
  return { items, total };
}

/**
 * A PENDING order past its deadline is refused: the expiry is what the command records, and the
 * handler answers ORDER_NOT_PAYABLE (orderNotPayable) once it is recorded.
 */
function initiatePayment({ data }: InitiatePayment, state: OrderState): OrderEvent[] {
  const order = found(state, data.orderId);
  // A retried request with the same paymentId gets the attempt it already made.
  if (lookup(order.payments, data.paymentId)) return [];
  const expired = dueExpiry(order, data.now);
  if (expired) return [expired];
  if (order.status !== 'PENDING') throw orderNotPayable(order);
  const { orderId, total: amount, currency } = order;
  const { paymentId, now } = data;
  const initiatedAt = now.toISOString();
  return [
    { type: 'PaymentInitiated', data: { orderId, paymentId, amount, currency, initiatedAt } },
  ];
}

function recordPaymentResult({ data }: RecordPaymentResult, state: OrderState): OrderEvent[] {
  const order = found(state, data.orderId);
  const { orderId } = order;
  const { paymentId, transactionId } = data;
  const payment = lookup(order.payments, paymentId);
  if (!payment) {
    throw new NotFoundError(`order ${orderId} has no payment ${paymentId}`, { orderId, paymentId });
  }
  const known = lookup(order.transactions, transactionId);
  if (known) {
    // A redelivery: the handler answers with transactionOutcome. The same transaction for
    // another attempt is not one: its answer would tell of an attempt the provider did not name.
    if (known.paymentId === paymentId) return [];
    throw new ValidationError(
      `transaction ${transactionId} already settled payment ${known.paymentId}, not ${paymentId}`,
      { transactionId, paymentId, settled: known.paymentId },
    );
  }
  const { amount, currency } = payment;
  if (data.amount !== amount || data.currency !== currency) {
    throw new AmountMismatchError(`the callback does not match payment ${paymentId}`, {
      paymentId,
      expected: { amount, currency },
      received: { amount: data.amount, currency: data.currency },
    });
  }
  // The result lands on the order as the deadline left it: past expiresAt it is expired first, in
  // the same append, so a success is refunded and stock is never taken after the deadline.
  const expired = dueExpiry(order, data.now);
  const current = expired ? found(evolveOrder(order, expired), orderId) : order;
  return [...(expired ? [expired] : []), ...applyResult(data, payment, current)];
}

function applyResult(
  data: RecordPaymentResult['data'],
  { amount, currency }: Payment,
  order: ExistingOrder,
): OrderEvent[] {
  const { orderId } = order;
  const { paymentId, transactionId } = data;
  const at = data.now.toISOString();
  switch (data.status) {
    case 'FAILED': {
      const reason = data.reason ?? null;
      return [
        {
          type: 'PaymentFailed',
          data: { orderId, paymentId, transactionId, reason, failedAt: at },
        },
      ];
    }
    case 'SUCCEEDED': {
      // PENDING here means before expiresAt: an order past it was expired above.
      if (order.status === 'PENDING') {
        const completed = { orderId, paymentId, transactionId, amount, currency, completedAt: at };
        return [{ type: 'PaymentCompleted', data: completed }];
      }
      const reason = refundReason(order);
      const refunded = { orderId, paymentId, transactionId, amount, currency, reason };
      return [{ type: 'PaymentRefunded', data: { ...refunded, refundedAt: at } }];
    }
    default:
      return assertNever(data.status);
  }
}

/** Money taken for an order that can no longer take it goes back; stock is never taken again. */
function refundReason(order: Exclude<ExistingOrder, { status: 'PENDING' }>): RefundReason {
  switch (order.status) {
    case 'CONFIRMED':
      return 'ALREADY_PAID';
    case 'EXPIRED':
      return 'ORDER_EXPIRED';
    case 'CANCELLED':
      return 'ORDER_CANCELLED';
    default:
      return assertNever(order);
  }
}

/** Past its deadline a PENDING order expires instead; the handler then answers the refusal. */
function cancel({ data }: CancelOrder, state: OrderState): OrderEvent[] {
  const order = found(state, data.orderId);
  const expired = dueExpiry(order, data.now);
  if (expired) return [expired];
  if (order.status !== 'PENDING') throw orderNotCancellable(order);
  const { orderId } = order;
  return [{ type: 'OrderCancelled', data: { orderId, cancelledAt: data.now.toISOString() } }];
}

/** The saga may fire more than once, early, or after the order ended: all of those do nothing. */
function expire({ data }: ExpireOrder, state: OrderState): OrderEvent[] {
  const expired = state.status === 'NONE' ? null : dueExpiry(state, data.now);
  return expired ? [expired] : [];
}

/**
 * The deadline decides, not the saga's timing: a PENDING order at or past expiresAt is expired by
 * whichever command reaches it first (the saga's ExpireOrder or a customer's or the provider's),
 * as the first event of that command's append. What a command answers thus depends only on its
 * own time and expiresAt, never on whether the saga's timer has fired yet.
 */
function dueExpiry(order: ExistingOrder, now: Date): OrderExpired | null {
  if (order.status !== 'PENDING' || now.getTime() < Date.parse(order.expiresAt)) return null;
  return { type: 'OrderExpired', data: { orderId: order.orderId, expiredAt: now.toISOString() } };
}

function found(state: OrderState, orderId: string): ExistingOrder {
  if (state.status === 'NONE') throw new NotFoundError(`no order ${orderId}`, { orderId });
  return state;
}

function invalid(field: string, rule: string, value?: unknown): never {
  throw new ValidationError(`${field} ${rule}`, value === undefined ? { field } : { field, value });
}
