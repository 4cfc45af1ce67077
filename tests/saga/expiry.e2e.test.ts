import { inParallel } from '../support/http';
import { testTopicPrefix } from '../support/kafka';
import { startTestSystem, type TestSystem } from '../support/system';

/** Reservation timeouts end to end: api, relay and saga in one process, a 2 s time-to-live. */
describe('the saga', () => {
  let t: TestSystem;
  const topics = testTopicPrefix('saga');

  beforeAll(async () => {
    t = await startTestSystem(
      { ROLES: 'api,relay,saga', KAFKA_TOPIC_PREFIX: topics.prefix, RESERVATION_TTL_SECONDS: '2' },
      { label: 'saga' },
    );
    await t.listSku({ skuId: 'S1', stock: 400 });
  });
  afterAll(async () => {
    await t.stop();
    await topics.drop();
  });

  it('When 400 orders are never paid, then each expires exactly once, soon after its deadline, and every unit comes back; paid and cancelled ones do not expire', async () => {
    const placed = await inParallel(
      50,
      Array.from({ length: 400 }, (_, i) => async () => {
        const res = await t.http.post(
          '/v1/orders',
          { items: [{ skuId: 'S1', quantity: 1 }] },
          { token: t.customer(`s-${i}`) },
        );
        expect(res.status).toBe(201);
        return { orderId: res.body.orderId as string, user: `s-${i}` };
      }),
    );
    // 400 accepted on 400 units: sold out (the first may already be expiring: 2 s is short).
    const [paid, cancelled] = placed;
    const pay = await t.http.post(`/v1/orders/${paid!.orderId}/payments`, undefined, {
      token: t.customer(paid!.user),
    });
    await t.callback({
      paymentId: pay.body.paymentId,
      orderId: paid!.orderId,
      transactionId: 'tx-saga',
      status: 'SUCCEEDED',
      amount: 1999,
      currency: 'EUR',
    });
    await t.http.post(`/v1/orders/${cancelled!.orderId}/cancel`, undefined, {
      token: t.customer(cancelled!.user),
    });

    const deadline = Date.now() + 60_000;
    let expired = await t.events((e) => e.type === 'OrderExpired');
    while (expired.length < 398 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      expired = await t.events((e) => e.type === 'OrderExpired');
    }
    const ids = expired.map((e) => (e.data as { orderId: string }).orderId);
    expect(ids).toHaveLength(398);
    expect(new Set(ids).size).toBe(398);
    expect(ids).not.toContain(paid!.orderId);
    expect(ids).not.toContain(cancelled!.orderId);
    expect(expired.every((e) => e.metadata.userId === 'system:saga')).toBe(true);
    // Each expiry carries the correlation id of the request that placed its order, and names the
    // OrderPlaced event as its cause: one grep follows an order from its request to its end.
    const placedEvents = new Map(
      (await t.events((e) => e.type === 'OrderPlaced')).map((e) => [
        (e.data as { orderId: string }).orderId,
        e,
      ]),
    );
    for (const e of expired) {
      const placedEvent = placedEvents.get((e.data as { orderId: string }).orderId)!;
      expect(e.metadata.correlationId).toBe(placedEvent.metadata.correlationId);
      expect(e.metadata.causationId).toBe(placedEvent.id);
    }

    // Every reservation released: all but the sold unit are back on sale.
    for (let i = 0; i < 100 && (await t.available('S1')) < 399; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await t.available('S1')).toBe(399);

    const placedAt = new Map(
      (await t.events((e) => e.type === 'OrderPlaced')).map((e) => [
        (e.data as { orderId: string }).orderId,
        new Date((e.data as { expiresAt: string }).expiresAt).getTime(),
      ]),
    );
    const delays = expired
      .map((e) => e.recordedAt.getTime() - placedAt.get((e.data as { orderId: string }).orderId)!)
      .sort((a, b) => a - b);
    const p = (q: number) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))];
    console.log(
      `expiry delay after the deadline: p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${delays.at(-1)} ms`,
    );
    expect(delays[0]).toBeGreaterThanOrEqual(0);
  }, 120_000);
});
