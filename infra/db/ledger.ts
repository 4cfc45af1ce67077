import type { Knex } from 'knex';
import type { LedgerSummary } from '../../commands/audit-sku';
import {
  CHECKSUM_MODULUS,
  ledgerTotals,
  type LedgerLine,
  type LedgerReason,
} from '../../domain/inventory';

/**
 * A SKU's lines of the `inventory_audit` read model, in event order; with `last`, only the last
 * ones; with `through`, only those up to that position.
 */
export async function readLedger(
  db: Knex,
  skuId: string,
  options: { last?: number; through?: bigint } = {},
): Promise<LedgerLine[]> {
  if (options.last === 0) return [];
  const query = db('inventory_audit')
    .where({ sku_id: skuId })
    .select('delta', 'reason', 'ref_id', 'at', 'position');
  if (options.through !== undefined) query.where('position', '<=', options.through.toString());
  const rows =
    options.last === undefined
      ? await query.orderBy(['position', 'reason'])
      : (
          await query
            .orderBy([
              { column: 'position', order: 'desc' },
              { column: 'reason', order: 'desc' },
            ])
            .limit(options.last)
        ).reverse();
  return rows.map((r) => ({
    delta: Number(r.delta),
    reason: r.reason as LedgerReason,
    refId: String(r.ref_id),
    at: (r.at as Date).toISOString(),
    position: String(r.position),
  }));
}

/** The totals of a SKU's lines up to `through` and after it, summed by MySQL (no lines read). */
export async function summarizeLedger(
  db: Knex,
  skuId: string,
  through: bigint,
): Promise<LedgerSummary> {
  // The lines' checksum as the events' fold makes it (domain/inventory/line-checksum.ts).
  const [rows] = (await db.raw(
    `SELECT reason, position <= ? AS compared, SUM(delta) AS delta, COUNT(*) AS n,
            MAX(position) AS highest,
            SUM(CRC32(CONCAT(position, '/', reason, '/', ref_id, '/', delta))) % ? AS checksum
       FROM inventory_audit WHERE sku_id = ? GROUP BY reason, compared`,
    [through.toString(), CHECKSUM_MODULUS, skuId],
  )) as [
    {
      reason: LedgerReason;
      compared: number;
      delta: string;
      n: number;
      highest: string;
      checksum: string;
    }[],
  ];
  const compared = rows.filter((r) => Boolean(Number(r.compared)));
  const later = rows.filter((r) => !Number(r.compared));
  const totals = (part: typeof rows) =>
    ledgerTotals(part.map((r) => ({ reason: r.reason, delta: Number(r.delta) })));
  const count = (part: typeof rows) => part.reduce((n, r) => n + Number(r.n), 0);
  const highest = rows.reduce<bigint | null>(
    (max, r) => (max === null || BigInt(r.highest) > max ? BigInt(r.highest) : max),
    null,
  );
  return {
    through: totals(compared),
    linesThrough: {
      lines: count(compared),
      checksum: compared.reduce((sum, r) => (sum + Number(r.checksum)) % CHECKSUM_MODULUS, 0),
    },
    after: totals(later),
    lines: count(rows),
    linesAfter: count(later),
    highest,
  };
}

/** The ledger as the SKU audit reads it (commands/audit-sku.ts). */
export const ledgerReader = (db: Knex) => ({
  summary: (skuId: string, through: bigint) => summarizeLedger(db, skuId, through),
  lines: (skuId: string, last?: number) => readLedger(db, skuId, { last }),
  linesThrough: (skuId: string, through: bigint) => readLedger(db, skuId, { through }),
});
