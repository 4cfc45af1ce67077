import { routeBuckets } from '../../demo/service-latency';
import { parseMetrics, valueOf, type Sample } from '../../infra/metrics/parse-text';
import { testTopicPrefix } from '../support/kafka';
import { startTestSystem, type TestSystem } from '../support/system';
import { eventually } from '../support/wait';

describe('GET /metrics', () => {
  const topics = testTopicPrefix('metrics');
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem(
      {
        ROLES: 'api,relay,projector,saga',
        KAFKA_TOPIC_PREFIX: topics.prefix,
        // Orders expire in a second, so the saga fires timers during the test.
        RESERVATION_TTL_SECONDS: '1',
      },
      { label: 'metrics' },
    );
  });
  afterAll(async () => {
    await t.stop();
    await topics.drop();
  });

  const scrape = async (): Promise<Sample[]> => {
    const res = await fetch(`${t.base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseMetrics(await res.text());
  };

  it('When orders come in, then requests, outcomes, appends, lags, timers and recoveries are series with plausible values', async () => {
    await t.listSku({ skuId: 'M1', stock: 3, perUserLimit: 1 });
    const buy = (user: string, key?: string) =>
      t.http.post(
        '/v1/orders',
        { items: [{ skuId: 'M1', quantity: 1 }] },
        { token: t.customer(user), headers: key ? { 'idempotency-key': key } : {} },
      );
    const first = await buy('a', 'k1');
    expect(first.status).toBe(201);
    expect((await buy('a', 'k1')).status).toBe(201); // replay
    expect((await buy('a')).status).toBe(409); // limit
    expect((await buy('b')).status).toBe(201);
    expect((await buy('c')).status).toBe(201);
    expect((await buy('d')).status).toBe(409); // sold out
    const orderId: string = first.body.orderId;
    const read = await t.http.get(`/v1/orders/${orderId}?minRevision=0`, {
      token: t.customer('a'),
    });
    expect(read.status).toBe(200);
    expect((await t.http.get('/v1/nothing/here')).status).toBe(404);

    // The saga expires the three orders (TTL 1 s); the projectors catch up.
    const m = await eventually(scrape, (s) => {
      const lag = s.filter((x) => x.name === 'flashsale_projection_lag_seconds');
      return (
        (valueOf(s, 'flashsale_saga_timers_fired_total') ?? 0) >= 3 &&
        lag.length === 4 &&
        lag.every((x) => x.value === 0) &&
        valueOf(s, 'flashsale_relay_lag_seconds') === 0
      );
    });

    const requests = (labels: Record<string, string>) =>
      valueOf(m, 'flashsale_http_requests_total', labels);
    // The fast path, by route pattern and status.
    expect(requests({ method: 'POST', route: '/v1/orders', status: '201' })).toBe(4);
    expect(requests({ method: 'POST', route: '/v1/orders', status: '409' })).toBe(2);
    // The demo's report reads the same histogram, summed over statuses (demo/service-latency.ts).
    const text = await (await fetch(`${t.base}/metrics`)).text();
    expect(routeBuckets(text, 'POST', '/v1/orders').at(-1)).toEqual({ le: Infinity, count: 6 });
    expect(
      valueOf(m, 'flashsale_http_request_duration_seconds_count', {
        route: '/v1/orders',
        status: '201',
      }),
    ).toBe(4);
    const sum = valueOf(m, 'flashsale_http_request_duration_seconds_sum', {
      route: '/v1/orders',
      status: '201',
    })!;
    expect(sum).toBeGreaterThan(0);
    expect(sum).toBeLessThan(20);
    // Express routes by pattern, never by raw URL.
    expect(requests({ method: 'GET', route: '/v1/orders/:orderId', status: '200' })).toBe(1);
    expect(requests({ method: 'POST', route: '/v1/admin/skus', status: '201' })).toBe(1);
    expect(requests({ route: 'unmatched', status: '404' })).toBe(1);
    expect(m.some((s) => s.labels.route?.includes(orderId))).toBe(false);

    const outcome = (o: string) => valueOf(m, 'flashsale_reservations_total', { outcome: o });
    expect(outcome('accepted')).toBe(3);
    expect(outcome('idempotent_replay')).toBe(1);
    expect(outcome('limit_exceeded')).toBe(1);
    expect(outcome('sold_out')).toBe(1);

    // SkuListed, three OrderPlaced, three OrderExpired at least: all appended, all ok.
    expect(
      valueOf(m, 'flashsale_event_store_append_duration_seconds_count', { result: 'ok' }),
    ).toBeGreaterThanOrEqual(7);
    expect(valueOf(m, 'flashsale_relay_position')).toBe(
      valueOf(m, 'flashsale_event_store_head_position'),
    );
    expect(valueOf(m, 'flashsale_relay_leading')).toBe(1);
    for (const projection of ['orders', 'order_items', 'payments', 'inventory_audit']) {
      expect(valueOf(m, 'flashsale_projection_dead_letters', { projection })).toBe(0);
    }
    expect(valueOf(m, 'flashsale_saga_timers', { status: 'FIRED' })).toBe(3);
    expect(valueOf(m, 'flashsale_saga_timers', { status: 'PENDING' })).toBe(0);
    expect(valueOf(m, 'flashsale_process_cpu_seconds_total')).toBeGreaterThan(0);

    // Redis loses the keys of this deployment: the rebuild is counted.
    const before = valueOf(m, 'flashsale_redis_recoveries_total')!;
    await t.redis.del(`{${t.prefix}}:epoch`);
    await eventually(scrape, (s) => valueOf(s, 'flashsale_redis_recoveries_total')! > before);
  });

  it("When a process serves only the api, then it reports the projections' lag and dead letters too, read from the database", async () => {
    const api = await startTestSystem({}, { database: t.database, label: 'metrics-api' });
    try {
      await api.listSku({ skuId: 'M-API', stock: 3 });
      const res = await fetch(`${api.base}/metrics`);
      const m = parseMetrics(await res.text());
      for (const projection of ['orders', 'order_items', 'payments', 'inventory_audit']) {
        expect(valueOf(m, 'flashsale_projection_lag_seconds', { projection })).toBeDefined();
        expect(valueOf(m, 'flashsale_projection_dead_letters', { projection })).toBe(0);
      }
    } finally {
      await api.stop({ keepDatabase: true });
    }
  });
});
