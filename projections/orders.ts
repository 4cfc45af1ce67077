import type { RecordedEvent } from '../commands/ports';
import { PAYMENT_EVENTS } from './payments';
import {
  field,
  isCount,
  isLines,
  isString,
  seen,
  sqlTime,
  type Projection,
  type Row,
} from './projection';

/**
 * `orders`: one row per order, its status and the times that matter. Like the Order's evolve,
 * a row leaves PENDING only from PENDING. `payment_events` counts the order's payment events up
 * to the row's revision, which `payments` rows count as they apply them (see payments.ts).
 */
function evolve(event: RecordedEvent, rows: readonly Row[]): Row[] {
  const [row] = rows;
  if (seen(row, event)) return [...rows];
  const { data } = event;
  const moved = {
    revision: event.revision.toString(),
    position: event.position.toString(),
    payment_events: Number(row?.payment_events ?? 0) + (PAYMENT_EVENTS.has(event.type) ? 1 : 0),
  };
  if (event.type === 'OrderPlaced') {
    if (row) return [...rows];
    field(data, 'items', isLines);
    return [
      {
        order_id: field(data, 'orderId', isString),
        user_id: field(data, 'userId', isString),
        status: 'PENDING',
        total: field(data, 'total', isCount),
        currency: field(data, 'currency', isString),
        placed_at: sqlTime(field(data, 'placedAt', isString)),
        expires_at: sqlTime(field(data, 'expiresAt', isString)),
        confirmed_at: null,
        closed_at: null,
        ...moved,
        payment_events: 0,
      },
    ];
  }
  if (!row) return [];
  const pending = row.status === 'PENDING';
  switch (event.type) {
    case 'PaymentCompleted':
      return pending
        ? [
            {
              ...row,
              ...moved,
              status: 'CONFIRMED',
              confirmed_at: sqlTime(field(data, 'completedAt', isString)),
            },
          ]
        : [{ ...row, ...moved }];
    case 'OrderExpired':
      return pending
        ? [
            {
              ...row,
              ...moved,
              status: 'EXPIRED',
              closed_at: sqlTime(field(data, 'expiredAt', isString)),
            },
          ]
        : [{ ...row, ...moved }];
    case 'OrderCancelled':
      return pending
        ? [
            {
              ...row,
              ...moved,
              status: 'CANCELLED',
              closed_at: sqlTime(field(data, 'cancelledAt', isString)),
            },
          ]
        : [{ ...row, ...moved }];
    default:
      // Payment attempts and refunds move the order's revision on, nothing else.
      return [{ ...row, ...moved }];
  }
}

export const ordersProjection: Projection = {
  name: 'orders',
  table: 'orders',
  handles: new Set([
    'OrderPlaced',
    'PaymentInitiated',
    'PaymentFailed',
    'PaymentCompleted',
    'PaymentRefunded',
    'OrderExpired',
    'OrderCancelled',
  ]),
  groupBy: 'order_id',
  key: ['order_id'],
  columns: [
    'order_id',
    'user_id',
    'status',
    'total',
    'currency',
    'placed_at',
    'expires_at',
    'confirmed_at',
    'closed_at',
    'revision',
    'position',
    'payment_events',
  ],
  group: (event) => field(event.data, 'orderId', isString),
  evolve,
};
