/**
 * Gives a reservation's stock back (expiry, cancel) and, for an abort, forgets its idempotency key.
 * The caller read the record to learn which keys to pass; the script re-checks it, so of two
 * concurrent releases (or a release racing a confirm) only the first to run changes anything.
 *
 * KEYS  1 reservation, 2 due set, per line i: 1+2i sku, 2+2i held; then the idempotency key (abort)
 * ARGV  1 orderId, 2 lines JSON as read, 3 userId as read, per line i: 3+i quantity
 * Reply 1 released | 0 nothing to release | -1 the record changed since it was read: read it again
 */
export const RELEASE_LUA = `
local n = #ARGV - 3
local r = redis.call('HMGET', KEYS[1], 'lines', 'userId')
if not r[1] then return 0 end
if r[1] ~= ARGV[2] or r[2] ~= ARGV[3] then return -1 end

local userId = ARGV[3]
for i = 1, n do
  local q = tonumber(ARGV[3 + i])
  if redis.call('EXISTS', KEYS[1 + 2 * i]) == 1 then
    redis.call('HINCRBY', KEYS[1 + 2 * i], 'available', q)
  end
  if redis.call('HINCRBY', KEYS[2 + 2 * i], userId, -q) <= 0 then
    redis.call('HDEL', KEYS[2 + 2 * i], userId)
  end
end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])

local idem = KEYS[3 + 2 * n]
if idem then
  -- Only while it still names this order: a key that expired and was used again is not ours.
  local mine = #ARGV[1] .. ':' .. ARGV[1]
  if string.sub(redis.call('GET', idem) or '', 1, #mine) == mine then
    redis.call('DEL', idem)
  end
end
return 1
`;
