import type { Event } from '../event';

/** Money is an integer in minor units; times are ISO 8601 UTC strings. */
export type OrderLine = { skuId: string; quantity: number; unitPrice: number };

export type PaymentStatus = 'PENDING' | 'COMPLETED' | 'FAILED' | 'REFUNDED';
export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'EXPIRED' | 'CANCELLED';
export type RefundReason = 'ORDER_EXPIRED' | 'ORDER_CANCELLED' | 'ALREADY_PAID';

export type OrderPlaced = Event<
  'OrderPlaced',
  {
    orderId: string;
    userId: string;
    items: OrderLine[];
    total: number;
    currency: string;
    placedAt: string;
    expiresAt: string;
  }
>;
export type PaymentInitiated = Event<
  'PaymentInitiated',
  { orderId: string; paymentId: string; amount: number; currency: string; initiatedAt: string }
>;
export type PaymentFailed = Event<
  'PaymentFailed',
  {
    orderId: string;
    paymentId: string;
    transactionId: string;
    reason: string | null;
    failedAt: string;
  }
>;
export type PaymentCompleted = Event<
  'PaymentCompleted',
  {
    orderId: string;
    paymentId: string;
    transactionId: string;
    amount: number;
    currency: string;
    completedAt: string;
  }
>;
export type OrderExpired = Event<'OrderExpired', { orderId: string; expiredAt: string }>;
export type OrderCancelled = Event<'OrderCancelled', { orderId: string; cancelledAt: string }>;
/**
 * The stream of an order that was reserved but never recorded, claimed by the sweeper before it
 * gives the stock back: a placement that was only slow now fails its "no stream" append instead of
 * recording an order whose stock is gone. The order never existed for anyone.
 */
export type OrderAbandoned = Event<'OrderAbandoned', { orderId: string; abandonedAt: string }>;
/** Money taken for an order that cannot have it (expired, cancelled, or already paid) goes back. */
export type PaymentRefunded = Event<
  'PaymentRefunded',
  {
    orderId: string;
    paymentId: string;
    transactionId: string;
    amount: number;
    currency: string;
    reason: RefundReason;
    refundedAt: string;
  }
>;

export type OrderEvent =
  | OrderPlaced
  | PaymentInitiated
  | PaymentFailed
  | PaymentCompleted
  | OrderExpired
  | OrderCancelled
  | OrderAbandoned
  | PaymentRefunded;

export const orderStreamId = (orderId: string) => `order-${orderId}`;
