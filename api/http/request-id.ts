import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

const GIVEN = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's request id, when it is sane, else a new one. */
export function requestIdOf(given: string | string[] | undefined): string {
  return typeof given === 'string' && GIVEN.test(given) ? given : randomUUID();
}

/** Every response carries X-Request-Id. */
export const requestId: RequestHandler = (req, res, next) => {
  res.setHeader('X-Request-Id', requestIdOf(req.headers['x-request-id']));
  next();
};
