import { RedisRateLimiter, redisKeys } from '../../infra/redis';
import { createTestRedis, type TestRedis } from './support';

describe('Redis rate limiter', () => {
  let t: TestRedis;
  let limiter: RedisRateLimiter;
  const t0 = new Date('2030-03-01T10:00:00.000Z');
  const at = (ms: number) => new Date(t0.getTime() + ms);
  const fivePerSecond = { capacity: 5, refillPerSecond: 1 };

  beforeAll(async () => {
    t = await createTestRedis('rl');
    limiter = new RedisRateLimiter(t.redis, { prefix: t.prefix });
  });
  afterAll(async () => {
    await t.drop();
  });

  const takes = (key: string, n: number, now: Date, limit = fivePerSecond) =>
    Promise.all(Array.from({ length: n }, () => limiter.take(key, limit, now)));

  it('When a bucket of 5 is emptied, then the 6th take is refused at once with a retry after of at least a second', async () => {
    for (let i = 0; i < 5; i++) {
      expect(await limiter.take('empty', fivePerSecond, t0)).toEqual({
        allowed: true,
        retryAfterSeconds: 0,
      });
    }

    expect(await limiter.take('empty', fivePerSecond, t0)).toEqual({
      allowed: false,
      retryAfterSeconds: 1,
    });
  });

  it('When time passes, then the bucket refills at its rate and no further than its capacity', async () => {
    await takes('refill', 5, t0);

    expect((await limiter.take('refill', fivePerSecond, at(999))).allowed).toBe(false);
    expect((await limiter.take('refill', fivePerSecond, at(1_000))).allowed).toBe(true);
    expect((await limiter.take('refill', fivePerSecond, at(1_000))).allowed).toBe(false);
    const later = await takes('refill', 8, at(60_000));
    expect(later.filter((d) => d.allowed)).toHaveLength(5);
  });

  it('When the refill is slow, then the retry after says how long to wait', async () => {
    const slow = { capacity: 1, refillPerSecond: 0.25 };
    await limiter.take('slow', slow, t0);

    expect(await limiter.take('slow', slow, at(500))).toEqual({
      allowed: false,
      retryAfterSeconds: 4,
    });
  });

  it('When 200 takes from four connections arrive at once, then no more than the capacity are allowed', async () => {
    const limiters = await Promise.all(
      [1, 2, 3, 4].map(async () => new RedisRateLimiter(await t.connect(), { prefix: t.prefix })),
    );

    const decisions = await Promise.all(
      Array.from({ length: 200 }, (_, i) => limiters[i % 4]!.take('rush', fivePerSecond, t0)),
    );

    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    decisions
      .filter((d) => !d.allowed)
      .forEach((d) => expect(d.retryAfterSeconds).toBeGreaterThanOrEqual(1));
  });

  it('When takes keep coming over ten seconds, then no more pass than the capacity plus the refill', async () => {
    let allowed = 0;
    for (let ms = 0; ms <= 10_000; ms += 250) {
      allowed += (await takes('steady', 20, at(ms))).filter((d) => d.allowed).length;
    }

    expect(allowed).toBe(5 + 10);
  });

  it('When a caller clock lags behind, then it gets no tokens the bucket does not have', async () => {
    await takes('skew', 5, at(10_000));

    const behind = await takes('skew', 5, at(4_000));

    expect(behind.filter((d) => d.allowed)).toHaveLength(0);
  });

  it('When a bucket is left alone, then its key expires once it would be full again', async () => {
    await limiter.take('idle', fivePerSecond, new Date());

    const ttl = await t.redis.pttl(redisKeys(t.prefix).rateLimit('idle'));

    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1_000);
  });
});
