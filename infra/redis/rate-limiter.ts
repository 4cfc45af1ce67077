import type { Redis } from 'ioredis';
import { redisKeys, type Keys } from './keys';
import { redisFailure } from './reservation-store';
import { TAKE_TOKEN_LUA } from './scripts';

export type RateLimit = { capacity: number; refillPerSecond: number };
export type RateLimitDecision = { allowed: boolean; retryAfterSeconds: number };

type TakeToken = { flashsaleTakeToken(args: (string | number)[]): Promise<[number, number]> };

/**
 * Token buckets in Redis, one script call per take. Time is the caller's `now`, not Redis TIME:
 * it keeps the limiter testable without sleeping and time stays data, as everywhere else. Several
 * api processes share a bucket; one whose clock runs behind only sees its own takes refused
 * sooner (the script never lets time run backwards), one that runs ahead can borrow at most its
 * skew worth of tokens. Keep clocks NTP-synchronised.
 *
 * The keys share the store's hash tag, so one prefix's buckets live on one cluster slot; give the
 * limiter its own prefix to keep its traffic off the inventory's node.
 */
export class RedisRateLimiter {
  private readonly keys: Keys;
  private readonly script: TakeToken;

  constructor(redis: Redis, options: { prefix: string }) {
    this.keys = redisKeys(options.prefix);
    redis.defineCommand('flashsaleTakeToken', { numberOfKeys: 1, lua: TAKE_TOKEN_LUA });
    this.script = redis as unknown as TakeToken;
  }

  async take(key: string, limit: RateLimit, now: Date): Promise<RateLimitDecision> {
    const { capacity, refillPerSecond } = limit;
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError('capacity must be a positive integer');
    }
    if (!(refillPerSecond > 0) || !Number.isFinite(refillPerSecond)) {
      throw new RangeError('refillPerSecond must be a positive number');
    }
    const interval = Math.max(1, Math.round(1_000_000 / refillPerSecond));
    const [allowed, waitMicros] = await this.script
      .flashsaleTakeToken([
        this.keys.rateLimit(key),
        now.getTime() * 1000,
        interval,
        (capacity - 1) * interval,
      ])
      .catch((error: unknown) => {
        throw redisFailure(error);
      });
    return allowed === 1
      ? { allowed: true, retryAfterSeconds: 0 }
      : { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMicros / 1_000_000)) };
  }
}
