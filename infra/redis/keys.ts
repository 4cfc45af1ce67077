/**
 * Key layout of the hot inventory. Every key of one store carries the same hash tag, `{prefix}`,
 * so a multi-SKU order's script touches a single Redis Cluster slot and stays atomic there.
 * The price: one prefix lives on one slot, hence on one node, however big the cluster is. To
 * spread a larger catalogue, shard by prefix (one store per prefix, e.g. per sale or per shop);
 * an order's lines must then all belong to one prefix.
 *
 *   {p}:sku:<skuId>           HASH  name price currency perUserLimit (0 = none) stocked available
 *                                   sold revision floor (restocks at or below it are applied)
 *   {p}:restocked:<skuId>     SET   restock revisions above `floor` already applied
 *   {p}:held:<skuId>          HASH  userId -> units held (reserved + sold), for the per-user limit
 *   {p}:idem:<userId>:<key>   STRING idempotency record: "<len(orderId)>:<orderId><fingerprint>", TTL
 *   {p}:res:<orderId>         HASH  userId currency lines (JSON) deadline createdAt (ms) idem (key)
 *   {p}:due                   ZSET  orderId -> deadline (ms), for the sweeper
 *   {p}:rl:<key>              STRING rate limiter bucket (theoretical arrival time, µs), TTL
 *   {p}:epoch                 STRING the run_id of the Redis server the hot inventory was loaded
 *                                    from events into; its absence means Redis lost what it held
 *   {p}:stale                 STRING set (to the marker it replaced) when a connection to a Redis of
 *                                    another lifetime found the marker: drop everything, rebuild
 *   {p}:restoring             STRING lock of the process rebuilding the hot inventory, TTL
 */
export type Keys = ReturnType<typeof redisKeys>;

export function redisKeys(prefix: string) {
  if (!prefix || /[{}]/.test(prefix)) {
    throw new RangeError(`a Redis key prefix must be non-empty and free of braces: "${prefix}"`);
  }
  const tag = `{${prefix}}:`;
  return {
    sku: (skuId: string) => `${tag}sku:${skuId}`,
    restocked: (skuId: string) => `${tag}restocked:${skuId}`,
    held: (skuId: string) => `${tag}held:${skuId}`,
    idempotency: (userId: string, key: string) => `${tag}idem:${userId}:${key}`,
    reservation: (orderId: string) => `${tag}res:${orderId}`,
    due: `${tag}due`,
    rateLimit: (key: string) => `${tag}rl:${key}`,
    epoch: `${tag}epoch`,
    stale: `${tag}stale`,
    restoring: `${tag}restoring`,
    /** SCAN MATCH pattern for every key of this prefix (tests and tooling, never the hot path). */
    all: `${tag}*`,
  };
}
