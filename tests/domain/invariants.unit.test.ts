import type { LedgerTotals, StreamEvent } from '../../domain/inventory';
import { checkInvariants, type InvariantId } from '../../domain/invariants';

const NOW = new Date('2026-01-01T12:00:00.000Z');
const PAST = '2026-01-01T11:00:00.000Z';
const FUTURE = '2026-01-01T13:00:00.000Z';

const listed = (
  skuId: string,
  stock: number,
  perUserLimit: number | null = null,
): StreamEvent[] => [
  { streamId: `sku-${skuId}`, type: 'SkuListed', data: { skuId, perUserLimit } },
  { streamId: `sku-${skuId}`, type: 'SkuRestocked', data: { skuId, quantity: stock } },
];
const placed = (
  orderId: string,
  userId: string,
  quantity = 1,
  options: { expiresAt?: string; key?: string; skuId?: string } = {},
): StreamEvent => ({
  streamId: `order-${orderId}`,
  type: 'OrderPlaced',
  data: {
    orderId,
    userId,
    items: [{ skuId: options.skuId ?? 'S', quantity, unitPrice: 100 }],
    expiresAt: options.expiresAt ?? PAST,
  },
  metadata: options.key ? { idempotencyKey: options.key } : {},
});
const ended = (orderId: string, type: string): StreamEvent => ({
  streamId: `order-${orderId}`,
  type,
  data: { orderId },
});

/** Three units: one sold, one expired and bought again by another user, one left. */
const quietSale: StreamEvent[] = [
  ...listed('S', 3, 1),
  placed('o1', 'u1', 1, { key: 'k1' }),
  ended('o1', 'PaymentCompleted'),
  placed('o2', 'u2'),
  ended('o2', 'OrderExpired'),
  placed('o3', 'u2', 1, { expiresAt: FUTURE }),
];
const quietLedger: LedgerTotals = { stocked: 3, reserved: 3, sold: 1, released: 1 };

function held(events: StreamEvent[], extra: Parameters<typeof checkInvariants>[0] | object = {}) {
  const results = checkInvariants({ events, now: NOW, ...extra });
  return Object.fromEntries(results.map((r) => [r.id, r.held])) as Record<
    InvariantId,
    boolean | null
  >;
}
const violations = (events: StreamEvent[], id: InvariantId, extra: object = {}) =>
  checkInvariants({ events, now: NOW, ...extra }).find((r) => r.id === id)!.violations;

describe('the invariant checker', () => {
  it('When a quiet sale adds up everywhere, then all six invariants hold', () => {
    expect(
      held(quietSale, {
        hot: new Map([['S', { available: 1 }]]),
        ledgers: new Map([['S', quietLedger]]),
        readModelDifferences: [],
      }),
    ).toEqual({ 1: true, 2: true, 3: true, 4: true, 5: true, 6: true });
  });

  it('When an input is not given, then its invariant is reported as not checked, not as held', () => {
    expect(held(quietSale)).toEqual({ 1: true, 2: null, 3: true, 4: null, 5: true, 6: null });
  });

  it('When more units were reserved than stocked, even for a moment, then no-oversell is broken', () => {
    const events = [
      ...listed('S', 1),
      placed('a', 'u1'),
      placed('b', 'u2'),
      ended('b', 'OrderCancelled'),
      ended('a', 'OrderCancelled'),
    ];
    expect(held(events)[1]).toBe(false);
    expect(violations(events, 1)[0]).toContain('0 sold + 2 reserved > 1 stocked after order b');
  });

  it('When Redis shows fewer than zero units, then no-oversell is broken', () => {
    expect(held(quietSale, { hot: new Map([['S', { available: -1 }]]) })[1]).toBe(false);
  });

  it('When Redis lost units or a SKU, then conservation is broken and says by how much', () => {
    expect(violations(quietSale, 2, { hot: new Map([['S', { available: 0 }]]) })).toEqual([
      'S: stocked 3 != available 0 + reserved 1 + sold 1',
    ]);
    expect(violations(quietSale, 2, { hot: new Map([['S', null]]) })).toEqual(['S: not in Redis']);
  });

  it('When an order past its deadline has no terminal event, then invariant 3 is broken', () => {
    const events = [...listed('S', 2), placed('late', 'u1', 1, { expiresAt: PAST })];
    expect(violations(events, 3)).toEqual([
      `order late has no terminal event; its deadline was ${PAST}`,
    ]);
  });

  it('When the deadline passed only within the settle time, then a missing terminal event is not yet a breach', () => {
    const events = [
      ...listed('S', 2),
      placed('fresh', 'u1', 1, { expiresAt: '2026-01-01T11:59:59.000Z' }),
    ];
    expect(held(events, { settleMs: 5_000 })[3]).toBe(true);
    expect(held(events)[3]).toBe(false);
  });

  it('When an order has two terminal events, or one without being placed, then invariant 3 is broken', () => {
    const twice = [
      ...listed('S', 2),
      placed('o', 'u1'),
      ended('o', 'OrderExpired'),
      ended('o', 'PaymentCompleted'),
    ];
    expect(violations(twice, 3)).toEqual(['order o has OrderExpired, PaymentCompleted']);
    expect(violations([ended('ghost', 'OrderExpired')], 3)).toEqual([
      'OrderExpired for order ghost, which was never placed',
    ]);
  });

  it('When one idempotency key made two orders, or a user passed the limit, then invariant 5 is broken', () => {
    const events = [
      ...listed('S', 10, 2),
      placed('o1', 'u1', 1, { key: 'k' }),
      placed('o2', 'u1', 1, { key: 'k' }),
      placed('o3', 'u1', 1),
    ];
    expect(violations(events, 5)).toEqual([
      'idempotency key k of u1: orders o1 and o2',
      'user u1 held 3 of S, limit 2',
    ]);
  });

  it('When a user buys again after an order expired, then the limit still holds', () => {
    const events = [
      ...listed('S', 10, 1),
      placed('o1', 'u1'),
      ended('o1', 'OrderExpired'),
      placed('o2', 'u1', 1, { expiresAt: FUTURE }),
    ];
    expect(held(events)[5]).toBe(true);
  });

  it('When the ledger misses a sale, then invariant 6 is broken', () => {
    const ledgers = new Map([['S', { ...quietLedger, sold: 0 }]]);
    expect(violations(quietSale, 6, { ledgers })).toEqual([
      'S: ledger stocked 3, sold 0, pending 2; events stocked 3, sold 1, reserved 1',
    ]);
  });

  it('When the read models differ from a replay, then invariant 4 is broken with the differences', () => {
    expect(violations(quietSale, 4, { readModelDifferences: ['orders: 1 row differs'] })).toEqual([
      'orders: 1 row differs',
    ]);
  });
});
