import type { Command } from '../event';
import type { OrderLine } from './events';

/** Lines come priced: the reservation read the prices atomically with the stock. */
export type PlaceOrder = Command<
  'PlaceOrder',
  {
    orderId: string;
    userId: string;
    items: OrderLine[];
    currency: string;
    now: Date;
    ttlSeconds: number;
  }
>;
export type InitiatePayment = Command<
  'InitiatePayment',
  { orderId: string; paymentId: string; now: Date }
>;
/** The payment provider's signed callback, once verified. */
export type RecordPaymentResult = Command<
  'RecordPaymentResult',
  {
    orderId: string;
    paymentId: string;
    transactionId: string;
    status: 'SUCCEEDED' | 'FAILED';
    amount: number;
    currency: string;
    reason?: string;
    now: Date;
  }
>;
export type CancelOrder = Command<'CancelOrder', { orderId: string; now: Date }>;
export type ExpireOrder = Command<'ExpireOrder', { orderId: string; now: Date }>;
/** The sweeper: a reservation whose order was never recorded (the process died in between). */
export type AbandonPlacement = Command<'AbandonPlacement', { orderId: string; now: Date }>;

export type OrderCommand =
  PlaceOrder | InitiatePayment | RecordPaymentResult | CancelOrder | ExpireOrder | AbandonPlacement;
