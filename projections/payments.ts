import type { RecordedEvent } from '../commands/ports';
import { settlePayment, type Payment, type PaymentStatus } from '../domain/order';
import { field, isCount, isString, seen, sqlTime, type Projection, type Row } from './projection';

/**
 * `payments`: every attempt, with its status and the transaction that gave it, settled by the
 * Order's own rule (settlePayment): a status only moves up the ladder PENDING < FAILED <
 * REFUNDED < COMPLETED (callbacks arrive out of order; a paid order never shows its payment as
 * failed), and a refund the status does not show is kept in `refunds` (JSON: transaction ids).
 * Each row counts the events it applied (`events`), which `orders` counts too
 * (`payment_events`): an order's view is whole when the two agree.
 */
const SETTLES: Record<string, Exclude<PaymentStatus, 'PENDING'>> = {
  PaymentFailed: 'FAILED',
  PaymentCompleted: 'COMPLETED',
  PaymentRefunded: 'REFUNDED',
};

function evolve(event: RecordedEvent, rows: readonly Row[]): Row[] {
  const [row] = rows;
  if (seen(row, event)) return [...rows];
  const { data } = event;
  const revision = event.revision.toString();
  if (event.type === 'PaymentInitiated') {
    if (row) return [...rows];
    const at = sqlTime(field(data, 'initiatedAt', isString));
    return [
      {
        payment_id: field(data, 'paymentId', isString),
        order_id: field(data, 'orderId', isString),
        amount: field(data, 'amount', isCount),
        currency: field(data, 'currency', isString),
        status: 'PENDING',
        transaction_id: null,
        reason: null,
        created_at: at,
        updated_at: at,
        revision,
        events: 1,
        refunds: null,
      },
    ];
  }
  const status = SETTLES[event.type];
  if (!row || !status) return [...rows];
  const transactionId = field(data, 'transactionId', isString);
  const events = Number(row.events) + 1;
  const before: Payment = {
    paymentId: row.payment_id as string,
    amount: Number(row.amount),
    currency: row.currency as string,
    status: row.status as PaymentStatus,
    ...(row.transaction_id ? { transactionId: row.transaction_id as string } : {}),
    ...(row.refunds ? { refunds: JSON.parse(row.refunds as string) as string[] } : {}),
  };
  const after = settlePayment(before, transactionId, status);
  const refunds = after.refunds ? JSON.stringify(after.refunds) : null;
  if (after.status === before.status && after.transactionId === before.transactionId) {
    return [{ ...row, refunds, revision, events }];
  }
  const reason = (data as { reason?: unknown }).reason;
  return [
    {
      ...row,
      status: after.status,
      transaction_id: transactionId,
      reason:
        status === 'COMPLETED' ? null : typeof reason === 'string' ? reason.slice(0, 255) : null,
      refunds,
      updated_at: sqlTime(event.recordedAt),
      revision,
      events,
    },
  ];
}

/** The order events about payments: what `payments` applies and `orders` counts. */
export const PAYMENT_EVENTS: ReadonlySet<string> = new Set([
  'PaymentInitiated',
  'PaymentFailed',
  'PaymentCompleted',
  'PaymentRefunded',
]);

export const paymentsProjection: Projection = {
  name: 'payments',
  table: 'payments',
  handles: PAYMENT_EVENTS,
  groupBy: 'payment_id',
  key: ['payment_id'],
  columns: [
    'payment_id',
    'order_id',
    'amount',
    'currency',
    'status',
    'transaction_id',
    'reason',
    'created_at',
    'updated_at',
    'revision',
    'events',
    'refunds',
  ],
  group: (event) => field(event.data, 'paymentId', isString),
  evolve,
};
