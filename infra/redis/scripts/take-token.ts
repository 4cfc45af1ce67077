/**
 * A token bucket kept as one number, GCRA style: the theoretical arrival time (tat) of the next
 * token, in microseconds. A bucket of `capacity` tokens refilled every `interval` µs allows a
 * take when tat - now <= (capacity - 1) * interval, and each take moves tat on by one interval.
 * A full bucket is an absent key, so the key expires when the bucket would be full again.
 * Time comes from the caller; a clock that goes back only makes that caller wait longer.
 *
 * KEYS  1 bucket
 * ARGV  1 now µs, 2 interval µs, 3 tolerance µs ((capacity - 1) * interval)
 * Reply {1, 0} taken | {0, µs to wait}
 */
export const TAKE_TOKEN_LUA = `
local now = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or 0)
if tat < now then tat = now end
local wait = tat - now - tonumber(ARGV[3])
if wait > 0 then return {0, wait} end
tat = tat + tonumber(ARGV[2])
redis.call('SET', KEYS[1], string.format('%d', tat), 'PX', string.format('%d', math.ceil((tat - now) / 1000)))
return {1, 0}
`;
