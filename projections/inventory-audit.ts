import type { RecordedEvent } from '../commands/ports';
import {
  field,
  isCount,
  isLines,
  isString,
  sqlTime,
  type Projection,
  type Row,
} from './projection';

/**
 * `inventory_audit`: the append-only ledger of every unit, per SKU. `delta` is signed by where
 * the units go:
 *   RESTOCK +q  units put on sale (listing stock and restocks)      ref: the SKU id
 *   RESERVE -q  available -> held by a pending order                ref: the order id
 *   RELEASE +q  held -> available again (expired, cancelled)        ref: the order id
 *   SELL    -q  held -> sold (the order was paid while PENDING)     ref: the order id
 * so that, once quiet, available = Σ RESTOCK + Σ RESERVE + Σ RELEASE and sold = -Σ SELL.
 * A release or a sale mirrors the order's own RESERVE lines, once per order. Lines are unique
 * per (position, SKU, reason), so an event seen again adds nothing.
 */
function evolve(event: RecordedEvent, rows: readonly Row[]): Row[] {
  const position = event.position.toString();
  if (rows.some((r) => r.position === position)) return [...rows];
  const at = sqlTime(event.recordedAt);
  const line = (skuId: string, delta: number, reason: string, ref: string): Row => ({
    sku_id: skuId,
    delta,
    reason,
    ref_id: ref,
    position,
    at,
  });
  switch (event.type) {
    case 'SkuRestocked': {
      const skuId = field(event.data, 'skuId', isString);
      return [...rows, line(skuId, field(event.data, 'quantity', isCount), 'RESTOCK', skuId)];
    }
    case 'OrderPlaced': {
      if (rows.some((r) => r.reason === 'RESERVE')) return [...rows];
      const orderId = field(event.data, 'orderId', isString);
      const lines = field(event.data, 'items', isLines);
      return [...rows, ...lines.map((l) => line(l.skuId, -l.quantity, 'RESERVE', orderId))];
    }
    case 'OrderExpired':
    case 'OrderCancelled':
    case 'PaymentCompleted': {
      if (rows.some((r) => r.reason === 'RELEASE' || r.reason === 'SELL')) return [...rows];
      const reason = event.type === 'PaymentCompleted' ? 'SELL' : 'RELEASE';
      const reserved = rows.filter((r) => r.reason === 'RESERVE');
      return [
        ...rows,
        ...reserved.map((r) =>
          line(
            r.sku_id as string,
            reason === 'SELL' ? Number(r.delta) : -Number(r.delta),
            reason,
            r.ref_id as string,
          ),
        ),
      ];
    }
    default:
      return [...rows];
  }
}

export const inventoryAuditProjection: Projection = {
  name: 'inventory_audit',
  table: 'inventory_audit',
  handles: new Set([
    'SkuRestocked',
    'OrderPlaced',
    'OrderExpired',
    'OrderCancelled',
    'PaymentCompleted',
  ]),
  groupBy: 'ref_id',
  key: ['position', 'sku_id', 'reason'],
  columns: ['sku_id', 'delta', 'reason', 'ref_id', 'position', 'at'],
  group: (event) =>
    event.type === 'SkuRestocked'
      ? field(event.data, 'skuId', isString)
      : field(event.data, 'orderId', isString),
  evolve,
};
