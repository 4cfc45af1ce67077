/**
 * Adds stock once per SKU stream revision, whatever order the calls arrive in. Two restocks
 * appended as revisions 5 and 6 can reach Redis as 6 then 5; "apply only above the stored
 * revision" would silently drop 5. So: every revision at or below `floor` is already counted;
 * above it, the restocked set names the revisions applied. The floor climbs over consecutive
 * applied revisions, which keeps the set empty in the usual, in-order case.
 *
 * KEYS  1 sku, 2 restocked set
 * ARGV  1 quantity, 2 revision
 * Reply the SKU hash as a flat field/value list after the call; nil when the SKU is unknown
 */
export const RESTOCK_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local revision = tonumber(ARGV[2])
local s = redis.call('HMGET', KEYS[1], 'floor', 'revision')
local floor = tonumber(s[1] or s[2])
if revision > floor and redis.call('SADD', KEYS[2], ARGV[2]) == 1 then
  redis.call('HINCRBY', KEYS[1], 'stocked', ARGV[1])
  redis.call('HINCRBY', KEYS[1], 'available', ARGV[1])
  if revision > tonumber(s[2]) then redis.call('HSET', KEYS[1], 'revision', ARGV[2]) end
  while redis.call('SREM', KEYS[2], string.format('%d', floor + 1)) == 1 do floor = floor + 1 end
  redis.call('HSET', KEYS[1], 'floor', string.format('%d', floor))
end
return redis.call('HGETALL', KEYS[1])
`;
