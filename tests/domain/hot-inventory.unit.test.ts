import { availableOf, foldHotInventory, type StreamEvent } from '../../domain/inventory';

const listed = (
  skuId: string,
  stock: number,
  perUserLimit: number | null = null,
): StreamEvent[] => [
  {
    streamId: `sku-${skuId}`,
    type: 'SkuListed',
    data: { skuId, name: skuId, price: 100, currency: 'EUR', perUserLimit, listedAt: 't' },
  },
  {
    streamId: `sku-${skuId}`,
    type: 'SkuRestocked',
    data: { skuId, quantity: stock, restockedAt: 't' },
  },
];
const placed = (orderId: string, userId: string, lines: [string, number][]): StreamEvent => ({
  streamId: `order-${orderId}`,
  type: 'OrderPlaced',
  data: {
    orderId,
    userId,
    items: lines.map(([skuId, quantity]) => ({ skuId, quantity, unitPrice: 100 })),
    total: 100,
    currency: 'EUR',
    placedAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2026-01-01T00:15:00.000Z',
  },
});
const paid = (orderId: string): StreamEvent[] => [
  {
    streamId: `order-${orderId}`,
    type: 'PaymentInitiated',
    data: { orderId, paymentId: `p-${orderId}`, amount: 100, currency: 'EUR', initiatedAt: 't' },
  },
  {
    streamId: `order-${orderId}`,
    type: 'PaymentCompleted',
    data: {
      orderId,
      paymentId: `p-${orderId}`,
      transactionId: `tx-${orderId}`,
      amount: 100,
      currency: 'EUR',
      completedAt: 't',
    },
  },
];
const ended = (orderId: string, type: 'OrderExpired' | 'OrderCancelled'): StreamEvent => ({
  streamId: `order-${orderId}`,
  type,
  data: { orderId, expiredAt: 't', cancelledAt: 't' },
});

describe('the hot inventory folded from events', () => {
  it('When orders are pending, paid, expired and cancelled, then reserved, sold, holdings and reservations follow', () => {
    const { skus, reservations } = foldHotInventory([
      ...listed('A', 10, 3),
      ...listed('B', 5),
      {
        streamId: 'sku-A',
        type: 'SkuRestocked',
        data: { skuId: 'A', quantity: 4, restockedAt: 't' },
      },
      placed('o1', 'u1', [
        ['A', 2],
        ['B', 1],
      ]),
      placed('o2', 'u2', [['A', 1]]),
      ...paid('o2'),
      placed('o3', 'u1', [['A', 1]]),
      ended('o3', 'OrderExpired'),
      placed('o4', 'u3', [['B', 2]]),
      ended('o4', 'OrderCancelled'),
    ]);
    const a = skus.get('A')!;
    expect([a.stocked, a.reserved, a.sold, availableOf(a), a.revision]).toEqual([14, 2, 1, 11, 2]);
    expect(Object.fromEntries(a.held)).toEqual({ u1: 2, u2: 1 });
    expect(a.perUserLimit).toBe(3);
    const b = skus.get('B')!;
    expect([b.stocked, b.reserved, b.sold, availableOf(b)]).toEqual([5, 1, 0, 4]);
    expect(Object.fromEntries(b.held)).toEqual({ u1: 1 });
    expect(reservations.map((r) => r.orderId)).toEqual(['o1']);
    expect(reservations[0]).toMatchObject({
      userId: 'u1',
      currency: 'EUR',
      deadline: '2026-01-01T00:15:00.000Z',
      lines: [
        { skuId: 'A', quantity: 2, unitPrice: 100 },
        { skuId: 'B', quantity: 1, unitPrice: 100 },
      ],
    });
  });

  it('When a success comes after expiry, then the units are not counted as sold', () => {
    const { skus } = foldHotInventory([
      ...listed('A', 3),
      placed('o1', 'u1', [['A', 1]]),
      ended('o1', 'OrderExpired'),
      ...paid('o1'),
    ]);
    expect(availableOf(skus.get('A')!)).toBe(3);
  });

  it('When there are no events, or only streams it does not know, then it holds nothing', () => {
    expect(foldHotInventory([{ streamId: 'other-1', type: 'X', data: {} }])).toEqual({
      skus: new Map(),
      reservations: [],
      idempotencyKeys: [],
    });
  });
});
