import type { StreamEvent } from '../../domain/inventory';

/** A small seeded generator, so a failure can be run again. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export const SKUS = ['A', 'B', 'C'];

/** A history of listings, restocks and orders in every fate, the orders' events interleaved. */
export function history(seed: number): StreamEvent[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const sku = (skuId: string, type: string, data: object): StreamEvent => ({
    streamId: `sku-${skuId}`,
    type,
    data: { skuId, ...data },
  });
  const events: StreamEvent[] = SKUS.slice(0, 2).flatMap((id) => [
    sku(id, 'SkuListed', { name: id, price: 100, currency: 'EUR', perUserLimit: null }),
    sku(id, 'SkuRestocked', { quantity: 50 }),
  ]);
  const streams: StreamEvent[][] = [];
  for (let n = 0; n < 200; n++) {
    const orderId = `o${n}`;
    const order = (type: string, data: object = {}): StreamEvent => ({
      streamId: `order-${orderId}`,
      type,
      data: { orderId, ...data },
    });
    const items = [...new Set([pick(SKUS), pick(SKUS)])].map((skuId) => ({
      skuId,
      quantity: 1 + Math.floor(next() * 3),
      unitPrice: 100,
    }));
    const stream = [
      order('OrderPlaced', {
        userId: `u${n}`,
        items,
        total: 100,
        currency: 'EUR',
        placedAt: 't',
        expiresAt: 't',
      }),
    ];
    const paid = order('PaymentCompleted', { paymentId: 'p', transactionId: `tx${n}` });
    const fate = pick(['pending', 'paid', 'expired', 'cancelled', 'paid late', 'expired late']);
    if (fate === 'paid') stream.push(order('PaymentInitiated', { paymentId: 'p' }), paid);
    if (fate === 'expired') stream.push(order('OrderExpired'));
    if (fate === 'cancelled') stream.push(order('OrderCancelled'));
    // A payment after the expiry changes nothing (it is refunded); so does an expiry after it.
    if (fate === 'paid late') stream.push(order('OrderExpired'), paid);
    if (fate === 'expired late') stream.push(paid, order('OrderExpired'), order('OrderCancelled'));
    streams.push(stream);
  }
  // A SKU listed late, and restocks in between: orders for C before its listing still count.
  streams.push([
    sku('C', 'SkuListed', { name: 'C', price: 100, currency: 'EUR', perUserLimit: null }),
    sku('C', 'SkuRestocked', { quantity: 10 }),
    sku('C', 'SkuRestocked', { quantity: 5 }),
  ]);
  while (streams.some((s) => s.length > 0)) {
    const stream = pick(streams.filter((s) => s.length > 0));
    events.push(stream.shift()!);
  }
  return events;
}
