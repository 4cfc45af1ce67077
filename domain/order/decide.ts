import {
  AmountMismatchError,
  NotFoundError,
  OrderNotCancellableError,
  OrderNotPayableError,
  ValidationError,
} from '../errors';
import { assertNever } from '../event';
import type {
  CancelOrder,
  ExpireOrder,
  InitiatePayment,
  OrderCommand,
  PlaceOrder,
  RecordPaymentResult,
} from './commands';
import type { OrderEvent, OrderLine, RefundReason } from './events';
import { lookup, type OrderState, type ExistingOrder } from './state';

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

function initiatePayment({ data }: InitiatePayment, state: OrderState): OrderEvent[] {
  const order = found(state, data.orderId);
  // A retried request with the same paymentId gets the attempt it already made.
  if (lookup(order.payments, data.paymentId)) return [];
  const { orderId, status, expiresAt } = order;
  if (status !== 'PENDING') {
    throw new OrderNotPayableError(`order ${orderId} is ${status}`, { orderId, status });
  }
  if (data.now.getTime() >= Date.parse(expiresAt)) {
    throw new OrderNotPayableError(`order ${orderId} was due for payment by ${expiresAt}`, {
      orderId,
      status,
      expiresAt,
    });
  }
  const { paymentId, now } = data;
  const { total: amount, currency } = order;
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
      // Past expiresAt but not yet expired still counts: the stock is held until OrderExpired,
      // and the stream revision decides which of the two lands.
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

function cancel({ data }: CancelOrder, state: OrderState): OrderEvent[] {
  const { orderId, status } = found(state, data.orderId);
  if (status !== 'PENDING') {
    throw new OrderNotCancellableError(`order ${orderId} is ${status}`, { orderId, status });
  }
  return [{ type: 'OrderCancelled', data: { orderId, cancelledAt: data.now.toISOString() } }];
}

/** The saga may fire more than once, early, or after the order ended: all of those do nothing. */
function expire({ data }: ExpireOrder, state: OrderState): OrderEvent[] {
  if (state.status !== 'PENDING') return [];
  if (data.now.getTime() < Date.parse(state.expiresAt)) return [];
  return [
    { type: 'OrderExpired', data: { orderId: state.orderId, expiredAt: data.now.toISOString() } },
  ];
}

function found(state: OrderState, orderId: string): ExistingOrder {
  if (state.status === 'NONE') throw new NotFoundError(`no order ${orderId}`, { orderId });
  return state;
}

function invalid(field: string, rule: string, value?: unknown): never {
  throw new ValidationError(`${field} ${rule}`, value === undefined ? { field } : { field, value });
}
