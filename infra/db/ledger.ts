import type { Knex } from 'knex';
import type { LedgerLine, LedgerReason } from '../../domain/inventory';

/** A SKU's lines of the `inventory_audit` read model, in event order. */
export async function readLedger(db: Knex, skuId: string): Promise<LedgerLine[]> {
  const rows = await db('inventory_audit')
    .where({ sku_id: skuId })
    .orderBy(['position', 'reason'])
    .select('delta', 'reason', 'ref_id', 'at', 'position');
  return rows.map((r) => ({
    delta: Number(r.delta),
    reason: r.reason as LedgerReason,
    refId: String(r.ref_id),
    at: (r.at as Date).toISOString(),
    position: String(r.position),
  }));
}
