import type { RecordedEvent } from '../../commands/ports';
import { PROJECTIONS } from '../../projections/all';
import { applyEvents } from '../../projections/apply';
import { startTestSystem, type TestSystem } from '../support/system';
import { eventually } from '../support/wait';

/**
 * Read your writes (`?minRevision=`) waits for the read model, and every view the query API gives
 * is whole: its parts stand at one revision. The test system runs the api role alone, so no
 * projector writes the read model: the tests project events themselves, with the projectors' own
 * code, all or some of them, as a projector that is behind would.
 */
describe('read your writes, and whole views while the read models catch up one by one', () => {
  let t: TestSystem;

  beforeAll(async () => {
    t = await startTestSystem({}, { label: 'ryw' });
    await t.listSku({ skuId: 'b-two', stock: 50, price: 700 });
    await t.listSku({ skuId: 'A-one', stock: 50, price: 250 });
  });
  afterAll(() => t.stop());

  async function place(userId: string) {
    const token = t.customer(userId);
    const res = await t.http.post(
      '/v1/orders',
      {
        items: [
          { skuId: 'b-two', quantity: 1 },
          { skuId: 'A-one', quantity: 2 },
        ],
      },
      { token },
    );
    expect(res.status).toBe(201);
    return { orderId: res.body.orderId as string, revision: res.body.revision as number, token };
  }

  async function payAndSucceed(orderId: string, token: string) {
    const attempt = await t.http.post(`/v1/orders/${orderId}/payments`, undefined, { token });
    expect(attempt.status).toBe(201);
    const { paymentId, amount, currency } = attempt.body;
    const res = await t.callback({
      paymentId,
      orderId,
      amount,
      currency,
      transactionId: `tx-${orderId}`,
      status: 'SUCCEEDED',
    });
    expect(res.status).toBe(200);
  }

  const streamOf = (orderId: string) => t.events((e) => e.streamId === `order-${orderId}`);

  /** Projects events into the named read models (every one when none are named). */
  async function project(events: RecordedEvent[], names?: string[]) {
    for (const projection of PROJECTIONS) {
      if (names && !names.includes(projection.name)) continue;
      await applyEvents(t.database.db, projection, events);
    }
  }

  it('When the read model never gets the order, then minRevision waits, answers it from its stream marked stale, and hides it from other customers', async () => {
    const { orderId, revision, token } = await place('ryw-owner');
    const path = `/v1/orders/${orderId}`;
    const startedAt = Date.now();
    const [plain, owner, other, admin] = await Promise.all([
      t.http.get(path, { token }),
      t.http.get(`${path}?minRevision=${revision}`, { token }),
      t.http.get(`${path}?minRevision=${revision}`, { token: t.customer('ryw-other') }),
      t.http.get(`${path}?minRevision=${revision}`, { token: t.admin }),
    ]);
    // Without minRevision, an order the read model lacks yet comes from its stream, not a 404.
    expect(plain.status).toBe(200);
    expect(plain.body).toMatchObject({ orderId, userId: 'ryw-owner', status: 'PENDING', revision });
    expect(plain.body.stale).toBeUndefined();
    const stranger = await t.http.get(path, { token: t.customer('ryw-other') });
    expect(stranger.status).toBe(404);
    expect(owner.status).toBe(200);
    expect(owner.body).toEqual({
      orderId,
      userId: 'ryw-owner',
      status: 'PENDING',
      items: [
        { skuId: 'A-one', quantity: 2, unitPrice: 250 },
        { skuId: 'b-two', quantity: 1, unitPrice: 700 },
      ],
      total: 1200,
      currency: 'EUR',
      placedAt: expect.any(String),
      expiresAt: expect.any(String),
      payments: [],
      revision,
      stale: true,
    });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(4_500);
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('NOT_FOUND');
    expect(admin.status).toBe(200);
    expect(admin.body).toMatchObject({ orderId, stale: true });
  }, 20_000);

  it('When the projectors catch up while minRevision waits, then it answers the read model, and a plain read after it is not older', async () => {
    const { orderId, token } = await place('ryw-waiter');
    await payAndSucceed(orderId, token);
    const path = `/v1/orders/${orderId}`;
    const waiting = t.http.get(`${path}?minRevision=2`, { token });
    const events = await streamOf(orderId);
    await project(events.slice(0, 2));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await project(events);
    const caught = await waiting;
    expect(caught.status).toBe(200);
    expect(caught.body).toMatchObject({ status: 'CONFIRMED', revision: 2 });
    expect(caught.body.stale).toBeUndefined();
    expect(caught.body.payments).toEqual([
      expect.objectContaining({ status: 'COMPLETED', transactionId: `tx-${orderId}` }),
    ]);
    const plain = await t.http.get(path, { token });
    expect(plain.body).toEqual(caught.body);
  });

  it('When the orders row is ahead of the payments row, then the order is read whole, as its stream has it at that revision', async () => {
    const { orderId, token } = await place('ryw-mixed');
    await payAndSucceed(orderId, token);
    const events = await streamOf(orderId);
    expect(events.map((e) => e.type)).toEqual([
      'OrderPlaced',
      'PaymentInitiated',
      'PaymentCompleted',
    ]);
    // `orders` and `order_items` applied all three; `payments` only the attempt.
    await project(events, ['orders', 'order_items']);
    await project(events.slice(0, 2), ['payments']);
    const [plain, listed, fresh] = await Promise.all([
      t.http.get(`/v1/orders/${orderId}`, { token }),
      t.http.get('/v1/orders', { token }),
      t.http.get(`/v1/orders/${orderId}?minRevision=2`, { token }),
    ]);
    const whole = {
      status: 'CONFIRMED',
      revision: 2,
      confirmedAt: expect.any(String),
      payments: [expect.objectContaining({ status: 'COMPLETED', transactionId: `tx-${orderId}` })],
    };
    expect(plain.status).toBe(200);
    expect(plain.body).toMatchObject(whole);
    expect(listed.body.orders).toEqual([plain.body]);
    expect(fresh.body).toEqual(plain.body);

    // The payments projector catches up: the read model's own view is the same.
    await project(events, ['payments']);
    expect((await t.http.get(`/v1/orders/${orderId}`, { token })).body).toEqual(plain.body);
  });

  it('When the orders row is behind the payments row, or its lines are missing, then the view stands at the row revision', async () => {
    const { orderId, token } = await place('ryw-behind');
    const cancelled = await t.http.post(`/v1/orders/${orderId}/cancel`, undefined, { token });
    expect(cancelled.status).toBe(200);
    const events = await streamOf(orderId);
    // Only `orders` applied OrderPlaced: no lines yet, and the cancel not seen.
    await project(events.slice(0, 1), ['orders']);
    const plain = await t.http.get(`/v1/orders/${orderId}`, { token });
    expect(plain.status).toBe(200);
    expect(plain.body).toMatchObject({ status: 'PENDING', revision: 0 });
    expect(plain.body.items).toHaveLength(2);

    const second = await place('ryw-behind');
    await payAndSucceed(second.orderId, second.token);
    const paid = await streamOf(second.orderId);
    // `payments` is at the completed payment, `orders` still at the attempt.
    await project(paid.slice(0, 2), ['orders']);
    await project(paid, ['order_items', 'payments']);
    const behind = await t.http.get(`/v1/orders/${second.orderId}`, { token: second.token });
    expect(behind.body).toMatchObject({
      status: 'PENDING',
      revision: 1,
      payments: [expect.objectContaining({ status: 'PENDING' })],
    });
    expect(behind.body.payments[0].transactionId).toBeUndefined();
  });

  it('When a paid attempt is charged again and that money refunded, then the order shows the refund, from the read model and from the stream alike', async () => {
    const { orderId, token } = await place('ryw-twice');
    await payAndSucceed(orderId, token);
    const [attempt] = (await streamOf(orderId)).filter((e) => e.type === 'PaymentInitiated');
    const { paymentId, amount, currency } = attempt!.data as Record<string, unknown>;
    const again = await t.callback({
      paymentId,
      orderId,
      amount,
      currency,
      transactionId: `tx-${orderId}-again`,
      status: 'SUCCEEDED',
    });
    expect(again.body).toMatchObject({ orderStatus: 'CONFIRMED', paymentStatus: 'REFUNDED' });
    const events = await streamOf(orderId);
    const payment = {
      paymentId,
      status: 'COMPLETED',
      amount: 1200,
      currency: 'EUR',
      transactionId: `tx-${orderId}`,
      refunds: [{ transactionId: `tx-${orderId}-again`, amount: 1200, currency: 'EUR' }],
    };
    // From the stream: the payments read model has not applied the refund yet.
    await project(events, ['orders', 'order_items']);
    await project(events.slice(0, 3), ['payments']);
    const folded = await t.http.get(`/v1/orders/${orderId}`, { token });
    expect(folded.body).toMatchObject({ status: 'CONFIRMED', revision: 3, payments: [payment] });
    // From the read model, once it has.
    await project(events, ['payments']);
    const projected = await t.http.get(`/v1/orders/${orderId}`, { token });
    expect(projected.body).toEqual(folded.body);
    const [row] = await t.database.db('payments').where({ order_id: orderId });
    expect(JSON.parse(row.refunds)).toEqual([`tx-${orderId}-again`]);
  });

  it('When the read model is rebuilt, then it shows the very order its stream gave', async () => {
    const { orderId, token } = await place('ryw-payer');
    const attempt = async () => {
      const res = await t.http.post(`/v1/orders/${orderId}/payments`, undefined, { token });
      expect(res.status).toBe(201);
      return res.body as { paymentId: string; amount: number; currency: string };
    };
    const settle = async (status: 'SUCCEEDED' | 'FAILED', transactionId: string) => {
      const payment = await attempt();
      const res = await t.callback({ ...payment, orderId, transactionId, status });
      expect(res.status).toBe(200);
    };
    await settle('FAILED', `tx-${orderId}-1`);
    await settle('SUCCEEDED', `tx-${orderId}-2`);

    // No projector runs: after the wait, the order as its stream has it.
    const fromStream = await t.http.get(`/v1/orders/${orderId}?minRevision=4`, { token });
    expect(fromStream.status).toBe(200);
    const { stale, ...streamView } = fromStream.body;
    expect(stale).toBe(true);
    expect(streamView).toMatchObject({ status: 'CONFIRMED', revision: 4 });
    expect(streamView.payments.map((p: { status: string }) => p.status)).toEqual([
      'FAILED',
      'COMPLETED',
    ]);

    const started = await t.http.post('/v1/admin/projections/rebuild', {}, { token: t.admin });
    expect(started.status).toBe(202);
    const job = await eventually(
      async () =>
        (await t.http.get(`/v1/admin/projections/jobs/${started.body.jobId}`, { token: t.admin }))
          .body,
      (body) => body?.status !== 'RUNNING',
    );
    expect(job.status).toBe('SUCCEEDED');
    const fromReadModel = await t.http.get(`/v1/orders/${orderId}?minRevision=4`, { token });
    expect(fromReadModel.status).toBe(200);
    expect(fromReadModel.body).toEqual(streamView);
  }, 30_000);

  it('When minRevision names an order that does not exist, then the 404 comes at once, not after the wait', async () => {
    const startedAt = Date.now();
    const res = await t.http.get('/v1/orders/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b?minRevision=0', {
      token: t.customer('ryw-nobody'),
    });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    // The wait for a revision is 5 s; an order its stream lacks is not waited for.
    expect(Date.now() - startedAt).toBeLessThan(2_500);
  });
});
