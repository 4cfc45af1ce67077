/**
 * Creates or replaces a SKU's hot record. Its revision becomes the restock floor: the record
 * already counts every restock up to it, so those are never applied again.
 *
 * KEYS  1 sku, 2 restocked set
 * ARGV  1 name, 2 price, 3 currency, 4 perUserLimit (0 = none), 5 stocked, 6 available, 7 sold,
 *       8 revision
 */
export const PUT_SKU_LUA = `
redis.call('HSET', KEYS[1], 'name', ARGV[1], 'price', ARGV[2], 'currency', ARGV[3],
  'perUserLimit', ARGV[4], 'stocked', ARGV[5], 'available', ARGV[6], 'sold', ARGV[7],
  'revision', ARGV[8], 'floor', ARGV[8])
redis.call('DEL', KEYS[2])
return 1
`;
