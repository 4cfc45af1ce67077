import { startTestSystem, type TestSystem } from '../support/system';

describe('the hot inventory at start-up', () => {
  let first: TestSystem | undefined;
  let second: TestSystem | undefined;
  afterAll(async () => {
    await second?.stop();
    await first?.stop({ keepDatabase: second !== undefined });
  });

  it('When the service starts over a Redis that lost everything, then stock, holdings and reservations come back from the event store', async () => {
    first = await startTestSystem({}, { label: 'restore' });
    const t = first;
    await t.listSku({ skuId: 'R1', stock: 10, perUserLimit: 2 });
    const order = async (user: string, quantity: number) => {
      const res = await t.http.post(
        '/v1/orders',
        { items: [{ skuId: 'R1', quantity }] },
        { token: t.customer(user) },
      );
      expect(res.status).toBe(201);
      return res.body.orderId as string;
    };
    const pending = await order('u1', 2);
    const paid = await order('u2', 1);
    const cancelled = await order('u3', 1);
    const payment = await t.http.post(`/v1/orders/${paid}/payments`, undefined, {
      token: t.customer('u2'),
    });
    expect(
      (
        await t.callback({
          paymentId: payment.body.paymentId,
          orderId: paid,
          transactionId: 'tx-1',
          status: 'SUCCEEDED',
          amount: 1999,
          currency: 'EUR',
        })
      ).status,
    ).toBe(200);
    expect(
      (await t.http.post(`/v1/orders/${cancelled}/cancel`, undefined, { token: t.customer('u3') }))
        .status,
    ).toBe(200);
    expect(await t.available('R1')).toBe(7);

    // A new process with a key prefix Redis has never seen: nothing of the hot inventory is there.
    second = await startTestSystem({}, { database: t.database });
    const s = second;
    expect(await s.available('R1')).toBe(7);
    const again = await s.http.post(
      '/v1/orders',
      { items: [{ skuId: 'R1', quantity: 1 }] },
      { token: s.customer('u1') },
    );
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('LIMIT_EXCEEDED');
    const cancel = await s.http.post(`/v1/orders/${pending}/cancel`, undefined, {
      token: s.customer('u1'),
    });
    expect(cancel.status).toBe(200);
    expect(await s.available('R1')).toBe(9);
    const sku = await s.redis.hgetall(`{${s.prefix}}:sku:R1`);
    expect([sku.stocked, sku.sold]).toEqual(['10', '1']);
  });
});
