import type { OrderStatus, PaymentStatus } from '../../domain/order';

/** An order as the query API shows it (docs/API.md, GET /v1/orders/:orderId). */
export type OrderView = {
  orderId: string;
  userId: string;
  status: OrderStatus;
  items: { skuId: string; quantity: number; unitPrice: number }[];
  total: number;
  currency: string;
  placedAt: string;
  expiresAt: string;
  confirmedAt?: string;
  payments: {
    paymentId: string;
    status: PaymentStatus;
    amount: number;
    currency: string;
    transactionId?: string;
    /** Refunds the status does not show: money sent back on other transactions of this attempt. */
    refunds?: { transactionId: string; amount: number; currency: string }[];
  }[];
  revision: number;
};

export type OrderPage = { userId: string; status?: OrderStatus; limit: number; before?: string };

/** The read side of orders: the projected read models, never the event store. */
export interface OrderViews {
  get(orderId: string): Promise<OrderView | null>;
  /** A user's orders, newest first, strictly older than `before` (an order id) when given. */
  listForUser(page: OrderPage): Promise<OrderView[]>;
}

/** A payment's hidden refunds, in the view's shape: absent when there are none. */
export function refundsOf(
  transactionIds: readonly string[] | undefined,
  amount: number,
  currency: string,
) {
  if (!transactionIds || transactionIds.length === 0) return {};
  return { refunds: transactionIds.map((transactionId) => ({ transactionId, amount, currency })) };
}
