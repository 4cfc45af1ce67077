import type { RequestHandler } from 'express';
import { ForbiddenError, UnauthenticatedError } from './auth-errors';
import { verifyJwt, type Principal } from './jwt';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

const BEARER = 'bearer';
const isBlank = (code: number) => code === 0x20 || code === 0x09;

/**
 * The token of `Bearer <token>`: the scheme in any case (RFC 7235), then one or more spaces or
 * tabs. Read code by code, as this runs on every purchase: nothing is allocated but the token.
 */
function bearerToken(header: string): string | undefined {
  if (header.length < BEARER.length + 2) return undefined;
  for (let i = 0; i < BEARER.length; i += 1) {
    // Bit 0x20 lower-cases an ASCII capital; no other character lands on a letter of "bearer".
    if ((header.charCodeAt(i) | 0x20) !== BEARER.charCodeAt(i)) return undefined;
  }
  let start = BEARER.length;
  while (start < header.length && isBlank(header.charCodeAt(start))) start += 1;
  if (start === BEARER.length || start === header.length) return undefined;
  return header.slice(start);
}

/** Who the Authorization header says the caller is; throws UnauthenticatedError otherwise. */
export function principalFrom(
  header: string | undefined,
  secret: string,
  nowSeconds: number,
): Principal {
  if (!header) throw new UnauthenticatedError('Authorization: Bearer <token> is required');
  const token = bearerToken(header);
  if (!token) throw new UnauthenticatedError('Authorization must be "Bearer <token>"');
  return verifyJwt(token, secret, nowSeconds);
}

export function authenticate(secret: string, nowSeconds: () => number): RequestHandler {
  return (req, _res, next) => {
    try {
      req.principal = principalFrom(req.headers.authorization, secret, nowSeconds());
      next();
    } catch (error) {
      next(error);
    }
  };
}

export const requireAdmin: RequestHandler = (req, _res, next) => {
  next(req.principal?.role === 'admin' ? undefined : new ForbiddenError('admins only'));
};

export function principalOf(req: { principal?: Principal }): Principal {
  if (!req.principal) throw new UnauthenticatedError('not authenticated');
  return req.principal;
}
