import type { RecordedEvent } from '../../commands/ports';
import {
  inventoryAuditProjection,
  orderItemsProjection,
  ordersProjection,
  paymentsProjection,
} from '../../projections';
import { projectedRows } from '../support/projected-rows';

const T = '2026-11-23T10:00:00.000Z';
const orderId = '0192f0c4-7a7e-7000-8000-0000000000aa';
let position = 100n;
const event = (type: string, revision: number, data: Record<string, unknown>): RecordedEvent => ({
  id: `e-${revision}-${type}`,
  streamId: `order-${orderId}`,
  type,
  revision: BigInt(revision),
  position: (position += 1n),
  data: { orderId, ...data },
  metadata: {},
  recordedAt: new Date(T),
});
const placed = () =>
  event('OrderPlaced', 0, {
    userId: 'u1',
    items: [
      { skuId: 'A', quantity: 2, unitPrice: 500 },
      { skuId: 'B', quantity: 1, unitPrice: 700 },
    ],
    total: 1700,
    currency: 'EUR',
    placedAt: T,
    expiresAt: '2026-11-23T10:15:00.000Z',
  });
const initiated = (paymentId: string, revision: number) =>
  event('PaymentInitiated', revision, { paymentId, amount: 1700, currency: 'EUR', initiatedAt: T });
const completed = (paymentId: string, revision: number, tx = 'tx-1') =>
  event('PaymentCompleted', revision, {
    paymentId,
    transactionId: tx,
    amount: 1700,
    currency: 'EUR',
    completedAt: T,
  });
const failed = (paymentId: string, revision: number) =>
  event('PaymentFailed', revision, {
    paymentId,
    transactionId: 'tx-f',
    reason: 'declined',
    failedAt: T,
  });

/** given(events).then(rows), folding each event through the projection as the writer does. */
const given = projectedRows;

describe('read-model rows', () => {
  it('When an order is placed and paid, then its row is CONFIRMED with the time and the last revision', () => {
    expect(given(ordersProjection, [placed(), initiated('p1', 1), completed('p1', 2)])).toEqual([
      expect.objectContaining({
        order_id: orderId,
        status: 'CONFIRMED',
        total: 1700,
        placed_at: '2026-11-23 10:00:00.000',
        confirmed_at: '2026-11-23 10:00:00.000',
        revision: '2',
      }),
    ]);
  });

  it('When events come again or late, then the rows do not change', () => {
    const events = [placed(), initiated('p1', 1), completed('p1', 2)];
    const once = given(ordersProjection, events);
    expect(given(ordersProjection, [...events, ...events])).toEqual(once);
    const expired = event('OrderExpired', 3, { expiredAt: T });
    expect(given(ordersProjection, [...events, expired])[0]!.status).toBe('CONFIRMED');
  });

  it('When a payment fails and a later success arrives, and then the failure again, then it stays COMPLETED', () => {
    const rows = given(paymentsProjection, [
      initiated('p1', 1),
      completed('p1', 3),
      { ...failed('p1', 2), revision: 4n },
    ]);
    expect(rows).toEqual([
      expect.objectContaining({ payment_id: 'p1', status: 'COMPLETED', transaction_id: 'tx-1' }),
    ]);
  });

  it('When an order is placed, then its lines keep the price it was sold at', () => {
    expect(given(orderItemsProjection, [placed()])).toEqual([
      {
        order_id: orderId,
        sku_id: 'A',
        quantity: 2,
        unit_price: 500,
        currency: 'EUR',
        revision: '0',
      },
      {
        order_id: orderId,
        sku_id: 'B',
        quantity: 1,
        unit_price: 700,
        currency: 'EUR',
        revision: '0',
      },
    ]);
  });

  it('When an order is reserved, then paid, then cancelled, then the ledger holds RESERVE and SELL once', () => {
    const rows = given(inventoryAuditProjection, [
      placed(),
      completed('p1', 2),
      event('OrderCancelled', 3, { cancelledAt: T }),
      completed('p1', 2),
    ]);
    expect(rows.map((r) => [r.sku_id, r.reason, r.delta])).toEqual([
      ['A', 'RESERVE', -2],
      ['B', 'RESERVE', -1],
      ['A', 'SELL', -2],
      ['B', 'SELL', -1],
    ]);
  });

  it('When an order expires, then its units are released', () => {
    const rows = given(inventoryAuditProjection, [
      placed(),
      event('OrderExpired', 1, { expiredAt: T }),
    ]);
    expect(rows.filter((r) => r.reason === 'RELEASE').map((r) => [r.sku_id, r.delta])).toEqual([
      ['A', 2],
      ['B', 1],
    ]);
  });

  it('When an event lacks what a row needs, then it throws (the writer dead-letters it)', () => {
    expect(() => given(ordersProjection, [event('OrderPlaced', 0, { items: 'none' })])).toThrow(
      /items/,
    );
  });
});
