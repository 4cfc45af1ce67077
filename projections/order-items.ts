import type { RecordedEvent } from '../commands/ports';
import { field, isLines, isString, type Projection, type Row } from './projection';

/** `order_items`: the lines of each order with the price snapshotted when it was placed. */
function evolve(event: RecordedEvent, rows: readonly Row[]): Row[] {
  if (rows.length > 0) return [...rows];
  const orderId = field(event.data, 'orderId', isString);
  const currency = field(event.data, 'currency', isString);
  return field(event.data, 'items', isLines).map((line) => ({
    order_id: orderId,
    sku_id: line.skuId,
    quantity: line.quantity,
    unit_price: line.unitPrice,
    currency,
    revision: event.revision.toString(),
  }));
}

export const orderItemsProjection: Projection = {
  name: 'order_items',
  table: 'order_items',
  handles: new Set(['OrderPlaced']),
  groupBy: 'order_id',
  key: ['order_id', 'sku_id'],
  columns: ['order_id', 'sku_id', 'quantity', 'unit_price', 'currency', 'revision'],
  group: (event) => field(event.data, 'orderId', isString),
  evolve,
};
