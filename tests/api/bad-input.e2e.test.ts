import { signJwt, signWebhook } from '../../api';
import { startTestSystem, JWT_SECRET, WEBHOOK_SECRET, type TestSystem } from '../support/system';

type Case = {
  name: string;
  method?: 'GET' | 'POST';
  path?: string;
  token?: () => string | undefined;
  headers?: () => Record<string, string>;
  body?: unknown;
  raw?: string;
  status: number;
  code: string;
};

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const exp = () => Math.floor(Date.now() / 1000) + 600;
const line = { skuId: 'guarded', quantity: 1 };

describe('bad input', () => {
  let sys: TestSystem;
  let eventsBefore: number;

  beforeAll(async () => {
    sys = await startTestSystem({}, { label: 'bad' });
    await sys.listSku({ skuId: 'guarded', stock: 10 });
    eventsBefore = (await sys.events()).length;
  });
  afterAll(async () => {
    await sys.stop();
  });

  const customer = () => sys.customer('careful');
  const cases: Case[] = [
    // Authentication and authorization
    {
      name: 'no Authorization header',
      token: () => undefined,
      status: 401,
      code: 'UNAUTHENTICATED',
    },
    {
      name: 'no Authorization header on a route express serves',
      method: 'GET',
      path: '/v1/orders',
      token: () => undefined,
      status: 401,
      code: 'UNAUTHENTICATED',
    },
    {
      name: 'a token that is not a JWT',
      token: () => 'garbage',
      status: 401,
      code: 'UNAUTHENTICATED',
    },
    {
      name: 'Basic instead of Bearer',
      headers: () => ({ authorization: 'Basic YWRtaW46YWRtaW4=' }),
      token: () => undefined,
      status: 401,
      code: 'UNAUTHENTICATED',
    },
    {
      name: 'an expired token',
      token: () =>
        signJwt(
          { sub: 'u1', role: 'customer', exp: Math.floor(Date.now() / 1000) - 1 },
          JWT_SECRET,
        ),
      status: 401,
      code: 'UNAUTHENTICATED',
    },
    {
      name: 'a token with alg none',
      token: () =>
        `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'u1', role: 'admin', exp: exp() })}.`,
      status: 401,
      code: 'UNAUTHENTICATED',
    },
    {
      name: 'a token signed with another key',
      token: () =>
        signJwt({ sub: 'u1', role: 'customer', exp: exp() }, 'another-secret-0123456789abcdef'),
      status: 401,
      code: 'UNAUTHENTICATED',
    },
    {
      name: 'a token claiming HS512',
      token: () =>
        signJwt({ sub: 'u1', role: 'customer', exp: exp() }, JWT_SECRET, { alg: 'HS512' }),
      status: 401,
      code: 'UNAUTHENTICATED',
    },
    {
      name: 'a token without exp',
      token: () => signJwt({ sub: 'u1', role: 'customer' } as never, JWT_SECRET),
      status: 401,
      code: 'UNAUTHENTICATED',
    },
    {
      name: 'a token whose sub has a space',
      token: () => signJwt({ sub: 'u 1', role: 'customer', exp: exp() }, JWT_SECRET),
      status: 401,
      code: 'UNAUTHENTICATED',
    },
    {
      name: 'a token with an unknown role',
      token: () => signJwt({ sub: 'u1', role: 'root' as never, exp: exp() }, JWT_SECRET),
      status: 401,
      code: 'UNAUTHENTICATED',
    },
    {
      name: 'a customer listing a SKU',
      path: '/v1/admin/skus',
      body: { skuId: 'x1', name: 'X', price: 1, currency: 'EUR', stock: 1 },
      status: 403,
      code: 'FORBIDDEN',
    },
    {
      name: 'a customer restocking',
      path: '/v1/admin/skus/guarded/restock',
      body: { quantity: 5 },
      status: 403,
      code: 'FORBIDDEN',
    },
    // Bodies of POST /v1/orders
    { name: 'broken JSON', raw: '{"items": [', status: 400, code: 'VALIDATION_FAILED' },
    { name: 'an empty body', raw: '', status: 400, code: 'VALIDATION_FAILED' },
    { name: 'an array body', body: [line], status: 400, code: 'VALIDATION_FAILED' },
    { name: 'no items', body: {}, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'empty items', body: { items: [] }, status: 400, code: 'VALIDATION_FAILED' },
    {
      name: '21 lines',
      body: { items: Array.from({ length: 21 }, (_, i) => ({ skuId: `s${i}`, quantity: 1 })) },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'the same skuId twice',
      body: { items: [line, line] },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'quantity 0',
      body: { items: [{ skuId: 'guarded', quantity: 0 }] },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'quantity 101',
      body: { items: [{ skuId: 'guarded', quantity: 101 }] },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'a fractional quantity',
      body: { items: [{ skuId: 'guarded', quantity: 1.5 }] },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'a quantity as a string',
      body: { items: [{ skuId: 'guarded', quantity: '1' }] },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'an unknown field',
      body: { items: [line], coupon: 'FREE' },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'an unknown field in a line',
      body: { items: [{ ...line, unitPrice: 1 }] },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'a skuId of 65 characters',
      body: { items: [{ skuId: 'x'.repeat(65), quantity: 1 }] },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'a skuId with a slash',
      body: { items: [{ skuId: 'a/b', quantity: 1 }] },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'a body over 64 KiB',
      raw: JSON.stringify({ items: [line], pad: 'x'.repeat(70_000) }),
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    },
    {
      name: 'an Idempotency-Key of 129 characters',
      headers: () => ({ 'idempotency-key': 'k'.repeat(129) }),
      body: { items: [line] },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'an Idempotency-Key with a tab',
      headers: () => ({ 'idempotency-key': 'a\tb' }),
      body: { items: [line] },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    // Catalog (as admin)
    ...(
      [
        ['price 0', { price: 0 }],
        ['a negative price', { price: -5 }],
        ['a fractional price', { price: 19.99 }],
        ['a lower-case currency', { currency: 'eur' }],
        ['negative stock', { stock: -1 }],
        ['perUserLimit 0', { perUserLimit: 0 }],
        ['a missing name', { name: undefined }],
      ] as [string, Record<string, unknown>][]
    ).map(([name, change]): Case => ({
      name: `a SKU with ${name}`,
      path: '/v1/admin/skus',
      token: () => sys.admin,
      body: { skuId: 'fresh', name: 'Fresh', price: 100, currency: 'EUR', stock: 5, ...change },
      status: 400,
      code: 'VALIDATION_FAILED',
    })),
    {
      name: 'a SKU that exists',
      path: '/v1/admin/skus',
      token: () => sys.admin,
      body: { skuId: 'guarded', name: 'Again', price: 100, currency: 'EUR', stock: 5 },
      status: 409,
      code: 'SKU_EXISTS',
    },
    {
      name: 'a restock of 0',
      path: '/v1/admin/skus/guarded/restock',
      token: () => sys.admin,
      body: { quantity: 0 },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'a restock of an unknown SKU',
      path: '/v1/admin/skus/nope/restock',
      token: () => sys.admin,
      body: { quantity: 1 },
      status: 404,
      code: 'NOT_FOUND',
    },
    {
      name: 'a restock of a SKU id no SKU can have',
      path: '/v1/admin/skus/no%20such%21id/restock',
      token: () => sys.admin,
      body: { quantity: 1 },
      status: 404,
      code: 'NOT_FOUND',
    },
    {
      name: 'an unknown SKU',
      method: 'GET',
      path: '/v1/skus/nope',
      status: 404,
      code: 'NOT_FOUND',
    },
    {
      name: 'a payment for an order id that is not a UUID',
      path: '/v1/orders/not-a-uuid/payments',
      status: 404,
      code: 'NOT_FOUND',
    },
    // The provider callback, correctly signed but wrong inside
    ...(
      [
        ['missing fields', { status: 'SUCCEEDED' }],
        [
          'an unknown field',
          {
            paymentId: '0190f4a2-0000-7000-8000-000000000000',
            orderId: '0190f4a2-0000-7000-8000-000000000001',
            transactionId: 't',
            status: 'SUCCEEDED',
            amount: 1,
            currency: 'EUR',
            bonus: 1,
          },
        ],
        [
          'an unknown status',
          {
            paymentId: '0190f4a2-0000-7000-8000-000000000000',
            orderId: '0190f4a2-0000-7000-8000-000000000001',
            transactionId: 't',
            status: 'MAYBE',
            amount: 1,
            currency: 'EUR',
          },
        ],
      ] as [string, Record<string, unknown>][]
    ).map(([name, body]): Case => {
      const raw = JSON.stringify(body);
      return {
        name: `a signed callback with ${name}`,
        path: '/v1/payments/callback',
        token: () => undefined,
        headers: () => ({
          'x-payment-signature': signWebhook(raw, WEBHOOK_SECRET, Math.floor(Date.now() / 1000)),
        }),
        raw,
        status: 400,
        code: 'VALIDATION_FAILED',
      };
    }),
  ];

  it('has at least 30 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases.map((c) => [c.name, c] as const))(
    'When a request has %s, then it gets the documented error',
    async (_, c) => {
      const token = c.token ? c.token() : customer();
      const res = await sys.http.call(
        c.method ?? 'POST',
        c.path ?? '/v1/orders',
        c.raw === undefined ? c.body : undefined,
        {
          token,
          headers: c.headers?.(),
          raw: c.raw,
        },
      );
      expect({ status: res.status, code: res.body?.error?.code }).toEqual({
        status: c.status,
        code: c.code,
      });
      expect(res.body.error).toEqual({
        code: c.code,
        message: expect.any(String),
        details: expect.any(Object),
      });
      expect(res.headers.get('x-request-id')).toBeTruthy();
      // A 401 about the bearer token names its scheme (RFC 6750); no other error does.
      expect(res.headers.get('www-authenticate')).toBe(
        c.code === 'UNAUTHENTICATED' ? 'Bearer realm="flashsale", error="invalid_token"' : null,
      );
    },
  );

  it('When all of that is over, then no stock moved and no event was written', async () => {
    expect(await sys.available('guarded')).toBe(10);
    expect(await sys.events()).toHaveLength(eventsBefore);
  });
});
