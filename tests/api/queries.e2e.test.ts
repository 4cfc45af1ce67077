import { v7 as uuidv7 } from 'uuid';
import { PROJECTIONS } from '../../projections/all';
import { applyEvents } from '../../projections/apply';
import { startTestSystem, type TestSystem } from '../support/system';

/**
 * The query API over the read models. Rows are written here as a projector would write them, so
 * these tests pin the API's reading and access rules; the projectors have tests of their own.
 */
describe('the query API', () => {
  let t: TestSystem;
  const ids: string[] = [];

  async function project(userId: string, status: string, revision = 0) {
    const orderId = uuidv7();
    await t.database.db('orders').insert({
      order_id: orderId,
      user_id: userId,
      status,
      total: 3998,
      currency: 'EUR',
      placed_at: new Date('2026-11-23T10:00:00.000Z'),
      expires_at: new Date('2026-11-23T10:15:00.000Z'),
      confirmed_at: status === 'CONFIRMED' ? new Date('2026-11-23T10:01:00.000Z') : null,
      revision,
      position: 1,
    });
    await t.database.db('order_items').insert({
      order_id: orderId,
      sku_id: 'Q1',
      quantity: 2,
      unit_price: 1999,
      currency: 'EUR',
      revision: 0,
    });
    return orderId;
  }

  beforeAll(async () => {
    t = await startTestSystem({}, { label: 'queries' });
    for (let i = 0; i < 5; i++) ids.push(await project('alice', i % 2 ? 'CONFIRMED' : 'PENDING'));
    await project('bob', 'PENDING');
  });
  afterAll(() => t.stop());

  it('When a customer reads their order, then it has the documented shape', async () => {
    const orderId = ids[1]!;
    await t.database.db('payments').insert({
      payment_id: uuidv7(),
      order_id: orderId,
      amount: 3998,
      currency: 'EUR',
      status: 'COMPLETED',
      transaction_id: 'tx-9',
      created_at: new Date(),
      updated_at: new Date(),
      revision: 2,
    });
    const res = await t.http.get(`/v1/orders/${orderId}`, { token: t.customer('alice') });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(res.body).toEqual({
      orderId,
      userId: 'alice',
      status: 'CONFIRMED',
      items: [{ skuId: 'Q1', quantity: 2, unitPrice: 1999 }],
      total: 3998,
      currency: 'EUR',
      placedAt: '2026-11-23T10:00:00.000Z',
      expiresAt: '2026-11-23T10:15:00.000Z',
      confirmedAt: '2026-11-23T10:01:00.000Z',
      payments: [
        {
          paymentId: expect.any(String),
          status: 'COMPLETED',
          amount: 3998,
          currency: 'EUR',
          transactionId: 'tx-9',
        },
      ],
      revision: 0,
    });
  });

  it("When a customer asks for another user's order, then it does not exist for them, but an admin sees it", async () => {
    const other = await t.http.get(`/v1/orders/${ids[0]}`, { token: t.customer('bob') });
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('NOT_FOUND');
    expect((await t.http.get(`/v1/orders/${ids[0]}`, { token: t.admin })).status).toBe(200);
    expect((await t.http.get('/v1/orders/not-a-uuid', { token: t.admin })).status).toBe(404);
    expect((await t.http.get(`/v1/orders/${ids[0]}`)).status).toBe(401);
  });

  it('When a customer pages through their orders, then they come newest first, filtered, each once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const res = await t.http.get(`/v1/orders${query}`, { token: t.customer('alice') });
      expect(res.status).toBe(200);
      expect(res.body.orders.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.orders.map((o: { orderId: string }) => o.orderId));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());

    const pending = await t.http.get('/v1/orders?status=PENDING', { token: t.customer('alice') });
    expect(pending.body.orders.map((o: { orderId: string }) => o.orderId)).toEqual([
      ids[4],
      ids[2],
      ids[0],
    ]);
    expect(pending.body.nextCursor).toBeNull();
  });

  it('When the list is asked with every parameter empty, as docs/API.md writes them, then they count as absent', async () => {
    const all = await t.http.get('/v1/orders', { token: t.customer('alice') });
    const empty = await t.http.get('/v1/orders?status=&limit=&cursor=', {
      token: t.customer('alice'),
    });
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual(all.body);
    expect(empty.body.orders).toHaveLength(ids.length);
    const filtered = await t.http.get('/v1/orders?status=PENDING&limit=&cursor=', {
      token: t.customer('alice'),
    });
    expect(filtered.body.orders.map((o: { orderId: string }) => o.orderId)).toEqual([
      ids[4],
      ids[2],
      ids[0],
    ]);
  });

  it.each([
    ['limit=0'],
    ['limit=101'],
    ['limit=abc'],
    ['status=SHIPPED'],
    ['status=pending'],
    ['limit=%20'],
    ['status=PENDING&status='],
    ['cursor=%21%21'],
    ['cursor=bm90LWFuLWlk'],
    ['sort=asc'],
  ])('When the list is asked with %s, then 400 VALIDATION_FAILED', async (query) => {
    const res = await t.http.get(`/v1/orders?${query}`, { token: t.customer('alice') });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('When minRevision is ahead of the read model, then the answer waits for it, and says stale if it never comes', async () => {
    // A real order, projected by the projectors' own code as the test goes (no projector runs).
    await t.listSku({ skuId: 'Q-wait', stock: 5 });
    const token = t.customer('carol');
    const placed = await t.http.post(
      '/v1/orders',
      { items: [{ skuId: 'Q-wait', quantity: 1 }] },
      { token },
    );
    expect(placed.status).toBe(201);
    const { orderId } = placed.body;
    const project = async () => {
      const events = await t.events((e) => e.streamId === `order-${orderId}`);
      for (const projection of PROJECTIONS) await applyEvents(t.database.db, projection, events);
    };
    await project();
    setTimeout(() => {
      t.http.post(`/v1/orders/${orderId}/cancel`, undefined, { token }).then(
        () => project(),
        () => undefined,
      );
    }, 300);
    const caught = await t.http.get(`/v1/orders/${orderId}?minRevision=1`, { token });
    expect(caught.status).toBe(200);
    expect(caught.body).toMatchObject({ status: 'CANCELLED', revision: 1 });
    expect(caught.body.stale).toBeUndefined();

    const stale = await t.http.get(`/v1/orders/${orderId}?minRevision=7`, { token });
    expect(stale.status).toBe(200);
    expect(stale.body).toMatchObject({ status: 'CANCELLED', revision: 1, stale: true });
    const bad = await t.http.get(`/v1/orders/${orderId}?minRevision=-1`, { token });
    expect(bad.status).toBe(400);
    // Empty, as every other query parameter: absent, so no wait.
    const empty = await t.http.get(`/v1/orders/${orderId}?minRevision=`, { token });
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({ status: 'CANCELLED', revision: 1 });
    expect(empty.body.stale).toBeUndefined();
  }, 20_000);
});
