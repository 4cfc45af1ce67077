/**
 * Turns a reservation into a sale: `sold` grows, `available` and the per-user holdings stay as the
 * reservation left them. Re-checks the record like the release script, so a confirm and a release
 * racing on one order cannot both win.
 *
 * KEYS  1 reservation, 2 due set, per line i: 2+i sku
 * ARGV  1 orderId, 2 lines JSON as read, per line i: 2+i quantity
 * Reply 1 confirmed | 0 nothing to confirm | -1 the record changed since it was read: read it again
 */
export const CONFIRM_LUA = `
local lines = redis.call('HGET', KEYS[1], 'lines')
if not lines then return 0 end
if lines ~= ARGV[2] then return -1 end
for i = 3, #ARGV do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    redis.call('HINCRBY', KEYS[i], 'sold', ARGV[i])
  end
end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
`;
