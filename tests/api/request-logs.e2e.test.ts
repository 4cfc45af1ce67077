import { createLogger } from '../../infra/log';
import { testTopicPrefix } from '../support/kafka';
import { startTestSystem, type TestSystem } from '../support/system';
import { until } from '../support/wait';

type Line = Record<string, unknown> & { msg: string; role?: string };

describe('structured logs', () => {
  const topics = testTopicPrefix('logs');
  const lines: Line[] = [];
  let t: TestSystem;
  beforeAll(async () => {
    // The logger writes to this test instead of stdout: a pino destination is any writer.
    const logger = createLogger({
      level: 'info',
      destination: { write: (line: string) => void lines.push(JSON.parse(line) as Line) },
    });
    t = await startTestSystem(
      { ROLES: 'api,relay,projector,saga', KAFKA_TOPIC_PREFIX: topics.prefix },
      { label: 'logs', logger },
    );
  });
  afterAll(async () => {
    await t.stop();
    await topics.drop();
  });

  const mentioning = (id: string) =>
    lines.filter(
      (l) =>
        l.requestId === id || (Array.isArray(l.correlationIds) && l.correlationIds.includes(id)),
    );

  it('When a new deployment starts every role, then nothing is logged as a warning or an error', () => {
    // Runs first, on the start-up lines alone: a first start has no Redis data to have lost,
    // and the roles share the creation of the topics.
    const loud = lines.filter((l) => ['warn', 'error', 'fatal'].includes(String(l.level)));
    expect(loud).toEqual([]);
    expect(
      lines.some((l) => l.msg === 'hot inventory set up: the event store has no events yet'),
    ).toBe(true);
  });

  it('When an order is placed with a request id, then the api, relay, projector and saga lines carry it', async () => {
    await t.listSku({ skuId: 'G1', stock: 10 });
    const requestId = 'trace-order-0001';
    const res = await t.http.post(
      '/v1/orders',
      { items: [{ skuId: 'G1', quantity: 2 }] },
      { token: t.customer('grep-user'), headers: { 'x-request-id': requestId } },
    );
    expect(res.status).toBe(201);
    expect(res.headers.get('x-request-id')).toBe(requestId);

    const seen = () => new Set(mentioning(requestId).map((l) => l.projection ?? l.role));
    const expected = [
      'api',
      'relay',
      'saga',
      'orders',
      'order_items',
      'payments',
      'inventory_audit',
    ];
    await until(() => expected.every((who) => seen().has(who)));

    const trail = mentioning(requestId);
    expect(trail.find((l) => l.role === 'api')).toEqual(
      expect.objectContaining({
        level: 'info',
        msg: 'request',
        method: 'POST',
        route: '/v1/orders',
        status: 201,
        ms: expect.any(Number),
        requestId,
        time: expect.any(String),
      }),
    );
    expect(trail.find((l) => l.role === 'relay')).toEqual(
      expect.objectContaining({ msg: 'events published', count: expect.any(Number) }),
    );
    expect(trail.find((l) => l.role === 'saga')).toEqual(
      expect.objectContaining({ msg: 'timers updated', started: 1 }),
    );
    const projected = trail.filter((l) => l.role === 'projector').map((l) => l.projection);
    expect(new Set(projected)).toEqual(
      new Set(['orders', 'order_items', 'payments', 'inventory_audit']),
    );
  });

  it('When express answers a route, then its line names the route pattern, not the URL', async () => {
    const res = await t.http.get('/v1/orders/00000000-0000-7000-8000-000000000000', {
      token: t.customer('grep-user'),
      headers: { 'x-request-id': 'trace-404' },
    });
    expect(res.status).toBe(404);
    await until(() => mentioning('trace-404').length > 0);
    expect(mentioning('trace-404')).toEqual([
      expect.objectContaining({
        role: 'api',
        msg: 'request',
        method: 'GET',
        route: '/v1/orders/:orderId',
        status: 404,
      }),
    ]);
  });
});
