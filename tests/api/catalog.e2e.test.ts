import { startTestSystem, type TestSystem } from '../support/system';

describe('the catalog API', () => {
  let t: TestSystem;

  beforeAll(async () => {
    t = await startTestSystem({}, { label: 'catalog' });
  });
  afterAll(() => t.stop());

  const list = (body: Record<string, unknown>) =>
    t.http.post('/v1/admin/skus', body, { token: t.admin });

  it('When a SKU listed without a limit is sent back as it was answered, then perUserLimit null means no limit', async () => {
    const first = await list({
      skuId: 'C1',
      name: 'Kettle',
      price: 2500,
      currency: 'EUR',
      stock: 4,
    });
    expect(first.status).toBe(201);
    expect(first.headers.get('location')).toBe('/v1/skus/C1');
    expect(first.body.perUserLimit).toBeNull();

    const { available: _available, ...fields } = first.body;
    const again = await list({ ...fields, skuId: 'C2' });
    expect(again.status).toBe(201);
    expect(again.body).toEqual({ ...first.body, skuId: 'C2' });
    // No limit indeed: one customer may take every unit.
    const order = await t.http.post(
      '/v1/orders',
      { items: [{ skuId: 'C2', quantity: 4 }] },
      { token: t.customer('greedy') },
    );
    expect(order.status).toBe(201);
  });

  it.each([0, 1.5, '2', -1])(
    'When perUserLimit is %j, then 400 VALIDATION_FAILED and nothing is listed',
    async (perUserLimit) => {
      const res = await list({
        skuId: 'C3',
        name: 'Toaster',
        price: 100,
        currency: 'EUR',
        stock: 1,
        perUserLimit,
      });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect((await t.http.get('/v1/skus/C3', { token: t.admin })).status).toBe(404);
    },
  );

  it.each([
    ['GET', '/v1/skus/never-listed', undefined],
    ['POST', '/v1/admin/skus/never-listed/restock', { quantity: 1 }],
    ['GET', '/v1/admin/skus/never-listed/audit', undefined],
  ])('When %s %s names no SKU, then 404 NOT_FOUND names the SKU', async (method, path, body) => {
    const res = await t.http.call(method, path, body, { token: t.admin });
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({
      code: 'NOT_FOUND',
      details: { skuId: 'never-listed' },
    });
  });

  it('When 20 restocks of one SKU come at once, then every one is applied and answered 200', async () => {
    expect(
      (await list({ skuId: 'C-rush', name: 'rush', price: 100, currency: 'EUR', stock: 10 }))
        .status,
    ).toBe(201);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        t.http.post('/v1/admin/skus/C-rush/restock', { quantity: 5 }, { token: t.admin }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    // Each answer tells the stock after its own restock: 15, 20, ... 110, each once.
    const stocks = results.map((r) => r.body.stock as number).sort((a, b) => a - b);
    expect(stocks).toEqual(Array.from({ length: 20 }, (_, i) => 15 + 5 * i));
    const sku = await t.http.get('/v1/skus/C-rush', { token: t.admin });
    expect(sku.body.available).toBe(110);
  });
});
