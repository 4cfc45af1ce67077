import type { OrderLine } from '../order/events';
import { evolveSku, initialSkuState, type SkuEvent, type SkuState } from '../sku';
import type { StreamEvent } from './hot-inventory';

/** One listed SKU's units as the event store tells them: what an audit reconciles. */
export type SkuAccount = { stocked: number; reserved: number; sold: number };

const ORDER_PREFIX = 'order-';
const SKU_PREFIX = 'sku-';

/**
 * The units of every SKU, fed one event at a time and kept small, for a fold that lives as long
 * as its process: per SKU its state and two counters, per order its lines only while it is
 * PENDING. An order's units move once: to sold when it is paid, back when it expires or is
 * cancelled. For the histories the event store holds (an order stream begins with its one
 * OrderPlaced), its accounts are those of `hotInventoryFold`, which keeps every order.
 */
export function skuAccountsFold() {
  const skus = new Map<string, SkuState>();
  const counts = new Map<string, { reserved: number; sold: number }>();
  const pending = new Map<string, readonly OrderLine[]>();

  const move = (lines: readonly OrderLine[], reserved: 1 | -1, sold: 0 | 1) => {
    for (const { skuId, quantity } of lines) {
      const count = counts.get(skuId) ?? { reserved: 0, sold: 0 };
      count.reserved += reserved * quantity;
      count.sold += sold * quantity;
      counts.set(skuId, count);
    }
  };

  function add(event: StreamEvent): void {
    if (event.streamId.startsWith(SKU_PREFIX)) {
      const id = event.streamId.slice(SKU_PREFIX.length);
      skus.set(id, evolveSku(skus.get(id) ?? initialSkuState, event as SkuEvent));
      return;
    }
    if (!event.streamId.startsWith(ORDER_PREFIX)) return;
    const orderId = event.streamId.slice(ORDER_PREFIX.length);
    if (event.type === 'OrderPlaced') {
      if (pending.has(orderId)) return;
      const { items } = event.data as { items: readonly OrderLine[] };
      pending.set(orderId, items);
      move(items, 1, 0);
      return;
    }
    const sold = event.type === 'PaymentCompleted';
    if (!sold && !ENDS.has(event.type)) return;
    const lines = pending.get(orderId);
    if (!lines) return;
    pending.delete(orderId);
    move(lines, -1, sold ? 1 : 0);
  }

  /** A SKU's account, or null while it is not listed. */
  function account(skuId: string): SkuAccount | null {
    const state = skus.get(skuId);
    if (state?.status !== 'LISTED') return null;
    const { reserved, sold } = counts.get(skuId) ?? { reserved: 0, sold: 0 };
    return { stocked: state.stocked, reserved, sold };
  }

  return { add, account };
}

/** What ends a PENDING order without a sale: its units go back. */
const ENDS = new Set(['OrderExpired', 'OrderCancelled']);

export type SkuAccountsFold = ReturnType<typeof skuAccountsFold>;
