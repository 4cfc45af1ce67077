import { OrderNotCancellableError, OrderNotPayableError } from '../errors';
import type { ExistingOrder } from './state';

/**
 * The refusals of an order that is not PENDING, built in one place: the decider throws them for an
 * order that had already ended, and a handler throws them after recording the expiry its command
 * found due, so both answer alike. An expired order names its deadline.
 */
export function orderNotPayable(order: ExistingOrder): OrderNotPayableError {
  return new OrderNotPayableError(notPendingMessage(order), notPendingDetails(order));
}

export function orderNotCancellable(order: ExistingOrder): OrderNotCancellableError {
  return new OrderNotCancellableError(notPendingMessage(order), notPendingDetails(order));
}

function notPendingMessage({ orderId, status, expiresAt }: ExistingOrder): string {
  return status === 'EXPIRED'
    ? `order ${orderId} expired at ${expiresAt}`
    : `order ${orderId} is ${status}`;
}

function notPendingDetails({ orderId, status, expiresAt }: ExistingOrder) {
  return status === 'EXPIRED' ? { orderId, status, expiresAt } : { orderId, status };
}
