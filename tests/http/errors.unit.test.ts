import { httpError } from '../../api/http/errors';
import { ConcurrencyError, SoldOutError, UnavailableError } from '../../domain/errors';
import { createLogger } from '../../infra/log';

const logger = createLogger({ level: 'silent' });

describe('errors as HTTP answers', () => {
  it('When a command gives up on a concurrency conflict, then it answers 503 UNAVAILABLE, a code of docs/API.md', () => {
    const { status, body } = httpError(new ConcurrencyError('sku-K1', '4', '5'), logger, 'r1');
    expect(status).toBe(503);
    expect(body).toEqual({
      error: {
        code: 'UNAVAILABLE',
        message: expect.stringMatching(/nothing was changed/),
        details: { streamId: 'sku-K1' },
      },
    });
  });

  it('When other errors of the system reach HTTP, then they keep their codes and statuses', () => {
    expect(httpError(new UnavailableError('down'), logger, 'r2')).toMatchObject({
      status: 503,
      body: { error: { code: 'UNAVAILABLE', message: 'down' } },
    });
    expect(httpError(new SoldOutError('gone', { skuId: 'K1' }), logger, 'r3')).toEqual({
      status: 409,
      body: { error: { code: 'SOLD_OUT', message: 'gone', details: { skuId: 'K1' } } },
    });
  });

  it('When an error of the framework with status 400 reaches HTTP, then it is VALIDATION_FAILED without claiming the body is not JSON', () => {
    const error = Object.assign(new Error('bad'), { status: 400 });
    expect(httpError(error, logger, 'r4')).toEqual({
      status: 400,
      body: {
        error: { code: 'VALIDATION_FAILED', message: 'the request is malformed', details: {} },
      },
    });
  });
});
