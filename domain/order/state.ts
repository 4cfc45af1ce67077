import type { OrderLine, OrderStatus, PaymentStatus } from './events';

/** One payment attempt. `transactionId` is the provider transaction that gave it its status. */
export type Payment = {
  paymentId: string;
  amount: number;
  currency: string;
  status: PaymentStatus;
  transactionId?: string;
  /**
   * Refunded transactions of this attempt that do not give it its status: a second success on a
   * paid attempt, or an earlier refund that a later one replaced. Money that went back all the same.
   */
  refunds?: string[];
};

/** What one provider transaction did, kept so that a redelivered callback gets the same answer. */
export type TransactionOutcome = {
  paymentId: string;
  orderStatus: OrderStatus;
  paymentStatus: PaymentStatus;
};

type Placed = {
  orderId: string;
  userId: string;
  items: OrderLine[];
  total: number;
  currency: string;
  placedAt: string;
  expiresAt: string;
  /** By paymentId. */
  payments: Record<string, Payment>;
  /** By the provider's transactionId. */
  transactions: Record<string, TransactionOutcome>;
};

export type NoOrder = { status: 'NONE' };
export type PendingOrder = Placed & { status: 'PENDING' };
export type ConfirmedOrder = Placed & { status: 'CONFIRMED'; confirmedAt: string };
export type ExpiredOrder = Placed & { status: 'EXPIRED'; expiredAt: string };
export type CancelledOrder = Placed & { status: 'CANCELLED'; cancelledAt: string };

/** Plain JSON data, so it can be cached or logged as it is. */
export type OrderState = NoOrder | PendingOrder | ConfirmedOrder | ExpiredOrder | CancelledOrder;
export type ExistingOrder = Exclude<OrderState, NoOrder>;

export const initialOrderState: OrderState = { status: 'NONE' };

/**
 * Ids come from outside (the provider picks transaction ids), so a lookup must not find what a
 * plain object inherits: `payments['constructor']` is not a payment.
 */
export function lookup<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
