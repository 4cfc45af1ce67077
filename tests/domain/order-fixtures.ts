import type {
  OrderCancelled,
  OrderCommand,
  OrderExpired,
  OrderLine,
  OrderPlaced,
  PaymentCompleted,
  PaymentFailed,
  PaymentInitiated,
  PaymentRefunded,
  PlaceOrder,
  RecordPaymentResult,
} from '../../domain/order';

/** One order's story, told at times given in seconds after it was placed. */
export const ORDER_ID = '0195a0b0-0000-7000-8000-000000000001';
export const USER_ID = 'user-1';
export const PLACED_AT = new Date('2025-03-01T10:00:00.000Z');
export const TTL_SECONDS = 900;
export const EXPIRES_AT = '2025-03-01T10:15:00.000Z';
export const LINES: OrderLine[] = [
  { skuId: 'SKU-A', quantity: 2, unitPrice: 1999 },
  { skuId: 'SKU-B', quantity: 1, unitPrice: 500 },
];
export const TOTAL = 4498;

export const at = (seconds: number) => new Date(PLACED_AT.getTime() + seconds * 1000);
export const iso = (seconds: number) => at(seconds).toISOString();

export const placeOrder = (overrides: Partial<PlaceOrder['data']> = {}): OrderCommand => ({
  type: 'PlaceOrder',
  data: {
    orderId: ORDER_ID,
    userId: USER_ID,
    items: LINES,
    currency: 'EUR',
    now: PLACED_AT,
    ttlSeconds: TTL_SECONDS,
    ...overrides,
  },
});
export const initiatePayment = (paymentId: string, seconds = 10): OrderCommand => ({
  type: 'InitiatePayment',
  data: { orderId: ORDER_ID, paymentId, now: at(seconds) },
});
export const paymentResult = (
  paymentId: string,
  transactionId: string,
  status: 'SUCCEEDED' | 'FAILED',
  overrides: Partial<RecordPaymentResult['data']> = {},
  seconds = 20,
): OrderCommand => ({
  type: 'RecordPaymentResult',
  data: {
    orderId: ORDER_ID,
    paymentId,
    transactionId,
    status,
    amount: TOTAL,
    currency: 'EUR',
    now: at(seconds),
    ...overrides,
  },
});
export const cancelOrder = (seconds = 30): OrderCommand => ({
  type: 'CancelOrder',
  data: { orderId: ORDER_ID, now: at(seconds) },
});
export const expireOrder = (seconds: number): OrderCommand => ({
  type: 'ExpireOrder',
  data: { orderId: ORDER_ID, now: at(seconds) },
});

export const orderPlaced: OrderPlaced = {
  type: 'OrderPlaced',
  data: {
    orderId: ORDER_ID,
    userId: USER_ID,
    items: LINES,
    total: TOTAL,
    currency: 'EUR',
    placedAt: PLACED_AT.toISOString(),
    expiresAt: EXPIRES_AT,
  },
};
export const paymentInitiated = (paymentId: string, seconds = 10): PaymentInitiated => ({
  type: 'PaymentInitiated',
  data: { orderId: ORDER_ID, paymentId, amount: TOTAL, currency: 'EUR', initiatedAt: iso(seconds) },
});
export const paymentCompleted = (
  paymentId: string,
  transactionId: string,
  seconds = 20,
): PaymentCompleted => ({
  type: 'PaymentCompleted',
  data: {
    orderId: ORDER_ID,
    paymentId,
    transactionId,
    amount: TOTAL,
    currency: 'EUR',
    completedAt: iso(seconds),
  },
});
export const paymentFailed = (
  paymentId: string,
  transactionId: string,
  reason: string | null = 'card declined',
  seconds = 20,
): PaymentFailed => ({
  type: 'PaymentFailed',
  data: { orderId: ORDER_ID, paymentId, transactionId, reason, failedAt: iso(seconds) },
});
export const paymentRefunded = (
  paymentId: string,
  transactionId: string,
  reason: PaymentRefunded['data']['reason'],
  seconds = 20,
): PaymentRefunded => ({
  type: 'PaymentRefunded',
  data: {
    orderId: ORDER_ID,
    paymentId,
    transactionId,
    amount: TOTAL,
    currency: 'EUR',
    reason,
    refundedAt: iso(seconds),
  },
});
export const orderExpired = (seconds = TTL_SECONDS): OrderExpired => ({
  type: 'OrderExpired',
  data: { orderId: ORDER_ID, expiredAt: iso(seconds) },
});
export const orderCancelled = (seconds = 30): OrderCancelled => ({
  type: 'OrderCancelled',
  data: { orderId: ORDER_ID, cancelledAt: iso(seconds) },
});
