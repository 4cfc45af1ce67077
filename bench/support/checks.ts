import type { Knex } from 'knex';
import type { BenchSku } from './targets';
import type { Check } from './types';

type Num = string | number;
const first = async <T>(db: Knex, sql: string, bindings: readonly Num[] = []) =>
  ((await db.raw(sql, bindings)) as unknown as [T[]])[0];

/**
 * This system, from its event store: per SKU, the units in OrderPlaced events against the units
 * stocked (SkuRestocked) and against the hot counter (what the API says is left); at most one
 * order per user and SKU where the limit is 1, and per (user, Idempotency-Key); and every 201 the
 * clients saw (`answered`, warm-ups included) is an OrderPlaced event. One line per order here.
 */
export async function checkSystem(
  db: Knex,
  url: string,
  adminToken: string,
  skus: BenchSku[],
  answered: number,
): Promise<Check[]> {
  const checks: Check[] = [];
  const item = "JSON_VALUE(data, '$.items[0].skuId')";
  for (const sku of skus) {
    const [stocked] = await first<{ n: Num | null }>(
      db,
      "SELECT SUM(JSON_VALUE(data, '$.quantity')) AS n FROM es_events WHERE stream_id = ? AND type = 'SkuRestocked'",
      [`sku-${sku.skuId}`],
    );
    const [placed] = await first<{ orders: Num; units: Num | null }>(
      db,
      `SELECT COUNT(*) AS orders, SUM(JSON_VALUE(data, '$.items[0].quantity')) AS units FROM es_events WHERE type = 'OrderPlaced' AND ${item} = ?`,
      [sku.skuId],
    );
    const res = await fetch(`${url}/v1/skus/${sku.skuId}`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    const { available } = (await res.json()) as { available: number };
    const units = Number(placed!.units ?? 0);
    const stock = Number(stocked!.n ?? 0);
    checks.push({
      target: 'system',
      name: `no oversell (${sku.skuId})`,
      detail: `${stock} units stocked, ${units} in ${placed!.orders} OrderPlaced events, ${available} left in Redis`,
      ok: units <= stock && stock - available === units,
    });
    const [dupUsers] = await first<{ n: Num }>(
      db,
      `SELECT COUNT(*) AS n FROM (SELECT JSON_VALUE(metadata, '$.userId') AS u FROM es_events WHERE type = 'OrderPlaced' AND ${item} = ? GROUP BY u HAVING COUNT(*) > ?) d`,
      [sku.skuId, sku.perUserLimit ?? 1],
    );
    checks.push({
      target: 'system',
      name: `no duplicate orders per user (${sku.skuId})`,
      detail: `${dupUsers!.n} users with more than ${sku.perUserLimit ?? 1} order(s)`,
      ok: Number(dupUsers!.n) === 0,
    });
  }
  const [dupKeys] = await first<{ n: Num; keyed: Num }>(
    db,
    `SELECT COUNT(*) AS n, COALESCE(SUM(c), 0) AS keyed FROM (SELECT COUNT(*) AS c FROM es_events WHERE type = 'OrderPlaced' AND JSON_VALUE(metadata, '$.idempotencyKey') IS NOT NULL GROUP BY JSON_VALUE(metadata, '$.userId'), JSON_VALUE(metadata, '$.idempotencyKey')) k WHERE c > 1`,
  );
  checks.push({
    target: 'system',
    name: 'no duplicate orders per Idempotency-Key',
    detail: `${dupKeys!.n} (user, key) pairs with more than one order`,
    ok: Number(dupKeys!.n) === 0,
  });
  const [events] = await first<{ n: Num }>(
    db,
    "SELECT COUNT(*) AS n FROM es_events WHERE type = 'OrderPlaced'",
  );
  checks.push({
    target: 'system',
    name: 'every 201 is an OrderPlaced event',
    detail: `${answered} answered 201 (warm-ups included), ${events!.n} OrderPlaced events (more events than 201s: the requests autocannon left in flight when it stopped)`,
    ok: Number(events!.n) >= answered,
  });
  return checks;
}

/** The naive design, from its tables: units ordered against units taken, per SKU and user. */
export async function checkNaive(db: Knex, skus: BenchSku[], answered: number): Promise<Check[]> {
  const checks: Check[] = [];
  for (const sku of skus) {
    const [row] = await first<{ stock: Num; stocked: Num; orders: Num; units: Num | null }>(
      db,
      'SELECT s.stock, s.stocked, (SELECT COUNT(*) FROM orders WHERE sku_id = s.id) AS orders, (SELECT SUM(quantity) FROM orders WHERE sku_id = s.id) AS units FROM skus s WHERE s.id = ?',
      [sku.skuId],
    );
    const units = Number(row!.units ?? 0);
    checks.push({
      target: 'naive',
      name: `no oversell (${sku.skuId})`,
      detail: `${row!.stocked} units stocked, ${units} in ${row!.orders} orders, ${row!.stock} left`,
      ok:
        units <= Number(row!.stocked) &&
        Number(row!.stock) >= 0 &&
        Number(row!.stocked) - Number(row!.stock) === units,
    });
    const [dup] = await first<{ n: Num }>(
      db,
      'SELECT COUNT(*) AS n FROM (SELECT user_id FROM orders WHERE sku_id = ? GROUP BY user_id HAVING COUNT(*) > 1) d',
      [sku.skuId],
    );
    checks.push({
      target: 'naive',
      name: `no duplicate orders per user (${sku.skuId})`,
      detail: `${dup!.n} users with more than one order`,
      ok: Number(dup!.n) === 0,
    });
  }
  const [orders] = await first<{ n: Num }>(db, 'SELECT COUNT(*) AS n FROM orders');
  checks.push({
    target: 'naive',
    name: 'every 201 is an order row',
    detail: `${answered} answered 201 (warm-ups included), ${orders!.n} order rows (more rows: requests left in flight)`,
    ok: Number(orders!.n) >= answered,
  });
  return checks;
}
