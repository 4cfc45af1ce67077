import { isDeepStrictEqual } from 'node:util';
import type { Knex } from 'knex';

type Row = Record<string, unknown>;
export type ReadModelSnapshot = Record<'orders' | 'items' | 'payments' | 'audit', Row[]>;

/** Every read-model row, in a stable order, without surrogate ids: what "equal" compares. */
export async function readModelSnapshot(db: Knex): Promise<ReadModelSnapshot> {
  const [orders, items, payments, audit] = await Promise.all([
    db('orders').orderBy('order_id'),
    db('order_items').orderBy(['order_id', 'sku_id']),
    db('payments').orderBy('payment_id'),
    db('inventory_audit')
      .select('sku_id', 'delta', 'reason', 'ref_id', 'position', 'at')
      .orderBy(['position', 'sku_id', 'reason']),
  ]);
  return { orders, items, payments, audit };
}

/** What differs between two snapshots, a line per read model, with the first differing row. */
export function snapshotDifferences(live: ReadModelSnapshot, replay: ReadModelSnapshot): string[] {
  const found: string[] = [];
  for (const name of Object.keys(live) as (keyof ReadModelSnapshot)[]) {
    const [a, b] = [live[name], replay[name]];
    if (a.length !== b.length) {
      found.push(`${name}: ${a.length} live rows, ${b.length} after a replay`);
      continue;
    }
    const at = a.findIndex((row, i) => !isDeepStrictEqual(row, b[i]));
    if (at >= 0)
      found.push(
        `${name}: row ${at} differs: live ${JSON.stringify(a[at])}, replay ${JSON.stringify(b[at])}`,
      );
  }
  return found;
}
