/**
 * The few errors the system raises on purpose. Each has a stable `code`; the HTTP layer maps codes
 * to statuses in one place, so nothing else needs to know about HTTP.
 */
export abstract class AppError extends Error {
  abstract readonly code: string;
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  readonly code = 'VALIDATION_FAILED';
}

export class NotFoundError extends AppError {
  readonly code = 'NOT_FOUND';
}

/** An append whose expected revision did not match the stream's: re-read and decide again. */
export class ConcurrencyError extends AppError {
  readonly code = 'CONCURRENCY_CONFLICT';
  constructor(
    readonly streamId: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`stream ${streamId} is at revision ${actual}, expected ${expected}`, {
      streamId,
      expected,
      actual,
    });
  }
}

/** A dependency did not answer; nothing was changed. */
export class UnavailableError extends AppError {
  readonly code = 'UNAVAILABLE';
}

export class SoldOutError extends AppError {
  readonly code = 'SOLD_OUT';
}

export class LimitExceededError extends AppError {
  readonly code = 'LIMIT_EXCEEDED';
}

export class OrderNotPayableError extends AppError {
  readonly code = 'ORDER_NOT_PAYABLE';
}

export class OrderNotCancellableError extends AppError {
  readonly code = 'ORDER_NOT_CANCELLABLE';
}

export class SkuExistsError extends AppError {
  readonly code = 'SKU_EXISTS';
}

export class IdempotencyKeyReusedError extends AppError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
}

/** A payment callback whose amount or currency is not the payment's. */
export class AmountMismatchError extends AppError {
  readonly code = 'AMOUNT_MISMATCH';
}
