import { inParallel } from '../support/http';
import { scanKeys } from '../redis/support';
import { startTestSystem, type TestSystem } from '../support/system';

/** Redis loses everything of this deployment while the service runs (a flush of its keys). */
describe('when Redis loses its data while the service runs', () => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem({}, { label: 'loss' });
    await t.listSku({ skuId: 'L1', stock: 50, perUserLimit: 2 });
  });
  afterAll(() => t.stop());

  const buy = (user: string, quantity = 1) =>
    t.http.post('/v1/orders', { items: [{ skuId: 'L1', quantity }] }, { token: t.customer(user) });

  it('When the keys vanish mid-sale, then purchases get 503 with nothing changed until the rebuild, and afterwards no unit is sold twice', async () => {
    const before = await inParallel(
      10,
      Array.from({ length: 20 }, (_, i) => () => buy(`b-${i}`)),
    );
    expect(before.every((r) => r.status === 201)).toBe(true);
    const pending = before[0]!.body.orderId;
    await t.http.post(`/v1/orders/${before[1]!.body.orderId}/cancel`, undefined, {
      token: t.customer('b-1'),
    });

    const keyed = (quantity: number) =>
      t.http.post(
        '/v1/orders',
        { items: [{ skuId: 'L1', quantity }] },
        { token: t.customer('idem-user'), headers: { 'idempotency-key': 'k-1' } },
      );
    const first = await keyed(1);
    expect(first.status).toBe(201);

    const started = Date.now();
    const keys = await scanKeys(t.redis, `{${t.prefix}}:*`);
    await t.redis.del(...keys);
    const during = await buy('during');
    expect([201, 503]).toContain(during.status);
    if (during.status === 503) expect(during.body.error.code).toBe('UNAVAILABLE');

    // The client retries its keyed purchase throughout the rebuild, five at a time.
    let rebuilt = false;
    const retries = (async () => {
      const answers: Awaited<ReturnType<typeof keyed>>[] = [];
      while (!rebuilt)
        answers.push(
          ...(await inParallel(
            5,
            Array.from({ length: 5 }, () => () => keyed(1)),
          )),
        );
      return answers;
    })();

    let available = -1;
    for (let i = 0; i < 100; i++) {
      const res = await t.http.get('/v1/skus/L1', { token: t.admin });
      if (res.status === 200) {
        available = res.body.available;
        break;
      }
      expect(res.status).toBe(503);
      await new Promise((r) => setTimeout(r, 100));
    }
    const recoveredMs = Date.now() - started;
    rebuilt = true;
    // Each retry answered 503 (nothing changed) or the first order again, never a new order.
    const retried = await retries;
    expect(retried.length).toBeGreaterThan(0);
    for (const r of retried) {
      if (r.status === 503) expect(r.body.error.code).toBe('UNAVAILABLE');
      else
        expect({ status: r.status, orderId: r.body.orderId }).toEqual({
          status: 201,
          orderId: first.body.orderId,
        });
    }
    const keyedOrders = await t.events(
      (e) => e.type === 'OrderPlaced' && (e.data as { userId: string }).userId === 'idem-user',
    );
    expect(keyedOrders).toHaveLength(1);
    console.log(
      `hot inventory back ${recoveredMs} ms after the keys vanished; ${retried.length} keyed retries meanwhile`,
    );
    const placedNow = (await t.events((e) => e.type === 'OrderPlaced')).length;
    expect(available).toBe(50 - (placedNow - 1));

    // Idempotency keys came back from the OrderPlaced metadata.
    const again = await keyed(1);
    expect(again.status).toBe(201);
    expect(again.body.orderId).toBe(first.body.orderId);
    expect((await keyed(2)).body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');

    // Holdings came back: b-0 holds 1 of its 2, so 2 more is over the limit.
    const over = await buy('b-0', 2);
    expect(over.status).toBe(409);
    expect(over.body.error.code).toBe('LIMIT_EXCEEDED');
    // Reservations came back: cancelling an order from before the loss returns its unit.
    expect(
      (await t.http.post(`/v1/orders/${pending}/cancel`, undefined, { token: t.customer('b-0') }))
        .status,
    ).toBe(200);

    const rush = await inParallel(
      20,
      Array.from({ length: 80 }, (_, i) => () => buy(`after-${i}`)),
    );
    expect(rush.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    const placed = await t.events((e) => e.type === 'OrderPlaced');
    const ended = await t.events((e) => e.type === 'OrderCancelled');
    expect(placed.length - ended.length).toBe(50);
    expect((await t.http.get('/v1/skus/L1', { token: t.admin })).body.available).toBe(0);
  }, 60_000);
});
