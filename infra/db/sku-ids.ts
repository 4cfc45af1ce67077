import type { Knex } from 'knex';

/**
 * The SKUs the inventory ledger knows, in id order (every listing with stock and every restock
 * writes a RESTOCK row). Read from the (sku_id, position) index, so it stays cheap however long
 * the ledger grows; a SKU listed with no stock appears once it is restocked.
 */
export async function ledgerSkuIds(db: Knex, limit: number): Promise<string[]> {
  const rows = (await db('inventory_audit').distinct('sku_id').orderBy('sku_id').limit(limit)) as {
    sku_id: string;
  }[];
  return rows.map((r) => r.sku_id);
}
