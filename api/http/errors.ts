import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, ConcurrencyError } from '../../domain/errors';
import type { Logger } from '../../infra/log';
import { RateLimitedError, UnauthenticatedError } from './auth-errors';

/** The one place where error codes become HTTP statuses (docs/API.md, "Errors"). */
const STATUS_BY_CODE: Record<string, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  INVALID_SIGNATURE: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  SOLD_OUT: 409,
  LIMIT_EXCEEDED: 409,
  ORDER_NOT_PAYABLE: 409,
  ORDER_NOT_CANCELLABLE: 409,
  SKU_EXISTS: 409,
  IDEMPOTENCY_KEY_REUSED: 409,
  REBUILD_RUNNING: 409,
  PAYLOAD_TOO_LARGE: 413,
  AMOUNT_MISMATCH: 422,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
};

export type ErrorBody = {
  error: { code: string; message: string; details: Record<string, unknown> };
};

export function errorBody(code: string, message: string, details = {}): ErrorBody {
  return { error: { code, message, details } };
}

export const notFound: RequestHandler = (req, res) => {
  res.status(404).json(errorBody('NOT_FOUND', `no route for ${req.method} ${req.path}`));
};

/**
 * The headers an error answer carries besides its body: when to try again after a 429, and the
 * scheme a 401 asks for (RFC 6750; the webhook's INVALID_SIGNATURE is not a bearer challenge).
 */
export function errorHeaders(error: unknown): Record<string, string> {
  if (error instanceof RateLimitedError) return { 'Retry-After': String(error.retryAfterSeconds) };
  if (error instanceof UnauthenticatedError) {
    return { 'WWW-Authenticate': 'Bearer realm="flashsale", error="invalid_token"' };
  }
  return {};
}

/** What an error answers; anything unexpected is logged and answers 500. */
export function httpError(
  error: unknown,
  logger: Logger,
  requestId: unknown,
): { status: number; body: ErrorBody } {
  if (error instanceof ConcurrencyError) {
    // A command that gave up retrying, or had no safe retry: other writers kept moving the stream.
    // Not a code of docs/API.md; its 503 fits, since the append that lost wrote nothing.
    return {
      status: 503,
      body: errorBody(
        'UNAVAILABLE',
        'others changed the same data while the request ran; nothing was changed, try again',
        { streamId: error.streamId },
      ),
    };
  }
  if (error instanceof AppError) {
    return {
      status: STATUS_BY_CODE[error.code] ?? 500,
      body: errorBody(error.code, error.message, error.details),
    };
  }
  const status = (error as { status?: number; type?: string })?.status;
  if (status === 413) {
    return { status, body: errorBody('PAYLOAD_TOO_LARGE', 'the body is over 64 KiB') };
  }
  if (status === 400) {
    // Bodies are parsed by http/body.ts, whose errors are ValidationErrors: a bare 400 is
    // something else about the request, so it must not claim to be about JSON.
    return { status, body: errorBody('VALIDATION_FAILED', 'the request is malformed') };
  }
  logger.error({ err: error, requestId }, 'unhandled error');
  return {
    status: 500,
    body: errorBody('INTERNAL', 'something went wrong; the request id names it in the logs'),
  };
}

/**
 * Express decodes a path parameter when a route matches it; `/v1/skus/%zz` is no encoding of
 * anything, and the router's error for it is a URIError with status 400.
 */
function isBadPercentEncoding(error: unknown): boolean {
  return error instanceof URIError && (error as { status?: number }).status === 400;
}

export function badPercentEncoding(path: string): { status: number; body: ErrorBody } {
  const message =
    'the path is not valid percent-encoding: each % must start two hex digits, and what they spell must be UTF-8';
  return { status: 400, body: errorBody('VALIDATION_FAILED', message, { path }) };
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const { status, body } = isBadPercentEncoding(error)
      ? badPercentEncoding(req.path)
      : httpError(error, logger, res.getHeader('x-request-id'));
    res.set(errorHeaders(error)).status(status).json(body);
  };
}
