import { Router } from 'express';

/**
 * A router whose paths match only as written. Express matches without regard to case unless
 * told, while the purchase fast path (api/fast-purchase.ts) compares exactly: `GET /V1/ORDERS`
 * answered 200 where `POST /V1/Orders` was a 404. Every router of the API is made here so
 * that all of them agree with the fast path.
 */
export function caseSensitiveRouter(): Router {
  return Router({ caseSensitive: true });
}
