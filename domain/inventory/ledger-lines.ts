import type { OrderLine } from '../order/events';
import type { StreamEvent } from './hot-inventory';
import type { LedgerLine, LedgerReason } from './reconcile';

/** One line where the ledger and the events disagree: the units each gives it (null: no line). */
export type LineDifference = {
  position: string;
  reason: LedgerReason;
  refId: string;
  expected: number | null;
  actual: number | null;
};

type Keyed = { position: string; reason: LedgerReason; refId: string; delta: number };

const ORDER_PREFIX = 'order-';
const SKU_PREFIX = 'sku-';
/** What ends a PENDING order, and the line its units get: sold or back on sale. */
const ENDS: Readonly<Record<string, LedgerReason>> = {
  PaymentCompleted: 'SELL',
  OrderExpired: 'RELEASE',
  OrderCancelled: 'RELEASE',
};

/**
 * The ledger lines one SKU's events call for, fed one event at a time in the store's order: a
 * line per restock, per order line reserved, and per order line sold or released when its order
 * ends (the first end only, as the units move once). The same lines as the `inventory_audit`
 * projection writes, derived here from the events alone, so that a ledger that disagrees with
 * them can be shown line by line.
 */
export function expectedLedgerLines(skuId: string) {
  const lines: Keyed[] = [];
  /** Orders still PENDING that reserved this SKU: their units of it, per order line. */
  const pending = new Map<string, number[]>();
  const placed = new Set<string>();

  function add(event: StreamEvent & { position: bigint }): void {
    const position = event.position.toString();
    if (event.streamId.startsWith(SKU_PREFIX)) {
      const data = event.data as { skuId?: string; quantity?: number };
      if (event.type === 'SkuRestocked' && data.skuId === skuId) {
        lines.push({ position, reason: 'RESTOCK', refId: skuId, delta: data.quantity ?? 0 });
      }
      return;
    }
    if (!event.streamId.startsWith(ORDER_PREFIX)) return;
    const orderId = event.streamId.slice(ORDER_PREFIX.length);
    if (event.type === 'OrderPlaced') {
      if (placed.has(orderId)) return;
      placed.add(orderId);
      const { items } = event.data as { items: readonly OrderLine[] };
      const mine = items.filter((l) => l.skuId === skuId).map((l) => l.quantity);
      if (mine.length === 0) return;
      pending.set(orderId, mine);
      for (const q of mine) lines.push({ position, reason: 'RESERVE', refId: orderId, delta: -q });
      return;
    }
    const reason = ENDS[event.type];
    const mine = reason && pending.get(orderId);
    if (!mine) return;
    pending.delete(orderId);
    for (const q of mine) {
      lines.push({ position, reason, refId: orderId, delta: reason === 'SELL' ? -q : q });
    }
  }

  return { add, lines: (): readonly Keyed[] => lines };
}

/**
 * The lines where the ledger and the events disagree, matched by event position, reason and
 * reference, in position order: a line missing from the ledger, a line the events do not call for, or one
 * whose units differ. The first `limit` are named; `total` counts them all.
 */
export function diffLedgerLines(
  expected: readonly Keyed[],
  actual: readonly Pick<LedgerLine, 'position' | 'reason' | 'refId' | 'delta'>[],
  limit: number,
): { differences: LineDifference[]; total: number } {
  const byKey = new Map<string, LineDifference>();
  const entry = (line: Omit<Keyed, 'delta'>) => {
    const key = `${line.position}/${line.reason}/${line.refId}`;
    let found = byKey.get(key);
    if (!found) {
      const { position, reason, refId } = line;
      found = { position, reason, refId, expected: null, actual: null };
      byKey.set(key, found);
    }
    return found;
  };
  for (const line of expected) {
    const found = entry(line);
    found.expected = (found.expected ?? 0) + line.delta;
  }
  for (const line of actual) {
    const found = entry(line);
    found.actual = (found.actual ?? 0) + line.delta;
  }
  const differing = [...byKey.values()]
    .filter((d) => d.expected !== d.actual)
    .sort((a, b) => comparePositions(a.position, b.position));
  return { differences: differing.slice(0, limit), total: differing.length };
}

const comparePositions = (a: string, b: string): number => {
  const [x, y] = [BigInt(a), BigInt(b)];
  return x < y ? -1 : x > y ? 1 : 0;
};
