import { randomUUID } from 'node:crypto';
import { startTestSystem, type TestSystem } from '../support/system';

describe('the admin audit of an order', () => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem({}, { label: 'audit' });
    const listed = await t.listSku({ skuId: 'AU1', stock: 5 });
    // docs/API.md: exactly these fields.
    expect(listed).toEqual({
      skuId: 'AU1',
      name: 'SKU AU1',
      price: 1999,
      currency: 'EUR',
      stock: 5,
      available: 5,
      perUserLimit: null,
    });
  });
  afterAll(() => t.stop());

  it('When an order was placed and paid, then its history shows every event with who and what caused it', async () => {
    const token = t.customer('dora');
    const placed = await t.http.post(
      '/v1/orders',
      { items: [{ skuId: 'AU1', quantity: 1 }] },
      { token, headers: { 'x-request-id': 'req-place-1' } },
    );
    const orderId = placed.body.orderId;
    const payment = await t.http.post(`/v1/orders/${orderId}/payments`, undefined, {
      token,
      headers: { 'x-request-id': 'req-pay-1' },
    });
    await t.callback({
      paymentId: payment.body.paymentId,
      orderId,
      transactionId: 'tx-audit',
      status: 'SUCCEEDED',
      amount: 1999,
      currency: 'EUR',
    });

    const res = await t.http.get(`/v1/admin/orders/${orderId}/events`, { token: t.admin });
    expect(res.status).toBe(200);
    expect(res.body.streamId).toBe(`order-${orderId}`);
    expect(res.body.events.map((e: { type: string }) => e.type)).toEqual([
      'OrderPlaced',
      'PaymentInitiated',
      'PaymentCompleted',
    ]);
    expect(res.body.events.map((e: { revision: number }) => e.revision)).toEqual([0, 1, 2]);
    const [first, second] = res.body.events;
    expect(first.metadata).toEqual({
      correlationId: 'req-place-1',
      causationId: 'req-place-1',
      userId: 'dora',
    });
    expect(second.metadata.correlationId).toBe('req-pay-1');
    expect(first.data).toMatchObject({ orderId, userId: 'dora', total: 1999 });
    expect(second.position).toBeGreaterThan(first.position);
    expect(new Date(first.recordedAt).toISOString()).toBe(first.recordedAt);
  });

  it('When a customer asks, then 403; when the order does not exist, then 404', async () => {
    const id = randomUUID();
    const customer = await t.http.get(`/v1/admin/orders/${id}/events`, {
      token: t.customer('dora'),
    });
    expect(customer.status).toBe(403);
    expect(customer.body.error.code).toBe('FORBIDDEN');
    const missing = await t.http.get(`/v1/admin/orders/${id}/events`, { token: t.admin });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
    expect(missing.body.error.details).toEqual({ orderId: id });
    // An id no order can have is as unknown as any, and named the same way.
    const malformed = await t.http.get('/v1/admin/orders/xyz/events', { token: t.admin });
    expect(malformed.status).toBe(404);
    expect(malformed.body.error.details).toEqual({ orderId: 'xyz' });
  });
});
