import { startTestSystem, type TestSystem } from '../support/system';
import { eventually } from '../support/wait';

/**
 * `?minRevision=` reads the order's own stream. The test system runs the api role alone, so no
 * projector writes the read model: it is as far behind as a stopped one.
 */
describe('read your writes while the read model has not caught up', () => {
  let t: TestSystem;

  beforeAll(async () => {
    t = await startTestSystem({}, { label: 'ryw' });
    await t.listSku({ skuId: 'b-two', stock: 10, price: 700 });
    await t.listSku({ skuId: 'A-one', stock: 10, price: 250 });
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

  it('When the read model has no row for an order the client holds a revision of, then the order comes from its stream, and stays hidden from other customers', async () => {
    const { orderId, revision, token } = await place('ryw-owner');
    const path = `/v1/orders/${orderId}`;
    const [plain, owner, other, admin, ahead] = await Promise.all([
      t.http.get(path, { token }),
      t.http.get(`${path}?minRevision=${revision}`, { token }),
      t.http.get(`${path}?minRevision=${revision}`, { token: t.customer('ryw-other') }),
      t.http.get(`${path}?minRevision=${revision}`, { token: t.admin }),
      t.http.get(`${path}?minRevision=${revision + 5}`, { token }),
    ]);
    // Without minRevision the API reads the read model only: eventual consistency, as documented.
    expect(plain.status).toBe(404);
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
    });
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('NOT_FOUND');
    expect(admin.status).toBe(200);
    expect(admin.body.orderId).toBe(orderId);
    expect(ahead.status).toBe(200);
    expect(ahead.body).toMatchObject({ revision, stale: true });
  }, 20_000);

  it('When the read model is rebuilt afterwards, then it shows the very order the stream gave', async () => {
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

    const fromStream = await t.http.get(`/v1/orders/${orderId}?minRevision=4`, { token });
    expect(fromStream.status).toBe(200);
    expect(fromStream.body).toMatchObject({ status: 'CONFIRMED', revision: 4 });
    expect(fromStream.body.payments.map((p: { status: string }) => p.status)).toEqual([
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
    const fromReadModel = await t.http.get(`/v1/orders/${orderId}`, { token });
    expect(fromReadModel.status).toBe(200);
    expect(fromStream.body).toEqual(fromReadModel.body);
  }, 30_000);

  it('When the read model shows an older revision, or a mix of two, then minRevision still answers the order as its stream has it', async () => {
    const { orderId, token } = await place('ryw-mixed');
    const cancelled = await t.http.post(`/v1/orders/${orderId}/cancel`, undefined, { token });
    expect(cancelled.status).toBe(200);
    // The orders projection has applied OrderPlaced and the order_items one has not: a row
    // planted as a projector that stopped half way would leave it.
    await t.database.db('orders').insert({
      order_id: orderId,
      user_id: 'ryw-mixed',
      status: 'PENDING',
      total: 1200,
      currency: 'EUR',
      placed_at: new Date(),
      expires_at: new Date(Date.now() + 60_000),
      confirmed_at: null,
      revision: 0,
      position: 1,
    });
    const plain = await t.http.get(`/v1/orders/${orderId}`, { token });
    expect(plain.body).toMatchObject({ status: 'PENDING', revision: 0, items: [] });
    const fresh = await t.http.get(`/v1/orders/${orderId}?minRevision=1`, { token });
    expect(fresh.status).toBe(200);
    expect(fresh.body).toMatchObject({ status: 'CANCELLED', revision: 1 });
    expect(fresh.body.items).toHaveLength(2);
    expect(fresh.body.stale).toBeUndefined();
  });

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
