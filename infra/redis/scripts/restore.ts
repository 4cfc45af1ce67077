/**
 * Put back what Redis lost, from the event store's account of it, and only what it lacks: a SKU
 * record (with its per-user holdings) that is missing, a pending order's reservation that is
 * missing. What is there is never overwritten, so a restore racing live traffic cannot undo it.
 *
 * RESTORE_SKU   KEYS 1 sku, 2 restocked set, 3 held
 *               ARGV 1 name, 2 price, 3 currency, 4 perUserLimit (0 = none), 5 stocked,
 *                    6 available, 7 sold, 8 revision, then pairs userId, units held
 * RESTORE_RES   KEYS 1 reservation, 2 due set
 *               ARGV 1 orderId, 2 userId, 3 currency, 4 lines JSON, 5 deadline ms, 6 createdAt ms
 * Reply 1 restored | 0 it was there
 */
export const RESTORE_SKU_LUA = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('DEL', KEYS[2], KEYS[3])
redis.call('HSET', KEYS[1], 'name', ARGV[1], 'price', ARGV[2], 'currency', ARGV[3],
  'perUserLimit', ARGV[4], 'stocked', ARGV[5], 'available', ARGV[6], 'sold', ARGV[7],
  'revision', ARGV[8], 'floor', ARGV[8])
for i = 9, #ARGV, 2 do
  redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
end
return 1
`;

export const RESTORE_RESERVATION_LUA = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'userId', ARGV[2], 'currency', ARGV[3], 'lines', ARGV[4],
  'deadline', ARGV[5], 'createdAt', ARGV[6])
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[1])
return 1
`;
