import type { z } from 'zod';
import { openApiDocument } from '../../api/openapi';
import * as answers from '../../api/openapi/responses';
import { servedRoutes } from '../support/served-routes';
import { startTestSystem, type TestSystem } from '../support/system';

/** Every route the service can serve, as `METHOD path`. */
const servedRouteNames = (): string[] =>
  servedRoutes().map(({ method, path }) => `${method} ${path}`);

function documentedRoutes(): string[] {
  return Object.entries(openApiDocument().paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
  );
}

describe('the OpenAPI document', () => {
  it('When the routes are listed from the router stack and the fast path, then the document describes exactly those', () => {
    const served = servedRouteNames();
    expect(new Set(served).size).toBe(served.length);
    expect([...documentedRoutes()].sort()).toEqual([...served].sort());
  });

  it('When it is built, then it is OpenAPI 3.1 with bearer auth, the webhook signature and the error body', () => {
    const doc = openApiDocument();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    expect(doc.components.securitySchemes.paymentSignature).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'X-Payment-Signature',
    });
    expect(doc.components.securitySchemes.paymentSignature.description).toMatch(/HMAC-SHA256/);
    const paths = doc.paths as Record<string, Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(paths['/v1/payments/callback']!.post.security).toEqual([{ paymentSignature: [] }]);
    expect(paths['/v1/orders']!.post.security).toEqual([{ bearerAuth: [] }]);
    expect(paths['/healthz']!.get.security).toEqual([]);
    // Request schemas come from the validating zod schemas: strict objects, their limits.
    const order = paths['/v1/orders']!.post;
    const body = order.requestBody.content['application/json'].schema;
    expect(body.additionalProperties).toBe(false);
    expect(body.properties.items).toMatchObject({ minItems: 1, maxItems: 20 });
    expect(order.requestBody.required).toBe(true);
    // Every field of a rebuild is optional, and so is the body itself.
    expect(paths['/v1/admin/projections/rebuild']!.post.requestBody.required).toBe(false);
    expect(order.parameters).toContainEqual(
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }),
    );
    expect(Object.keys(order.responses).sort()).toEqual(
      ['201', '400', '401', '404', '409', '413', '429', '503'].sort(),
    );
    expect(paths['/v1/admin/skus']!.post.responses['403']).toEqual({
      $ref: '#/components/responses/E403',
    });
    expect(paths['/v1/orders/{orderId}']!.get.parameters).toContainEqual(
      expect.objectContaining({ name: 'orderId', in: 'path', required: true }),
    );
    expect(paths['/v1/orders']!.get.parameters.map((p: { name?: string }) => p.name)).toEqual(
      expect.arrayContaining(['status', 'limit', 'cursor']),
    );
    // `?status=` (empty) is accepted as absent, and the document says so.
    expect(
      paths['/v1/orders']!.get.parameters.find((p: { name?: string }) => p.name === 'status').schema
        .anyOf,
    ).toContainEqual({ type: 'string', const: '' });
    expect(doc.components.schemas.Error).toMatchObject({
      type: 'object',
      required: ['error'],
    });
    // A path id is any text (an unknown one is 404), and a path with one can be 400 for its
    // percent-encoding.
    const byId = paths['/v1/orders/{orderId}']!.get;
    expect(byId.parameters.find((p: { name?: string }) => p.name === 'orderId').schema).toEqual({
      type: 'string',
      description: expect.stringMatching(/404/),
    });
    expect(Object.keys(byId.responses)).toEqual(expect.arrayContaining(['400', '404']));
    // What the answers carry besides the body: a new resource's Location, a 401's challenge,
    // a 405's Allow.
    expect(order.responses['201'].headers.Location).toBeDefined();
    expect(
      paths['/v1/admin/projections/rebuild']!.post.responses['202'].headers.Location,
    ).toBeDefined();
    const errors = doc.components.responses as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(errors.E401.headers['WWW-Authenticate']).toBeDefined();
    expect(errors.E405.headers.Allow).toBeDefined();
    expect(doc.info.description).toMatch(/405 METHOD_NOT_ALLOWED with `Allow`/);
  });
});

describe('the served document and page', () => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem({}, { label: 'openapi' });
  });
  afterAll(() => t.stop());

  const matches = (schema: z.ZodType, body: unknown) => {
    const result = schema.safeParse(body);
    if (!result.success) throw new Error(`${JSON.stringify(body)}: ${result.error.message}`);
  };

  it('When /openapi.json is fetched, then it is the document, with a request id', async () => {
    const res = await t.http.get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(res.body).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });

  it('When /docs is fetched, then a self-contained page lists every operation', async () => {
    const res = await fetch(`${t.base}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    for (const route of documentedRoutes()) {
      const [method, path] = route.split(' ') as [string, string];
      expect(html).toContain(`${method}</span> <code>${path}</code>`);
    }
    expect(html).toContain('X-Payment-Signature');
    // No CDN: nothing is loaded from elsewhere.
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)="https?:/);
  });

  it('When real requests are answered, then the bodies match the documented responses', async () => {
    matches(answers.skuCreated, await t.listSku({ skuId: 'OA1', stock: 5, perUserLimit: 2 }));
    const sku = await t.http.get('/v1/skus/OA1', { token: t.customer('u1') });
    matches(answers.skuView, sku.body);
    const placed = await t.http.post(
      '/v1/orders',
      { items: [{ skuId: 'OA1', quantity: 1 }] },
      { token: t.customer('u1') },
    );
    expect(placed.status).toBe(201);
    matches(answers.orderPlaced, placed.body);
    const payment = await t.http.post(`/v1/orders/${placed.body.orderId}/payments`, undefined, {
      token: t.customer('u1'),
    });
    matches(answers.paymentStarted, payment.body);
    const events = await t.http.get(`/v1/admin/orders/${placed.body.orderId}/events`, {
      token: t.admin,
    });
    matches(answers.orderEvents, events.body);
    matches(
      answers.skuAudit,
      (await t.http.get('/v1/admin/skus/OA1/audit', { token: t.admin })).body,
    );
    matches(
      answers.projectionStatuses,
      (await t.http.get('/v1/admin/projections', { token: t.admin })).body,
    );
    const soldOut = await t.http.post(
      '/v1/orders',
      { items: [{ skuId: 'OA1', quantity: 99 }] },
      { token: t.customer('u2') },
    );
    expect(soldOut.status).toBe(409);
    matches(answers.errorResponse, soldOut.body);
    matches(
      answers.dashboardSummary,
      (await t.http.get('/v1/admin/dashboard', { token: t.admin })).body,
    );
    matches(answers.readiness, (await t.http.get('/readyz')).body);
    matches(answers.health, (await t.http.get('/healthz')).body);
  });
});
