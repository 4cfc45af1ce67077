/**
 * Reserves every line of an order, or none. Refusals are checked in a fixed order (the loaded
 * marker, idempotency, unknown SKU, currency, stock, per-user limit) and all of them before the
 * first write, so a refusal changes nothing. Sold-out attempts, the bulk of a rush, stop after
 * one HMGET per line.
 *
 * Nothing is reserved while the marker that the hot inventory was loaded from the event store is
 * missing (Redis lost its data, and the rebuild sets it last): a SKU already put back while its
 * reservations or idempotency keys are not yet would otherwise sell a unit twice or place a
 * retried order again.
 *
 * KEYS  1 reservation, 2 due set, per line i: 1+2i sku, 2+2i held; then the loaded marker; then
 *       the idempotency key if any
 * ARGV  1 orderId, 2 userId, 3 deadline ms, 4 createdAt ms, 5 idempotency key as the user gave it,
 *       6 fingerprint, 7 idempotency TTL s, per line i: 6+2i skuId, 7+2i quantity
 * Reply {'NOT_LOADED'} | {'RESERVED', currency, price...} | {'AGAIN', currency, lines JSON} (this order already
 *       reserved: a resent command) | {'REPLAY', orderId, same 0/1} | {'UNKNOWN_SKU', skuId}
 *       | {'MIXED_CURRENCY'} | {'SOLD_OUT', skuId, available} | {'LIMIT_EXCEEDED', skuId, limit, held}
 */
export const RESERVE_LUA = `
local n = (#ARGV - 7) / 2
local idem = KEYS[4 + 2 * n]

-- One call for both looks: the marker is counted twice, so 0-1 means it is missing (whatever
-- the reservation), 3 that this order is already reserved, 2 that neither stops us.
local seen = redis.call('EXISTS', KEYS[3 + 2 * n], KEYS[3 + 2 * n], KEYS[1])
if seen < 2 then return {'NOT_LOADED'} end

if seen == 3 then
  local r = redis.call('HMGET', KEYS[1], 'currency', 'lines')
  return {'AGAIN', r[1], r[2]}
end
if idem then
  local v = redis.call('GET', idem)
  if v then
    local sep = string.find(v, ':', 1, true)
    local len = tonumber(string.sub(v, 1, sep - 1))
    local same = string.sub(v, sep + len + 1) == ARGV[6] and 1 or 0
    return {'REPLAY', string.sub(v, sep + 1, sep + len), same}
  end
end

local skus = {}
for i = 1, n do
  local s = redis.call('HMGET', KEYS[1 + 2 * i], 'price', 'currency', 'perUserLimit', 'available')
  if not s[1] then return {'UNKNOWN_SKU', ARGV[6 + 2 * i]} end
  skus[i] = s
end
local currency = skus[1][2]
for i = 2, n do
  if skus[i][2] ~= currency then return {'MIXED_CURRENCY'} end
end
for i = 1, n do
  local available = tonumber(skus[i][4])
  if available < tonumber(ARGV[7 + 2 * i]) then return {'SOLD_OUT', ARGV[6 + 2 * i], available} end
end
local userId = ARGV[2]
for i = 1, n do
  local limit = tonumber(skus[i][3])
  if limit > 0 then
    local held = tonumber(redis.call('HGET', KEYS[2 + 2 * i], userId) or 0)
    if held + tonumber(ARGV[7 + 2 * i]) > limit then
      return {'LIMIT_EXCEEDED', ARGV[6 + 2 * i], limit, held}
    end
  end
end

local reply = {'RESERVED', currency}
local lines = {}
for i = 1, n do
  local q = tonumber(ARGV[7 + 2 * i])
  redis.call('HINCRBY', KEYS[1 + 2 * i], 'available', -q)
  redis.call('HINCRBY', KEYS[2 + 2 * i], userId, q)
  reply[2 + i] = skus[i][1]
  lines[i] = {skuId = ARGV[6 + 2 * i], quantity = q, unitPrice = tonumber(skus[i][1])}
end
local encoded = cjson.encode(lines)
if idem then
  redis.call('HSET', KEYS[1], 'userId', userId, 'currency', currency, 'lines', encoded,
    'deadline', ARGV[3], 'createdAt', ARGV[4], 'idem', ARGV[5])
  redis.call('SET', idem, #ARGV[1] .. ':' .. ARGV[1] .. ARGV[6], 'EX', ARGV[7])
else
  redis.call('HSET', KEYS[1], 'userId', userId, 'currency', currency, 'lines', encoded,
    'deadline', ARGV[3], 'createdAt', ARGV[4])
end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return reply
`;
