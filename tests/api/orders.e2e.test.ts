import { createHash, randomUUID } from 'node:crypto';
import { inParallel } from '../support/http';
import { startTestSystem, type TestSystem } from '../support/system';

describe('POST /v1/orders', () => {
  let sys: TestSystem;

  beforeAll(async () => {
    sys = await startTestSystem({}, { label: 'orders' });
  });
  afterAll(async () => {
    await sys.stop();
  });

  const placed = (skuId?: string) =>
    sys.events(
      (e) =>
        e.type === 'OrderPlaced' &&
        (!skuId || (e.data as { items: { skuId: string }[] }).items.some((i) => i.skuId === skuId)),
    );

  it('When 2,000 attempts from 500 users rush 100 units with a limit of 1, then exactly 100 orders exist, one per user at most, and nothing fails', async () => {
    await sys.listSku({ skuId: 'rush', stock: 100, perUserLimit: 1 });
    const users = Array.from({ length: 500 }, (_, i) => sys.customer(`rusher-${i}`));
    const results = await inParallel(
      100,
      Array.from(
        { length: 2_000 },
        (_, i) => () =>
          sys.http.post(
            '/v1/orders',
            { items: [{ skuId: 'rush', quantity: 1 }] },
            { token: users[i % 500] },
          ),
      ),
    );
    const byStatus = results.reduce<Record<number, number>>((acc, r) => {
      acc[r.status] = (acc[r.status] ?? 0) + 1;
      return acc;
    }, {});
    expect(byStatus[201]).toBe(100);
    expect(results.filter((r) => r.status >= 500)).toEqual([]);
    for (const r of results.filter((r) => r.status !== 201)) {
      expect(r.status).toBe(409);
      expect(['SOLD_OUT', 'LIMIT_EXCEEDED']).toContain(r.body.error.code);
    }
    expect(await sys.available('rush')).toBe(0);

    const events = await placed('rush');
    expect(events).toHaveLength(100);
    const buyers = events.map((e) => (e.data as { userId: string }).userId);
    expect(new Set(buyers).size).toBe(100);
    const accepted = results
      .filter((r) => r.status === 201)
      .map((r) => r.body.orderId)
      .sort();
    expect(events.map((e) => (e.data as { orderId: string }).orderId).sort()).toEqual(accepted);
  });

  it('When an order is placed, then the answer and the OrderPlaced event carry the snapshot price, total and deadline', async () => {
    await sys.listSku({ skuId: 'shape-a', stock: 10, price: 1250 });
    await sys.listSku({ skuId: 'shape-b', stock: 10, price: 99 });
    const before = Date.now();
    const res = await sys.http.post(
      '/v1/orders',
      {
        items: [
          { skuId: 'shape-a', quantity: 2 },
          { skuId: 'shape-b', quantity: 3 },
        ],
      },
      { token: sys.customer('shaper'), headers: { 'x-request-id': 'req-shape-1' } },
    );
    expect(res.status).toBe(201);
    expect(res.headers.get('x-request-id')).toBe('req-shape-1');
    expect(res.body).toEqual({
      orderId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/),
      status: 'PENDING',
      items: [
        { skuId: 'shape-a', quantity: 2, unitPrice: 1250 },
        { skuId: 'shape-b', quantity: 3, unitPrice: 99 },
      ],
      total: 2797,
      currency: 'EUR',
      expiresAt: expect.any(String),
      revision: 0,
    });
    expect(res.headers.get('location')).toBe(`/v1/orders/${res.body.orderId}`);
    const ttl = Date.parse(res.body.expiresAt) - before;
    expect(ttl).toBeGreaterThan(899_000);
    expect(ttl).toBeLessThan(905_000);
    const [event] = await sys.events((e) => e.streamId === `order-${res.body.orderId}`);
    expect(event!.type).toBe('OrderPlaced');
    expect(event!.metadata).toEqual({
      correlationId: 'req-shape-1',
      causationId: 'req-shape-1',
      userId: 'shaper',
    });
    expect(await sys.available('shape-a')).toBe(8);
    expect(await sys.available('shape-b')).toBe(7);
  });

  it('When the second line is sold out, then nothing at all is reserved', async () => {
    await sys.listSku({ skuId: 'aon-plenty', stock: 50 });
    await sys.listSku({ skuId: 'aon-scarce', stock: 1 });
    const res = await sys.http.post(
      '/v1/orders',
      {
        items: [
          { skuId: 'aon-plenty', quantity: 5 },
          { skuId: 'aon-scarce', quantity: 2 },
        ],
      },
      { token: sys.customer('aon') },
    );
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'SOLD_OUT', details: { skuId: 'aon-scarce' } });
    expect(await sys.available('aon-plenty')).toBe(50);
    expect(await sys.available('aon-scarce')).toBe(1);
    expect(await placed('aon-plenty')).toEqual([]);
  });

  it('When 20 identical requests share an Idempotency-Key, then they all answer the same order and stock is taken once', async () => {
    await sys.listSku({ skuId: 'idem', stock: 100 });
    const token = sys.customer('idem-user');
    const send = (body: unknown, key = 'key-1') =>
      sys.http.post('/v1/orders', body, { token, headers: { 'idempotency-key': key } });
    const body = { items: [{ skuId: 'idem', quantity: 3 }] };
    const results = await Promise.all(Array.from({ length: 20 }, () => send(body)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    const ids = new Set(results.map((r) => r.body.orderId));
    expect(ids.size).toBe(1);
    expect(results.every((r) => JSON.stringify(r.body) === JSON.stringify(results[0]!.body))).toBe(
      true,
    );
    expect(await sys.available('idem')).toBe(97);
    expect(await placed('idem')).toHaveLength(1);
    // The body's fingerprint keeps the form of earlier versions, so their keys still match.
    const [first] = await sys.events((e) => e.streamId === `order-${results[0]!.body.orderId}`);
    expect(first!.metadata).toMatchObject({
      idempotencyKey: 'key-1',
      idempotencyFingerprint: createHash('sha256').update('idem:3').digest('base64url'),
    });

    const other = await send({ items: [{ skuId: 'idem', quantity: 4 }] });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');

    // Keys belong to their user: another user's same key is another order.
    const stranger = await sys.http.post('/v1/orders', body, {
      token: sys.customer('idem-other'),
      headers: { 'idempotency-key': 'key-1' },
    });
    expect(stranger.status).toBe(201);
    expect(stranger.body.orderId).not.toBe(results[0]!.body.orderId);
    expect(await sys.available('idem')).toBe(94);
  });

  it('When the per-user limit would be passed across orders, then the order is refused with LIMIT_EXCEEDED', async () => {
    await sys.listSku({ skuId: 'limited', stock: 100, perUserLimit: 3 });
    const token = sys.customer('greedy');
    const first = await sys.http.post(
      '/v1/orders',
      { items: [{ skuId: 'limited', quantity: 2 }] },
      { token },
    );
    expect(first.status).toBe(201);
    const second = await sys.http.post(
      '/v1/orders',
      { items: [{ skuId: 'limited', quantity: 2 }] },
      { token },
    );
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      details: { skuId: 'limited' },
    });
    expect(await sys.available('limited')).toBe(98);
  });

  it('When a SKU is unknown, then the order is 404 and nothing is reserved', async () => {
    await sys.listSku({ skuId: 'known', stock: 5 });
    const res = await sys.http.post(
      '/v1/orders',
      {
        items: [
          { skuId: 'known', quantity: 1 },
          { skuId: 'never-listed', quantity: 1 },
        ],
      },
      { token: sys.customer('lost') },
    );
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'NOT_FOUND', details: { skuId: 'never-listed' } });
    expect(await sys.available('known')).toBe(5);
  });

  it('When lines are priced in two currencies, then the order is refused and nothing is reserved', async () => {
    await sys.listSku({ skuId: 'in-eur', stock: 5, currency: 'EUR' });
    await sys.listSku({ skuId: 'in-usd', stock: 5, currency: 'USD' });
    const res = await sys.http.post(
      '/v1/orders',
      {
        items: [
          { skuId: 'in-eur', quantity: 1 },
          { skuId: 'in-usd', quantity: 1 },
        ],
      },
      { token: sys.customer('mixer') },
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(await sys.available('in-eur')).toBe(5);
    expect(await sys.available('in-usd')).toBe(5);
  });

  it('When the path has a trailing slash or a query string, then it is still a purchase, and other paths are not', async () => {
    await sys.listSku({ skuId: 'slash', stock: 5 });
    const body = { items: [{ skuId: 'slash', quantity: 1 }] };
    const token = sys.customer('slasher');
    for (const path of ['/v1/orders/', '/v1/orders?via=link', '/v1/orders/?via=link']) {
      const res = await sys.http.post(path, body, { token });
      expect({ path, status: res.status }).toEqual({ path, status: 201 });
    }
    const other = await sys.http.post('/v1/ordersx', body, { token });
    expect(other.status).toBe(404);
    expect(await sys.available('slash')).toBe(2);
  });

  it.each([
    ['payments', 'malformed JSON', '{bad'],
    ['payments', 'a field the route does not take', '{"amount":1}'],
    ['payments', 'a JSON array', '[]'],
    ['cancel', 'malformed JSON', '{oops'],
    ['cancel', 'a field the route does not take', '{"reason":"changed my mind"}'],
  ])(
    'When POST /%s is sent %s, then 400 VALIDATION_FAILED and the order is unchanged',
    async (action, _what, raw) => {
      const skuId = `body-${randomUUID().slice(0, 8)}`;
      await sys.listSku({ skuId, stock: 5 });
      const token = sys.customer(`bodied-${action}`);
      const placed = await sys.http.post(
        '/v1/orders',
        { items: [{ skuId, quantity: 1 }] },
        { token },
      );
      const { orderId } = placed.body;
      const res = await sys.http.post(`/v1/orders/${orderId}/${action}`, undefined, {
        token,
        raw,
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      const types = (await sys.events((e) => e.streamId === `order-${orderId}`)).map((e) => e.type);
      expect(types).toEqual(['OrderPlaced']);
    },
  );

  it('When POST /payments and /cancel are sent no body or {}, then they act', async () => {
    await sys.listSku({ skuId: 'body-empty', stock: 5 });
    const token = sys.customer('unbodied');
    const place = async () =>
      (
        await sys.http.post(
          '/v1/orders',
          { items: [{ skuId: 'body-empty', quantity: 1 }] },
          { token },
        )
      ).body.orderId as string;
    const [a, b] = [await place(), await place()];
    expect((await sys.http.post(`/v1/orders/${a}/payments`, {}, { token })).status).toBe(201);
    expect((await sys.http.post(`/v1/orders/${a}/cancel`, undefined, { token })).status).toBe(200);
    expect((await sys.http.post(`/v1/orders/${b}/cancel`, {}, { token })).status).toBe(200);
  });
});
