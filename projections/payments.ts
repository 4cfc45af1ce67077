import type { RecordedEvent } from '../commands/ports';
import { field, isCount, isString, seen, sqlTime, type Projection, type Row } from './projection';

/**
 * `payments`: every attempt, with its status and the transaction that gave it. Like the Order's
 * evolve, a status only moves up the ladder PENDING < FAILED < REFUNDED < COMPLETED (callbacks
 * arrive out of order; a paid order never shows its payment as failed). Each row counts the
 * events it applied (`events`), which `orders` counts too (`payment_events`): an order's view is
 * whole when the two agree.
 */
const RANK: Record<string, number> = { PENDING: 0, FAILED: 1, REFUNDED: 2, COMPLETED: 3 };
const SETTLES: Record<string, string> = {
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
      },
    ];
  }
  const status = SETTLES[event.type];
  if (!row || !status) return [...rows];
  const transactionId = field(data, 'transactionId', isString);
  const events = Number(row.events) + 1;
  if (RANK[status]! < RANK[row.status as string]!) return [{ ...row, revision, events }];
  const reason = (data as { reason?: unknown }).reason;
  return [
    {
      ...row,
      status,
      transaction_id: transactionId,
      reason:
        status === 'COMPLETED' ? null : typeof reason === 'string' ? reason.slice(0, 255) : null,
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
  ],
  group: (event) => field(event.data, 'paymentId', isString),
  evolve,
};
