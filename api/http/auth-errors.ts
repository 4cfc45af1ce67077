import { AppError } from '../../domain/errors';

export class UnauthenticatedError extends AppError {
  readonly code = 'UNAUTHENTICATED';
}

export class InvalidSignatureError extends AppError {
  readonly code = 'INVALID_SIGNATURE';
}

export class ForbiddenError extends AppError {
  readonly code = 'FORBIDDEN';
}

export class PayloadTooLargeError extends AppError {
  readonly code = 'PAYLOAD_TOO_LARGE';
}

export class RateLimitedError extends AppError {
  readonly code = 'RATE_LIMITED';
  constructor(readonly retryAfterSeconds: number) {
    super(`too many requests; retry after ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
}
