import type { RequestHandler } from 'express';
import { ForbiddenError, UnauthenticatedError } from './auth-errors';
import { verifyJwt, type Principal } from './jwt';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

/** Who the Authorization header says the caller is; throws UnauthenticatedError otherwise. */
export function principalFrom(
  header: string | undefined,
  secret: string,
  nowSeconds: number,
): Principal {
  if (!header) throw new UnauthenticatedError('Authorization: Bearer <token> is required');
  const [scheme, token] = header.split(' ');
  if (scheme !== 'Bearer' || !token) {
    throw new UnauthenticatedError('Authorization must be "Bearer <token>"');
  }
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
