import type { OrderLine } from '../order/events';
import { evolveSku, initialSkuState, type SkuEvent, type SkuState } from '../sku';
import type { StreamEvent } from './hot-inventory';
import { addToSummary, lineChecksum, type LineSummary } from './line-checksum';
import type { LedgerReason } from './reconcile';

/** One listed SKU's units as the event store tells them: what an audit reconciles. */
export type SkuAccount = { stocked: number; reserved: number; sold: number };

const ORDER_PREFIX = 'order-';
const SKU_PREFIX = 'sku-';

/** A ledger line as the events call for it: what the `inventory_audit` projection writes. */
export type ExpectedLine = {
  skuId: string;
  position: string;
  reason: LedgerReason;
  refId: string;
  delta: number;
};

/**
 * The units of every SKU, fed one event at a time and kept small, for a fold that lives as long
 * as its process: per SKU its state, two counters and its ledger lines counted and checksummed,
 * per order its lines only while it is PENDING. An order's units move once: to sold when it is
 * paid, back when it expires or is cancelled. For the histories the event store holds (an order
 * stream begins with its one OrderPlaced), its accounts are those of `hotInventoryFold`, which
 * keeps every order.
 *
 * The ledger lines are those the events call for: a line per restock, per order line reserved,
 * and per order line sold or released when its order ends; `onLine` is given each as it comes.
 */
export function skuAccountsFold(onLine?: (line: ExpectedLine) => void) {
  const skus = new Map<string, SkuState>();
  const counts = new Map<string, { reserved: number; sold: number }>();
  const summaries = new Map<string, LineSummary>();
  const pending = new Map<string, readonly OrderLine[]>();

  const line = (expected: ExpectedLine) => {
    const summary = summaries.get(expected.skuId) ?? { lines: 0, checksum: 0 };
    summaries.set(expected.skuId, addToSummary(summary, lineChecksum(expected)));
    onLine?.(expected);
  };

  const move = (
    lines: readonly OrderLine[],
    reserved: 1 | -1,
    sold: 0 | 1,
    at: { position: string; orderId: string; reason: LedgerReason },
  ) => {
    for (const { skuId, quantity } of lines) {
      const count = counts.get(skuId) ?? { reserved: 0, sold: 0 };
      count.reserved += reserved * quantity;
      count.sold += sold * quantity;
      counts.set(skuId, count);
      // Held units leave the stock on sale (-), come back to it (+) or leave it sold (-).
      const delta = at.reason === 'RELEASE' ? quantity : -quantity;
      line({ skuId, position: at.position, reason: at.reason, refId: at.orderId, delta });
    }
  };

  function add(event: StreamEvent & { position?: bigint }): void {
    const position = event.position?.toString() ?? '';
    if (event.streamId.startsWith(SKU_PREFIX)) {
      const id = event.streamId.slice(SKU_PREFIX.length);
      skus.set(id, evolveSku(skus.get(id) ?? initialSkuState, event as SkuEvent));
      if (event.type === 'SkuRestocked') {
        const { quantity } = event.data as { quantity: number };
        line({ skuId: id, position, reason: 'RESTOCK', refId: id, delta: quantity });
      }
      return;
    }
    if (!event.streamId.startsWith(ORDER_PREFIX)) return;
    const orderId = event.streamId.slice(ORDER_PREFIX.length);
    if (event.type === 'OrderPlaced') {
      if (pending.has(orderId)) return;
      const { items } = event.data as { items: readonly OrderLine[] };
      pending.set(orderId, items);
      move(items, 1, 0, { position, orderId, reason: 'RESERVE' });
      return;
    }
    const sold = event.type === 'PaymentCompleted';
    if (!sold && !ENDS.has(event.type)) return;
    const lines = pending.get(orderId);
    if (!lines) return;
    pending.delete(orderId);
    move(lines, -1, sold ? 1 : 0, { position, orderId, reason: sold ? 'SELL' : 'RELEASE' });
  }

  /** A SKU's account, or null while it is not listed. */
  function account(skuId: string): SkuAccount | null {
    const state = skus.get(skuId);
    if (state?.status !== 'LISTED') return null;
    const { reserved, sold } = counts.get(skuId) ?? { reserved: 0, sold: 0 };
    return { stocked: state.stocked, reserved, sold };
  }

  /** A SKU's ledger lines as the events call for them, counted and checksummed. */
  const lineSummary = (skuId: string): LineSummary =>
    summaries.get(skuId) ?? { lines: 0, checksum: 0 };

  return { add, account, lineSummary };
}

/** What ends a PENDING order without a sale: its units go back. */
const ENDS = new Set(['OrderExpired', 'OrderCancelled']);

export type SkuAccountsFold = ReturnType<typeof skuAccountsFold>;
