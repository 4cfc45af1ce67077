import {
  AppError,
  ConcurrencyError,
  NotFoundError,
  SoldOutError,
  UnavailableError,
  ValidationError,
} from '../../domain/errors';
import { RateLimitedError } from '../../api/http/auth-errors';

const FRAME = /\n\s+at /;

describe('AppError', () => {
  it('answers (sold out, not found, ...) carry their name, message and details but no stack frames', () => {
    const errors: AppError[] = [
      new SoldOutError('not enough stock for sku-1', { skuId: 'sku-1' }),
      new NotFoundError('no SKU sku-2'),
      new ValidationError('bad body'),
      new ConcurrencyError('order-1', '3', '4'),
      new RateLimitedError(2),
    ];
    for (const error of errors) {
      expect(error).toBeInstanceOf(Error);
      expect(error).toBeInstanceOf(AppError);
      expect(error.stack).not.toMatch(FRAME);
      expect(error.stack).toContain(error.message);
    }
    expect(errors[0]).toMatchObject({
      name: 'SoldOutError',
      code: 'SOLD_OUT',
      details: { skuId: 'sku-1' },
    });
    expect(errors[3]).toMatchObject({ streamId: 'order-1', expected: '3', actual: '4' });
    expect(errors[4]).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 2 });
  });

  it('a failure that gets logged (unavailable) keeps the stack of where it was raised', () => {
    const error = new UnavailableError('Redis did not answer');
    expect(error.stack).toMatch(FRAME);
    expect(error.stack).toContain('errors.unit.test.ts');
  });

  it('leaves the stack trace limit of everything else as it was', () => {
    const before = Error.stackTraceLimit;
    new SoldOutError('sold out');
    new UnavailableError('down');
    expect(Error.stackTraceLimit).toBe(before);
    expect(new Error('plain').stack).toMatch(FRAME);
  });
});
