import { RedisReservationStore } from '../../infra/redis';
import { testTopicPrefix } from '../support/kafka';
import { caughtUp } from '../support/read-models';
import { startTestSystem, type TestSystem } from '../support/system';

const TTL_SECONDS = 3;
const TERMINAL = ['PaymentCompleted', 'OrderExpired', 'OrderCancelled'];

/**
 * The deadline decides even when the saga has not fired: with no saga running, commands that
 * come just after expiresAt answer as they would for an EXPIRED order, record the expiry
 * themselves, and give the stock back.
 */
describe('commands past the deadline, with no saga running', () => {
  let t: TestSystem;
  let reservations: RedisReservationStore;
  const topics = testTopicPrefix('deadline');

  beforeAll(async () => {
    t = await startTestSystem(
      {
        ROLES: 'api,relay,projector',
        KAFKA_TOPIC_PREFIX: topics.prefix,
        RESERVATION_TTL_SECONDS: String(TTL_SECONDS),
      },
      { label: 'deadline' },
    );
    reservations = new RedisReservationStore(t.redis, { prefix: t.prefix });
    await t.listSku({ skuId: 'D1', stock: 10 });
  });
  afterAll(async () => {
    await t.stop();
    await topics.drop();
  });

  const typesOf = async (orderId: string) =>
    (await t.events((e) => e.streamId === `order-${orderId}`)).map((e) => e.type);

  async function place(user: string) {
    const token = t.customer(user);
    const res = await t.http.post(
      '/v1/orders',
      { items: [{ skuId: 'D1', quantity: 2 }] },
      { token },
    );
    expect(res.status).toBe(201);
    const { orderId, expiresAt, total } = res.body as {
      orderId: string;
      expiresAt: string;
      total: number;
    };
    return { orderId, expiresAt, total, token };
  }

  async function startPayment(order: { orderId: string; token: string }) {
    const res = await t.http.post(`/v1/orders/${order.orderId}/payments`, undefined, {
      token: order.token,
    });
    expect(res.status).toBe(201);
    return res.body.paymentId as string;
  }

  const result = (
    order: { orderId: string; total: number },
    paymentId: string,
    status: 'SUCCEEDED' | 'FAILED',
  ) => ({
    paymentId,
    orderId: order.orderId,
    transactionId: `tx-${order.orderId}`,
    status,
    amount: order.total,
    currency: 'EUR',
  });

  it('When a payment attempt, a cancel and callbacks come just after expiresAt, then each answers for an EXPIRED order, the order ends once, and its stock is back', async () => {
    const paid = await place('dl-paid');
    const toPay = await place('dl-pay');
    const toCancel = await place('dl-cancel');
    const succeeds = await place('dl-success');
    const fails = await place('dl-failure');
    // Before the deadline: one order paid, two attempts started whose results come late.
    const paidAnswer = await t.callback(result(paid, await startPayment(paid), 'SUCCEEDED'));
    expect(paidAnswer.body).toMatchObject({ orderStatus: 'CONFIRMED' });
    const successPayment = await startPayment(succeeds);
    const failurePayment = await startPayment(fails);

    const last = Math.max(
      ...[toPay, toCancel, succeeds, fails].map((o) => Date.parse(o.expiresAt)),
    );
    expect(Date.now()).toBeLessThan(last);
    await new Promise((r) => setTimeout(r, last - Date.now() + 20));

    const pay = await t.http.post(`/v1/orders/${toPay.orderId}/payments`, undefined, {
      token: toPay.token,
      headers: { 'x-request-id': 'req-late-pay' },
    });
    expect(pay.status).toBe(409);
    expect(pay.body.error).toMatchObject({
      code: 'ORDER_NOT_PAYABLE',
      details: { orderId: toPay.orderId, status: 'EXPIRED', expiresAt: toPay.expiresAt },
    });

    const cancel = await t.http.post(`/v1/orders/${toCancel.orderId}/cancel`, undefined, {
      token: toCancel.token,
    });
    expect(cancel.status).toBe(409);
    expect(cancel.body.error).toMatchObject({
      code: 'ORDER_NOT_CANCELLABLE',
      details: { orderId: toCancel.orderId, status: 'EXPIRED', expiresAt: toCancel.expiresAt },
    });

    const success = await t.callback(result(succeeds, successPayment, 'SUCCEEDED'));
    expect(success.status).toBe(200);
    expect(success.body).toEqual({
      orderId: succeeds.orderId,
      orderStatus: 'EXPIRED',
      paymentStatus: 'REFUNDED',
    });
    const failure = await t.callback(result(fails, failurePayment, 'FAILED'));
    expect(failure.status).toBe(200);
    expect(failure.body).toEqual({
      orderId: fails.orderId,
      orderStatus: 'EXPIRED',
      paymentStatus: 'FAILED',
    });

    expect(await typesOf(toPay.orderId)).toEqual(['OrderPlaced', 'OrderExpired']);
    expect(await typesOf(toCancel.orderId)).toEqual(['OrderPlaced', 'OrderExpired']);
    expect(await typesOf(succeeds.orderId)).toEqual([
      'OrderPlaced',
      'PaymentInitiated',
      'OrderExpired',
      'PaymentRefunded',
    ]);
    expect(await typesOf(fails.orderId)).toEqual([
      'OrderPlaced',
      'PaymentInitiated',
      'OrderExpired',
      'PaymentFailed',
    ]);
    const [expiredByPay] = await t.events(
      (e) => e.streamId === `order-${toPay.orderId}` && e.type === 'OrderExpired',
    );
    // The expiry belongs to the request that found it due, not to the saga.
    expect(expiredByPay!.metadata).toMatchObject({
      correlationId: 'req-late-pay',
      userId: 'dl-pay',
    });
    const refunded = (await t.events((e) => e.type === 'PaymentRefunded'))[0]!;
    expect(refunded.data).toMatchObject({ orderId: succeeds.orderId, reason: 'ORDER_EXPIRED' });

    // The same again: the answers stand, and nothing more is recorded.
    const before = (await t.events()).length;
    expect(await t.callback(result(succeeds, successPayment, 'SUCCEEDED'))).toMatchObject({
      status: 200,
      body: success.body,
    });
    expect(await t.callback(result(fails, failurePayment, 'FAILED'))).toMatchObject({
      status: 200,
      body: failure.body,
    });
    const payAgain = await t.http.post(`/v1/orders/${toPay.orderId}/payments`, undefined, {
      token: toPay.token,
    });
    expect(payAgain.status).toBe(409);
    expect(payAgain.body.error).toEqual({ ...pay.body.error });
    const cancelAgain = await t.http.post(`/v1/orders/${toCancel.orderId}/cancel`, undefined, {
      token: toCancel.token,
    });
    expect(cancelAgain.body.error).toEqual(cancel.body.error);
    expect((await t.events()).length).toBe(before);

    // Every order ended exactly once; none by the saga, which is not running.
    const all = await t.events((e) => e.streamId.startsWith('order-'));
    for (const order of [paid, toPay, toCancel, succeeds, fails]) {
      const terminal = all.filter(
        (e) => e.streamId === `order-${order.orderId}` && TERMINAL.includes(e.type),
      );
      expect(terminal).toHaveLength(1);
    }
    expect(all.some((e) => e.metadata.userId === 'system:saga')).toBe(false);

    // Stock: the four expired orders gave their 8 units back, the paid one's 2 are sold.
    for (const order of [toPay, toCancel, succeeds, fails, paid]) {
      expect(await reservations.getReservation(order.orderId)).toBeNull();
    }
    expect(await reservations.getSku('D1')).toMatchObject({ stocked: 10, available: 8, sold: 2 });
    expect(await t.available('D1')).toBe(8);

    await caughtUp(t.database.db, topics.prefix);
    const audit = await t.http.get('/v1/admin/skus/D1/audit', { token: t.admin });
    expect(audit.status).toBe(200);
    expect(audit.body).toMatchObject({
      consistent: true,
      discrepancies: [],
      available: 8,
      totals: { stocked: 10, reserved: 10, sold: 2, released: 8 },
    });
    const view = await t.http.get(`/v1/orders/${succeeds.orderId}`, { token: succeeds.token });
    expect(view.body).toMatchObject({
      status: 'EXPIRED',
      payments: [{ paymentId: successPayment, status: 'REFUNDED' }],
    });
  }, 60_000);
});
