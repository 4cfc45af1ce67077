import type { RequestHandler } from 'express';
import { UnavailableError } from '../../domain/errors';
import { RateLimitedError } from './auth-errors';

export type RateRule = { capacity: number; refillPerSecond: number };

/** The port the rate limit needs (a Redis token bucket in infra/redis). */
export interface RateLimiter {
  take(
    key: string,
    rule: RateRule,
    now: Date,
  ): Promise<{ allowed: boolean; retryAfterSeconds: number }>;
}

export type RateLimits = {
  /** Per authenticated user; null: no limit. */
  user: RateRule | null;
  /** Per client address; null: no limit. */
  address: RateRule | null;
};

/**
 * Token buckets per user and per client address, taken together (one pipelined round trip).
 * Throws RateLimitedError when either is empty. A limiter that does not answer refuses with 503:
 * letting traffic through unmetered during a sale is how a flash sale falls over.
 */
export async function checkRateLimits(
  limiter: RateLimiter,
  limits: RateLimits,
  caller: { userId?: string; address?: string },
  now: Date,
): Promise<void> {
  const checks: Promise<{ allowed: boolean; retryAfterSeconds: number }>[] = [];
  if (limits.user && caller.userId) {
    checks.push(limiter.take(`u:${caller.userId}`, limits.user, now));
  }
  if (limits.address) {
    checks.push(limiter.take(`a:${caller.address ?? '?'}`, limits.address, now));
  }
  if (checks.length === 0) return;
  let results: { allowed: boolean; retryAfterSeconds: number }[];
  try {
    results = await Promise.all(checks);
  } catch (error) {
    throw error instanceof UnavailableError
      ? error
      : new UnavailableError('the rate limiter did not answer');
  }
  const refused = results.filter((r) => !r.allowed);
  if (refused.length > 0) {
    throw new RateLimitedError(Math.max(...refused.map((r) => r.retryAfterSeconds)));
  }
}

export function rateLimit(
  limiter: RateLimiter,
  limits: RateLimits,
  clock: () => Date,
): RequestHandler {
  return (req, _res, next) => {
    const caller = { userId: req.principal?.userId, address: req.socket.remoteAddress };
    checkRateLimits(limiter, limits, caller, clock()).then(() => next(), next);
  };
}
