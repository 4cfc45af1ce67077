import { inParallel } from '../support/http';
import { broken, checkAllInvariants } from '../support/invariants';
import { testTopicPrefix } from '../support/kafka';
import { startTestSystem, type TestSystem } from '../support/system';

const ORDERS = 40;

/** The provider's success arrives just as the saga expires the order. */
describe('a payment racing its order expiry', () => {
  let t: TestSystem;
  const topics = testTopicPrefix('race');

  beforeAll(async () => {
    t = await startTestSystem(
      {
        ROLES: 'api,relay,projector,saga',
        KAFKA_TOPIC_PREFIX: topics.prefix,
        RESERVATION_TTL_SECONDS: '2',
      },
      { label: 'race' },
    );
    await t.listSku({ skuId: 'R1', stock: ORDERS });
  });
  afterAll(async () => {
    await t.stop();
    await topics.drop();
  });

  it('When each success lands around the deadline, then exactly one of CONFIRMED or EXPIRED + refund wins, as the deadline says, and stock agrees', async () => {
    const orders = await inParallel(
      20,
      Array.from({ length: ORDERS }, (_, i) => async () => {
        const token = t.customer(`r-${i}`);
        const placed = await t.http.post(
          '/v1/orders',
          { items: [{ skuId: 'R1', quantity: 1 }] },
          { token },
        );
        expect(placed.status).toBe(201);
        const pay = await t.http.post(`/v1/orders/${placed.body.orderId}/payments`, undefined, {
          token,
        });
        expect(pay.status).toBe(201);
        return { ...placed.body, paymentId: pay.body.paymentId as string, i };
      }),
    );

    // Callbacks spread from 300 ms before to 300 ms after each deadline, as the saga fires.
    const answers = await Promise.all(
      orders.map(async (o) => {
        const at = Date.parse(o.expiresAt) - 300 + Math.floor((o.i * 600) / ORDERS);
        await new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));
        const sentAt = Date.now();
        const res = await t.callback({
          paymentId: o.paymentId,
          orderId: o.orderId,
          transactionId: `tx-${o.orderId}`,
          status: 'SUCCEEDED',
          amount: o.total,
          currency: 'EUR',
        });
        expect(res.status).toBe(200);
        const deadline = Date.parse(o.expiresAt);
        return {
          orderId: o.orderId as string,
          sentAt,
          answeredAt: Date.now(),
          deadline,
          ...res.body,
        };
      }),
    );
    // Let every timer fire.
    await new Promise((r) => setTimeout(r, 3_000));

    let confirmed = 0;
    for (const answer of answers) {
      const types = (await t.events((e) => e.streamId === `order-${answer.orderId}`)).map(
        (e) => e.type,
      );
      const terminal = types.filter((x) =>
        ['PaymentCompleted', 'OrderExpired', 'OrderCancelled'].includes(x),
      );
      expect(terminal).toHaveLength(1);
      if (terminal[0] === 'PaymentCompleted') {
        confirmed += 1;
        expect(answer).toMatchObject({ orderStatus: 'CONFIRMED', paymentStatus: 'COMPLETED' });
        expect(types).not.toContain('PaymentRefunded');
      } else {
        expect(answer).toMatchObject({ orderStatus: 'EXPIRED', paymentStatus: 'REFUNDED' });
        expect(types.slice(-2)).toEqual(['OrderExpired', 'PaymentRefunded']);
      }
      // The deadline decides, not the saga's timing: a callback answered before expiresAt paid
      // the order, one sent at or after it was refunded, whether the saga had fired or not.
      if (answer.answeredAt < answer.deadline) expect(answer.orderStatus).toBe('CONFIRMED');
      if (answer.sentAt >= answer.deadline) expect(answer.orderStatus).toBe('EXPIRED');
    }
    const late = answers.filter((a) => a.sentAt >= a.deadline).length;
    console.log(
      `payment vs expiry: ${confirmed} confirmed, ${ORDERS - confirmed} expired and refunded ` +
        `(${late} callbacks sent at or after the deadline)`,
    );
    expect(await t.available('R1')).toBe(ORDERS - confirmed);

    const results = await checkAllInvariants({
      ...t,
      db: t.database.db,
      topicPrefix: topics.prefix,
    });
    expect(broken(results)).toEqual([]);
  }, 120_000);
});
