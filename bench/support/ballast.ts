import Redis from 'ioredis';

/** Keys with an expiry, made in chunks by one script each (an undeclared key: standalone Redis). */
const FILL_LUA = `
for i = tonumber(ARGV[1]), tonumber(ARGV[2]) do
  redis.call('SET', ARGV[3] .. i, '1', 'EX', 3600)
end
return 1
`;

/**
 * Grows Redis's key and expiry tables ahead of a measurement by filling them with `count` keys
 * under `{prefix}`: a table doubles when it is full, and while it rehashes every call pays for
 * it, so a doubling that falls inside one side's turn weighs on that side only. With the tables
 * already big enough for every order a run places, none falls inside it. Drop the keys with
 * dropRedisKeys(prefix) afterwards.
 */
export async function growRedisTables(url: string, prefix: string, count: number) {
  const redis = new Redis(url, { lazyConnect: true });
  try {
    await redis.connect();
    const chunk = 100_000;
    for (let from = 1; from <= count; from += chunk) {
      const to = Math.min(count, from + chunk - 1);
      await redis.eval(FILL_LUA, 0, from, to, `{${prefix}}:ballast:`);
    }
  } finally {
    redis.disconnect();
  }
}
