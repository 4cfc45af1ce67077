import { randomUUID } from 'node:crypto';
import { signWebhook } from '../../api';
import { makeExpireOrder } from '../../commands';
import { RedisReservationStore } from '../../infra/redis';
import { startTestSystem, WEBHOOK_SECRET, type TestSystem } from '../support/system';

describe('payments', () => {
  let sys: TestSystem;
  let reservations: RedisReservationStore;

  beforeAll(async () => {
    sys = await startTestSystem({}, { label: 'pay' });
    reservations = new RedisReservationStore(sys.redis, { prefix: sys.prefix });
    await sys.listSku({ skuId: 'pay', stock: 1_000, price: 500 });
  });
  afterAll(async () => {
    await sys.stop();
  });

  async function order(userId = `payer-${randomUUID().slice(0, 8)}`, quantity = 2) {
    const token = sys.customer(userId);
    const res = await sys.http.post(
      '/v1/orders',
      { items: [{ skuId: 'pay', quantity }] },
      { token },
    );
    expect(res.status).toBe(201);
    return { orderId: res.body.orderId as string, token, total: res.body.total as number };
  }

  async function pay(orderId: string, token: string) {
    const res = await sys.http.post(`/v1/orders/${orderId}/payments`, undefined, { token });
    expect(res.status).toBe(201);
    return res.body as { paymentId: string; amount: number; currency: string };
  }

  const callbackOf = (
    orderId: string,
    payment: { paymentId: string; amount: number; currency: string },
    status: 'SUCCEEDED' | 'FAILED',
    transactionId = `tx-${randomUUID()}`,
  ) => ({
    paymentId: payment.paymentId,
    orderId,
    transactionId,
    status,
    amount: payment.amount,
    currency: payment.currency,
  });

  const typesOf = async (orderId: string) =>
    (await sys.events((e) => e.streamId === `order-${orderId}`)).map((e) => e.type);

  it('When a PENDING order is paid, then it is CONFIRMED and its reservation becomes a sale', async () => {
    const { orderId, token, total } = await order();
    const payment = await pay(orderId, token);
    expect(payment).toEqual({
      paymentId: expect.any(String),
      orderId,
      amount: total,
      currency: 'EUR',
      status: 'PENDING',
    });
    expect(await reservations.getReservation(orderId)).not.toBeNull();

    const res = await sys.callback(callbackOf(orderId, payment, 'SUCCEEDED'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ orderId, orderStatus: 'CONFIRMED', paymentStatus: 'COMPLETED' });
    expect(await typesOf(orderId)).toEqual(['OrderPlaced', 'PaymentInitiated', 'PaymentCompleted']);
    expect(await reservations.getReservation(orderId)).toBeNull();
    const sku = await reservations.getSku('pay');
    expect(sku!.sold).toBeGreaterThanOrEqual(2);
  });

  it('When an attempt fails, then the order stays PENDING and a new attempt can pay it', async () => {
    const { orderId, token } = await order();
    const first = await pay(orderId, token);
    const failed = await sys.callback({
      ...callbackOf(orderId, first, 'FAILED'),
      reason: 'card declined',
    });
    expect(failed.body).toEqual({ orderId, orderStatus: 'PENDING', paymentStatus: 'FAILED' });
    const second = await pay(orderId, token);
    expect(second.paymentId).not.toBe(first.paymentId);
    const ok = await sys.callback(callbackOf(orderId, second, 'SUCCEEDED'));
    expect(ok.body).toEqual({ orderId, orderStatus: 'CONFIRMED', paymentStatus: 'COMPLETED' });
    expect(await typesOf(orderId)).toEqual([
      'OrderPlaced',
      'PaymentInitiated',
      'PaymentFailed',
      'PaymentInitiated',
      'PaymentCompleted',
    ]);
  });

  it('When the same transaction is delivered 50 times at once, then it is applied once and every delivery gets the same answer', async () => {
    const { orderId, token } = await order();
    const payment = await pay(orderId, token);
    const body = callbackOf(orderId, payment, 'SUCCEEDED', 'tx-dup-50');
    const results = await Promise.all(Array.from({ length: 50 }, () => sys.callback(body)));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    for (const r of results)
      expect(r.body).toEqual({ orderId, orderStatus: 'CONFIRMED', paymentStatus: 'COMPLETED' });
    expect((await typesOf(orderId)).filter((t) => t === 'PaymentCompleted')).toHaveLength(1);
  });

  it('When 50 successes with different transactions come at once for one attempt, then each is answered 200: one paid, the others refunded', async () => {
    const { orderId, token } = await order();
    const payment = await pay(orderId, token);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        sys.callback(callbackOf(orderId, payment, 'SUCCEEDED', `tx-rush-${i}`)),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    const statuses = results.map((r) => r.body.paymentStatus as string);
    expect(statuses.filter((s) => s === 'COMPLETED')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'REFUNDED')).toHaveLength(49);
    const types = await typesOf(orderId);
    expect(types.filter((t) => t === 'PaymentCompleted')).toHaveLength(1);
    expect(types.filter((t) => t === 'PaymentRefunded')).toHaveLength(49);
  });

  it('When a second success with another transaction comes for a CONFIRMED order, then that money is refunded', async () => {
    const { orderId, token } = await order();
    const payment = await pay(orderId, token);
    await sys.callback(callbackOf(orderId, payment, 'SUCCEEDED'));
    const available = await sys.available('pay');
    const again = await sys.callback(callbackOf(orderId, payment, 'SUCCEEDED', 'tx-second'));
    expect(again.body).toEqual({ orderId, orderStatus: 'CONFIRMED', paymentStatus: 'REFUNDED' });
    const events = await sys.events((e) => e.streamId === `order-${orderId}`);
    expect(events.at(-1)).toMatchObject({
      type: 'PaymentRefunded',
      data: { reason: 'ALREADY_PAID', transactionId: 'tx-second' },
    });
    expect(await sys.available('pay')).toBe(available);
  });

  it('When a success arrives for a CANCELLED order, then it is refunded and stock is not taken again', async () => {
    const { orderId, token } = await order();
    const payment = await pay(orderId, token);
    const before = await sys.available('pay');
    const cancelled = await sys.http.post(`/v1/orders/${orderId}/cancel`, undefined, { token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toEqual({ orderId, status: 'CANCELLED' });
    expect(await sys.available('pay')).toBe(before + 2);

    const late = await sys.callback(callbackOf(orderId, payment, 'SUCCEEDED'));
    expect(late.body).toEqual({ orderId, orderStatus: 'CANCELLED', paymentStatus: 'REFUNDED' });
    expect(await typesOf(orderId)).toEqual([
      'OrderPlaced',
      'PaymentInitiated',
      'OrderCancelled',
      'PaymentRefunded',
    ]);
    expect(await sys.available('pay')).toBe(before + 2);
  });

  it('When a success arrives for an EXPIRED order, then it is refunded and stock is not taken again', async () => {
    const short = await startTestSystem({ RESERVATION_TTL_SECONDS: '1' }, { label: 'payexp' });
    try {
      await short.listSku({ skuId: 'brief', stock: 10 });
      const token = short.customer('late-payer');
      const placed = await short.http.post(
        '/v1/orders',
        { items: [{ skuId: 'brief', quantity: 1 }] },
        { token },
      );
      const payment = (
        await short.http.post(`/v1/orders/${placed.body.orderId}/payments`, undefined, { token })
      ).body;
      await new Promise((r) => setTimeout(r, 1_100));
      const expire = makeExpireOrder({
        eventStore: short.store,
        reservations: new RedisReservationStore(short.redis, { prefix: short.prefix }),
        clock: () => new Date(),
      });
      expect(
        await expire(placed.body.orderId, { correlationId: 'saga-test', userId: 'saga' }),
      ).toEqual({
        expired: true,
        status: 'EXPIRED',
      });
      expect(await short.available('brief')).toBe(10);

      const late = await short.callback(callbackOf(placed.body.orderId, payment, 'SUCCEEDED'));
      expect(late.body).toEqual({
        orderId: placed.body.orderId,
        orderStatus: 'EXPIRED',
        paymentStatus: 'REFUNDED',
      });
      expect(await short.available('brief')).toBe(10);
      const again = await short.http.post(`/v1/orders/${placed.body.orderId}/payments`, undefined, {
        token,
      });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('ORDER_NOT_PAYABLE');
    } finally {
      await short.stop();
    }
  });

  it('When the amount or currency differs from the payment, then 422 and nothing changes', async () => {
    const { orderId, token } = await order();
    const payment = await pay(orderId, token);
    const wrongAmount = await sys.callback({
      ...callbackOf(orderId, payment, 'SUCCEEDED'),
      amount: payment.amount - 1,
    });
    expect(wrongAmount.status).toBe(422);
    expect(wrongAmount.body.error.code).toBe('AMOUNT_MISMATCH');
    const wrongCurrency = await sys.callback({
      ...callbackOf(orderId, payment, 'SUCCEEDED'),
      currency: 'USD',
    });
    expect(wrongCurrency.status).toBe(422);
    expect(await typesOf(orderId)).toEqual(['OrderPlaced', 'PaymentInitiated']);
  });

  it('When a callback races a cancel on each of 30 orders, then exactly one wins each time and stock agrees', async () => {
    const before = await sys.available('pay');
    const orders = await Promise.all(Array.from({ length: 30 }, () => order(undefined, 1)));
    const payments = await Promise.all(orders.map((o) => pay(o.orderId, o.token)));
    const outcomes = await Promise.all(
      orders.map(async (o, i) => {
        const [cancel, callback] = await Promise.all([
          sys.http.post(`/v1/orders/${o.orderId}/cancel`, undefined, { token: o.token }),
          sys.callback(callbackOf(o.orderId, payments[i]!, 'SUCCEEDED')),
        ]);
        return { o, cancel, callback };
      }),
    );
    let confirmed = 0;
    for (const { o, cancel, callback } of outcomes) {
      const types = await typesOf(o.orderId);
      expect(callback.status).toBe(200);
      if (types.includes('PaymentCompleted')) {
        confirmed += 1;
        expect(types).not.toContain('OrderCancelled');
        expect(cancel.status).toBe(409);
        expect(cancel.body.error.code).toBe('ORDER_NOT_CANCELLABLE');
        expect(callback.body.orderStatus).toBe('CONFIRMED');
      } else {
        expect(types).toEqual([
          'OrderPlaced',
          'PaymentInitiated',
          'OrderCancelled',
          'PaymentRefunded',
        ]);
        expect(cancel.status).toBe(200);
        expect(callback.body).toEqual({
          orderId: o.orderId,
          orderStatus: 'CANCELLED',
          paymentStatus: 'REFUNDED',
        });
      }
      expect(await reservations.getReservation(o.orderId)).toBeNull();
    }
    expect(await sys.available('pay')).toBe(before - confirmed);
  });

  it('When a customer pays or cancels an order that is not theirs, then it does not exist for them', async () => {
    const { orderId } = await order('owner');
    const other = sys.customer('intruder');
    const payRes = await sys.http.post(`/v1/orders/${orderId}/payments`, undefined, {
      token: other,
    });
    expect(payRes.status).toBe(404);
    const cancelRes = await sys.http.post(`/v1/orders/${orderId}/cancel`, undefined, {
      token: other,
    });
    expect(cancelRes.status).toBe(404);
    expect(await typesOf(orderId)).toEqual(['OrderPlaced']);
    const unknown = await sys.http.post(`/v1/orders/${randomUUID()}/payments`, undefined, {
      token: other,
    });
    expect(unknown.status).toBe(404);
  });

  describe('signatures', () => {
    let orderId: string;
    let body: Record<string, unknown>;
    const now = () => Math.floor(Date.now() / 1000);

    beforeAll(async () => {
      const o = await order();
      orderId = o.orderId;
      body = callbackOf(orderId, await pay(orderId, o.token), 'SUCCEEDED');
    });

    it.each([
      ['missing', () => null],
      ['malformed', () => 'v1=abc,t=1'],
      [
        'signed with another key',
        () => signWebhook(JSON.stringify(body), 'not-the-provider-key-0000', now()),
      ],
      ['more than 300 s old', () => signWebhook(JSON.stringify(body), WEBHOOK_SECRET, now() - 301)],
      [
        'from more than 300 s ahead',
        () => signWebhook(JSON.stringify(body), WEBHOOK_SECRET, now() + 301),
      ],
      [
        'over a body altered after signing',
        () => signWebhook(JSON.stringify({ ...body, amount: 1 }), WEBHOOK_SECRET, now()),
      ],
    ])('When the signature is %s, then 401 and nothing changes', async (_, signature) => {
      const header = signature();
      const res = await sys.http.post('/v1/payments/callback', body, {
        headers: header === null ? {} : { 'x-payment-signature': header },
      });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('INVALID_SIGNATURE');
      expect(await typesOf(orderId)).toEqual(['OrderPlaced', 'PaymentInitiated']);
    });

    it('When a body is not JSON and not signed, then 401 comes before any parsing', async () => {
      const res = await sys.http.post('/v1/payments/callback', undefined, { raw: '{broken' });
      expect(res.status).toBe(401);
    });
  });

  it("When a customer whose id is a system actor's name pays, then the audit trail still tells the customer from the provider", async () => {
    const { orderId, token } = await order('payment-provider');
    const payment = await pay(orderId, token);
    const res = await sys.callback(callbackOf(orderId, payment, 'SUCCEEDED'));
    expect(res.status).toBe(200);
    const trail = await sys.events((e) => e.streamId === `order-${orderId}`);
    expect(trail.map((e) => [e.type, e.metadata.userId])).toEqual([
      ['OrderPlaced', 'payment-provider'],
      ['PaymentInitiated', 'payment-provider'],
      ['PaymentCompleted', 'system:payment-provider'],
    ]);
  });
});
